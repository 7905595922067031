using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using QualityAward.Domain;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Hosting;

/// <summary>
/// Nothing waits on storage before the app listens (issue 20, item 5): the tables and containers
/// are created beside the start, and a request waits only for the one it uses — so the app starts
/// and answers its liveness probe while storage is down, and its first real read works once
/// storage is there, the creation tried again for it. Its own Azurite, started late: a test of
/// storage being down, so it runs with the others that stop storage, one at a time.
/// </summary>
[Collection(Serial.Name)]
public sealed class ColdStartTests : IAsyncLifetime
{
    private readonly DirectoryInfo _location = Directory.CreateTempSubdirectory("qa-coldstart-");
    private readonly (int Blob, int Queue, int Table) _ports = (Azurite.FreePort(), Azurite.FreePort(), Azurite.FreePort());
    private Process? _azurite;

    private string ConnectionString => Azurite.ConnectionStringFor(_ports.Blob, _ports.Queue, _ports.Table);

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit 2 disposes a test class through IAsyncLifetime (not IAsyncDisposable): without it this Azurite outlived the run.
    public async Task DisposeAsync()
    {
        if (_azurite is { HasExited: false })
        {
            _azurite.Kill(entireProcessTree: true);
            await _azurite.WaitForExitAsync();
        }

        _azurite?.Dispose();
        _location.Delete(recursive: true);
    }

    [Fact]
    public async Task App_ListensAndIsLive_WhileStorageIsDown_AndItsFirstReadWorksOnceStorageIsUp()
    {
        await using var app = await TestApp.StartAsync(ConnectionString);

        // Listening, storage not there: alive, not ready.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await app.Anonymous().GetAsync("/healthz")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, (await app.Anonymous().GetAsync("/healthz/ready")).StatusCode);

        // Storage comes up on an empty account: the first command creates what it uses and works.
        _azurite = await Azurite.LaunchAsync(_ports.Blob, _ports.Queue, _ports.Table, _location.FullName);
        await (await app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);
        var listed = await Poll.UntilAsync(
            async () => (await (await app.Anonymous().GetAsync("/api/cycles")).ExpectAsync(200)).EnumerateArray().Any(c => c.Str("cycleId") == "weihai-2026"),
            TimeSpan.FromSeconds(10));
        Assert.True(listed, "The opened cycle is listed.");

        // Ready once the creations that failed while storage was down have been tried again (at once, or after the SDK's backoff on a loaded machine).
        var ready = System.Net.HttpStatusCode.ServiceUnavailable;
        await Poll.UntilAsync(async () => (ready = (await app.Anonymous().GetAsync("/healthz/ready")).StatusCode) == System.Net.HttpStatusCode.OK, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
        Assert.Equal(System.Net.HttpStatusCode.OK, ready);
    }

    [Fact]
    public async Task TheTablesAreCreated_AsTheHostIsBuilt_BeforeItStarts()
    {
        _azurite = await Azurite.LaunchAsync(_ports.Blob, _ports.Queue, _ports.Table, _location.FullName);
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        await using var app = QualityAward.LocalHost.LocalFunctionsHost.Build(["--urls", "http://127.0.0.1:0", "--environment", "Testing"], b =>
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:ConnectionString"] = ConnectionString, ["Storage:Prefix"] = prefix, ["Durable:Backend"] = "InMemory" }));

        // Never started: the creations began as the services were registered, on the thread pool.
        var tables = new Azure.Data.Tables.TableServiceClient(ConnectionString);
        var created = await Poll.UntilAsync(() => tables.QueryAsync(t => t.Name == prefix + StorageClients.EventsTable).AnyAsync().AsTask(), TimeSpan.FromSeconds(30));
        Assert.True(created, "The events table was not created while the host was built.");
    }

    [Fact]
    public async Task WhereTheDeploymentMadeTheStorage_AStartAsksForNoCreation_AndReadinessNamesWhatIsMissing()
    {
        _azurite = await Azurite.LaunchAsync(_ports.Blob, _ports.Queue, _ports.Table, _location.FullName);
        var logs = new RecordedLogs();
        await using var app = await TestApp.StartAsync(ConnectionString, configure: b =>
        {
            b.Configuration["Storage:CreatedByDeployment"] = "true";
            b.Logging.AddProvider(logs);
        });

        // Nothing made: not ready, and the probe (and the start's log) say what is missing.
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, (await app.Anonymous().GetAsync("/healthz/ready")).StatusCode);
        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains(Telemetry.ReadyTag));
        var missing = $"table {app.Prefix}events does not exist";
        Assert.Contains(missing, Assert.Single(report.Entries).Value.Description, StringComparison.Ordinal);
        var said = await Poll.UntilAsync(() => logs.Entries.Any(e => e.Level == LogLevel.Warning && e.Message.Contains(missing, StringComparison.Ordinal)), TimeSpan.FromSeconds(15));
        Assert.True(said, "The start's storage check did not name the missing table.");
        await Task.Delay(TimeSpan.FromSeconds(1)); // a creation started at start would have made its table by now
        var tables = new Azure.Data.Tables.TableServiceClient(ConnectionString);
        Assert.DoesNotContain(await tables.QueryAsync().ToListAsync(), t => t.Name.StartsWith(app.Prefix, StringComparison.Ordinal));

        // The deployment's part (infra/bicep): every table and container the app declares. Then ready, and a real read answers.
        var needs = StorageNeeds.Of(app.Services);
        var deployment = new StorageClients(Microsoft.Extensions.Options.Options.Create(new StorageOptions { ConnectionString = ConnectionString, Prefix = app.Prefix }));
        await deployment.EnsureCreatedAsync(needs, CancellationToken.None);

        Assert.Equal(System.Net.HttpStatusCode.OK, (await app.Anonymous().GetAsync("/healthz/ready")).StatusCode);
        await (await app.Anonymous().GetAsync("/api/cycles")).ExpectAsync(200);
    }

    [Fact]
    public async Task Start_LoadsNoDataProtectionKeyRing()
    {
        await using var app = await TestApp.StartAsync(ConnectionString);

        Assert.DoesNotContain(app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => s.GetType().FullName == AppServices.KeyRingLoader);
    }

    [Fact]
    public async Task Start_LeavesTheOrchestrationEngineUntilTheAppHasStarted_ThenStartsItUnasked()
    {
        var atStart = new EngineAtStart();
        await using var app = await TestApp.StartAsync(ConnectionString, configure: b => b.Services.AddHostedService(sp => atStart.Watching(sp.GetRequiredService<QualityAward.LocalHost.DurableStart>())));

        // Every hosted service had started (Kestrel listening) and the engine had not been asked for.
        Assert.False(atStart.AskedWhenAllHadStarted);
        // Nothing calls the task hub here: it starts unasked a moment later (timers, orchestrations left running).
        await app.Services.GetRequiredService<QualityAward.LocalHost.DurableStart>().Asked.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Records, once every hosted service has started, whether the local orchestration engine had been asked to start.</summary>
    private sealed class EngineAtStart : Microsoft.Extensions.Hosting.IHostedLifecycleService
    {
        private QualityAward.LocalHost.DurableStart? _engine;

        public bool? AskedWhenAllHadStarted { get; private set; }

        public EngineAtStart Watching(QualityAward.LocalHost.DurableStart engine)
        {
            _engine = engine;
            return this;
        }

        public Task StartedAsync(CancellationToken cancellationToken)
        {
            AskedWhenAllHadStarted = _engine!.Asked.IsCompleted;
            return Task.CompletedTask;
        }

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
