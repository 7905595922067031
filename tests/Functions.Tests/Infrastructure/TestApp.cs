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
                ["Audit:ChainKey"] = ChainKey,
                ["Workflow:RunLocalTriggers"] = runLocalTriggers ? "true" : "false",
                ["Workflow:QueuePollInterval"] = "00:00:00.100",
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

    /// <summary>A client signed in as <paramref name="role"/> (a fresh subject unless given).</summary>
    public HttpClient As(string role, string? subject = null, string? affiliation = null, string? name = null)
    {
        var client = Anonymous();
        var token = DevTokens.Mint(SigningKey, subject ?? $"{role}-{Guid.NewGuid():N}", [role], name ?? role, affiliation, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>
    /// Do what the Functions host does for the queue trigger: deliver every message on the
    /// reactions queue to the <c>Reactions</c> function, deleting it on success. Repeats until the
    /// queue stays empty (reactions can cause more reactions). Returns how many ran.
    /// </summary>
    public async Task<int> DrainReactionsAsync()
    {
        var queue = Storage.Queue(QualityAward.Functions.Storage.StorageClients.ReactionsQueue);
        var ran = 0;
        for (var round = 0; round < 50; round++)
        {
            var messages = (await queue.ReceiveMessagesAsync(32)).Value;
            if (messages.Length == 0)
            {
                return ran;
            }

            foreach (var message in messages)
            {
                await DeliverAsync("Reactions", message.Body.ToString());
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                ran++;
            }
        }

        throw new InvalidOperationException("Reactions kept coming after 50 rounds.");
    }

    /// <summary>
    /// What the Functions host does when it dies after running a reaction and before deleting its
    /// message: the message is delivered again. Delivers every message now on the reactions queue
    /// to the function twice, then deletes it. Returns how many messages were delivered twice;
    /// reactions they cause stay queued for <see cref="DrainReactionsAsync"/>.
    /// </summary>
    public async Task<int> DeliverReactionsTwiceAsync()
    {
        var queue = Storage.Queue(QualityAward.Functions.Storage.StorageClients.ReactionsQueue);
        var messages = (await queue.ReceiveMessagesAsync(32)).Value;
        foreach (var message in messages)
        {
            for (var delivery = 0; delivery < 2; delivery++)
            {
                await DeliverAsync("Reactions", message.Body.ToString());
            }

            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }

        return messages.Length;
    }

    /// <summary>Run a timer function now, as the host does on its schedule. Returns what it reported.</summary>
    public async Task<string> RunTimerAsync(string function)
    {
        var timer = Services.GetRequiredService<FunctionCatalog>().Timers.Single(t => t.Name == function);
        var result = await Services.GetRequiredService<QualityAward.LocalHost.FunctionInvoker>().InvokeTimerAsync(Services, timer, CancellationToken.None);
        return (string)result!;
    }

    /// <summary>Deliver one message to a queue function, as the host does.</summary>
    public Task<object?> DeliverAsync(string function, string message)
    {
        var queue = Services.GetRequiredService<FunctionCatalog>().Queues.Single(q => q.Name == function);
        return Services.GetRequiredService<QualityAward.LocalHost.FunctionInvoker>().InvokeQueueAsync(Services, queue, message, CancellationToken.None);
    }

    /// <summary>Fire the due workflow timers (the <c>Timers</c> function). Returns its report.</summary>
    public Task<string> FireTimersAsync() => RunTimerAsync("Timers");

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
