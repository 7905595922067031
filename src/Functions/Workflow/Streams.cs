using System.Collections.Concurrent;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Notices;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Workflow;

/// <summary>How to fold one kind of stream.</summary>
public sealed record StreamKind<TState, TEvent>(string Name, TState Initial, Func<TState, TEvent, TState> Evolve)
    where TEvent : IDomainEvent;

public static class StreamKinds
{
    public static readonly StreamKind<ApplicationState, IApplicationEvent> Application = new("application", ApplicationState.Initial, ApplicationState.Evolve);

    public static readonly StreamKind<CycleState, ICycleEvent> Cycle = new("cycle", CycleState.Initial, CycleState.Evolve);

    public static readonly StreamKind<NoticeState, INoticeEvent> Notice = new("notice", NoticeState.Initial, NoticeState.Evolve);
}

/// <summary>The result of running a command: the refusal, or the state after it and the events it added.</summary>
public sealed record CommandOutcome<TState>(TState State, IReadOnlyList<StoredEvent> Appended, Refusal? Refusal)
{
    public bool Refused => Refusal is not null;
}

/// <summary>
/// A stream as read once: its events and the state they fold to. A caller that checks something on
/// the state (who may see it) passes it to <see cref="Streams.RunAsync"/>, which decides on the same
/// read and appends only if the stream is still at its version.
/// </summary>
public sealed record StreamRead<TState>(TState State, IReadOnlyList<StoredEvent> Events);

/// <summary>
/// Load → decide → append, with the retry that optimistic concurrency needs: if another writer
/// appended first, the stream is read again and the command decided again against the new state.
/// After an append the read models are projected at once; if that fails, the projection sweep finishes it.
/// </summary>
public sealed partial class Streams(EventStore store, StateLoader loader, Projections projections, ILogger<Streams> logger)
{
    /// <summary>
    /// Enough for a burst of writers on one stream (fifty reviewers scoring one cycle at once): each
    /// round one of them wins, and the backoff below spreads the others out.
    /// </summary>
    private const int MaxAttempts = 25;

    /// <summary>The ceiling of the jittered backoff between attempts, in milliseconds.</summary>
    private const int MaxBackoffMs = 400;

    public EventStore Store => store;

    public Task<TState> LoadAsync<TState, TEvent>(StreamKind<TState, TEvent> kind, string streamId, CancellationToken ct)
        where TEvent : IDomainEvent => loader.LoadAsync(kind, streamId, ct);

    /// <summary>
    /// The stream's state as this instance last folded it, without reading storage (possibly behind
    /// it): only for what never changes once the stream exists, such as a cycle's policy. Null if
    /// this instance has not folded the stream.
    /// </summary>
    public TState? Known<TState, TEvent>(StreamKind<TState, TEvent> kind, string streamId)
        where TEvent : IDomainEvent => loader.Known(kind, streamId);

    /// <summary>
    /// The stream's state as this instance last folded it, if that fold is at <paramref name="version"/>
    /// or later; else read from storage. For a reader told by whoever woke it that the stream was at
    /// that version then (decision 0026): the state it gets is as fresh as a read at that moment.
    /// </summary>
    public async Task<TState> LoadAtLeastAsync<TState, TEvent>(StreamKind<TState, TEvent> kind, string streamId, int? version, CancellationToken ct)
        where TEvent : IDomainEvent =>
        version is { } v && loader.KnownAt(kind, streamId, v) is { } known ? known : await loader.LoadAsync(kind, streamId, ct);

    /// <summary>How far this instance has folded the stream (0 when it has not).</summary>
    public int KnownVersion(string streamId) => loader.KnownVersion(streamId);

    /// <summary>The stream's events and its state, for a check before a command that then runs on the same read.</summary>
    public async Task<StreamRead<TState>> ReadAsync<TState, TEvent>(StreamKind<TState, TEvent> kind, string streamId, CancellationToken ct)
        where TEvent : IDomainEvent
    {
        var events = await store.ReadAsync(streamId, ct);
        return new StreamRead<TState>(loader.Fold(kind, streamId, events), events);
    }

    /// <param name="read">
    /// The stream as the caller read it already, if it did: the first attempt decides on it instead of
    /// reading again, and its append is conditional on that read's version like any other.
    /// </param>
    public async Task<CommandOutcome<TState>> RunAsync<TState, TEvent>(
        StreamKind<TState, TEvent> kind,
        string streamId,
        Func<TState, ValueTask<Decision<TEvent>>> decide,
        EventMetadata metadata,
        CancellationToken ct,
        StreamRead<TState>? read = null)
        where TEvent : IDomainEvent
    {
        // Whatever else the decision reads, it reads once (a retry after a conflict reads the stream
        // it appends to again, and keeps its read of the others).
        using var once = store.ReadOnce();
        for (var attempt = 1; ; attempt++)
        {
            var events = attempt == 1 && read is not null ? read.Events : await store.ReadAsync(streamId, ct);
            var state = loader.Fold(kind, streamId, events);
            var decision = await decide(state);
            if (decision.IsRefused)
            {
                return new CommandOutcome<TState>(state, [], decision.Refusal);
            }

            if (decision.Events.Count == 0)
            {
                return new CommandOutcome<TState>(state, [], null);
            }

            try
            {
                var added = decision.Events.Cast<IDomainEvent>().ToList();
                var projected = projections.AnyHandles(added);
                var appended = await store.AppendAsync(streamId, events.Count, added, metadata, ct, projected);
                var after = loader.Fold(kind, streamId, [.. events, .. appended]);
                if (projected)
                {
                    await ProjectQuietlyAsync(streamId, appended, after, ct);
                }

                return new CommandOutcome<TState>(after, appended, null);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                LogConflict(logger, streamId, attempt);
                // Exponential backoff with full jitter: writers that collided do not collide again in step.
                await Task.Delay(Random.Shared.Next(1, Math.Min(MaxBackoffMs, 10 << Math.Min(attempt, 6)) + 1), ct);
            }
            catch (ConcurrencyConflictException)
            {
                return new CommandOutcome<TState>(state, [], Refusal.Rule(
                    "concurrency.conflict",
                    "该记录正被他人同时修改，请稍后重试。",
                    "Someone else changed this record at the same time; try again."));
            }
        }
    }

    private async Task ProjectQuietlyAsync(string streamId, IReadOnlyList<StoredEvent> appended, object? state, CancellationToken ct)
    {
        try
        {
            await projections.ProjectAppendedAsync(streamId, appended, state, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The events are stored; their projection stays pending for the sweep.
            LogDispatchDeferred(logger, ex, streamId, appended[0].Version);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Concurrent append on {StreamId}; retrying (attempt {Attempt})")]
    private static partial void LogConflict(ILogger logger, string streamId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Read models of {StreamId} from v{FromVersion} deferred to the projection sweep")]
    private static partial void LogDispatchDeferred(ILogger logger, Exception ex, string streamId, int fromVersion);
}

/// <summary>
/// Folds streams into state, remembering the last fold per stream so a long stream (or a cycle
/// whose first event carries a whole policy) is not folded from the start on every request.
/// </summary>
public sealed class StateLoader(EventStore store)
{
    private readonly ConcurrentDictionary<string, (int Version, object State)> _folded = new(StringComparer.Ordinal);

    public async Task<TState> LoadAsync<TState, TEvent>(StreamKind<TState, TEvent> kind, string streamId, CancellationToken ct)
        where TEvent : IDomainEvent
    {
        var events = await store.ReadAsync(streamId, ct);
        return Fold(kind, streamId, events);
    }

    /// <summary>The last fold of the stream in this instance, if any (see <see cref="Streams.Known"/>).</summary>
    public TState? Known<TState, TEvent>(StreamKind<TState, TEvent> kind, string streamId)
        where TEvent : IDomainEvent => KnownAt(kind, streamId, 0);

    /// <summary>The last fold of the stream in this instance, if it is at <paramref name="version"/> or later.</summary>
    public TState? KnownAt<TState, TEvent>(StreamKind<TState, TEvent> kind, string streamId, int version)
        where TEvent : IDomainEvent =>
        _folded.TryGetValue(streamId, out var cached) && cached.Version >= version && cached.State is TState s ? s : default;

    public int KnownVersion(string streamId) => _folded.TryGetValue(streamId, out var cached) ? cached.Version : 0;

    public TState Fold<TState, TEvent>(StreamKind<TState, TEvent> kind, string streamId, IReadOnlyList<StoredEvent> events)
        where TEvent : IDomainEvent
    {
        var start = kind.Initial;
        var from = 0;
        if (_folded.TryGetValue(streamId, out var cached) && cached.State is TState s && cached.Version <= events.Count
            && (cached.Version == 0 || events[cached.Version - 1].Version == cached.Version))
        {
            start = s;
            from = cached.Version;
        }

        var state = start;
        for (var i = from; i < events.Count; i++)
        {
            state = kind.Evolve(state, (TEvent)events[i].Event);
        }

        if (_folded.Count > 20_000)
        {
            _folded.Clear();
        }

        _folded[streamId] = (events.Count, state!);
        return state;
    }
}
