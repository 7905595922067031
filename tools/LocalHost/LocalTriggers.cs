using Cronos;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using QualityAward.Functions.Hosting;

namespace QualityAward.LocalHost;

/// <summary>How the local host runs timer functions (section <c>Workflow</c>).</summary>
public sealed class LocalTriggerOptions
{
    public const string Section = "Workflow";

    /// <summary>Run timers on their schedules. Tests turn it off and drive them by hand.</summary>
    public bool RunLocalTriggers { get; set; } = true;
}

/// <summary>
/// What the Functions host does for timer triggers: each timer function on its six-field CRON
/// schedule (UTC, as on a Linux plan). The app has no queue functions (and no queue client of its
/// own), so the local host runs none: it refuses to start if one appears.
/// </summary>
public sealed partial class LocalTriggers(
    IServiceProvider services,
    FunctionCatalog catalog,
    FunctionInvoker invoker,
    TimeProvider clock,
    ILogger<LocalTriggers> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (catalog.Queues.Count > 0)
        {
            throw new InvalidOperationException($"The local host runs no queue functions, and the app has no queues of its own: {string.Join(", ", catalog.Queues.Select(q => q.Name))}.");
        }

        var loops = catalog.Timers.Select(t => RunTimerAsync(t, stoppingToken)).ToList();
        LogStarted(logger, catalog.Timers.Count);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Local host running {Timers} timer functions")]
    private static partial void LogStarted(ILogger logger, int timers);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Timer {Function}: {Result}")]
    private static partial void LogTimerRan(ILogger logger, string function, string result);

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer {Function} failed; it runs again on its schedule")]
    private static partial void LogTimerFailed(ILogger logger, Exception ex, string function);
}
