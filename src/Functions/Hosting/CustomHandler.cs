using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Cronos;
using Microsoft.Extensions.Options;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Hosting;

/// <summary>
/// The custom-handler side of timer and queue triggers. The Functions host posts
/// <c>{"Data": {...}, "Metadata": {...}}</c> to <c>/{FunctionName}</c>; the answer is
/// <c>{"Outputs": {}, "Logs": [...], "ReturnValue": ...}</c>, and a non-2xx answer makes the host
/// retry (a queue message goes back on the queue, and to the poison queue after its retries).
/// </summary>
public static partial class CustomHandlerEndpoints
{
    public static void MapCustomHandler(this IEndpointRouteBuilder app)
    {
        foreach (var trigger in TriggerTable.All.Where(t => t.Kind != TriggerKind.Http))
        {
            app.MapPost($"/{trigger.Name}", (HttpContext http, IEnumerable<ITriggerFunction> functions, ILoggerFactory loggers, CancellationToken ct) =>
                    InvokeAsync(http, trigger, functions, loggers.CreateLogger("QualityAward.Triggers"), ct))
                .ExcludeFromDescription()
                .AllowAnonymous();
        }
    }

    private static async Task<IResult> InvokeAsync(HttpContext http, TriggerDefinition trigger, IEnumerable<ITriggerFunction> functions, ILogger logger, CancellationToken ct)
    {
        // Only the Functions host (or a local operator) calls these: the host runs beside the
        // handler and talks to it on loopback. Anyone else is told there is nothing here.
        if (http.Connection.RemoteIpAddress is { } remote && !System.Net.IPAddress.IsLoopback(remote))
        {
            return Results.NotFound();
        }

        var function = functions.Single(f => f.Name == trigger.Name);
        JsonObject? payload;
        try
        {
            payload = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: ct) as JsonObject;
        }
        catch (JsonException)
        {
            payload = null;
        }

        if (payload?["Data"] is not JsonObject data)
        {
            return Answer(400, $"{trigger.Name}: the body is not a custom-handler payload ({{\"Data\": ...}}).");
        }

        string? input = null;
        if (trigger.Kind == TriggerKind.Queue)
        {
            input = data["message"] switch
            {
                JsonValue v when v.TryGetValue<string>(out var text) => text,
                JsonNode node => node.ToJsonString(),
                null => null,
            };
            if (input is null)
            {
                return Answer(400, $"{trigger.Name}: Data.message is missing.");
            }
        }

        try
        {
            var log = await function.RunAsync(input, ct);
            return Answer(200, log);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogInvocationFailed(logger, ex, trigger.Name);
            return Answer(500, $"{trigger.Name} failed: {ex.Message}");
        }
    }

    /// <summary>
    /// The answer the host reads, with its property names exactly as documented (Outputs, Logs,
    /// ReturnValue): the API's camelCase JSON options must not rename them.
    /// </summary>
    private static IResult Answer(int status, string log) =>
        Results.Json(new { Outputs = new { }, Logs = new[] { log }, ReturnValue = (object?)null }, HostJson, statusCode: status);

    private static readonly JsonSerializerOptions HostJson = new() { PropertyNamingPolicy = null };

    [LoggerMessage(Level = LogLevel.Error, Message = "Trigger {Function} failed; the host will retry")]
    private static partial void LogInvocationFailed(ILogger logger, Exception ex, string function);
}

/// <summary>
/// Without the Functions host (a local run), this process runs the trigger table itself: each
/// timer on its schedule (UTC, six-field cron as the host reads it) and each queue by polling,
/// with the host's retry and poison-queue behaviour.
/// </summary>
public sealed partial class LocalTriggerHost(
    IEnumerable<ITriggerFunction> functions,
    StorageClients storage,
    IOptions<WorkflowOptions> options,
    TimeProvider clock,
    ILogger<LocalTriggerHost> logger) : BackgroundService
{
    private readonly Dictionary<string, ITriggerFunction> _functions = functions.ToDictionary(f => f.Name, StringComparer.Ordinal);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = TriggerTable.All
            .Where(t => t.Kind != TriggerKind.Http)
            .Select(t => t.Kind == TriggerKind.Timer ? RunTimerAsync(t, stoppingToken) : RunQueueAsync(t, stoppingToken))
            .ToList();
        LogStarted(logger, loops.Count);
        return Task.WhenAll(loops);
    }

    private async Task RunTimerAsync(TriggerDefinition trigger, CancellationToken ct)
    {
        var cron = CronExpression.Parse(trigger.Schedule!, CronFormat.IncludeSeconds);
        var function = _functions[trigger.Name];
        while (!ct.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            var next = cron.GetNextOccurrence(now.UtcDateTime, TimeZoneInfo.Utc);
            if (next is null)
            {
                return;
            }

            try
            {
                await Task.Delay(next.Value - now.UtcDateTime, clock, ct);
                var log = await function.RunAsync(null, ct);
                LogTimerRan(logger, trigger.Name, log);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogTimerFailed(logger, ex, trigger.Name);
            }
        }
    }

    private async Task RunQueueAsync(TriggerDefinition trigger, CancellationToken ct)
    {
        var queue = storage.Queue(trigger.Queue!);
        var poison = storage.Queue(trigger.Queue! + "-poison");
        var function = _functions[trigger.Name];
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
                    await HandleMessageAsync(trigger, function, queue, poison, message, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogQueueLoopFailed(logger, ex, trigger.Name);
                await Task.Delay(TimeSpan.FromSeconds(2), clock, ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task HandleMessageAsync(TriggerDefinition trigger, ITriggerFunction function, QueueClient queue, QueueClient poison, Azure.Storage.Queues.Models.QueueMessage message, CancellationToken ct)
    {
        var text = message.Body.ToString();
        if (message.DequeueCount > options.Value.MaxDequeueCount)
        {
            await poison.SendMessageAsync(text, ct);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
            LogPoisoned(logger, trigger.Name, message.MessageId, message.DequeueCount);
            return;
        }

        try
        {
            await function.RunAsync(text, ct);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Make it visible again soon, as the host does after a failed invocation.
            LogMessageFailed(logger, ex, trigger.Name, message.MessageId, message.DequeueCount);
            await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.FromSeconds(Math.Min(30, message.DequeueCount * 2)), cancellationToken: ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Local trigger loop running {Count} timer and queue functions")]
    private static partial void LogStarted(ILogger logger, int count);

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

/// <summary>Timers: fire due workflow timers.</summary>
public sealed class TimersFunction(TimerStore timers) : ITriggerFunction
{
    public string Name => "Timers";

    public async Task<string> RunAsync(string? input, CancellationToken ct) => $"{await timers.FireDueAsync(ct)} timers fired";
}

/// <summary>OutboxSweep: finish side effects left behind.</summary>
public sealed class OutboxSweepFunction(OutboxDispatcher dispatcher) : ITriggerFunction
{
    public string Name => "OutboxSweep";

    public async Task<string> RunAsync(string? input, CancellationToken ct) => $"{await dispatcher.SweepAsync(ct)} outbox entries dispatched";
}

/// <summary>Reactions: run the reactions to one stored event.</summary>
public sealed class ReactionsFunction(ReactionRunner runner) : ITriggerFunction
{
    public string Name => "Reactions";

    public async Task<string> RunAsync(string? input, CancellationToken ct)
    {
        await runner.RunAsync(input ?? throw new ArgumentNullException(nameof(input)), ct);
        return "reacted";
    }
}
