using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QualityAward.Domain;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Tests.Hostile;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Hosting;

/// <summary>
/// The anonymous public endpoints are rate limited per client address: a flood of objections,
/// reports or receipt lookups from one address gets 429 with Retry-After and a zh-CN problem, and
/// stores nothing. The address is the right-most untrusted hop: X-Forwarded-For is read only from
/// configured proxies (ForwardedHeaders:KnownProxies/KnownNetworks). TestApp trusts loopback, so
/// the tests play the front end with that header; some tests here trust nothing on loopback.
/// </summary>
[Collection(Serial.Name)]
public sealed class RateLimitTests(Azurite azurite) : IClassFixture<Azurite>
{
    private const int DefaultWrites = 10, DefaultLookups = 30;

    private static HttpClient From(TestApp app, string forwardedFor)
    {
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Add(ClientAddress.ForwardedFor, forwardedFor);
        return client;
    }

    private static object Report(int i) => new { concerning = $"某获奖单位{i}", text = "在产品包装上使用市长质量奖称号。", realName = false };

    [Fact]
    public void TheDefaults_AreTheOnesTheseTestsCount()
    {
        var defaults = new RateLimitOptions();
        Assert.Equal((DefaultWrites, TimeSpan.FromMinutes(10), DefaultLookups, TimeSpan.FromMinutes(10)), (defaults.PublicWritePermits, defaults.PublicWriteWindow, defaults.ReceiptLookupPermits, defaults.ReceiptLookupWindow));
    }

    [Fact]
    public async Task PublicWrites_WithTheDefaultLimits_AreRefusedAfterTheTenth_PerAddress_AndTheRefusalStoresNothing()
    {
        var log = new CapturedLog();
        await using var app = await TestApp.StartAsync(azurite, configure: b => b.Logging.AddProvider(log));
        var flooder = From(app, "203.0.113.5");
        for (var i = 0; i < DefaultWrites; i++)
        {
            await (await flooder.PostJsonAsync("/api/public/reports", Report(i))).ExpectAsync(201);
        }

        var before = await StorageSnapshot.TakeAsync(app);
        var refused = await flooder.PostJsonAsync("/api/public/reports", Report(99));
        var problem = await refused.ExpectAsync(429);

        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(RateLimitGate.Code, problem.Str("code"));
        Assert.Contains("过于频繁", problem.Str("detail"));
        Assert.Equal("请求过于频繁", problem.Str("title"));
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter is { } wait && wait > TimeSpan.Zero && wait <= TimeSpan.FromMinutes(10), $"Retry-After: {refused.Headers.RetryAfter}");

        // The same budget covers objections (with or without files) and the pages' forms: no way round it.
        var objection = await flooder.PostAsync("/api/public/notices/benxi-2026-acceptance/objections", new MultipartFormDataContent { { new StringContent("异议"), "text" } });
        Assert.Equal(HttpStatusCode.TooManyRequests, objection.StatusCode);
        var page = await flooder.PostAsync("/forms/reports", new FormUrlEncodedContent(new Dictionary<string, string> { ["concerning"] = "某公司", ["text"] = "举报" }));
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("请求过于频繁", await page.Content.ReadAsStringAsync());
        Assert.NotNull(page.Headers.RetryAfter);

        // A left-hand X-Forwarded-For entry is the client's own writing: it changes nothing.
        var spoofed = From(app, "198.51.100.77, 203.0.113.5");
        await (await spoofed.PostJsonAsync("/api/public/reports", Report(100))).ExpectAsync(429);

        var difference = (await StorageSnapshot.TakeAsync(app)).DifferenceFrom(before);
        Assert.True(difference.Length == 0, $"refused requests changed storage:\n{difference}");

        // The operator learns who floods, and where.
        var warnings = log.Warnings.Where(w => w.Contains("Rate limit", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, warnings.Count);
        Assert.All(warnings, w => Assert.Contains($"{RateLimitGate.PublicWrites} refused POST", w));
        Assert.All(warnings, w => Assert.Contains("from client 203.0.113.5", w)); // the spoofed left entry is not who it was
        Assert.All(warnings, w => Assert.Contains("block the address", w));
        Assert.Equal(2, warnings.Count(w => w.Contains("/api/public/reports", StringComparison.Ordinal)));

        // Another address has its own budget; the flooder may still look up receipts (another policy).
        await (await From(app, "203.0.113.6").PostJsonAsync("/api/public/reports", Report(101))).ExpectAsync(201);
        await (await flooder.PostJsonAsync("/api/public/reports/lookup", new { receiptCode = "ABCDEFGHJKMN" })).ExpectAsync(404);
    }

    [Fact]
    public async Task ReceiptLookups_WithTheDefaultLimits_AreRefusedAfterTheThirtieth_OnTheApiAndThePages()
    {
        await using var app = await TestApp.StartAsync(azurite);
        var guesser = From(app, "192.0.2.44");
        for (var i = 0; i < DefaultLookups; i++)
        {
            var path = (i % 2 == 0) ? "/api/public/objections/lookup" : "/api/public/reports/lookup";
            await (await guesser.PostJsonAsync(path, new { receiptCode = $"ABCDEFGHJK{(char)('A' + (i % 20))}N" })).ExpectAsync(404);
        }

        var problem = await (await guesser.PostJsonAsync("/api/public/objections/lookup", new { receiptCode = "ABCDEFGHJKMN" })).ExpectAsync(429);
        Assert.Equal(RateLimitGate.Code, problem.Str("code"));
        var page = await guesser.PostAsync("/forms/objections/lookup", new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = "ABCDEFGHJKMN" }));
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.Contains("lang=\"zh-CN\"", await page.Content.ReadAsStringAsync());

        // Filing is another budget.
        await (await guesser.PostJsonAsync("/api/public/reports", Report(0))).ExpectAsync(201);
    }

    [Fact]
    public async Task PublicWrites_AreFreeAgain_OnceTheWindowHasPassed()
    {
        await using var app = await TestApp.StartAsync(azurite, configure: b => b.Configuration["RateLimits:PublicWriteWindow"] = "00:00:02");
        var client = From(app, "203.0.113.9");

        // Refused bodies count as much as accepted ones (the limit runs before the body is read), and cost nothing to send.
        for (var i = 0; i < DefaultWrites; i++)
        {
            await (await client.PostAsync("/api/public/reports", new StringContent("null", Encoding.UTF8, "application/json"))).ExpectAsync(400);
        }

        var refused = await client.PostJsonAsync("/api/public/reports", Report(0));
        await refused.ExpectAsync(429);
        Assert.True(refused.Headers.RetryAfter?.Delta <= TimeSpan.FromSeconds(2), $"Retry-After: {refused.Headers.RetryAfter}");

        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpResponseMessage again;
        do
        {
            await Task.Delay(250);
            again = await client.PostJsonAsync("/api/public/reports", Report(1));
        }
        while (again.StatusCode == HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline);

        await again.ExpectAsync(201);
    }

    [Fact]
    public async Task Downloads_AreLimitedPerSignedInCaller_NotPerAddress()
    {
        var log = new CapturedLog();
        await using var app = await TestApp.StartAsync(azurite, configure: b =>
        {
            b.Configuration["RateLimits:DownloadPermits"] = "3";
            b.Configuration["RateLimits:DownloadWindow"] = "01:00:00";
            b.Logging.AddProvider(log);
        });
        await (await app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);
        var owner = app.As(Roles.Applicant, subject: "applicant-dl");
        var id = (await (await owner.PostJsonAsync("/api/cycles/weihai-2026/applications", new { category = "organisation" })).ExpectAsync(201)).Str("applicationId");
        var upload = new HttpRequestMessage(HttpMethod.Post, $"/api/applications/{id}/documents?kind=evidence&tradeSecret=false&name=a.pdf")
        {
            Content = new ByteArrayContent(Encoding.ASCII.GetBytes("%PDF-1.4\n" + new string('d', 2000))),
        };
        var documentId = (await (await owner.SendAsync(upload)).ExpectAsync(201)).Str("documentId");
        var file = $"/api/applications/{id}/documents/{documentId}";

        for (var i = 0; i < 3; i++)
        {
            (await owner.GetAsync(file)).EnsureSuccessStatusCode();
        }

        var refused = await owner.GetAsync(file);
        Assert.Equal(RateLimitGate.Code, (await refused.ExpectAsync(429)).Str("code"));
        Assert.NotNull(refused.Headers.RetryAfter);

        // Another address does not help the same caller; another caller has a budget of their own.
        var elsewhere = app.As(Roles.Applicant, subject: "applicant-dl");
        elsewhere.DefaultRequestHeaders.Add(ClientAddress.ForwardedFor, "198.51.100.77");
        await (await elsewhere.GetAsync(file)).ExpectAsync(429);
        (await app.As(Roles.Office, subject: "office-dl").GetAsync(file)).EnsureSuccessStatusCode();

        var warning = Assert.Single(log.Warnings, w => w.Contains("Rate limit downloads", StringComparison.Ordinal) && w.Contains("198.51.100.77", StringComparison.Ordinal));
        Assert.Contains("signed-in caller applicant-dl", warning);
    }

    [Fact]
    public async Task Start_WithAZeroLimit_Fails()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() =>
            TestApp.StartAsync(azurite, configure: b => b.Configuration["RateLimits:PublicWritePermits"] = "0"));

        Assert.Contains("PublicWritePermits", failure.Message);
    }

    [Theory]
    // Loopback (playing the Functions host) trusted: the right-most entry, the one the front end appended.
    [InlineData("front", "127.0.0.1", "198.51.100.1, 203.0.113.7", "203.0.113.7")]
    // With the client's port, as Azure's front end writes it.
    [InlineData("front", "127.0.0.1", "203.0.113.7:51234", "203.0.113.7")]
    // IPv6 with a port, counted by its /64.
    [InlineData("front", "::1", "[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::/64")]
    // An IPv4-mapped loopback connection is loopback too.
    [InlineData("front", "::ffff:127.0.0.1", "203.0.113.7", "203.0.113.7")]
    // A right-most entry that is no address: nothing to its left is trusted instead.
    [InlineData("front", "127.0.0.1", "203.0.113.7, not-an-address", "127.0.0.1")]
    // No header: the connection itself.
    [InlineData("front", "127.0.0.1", null, "127.0.0.1")]
    // A direct connection from an untrusted address: its header is the client's own and is ignored.
    [InlineData("front", "198.51.100.20", "203.0.113.7", "198.51.100.20")]
    // Behind Azure Front Door (its back-end network trusted): walk over its hop to the client it appended.
    [InlineData("front", "127.0.0.1", "198.51.100.1, 203.0.113.7, 147.243.2.10:1234", "203.0.113.7")]
    // In the worker, the ASP.NET Core integration has already taken the front end's entry: the connection is Front Door.
    [InlineData("front", "147.243.2.10", "198.51.100.1, 203.0.113.7", "203.0.113.7")]
    // Every hop trusted: the left-most reached.
    [InlineData("front", "127.0.0.1", "147.243.2.10", "147.243.2.10")]
    // Nothing trusted (the default): loopback is no exception, the header changes nothing (issue 17, item 5).
    [InlineData("none", "127.0.0.1", "203.0.113.7", "127.0.0.1")]
    [InlineData("none", "::1", "203.0.113.7", "::1")]
    public void ClientAddress_IsTheRightMostUntrustedHop(string trust, string connection, string? forwardedFor, string expected)
    {
        var settings = trust == "front"
            ? new ForwardedHeadersSettings { KnownProxies = ["127.0.0.1", "::1"], KnownNetworks = ["147.243.0.0/16"] }
            : new ForwardedHeadersSettings();
        var http = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddSingleton(new TrustedProxies(Options.Create(settings))).BuildServiceProvider(),
        };
        http.Connection.RemoteIpAddress = IPAddress.Parse(connection);
        if (forwardedFor is not null)
        {
            http.Request.Headers[ClientAddress.ForwardedFor] = forwardedFor;
        }

        Assert.Equal(expected, ClientAddress.Of(http));
    }

    [Fact]
    public async Task ForwardedFor_FromAnUntrustedHop_IsIgnored_RotatingItStillGets429()
    {
        // Loopback is not a trusted proxy here (only an unrelated address is): the tests' client is a client.
        await using var app = await TestApp.StartAsync(azurite, configure: b => b.Configuration["ForwardedHeaders:KnownProxies:0"] = "192.0.2.254");
        for (var i = 0; i < DefaultWrites; i++)
        {
            await (await From(app, $"203.0.113.{i + 1}").PostJsonAsync("/api/public/reports", Report(i))).ExpectAsync(201);
        }

        var refused = await From(app, "203.0.113.200").PostJsonAsync("/api/public/reports", Report(99));
        Assert.Equal(RateLimitGate.Code, (await refused.ExpectAsync(429)).Str("code"));
    }

    [Fact]
    public async Task ForwardedFor_ThroughATrustedFrontDoor_CountsTheClientItAppended_NotWhatTheClientWrote()
    {
        // The tests' loopback plays the Functions host; 147.243.0.0/16 plays Front Door's back end.
        await using var app = await TestApp.StartAsync(azurite, configure: b => b.Configuration["ForwardedHeaders:KnownNetworks:0"] = "147.243.0.0/16");
        for (var i = 0; i < DefaultWrites; i++)
        {
            // The client rotates what it writes; Front Door appends its real address, then its own hop follows.
            await (await From(app, $"198.51.100.{i + 1}, 203.0.113.5, 147.243.2.10:4431").PostJsonAsync("/api/public/reports", Report(i))).ExpectAsync(201);
        }

        await (await From(app, "198.51.100.200, 203.0.113.5, 147.243.2.11:4431").PostJsonAsync("/api/public/reports", Report(99))).ExpectAsync(429);

        // Another client through the same Front Door has a budget of its own: the header is honoured.
        await (await From(app, "203.0.113.6, 147.243.2.10:4431").PostJsonAsync("/api/public/reports", Report(100))).ExpectAsync(201);
    }

    [Fact]
    public async Task Start_WithAForwardedNetworkThatIsNoNetwork_Fails()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() =>
            TestApp.StartAsync(azurite, configure: b => b.Configuration["ForwardedHeaders:KnownNetworks:0"] = "147.243.0.0/99"));

        Assert.Contains("ForwardedHeaders:KnownNetworks", failure.Message);
    }

    /// <summary>Keeps the app's warnings.</summary>
    private sealed class CapturedLog : ILoggerProvider, ILogger
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _warnings = new();

        public IReadOnlyList<string> Warnings => [.. _warnings];

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                _warnings.Enqueue(formatter(state, exception));
            }
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public void ClientAddress_ReadsTheLastOfSeveralForwardedHeaders()
    {
        var http = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddSingleton(new TrustedProxies(Options.Create(new ForwardedHeadersSettings { KnownProxies = ["127.0.0.1"] }))).BuildServiceProvider(),
        };
        http.Connection.RemoteIpAddress = IPAddress.Loopback;
        http.Request.Headers[ClientAddress.ForwardedFor] = new Microsoft.Extensions.Primitives.StringValues(["198.51.100.1", "203.0.113.8"]);

        Assert.Equal("203.0.113.8", ClientAddress.Of(http));
    }
}
