using QualityAward.Domain;
using QualityAward.Functions.Hosting;
using QualityAward.Tour;

// bash scripts/tour.sh <preset> [--url http://127.0.0.1:7071] [--mailbox http://127.0.0.1:7071] [--examples dir]
// Walks one preset's rehearsal cycle against the app scripts/run.sh started, with development
// tokens signed by the same development key (Auth:DevSigningKey of appsettings.Development.json,
// or the environment's Auth__DevSigningKey).
const string DevelopmentKey = "qualityaward-local-development-signing-key-not-for-production";
string[] presets = ["weihai", "changde", "benxi", "jinan", "xinzhou"];

var positional = new List<string>();
var named = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i < args.Length; i++)
{
    if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
    {
        named[args[i][2..]] = args[++i];
    }
    else
    {
        positional.Add(args[i]);
    }
}

if (positional.Count != 1 || !presets.Contains(positional[0]))
{
    Console.Error.WriteLine($"用法 Usage: bash scripts/tour.sh <{string.Join("|", presets)}> [--url http://127.0.0.1:7071] [--mailbox <url of the local mailbox's host>]");
    return 2;
}

var preset = positional[0];
var url = new Uri(named.GetValueOrDefault("url") ?? Environment.GetEnvironmentVariable("QUALITYAWARD_URLS") ?? "http://127.0.0.1:7071");
var mailboxUrl = new Uri(named.GetValueOrDefault("mailbox") ?? url.ToString());
var examples = named.GetValueOrDefault("examples") ?? Path.Combine(AppContext.BaseDirectory, "examples", "forms");
var key = Environment.GetEnvironmentVariable("Auth__DevSigningKey") is { Length: > 0 } k ? k : DevelopmentKey;

HttpClient Client(Uri baseAddress) => new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(100) };
var anonymous = Client(url);
try
{
    using var health = await anonymous.GetAsync("/healthz");
}
catch (HttpRequestException ex)
{
    Console.Error.WriteLine($"应用未运行：{url} 无法连接。请先在另一个终端运行 bash scripts/run.sh。");
    Console.Error.WriteLine($"The app is not running at {url} ({ex.Message}). Start it first with: bash scripts/run.sh");
    return 3;
}

HttpClient As(TourPerson person)
{
    var client = Client(url);
    var token = DevTokens.Mint(key, person.Subject, [person.Role], person.Name, person.Affiliation, TimeSpan.FromHours(2), DateTimeOffset.UtcNow);
    client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
    return client;
}

var clients = new TourClients(As, anonymous, Client(mailboxUrl), url);
var tour = new GuidedTour(new TourOptions(preset, examples), clients, new RehearsalClock(As(GuidedTour.OfficePerson), Console.Out), Console.Out);
var started = DateTime.UtcNow;
try
{
    var result = await tour.RunAsync(CancellationToken.None);
    Console.Out.WriteLine($"导览完成：{result.CycleId}，用时 {(DateTime.UtcNow - started).TotalMinutes:0.0} 分钟。 The tour finished in {(DateTime.UtcNow - started).TotalMinutes:0.0} min.");
    return 0;
}
catch (TourStepFailed ex)
{
    Console.Error.WriteLine();
    Console.Error.WriteLine("导览中止：应用拒绝了这一步。 The tour stopped: the app refused a step.");
    Console.Error.WriteLine(ex.Message);
    if (ex.Message.Contains("calendar.year-missing", StringComparison.Ordinal))
    {
        Console.Error.WriteLine("演练时间已走到尚未载入节假日安排的年份：待国务院办公厅公布该年安排后，由管理员通过 PUT /api/calendar/{year} 载入，再重新运行导览。");
        Console.Error.WriteLine("The rehearsal's time reached a year whose official holiday calendar is not loaded: once the State Council publishes it, load it (PUT /api/calendar/{year}) and run the tour again.");
    }

    return 1;
}
