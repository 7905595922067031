using Microsoft.AspNetCore.Hosting;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.DurableTask.Client;
using QualityAward.Domain;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Tests.Infrastructure;

/// <summary>
/// The real app — the function app's own functions, run by the local host (tools/LocalHost, the
/// stand-in for the Functions host) — on a free loopback port,
/// against the shared Azurite under a storage prefix of its own, with a fake clock. Tests talk to
/// it over real HTTP.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public const string SigningKey = "qualityaward-test-signing-key-0123456789abcdef";

    /// <summary>The audit chain key every test app uses (Audit:ChainKey): base64 of 48 fixed bytes.</summary>
    public static readonly string ChainKey = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("qualityaward-test-audit-chain-key-0123456789abcd"));

    private readonly WebApplication _app;

    private readonly DocumentedRefusals _refusals;

    private TestApp(WebApplication app, FakeTimeProvider clock, string prefix, Uri address)
    {
        _app = app;
        Clock = clock;
        Prefix = prefix;
        Address = address;
        _refusals = new DocumentedRefusals(app.Services);
    }

    public FakeTimeProvider Clock { get; }

    public string Prefix { get; }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public StorageClients Storage => Services.GetRequiredService<StorageClients>();

    /// <summary>
    /// Start an app. <paramref name="now"/> is the fake clock's start (default Mon 2026-03-02 09:00 Shanghai).
    /// <paramref name="environment"/> is the host environment (fixed when the builder is created: a configure callback cannot change it).
    /// </summary>
    public static Task<TestApp> StartAsync(Azurite azurite, DateTimeOffset? now = null, bool runLocalTriggers = false, string? prefix = null, Action<WebApplicationBuilder>? configure = null, string environment = "Testing") =>
        StartAsync(azurite.ConnectionString, now, runLocalTriggers, prefix, configure, environment);

    /// <summary>Start an app on any storage account (a fault test's own Azurite).</summary>
    public static async Task<TestApp> StartAsync(string connectionString, DateTimeOffset? now = null, bool runLocalTriggers = false, string? prefix = null, Action<WebApplicationBuilder>? configure = null, string environment = "Testing")
    {
        var clock = new FakeTimeProvider(now ?? new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8)));
        prefix ??= "t" + Guid.NewGuid().ToString("N")[..12];
        var app = QualityAward.LocalHost.LocalFunctionsHost.Build(["--urls", "http://127.0.0.1:0", "--environment", environment], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:ConnectionString"] = connectionString,
                ["Storage:Prefix"] = prefix,
                ["Auth:DevSigningKey"] = SigningKey,
                // Tests connect from loopback and play the front end with X-Forwarded-For (each
                // objector its own address). RateLimitTests start apps where loopback is not trusted.
                ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
                ["Audit:ChainKey"] = ChainKey,
                ["Rehearsals:Allowed"] = "true",
                ["Certificates:PublicBaseUrl"] = "http://127.0.0.1:7071",
                // Each preset's office contact: a notice is published only with an objection channel.
                ["Offices:weihai:Address"] = "威海市示例路1号 质量奖办公室",
                ["Offices:weihai:Telephone"] = "0000-1234567",
                ["Offices:weihai:Email"] = "award-office@weihai.example.gov.cn",
                ["Offices:benxi:Address"] = "本溪市示例路1号 质量奖办公室",
                ["Offices:benxi:Telephone"] = "0000-1234567",
                ["Offices:benxi:Email"] = "award-office@benxi.example.gov.cn",
                ["Offices:changde:Address"] = "常德市示例路1号 质量奖办公室",
                ["Offices:changde:Telephone"] = "0000-1234567",
                ["Offices:changde:Email"] = "award-office@changde.example.gov.cn",
                ["Offices:jinan:Address"] = "济南市示例路1号 质量奖办公室",
                ["Offices:jinan:Telephone"] = "0000-1234567",
                ["Offices:jinan:Email"] = "award-office@jinan.example.gov.cn",
                ["Offices:xinzhou:Address"] = "忻州市示例路1号 质量奖办公室",
                ["Offices:xinzhou:Telephone"] = "0000-1234567",
                ["Offices:xinzhou:Email"] = "award-office@xinzhou.example.gov.cn",
                ["Workflow:RunLocalTriggers"] = runLocalTriggers ? "true" : "false",
                // Orchestrations in memory unless a test asks for the Azure Storage provider on Azurite
                // (DurableOnAzurite): most tests never restart their app.
                ["Durable:Backend"] = "InMemory",
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:QualityAward"] = "Warning",
            });
            builder.Services.AddSingleton<TimeProvider>(clock);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestApp(app, clock, prefix, new Uri(address));
    }

    /// <summary>
    /// For tests that need volume on the anonymous public endpoints (a catalogue, the access
    /// matrix): limits no test reaches. Every other test runs with the app's default limits.
    /// </summary>
    public static void GenerousRateLimits(WebApplicationBuilder builder) =>
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RateLimits:PublicWritePermits"] = "100000",
            ["RateLimits:ReceiptLookupPermits"] = "100000",
        });

    /// <summary>
    /// Orchestrations on the Durable Task Framework's Azure Storage provider over the test's Azurite
    /// (as scripts/run.sh runs them), polled briskly, with leases and work items a killed app held
    /// released within seconds: for tests that kill the app and start it again.
    /// </summary>
    public static void DurableOnAzurite(WebApplicationBuilder builder) =>
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Durable:Backend"] = "AzureStorage",
            ["Durable:MaxQueuePollingInterval"] = "00:00:00.200",
            ["Durable:WorkItemVisibilityTimeout"] = "00:00:10",
            ["Durable:LeaseInterval"] = "00:00:06",
        });

    /// <summary>
    /// The local mailbox as scripts/run.sh sets it up, for an app listening on <paramref name="port"/>
    /// (chosen first): Graph's endpoint and the reply links on the app itself; each department's
    /// address from <paramref name="departments"/> (department name in any case → mail address).
    /// </summary>
    public static void LocalMailbox(WebApplicationBuilder builder, int port, IReadOnlyDictionary<string, string> departments, string signingKey)
    {
        var self = $"http://127.0.0.1:{port}";
        builder.WebHost.UseUrls(self);
        var settings = new Dictionary<string, string?>
        {
            ["LocalMailbox:Enabled"] = "true",
            ["Graph:BaseUrl"] = self + "/_mailbox/graph/v1.0",
            ["Graph:Credential"] = "Anonymous",
            ["Consultations:Mailbox"] = "award-office@example.gov.cn",
            ["Consultations:OfficeEmail"] = "office@example.gov.cn",
            ["Consultations:ReplyBaseUrl"] = self,
            ["Consultations:SigningKey"] = signingKey,
        };
        foreach (var (department, email) in departments)
        {
            var key = Enum.GetNames<QualityAward.Domain.Policies.Department>().Single(n => n.Equals(department, StringComparison.OrdinalIgnoreCase));
            settings[$"Consultations:Departments:{key}:Email"] = email;
        }

        builder.Configuration.AddInMemoryCollection(settings);
    }

    public DurableTaskClient Durable => Services.GetRequiredService<DurableTaskClient>();

    /// <summary>
    /// Let the orchestrations catch up: tell every running one that the clock moved, and wait until
    /// each has either finished or is waiting again having taken that in (its status shows it).
    /// Deterministic, unlike waiting for quiet: what it waits for is each orchestration's own answer.
    /// </summary>
    public async Task SettleAsync(TimeSpan? timeout = null)
    {
        var token = Services.GetRequiredService<QualityAward.Functions.Workflow.ClockEpoch>().Advance();
        var told = await QualityAward.Functions.Workflow.Orchestrations.ClockMovedAsync(Durable, token, CancellationToken.None);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        var pending = told.ToList();
        while (pending.Count > 0)
        {
            var still = new List<string>();
            foreach (var id in pending)
            {
                var instance = await Durable.GetInstanceAsync(id, getInputsAndOutputs: true);
                if (instance is null || instance.RuntimeStatus is not (OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending))
                {
                    continue;
                }

                var seen = instance.SerializedCustomStatus is { } status
                    ? JsonSerializer.Deserialize<QualityAward.Functions.Workflow.WaitingFor>(status, Json.Options)?.Seen
                    : null;
                if (seen is null || seen < token)
                {
                    still.Add(id);
                }
            }

            if (still.Count == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                var states = new List<string>();
                foreach (var id in still)
                {
                    var instance = await Durable.GetInstanceAsync(id, getInputsAndOutputs: true);
                    states.Add($"{id} {instance?.RuntimeStatus} status {instance?.SerializedCustomStatus} (clock move {token})");
                }

                throw new TimeoutException($"Orchestrations did not settle: {string.Join("; ", states)}");
            }

            pending = still;
            await Task.Delay(25);
        }
    }

    /// <summary>Wait for an orchestration to finish; fails with its status if it does not, or if it failed.</summary>
    public async Task<OrchestrationMetadata> WaitForOrchestrationAsync(string instanceId, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            var done = await Durable.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cts.Token);
            Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{instanceId} ended {done.RuntimeStatus}: {done.FailureDetails?.ErrorMessage}");
            return done;
        }
        catch (OperationCanceledException)
        {
            var instance = await Durable.GetInstanceAsync(instanceId, getInputsAndOutputs: true);
            throw new TimeoutException($"{instanceId} did not finish: {instance?.RuntimeStatus} {instance?.SerializedCustomStatus}");
        }
    }

    /// <summary>A client signed in as <paramref name="role"/> (a fresh subject unless given).</summary>
    public HttpClient As(string role, string? subject = null, string? affiliation = null, string? name = null)
    {
        var client = Anonymous();
        var token = DevTokens.Mint(SigningKey, subject ?? $"{role}-{Guid.NewGuid():N}", [role], name ?? role, affiliation, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Run a timer function now, as the host does on its schedule. Returns what it reported.</summary>
    public async Task<string> RunTimerAsync(string function)
    {
        var timer = Services.GetRequiredService<FunctionCatalog>().Timers.Single(t => t.Name == function);
        var result = await Services.GetRequiredService<QualityAward.LocalHost.FunctionInvoker>().InvokeTimerAsync(Services, timer, CancellationToken.None);
        return (string)result!;
    }

    /// <summary>Run the <c>AuditAnchor</c> timer function. Returns 200 and its report, or 500 and the failure's message.</summary>
    public async Task<(int Status, string Log)> FireAuditAnchorAsync()
    {
        try
        {
            return (200, await RunTimerAsync("AuditAnchor"));
        }
        catch (Exception ex)
        {
            return (500, $"AuditAnchor failed: {ex.Message}");
        }
    }

    /// <summary>Run the <c>UploadSweep</c> timer function. Returns its report.</summary>
    public Task<string> FireUploadSweepAsync() => RunTimerAsync("UploadSweep");

    public HttpClient Anonymous() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Stop at once, as a crash would: requests in flight are aborted, not waited for.</summary>
    public async Task KillAsync()
    {
        _refusals.Dispose();
        await _app.StopAsync(new CancellationToken(canceled: true));
        await _app.DisposeAsync();
    }

    /// <summary>
    /// Stops the app, then fails if any function answered a problem code its OpenAPI description
    /// does not list: every host test checks the document against what really happened.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        var undocumented = _refusals.Undocumented();
        _refusals.Dispose();
        await _app.DisposeAsync();
        Assert.True(undocumented.Count == 0, "Answers the OpenAPI document does not list (add them to the function's [Refuses]):\n" + string.Join("\n", undocumented));
    }
}

public static class Json
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task<JsonElement> ReadAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new Xunit.Sdk.XunitException($"Not JSON ({(int)response.StatusCode}): {text}");
        }
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) =>
        client.PostAsJsonAsync(url, body, Options);

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, object body) =>
        client.PutAsJsonAsync(url, body, Options);

    /// <summary>Assert the status, showing the body when it differs.</summary>
    public static async Task<JsonElement> ExpectAsync(this HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;
}
