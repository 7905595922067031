namespace QualityAward.Functions.Workflow;

/// <summary>
/// The workflow engine's periodic work and its queue: due timers (deadlines, reminders, notice
/// ends), side effects a crash or an outage left in the outbox, and the reactions to stored
/// events. Failures propagate, so the host retries (a queue message goes to the poison queue after
/// host.json's maxDequeueCount).
/// </summary>
public sealed partial class WorkflowFunctions(TimerStore timers, OutboxDispatcher dispatcher, ReactionRunner reactions, ILogger<WorkflowFunctions> logger)
{
    /// <summary>Fires every workflow timer that is due (every minute).</summary>
    [Function("Timers")]
    public async Task<string> FireDueTimers([TimerTrigger("0 * * * * *")] TimerInfo timer, CancellationToken ct)
    {
        var fired = await timers.FireDueAsync(ct);
        if (fired > 0)
        {
            LogFired(logger, fired);
        }

        return $"{fired} timers fired";
    }

    /// <summary>Dispatches side effects that a crash or an outage left in the outbox (every two minutes).</summary>
    [Function("OutboxSweep")]
    public async Task<string> SweepOutbox([TimerTrigger("30 */2 * * * *")] TimerInfo timer, CancellationToken ct)
    {
        var dispatched = await dispatcher.SweepAsync(ct);
        if (dispatched > 0)
        {
            LogSwept(logger, dispatched);
        }

        return $"{dispatched} outbox entries dispatched";
    }

    /// <summary>Runs the workflow reactions to one stored event (a message of the reactions queue).</summary>
    [Function("Reactions")]
    public async Task<string> React([QueueTrigger(Storage.StorageClients.ReactionsQueue, Connection = QueueConnection)] string message, CancellationToken ct)
    {
        await reactions.RunAsync(message, ct);
        return "reacted";
    }

    /// <summary>The one connection setting queue triggers use (identity-based in Azure: Storage__queueServiceUri).</summary>
    public const string QueueConnection = "Storage";

    [LoggerMessage(Level = LogLevel.Information, Message = "Timers: {Count} workflow timers fired")]
    private static partial void LogFired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "OutboxSweep: {Count} outbox entries dispatched")]
    private static partial void LogSwept(ILogger logger, int count);
}
