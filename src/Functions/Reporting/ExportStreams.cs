using System.IO.Compression;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using QualityAward.Domain;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Reporting;

/// <summary>How the export found its events: every row read (<c>full</c>), or the copy kept from the previous export and the rows written since (<c>changes</c>).</summary>
public sealed record ReportInput(
    string Scope,
    DateTimeOffset? Since,
    int StreamsRead,
    int StreamsKept,
    int RowsRead,
    IReadOnlyList<KeyValuePair<string, IReadOnlyList<StoredEvent>>> Streams);

/// <summary>
/// The event streams the reporting export folds, kept between exports so that an export reads only
/// what was written since the previous one (issue 20). A copy of every stream's events sits in one
/// gzip blob of the <c>reportcache</c> container (private: it holds what the reports leave out, so
/// not beside the files Power BI reads), with a watermark: the newest row time (the table's own
/// <c>Timestamp</c>) it has seen. An export then makes one query, the event rows written at or after
/// the watermark less <see cref="ReportingOptions.ChangeOverlap"/> (for writes that commit out of
/// order), merges them into the copy, and folds the whole — so its files are the files a full
/// rebuild writes. A stream whose already-kept rows come back different (a restore, a repair) is read
/// again whole; a full rebuild (<c>?full=true</c>, or no usable copy) reads every row.
/// </summary>
public sealed class ExportStreams(EventStore store, EventCatalog catalog, StorageClients storage, Microsoft.Extensions.Options.IOptions<ReportingOptions> options)
{
    public const string Container = "reportcache";

    /// <summary>The copy's format; a copy of another format is not used (the next export is full).</summary>
    public const int Format = 1;

    private const string BlobName = "streams-v1.json.gz";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Every stream, in ordinal order of its id, and how it was read; the copy is brought up to date.</summary>
    public async Task<ReportInput> ReadAsync(bool full, CancellationToken ct)
    {
        var copy = full ? null : await LoadCopyAsync(ct);
        var streams = new SortedDictionary<string, List<StoredEvent>>(StringComparer.Ordinal);
        DateTimeOffset? watermark = copy?.Watermark;
        DateTimeOffset? since = null;
        var rowsRead = 0;
        var touched = new HashSet<string>(StringComparer.Ordinal);
        if (copy is null)
        {
            await foreach (var (e, writtenAt) in store.ReadWrittenSinceAsync(null, ct))
            {
                Add(streams, e);
                touched.Add(e.StreamId);
                rowsRead++;
                watermark = Max(watermark, writtenAt);
            }
        }
        else
        {
            foreach (var row in copy.Rows)
            {
                Add(streams, row.ToEvent(catalog));
            }

            since = copy.Watermark - options.Value.ChangeOverlap;
            var changed = new SortedDictionary<string, List<StoredEvent>>(StringComparer.Ordinal);
            await foreach (var (e, writtenAt) in store.ReadWrittenSinceAsync(since, ct))
            {
                Add(changed, e);
                rowsRead++;
                watermark = Max(watermark, writtenAt);
            }

            foreach (var (streamId, rows) in changed)
            {
                var kept = streams.GetValueOrDefault(streamId) ?? [];
                var last = kept.Count > 0 ? kept[^1].Version : 0;
                var byVersion = kept.ToDictionary(k => k.Version);
                var unchanged = rows.Where(r => r.Version <= last).All(r => byVersion.TryGetValue(r.Version, out var k) && EventRow.Of(r) == EventRow.Of(k));
                var newer = rows.Where(r => r.Version > last).ToList();
                var contiguous = newer.Select((r, i) => r.Version == last + i + 1).All(ok => ok);
                if (!unchanged || !contiguous)
                {
                    // Rewritten, or rows between the copy and these were written before the window: read it whole.
                    kept = [.. await store.ReadAfterAsync(streamId, 0, ct)];
                    streams[streamId] = kept;
                }
                else if (newer.Count > 0)
                {
                    kept.AddRange(newer);
                    streams[streamId] = kept;
                }

                if (!unchanged || newer.Count > 0)
                {
                    touched.Add(streamId);
                }
            }
        }

        await SaveCopyAsync(new StreamCopy(Format, watermark, [.. streams.Values.SelectMany(s => s).Select(EventRow.Of)]), ct);
        return new ReportInput(
            copy is null ? "full" : "changes",
            since,
            touched.Count,
            streams.Count - touched.Count,
            rowsRead,
            [.. streams.Select(s => new KeyValuePair<string, IReadOnlyList<StoredEvent>>(s.Key, s.Value))]);
    }

    private static void Add(SortedDictionary<string, List<StoredEvent>> streams, StoredEvent e)
    {
        if (!streams.TryGetValue(e.StreamId, out var list))
        {
            streams[e.StreamId] = list = [];
        }

        list.Add(e);
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x >= b ? x : b;

    private async Task<StreamCopy?> LoadCopyAsync(CancellationToken ct)
    {
        try
        {
            var content = (await storage.Container(Container).GetBlobClient(BlobName).DownloadContentAsync(ct)).Value.Content;
            await using var gzip = new GZipStream(content.ToStream(), CompressionMode.Decompress);
            var copy = await JsonSerializer.DeserializeAsync<StreamCopy>(gzip, Json, ct);
            return copy is { Format: Format, Watermark: not null, Rows: not null } ? copy : null;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or ArgumentException or InvalidOperationException)
        {
            // Unreadable, or an event type the catalog no longer knows: rebuild from the table.
            return null;
        }
    }

    private async Task SaveCopyAsync(StreamCopy copy, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            await JsonSerializer.SerializeAsync(gzip, copy, Json, ct);
        }

        await storage.Container(Container).GetBlobClient(BlobName).UploadAsync(
            new BinaryData(buffer.ToArray()),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/gzip" } },
            ct);
    }

    private sealed record StreamCopy(int Format, DateTimeOffset? Watermark, IReadOnlyList<EventRow> Rows);

    /// <summary>An event as its row stores it (what the copy keeps, and what "the same row" compares).</summary>
    private sealed record EventRow(
        string StreamId,
        int Version,
        string Type,
        int SchemaVersion,
        DateTimeOffset RecordedAt,
        string Subject,
        string Role,
        string? DisplayName,
        string? Affiliation,
        string? CommandId,
        string? CorrelationId,
        string PrevHash,
        string Hash,
        string Data)
    {
        public static EventRow Of(StoredEvent e) => new(
            e.StreamId, e.Version, e.Type, e.SchemaVersion, e.RecordedAt, e.Metadata.Actor.Subject, e.Metadata.Actor.Role, e.Metadata.Actor.DisplayName,
            e.Metadata.Actor.Affiliation, e.Metadata.CommandId, e.Metadata.CorrelationId, e.PrevHash, e.Hash, e.Data);

        public StoredEvent ToEvent(EventCatalog catalog) => new(
            StreamId, Version, Type, SchemaVersion, catalog.Deserialize(Type, SchemaVersion, Data), RecordedAt,
            new EventMetadata(new Actor(Subject, Role, DisplayName, Affiliation), CommandId, CorrelationId), PrevHash, Hash, Data);
    }
}

/// <summary>The reporting export's settings (section <c>Reporting</c>).</summary>
public sealed class ReportingOptions
{
    public const string Section = "Reporting";

    /// <summary>
    /// How far before the previous export's newest row an export looks again: rows of different
    /// partitions can become visible slightly out of the order of their timestamps. Rows seen again
    /// are compared, not taken twice.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ChangeOverlap { get; set; } = TimeSpan.FromMinutes(2);
}
