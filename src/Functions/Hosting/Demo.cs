using System.Globalization;
using Microsoft.Extensions.Options;
using QualityAward.Domain;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Cycles;

namespace QualityAward.Functions.Hosting;

/// <summary>
/// For a local run: opens a demo cycle (the Weihai preset, this year) if it is not there, and
/// prints the addresses and a development token for every role.
/// </summary>
public sealed partial class DemoSeeder(
    CycleCommands cycles,
    IOptions<AuthOptions> auth,
    IOptions<DemoOptions> demo,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    IServiceProvider services,
    ILogger<DemoSeeder> logger) : IHostedService
{
    public const string PolicyId = "weihai";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = SeedAsync(lifetime.ApplicationStopping));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task SeedAsync(CancellationToken ct)
    {
        try
        {
            var now = clock.GetUtcNow();
            var today = ShanghaiTime.DateOf(now);
            var cycleId = CycleId.For(PolicyId, today.Year).Value;
            var policy = PolicyPresets.Get(PolicyId);
            var command = new OpenCycle(cycleId, policy, today.Year, $"{today.Year}年度威海市市长质量奖认定（演示）", today, today.AddDays(30), AcknowledgeWarnings: true);
            var outcome = await cycles.RunAsync(cycleId, command, new Actor("demo-seeder", Roles.Office, "演示数据"), "demo-seed", ct);
            if (outcome.Refused && outcome.Refusal!.Code != "cycle.exists")
            {
                LogSeedRefused(logger, outcome.Refusal.Code, outcome.Refusal.En);
            }
            else if (services.GetService<Microsoft.DurableTask.Client.DurableTaskClient>() is { } durable)
            {
                // The local host's task hub: the demo window closes by itself, as one opened through the API does.
                await SubmissionWindowWorkflow.StartAsync(durable, cycleId, logger, ct);
            }

            Print(cycleId, now);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSeedFailed(logger, ex);
        }
    }

    private void Print(string cycleId, DateTimeOffset now)
    {
        var baseUrl = demo.Value.BaseUrl.TrimEnd('/');
        var key = auth.Value.DevSigningKey;
        var lines = new List<string>
        {
            string.Empty,
            "QualityAward is running (local, Azurite).",
            $"  Demo cycle     {baseUrl}/api/cycles/{cycleId}",
            $"  API reference  {baseUrl}/scalar/v1",
            $"  OpenAPI        {baseUrl}/openapi/v1.json",
            $"  Health         {baseUrl}/healthz",
            $"  Applicants     {baseUrl}/apply  (zh-CN form pages; local sign-in at {baseUrl}/signin)",
            $"  Public notices {baseUrl}/notices",
        };
        if (!string.IsNullOrWhiteSpace(demo.Value.MailboxUrl))
        {
            lines.Add($"  Local mailbox  {demo.Value.MailboxUrl}  (mails sent through Graph: requests to departments, reminders, notes to the office)");
        }

        lines.AddRange(
        [
            string.Empty,
            "Development tokens (12 hours; send as 'Authorization: Bearer <token>'):",
        ]);
        if (key is null)
        {
            lines.Add("  (none: Auth:DevSigningKey is not set, so tokens come from Microsoft Entra ID)");
        }
        else
        {
            foreach (var (role, subject, name, affiliation) in DemoPeople)
            {
                var token = DevTokens.Mint(key, subject, [role], name, affiliation, TimeSpan.FromHours(12), now);
                lines.Add($"  {role,-12} {token}");
            }
        }

        lines.Add(string.Empty);
        Console.Out.WriteLine(string.Join(Environment.NewLine, lines));
        Console.Out.Flush();
    }

    public static IReadOnlyList<(string Role, string Subject, string Name, string? Affiliation)> DemoPeople { get; } =
    [
        (Roles.Applicant, "demo-applicant", "演示申报单位联系人", null),
        (Roles.Recommender, "demo-recommender", "环翠区质量议事协调机构", "371000:huancui"),
        (Roles.Office, "demo-office", "市强市办", null),
        (Roles.Reviewer, "demo-reviewer", "演示评审专家", null),
        (Roles.Committee, "demo-committee", "领导小组成员", null),
        (Roles.Supervisor, "demo-supervisor", "监督组成员", null),
    ];

    [LoggerMessage(Level = LogLevel.Warning, Message = "The demo cycle was not opened: {Code} {Reason}")]
    private static partial void LogSeedRefused(ILogger logger, string code, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Loading the demo city failed")]
    private static partial void LogSeedFailed(ILogger logger, Exception ex);
}

/// <summary>
/// A local run's demo city (<c>Demo:Enabled</c>, set by scripts/run.sh): the Weihai cycle of this
/// year is opened at start if it is not there, and the addresses and tokens are printed with
/// <c>Demo:BaseUrl</c> (where the host serves the app).
/// </summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; set; }

    public string BaseUrl { get; set; } = "http://127.0.0.1:7071";

    /// <summary>Where a local run reads the mails it sends (scripts/run.sh sets it when the local mailbox is on); printed only.</summary>
    public string? MailboxUrl { get; set; }
}

/// <summary>The command line: the worker (default), dev-token, restore, verify.</summary>
public static class CommandLine
{
    public static string Usage => """
        QualityAward.Functions — 市长质量奖 function app

          (no command)                                     run the isolated worker (the Functions host starts it;
                                                           locally tools/LocalHost runs the same functions)
          dev-token --role <role> [--sub s] [--name n] [--affiliation a] [--hours h]
                                                           print a development token (uses Auth:DevSigningKey); a
                                                           recommender's affiliation is {city code}:{body}, e.g. 371000:huancui
          verify [--Storage:Prefix p]                      walk every stream's hash chain (needs Audit:ChainKey) and every
                                                           anchor by its signed time; exit 1 at a break
        """;

    public static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public static int DevToken(string[] args, IConfiguration configuration, string environment, TimeProvider clock)
    {
        var key = configuration[$"{AuthOptions.Section}:{nameof(AuthOptions.DevSigningKey)}"];
        var role = Option(args, "--role");
        if (!string.Equals(environment, Environments.Development, StringComparison.OrdinalIgnoreCase))
        {
            // The worker accepts the development key only in Development (AuthOptions.DevKeyAllowed): a token for any other app is useless, and suggests a mistake.
            Console.Error.WriteLine($"dev-token works only in Development (this is {environment}): Auth:DevSigningKey is refused in any other environment. Set ASPNETCORE_ENVIRONMENT=Development for a local run.");
            return 2;
        }

        if (string.IsNullOrEmpty(key))
        {
            Console.Error.WriteLine("Auth:DevSigningKey is not set (run with ASPNETCORE_ENVIRONMENT=Development, or set it).");
            return 2;
        }

        if (role is null || !Roles.People.Contains(role))
        {
            Console.Error.WriteLine($"--role must be one of: {string.Join(", ", Roles.People)}");
            return 2;
        }

        var hours = double.Parse(Option(args, "--hours") ?? "12", CultureInfo.InvariantCulture);
        Console.Out.WriteLine(DevTokens.Mint(key, Option(args, "--sub") ?? $"dev-{role}", [role], Option(args, "--name"), Option(args, "--affiliation"), TimeSpan.FromHours(hours), clock.GetUtcNow()));
        return 0;
    }
}
