using static QualityAward.Benchmarks.Harness;
using System.Diagnostics;
using System.Globalization;

namespace QualityAward.Benchmarks.StorageRequests;

/// <summary>
/// Issue 20 item 5's measurement: the published app's start to its first 200 on a real read
/// (<c>GET /api/cycles</c>, a table query) against an empty ASP.NET Core web app published the same
/// way (<c>dotnet publish -c Release</c>, framework-dependent) answering <c>GET /</c>. The Functions
/// host cannot run here, so "the published app" is <c>QualityAward.LocalHost</c> — the same
/// services and functions, minus the host's own start and its hop to the worker.
/// </summary>
internal static class ColdStart
{
    private const string EmptyProject = """
        <Project Sdk="Microsoft.NET.Sdk.Web">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <AssemblyName>EmptyWeb</AssemblyName>
          </PropertyGroup>
        </Project>
        """;

    private const string EmptyProgram = """
        var app = WebApplication.CreateBuilder(args).Build();
        app.MapGet("/", () => "ok");
        app.Run();
        """;

    public static async Task<int> RunAsync(int runs)
    {
        var root = FindRoot();
        var work = Directory.CreateTempSubdirectory("qa-coldstart-");
        Process? azurite = null;
        try
        {
            var published = Path.Combine(work.FullName, "app");
            await PublishAsync(root, Path.Combine(root, "tools", "LocalHost", "LocalHost.csproj"), published);
            var emptySource = Directory.CreateDirectory(Path.Combine(work.FullName, "empty-src"));
            await File.WriteAllTextAsync(Path.Combine(emptySource.FullName, "EmptyWeb.csproj"), EmptyProject);
            await File.WriteAllTextAsync(Path.Combine(emptySource.FullName, "Program.cs"), EmptyProgram);
            var empty = Path.Combine(work.FullName, "empty");
            await PublishAsync(emptySource.FullName, Path.Combine(emptySource.FullName, "EmptyWeb.csproj"), empty);

            var (blobPort, queuePort, tablePort) = (FreePort(), FreePort(), FreePort());
            azurite = Start(Path.Combine(root, "node_modules", ".bin", "azurite"), root, new Dictionary<string, string>(),
                "--silent", "--skipApiVersionCheck", "--loose", "--location", Path.Combine(work.FullName, "azurite"),
                "--blobHost", "127.0.0.1", "--blobPort", $"{blobPort}", "--queueHost", "127.0.0.1", "--queuePort", $"{queuePort}",
                "--tableHost", "127.0.0.1", "--tablePort", $"{tablePort}");
            await WaitForPortAsync(tablePort);
            var connection = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
                $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";
            var appEnvironment = new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Testing",
                ["Storage__ConnectionString"] = connection,
                ["Auth__DevSigningKey"] = "benchmark-signing-key-0123456789abcdefghij",
                ["Audit__ChainKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)),
                ["Certificates__PublicBaseUrl"] = "http://127.0.0.1",
                ["Durable__Backend"] = "InMemory", // in Azure the host, not the worker, starts the task hub
                ["Workflow__RunLocalTriggers"] = "false", // in Azure the host runs the timers
                ["Logging__LogLevel__Default"] = "Warning",
            };

            var appTimes = new List<double>();
            var emptyTimes = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                // Alternate, so a busy moment on the shared machine falls on both.
                appTimes.Add(await FirstOkAsync(Path.Combine(published, "QualityAward.LocalHost"), published, appEnvironment, "/api/cycles"));
                emptyTimes.Add(await FirstOkAsync(Path.Combine(empty, "EmptyWeb"), empty, new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" }, "/"));
            }

            var appMedian = Median(appTimes);
            var emptyMedian = Median(emptyTimes);
            Console.WriteLine();
            Console.WriteLine($"Cold start, start of the published process to its first 200 ({runs} runs each, alternating; median):");
            Console.WriteLine();
            Console.WriteLine("| published | first 200 on | runs (ms) | median ms |");
            Console.WriteLine("|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| QualityAward.LocalHost (the app's functions and services) | GET /api/cycles (a table query) | {string.Join(", ", appTimes.Select(t => t.ToString("0", CultureInfo.InvariantCulture)))} | {appMedian:0} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| an empty ASP.NET Core web app | GET / | {string.Join(", ", emptyTimes.Select(t => t.ToString("0", CultureInfo.InvariantCulture)))} | {emptyMedian:0} |"));
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Ratio: {appMedian / emptyMedian:0.0}× (the issue's target: at most 2×)."));
            return 0;
        }
        finally
        {
            Stop(azurite);
            work.Delete(recursive: true);
        }
    }

    private static async Task PublishAsync(string directory, string project, string output)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, UseShellExecute = false };
        foreach (var a in new[] { "publish", project, "-c", "Release", "-o", output, "-v", "quiet", "-nologo", "-clp:ErrorsOnly" })
        {
            info.ArgumentList.Add(a);
        }

        using var publish = Process.Start(info)!;
        await publish.WaitForExitAsync();
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish {project} failed ({publish.ExitCode}).");
        }
    }

    /// <summary>Starts the process and polls <paramref name="path"/> every 10 ms until it answers 200; returns the milliseconds.</summary>
    private static async Task<double> FirstOkAsync(string file, string directory, IReadOnlyDictionary<string, string> environment, string path)
    {
        var port = FreePort();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var url = new Uri($"http://127.0.0.1:{port}{path}");
        var clock = Stopwatch.StartNew();
        var process = Start(file, directory, environment, "--urls", $"http://127.0.0.1:{port}");
        try
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                try
                {
                    using var response = await http.GetAsync(url);
                    if ((int)response.StatusCode == 200)
                    {
                        return clock.Elapsed.TotalMilliseconds;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{file} exited with {process.ExitCode} before answering.");
                }

                await Task.Delay(10);
            }

            throw new TimeoutException($"{file} did not answer 200 on {path} within 60 s.");
        }
        finally
        {
            Stop(process);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
