using System.ComponentModel.DataAnnotations;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Cronos;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;

namespace QualityAward.LocalHost;

/// <summary>How the local host runs timer and queue functions (section <c>Workflow</c>).</summary>
public sealed class LocalTriggerOptions
{
    public const string Section = "Workflow";

    /// <summary>Run timers on their schedules and poll the queues. Tests turn it off and drive them by hand.</summary>
    public bool RunLocalTriggers { get; set; } = true;

    /// <summary>How often an empty queue is polled.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A message that fails this many times goes to the poison queue (host.json's queues.maxDequeueCount).</summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;
}

/// <summary>
/// What the Functions host does for timer and queue triggers: each timer function on its
/// six-field CRON schedule (UTC, as on a Linux plan), each queue function by polling its queue,
/// with the host's retries and poison queue.
/// </summary>
public sealed partial class LocalTriggers(
    IServiceProvider services,
    FunctionCatalog catalog,
    FunctionInvoker invoker,
    StorageClients storage,
    IOptions<LocalTriggerOptions> options,
    TimeProvider clock,
    ILogger<LocalTriggers> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = catalog.Timers.Select(t => RunTimerAsync(t, stoppingToken))
            .Concat(catalog.Queues.Select(q => RunQueueAsync(q, stoppingToken)))
            .ToList();
        LogStarted(logger, catalog.Timers.Count, catalog.Queues.Count);
        return Task.WhenAll(loops);
    }

    private async Task RunTimerAsync(TimerFunction function, CancellationToken ct)
    {
        var cron = CronExpression.Parse(function.Schedule, CronFormat.IncludeSeconds);
        while (!ct.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            if (cron.GetNextOccurrence(now.UtcDateTime, TimeZoneInfo.Utc) is not { } next)
            {
                return;
            }

            try
            {
                await Task.Delay(next - now.UtcDateTime, clock, ct);
                var result = await invoker.InvokeTimerAsync(services, function, ct);
                LogTimerRan(logger, function.Name, result as string ?? "done");
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogTimerFailed(logger, ex, function.Name);
            }
        }
    }

    private async Task RunQueueAsync(QueueFunction function, CancellationToken ct)
    {
        var queue = storage.Queue(function.Queue);
        var poison = storage.Queue(function.Queue + "-poison");
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var received = await queue.ReceiveMessagesAsync(16, TimeSpan.FromMinutes(5), ct);
                if (received.Value.Length == 0)
                {
                    await Task.Delay(options.Value.QueuePollInterval, clock, ct);
                    continue;
                }

                foreach (var message in received.Value)
                {
                    await HandleAsync(function, queue, poison, message, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogQueueLoopFailed(logger, ex, function.Name);
                await Task.Delay(TimeSpan.FromSeconds(2), clock, ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task HandleAsync(QueueFunction function, QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken ct)
    {
        var text = message.Body.ToString();
        if (message.DequeueCount > options.Value.MaxDequeueCount)
        {
            await poison.SendMessageAsync(text, ct);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
            LogPoisoned(logger, function.Name, message.MessageId, message.DequeueCount);
            return;
        }

        try
        {
            await invoker.InvokeQueueAsync(services, function, text, ct);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Visible again soon, as the host makes it after a failed invocation.
            LogMessageFailed(logger, ex, function.Name, message.MessageId, message.DequeueCount);
            await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.FromSeconds(Math.Min(30, message.DequeueCount * 2)), cancellationToken: ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Local host running {Timers} timer and {Queues} queue functions")]
    private static partial void LogStarted(ILogger logger, int timers, int queues);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Timer {Function}: {Result}")]
    private static partial void LogTimerRan(ILogger logger, string function, string result);

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer {Function} failed; it runs again on its schedule")]
    private static partial void LogTimerFailed(ILogger logger, Exception ex, string function);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue loop {Function} failed; polling again")]
    private static partial void LogQueueLoopFailed(ILogger logger, Exception ex, string function);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function} message {MessageId} failed (attempt {DequeueCount}); it will be retried")]
    private static partial void LogMessageFailed(ILogger logger, Exception ex, string function, string messageId, long dequeueCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Function} message {MessageId} failed {DequeueCount} times and was moved to the poison queue")]
    private static partial void LogPoisoned(ILogger logger, string function, string messageId, long dequeueCount);
}
