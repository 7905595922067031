using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using QualityAward.Domain.Audit;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Audit;

/// <summary>An anchoring as stored: when, every stream's head, and an HMAC over both.</summary>
public sealed record AnchorDocument(int Format, DateTimeOffset CreatedAt, IReadOnlyList<StreamHead> Streams, string Mac);

/// <summary>The newest anchor whose MAC holds, and the newer ones whose MAC does not.</summary>
public sealed record AnchorReading(string? Name, AnchorDocument? Anchor, IReadOnlyList<string> Invalid, int Read);

/// <summary>
/// Anchors of the audit chain outside the events table. Every hour the heads of all streams (last
/// version and its hash) go into a new blob of the <c>anchors</c> container, named by the UTC time
/// (<c>yyyyMMdd'T'HHmmss.fffffff'Z'.json</c>, so names sort by time), written only if no blob of
/// that name exists (If-None-Match: *), never overwritten, and carrying an HMAC under the chain
/// key. In Azure the container has a time-based immutability (WORM) policy, so whoever can write
/// the table cannot also rewrite or delete the anchors. The verifier compares each stream with
/// the newest valid anchor: removing a stream's last events, or rewriting a stream with the key,
/// shows there.
/// </summary>
public sealed partial class AuditAnchors(StorageClients storage, AuditKey key, TimeProvider clock, ILogger<AuditAnchors> logger)
{
    public const string Container = "anchors";

    private const int Format = 1;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Anchor the current head of every stream in a new blob. Throws if a blob of that name exists already.</summary>
    public async Task<(string Name, int Streams)> WriteAsync(CancellationToken ct)
    {
        var heads = new List<StreamHead>();
        string? stream = null;
        var version = 0;
        var hash = string.Empty;
        var table = storage.Table(StorageClients.EventsTable);
        await foreach (var row in table.QueryAsync<TableEntity>(filter: "RowKey lt '~outbox-'", select: ["PartitionKey", "RowKey", "Hash"], cancellationToken: ct))
        {
            if (row.PartitionKey != stream && stream is not null)
            {
                heads.Add(new StreamHead(stream, version, hash));
            }

            stream = row.PartitionKey;
            version = int.TryParse(row.RowKey, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : version;
            hash = row.GetString("Hash") ?? string.Empty;
        }

        if (stream is not null)
        {
            heads.Add(new StreamHead(stream, version, hash));
        }

        var now = clock.GetUtcNow().ToUniversalTime();
        var anchor = new AnchorDocument(Format, now, heads, AuditChain.AnchorMac(key.Bytes, now, heads));
        var name = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'.'fffffff'Z'", CultureInfo.InvariantCulture) + ".json";
        try
        {
            await storage.Container(Container).GetBlobClient(name).UploadAsync(
                BinaryData.FromObjectAsJson(anchor, Json),
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

        LogAnchored(logger, name, heads.Count);
        return (name, heads.Count);
    }

    /// <summary>
    /// The newest anchor whose MAC holds, reading from the newest down; every newer anchor that
    /// does not parse or whose MAC fails is named in <see cref="AnchorReading.Invalid"/>.
    /// </summary>
    public async Task<AnchorReading> ReadNewestValidAsync(CancellationToken ct)
    {
        var container = storage.Container(Container);
        var names = new List<string>();
        try
        {
            await foreach (var blob in container.GetBlobsAsync(cancellationToken: ct))
            {
                names.Add(blob.Name);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return new AnchorReading(null, null, [], 0);
        }

        var invalid = new List<string>();
        var read = 0;
        foreach (var name in names.OrderDescending(StringComparer.Ordinal))
        {
            read++;
            var content = (await container.GetBlobClient(name).DownloadContentAsync(ct)).Value.Content;
            if (Parse(content) is { } anchor && AuditChain.AnchorMacMatches(key.Bytes, anchor.CreatedAt, anchor.Streams, anchor.Mac))
            {
                return new AnchorReading(name, anchor, invalid, read);
            }

            invalid.Add(name);
        }

        return new AnchorReading(null, null, invalid, read);
    }

    private static AnchorDocument? Parse(BinaryData content)
    {
        try
        {
            var anchor = content.ToObjectFromJson<AnchorDocument>(Json);
            return anchor is { Format: Format, Streams: not null, Mac: not null } && anchor.Streams.All(s => s is { StreamId: not null, Hash: not null })
                ? anchor
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit anchor {Name}: heads of {Streams} streams")]
    private static partial void LogAnchored(ILogger logger, string name, int streams);
}

/// <summary>AuditAnchor: write the heads of every stream to a new anchor blob (hourly).</summary>
/// <summary>Writes the head of every stream's audit hash chain to a new, never-overwritten anchor blob (hourly).</summary>
public sealed partial class AuditAnchorFunction(AuditAnchors anchors, ILogger<AuditAnchorFunction> logger)
{
    [Function("AuditAnchor")]
    public async Task<string> Run([TimerTrigger("0 50 * * * *")] TimerInfo timer, CancellationToken ct)
    {
        var (name, streams) = await anchors.WriteAsync(ct);
        var summary = $"anchor {name}: {streams} streams";
        LogAnchored(logger, summary);
        return summary;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "AuditAnchor: {Summary}")]
    private static partial void LogAnchored(ILogger logger, string summary);
}
