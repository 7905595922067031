using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using QualityAward.Functions.Hosting;

namespace QualityAward.Functions.Storage;

/// <summary>
/// The Azure Storage clients, created once. With a connection string (Azurite) they use the
/// account key; with service URIs they use the managed identity. Tables and blobs only: the app has
/// no queues of its own (the Durable task hub's are the Functions host's, on <c>AzureWebJobsStorage</c>).
/// <para>
/// Creating the tables and containers is started once, all at once, off the request path
/// (<see cref="StartCreating"/>, as <c>AddQualityAward</c> registers the services, and again —
/// idempotent — from <see cref="StorageInitializer"/>, which reports on them): the app listens meanwhile,
/// and a request that reaches a table or container still being created waits for that one only
/// (<see cref="CreatedFirstPolicy"/>, in both clients' pipelines) — so an empty Azurite still works
/// on the first request. In Azure the deployment makes them (Storage:CreatedByDeployment): nothing
/// is created, and nothing waits.
/// </para>
/// </summary>
public sealed class StorageClients
{
    public const string EventsTable = "events";
    public const string IndexTable = "appindex";
    public const string RegisterTable = "register";
    public const string SettingsTable = "settings";
    public const string DocumentsContainer = "documents";

    private readonly string _prefix;

    /// <summary>Clients without the waiting policy: what creates the tables and containers.</summary>
    private readonly Lazy<TableServiceClient> _creatingTables;
    private readonly Lazy<BlobServiceClient> _creatingBlobs;
    private readonly Lazy<TableServiceClient> _tables;
    private readonly Lazy<BlobServiceClient> _blobs;

    /// <summary>Creations started, by full table name and by full container name.</summary>
    private readonly ConcurrentDictionary<string, Task> _tablesCreated = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _containersCreated = new(StringComparer.Ordinal);
    private readonly Lock _starting = new();

    /// <summary>
    /// The clients are built on first use, not here: the container makes this object at start, and
    /// building them (the connection string, four pipelines) cost the start's thread some 50 ms before
    /// the app listened. Their first use is the creations <see cref="StartCreating"/> registers at
    /// start and runs on the thread pool — a request that comes first waits for its table's creation
    /// all the same, because the registration, not the client, is what it waits on.
    /// </summary>
    public StorageClients(IOptions<StorageOptions> options)
    {
        var o = options.Value;
        _prefix = o.Prefix;
        CreatedByDeployment = o.CreatedByDeployment;
        var credential = new Lazy<TokenCredential>(() => string.IsNullOrWhiteSpace(o.ManagedIdentityClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(o.ManagedIdentityClientId)));
        TableServiceClient NewTables(TableClientOptions? clientOptions) => string.IsNullOrWhiteSpace(o.ConnectionString)
            ? new TableServiceClient(o.TableServiceUri!, credential.Value, clientOptions)
            : new TableServiceClient(o.ConnectionString, clientOptions);
        BlobServiceClient NewBlobs(BlobClientOptions? clientOptions) => string.IsNullOrWhiteSpace(o.ConnectionString)
            ? new BlobServiceClient(o.BlobServiceUri!, credential.Value, clientOptions)
            : new BlobServiceClient(o.ConnectionString, clientOptions);

        _tables = new(() =>
        {
            var tableOptions = new TableClientOptions();
            tableOptions.AddPolicy(new CreatedFirstPolicy(this, tables: true), HttpPipelinePosition.PerCall);
            return NewTables(tableOptions);
        });
        _blobs = new(() =>
        {
            var blobOptions = new BlobClientOptions();
            blobOptions.AddPolicy(new CreatedFirstPolicy(this, tables: false), HttpPipelinePosition.PerCall);
            return NewBlobs(blobOptions);
        });
        _creatingTables = new(() => NewTables(null));
        _creatingBlobs = new(() => NewBlobs(null));
    }

    /// <summary>Whether the deployment made the tables and containers (Storage:CreatedByDeployment): then nothing here creates them.</summary>
    public bool CreatedByDeployment { get; }

    public TableServiceClient Tables => _tables.Value;

    public BlobServiceClient Blobs => _blobs.Value;

    public string Name(string baseName) => _prefix + baseName;

    public TableClient Table(string baseName) => Tables.GetTableClient(Name(baseName));

    public BlobContainerClient Container(string baseName) => Blobs.GetBlobContainerClient(ContainerName(baseName));

    /// <summary>Containers allow hyphens but tables do not; both are lowercase.</summary>
    public string ContainerName(string baseName) => string.IsNullOrEmpty(_prefix) ? baseName : $"{_prefix}-{baseName}";

    /// <summary>
    /// Start creating every table and container the app uses, all in parallel, and return at once
    /// (idempotent). Requests to one of them wait for its creation; <see cref="EnsureCreatedAsync"/>
    /// waits for all.
    /// </summary>
    public void StartCreating(StorageNeeds needs)
    {
        // Registered here, run on the thread pool: the SDK's pipeline and the first connections
        // (the part of each call before its first wait) cost the start's thread some 0.1–0.2 s of
        // CPU before the app listened.
        // One caller at a time: GetOrAdd may run its factory twice when two callers (the registration's
        // start and the initializer's) race, and the loser's creation would run all the same.
        lock (_starting)
        {
            var tableCreations = needs.Tables.Select(t => _tablesCreated.GetOrAdd(Name(t), name => Task.Run(() => CreateTableAsync(name)))).ToList();
            // The containers after the tables: the first answers read tables, and on two cores the blob
            // client's first requests took their time (a request for a container waits for it all the same).
            var tablesDone = Task.WhenAll(tableCreations);
            foreach (var c in needs.Containers)
            {
                _containersCreated.GetOrAdd(ContainerName(c), name => AfterAsync(tablesDone, () => CreateContainerAsync(name)));
            }
        }
    }

    private static async Task AfterAsync(Task first, Func<Task> then)
    {
        try
        {
            await first.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A table's failure is its own request's to see; the container is created all the same.
        }

        await then().ConfigureAwait(false);
    }

    /// <summary>Create every table and container given, in parallel, and wait until they exist.</summary>
    public async Task EnsureCreatedAsync(StorageNeeds needs, CancellationToken ct)
    {
        StartCreating(needs);
        await Task.WhenAll(needs.Tables.Select(t => CreatedAsync(_tablesCreated, Name(t), CreateTableAsync))
            .Concat(needs.Containers.Select(c => CreatedAsync(_containersCreated, ContainerName(c), CreateContainerAsync))))
            .WaitAsync(ct);
    }

    /// <summary>
    /// Wait for the creation of the named table or container when one was started (nothing to wait for otherwise).
    /// A creation that failed (storage down at start) is tried again for the request that needs it.
    /// </summary>
    private static async Task CreatedAsync(ConcurrentDictionary<string, Task> started, string name, Func<string, Task> create)
    {
        if (!started.TryGetValue(name, out var creation) || creation.IsCompletedSuccessfully)
        {
            return;
        }

        try
        {
            await creation;
        }
        catch (Exception) when (!creation.IsCanceled)
        {
            var again = started.AddOrUpdate(name, create, (n, current) => current == creation ? create(n) : current);
            await again;
        }
    }

    /// <summary>Every table creation started (a transaction's body, not its address, names its table).</summary>
    private Task AllTablesCreatedAsync() =>
        _tablesCreated.Values.All(t => t.IsCompletedSuccessfully)
            ? Task.CompletedTask
            : Task.WhenAll(_tablesCreated.Keys.Select(name => CreatedAsync(_tablesCreated, name, CreateTableAsync)));

    private Task CreateTableAsync(string name) => _creatingTables.Value.GetTableClient(name).CreateIfNotExistsAsync();

    /// <summary>
    /// Asks first, creates only a missing container: the SDK's create-if-not-exists answers an
    /// existing container (every start but the first) by throwing and catching a 409 inside, and five
    /// first exceptions cost a start up to a third of a second of CPU. Same one request when it exists.
    /// </summary>
    private async Task CreateContainerAsync(string name)
    {
        var container = _creatingBlobs.Value.GetBlobContainerClient(name);
        if (!await container.ExistsAsync())
        {
            await container.CreateIfNotExistsAsync();
        }
    }

    /// <summary>
    /// Holds a request to a table or container back until its creation (if one was started) is done.
    /// Tables: the last segment of the path names the table (<c>events(PartitionKey=…)</c>,
    /// <c>events()</c>); a transaction (<c>$batch</c>) waits for every table. Blobs: the container
    /// as <see cref="BlobUriBuilder"/> reads it (path-style on Azurite, host-style in Azure).
    /// </summary>
    private sealed class CreatedFirstPolicy(StorageClients owner, bool tables) : HttpPipelinePolicy
    {
        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await WaitAsync(message.Request.Uri.ToUri()).ConfigureAwait(false);
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            WaitAsync(message.Request.Uri.ToUri()).GetAwaiter().GetResult();
            ProcessNext(message, pipeline);
        }

        private Task WaitAsync(Uri uri)
        {
            var started = tables ? owner._tablesCreated : owner._containersCreated;
            if (started.IsEmpty)
            {
                return Task.CompletedTask;
            }

            if (tables)
            {
                var last = uri.AbsolutePath[(uri.AbsolutePath.LastIndexOf('/') + 1)..];
                if (last == "$batch")
                {
                    return owner.AllTablesCreatedAsync();
                }

                var paren = last.IndexOf('(', StringComparison.Ordinal);
                return CreatedAsync(started, paren < 0 ? last : last[..paren], owner.CreateTableAsync);
            }

            var container = new BlobUriBuilder(uri).BlobContainerName;
            return string.IsNullOrEmpty(container) ? Task.CompletedTask : CreatedAsync(started, container, owner.CreateContainerAsync);
        }
    }
}

/// <summary>The tables and containers each slice needs; collected at start-up.</summary>
public sealed record StorageNeeds(IReadOnlyList<string> Tables, IReadOnlyList<string> Containers)
{
    /// <summary>Every slice's tables and containers, each once.</summary>
    public static StorageNeeds All(IEnumerable<StorageNeeds> slices)
    {
        var all = slices.ToList();
        return new([.. all.SelectMany(n => n.Tables).Distinct()], [.. all.SelectMany(n => n.Containers).Distinct()]);
    }

    /// <summary>Every table and container the app registered in <paramref name="services"/>: what the deployment makes (infra/bicep).</summary>
    public static StorageNeeds Of(IServiceProvider services) => All(services.GetServices<StorageNeeds>());
}
