using static QualityAward.Benchmarks.Harness;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using QualityAward.Benchmarks.StorageRequests;
using QualityAward.Functions.Hosting;

// Storage-request harness (issue 20, item 1): Azurite on disk, a counting proxy in front of its
// three ports, the app as its own process given the proxy's endpoints (orchestrations on the
// Durable Task SDK's in-memory backend, so the task hub's own polling never reaches storage; the
// timers off, so nothing periodic runs). Each operation runs alone: the proxy settles (no storage
// request for --quiet-ms), its counters are cleared, the command is sent, the proxy settles again —
// the count is the command's own requests plus the background work it started.
//
//   dotnet run -c Release --project benchmarks/StorageRequests -- [--quick] [--quiet-ms 1000]
//
// With --cold-start [--runs 5] [--portable] it measures issue 20 item 5 instead (see ColdStart).
//   dotnet run -c Release --project benchmarks/StorageRequests -- --cold-start
if (args.Contains("--cold-start"))
{
    var at = Array.IndexOf(args, "--runs");
    return await ColdStart.RunAsync(at >= 0 && at + 1 < args.Length ? Math.Clamp(int.Parse(args[at + 1], CultureInfo.InvariantCulture), 1, 20) : 5, readyToRun: !args.Contains("--portable"));
}

var quick = args.Contains("--quick");
var quiet = TimeSpan.FromMilliseconds(Option("--quiet-ms", quick ? 600 : 1000));
var rankingSizes = quick ? new[] { 20 } : [20, 200];
var root = FindRoot();
var work = Directory.CreateTempSubdirectory("qa-count-bench-");
const string key = "benchmark-signing-key-0123456789abcdefghij";
using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(quick ? 2 : 10));
Process? azurite = null, app = null;
await using var proxy = new CountingProxy();
var rows = new List<Row>();
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
var chinaToday = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
var year = chinaToday.Year;
var office = Bearer("office", "count-office", null);
var weihai = $"weihai-{year}";
var benxi = $"benxi-{year}";
var weihaiRecommender = Bearer("recommender", "count-recommender-huancui", "371000:huancui");
var benxiRecommender = Bearer("recommender", "count-recommender-pingshan", "210500:pingshan");
try
{
    var appPort = FreePort();
    (azurite, var blobPort, var queuePort, var tablePort) = await StartAzuriteAsync(root, Path.Combine(work.FullName, "azurite"));
    var (proxyBlob, proxyQueue, proxyTable) = (FreePort(), FreePort(), FreePort());
    proxy.Add("blob", proxyBlob, blobPort);
    proxy.Add("queue", proxyQueue, queuePort);
    proxy.Add("table", proxyTable, tablePort);
    var connection = AzuriteConnection(proxyBlob, proxyQueue, proxyTable);

    var appStarted = Stopwatch.StartNew();
    app = Start(Path.Combine(AppContext.BaseDirectory, "QualityAward.LocalHost"), AppContext.BaseDirectory, new Dictionary<string, string>
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Testing", // the local host takes the development key in Development and Testing only
        ["Storage__ConnectionString"] = connection,
        ["Auth__DevSigningKey"] = key,
        ["Audit__ChainKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)),
        ["Certificates__PublicBaseUrl"] = "http://127.0.0.1",
        ["Durable__Backend"] = "InMemory", // the task hub's polling stays off the storage account
        ["Workflow__RunLocalTriggers"] = "false", // no timer runs in the middle of a measurement
        ["Logging__LogLevel__Default"] = "Warning",
        // A notice must name where objections go (notice.objection-channel-missing otherwise).
        ["Offices__benxi__Address"] = "本溪市平山区人民路1号",
        ["Offices__benxi__Telephone"] = "024-42800000",
        ["Offices__benxi__Email"] = "quality@benxi.example.cn",
        ["Offices__weihai__Address"] = "威海市环翠区新威路1号",
        ["Offices__weihai__Telephone"] = "0631-5200000",
        ["Offices__weihai__Email"] = "quality@weihai.example.cn",
        ["Rehearsals__Allowed"] = "true", // the draft → award path runs on a rehearsal's clock
    }, "--urls", $"http://127.0.0.1:{appPort}");
    await WaitForPortAsync(appPort);
    var startup = proxy.Snapshot();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"App listening after {appStarted.Elapsed.TotalMilliseconds:0} ms; storage requests before it listened: {startup.Values.Sum()} ({Breakdown(startup)})"));

    http.BaseAddress = new Uri($"http://127.0.0.1:{appPort}");
    await SendAsync(HttpMethod.Post, "/api/cycles", office, Json(new { policyId = "weihai", year, submissionOpensOn = Day(chinaToday), submissionClosesOn = Day(chinaToday.AddDays(20)) }), 201);
    await SendAsync(HttpMethod.Post, "/api/cycles", office, Json(new { policyId = "benxi", year, submissionOpensOn = Day(chinaToday), submissionClosesOn = Day(chinaToday.AddDays(20)), acknowledgeWarnings = true }), 201);

    // Warm-up, not counted: JIT, first writes to each table, one whole path.
    var warm = await WeihaiAcceptedAsync("count-warm", 0);

    // The Weihai path, one command at a time.
    var subject = "count-applicant-1";
    var applicant = Bearer("applicant", subject, null);
    string id = string.Empty;
    await MeasureAsync("create draft", 6, async () => id = (await SendAsync(HttpMethod.Post, $"/api/cycles/{weihai}/applications", applicant, Json(new { category = "organisation" }), 201)).GetProperty("applicationId").GetString()!);
    await MeasureAsync("save form", 6, () => SendAsync(HttpMethod.Put, $"/api/applications/{id}/form", applicant, Json(ExampleForm("weihai-organisation", $"威海计数测试有限公司{subject}")), 200));
    await MeasureAsync("upload a 16 KiB PDF", 9, () => UploadAsync(id, applicant));
    await MeasureAsync("submit", 8, () => SendAsync(HttpMethod.Post, $"/api/applications/{id}/submit", applicant, null, 200));
    await MeasureAsync("recommend", 6, () => SendAsync(HttpMethod.Post, $"/api/applications/{id}/recommend", weihaiRecommender, Json(new { opinion = "同意推荐。" }), 200));
    await MeasureAsync("opinion survey (not in the issue's table)", null, () => SendAsync(HttpMethod.Post, $"/api/applications/{id}/opinion-survey", office, Json(new { favourable = true, summary = "未发现负面舆情" }), 200));
    await MeasureAsync("accept", 8, () => SendAsync(HttpMethod.Post, $"/api/applications/{id}/accept", office, Json(new { }), 200));

    // The same seven commands in one measurement.
    await MeasureAsync("**draft → accepted (Weihai, 7 commands)**", 49, () => WeihaiAcceptedAsync("count-applicant-2", 2));

    // Review: a panel of three, the accepted application assigned for the material review.
    foreach (var expert in new[] { "exp-1", "exp-2", "exp-3" })
    {
        await SendAsync(HttpMethod.Post, "/api/experts", office, Json(new { expertId = expert, name = $"专家{expert}", employer = "山东大学（威海）", field = "卓越绩效管理", industryCodes = new[] { "C3670" }, contact = "0631-5200000" }), 201);
    }

    await SendAsync(HttpMethod.Post, $"/api/cycles/{weihai}/panels", office, Json(new { panelId = "panel-1", name = "评审组一", members = new[] { "exp-1", "exp-2", "exp-3" }, leader = "exp-1" }), 201);
    await SendAsync(HttpMethod.Post, $"/api/cycles/{weihai}/assignments", office, Json(new { applicationId = id, stage = "materialReview", panelId = "panel-1" }), 200);
    await SendAsync(HttpMethod.Post, $"/api/cycles/{weihai}/assignments", office, Json(new { applicationId = warm, stage = "materialReview", panelId = "panel-1" }), 200);
    var items = await SheetAsync();
    var reviewer = Bearer("reviewer", "exp-1", null);
    await SendAsync(HttpMethod.Get, $"/api/applications/{warm}", reviewer, null, 200); // warm-up
    await SendAsync(HttpMethod.Post, $"/api/applications/{warm}/reviews/materialReview/scores", reviewer, Json(new { items }), 200); // warm-up
    await MeasureAsync("a reviewer opening an application", 4, () => SendAsync(HttpMethod.Get, $"/api/applications/{id}", reviewer, null, 200));
    await MeasureAsync("a reviewer's scores", 6, () => SendAsync(HttpMethod.Post, $"/api/applications/{id}/reviews/materialReview/scores", reviewer, Json(new { items }), 200));

    // Benxi: one application accepted onto the public-notice stage, then the acceptance notice.
    var benxiApplicant = Bearer("applicant", "count-benxi-1", null);
    var benxiId = (await SendAsync(HttpMethod.Post, $"/api/cycles/{benxi}/applications", benxiApplicant, Json(new { category = "organisation" }), 201)).GetProperty("applicationId").GetString()!;
    await SendAsync(HttpMethod.Put, $"/api/applications/{benxiId}/form", benxiApplicant, Json(ExampleForm("benxi-organisation", "本溪计数测试精密铸造有限公司")), 200);
    await UploadAsync(benxiId, benxiApplicant);
    await SendAsync(HttpMethod.Post, $"/api/applications/{benxiId}/submit", benxiApplicant, null, 200);
    await SendAsync(HttpMethod.Post, $"/api/applications/{benxiId}/recommend", benxiRecommender, Json(new { opinion = "同意推荐。" }), 200);
    await SendAsync(HttpMethod.Post, $"/api/applications/{benxiId}/accept", office, Json(new { }), 200);
    string? noticeRefusal = null;
    for (var day = chinaToday; day < chinaToday.AddDays(10); day = day.AddDays(1))
    {
        // The first day must be a working day on the policy's calendar: the refused days are not counted.
        var opened = await MeasureAttemptAsync("open an acceptance notice (1 listed)", 11, () => TrySendAsync(HttpMethod.Post, $"/api/cycles/{benxi}/notices", office, Json(new { list = "acceptance", firstDay = Day(day) })));
        if (opened.Status == 201)
        {
            noticeRefusal = null;
            break;
        }

        rows.Remove(opened.Row);
        noticeRefusal = $"{opened.Status}: {opened.Body}";
    }

    // The whole path from draft to award (issue 20 item 1): the guided tour (tools/Tour) walks a Weihai
    // rehearsal cycle — an organisation and an individual — from the call to the announcement through
    // the API, moving the rehearsal's clock past the deadline and each notice (decision 0022). Its
    // count is every storage request of the cycle: the office's steps (panel, experts, notices,
    // decisions) as well as the two applications', and the tour's own reads while it waits for the
    // orchestrations to move the applications on (those vary with timing: a figure to watch, not a count to pin).
    var people = new Dictionary<string, HttpClient>();
    HttpClient Person(string? role, string subject, string? affiliation)
    {
        if (!people.TryGetValue(subject, out var client))
        {
            client = people[subject] = new HttpClient { BaseAddress = http.BaseAddress, Timeout = TimeSpan.FromSeconds(100) };
            if (role is not null)
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Bearer(role, subject, affiliation));
            }
        }

        return client;
    }

    var tourLog = new StringWriter();
    var tourClients = new QualityAward.Tour.TourClients(p => Person(p.Role, p.Subject, p.Affiliation), Person(null, "anonymous", null), Person(null, "anonymous", null), http.BaseAddress);
    var tour = new QualityAward.Tour.GuidedTour(new QualityAward.Tour.TourOptions("weihai", Path.Combine(root, "examples", "forms")), tourClients, new QualityAward.Tour.RehearsalClock(tourClients.As(QualityAward.Tour.GuidedTour.OfficePerson), tourLog), tourLog);
    Row wholeCycle;
    try
    {
        wholeCycle = (await MeasureAsync("draft → award", null, () => tour.RunAsync(deadline.Token))).Row;
        rows.Remove(wholeCycle);
    }
    catch (Exception)
    {
        Console.WriteLine(tourLog);
        throw;
    }

    // Ranking: the cycle's submitted applications, topped up to each size.
    var ranking = new List<(int Applications, int Requests, double Ms, string Breakdown)>();
    var submitted = 3; // the warm-up, applicant 1 and applicant 2
    foreach (var size in rankingSizes)
    {
        await Parallel.ForEachAsync(Enumerable.Range(submitted, size - submitted), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = deadline.Token }, async (n, _) =>
            await SubmittedAsync($"count-ranking-{n:0000}", n));
        submitted = size;
        await SendAsync(HttpMethod.Get, $"/api/cycles/{weihai}/ranking", office, null, 200); // warm-up at this size
        // The new applications' orchestrations take their first steps in the background: on a loaded
        // machine longer than the usual quiet interval, so wait for a longer one before counting.
        await proxy.SettleAsync(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(60));
        // The ranking lists only applications with a composite score (none here); it reads the cycle
        // and the cycle's index partition (decision 0024), whose rows carry the scores, so its
        // requests should not change with the number of applications (the answer's time may a little:
        // the partition query pages at 1,000 rows).
        var measured = await MeasureAsync($"ranking at {size}", null, () => SendAsync(HttpMethod.Get, $"/api/cycles/{weihai}/ranking", office, null, 200));
        rows.Remove(measured.Row);
        ranking.Add((size, measured.Row.Counts.Values.Sum(), measured.Row.Ms, Breakdown(measured.Row.Counts)));
    }

    Console.WriteLine();
    Console.WriteLine($"Storage requests per operation ({(quick ? "--quick" : "full run")}; Azurite through the counting proxy; Durable in memory, timers off; settled after {quiet.TotalMilliseconds:0} ms without a storage request):");
    Console.WriteLine();
    Console.WriteLine("| operation | requests by service/verb | total | design minimum | ratio | answered in ms |");
    Console.WriteLine("|---|---|---|---|---|---|");
    foreach (var row in rows)
    {
        var total = row.Counts.Values.Sum();
        var ratio = row.Minimum is { } m ? string.Create(CultureInfo.InvariantCulture, $"{(double)total / m:0.0}×") : "—";
        var note = row.Settled ? string.Empty : " (did not settle)";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {row.Name} | {Breakdown(row.Counts)} | {total}{note} | {row.Minimum?.ToString(CultureInfo.InvariantCulture) ?? "—"} | {ratio} | {row.Ms:0} |"));
    }

    if (noticeRefusal is not null)
    {
        Console.WriteLine($"| open an acceptance notice (1 listed) | not measured: every first day for ten days was refused, the last with {noticeRefusal} | | 11 | | |");
    }

    Console.WriteLine();
    Console.WriteLine("| ranking (GET /api/cycles/{id}/ranking) | storage requests | by service/verb | answered in ms |");
    Console.WriteLine("|---|---|---|---|");
    foreach (var (applications, requests, ms, breakdown) in ranking)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {applications} submitted applications | {requests} | {breakdown} | {ms:0} |"));
    }

    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Draft → award, a whole Weihai rehearsal cycle through the tour (an organisation and an individual, call to announcement, the rehearsal's clock moved past the deadline and each notice): {wholeCycle.Counts.Values.Sum()} storage requests ({Breakdown(wholeCycle.Counts)}) in {wholeCycle.Ms:0} ms{(wholeCycle.Settled ? string.Empty : ", did not settle")}. It includes the office's steps and the tour's own reads while it waits for the orchestrations, which vary with timing."));

    if (ranking.Count > 1)
    {
        Console.WriteLine();
        Console.WriteLine(ranking.Select(r => r.Requests).Distinct().Count() == 1
            ? $"Ranking: the same {ranking[0].Requests} requests at {string.Join(" and ", ranking.Select(r => r.Applications))} applications (issue 20 item 3)."
            : $"Ranking: the requests change with the number of applications ({string.Join(", ", ranking.Select(r => $"{r.Requests} at {r.Applications}"))}): issue 20 item 3 is not met.");
    }

    Console.WriteLine();
    var unsettled = rows.Count(r => !r.Settled) + (wholeCycle.Settled ? 0 : 1);
    Console.WriteLine($"Proxy failures: {proxy.Failures}; operations that did not settle: {unsettled}.");
    return proxy.Failures == 0 && unsettled == 0 && noticeRefusal is null ? 0 : 1;
}
finally
{
    Stop(app);
    Stop(azurite);
    work.Delete(recursive: true);
}

// Runs one operation alone and records the storage requests it and its background work made.
async Task<(Row Row, int Status, string Body)> MeasureAsync(string name, int? minimum, Func<Task> operation) =>
    await MeasureAttemptAsync(name, minimum, async () =>
    {
        await operation();
        return (0, string.Empty);
    });

async Task<(Row Row, int Status, string Body)> MeasureAttemptAsync(string name, int? minimum, Func<Task<(int Status, string Body)>> attempt)
{
    if (!await proxy.SettleAsync(quiet, TimeSpan.FromSeconds(30)))
    {
        throw new InvalidOperationException($"Storage never went quiet before \"{name}\".");
    }

    proxy.Reset();
    if (CountingProxy.Trace)
    {
        Console.Error.WriteLine($"== {name}");
    }

    var clock = Stopwatch.StartNew();
    var (status, body) = await attempt();
    var ms = clock.Elapsed.TotalMilliseconds;
    var settled = await proxy.SettleAsync(quiet, TimeSpan.FromSeconds(30));
    var row = new Row(name, proxy.Snapshot(), minimum, ms, settled);
    rows.Add(row);
    return (row, status, body);
}

// The seven Weihai commands from draft to accepted; returns the application id.
async Task<string> WeihaiAcceptedAsync(string who, int n)
{
    var id = await SubmittedAsync(who, n);
    await SendAsync(HttpMethod.Post, $"/api/applications/{id}/recommend", weihaiRecommender, Json(new { opinion = "同意推荐。" }), 200);
    await SendAsync(HttpMethod.Post, $"/api/applications/{id}/opinion-survey", office, Json(new { favourable = true, summary = "未发现负面舆情" }), 200);
    await SendAsync(HttpMethod.Post, $"/api/applications/{id}/accept", office, Json(new { }), 200);
    return id;
}

// Draft, complete form, the report uploaded, submitted.
async Task<string> SubmittedAsync(string who, int n)
{
    var token = Bearer("applicant", who, null);
    var id = (await SendAsync(HttpMethod.Post, $"/api/cycles/{weihai}/applications", token, Json(new { category = "organisation" }), 201)).GetProperty("applicationId").GetString()!;
    await SendAsync(HttpMethod.Put, $"/api/applications/{id}/form", token, Json(ExampleForm("weihai-organisation", $"威海计数测试有限公司{who}")), 200);
    await UploadAsync(id, token);
    await SendAsync(HttpMethod.Post, $"/api/applications/{id}/submit", token, null, 200);
    return id;
}

// The self-assessment report, a 16 KiB PDF, through the real upload endpoint.
async Task UploadAsync(string id, string token)
{
    var pdf = new byte[16 * 1024];
    new Random(id.GetHashCode(StringComparison.Ordinal)).NextBytes(pdf);
    "%PDF-1.7\n"u8.CopyTo(pdf);
    var body = new ByteArrayContent(pdf);
    body.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
    using var upload = Request(HttpMethod.Post, $"/api/applications/{id}/documents?kind=selfAssessmentReport&tradeSecret=false&name=report.pdf", token, body);
    upload.Headers.Add("Idempotency-Key", $"report-{id}");
    await ExpectAsync(upload, 201);
}

// Every item of the Weihai organisation sheet at 80 % of its maximum.
async Task<Dictionary<string, decimal>> SheetAsync()
{
    var policy = await SendAsync(HttpMethod.Get, "/api/policies/weihai", null, null, 200);
    var sheet = policy.GetProperty("scoring").GetProperty("sheets").EnumerateArray().First(s => s.GetProperty("category").GetString() == "organisation");
    return sheet.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("code").GetString()!, i => decimal.Round(i.GetProperty("max").GetInt32() * 0.8m, 1));
}

async Task<JsonElement> SendAsync(HttpMethod method, string path, string? token, HttpContent? content, int expected)
{
    using var request = Request(method, path, token, content);
    return await ExpectAsync(request, expected);
}

async Task<JsonElement> ExpectAsync(HttpRequestMessage request, int expected)
{
    using var response = await http.SendAsync(request, deadline.Token);
    var text = await response.Content.ReadAsStringAsync(deadline.Token);
    if ((int)response.StatusCode != expected)
    {
        throw new InvalidOperationException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}, not {expected}: {text}");
    }

    return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
}

async Task<(int, string)> TrySendAsync(HttpMethod method, string path, string? token, HttpContent? content)
{
    using var request = Request(method, path, token, content);
    using var response = await http.SendAsync(request, deadline.Token);
    return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(deadline.Token));
}

string Bearer(string role, string subject, string? affiliation) => DevTokens.Mint(key, subject, [role], subject, affiliation, TimeSpan.FromHours(2), DateTimeOffset.UtcNow);

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? Math.Clamp(int.Parse(args[i + 1], CultureInfo.InvariantCulture), 100, 10_000) : fallback;
}

static HttpRequestMessage Request(HttpMethod method, string path, string? token, HttpContent? content = null)
{
    var request = new HttpRequestMessage(method, path) { Content = content };
    if (token is not null)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    return request;
}

static JsonContent Json(object value) => JsonContent.Create(value);

static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

// "table 3 (2 GET point read, 1 POST $batch) · blob 1 (1 PUT)"
static string Breakdown(IReadOnlyDictionary<string, int> counts)
{
    var text = new StringBuilder();
    foreach (var service in counts.GroupBy(c => c.Key.Split(' ')[0]).OrderBy(g => g.Key, StringComparer.Ordinal))
    {
        if (text.Length > 0)
        {
            text.Append(" · ");
        }

        var parts = service.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Value} {c.Key[(service.Key.Length + 1)..]}");
        text.Append(CultureInfo.InvariantCulture, $"{service.Key} {service.Sum(c => c.Value)} ({string.Join(", ", parts)})");
    }

    return text.Length == 0 ? "none" : text.ToString();
}

/// <summary>One measured operation: its storage requests by key, the design's minimum, the time to its answer.</summary>
internal sealed record Row(string Name, IReadOnlyDictionary<string, int> Counts, int? Minimum, double Ms, bool Settled);
