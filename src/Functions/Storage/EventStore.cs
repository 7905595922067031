using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using QualityAward.Domain;
using QualityAward.Domain.Audit;
using QualityAward.Functions.Audit;

namespace QualityAward.Functions.Storage;

/// <summary>Who, when and why, kept with every event.</summary>
public sealed record EventMetadata(Actor Actor, string? CommandId, string? CorrelationId);

/// <summary>An event as stored: its place in the stream, its metadata and its link in the hash chain.</summary>
public sealed record StoredEvent(
    string StreamId,
    int Version,
    string Type,
    int SchemaVersion,
    IDomainEvent Event,
    DateTimeOffset RecordedAt,
    EventMetadata Metadata,
    string PrevHash,
    string Hash,
    string Data);

/// <summary>Raised when another writer appended to the stream first.</summary>
public sealed class ConcurrencyConflictException(string streamId, int expectedVersion)
    : Exception($"Stream {streamId} moved past version {expectedVersion}.")
{
    public string StreamId { get; } = streamId;
}

/// <summary>A pending projection: events of a stream whose read models are not all updated yet.</summary>
public sealed record PendingProjection(string StreamId, int FromVersion, int ToVersion, DateTimeOffset CreatedAt);

/// <summary>
/// The event store on Azure Table storage. A stream is a partition; an event is a row whose key
/// is its version. An append is one entity-group transaction that adds the new event rows and an
/// pending-projection marker: if another writer took one of those versions, the whole transaction
/// fails and nothing is written. The marker says "these events' read models are still due"; it is
/// deleted only once they have all run (see <see cref="Workflow.Projections"/>).
/// </summary>
public sealed class EventStore(StorageClients storage, EventCatalog catalog, AuditKey chainKey, TimeProvider clock)
{
    /// <summary>Pending-projection markers of a stream's partition sort at and after this key; its events before it.</summary>
    internal const string PendingPrefix = "~pending-";
    private const int ChunkChars = 30_000;
    private const int MaxChunks = 14;

    private readonly ConcurrentDictionary<string, CachedStream> _cache = new(StringComparer.Ordinal);

    /// <summary>The streams read in the current command (see <see cref="ReadOnce"/>), per async flow.</summary>
    private readonly AsyncLocal<ReadScope?> _once = new();

    private TableClient Table => storage.Table(StorageClients.EventsTable);

    /// <summary>
    /// One command's reads: until the returned scope is disposed, each stream is read from storage at
    /// most once in this async flow; reading it again gives the same events (plus those this flow
    /// appended to it). A command decides on one read of each stream it needs, and its appends stay
    /// conditional on that read's version: if another writer appended meanwhile, the append is
    /// refused, the stream dropped from the scope, and the retry reads it again. A scope inside a
    /// scope is the outer one.
    /// </summary>
    public IDisposable ReadOnce()
    {
        if (Once is not null)
        {
            return NoScope.Instance;
        }

        var scope = new ReadScope(_once);
        _once.Value = scope;
        return scope;
    }

    /// <summary>Every event of a stream, oldest first. Served from memory plus whatever is newer in storage (or, in a <see cref="ReadOnce"/> scope, as first read in it).</summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(string streamId, CancellationToken ct)
    {
        if (Once is { } once)
        {
            if (once.TryGetValue(streamId, out var seen))
            {
                return seen;
            }

            var read = await ReadLatestAsync(streamId, ct);
            once[streamId] = read;
            return read;
        }

        return await ReadLatestAsync(streamId, ct);
    }

    private async Task<IReadOnlyList<StoredEvent>> ReadLatestAsync(string streamId, CancellationToken ct)
    {
        var cached = _cache.TryGetValue(streamId, out var c) ? c : CachedStream.Empty;
        var newer = await ReadAfterAsync(streamId, cached.Version, ct);
        if (newer.Count == 0)
        {
            return cached.Events;
        }

        var merged = cached.Events.Concat(newer).ToList();
        if (merged[^1].Version != merged.Count)
        {
            // The cache no longer matches storage (e.g. a restore): start again from storage.
            _cache.TryRemove(streamId, out _);
            merged = [.. await ReadAfterAsync(streamId, 0, ct)];
        }

        Remember(streamId, merged);
        return merged;
    }

    /// <summary>Events with a version above <paramref name="afterVersion"/>, straight from storage.</summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadAfterAsync(string streamId, int afterVersion, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {streamId} and RowKey gt {Key(afterVersion)} and RowKey lt {PendingPrefix}");
        var result = new List<StoredEvent>();
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            result.Add(FromRow(row));
        }

        return result;
    }

    /// <summary>
    /// Append events at the expected version, with their pending-projection marker (unless
    /// <paramref name="projected"/> is false: no read model is kept from these events), in one
    /// transaction. Throws <see cref="ConcurrencyConflictException"/> if the stream moved on.
    /// </summary>
    /// <remarks>
    /// The stream is not read again: the caller read it to decide, so its last event (the link the
    /// new events chain to) is in memory at <paramref name="expectedVersion"/>. The rows are added,
    /// never replaced, so if another writer took one of those versions meanwhile, the transaction
    /// fails as a whole (409) and nothing is written; the cached copy is then dropped, and the
    /// caller reads again. Only a caller that did not read the stream first (or whose copy was
    /// evicted) costs a read here.
    /// </remarks>
    public async Task<IReadOnlyList<StoredEvent>> AppendAsync(
        string streamId,
        int expectedVersion,
        IReadOnlyList<IDomainEvent> events,
        EventMetadata metadata,
        CancellationToken ct,
        bool projected = true)
    {
        if (events.Count == 0)
        {
            return [];
        }

        if (events.Count > 90)
        {
            throw new ArgumentException("At most 90 events per append (one table transaction).", nameof(events));
        }

        var existing = _cache.TryGetValue(streamId, out var cached) && cached.Version == expectedVersion
            ? cached.Events
            : await ReadAsync(streamId, ct);
        if (existing.Count != expectedVersion)
        {
            throw new ConcurrencyConflictException(streamId, expectedVersion);
        }

        var prevHash = existing.Count > 0 ? existing[^1].Hash : string.Empty;
        var now = TruncateToMilliseconds(clock.GetUtcNow());
        var stored = new List<StoredEvent>(events.Count);
        var actions = new List<TableTransactionAction>(events.Count + 1);
        for (var i = 0; i < events.Count; i++)
        {
            var version = expectedVersion + i + 1;
            var (type, schemaVersion, json) = catalog.Serialize(events[i]);
            var hash = chainKey.Hash(Link(prevHash, streamId, version, type, schemaVersion, now, metadata, json));
            var stored1 = new StoredEvent(streamId, version, type, schemaVersion, events[i], now, metadata, prevHash, hash, json);
            stored.Add(stored1);
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, ToRow(stored1)));
            prevHash = hash;
        }

        if (projected)
        {
            var pending = new TableEntity(streamId, PendingKey(expectedVersion + 1))
            {
                ["FromVersion"] = expectedVersion + 1,
                ["ToVersion"] = expectedVersion + events.Count,
                ["CreatedAt"] = now,
            };
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, pending));
        }

        try
        {
            await Table.SubmitTransactionAsync(actions, ct);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            _cache.TryRemove(streamId, out _);
            Once?.TryRemove(streamId, out _);
            throw new ConcurrencyConflictException(streamId, expectedVersion);
        }

        IReadOnlyList<StoredEvent> after = [.. existing, .. stored];
        Remember(streamId, after);
        if (Once is { } once)
        {
            once[streamId] = after;
        }

        return stored;
    }

    /// <summary>Pending projections of one stream.</summary>
    public async Task<IReadOnlyList<PendingProjection>> ReadPendingProjectionsAsync(string streamId, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {streamId} and RowKey ge {PendingPrefix}");
        var result = new List<PendingProjection>();
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            result.Add(PendingFromRow(row));
        }

        return result;
    }

    /// <summary>Every pending projection in the store (a scan: run by the sweep, not on a request).</summary>
    public async IAsyncEnumerable<PendingProjection> ScanPendingProjectionsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"RowKey ge {PendingPrefix} and RowKey lt {"~pending."}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", "FromVersion", "ToVersion", "CreatedAt"], cancellationToken: ct))
        {
            yield return PendingFromRow(row);
        }
    }

    public async Task CompletePendingProjectionAsync(PendingProjection entry, CancellationToken ct)
    {
        try
        {
            await Table.DeleteEntityAsync(entry.StreamId, PendingKey(entry.FromVersion), ETag.All, ct);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Another worker completed it first.
        }
    }

    /// <summary>Every stream id in the store (for audit verification and backup).</summary>
    public async IAsyncEnumerable<string> StreamIdsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        string? last = null;
        await foreach (var row in Table.QueryAsync<TableEntity>(filter: $"RowKey eq '{Key(1)}'", select: ["PartitionKey"], cancellationToken: ct))
        {
            if (row.PartitionKey != last)
            {
                last = row.PartitionKey;
                yield return row.PartitionKey;
            }
        }
    }

    /// <summary>
    /// Event rows written or rewritten at or after <paramref name="since"/> by the table's own clock
    /// (its <c>Timestamp</c>), every event row when null, with that timestamp; in partition then
    /// version order. One query of the table (a scan: for periodic work such as the reporting export,
    /// never on a request); pending-projection markers are left out.
    /// </summary>
    public async IAsyncEnumerable<(StoredEvent Event, DateTimeOffset WrittenAt)> ReadWrittenSinceAsync(DateTimeOffset? since, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var filter = since is { } t
            ? TableClient.CreateQueryFilter($"Timestamp ge {t} and RowKey lt {PendingPrefix}")
            : TableClient.CreateQueryFilter($"RowKey lt {PendingPrefix}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            yield return (FromRow(row), row.Timestamp ?? DateTimeOffset.MinValue);
        }
    }

    /// <summary>Forget cached streams (tests that rewrite storage behind the app's back).</summary>
    public void ClearCache() => _cache.Clear();

    /// <summary>
    /// What the hash of an event covers: every field stored on its row (see <see cref="AuditChain"/>),
    /// so altering any of them, the actor's name and affiliation and the correlation id included, breaks the chain.
    /// </summary>
    public static ChainLink Link(string prevHash, string streamId, int version, string type, int schemaVersion, DateTimeOffset recordedAt, EventMetadata metadata, string json) =>
        new(prevHash, streamId, version, type, schemaVersion, recordedAt, metadata.Actor.Subject, metadata.Actor.Role, metadata.Actor.DisplayName, metadata.Actor.Affiliation,
            metadata.CommandId, metadata.CorrelationId, json);

    public static string Key(int version) => version.ToString("D10", CultureInfo.InvariantCulture);

    private static string PendingKey(int fromVersion) => PendingPrefix + Key(fromVersion);

    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    private void Remember(string streamId, IReadOnlyList<StoredEvent> events)
    {
        if (_cache.Count > 20_000)
        {
            _cache.Clear();
        }

        _cache[streamId] = new CachedStream(events.Count, events);
    }

    private static TableEntity ToRow(StoredEvent e)
    {
        var row = new TableEntity(e.StreamId, Key(e.Version))
        {
            ["Type"] = e.Type,
            ["SchemaVersion"] = e.SchemaVersion,
            ["RecordedAt"] = e.RecordedAt,
            ["ActorSubject"] = e.Metadata.Actor.Subject,
            ["ActorRole"] = e.Metadata.Actor.Role,
            ["ActorName"] = e.Metadata.Actor.DisplayName,
            ["ActorAffiliation"] = e.Metadata.Actor.Affiliation,
            ["CommandId"] = e.Metadata.CommandId,
            ["CorrelationId"] = e.Metadata.CorrelationId,
            ["PrevHash"] = e.PrevHash,
            ["Hash"] = e.Hash,
        };

        // A table property holds at most 32K characters: longer payloads are split over Data, Data1, Data2…
        var chunks = (e.Data.Length + ChunkChars - 1) / ChunkChars;
        if (chunks > MaxChunks)
        {
            throw new InvalidOperationException($"Event {e.Type} is {e.Data.Length} characters; the limit is {ChunkChars * MaxChunks}.");
        }

        for (var i = 0; i < Math.Max(1, chunks); i++)
        {
            var part = e.Data.Length == 0 ? string.Empty : e.Data.Substring(i * ChunkChars, Math.Min(ChunkChars, e.Data.Length - (i * ChunkChars)));
            row[i == 0 ? "Data" : $"Data{i}"] = part;
        }

        return row;
    }

    private StoredEvent FromRow(TableEntity row)
    {
        var data = new StringBuilder(row.GetString("Data"));
        for (var i = 1; row.TryGetValue($"Data{i}", out var part); i++)
        {
            data.Append((string)part);
        }

        var json = data.ToString();
        var type = row.GetString("Type");
        var schemaVersion = row.GetInt32("SchemaVersion") ?? 1;
        var actor = new Actor(row.GetString("ActorSubject"), row.GetString("ActorRole"), row.GetString("ActorName"), row.GetString("ActorAffiliation"));
        var metadata = new EventMetadata(actor, row.GetString("CommandId"), row.GetString("CorrelationId"));
        return new StoredEvent(
            row.PartitionKey,
            int.Parse(row.RowKey, CultureInfo.InvariantCulture),
            type,
            schemaVersion,
            catalog.Deserialize(type, schemaVersion, json),
            row.GetDateTimeOffset("RecordedAt") ?? DateTimeOffset.MinValue,
            metadata,
            row.GetString("PrevHash") ?? string.Empty,
            row.GetString("Hash") ?? string.Empty,
            json);
    }

    private static PendingProjection PendingFromRow(TableEntity row) => new(
        row.PartitionKey,
        row.GetInt32("FromVersion") ?? 0,
        row.GetInt32("ToVersion") ?? 0,
        row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue);

    /// <summary>The current command's reads; none once its scope is disposed (a task the command started and left running does not keep it).</summary>
    private ConcurrentDictionary<string, IReadOnlyList<StoredEvent>>? Once => _once.Value is { Closed: false } scope ? scope.Streams : null;

    private sealed class ReadScope(AsyncLocal<ReadScope?> owner) : IDisposable
    {
        public ConcurrentDictionary<string, IReadOnlyList<StoredEvent>> Streams { get; } = new(StringComparer.Ordinal);

        public bool Closed { get; private set; }

        public void Dispose()
        {
            Closed = true;
            owner.Value = null;
        }
    }

    private sealed class NoScope : IDisposable
    {
        public static NoScope Instance { get; } = new();

        public void Dispose()
        {
        }
    }

    private sealed record CachedStream(int Version, IReadOnlyList<StoredEvent> Events)
    {
        public static CachedStream Empty { get; } = new(0, []);
    }
}
