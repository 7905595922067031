using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Backup;

public sealed record BackupTable(string Table, long Entities, string File);

/// <summary>What an export holds; written last, so a folder without it is an export that did not finish.</summary>
public sealed record BackupManifest(int Format, DateTimeOffset CreatedAt, string Folder, IReadOnlyList<BackupTable> Tables);

/// <summary>
/// Azure Table storage has no point-in-time restore, so the app exports every table it uses to
/// the <c>backup</c> container, one folder per export (<c>yyyyMMdd'T'HHmmss'Z'</c>): a JSON-lines
/// file per table and a <c>manifest.json</c>. Each line is one entity with every property's Edm
/// type, so Int64, DateTime, Binary, Guid and Double values come back as what they were:
/// <c>{"PartitionKey":"…","RowKey":"…","Properties":{"Name":{"Type":"Edm.Int64","Value":"42"}}}</c>.
/// Table names are stored without the storage prefix, so an export restores under any prefix.
/// </summary>
public sealed partial class TableBackup(StorageClients storage, IEnumerable<StorageNeeds> needs, TimeProvider clock, ILogger<TableBackup> logger)
{
    public const string Container = "backup";

    public const string ManifestFile = "manifest.json";

    private const int Format = 1;

    private static readonly JsonSerializerOptions ManifestJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The tables the app uses (every slice's <see cref="StorageNeeds"/>), without prefix.</summary>
    public IReadOnlyList<string> Tables { get; } = [.. needs.SelectMany(n => n.Tables).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public async Task<BackupManifest> ExportAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var folder = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var container = storage.Container(Container);
        var tables = new List<BackupTable>(Tables.Count);
        foreach (var table in Tables)
        {
            var file = $"{table}.jsonl";
            long count = 0;
            await using (var stream = await container.GetBlobClient($"{folder}/{file}").OpenWriteAsync(overwrite: true, cancellationToken: ct))
            await using (var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                await foreach (var entity in storage.Table(table).QueryAsync<TableEntity>(cancellationToken: ct))
                {
                    await writer.WriteAsync(ToLine(entity));
                    await writer.WriteAsync('\n');
                    count++;
                }
            }

            tables.Add(new BackupTable(table, count, file));
        }

        var manifest = new BackupManifest(Format, now, folder, tables);
        await container.GetBlobClient($"{folder}/{ManifestFile}").UploadAsync(BinaryData.FromObjectAsJson(manifest, ManifestJson), overwrite: true, ct);
        LogExported(logger, folder, tables.Count, tables.Sum(t => t.Entities));
        return manifest;
    }

    /// <summary>
    /// Load an export into storage whose tables are all empty (or missing). Refuses, writing
    /// nothing, if any table of the export already holds an entity. The export is read from this
    /// storage's <c>backup</c> container, or from the one of <paramref name="sourcePrefix"/>
    /// (another instance in the same account, e.g. restoring into a fresh prefix).
    /// </summary>
    public async Task<BackupManifest> RestoreAsync(string folder, string? sourcePrefix, CancellationToken ct)
    {
        var container = sourcePrefix is null
            ? storage.Container(Container)
            : storage.Blobs.GetBlobContainerClient(sourcePrefix.Length == 0 ? Container : $"{sourcePrefix}-{Container}");
        var manifestBlob = container.GetBlobClient($"{folder}/{ManifestFile}");
        if (!await manifestBlob.ExistsAsync(ct))
        {
            throw new BackupException($"No finished export named '{folder}' in container {container.Name} ({ManifestFile} is missing).");
        }

        var manifest = (await manifestBlob.DownloadContentAsync(ct)).Value.Content.ToObjectFromJson<BackupManifest>(ManifestJson)
            ?? throw new BackupException($"{folder}/{ManifestFile} is empty.");
        if (manifest.Format != Format)
        {
            throw new BackupException($"Export '{folder}' has format {manifest.Format}; this build restores format {Format}.");
        }

        // Check every table before writing anything: a refused restore leaves storage as it was.
        foreach (var table in manifest.Tables)
        {
            if (await HasEntitiesAsync(storage.Table(table.Table), ct))
            {
                throw new BackupException($"Table {storage.Name(table.Table)} is not empty: restore loads an export only into empty storage. Restore under a new Storage:Prefix or into a new account.");
            }
        }

        foreach (var table in manifest.Tables)
        {
            await storage.Table(table.Table).CreateIfNotExistsAsync(ct);
            var restored = await RestoreTableAsync(container, manifest.Folder, table, ct);
            if (restored != table.Entities)
            {
                throw new BackupException($"{table.File} holds {restored} entities; the manifest says {table.Entities}.");
            }
        }

        LogRestored(logger, folder, manifest.Tables.Count, manifest.Tables.Sum(t => t.Entities));
        return manifest;
    }

    private static async Task<bool> HasEntitiesAsync(TableClient client, CancellationToken ct)
    {
        try
        {
            await foreach (var _ in client.QueryAsync<TableEntity>(select: ["PartitionKey"], maxPerPage: 1, cancellationToken: ct))
            {
                return true;
            }

            return false;
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    private async Task<long> RestoreTableAsync(BlobContainerClient container, string folder, BackupTable table, CancellationToken ct)
    {
        var client = storage.Table(table.Table);
        long count = 0;
        var batch = new List<TableTransactionAction>(100);
        string? partition = null;
        await using var stream = await container.GetBlobClient($"{folder}/{table.File}").OpenReadAsync(cancellationToken: ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var entity = FromLine(line);

            // A transaction holds up to 100 entities of one partition; exports list a partition's rows together.
            if (batch.Count == 100 || (partition is not null && partition != entity.PartitionKey))
            {
                await client.SubmitTransactionAsync(batch, ct);
                batch.Clear();
            }

            partition = entity.PartitionKey;
            batch.Add(new TableTransactionAction(TableTransactionActionType.Add, entity));
            count++;
        }

        if (batch.Count > 0)
        {
            await client.SubmitTransactionAsync(batch, ct);
        }

        return count;
    }

    /// <summary>One entity as a JSON line, with each property's Edm type.</summary>
    public static string ToLine(TableEntity entity)
    {
        var properties = new JsonObject();
        foreach (var (name, value) in entity.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag" || value is null)
            {
                continue;
            }

            var (type, json) = value switch
            {
                string s => ("Edm.String", (JsonNode?)JsonValue.Create(s)),
                int i => ("Edm.Int32", JsonValue.Create(i)),
                long l => ("Edm.Int64", JsonValue.Create(l.ToString(CultureInfo.InvariantCulture))),
                double d => ("Edm.Double", JsonValue.Create(d.ToString("R", CultureInfo.InvariantCulture))),
                bool b => ("Edm.Boolean", JsonValue.Create(b)),
                DateTimeOffset t => ("Edm.DateTime", JsonValue.Create(t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))),
                DateTime t => ("Edm.DateTime", JsonValue.Create(t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture))),
                Guid g => ("Edm.Guid", JsonValue.Create(g.ToString("D"))),
                byte[] bytes => ("Edm.Binary", JsonValue.Create(Convert.ToBase64String(bytes))),
                BinaryData data => ("Edm.Binary", JsonValue.Create(Convert.ToBase64String(data.ToArray()))),
                _ => throw new BackupException($"{entity.PartitionKey}/{entity.RowKey}: property {name} has a type the backup does not know ({value.GetType().Name})."),
            };
            properties[name] = new JsonObject { ["Type"] = type, ["Value"] = json };
        }

        var line = new JsonObject
        {
            ["PartitionKey"] = entity.PartitionKey,
            ["RowKey"] = entity.RowKey,
            ["Timestamp"] = entity.Timestamp?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["Properties"] = properties,
        };
        return line.ToJsonString();
    }

    /// <summary>The entity a JSON line describes, with typed properties.</summary>
    public static TableEntity FromLine(string line)
    {
        var node = JsonNode.Parse(line)?.AsObject() ?? throw new BackupException("An empty backup line.");
        var entity = new TableEntity((string)node["PartitionKey"]!, (string)node["RowKey"]!);
        foreach (var (name, property) in node["Properties"]!.AsObject())
        {
            var type = (string)property!["Type"]!;
            var value = property["Value"]!;
            entity[name] = type switch
            {
                "Edm.String" => (string)value!,
                "Edm.Int32" => (int)value,
                "Edm.Int64" => long.Parse((string)value!, CultureInfo.InvariantCulture),
                "Edm.Double" => double.Parse((string)value!, CultureInfo.InvariantCulture),
                "Edm.Boolean" => (bool)value,
                "Edm.DateTime" => DateTimeOffset.Parse((string)value!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                "Edm.Guid" => Guid.Parse((string)value!),
                "Edm.Binary" => Convert.FromBase64String((string)value!),
                _ => throw new BackupException($"{entity.PartitionKey}/{entity.RowKey}: property {name} has an unknown type {type}."),
            };
        }

        return entity;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backup {Folder}: {Tables} tables, {Entities} entities")]
    private static partial void LogExported(ILogger logger, string folder, int tables, long entities);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restored backup {Folder}: {Tables} tables, {Entities} entities")]
    private static partial void LogRestored(ILogger logger, string folder, int tables, long entities);
}

/// <summary>A backup or restore that cannot go on; the message says why.</summary>
public sealed class BackupException(string message) : Exception(message);

/// <summary>Backup: export every table (daily, 02:00 Asia/Shanghai).</summary>
/// <summary>Exports every table to the backup container, daily at 02:00 Asia/Shanghai (18:00 UTC).</summary>
public sealed partial class BackupFunction(TableBackup backup, ILogger<BackupFunction> logger)
{
    [Function("Backup")]
    public async Task<string> Run([TimerTrigger("0 0 18 * * *")] TimerInfo timer, CancellationToken ct)
    {
        var manifest = await backup.ExportAsync(ct);
        var summary = $"backup {manifest.Folder}: {manifest.Tables.Count} tables, {manifest.Tables.Sum(t => t.Entities)} entities";
        LogExported(logger, summary);
        return summary;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backup: {Summary}")]
    private static partial void LogExported(ILogger logger, string summary);
}
