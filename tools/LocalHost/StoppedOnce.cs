using DurableTask.Core;

namespace QualityAward.LocalHost;

/// <summary>
/// The orchestration service as the sidecar's dispatcher sees it, stopped once, by whichever comes
/// first: the local host as the app stops (forced, without waiting for the dispatcher), or the
/// dispatcher once its work items have finished.
/// </summary>
/// <remarks>
/// The dispatcher alone is not enough: it stops the service only after every work item it has
/// handed to the worker has come back, and one whose activity hangs (a mail on the wire while the
/// app dies) never does. The service's queue listeners and partition lease then outlive the app,
/// taking the control messages the next start needs — what a process that dies does not do. And the
/// Azure Storage provider's stop is not safe to call twice, nor before it has started.
/// </remarks>
public sealed class StoppedOnce(IOrchestrationService inner) : IOrchestrationService
{
    private readonly SemaphoreSlim _transition = new(1, 1);
    private bool _started;
    private volatile bool _stopped;

    public IOrchestrationService Inner => inner;

    public async Task StartAsync()
    {
        await _transition.WaitAsync();
        try
        {
            // Stopped before the dispatcher got to start it (the app stopped as the worker connected):
            // it stays stopped. Not an exception: the sidecar starts its dispatcher from an async
            // void callback, where one would end the process.
            if (_stopped)
            {
                return;
            }

            await inner.StartAsync();
            _started = true;
        }
        finally
        {
            _transition.Release();
        }
    }

    public Task StopAsync() => StopOnceAsync(isForced: false);

    public Task StopAsync(bool isForced) => StopOnceAsync(isForced);

    private async Task StopOnceAsync(bool isForced)
    {
        await _transition.WaitAsync();
        try
        {
            if (_started && !_stopped)
            {
                await inner.StopAsync(isForced);
            }

            _stopped = true;
        }
        finally
        {
            _transition.Release();
        }
    }

    public Task CreateAsync() => inner.CreateAsync();

    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);

    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();

    public Task DeleteAsync() => inner.DeleteAsync();

    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;

    public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;

    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        _stopped ? NothingAfterStopAsync<TaskOrchestrationWorkItem>(cancellationToken) : inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);

    /// <summary>A stopped service hands out no work: a dispatcher still asking waits until it is cancelled.</summary>
    private static async Task<T> NothingAfterStopAsync<T>(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return default!;
    }

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState) =>
        inner.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;

    public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;

    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        _stopped ? NothingAfterStopAsync<TaskActivityWorkItem>(cancellationToken) : inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);

    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) => inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);

    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => inner.AbandonTaskActivityWorkItemAsync(workItem);
}
