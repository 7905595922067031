using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Workflow;

/// <summary>
/// A read model kept from stored events (an index row, the register, the public notice list): a
/// cache for people and queries to read, never what a decision is made on. Projections run at least
/// once per event, so each must be idempotent (same event twice, same rows), and a row built from
/// an older state must never replace one built from a newer state (see <see cref="ReadModels"/>).
/// </summary>
public interface IProjection
{
    /// <summary>Whether this projection does anything for the event: an append none of whose events any projection handles is stored without a pending marker.</summary>
    bool Handles(Domain.IDomainEvent e);

    /// <summary>Project a batch of one stream's events (those of one append), oldest first.</summary>
    Task HandleAsync(ProjectionBatch batch, CancellationToken ct);
}

/// <summary>
/// The events of one append, for the projections: the command that appended them passes the state
/// it folded (so a projection that writes a row from the stream's state does not read the stream
/// again); the sweep passes none, and <see cref="StateAsync"/> then reads the stream (at least as
/// new as the batch: a row is written from that state, with that state's version).
/// </summary>
public sealed class ProjectionBatch(string streamId, IReadOnlyList<StoredEvent> events, object? state, StateLoader loader)
{
    public string StreamId => streamId;

    public IReadOnlyList<StoredEvent> Events => events;

    /// <summary>The stream's state after the batch (or later, on the sweep path).</summary>
    public async ValueTask<TState> StateAsync<TState, TEvent>(StreamKind<TState, TEvent> kind, CancellationToken ct)
        where TEvent : Domain.IDomainEvent =>
        state is TState s ? s : await loader.LoadAsync(kind, streamId, ct);
}

/// <summary>
/// Keeps the read models in step with the record. Every append whose events a projection handles
/// writes, in its own transaction, a marker saying "these events are not projected yet"; right
/// after the append the command projects the events it appended, with the state it folded, and
/// deletes the marker (no read of the marker or the stream). A crash or an outage in between
/// leaves the marker, and the <c>ProjectionSweep</c> timer projects what it names, reading the
/// stream. Nothing of the process runs here: the steps that follow an event are taken by the
/// function that appended it or by an orchestration.
/// </summary>
public sealed partial class Projections(EventStore store, StateLoader loader, IServiceProvider services, ILogger<Projections> logger)
{
    // Projections may issue reads that come back here, so they are resolved on first use, not at
    // construction: a constructor cycle through the container would deadlock start-up.
    private readonly Lazy<IReadOnlyList<IProjection>> _projections = new(() => services.GetServices<IProjection>().ToList());

    /// <summary>Whether any projection handles any of these events (else the append needs no marker).</summary>
    public bool AnyHandles(IReadOnlyList<Domain.IDomainEvent> events) =>
        events.Any(e => _projections.Value.Any(p => p.Handles(e)));

    /// <summary>
    /// Project the events a command just appended, given the state after them, and delete their
    /// marker. A failure leaves the marker for the sweep.
    /// </summary>
    public async Task ProjectAppendedAsync(string streamId, IReadOnlyList<StoredEvent> appended, object? state, CancellationToken ct)
    {
        if (appended.Count == 0)
        {
            return;
        }

        await RunAsync(new ProjectionBatch(streamId, appended, state, loader), ct);
        await store.CompletePendingProjectionAsync(new PendingProjection(streamId, appended[0].Version, appended[^1].Version, appended[0].RecordedAt), ct);
    }

    /// <summary>Project every pending marker of one stream, oldest first (reads the markers and the stream).</summary>
    public async Task ProjectStreamAsync(string streamId, CancellationToken ct)
    {
        var pending = await store.ReadPendingProjectionsAsync(streamId, ct);
        foreach (var entry in pending.OrderBy(e => e.FromVersion))
        {
            await ProjectAsync(entry, ct);
        }
    }

    /// <summary>Project what a marker names, reading the stream (the sweep's path), then delete the marker.</summary>
    public async Task ProjectAsync(PendingProjection entry, CancellationToken ct)
    {
        var events = (await store.ReadAsync(entry.StreamId, ct))
            .Where(e => e.Version >= entry.FromVersion && e.Version <= entry.ToVersion)
            .ToList();
        if (events.Count > 0)
        {
            await RunAsync(new ProjectionBatch(entry.StreamId, events, null, loader), ct);
        }

        await store.CompletePendingProjectionAsync(entry, ct);
    }

    private async Task RunAsync(ProjectionBatch batch, CancellationToken ct)
    {
        foreach (var projection in _projections.Value)
        {
            if (batch.Events.Any(e => projection.Handles(e.Event)))
            {
                await projection.HandleAsync(batch, ct);
            }
        }
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
