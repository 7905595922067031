using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Workflow;

/// <summary>A workflow timer: at <see cref="DueAt"/>, run the handler of <see cref="Kind"/> for <see cref="Target"/>.</summary>
public sealed record WorkflowTimer(string Id, DateTimeOffset DueAt, string Kind, string Target, string? Payload = null);

/// <summary>What a timer of one kind does when it fires. Must be idempotent: a timer may fire twice.</summary>
public interface ITimerHandler
{
    string Kind { get; }

    Task FireAsync(WorkflowTimer timer, CancellationToken ct);
}

/// <summary>
/// Timers are rows due at an instant (UTC). Setting a timer with an id that exists moves it, so a
/// deadline that changes (a window extended) keeps one timer. The timer function fires every due
/// row and deletes it only after its handler succeeded. Handlers set timers themselves, so they are
/// resolved on first use rather than at construction (a constructor cycle would deadlock start-up).
/// </summary>
public sealed partial class TimerStore(StorageClients storage, IServiceProvider services, TimeProvider clock, ILogger<TimerStore> logger)
{
    private const string Partition = "timer";
    private readonly Lazy<Dictionary<string, ITimerHandler>> _handlers =
        new(() => services.GetServices<ITimerHandler>().ToDictionary(h => h.Kind, StringComparer.Ordinal));

    private TableClient Table => storage.Table(StorageClients.TimersTable);

    public async Task SetAsync(WorkflowTimer timer, CancellationToken ct)
    {
        var row = new TableEntity(Partition, timer.Id)
        {
            ["DueAt"] = timer.DueAt.ToUniversalTime(),
            ["Kind"] = timer.Kind,
            ["Target"] = timer.Target,
            ["Payload"] = timer.Payload,
        };
        await Table.UpsertEntityAsync(row, TableUpdateMode.Replace, ct);
    }

    public async Task CancelAsync(string id, CancellationToken ct)
    {
        try
        {
            await Table.DeleteEntityAsync(Partition, id, ETag.All, ct);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already fired or never set.
        }
    }

    public async Task<IReadOnlyList<WorkflowTimer>> PendingAsync(CancellationToken ct)
    {
        var list = new List<WorkflowTimer>();
        await foreach (var row in Table.QueryAsync<TableEntity>(r => r.PartitionKey == Partition, cancellationToken: ct))
        {
            list.Add(FromRow(row));
        }

        return list.OrderBy(t => t.DueAt).ToList();
    }

    /// <summary>Fire every timer due now. A failing handler leaves its timer for the next run and fails the trigger.</summary>
    public async Task<int> FireDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and DueAt le {now.UtcDateTime}");
        var due = new List<(WorkflowTimer Timer, ETag ETag)>();
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            due.Add((FromRow(row), row.ETag));
        }

        var fired = 0;
        var failures = new List<Exception>();
        foreach (var (timer, etag) in due.OrderBy(d => d.Timer.DueAt))
        {
            if (!_handlers.Value.TryGetValue(timer.Kind, out var handler))
            {
                LogUnknownKind(logger, timer.Id, timer.Kind);
                continue;
            }

            try
            {
                await handler.FireAsync(timer, ct);
                try
                {
                    // Only if it was not moved meanwhile (a new due time means a new firing).
                    await Table.DeleteEntityAsync(Partition, timer.Id, etag, ct);
                }
                catch (RequestFailedException ex) when (ex.Status is 404 or 412)
                {
                }

                fired++;
                LogFired(logger, timer.Id, timer.Kind, timer.DueAt);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex, timer.Id, timer.Kind);
                failures.Add(ex);
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException($"{failures.Count} of {due.Count} due timers failed; they stay due.", failures);
        }

        return fired;
    }

    private static WorkflowTimer FromRow(TableEntity row) => new(
        row.RowKey,
        row.GetDateTimeOffset("DueAt") ?? DateTimeOffset.MinValue,
        row.GetString("Kind"),
        row.GetString("Target"),
        row.GetString("Payload"));

    [LoggerMessage(Level = LogLevel.Information, Message = "Timer {TimerId} ({Kind}) due {DueAt:O} fired")]
    private static partial void LogFired(ILogger logger, string timerId, string kind, DateTimeOffset dueAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer {TimerId} ({Kind}) failed; it stays due")]
    private static partial void LogFailed(ILogger logger, Exception ex, string timerId, string kind);

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer {TimerId} has kind {Kind}, which no handler serves")]
    private static partial void LogUnknownKind(ILogger logger, string timerId, string kind);
}

/// <summary>Helpers for timer payloads.</summary>
public static class TimerPayload
{
    public static string Of<T>(T value) => JsonSerializer.Serialize(value, EventCatalog.JsonOptions);

    public static T Read<T>(WorkflowTimer timer) =>
        JsonSerializer.Deserialize<T>(timer.Payload ?? "null", EventCatalog.JsonOptions)
        ?? throw new InvalidOperationException($"Timer {timer.Id} has no payload.");

    public static string Id(params object[] parts) => string.Join("-", parts.Select(p => Convert.ToString(p, CultureInfo.InvariantCulture)));
}
