using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Workflow;

/// <summary>
/// Something that must happen because an event was stored: a read model to update, a timer to
/// set, a reaction to queue, a mail to send. Handlers run at least once per event, so each must
/// be idempotent (same event twice, same outcome).
/// </summary>
public interface IEventHandler
{
    Task HandleAsync(StoredEvent e, CancellationToken ct);
}

/// <summary>
/// Runs the side effects of stored events and then clears their outbox row. Called right after
/// each append, and by the sweeper for anything a crash or an outage left behind.
/// Handlers issue commands whose appends come back here, so they are resolved on first use, not
/// at construction: a constructor cycle through the container would deadlock start-up.
/// </summary>
public sealed partial class OutboxDispatcher(EventStore store, IServiceProvider services, ILogger<OutboxDispatcher> logger)
{
    private readonly Lazy<IReadOnlyList<IEventHandler>> _handlers = new(() => services.GetServices<IEventHandler>().ToList());

    /// <summary>Dispatch every pending outbox entry of one stream, oldest first.</summary>
    public async Task DispatchStreamAsync(string streamId, CancellationToken ct)
    {
        var pending = await store.ReadOutboxAsync(streamId, ct);
        foreach (var entry in pending.OrderBy(e => e.FromVersion))
        {
            await DispatchAsync(entry, ct);
        }
    }

    public async Task DispatchAsync(OutboxEntry entry, CancellationToken ct)
    {
        var events = (await store.ReadAsync(entry.StreamId, ct))
            .Where(e => e.Version >= entry.FromVersion && e.Version <= entry.ToVersion)
            .ToList();
        foreach (var e in events)
        {
            foreach (var handler in _handlers.Value)
            {
                await handler.HandleAsync(e, ct);
            }
        }

        await store.CompleteOutboxAsync(entry, ct);
    }

    /// <summary>Dispatch everything left in any stream's outbox. Returns how many entries it finished.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var done = 0;
        var failed = 0;
        await foreach (var entry in store.ScanOutboxAsync(ct))
        {
            try
            {
                await DispatchAsync(entry, ct);
                done++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failed++;
                LogSweepFailed(logger, ex, entry.StreamId, entry.FromVersion);
            }
        }

        if (done > 0 || failed > 0)
        {
            LogSwept(logger, done, failed);
        }

        if (failed > 0)
        {
            // Let the trigger fail so the host records it; the entries stay for the next sweep.
            throw new InvalidOperationException($"{failed} outbox entries could not be dispatched; they stay for the next sweep.");
        }

        return done;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox entry {StreamId} v{FromVersion} failed again; it stays for the next sweep")]
    private static partial void LogSweepFailed(ILogger logger, Exception ex, string streamId, int fromVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox sweep dispatched {Done} entries ({Failed} failed)")]
    private static partial void LogSwept(ILogger logger, int done, int failed);
}
