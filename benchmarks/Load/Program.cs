using static QualityAward.Benchmarks.Harness;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using QualityAward.Functions.Hosting;

// Load harness (issue 8): the app as its own process on loopback, Azurite on disk, driven by a
// bounded .NET load generator (fixed request counts, fixed concurrency, a hard time limit) and,
// when /usr/bin/wrk is installed, by wrk against /healthz (the ceiling) and a read endpoint.
//
//   dotnet run -c Release --project benchmarks/Load -- [--apps 60] [--reads 400] [--concurrency 8] [--wrk-seconds 10]
var options = Options.Parse(args);
var root = FindRoot();
var work = Directory.CreateTempSubdirectory("qa-load-bench-");
const string key = "benchmark-signing-key-0123456789abcdefghij";
using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
Process? azurite = null, app = null;
try
{
    var appPort = FreePort();
    (azurite, var blobPort, var queuePort, var tablePort) = await StartAzuriteAsync(root, Path.Combine(work.FullName, "azurite"));
    var connection = AzuriteConnection(blobPort, queuePort, tablePort);

    app = Start(Path.Combine(AppContext.BaseDirectory, "QualityAward.LocalHost"), AppContext.BaseDirectory, new Dictionary<string, string>
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Testing", // the local host takes the development key in Development and Testing only
        ["Storage__ConnectionString"] = connection,
        ["Auth__DevSigningKey"] = key,
        ["Audit__ChainKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)),
        ["Certificates__PublicBaseUrl"] = "http://127.0.0.1",
        ["Logging__LogLevel__Default"] = "Warning",
    }, "--urls", $"http://127.0.0.1:{appPort}");
    await WaitForPortAsync(appPort);
    var baseUrl = $"http://127.0.0.1:{appPort}";

    using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
    using var http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
    var year = DateTime.UtcNow.Year;
    var cycleId = $"weihai-{year}";
    var office = Bearer("office", "load-office");
    using (var open = Request(HttpMethod.Post, "/api/cycles", office, JsonContent.Create(new
    {
        policyId = "weihai",
        year,
        submissionOpensOn = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        submissionClosesOn = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8).AddDays(20)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    })))
    {
        await EnsureAsync(await http.SendAsync(open, deadline.Token));
    }

    // Warm-up: JIT, connection pool, table creation; not measured.
    var warm = await SubmitOneAsync(http, cycleId, "load-warmup", null, deadline.Token);

    // 1. Applications submitted per second: draft, save form, upload the report, submit.
    var timings = new ConcurrentDictionary<string, ConcurrentBag<double>>();
    var submitted = new ConcurrentBag<(string Id, string Subject)>();
    var failures = new ConcurrentBag<string>();
    var write = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, options.Apps), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = deadline.Token }, async (i, ct) =>
    {
        var subject = $"load-applicant-{i:0000}";
        try
        {
            submitted.Add((await SubmitOneAsync(http, cycleId, subject, timings, ct), subject));
        }
        catch (HttpRequestException ex)
        {
            failures.Add(ex.Message);
        }
    });
    write.Stop();

    // 2. Reads, each a fixed number of requests at the same concurrency.
    var owners = submitted.ToArray();
    var reads = new (string Name, Func<int, HttpRequestMessage> Make)[]
    {
        ("GET /healthz (ceiling)", _ => Request(HttpMethod.Get, "/healthz", null)),
        ("GET /api/cycles/{id}", _ => Request(HttpMethod.Get, $"/api/cycles/{cycleId}", null)),
        ("GET /api/applications/{id}", i => Request(HttpMethod.Get, $"/api/applications/{owners[i % owners.Length].Id}", Bearer("applicant", owners[i % owners.Length].Subject))),
    };
    var readRates = new Dictionary<string, double>();
    foreach (var (name, make) in reads)
    {
        var bag = timings.GetOrAdd(name, _ => []);
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, owners.Length == 0 ? 0 : options.Reads), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = deadline.Token }, async (i, ct) =>
        {
            using var request = make(i);
            bag.Add(await TimeAsync(http, request, ct));
        });
        readRates[name] = options.Reads / clock.Elapsed.TotalSeconds;
    }

    Console.WriteLine();
    Console.WriteLine($"Load: {options.Apps} applications at concurrency {options.Concurrency}, {options.Reads} requests per read endpoint; Azurite on disk; {Environment.ProcessorCount} cores");
    Console.WriteLine($"Applications submitted: {submitted.Count} of {options.Apps} in {write.Elapsed.TotalSeconds:0.0} s = {submitted.Count / write.Elapsed.TotalSeconds:0.0} applications/s (4 requests each); failures: {failures.Count}");
    foreach (var f in failures.Take(3))
    {
        Console.WriteLine($"  failure: {f}");
    }

    Console.WriteLine();
    Console.WriteLine("| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms |");
    Console.WriteLine("|---|---|---|---|---|---|");
    foreach (var name in new[] { "GET /healthz (ceiling)", "GET /api/cycles/{id}", "GET /api/applications/{id}", "POST /api/cycles/{id}/applications", "PUT /api/applications/{id}/form", "POST /api/applications/{id}/documents (16 KiB)", "POST /api/applications/{id}/submit" })
    {
        if (timings.TryGetValue(name, out var bag) && !bag.IsEmpty)
        {
            var sorted = bag.Order().ToArray();
            var rate = readRates.TryGetValue(name, out var r) ? r.ToString("0", CultureInfo.InvariantCulture) : "—";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {sorted.Length} | {rate} | {Percentile(sorted, 50):0.0} | {Percentile(sorted, 95):0.0} | {Percentile(sorted, 99):0.0} |"));
        }
    }

    // 3. wrk, if installed: the same host, fixed duration, fixed connections.
    if (File.Exists("/usr/bin/wrk") && owners.Length > 0)
    {
        Console.WriteLine();
        Console.WriteLine($"wrk -t2 -c{options.Concurrency * 2} -d{options.WrkSeconds}s --latency");
        foreach (var (name, path, token) in new[] { ("/healthz", "/healthz", (string?)null), ("/api/cycles/{id}", $"/api/cycles/{cycleId}", null), ("/api/applications/{id}", $"/api/applications/{owners[0].Id}", Bearer("applicant", owners[0].Subject)) })
        {
            var wrkArgs = new List<string> { "-t2", $"-c{options.Concurrency * 2}", $"-d{options.WrkSeconds}s", "--latency", "--timeout", "10s" };
            if (token is not null)
            {
                wrkArgs.AddRange(["-H", $"Authorization: Bearer {token}"]);
            }

            wrkArgs.Add(baseUrl + path);
            Console.WriteLine($"| {name} | {await RunWrkAsync(wrkArgs, deadline.Token)} |");
        }
    }

    return failures.IsEmpty && submitted.Count == options.Apps && warm.Length > 0 ? 0 : 1;
}
finally
{
    Stop(app);
    Stop(azurite);
    work.Delete(recursive: true);
}

async Task<string> SubmitOneAsync(HttpClient client, string cycle, string subject, ConcurrentDictionary<string, ConcurrentBag<double>>? timings, CancellationToken ct)
{
    var token = Bearer("applicant", subject);
    using var create = Request(HttpMethod.Post, $"/api/cycles/{cycle}/applications", token, JsonContent.Create(new { category = "organisation" }));
    var (createdMs, created) = await SendAsync(client, create, ct);
    var id = JsonDocument.Parse(created).RootElement.GetProperty("applicationId").GetString()!;
    using var form = Request(HttpMethod.Put, $"/api/applications/{id}/form", token, JsonContent.Create(ExampleForm("weihai-organisation", $"威海负载测试有限公司{subject}")));
    var (formMs, _) = await SendAsync(client, form, ct);
    var pdf = new byte[16 * 1024];
    new Random(id.GetHashCode(StringComparison.Ordinal)).NextBytes(pdf);
    "%PDF-1.7\n"u8.CopyTo(pdf);
    var body = new ByteArrayContent(pdf);
    body.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
    using var upload = Request(HttpMethod.Post, $"/api/applications/{id}/documents?kind=selfAssessmentReport&tradeSecret=false&name=report.pdf", token, body);
    upload.Headers.Add("Idempotency-Key", $"report-{id}");
    var (uploadMs, _) = await SendAsync(client, upload, ct);
    using var submit = Request(HttpMethod.Post, $"/api/applications/{id}/submit", token);
    var (submitMs, _) = await SendAsync(client, submit, ct);
    if (timings is not null)
    {
        timings.GetOrAdd("POST /api/cycles/{id}/applications", _ => []).Add(createdMs);
        timings.GetOrAdd("PUT /api/applications/{id}/form", _ => []).Add(formMs);
        timings.GetOrAdd("POST /api/applications/{id}/documents (16 KiB)", _ => []).Add(uploadMs);
        timings.GetOrAdd("POST /api/applications/{id}/submit", _ => []).Add(submitMs);
    }

    return id;
}

static async Task<(double Ms, string Body)> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken ct)
{
    var clock = Stopwatch.StartNew();
    using var response = await client.SendAsync(request, ct);
    var body = await response.Content.ReadAsStringAsync(ct);
    clock.Stop();
    if (!response.IsSuccessStatusCode)
    {
        throw new HttpRequestException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {body}");
    }

    return (clock.Elapsed.TotalMilliseconds, body);
}

static async Task<double> TimeAsync(HttpClient client, HttpRequestMessage request, CancellationToken ct) => (await SendAsync(client, request, ct)).Ms;

static async Task EnsureAsync(HttpResponseMessage response)
{
    using (response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}

string Bearer(string role, string subject) => DevTokens.Mint(key, subject, [role], subject, null, TimeSpan.FromHours(2), DateTimeOffset.UtcNow);

static HttpRequestMessage Request(HttpMethod method, string path, string? token, HttpContent? content = null)
{
    var request = new HttpRequestMessage(method, path) { Content = content };
    if (token is not null)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    return request;
}

static double Percentile(double[] sorted, int p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100d * sorted.Length) - 1, 0, sorted.Length - 1)];

static async Task<string> RunWrkAsync(List<string> arguments, CancellationToken ct)
{
    var info = new ProcessStartInfo("/usr/bin/wrk") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    arguments.ForEach(info.ArgumentList.Add);
    using var wrk = Process.Start(info)!;
    var output = await wrk.StandardOutput.ReadToEndAsync(ct);
    await wrk.WaitForExitAsync(ct);
    string Find(string prefix) => output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) ?? "?";
    static string Last(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "?";
    var non2xx = Find("Non-2xx");
    return $"req/s {Last(Find("Requests/sec:"))} | p50 {Last(Find("50%"))} | p90 {Last(Find("90%"))} | p99 {Last(Find("99%"))} | {(non2xx == "?" ? "all 2xx" : non2xx)}";
}

/// <summary>Bounded sizes from the command line.</summary>
internal sealed record Options(int Apps, int Reads, int Concurrency, int WrkSeconds)
{
    public static Options Parse(string[] args)
    {
        int Get(string name, int fallback, int max)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? Math.Clamp(int.Parse(args[i + 1], CultureInfo.InvariantCulture), 1, max) : fallback;
        }

        return new Options(Get("--apps", 60, 5000), Get("--reads", 400, 100_000), Get("--concurrency", 8, 256), Get("--wrk-seconds", 10, 60));
    }
}
