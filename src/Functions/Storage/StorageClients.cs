using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using QualityAward.Functions.Hosting;

namespace QualityAward.Functions.Storage;

/// <summary>
/// The Azure Storage clients, created once. With a connection string (Azurite) they use the
/// account key; with service URIs they use the managed identity. Tables and blobs only: the app has
/// no queues of its own (the Durable task hub's are the Functions host's, on <c>AzureWebJobsStorage</c>).
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
        if (!string.IsNullOrWhiteSpace(o.ConnectionString))
        {
            Tables = new TableServiceClient(o.ConnectionString);
            Blobs = new BlobServiceClient(o.ConnectionString);
        }
        else
        {
            TokenCredential credential = string.IsNullOrWhiteSpace(o.ManagedIdentityClientId)
                ? new DefaultAzureCredential()
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(o.ManagedIdentityClientId));
            Tables = new TableServiceClient(o.TableServiceUri!, credential);
            Blobs = new BlobServiceClient(o.BlobServiceUri!, credential);
        }
    }

    public TableServiceClient Tables { get; }

    public BlobServiceClient Blobs { get; }

    public string Name(string baseName) => _prefix + baseName;

    public TableClient Table(string baseName) => Tables.GetTableClient(Name(baseName));

    public BlobContainerClient Container(string baseName) => Blobs.GetBlobContainerClient(ContainerName(baseName));

    /// <summary>Containers allow hyphens but tables do not; both are lowercase.</summary>
    public string ContainerName(string baseName) => string.IsNullOrEmpty(_prefix) ? baseName : $"{_prefix}-{baseName}";

    /// <summary>Create every table and container the app uses (idempotent; run at start-up).</summary>
    public async Task EnsureCreatedAsync(IEnumerable<string> tables, IEnumerable<string> containers, CancellationToken ct)
    {
        foreach (var t in tables)
        {
            await Table(t).CreateIfNotExistsAsync(ct);
        }

        foreach (var c in containers)
        {
            await Container(c).CreateIfNotExistsAsync(cancellationToken: ct);
        }
    }
}

/// <summary>The tables and containers each slice needs; collected at start-up.</summary>
public sealed record StorageNeeds(IReadOnlyList<string> Tables, IReadOnlyList<string> Containers);
