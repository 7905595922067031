using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using QualityAward.Functions.Hosting;

namespace QualityAward.Functions.Storage;

/// <summary>
/// The Azure Storage clients, created once. With a connection string (Azurite) they use the
/// account key; with service URIs they use the managed identity. Queue messages are base64, as
/// the Functions queue trigger expects by default.
/// </summary>
public sealed class StorageClients
{
    public const string EventsTable = "events";
    public const string IndexTable = "appindex";
    public const string RegisterTable = "register";
    public const string SettingsTable = "settings";
    public const string DocumentsContainer = "documents";

    private readonly string _prefix;

    public StorageClients(IOptions<StorageOptions> options)
    {
        var o = options.Value;
        _prefix = o.Prefix;
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        if (!string.IsNullOrWhiteSpace(o.ConnectionString))
        {
            Tables = new TableServiceClient(o.ConnectionString);
            Blobs = new BlobServiceClient(o.ConnectionString);
            Queues = new QueueServiceClient(o.ConnectionString, queueOptions);
        }
        else
        {
            TokenCredential credential = string.IsNullOrWhiteSpace(o.ManagedIdentityClientId)
                ? new DefaultAzureCredential()
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(o.ManagedIdentityClientId));
            Tables = new TableServiceClient(o.TableServiceUri!, credential);
            Blobs = new BlobServiceClient(o.BlobServiceUri!, credential);
            Queues = new QueueServiceClient(o.QueueServiceUri!, credential, queueOptions);
        }
    }

    public TableServiceClient Tables { get; }

    public BlobServiceClient Blobs { get; }

    public QueueServiceClient Queues { get; }

    public string Name(string baseName) => _prefix + baseName;

    public TableClient Table(string baseName) => Tables.GetTableClient(Name(baseName));

    public BlobContainerClient Container(string baseName) => Blobs.GetBlobContainerClient(ContainerName(baseName));

    public QueueClient Queue(string baseName) => Queues.GetQueueClient(ContainerName(baseName));

    /// <summary>Containers and queues allow hyphens but tables do not; both are lowercase.</summary>
    public string ContainerName(string baseName) => string.IsNullOrEmpty(_prefix) ? baseName : $"{_prefix}-{baseName}";

    /// <summary>Create every table, container and queue the app uses (idempotent; run at start-up).</summary>
    public async Task EnsureCreatedAsync(IEnumerable<string> tables, IEnumerable<string> containers, IEnumerable<string> queues, CancellationToken ct)
    {
        foreach (var t in tables)
        {
            await Table(t).CreateIfNotExistsAsync(ct);
        }

        foreach (var c in containers)
        {
            await Container(c).CreateIfNotExistsAsync(cancellationToken: ct);
        }

        foreach (var q in queues)
        {
            await Queue(q).CreateIfNotExistsAsync(cancellationToken: ct);
            await Queue(q + "-poison").CreateIfNotExistsAsync(cancellationToken: ct);
        }
    }
}

/// <summary>The tables, containers and queues each slice needs; collected at start-up.</summary>
public sealed record StorageNeeds(IReadOnlyList<string> Tables, IReadOnlyList<string> Containers, IReadOnlyList<string> Queues);
