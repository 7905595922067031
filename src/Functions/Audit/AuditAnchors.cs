using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using QualityAward.Domain.Audit;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Audit;

/// <summary>An anchor as stored: when, the anchor it follows, the heads of the streams new or moved since, and an HMAC over all of it.</summary>
public sealed record AnchorDocument(int Format, DateTimeOffset CreatedAt, AnchorLink? Previous, IReadOnlyList<StreamHead> Streams, string Mac);

/// <summary>What one anchoring did: the anchor written (null when no stream moved), how many heads it recorded, and the breaks it found and left unanchored.</summary>
public sealed record AnchoringResult(string? Name, int Moved, int Anchored, IReadOnlyList<AuditBreak> Breaks);

/// <summary>
/// Anchors of the audit chain outside the events table. Every hour the heads (last version and its
/// hash) of the streams that are new or moved on since the previous anchor go into a new blob of
/// the <c>anchors</c> container, named by its UTC time to the tick, written only if no blob of that
/// name exists (If-None-Match: *), and signed with the chain key together with the name and MAC of
/// the anchor before it. In Azure the container has a time-based immutability (WORM) policy, so
/// whoever can write the table cannot also rewrite or delete the anchors.
/// <para>
/// Anchoring checks before it records: a stream the anchors hold must still reach its anchored
/// version with the anchored hash, and every event after it must be present, linked and carry its
/// keyed hash; a new stream is checked from its first event. What fails is reported (logged, and in
/// the result) and not recorded: an anchor never moves a stream back and never forgets one, so a
/// deletion after an anchor stays a break at every later verification.
/// </para>
/// </summary>
public sealed partial class AuditAnchors(StorageClients storage, AuditKey key, TimeProvider clock, ILogger<AuditAnchors> logger)
{
    public const string Container = "anchors";

    public const int Format = 2;

    private const int ParallelReads = 8;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Anchors read before, by blob name: the ETag they were read at, when storage wrote them, and the parsed anchor.</summary>
    private readonly ConcurrentDictionary<string, ReadAnchor> _read = new(StringComparer.Ordinal);

    /// <summary>
    /// Check every stream against the anchors and anchor those that moved on intact in a new blob.
    /// Throws if a blob of the new name exists already, or if the clock is not past the newest anchor.
    /// </summary>
    public async Task<AnchoringResult> WriteAsync(CancellationToken ct)
    {
        var history = await ReadHistoryAsync(ct);
        var now = clock.GetUtcNow().ToUniversalTime();
        if (history.Newest?.Anchor is { } newest && now < newest.CreatedAt)
        {
            // (At the newest anchor's very instant the name is taken: the upload below refuses it.)
            throw new InvalidOperationException($"The clock ({now:O}) is behind the newest anchor ({newest.CreatedAt:O}); anchors only move forward.");
        }

        var breaks = history.Problems.Select(AuditVerifier.Break).ToList();
        var moved = new List<StreamHead>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var table = storage.Table(StorageClients.EventsTable);
        string? stream = null;
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter: EventRows.Filter, select: ["PartitionKey", "RowKey", "Hash", "PrevHash"], cancellationToken: ct))
        {
            if (row.PartitionKey != stream && stream is not null)
            {
                await CheckStreamAsync(table, stream, rows, history, moved, breaks, ct);
                rows.Clear();
            }

            stream = row.PartitionKey;
            seen.Add(stream);
            rows.Add(row);
        }

        if (stream is not null)
        {
            await CheckStreamAsync(table, stream, rows, history, moved, breaks, ct);
        }

        // A stream the anchors hold and the table no longer has at all lost every event.
        foreach (var gone in history.Heads.Values.Where(h => !seen.Contains(h.StreamId)).OrderBy(h => h.StreamId, StringComparer.Ordinal))
        {
            breaks.Add(AuditVerifier.CompareWithAnchor(gone.StreamId, gone, 0, null, history.AnchoredBy[gone.StreamId])!);
        }

        foreach (var b in breaks)
        {
            LogBreak(logger, b.Code, b.StreamId, b.Version, b.Anchor ?? string.Empty);
        }

        if (moved.Count == 0)
        {
            LogNothingMoved(logger, history.Newest?.Name ?? "(none)", breaks.Count);
            return new AnchoringResult(null, 0, history.Heads.Count, breaks);
        }

        var anchor = AnchorChain.Sign(key.Bytes, now, history.NewestLink, moved);
        var name = AnchorChain.NameFor(anchor.CreatedAt);
        try
        {
            await storage.Container(Container).GetBlobClient(name).UploadAsync(
                BinaryData.FromObjectAsJson(new AnchorDocument(Format, anchor.CreatedAt, anchor.Previous, anchor.Streams, anchor.Mac), Json),
                new BlobUploadOptions
                {
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                },
                ct);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw new InvalidOperationException($"Anchor {name} exists already; anchors are never overwritten.", ex);
        }

        var anchored = history.Heads.Keys.Union(moved.Select(m => m.StreamId), StringComparer.Ordinal).Count();
        LogAnchored(logger, name, moved.Count, anchored, breaks.Count);
        return new AnchoringResult(name, moved.Count, anchored, breaks);
    }

    /// <summary>
    /// One stream at anchoring. From the projection (versions, hashes, links): the stream still
    /// reaches its anchored head unbroken. Then the events after the head (all of a new stream) are
    /// read whole and checked like the verifier checks them; the last good one becomes the new head.
    /// </summary>
    private async Task CheckStreamAsync(TableClient table, string stream, IReadOnlyList<TableEntity> projection, AnchorHistory history, List<StreamHead> moved, List<AuditBreak> breaks, CancellationToken ct)
    {
        var anchored = history.Heads.GetValueOrDefault(stream);
        var expected = 1;
        var prevHash = string.Empty;
        if (anchored is not null)
        {
            var anchorName = history.AnchoredBy[stream];
            string? hashAtAnchor = null;
            AuditBreak? gap = null;
            foreach (var row in projection)
            {
                if (expected > anchored.Version)
                {
                    break;
                }

                if ((gap = EventRows.CheckPlace(row, expected, prevHash)) is not null)
                {
                    break;
                }

                prevHash = row.GetString("Hash") ?? string.Empty;
                hashAtAnchor = expected == anchored.Version ? prevHash : null;
                expected++;
            }

            if (AuditVerifier.CompareWithAnchor(stream, anchored, expected - 1, hashAtAnchor, anchorName) is { } problem)
            {
                // What was anchored is gone or changed: report it and keep the anchored head as it was.
                breaks.Add(gap ?? problem);
                return;
            }

            if (EventRows.Version(projection[^1]) is { } last && last <= anchored.Version)
            {
                return;
            }

            prevHash = anchored.Hash;
        }

        var head = anchored;
        await foreach (var row in EventRows.AfterAsync(table, stream, anchored?.Version ?? 0, ct))
        {
            if (EventRows.Check(key, row, expected, prevHash) is { } problem)
            {
                breaks.Add(problem);
                break;
            }

            prevHash = row.GetString("Hash") ?? string.Empty;
            head = new StreamHead(stream, expected, prevHash);
            expected++;
        }

        if (head is not null && head != anchored)
        {
            moved.Add(head);
        }
    }

    /// <summary>
    /// Read every anchor (all of them: each records only what moved) and walk them in the order of
    /// their signed times. One listing; a blob is downloaded only when this instance has not read it
    /// at the ETag the listing shows (anchors are written once, so after the first call only new ones).
    /// </summary>
    public async Task<AnchorHistory> ReadHistoryAsync(CancellationToken ct)
    {
        var container = storage.Container(Container);
        var listed = new List<(string Name, ETag ETag, DateTimeOffset? WrittenAt)>();
        try
        {
            await foreach (var blob in container.GetBlobsAsync(cancellationToken: ct))
            {
                listed.Add((blob.Name, blob.Properties.ETag ?? default, blob.Properties.CreatedOn ?? blob.Properties.LastModified));
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return AnchorHistory.Empty;
        }

        var read = new ConcurrentBag<StoredAnchor>();
        await Parallel.ForEachAsync(listed, new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = ct }, async (blob, token) =>
        {
            if (!_read.TryGetValue(blob.Name, out var known) || known.ETag != blob.ETag || blob.ETag == default)
            {
                var content = (await container.GetBlobClient(blob.Name).DownloadContentAsync(token)).Value.Content;
                _read[blob.Name] = known = new ReadAnchor(blob.ETag, blob.WrittenAt, Parse(content));
            }

            read.Add(new StoredAnchor(blob.Name, known.Anchor));
        });

        return AnchorChain.Walk(key.Bytes, [.. read], clock.GetUtcNow());
    }

    /// <summary>When storage wrote the anchor blob (its own clock, the one the tables' row times follow), as last listed.</summary>
    public DateTimeOffset? WrittenAt(string name) => _read.TryGetValue(name, out var anchor) ? anchor.WrittenAt : null;

    private static Anchor? Parse(BinaryData content)
    {
        try
        {
            var document = content.ToObjectFromJson<AnchorDocument>(Json);
            return document is { Format: Format, Streams: not null, Mac: not null }
                && document.Streams.All(s => s is { StreamId: not null, Hash: not null })
                && document.Previous is null or { Name: not null, Mac: not null }
                ? new Anchor(document.CreatedAt, document.Previous, document.Streams, document.Mac)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record ReadAnchor(ETag ETag, DateTimeOffset? WrittenAt, Anchor? Anchor);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit anchor {Name}: heads of {Moved} streams new or moved; {Anchored} streams anchored in all; {Breaks} break(s) not anchored")]
    private static partial void LogAnchored(ILogger logger, string name, int moved, int anchored, int breaks);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit anchoring: no stream moved since anchor {Newest}; no anchor written; {Breaks} break(s)")]
    private static partial void LogNothingMoved(ILogger logger, string newest, int breaks);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit anchoring found {Code} in stream {StreamId} at version {Version} (anchor {Anchor}); it was not anchored. Run the verification and restore the stream.")]
    private static partial void LogBreak(ILogger logger, string code, string streamId, int version, string anchor);
}

/// <summary>AuditAnchor: check the streams against the anchors and anchor what moved on intact (hourly).</summary>
public sealed partial class AuditAnchorFunction(AuditAnchors anchors, ILogger<AuditAnchorFunction> logger)
{
    [Function("AuditAnchor")]
    public async Task<string> Run([TimerTrigger("0 50 * * * *")] TimerInfo timer, CancellationToken ct)
    {
        var result = await anchors.WriteAsync(ct);
        var written = result.Name is null ? "no stream moved, no anchor written" : $"anchor {result.Name}: {result.Moved} streams";
        var broken = result.Breaks.Count == 0
            ? string.Empty
            : string.Create(CultureInfo.InvariantCulture, $"; {result.Breaks.Count} break(s) not anchored, first {result.Breaks[0].Code} in {result.Breaks[0].StreamId} at version {result.Breaks[0].Version}");
        var summary = written + broken;
        LogAnchored(logger, summary);
        return summary;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "AuditAnchor: {Summary}")]
    private static partial void LogAnchored(ILogger logger, string summary);
}
