using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Workflow;

/// <summary>
/// A read model kept from stored events (an index row, the register, the public notice list): a
/// cache for people and queries to read, never what a decision is made on. Projections run at least
/// once per event, so each must be idempotent (same event twice, same rows).
/// </summary>
public interface IProjection
{
    Task HandleAsync(StoredEvent e, CancellationToken ct);
}

/// <summary>
/// Keeps the read models in step with the record. Every append writes, in its own transaction, a
/// marker saying "these events are not projected yet"; right after the append the events are
/// projected and the marker deleted. A crash or an outage in between leaves the marker, and the
/// <c>ProjectionSweep</c> timer projects what it names. Nothing of the process runs here: the
/// steps that follow an event are taken by the function that appended it or by an orchestration.
/// </summary>
public sealed partial class Projections(EventStore store, IServiceProvider services, ILogger<Projections> logger)
{
    // Projections may issue reads that come back here, so they are resolved on first use, not at
    // construction: a constructor cycle through the container would deadlock start-up.
    private readonly Lazy<IReadOnlyList<IProjection>> _projections = new(() => services.GetServices<IProjection>().ToList());

    /// <summary>Project every pending marker of one stream, oldest first.</summary>
    public async Task ProjectStreamAsync(string streamId, CancellationToken ct)
    {
        var pending = await store.ReadPendingProjectionsAsync(streamId, ct);
        foreach (var entry in pending.OrderBy(e => e.FromVersion))
        {
            await ProjectAsync(entry, ct);
        }
    }

    public async Task ProjectAsync(PendingProjection entry, CancellationToken ct)
    {
        var events = (await store.ReadAsync(entry.StreamId, ct))
            .Where(e => e.Version >= entry.FromVersion && e.Version <= entry.ToVersion)
            .ToList();
        foreach (var e in events)
        {
            foreach (var projection in _projections.Value)
            {
                await projection.HandleAsync(e, ct);
            }
        }

        await store.CompletePendingProjectionAsync(entry, ct);
    }

    /// <summary>Project everything a crash or an outage left pending in any stream. Returns how many markers it finished.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var done = 0;
        var failed = 0;
        await foreach (var entry in store.ScanPendingProjectionsAsync(ct))
        {
            try
            {
                await ProjectAsync(entry, ct);
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
            // Let the trigger fail so the host records it; the markers stay for the next sweep.
            throw new InvalidOperationException($"{failed} pending projections could not be run; they stay for the next sweep.");
        }

        return done;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Projecting {StreamId} from v{FromVersion} failed again; it stays for the next sweep")]
    private static partial void LogSweepFailed(ILogger logger, Exception ex, string streamId, int fromVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Projection sweep: {Done} pending projections run ({Failed} failed)")]
    private static partial void LogSwept(ILogger logger, int done, int failed);
}
