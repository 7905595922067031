using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QualityAward.Domain.Audit;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Audit;

/// <summary>Where a stream's hash chain breaks, and how; for a damaged anchor, which anchor blob.</summary>
public sealed record AuditBreak(string StreamId, int Version, string Code, string Zh, string En, string? Anchor = null);

/// <summary>
/// The result of walking every stream: how much was checked, which anchor the streams were
/// compared with (the newest valid one, and how many anchor blobs were read to find it), and the
/// first break, if any.
/// </summary>
public sealed record AuditReport(int Streams, int Events, AuditBreak? FirstBreak, IReadOnlyList<AuditBreak> Breaks, string? Anchor, int AnchoredStreams, int AnchorsRead)
{
    public bool Intact => FirstBreak is null;
}

/// <summary>
/// Proves that no stored event was altered or removed. Reads the event rows as stored (not through
/// the app's cache or its deserialiser, which a tampered row could fool or crash) in one pass and,
/// per stream, checks that versions run 1, 2, 3… without a gap, that each event names the hash of
/// the one before it, and that its hash is the keyed hash (<see cref="AuditChain"/>) of every
/// field on its row. Then each stream is compared with the newest anchor whose own MAC holds
/// (<see cref="AuditAnchors"/>): a stream shorter than its anchored version lost its last events;
/// one whose event at that version has another hash was rewritten.
/// </summary>
public sealed class AuditVerifier(StorageClients storage, AuditKey key, AuditAnchors anchors)
{
    public async Task<AuditReport> VerifyAsync(CancellationToken ct)
    {
        var reading = await anchors.ReadNewestValidAsync(ct);
        var breaks = new List<AuditBreak>();
        foreach (var name in reading.Invalid)
        {
            breaks.Add(new(string.Empty, 0, "audit.anchor-invalid", $"锚点“{name}”的签名不符（锚点已被修改，或不是用本密钥写的）。", $"Anchor '{name}' fails its own MAC (altered, or not written under this key).", name));
        }

        var anchored = (reading.Anchor?.Streams ?? []).ToDictionary(h => h.StreamId, StringComparer.Ordinal);
        var anchorName = reading.Name ?? string.Empty;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var table = storage.Table(StorageClients.EventsTable);
        var streams = 0;
        var events = 0;
        string? stream = null;
        var expected = 1;
        var prevHash = string.Empty;
        var broken = false;
        StreamHead? head = null;
        string? hashAtAnchor = null;

        void EndOfStream()
        {
            if (stream is not null && !broken && head is not null
                && CompareWithAnchor(stream, head, expected - 1, hashAtAnchor, anchorName) is { } problem)
            {
                breaks.Add(problem);
            }
        }

        await foreach (var row in table.QueryAsync<TableEntity>(filter: "RowKey lt '~outbox-'", cancellationToken: ct))
        {
            if (row.PartitionKey != stream)
            {
                EndOfStream();
                stream = row.PartitionKey;
                seen.Add(stream);
                streams++;
                expected = 1;
                prevHash = string.Empty;
                broken = false;
                head = anchored.GetValueOrDefault(stream);
                hashAtAnchor = null;
            }

            events++;
            if (broken)
            {
                continue;
            }

            var problem = Check(row, expected, prevHash);
            if (problem is not null)
            {
                breaks.Add(problem);
                broken = true;
                continue;
            }

            prevHash = row.GetString("Hash") ?? string.Empty;
            if (head is not null && expected == head.Version)
            {
                hashAtAnchor = prevHash;
            }

            expected++;
        }

        EndOfStream();

        // A stream the anchor knows and the table no longer holds at all lost every event.
        foreach (var missing in anchored.Values.Where(h => !seen.Contains(h.StreamId)).OrderBy(h => h.StreamId, StringComparer.Ordinal))
        {
            breaks.Add(CompareWithAnchor(missing.StreamId, missing, 0, null, anchorName)!);
        }

        return new AuditReport(streams, events, breaks.FirstOrDefault(), breaks, reading.Name, anchored.Count, reading.Read);
    }

    private static AuditBreak? CompareWithAnchor(string stream, StreamHead head, int intactVersion, string? hashAtAnchor, string anchorName) =>
        AuditChain.Compare(head, intactVersion, hashAtAnchor) switch
        {
            AnchorOutcome.Truncated => new(stream, intactVersion + 1, "audit.events-truncated",
                $"锚点“{anchorName}”记录该流已有{head.Version}个事件，现只剩{intactVersion}个：第{intactVersion + 1}至{head.Version}号事件已被删除。",
                $"Anchor '{anchorName}' recorded {head.Version} events in this stream; it now holds {intactVersion}: events {intactVersion + 1} to {head.Version} were removed.",
                anchorName),
            AnchorOutcome.Mismatch => new(stream, head.Version, "audit.anchor-mismatch",
                $"第{head.Version}号事件的哈希与锚点“{anchorName}”记录的不符（该流已被改写）。",
                $"Event {head.Version}'s hash differs from the one anchor '{anchorName}' recorded (the stream was rewritten).",
                anchorName),
            _ => null,
        };

    private AuditBreak? Check(TableEntity row, int expected, string prevHash)
    {
        var stream = row.PartitionKey;
        if (!int.TryParse(row.RowKey, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return new(stream, expected, "audit.row-key-invalid", $"行键“{row.RowKey}”不是事件版本号。", $"Row key '{row.RowKey}' is not an event version.");
        }

        if (version != expected)
        {
            return new(stream, expected, "audit.event-missing", $"缺少第{expected}至{version - 1}号事件（已被删除）。", $"Events {expected} to {version - 1} are missing (removed).");
        }

        var storedPrev = row.GetString("PrevHash") ?? string.Empty;
        if (storedPrev != prevHash)
        {
            return new(stream, version, "audit.link-broken", $"第{version}号事件记录的前一事件哈希与第{version - 1}号事件不符。", $"Event {version} does not name the hash of event {version - 1}.");
        }

        var data = new StringBuilder(row.GetString("Data") ?? string.Empty);
        for (var i = 1; row.TryGetValue($"Data{i}", out var part); i++)
        {
            data.Append(part as string);
        }

        var hash = key.Hash(new ChainLink(
            storedPrev,
            stream,
            version,
            row.GetString("Type") ?? string.Empty,
            row.GetInt32("SchemaVersion") ?? 1,
            row.GetDateTimeOffset("RecordedAt") ?? DateTimeOffset.MinValue,
            row.GetString("ActorSubject") ?? string.Empty,
            row.GetString("ActorRole") ?? string.Empty,
            row.GetString("ActorName"),
            row.GetString("ActorAffiliation"),
            row.GetString("CommandId"),
            row.GetString("CorrelationId"),
            data.ToString()));
        var stored = row.GetString("Hash") ?? string.Empty;
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(hash), Encoding.ASCII.GetBytes(stored))
            ? null
            : new(stream, version, "audit.content-altered", $"第{version}号事件的内容、时间、操作人或其他记录项与其哈希不符（已被修改）。", $"Event {version}'s content, time, actor or other recorded field does not match its hash (altered).");
    }

    /// <summary>The <c>verify</c> command: check the store named by the configuration; exit 0 when intact, 1 at the first break.</summary>
    public static async Task<int> RunCommandAsync(IConfiguration configuration, TextWriter output, CancellationToken ct)
    {
        var options = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true))
        {
            await output.WriteLineAsync("Storage settings are invalid: " + string.Join("; ", problems.Select(p => p.ErrorMessage)));
            return 2;
        }

        var (key, keyProblems) = AuditOptions.FromConfiguration(configuration);
        if (key is null)
        {
            await output.WriteLineAsync("Audit settings are invalid: " + string.Join("; ", keyProblems));
            return 2;
        }

        var storage = new StorageClients(Options.Create(options));
        var anchors = new AuditAnchors(storage, key, TimeProvider.System, NullLogger<AuditAnchors>.Instance);
        AuditReport report;
        try
        {
            report = await new AuditVerifier(storage, key, anchors).VerifyAsync(ct);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            await output.WriteLineAsync($"No table '{storage.Name(StorageClients.EventsTable)}' in {storage.Tables.AccountName}: check Storage settings and Storage:Prefix.");
            return 2;
        }

        var anchorLine = report.Anchor is null
            ? $"no valid anchor ({report.AnchorsRead} anchor blob(s) read)"
            : $"anchor {report.Anchor} checked ({report.AnchoredStreams} streams anchored; {report.AnchorsRead} anchor blob(s) read)";
        if (report.FirstBreak is { } b)
        {
            var where = b.Code == "audit.anchor-invalid" ? $"anchor {b.Anchor}" : $"stream {b.StreamId}, version {b.Version}";
            await output.WriteLineAsync($"BROKEN: {where}: {b.En} ({b.Code}); {report.Breaks.Count} break(s) in {report.Streams} streams; {anchorLine}.");
            return 1;
        }

        await output.WriteLineAsync($"INTACT: {report.Streams} streams, {report.Events} events, every hash chain verified; {anchorLine}.");
        return 0;
    }
}
