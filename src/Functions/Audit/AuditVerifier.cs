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
/// The result of a verification: how much was checked, the newest valid anchor by signed time
/// (every anchor is read: <see cref="AnchorsRead"/>), how many streams the anchors hold, and the
/// first break, if any. <see cref="Scope"/> says what was read: <c>full</c>, every event row;
/// <c>sinceAnchor</c>, only the rows written or changed since <see cref="Since"/> (the newest valid
/// anchor, less a margin), the anchors vouching for what came before. <see cref="Summary"/> (zh-CN)
/// and <see cref="SummaryEn"/> say it in words: a since-anchor answer never claims the rows it did not read.
/// </summary>
public sealed record AuditReport(
    int Streams,
    int Events,
    AuditBreak? FirstBreak,
    IReadOnlyList<AuditBreak> Breaks,
    string? Anchor,
    int AnchoredStreams,
    int AnchorsRead,
    string Scope,
    DateTimeOffset? Since,
    string Summary,
    string SummaryEn)
{
    public bool Intact => FirstBreak is null;
}

/// <summary>
/// Proves that no stored event was altered or removed. <c>full</c>: reads the event rows as stored
/// (not through the app's cache or its deserialiser, which a tampered row could fool or crash) in
/// one pass and, per stream, checks that versions run 1, 2, 3… without a gap, that each event names
/// the hash of the one before it, and that its hash is the keyed hash (<see cref="AuditChain"/>) of
/// every field on its row. Then every anchor is walked in the order of its signed time
/// (<see cref="AnchorChain"/>: misnamed, future, unlinked and rolled-back anchors are breaks), and
/// each stream is compared with the head the anchors recorded for it: a stream shorter than that
/// lost its last events; one whose event at that version has another hash was rewritten.
/// <para>
/// <c>sinceAnchor</c> (the default when there is a valid anchor): anchoring checked every row it
/// anchored, so only the rows the table wrote or rewrote since the newest valid anchor was written
/// (its blob's time, less <see cref="AuditOptions.VerifyOverlap"/>) are read — one query: a rewritten
/// anchored row must still carry its keyed hash (and the anchored head its anchored hash), and the
/// rows after each stream's anchored head must run on from it unbroken (a stream whose rows since
/// do not start right after its head is read from the head on). What it cannot see is a deletion of
/// rows written before: only a full verification finds that, and the answer says so.
/// </para>
/// </summary>
public sealed class AuditVerifier(StorageClients storage, AuditKey key, AuditAnchors anchors, IOptions<AuditOptions> options)
{
    /// <summary>
    /// Verify: everything when <paramref name="full"/> or when no anchor is valid; otherwise what was
    /// written since the newest valid anchor.
    /// </summary>
    public async Task<AuditReport> VerifyAsync(bool full, CancellationToken ct)
    {
        var history = await anchors.ReadHistoryAsync(ct);
        if (!full && history.Newest is { } newest && anchors.WrittenAt(newest.Name) is { } writtenAt)
        {
            return await VerifySinceAsync(history, newest.Name, writtenAt - options.Value.VerifyOverlap, ct);
        }

        return await VerifyAllAsync(history, ct);
    }

    private async Task<AuditReport> VerifyAllAsync(AnchorHistory history, CancellationToken ct)
    {
        var breaks = history.Problems.Select(Break).ToList();
        var anchored = history.Heads;
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
                && CompareWithAnchor(stream, head, expected - 1, hashAtAnchor, history.AnchoredBy[stream]) is { } problem)
            {
                breaks.Add(problem);
            }
        }

        await foreach (var row in table.QueryAsync<TableEntity>(filter: EventRows.Filter, cancellationToken: ct))
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

            var problem = EventRows.Check(key, row, expected, prevHash);
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

        // A stream the anchors know and the table no longer holds at all lost every event.
        foreach (var missing in anchored.Values.Where(h => !seen.Contains(h.StreamId)).OrderBy(h => h.StreamId, StringComparer.Ordinal))
        {
            breaks.Add(CompareWithAnchor(missing.StreamId, missing, 0, null, history.AnchoredBy[missing.StreamId])!);
        }

        return new AuditReport(
            streams, events, breaks.FirstOrDefault(), breaks, history.Newest?.Name, anchored.Count, history.Read, "full", null,
            $"全量核验：逐一读取并核对了全部{streams}个流的{events}个事件。",
            $"Full verification: every event row was read and checked ({events} events in {streams} streams).");
    }

    private async Task<AuditReport> VerifySinceAsync(AnchorHistory history, string anchorName, DateTimeOffset since, CancellationToken ct)
    {
        var breaks = history.Problems.Select(Break).ToList();
        var table = storage.Table(StorageClients.EventsTable);
        var written = new SortedDictionary<string, List<TableEntity>>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Timestamp ge {since} and RowKey lt {EventRows.PendingPrefix}"), cancellationToken: ct))
        {
            if (!written.TryGetValue(row.PartitionKey, out var rows))
            {
                written[row.PartitionKey] = rows = [];
            }

            rows.Add(row);
        }

        var events = 0;
        foreach (var (stream, rows) in written)
        {
            var head = history.Heads.GetValueOrDefault(stream);
            var anchoredVersion = head?.Version ?? 0;
            AuditBreak? problem = null;

            // Anchored rows written again since: each must still carry its keyed hash, the head its anchored hash.
            foreach (var row in rows.Where(r => EventRows.Version(r) is { } v && v <= anchoredVersion))
            {
                events++;
                var version = EventRows.Version(row)!.Value;
                var hash = row.GetString("Hash") ?? string.Empty;
                problem = EventRows.Check(key, row, version, row.GetString("PrevHash") ?? string.Empty)
                    ?? (version == anchoredVersion ? CompareWithAnchor(stream, head!, anchoredVersion, hash, history.AnchoredBy[stream]) : null);
                if (problem is not null)
                {
                    break;
                }
            }

            // The rows after the anchored head: a chain that runs on from it.
            var after = rows.Where(r => EventRows.Version(r) is not { } v || v > anchoredVersion).ToList();
            if (problem is null && after.Count > 0)
            {
                if (!after.Select((r, i) => EventRows.Version(r) == anchoredVersion + i + 1).All(ok => ok))
                {
                    after = [];
                    await foreach (var row in EventRows.AfterAsync(table, stream, anchoredVersion, ct))
                    {
                        after.Add(row);
                    }
                }

                var expected = anchoredVersion + 1;
                var prevHash = head?.Hash ?? string.Empty;
                foreach (var row in after)
                {
                    events++;
                    if ((problem = EventRows.Check(key, row, expected, prevHash)) is not null)
                    {
                        break;
                    }

                    prevHash = row.GetString("Hash") ?? string.Empty;
                    expected++;
                }
            }

            if (problem is not null)
            {
                breaks.Add(problem);
            }
        }

        var at = since.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return new AuditReport(
            written.Count, events, breaks.FirstOrDefault(), breaks, anchorName, history.Heads.Count, history.Read, "sinceAnchor", since,
            $"自最新有效锚点“{anchorName}”以来的增量核验：只核对了{at}（北京时间）以后写入或改动的{events}个事件（{written.Count}个流）。此前的事件由锚点担保，本次未重读；其中若有事件被删除，只有全量核验（?full=true）能发现。",
            $"Verification since the newest valid anchor '{anchorName}': only the {events} events ({written.Count} streams) written or changed since {since:O} were checked. Events before it are vouched for by the anchors and were not read again; a deletion among them is found only by a full verification (?full=true).");
    }

    /// <summary>A problem with the anchors themselves, as a break of the report.</summary>
    internal static AuditBreak Break(AnchorProblem p) => new(p.StreamId ?? string.Empty, p.Version, p.Code, p.Zh, p.En, p.Anchor);

    /// <summary>A stream against the head an anchor recorded: null when it reaches it with the same hash.</summary>
    internal static AuditBreak? CompareWithAnchor(string stream, StreamHead head, int intactVersion, string? hashAtAnchor, string anchorName) =>
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
            report = await new AuditVerifier(storage, key, anchors, Options.Create(configuration.GetSection(AuditOptions.Section).Get<AuditOptions>() ?? new AuditOptions())).VerifyAsync(full: true, ct);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            await output.WriteLineAsync($"No table '{storage.Name(StorageClients.EventsTable)}' in {storage.Tables.AccountName}: check Storage settings and Storage:Prefix.");
            return 2;
        }

        var anchorLine = report.Anchor is null
            ? $"no valid anchor ({report.AnchorsRead} anchor blob(s) read)"
            : $"anchor {report.Anchor} checked, the newest of {report.AnchorsRead} anchor blob(s) read ({report.AnchoredStreams} streams anchored)";
        if (report.FirstBreak is { } b)
        {
            var where = b.StreamId.Length == 0 ? $"anchor {b.Anchor}" : $"stream {b.StreamId}, version {b.Version}";
            await output.WriteLineAsync($"BROKEN: {where}: {b.En} ({b.Code}); {report.Breaks.Count} break(s) in {report.Streams} streams; {anchorLine}.");
            return 1;
        }

        await output.WriteLineAsync($"INTACT: {report.Streams} streams, {report.Events} events, every hash chain verified; {anchorLine}.");
        return 0;
    }
}

/// <summary>
/// Event rows as stored, checked one by one: the verifier walks every row with this, and
/// anchoring walks the rows after each stream's anchored head with it.
/// </summary>
internal static class EventRows
{
    /// <summary>Pending-projection markers of a stream's partition sort at and after this key; events before it.</summary>
    public const string PendingPrefix = EventStore.PendingPrefix;

    /// <summary>Every event row, no pending-projection marker.</summary>
    public const string Filter = $"RowKey lt '{PendingPrefix}'";

    /// <summary>A stream's event rows after <paramref name="afterVersion"/> (every one after 0), as stored, oldest first: one query.</summary>
    public static IAsyncEnumerable<TableEntity> AfterAsync(TableClient table, string stream, int afterVersion, CancellationToken ct) =>
        table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {stream} and RowKey gt {EventStore.Key(afterVersion)} and RowKey lt {PendingPrefix}"), cancellationToken: ct);

    /// <summary>The row's version, or null when its key is not one.</summary>
    public static int? Version(TableEntity row) =>
        int.TryParse(row.RowKey, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;

    /// <summary>The row is the expected version and names the hash before it (what a projection of key, hash and link can show).</summary>
    public static AuditBreak? CheckPlace(TableEntity row, int expected, string prevHash)
    {
        var stream = row.PartitionKey;
        if (Version(row) is not { } version)
        {
            return new(stream, expected, "audit.row-key-invalid", $"行键“{row.RowKey}”不是事件版本号。", $"Row key '{row.RowKey}' is not an event version.");
        }

        if (version != expected)
        {
            return new(stream, expected, "audit.event-missing", $"缺少第{expected}至{version - 1}号事件（已被删除）。", $"Events {expected} to {version - 1} are missing (removed).");
        }

        return (row.GetString("PrevHash") ?? string.Empty) == prevHash
            ? null
            : new(stream, version, "audit.link-broken", $"第{version}号事件记录的前一事件哈希与第{version - 1}号事件不符。", $"Event {version} does not name the hash of event {version - 1}.");
    }

    /// <summary>As <see cref="CheckPlace"/>, and the row's hash is the keyed hash of every field stored on it.</summary>
    public static AuditBreak? Check(AuditKey key, TableEntity row, int expected, string prevHash)
    {
        if (CheckPlace(row, expected, prevHash) is { } misplaced)
        {
            return misplaced;
        }

        var data = new StringBuilder(row.GetString("Data") ?? string.Empty);
        for (var i = 1; row.TryGetValue($"Data{i}", out var part); i++)
        {
            data.Append(part as string);
        }

        var hash = key.Hash(new ChainLink(
            prevHash,
            row.PartitionKey,
            expected,
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
            : new(row.PartitionKey, expected, "audit.content-altered", $"第{expected}号事件的内容、时间、操作人或其他记录项与其哈希不符（已被修改）。", $"Event {expected}'s content, time, actor or other recorded field does not match its hash (altered).");
    }
}
