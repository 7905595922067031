using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using QualityAward.Domain;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Audit;

/// <summary>Where a stream's hash chain breaks, and how.</summary>
public sealed record AuditBreak(string StreamId, int Version, string Code, string Zh, string En);

/// <summary>The result of walking every stream: how much was checked and the first break, if any.</summary>
public sealed record AuditReport(int Streams, int Events, AuditBreak? FirstBreak, IReadOnlyList<AuditBreak> Breaks)
{
    public bool Intact => FirstBreak is null;
}

/// <summary>
/// Proves that no stored event was altered or removed. Reads the event rows as stored (not through
/// the app's cache or its deserialiser, which a tampered row could fool or crash) and, per stream,
/// checks that versions run 1, 2, 3… without a gap, that each event names the hash of the one
/// before it, and that its hash is the hash of what it says (<see cref="EventStore.Hash"/>).
/// A stream whose last events were removed still forms an intact chain: the chain proves order
/// and content, not the stream's length.
/// </summary>
public sealed class AuditVerifier(StorageClients storage)
{
    public async Task<AuditReport> VerifyAsync(CancellationToken ct)
    {
        var table = storage.Table(StorageClients.EventsTable);
        var breaks = new List<AuditBreak>();
        var streams = 0;
        var events = 0;
        string? stream = null;
        var expected = 1;
        var prevHash = string.Empty;
        var broken = false;
        await foreach (var row in table.QueryAsync<TableEntity>(filter: "RowKey lt '~outbox-'", cancellationToken: ct))
        {
            if (row.PartitionKey != stream)
            {
                stream = row.PartitionKey;
                streams++;
                expected = 1;
                prevHash = string.Empty;
                broken = false;
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

            expected++;
            prevHash = row.GetString("Hash") ?? string.Empty;
        }

        return new AuditReport(streams, events, breaks.FirstOrDefault(), breaks);
    }

    private static AuditBreak? Check(TableEntity row, int expected, string prevHash)
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

        var actor = new Actor(row.GetString("ActorSubject") ?? string.Empty, row.GetString("ActorRole") ?? string.Empty);
        var hash = EventStore.Hash(
            storedPrev,
            stream,
            version,
            row.GetString("Type") ?? string.Empty,
            row.GetInt32("SchemaVersion") ?? 1,
            row.GetDateTimeOffset("RecordedAt") ?? DateTimeOffset.MinValue,
            new EventMetadata(actor, row.GetString("CommandId"), null),
            data.ToString());
        return hash == row.GetString("Hash")
            ? null
            : new(stream, version, "audit.content-altered", $"第{version}号事件的内容、时间或操作人与其哈希不符（已被修改）。", $"Event {version}'s content, time or actor does not match its hash (altered).");
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

        var storage = new StorageClients(Options.Create(options));
        AuditReport report;
        try
        {
            report = await new AuditVerifier(storage).VerifyAsync(ct);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            await output.WriteLineAsync($"No table '{storage.Name(StorageClients.EventsTable)}' in {storage.Tables.AccountName}: check Storage settings and Storage:Prefix.");
            return 2;
        }

        if (report.FirstBreak is { } b)
        {
            await output.WriteLineAsync($"BROKEN: stream {b.StreamId}, version {b.Version}: {b.En} ({b.Code}); {report.Breaks.Count} stream(s) broken of {report.Streams}.");
            return 1;
        }

        await output.WriteLineAsync($"INTACT: {report.Streams} streams, {report.Events} events, every hash chain verified.");
        return 0;
    }
}
