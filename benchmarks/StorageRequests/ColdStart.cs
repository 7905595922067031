using static QualityAward.Benchmarks.Harness;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using QualityAward.Functions.Storage;

namespace QualityAward.Benchmarks.StorageRequests;

/// <summary>
/// Issue 20 item 5's measurement: the published app's start to its first 200 on a real read
/// (<c>GET /api/cycles</c>, a table query) against an empty ASP.NET Core web app published the same
/// way answering <c>GET /</c>. Both are published as scripts/package.sh publishes the worker:
/// ReadyToRun for this machine's runtime identifier, framework-dependent (<c>--portable</c>: plain
/// IL, both). The Functions host cannot run here, so "the published app" is
/// <c>QualityAward.LocalHost</c> — the same services and functions, minus the host's own start and
/// its hop to the worker. It runs as Azure's app settings configure it: the deployment made the
/// tables and containers (Storage:CreatedByDeployment), so a start asks storage for none. Each run
/// also records when the app started listening (a TCP connection accepted: no request, so the first
/// request is the measured read itself) and its CPU time at the first 200, which a busy shared
/// machine inflates less than wall time.
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

    public static async Task<int> RunAsync(int runs, bool readyToRun)
    {
        var root = FindRoot();
        var work = Directory.CreateTempSubdirectory("qa-coldstart-");
        Process? azurite = null;
        try
        {
            var published = Path.Combine(work.FullName, "app");
            await PublishAsync(root, Path.Combine(root, "tools", "LocalHost", "LocalHost.csproj"), published, readyToRun);
            var emptySource = Directory.CreateDirectory(Path.Combine(work.FullName, "empty-src"));
            await File.WriteAllTextAsync(Path.Combine(emptySource.FullName, "EmptyWeb.csproj"), EmptyProject);
            await File.WriteAllTextAsync(Path.Combine(emptySource.FullName, "Program.cs"), EmptyProgram);
            var empty = Path.Combine(work.FullName, "empty");
            await PublishAsync(emptySource.FullName, Path.Combine(emptySource.FullName, "EmptyWeb.csproj"), empty, readyToRun);

            (azurite, var blobPort, var queuePort, var tablePort) = await StartAzuriteAsync(root, Path.Combine(work.FullName, "azurite"));
            var connection = AzuriteConnection(blobPort, queuePort, tablePort);
            var appEnvironment = new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Testing",
                ["Storage__ConnectionString"] = connection,
                ["Auth__DevSigningKey"] = "benchmark-signing-key-0123456789abcdefghij",
                ["Audit__ChainKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)),
                ["Certificates__PublicBaseUrl"] = "http://127.0.0.1",
                ["Durable__Backend"] = "InMemory", // in Azure the host, not the worker, starts the task hub
                ["Storage__CreatedByDeployment"] = "true", // as Azure's app settings say: infra/bicep made them (below)
                ["Workflow__RunLocalTriggers"] = "false", // in Azure the host runs the timers
                ["Logging__LogLevel__Default"] = "Warning",
            };

            await MakeStorageAsTheDeploymentDoesAsync(connection);
            var appRuns = new List<Run>();
            var emptyRuns = new List<Run>();
            for (var run = 0; run < runs; run++)
            {
                // Alternate, so a busy moment on the shared machine falls on both.
                appRuns.Add(await FirstOkAsync(Path.Combine(published, "QualityAward.LocalHost"), published, appEnvironment, "/api/cycles"));
                emptyRuns.Add(await FirstOkAsync(Path.Combine(empty, "EmptyWeb"), empty, new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" }, "/"));
            }

            var appMedian = Median(appRuns.Select(r => r.FirstOk));
            var emptyMedian = Median(emptyRuns.Select(r => r.FirstOk));
            var appCpu = Median(appRuns.Select(r => r.CpuAtFirstOk));
            var emptyCpu = Median(emptyRuns.Select(r => r.CpuAtFirstOk));
            static string Ms(IEnumerable<double> values) => string.Join(", ", values.Select(t => t.ToString("0", CultureInfo.InvariantCulture)));
            Console.WriteLine();
            Console.WriteLine($"Cold start, start of the published process to its first 200 ({runs} runs each, alternating; median; {(readyToRun ? "ReadyToRun" : "portable IL")}):");
            Console.WriteLine();
            Console.WriteLine("| published | first 200 on | runs (ms) | median ms | listening (ms) | CPU ms at the first 200 (median) |");
            Console.WriteLine("|---|---|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| QualityAward.LocalHost (the app's functions and services) | GET /api/cycles (a table query) | {Ms(appRuns.Select(r => r.FirstOk))} | {appMedian:0} | {Ms(appRuns.Select(r => r.Listening))} | {appCpu:0} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| an empty ASP.NET Core web app | GET / | {Ms(emptyRuns.Select(r => r.FirstOk))} | {emptyMedian:0} | {Ms(emptyRuns.Select(r => r.Listening))} | {emptyCpu:0} |"));
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Ratio: {appMedian / emptyMedian:0.00}× (the issue's target: at most 2×); CPU time at the first 200: {appCpu / Math.Max(1, emptyCpu):0.00}×."));
            return 0;
        }
        finally
        {
            Stop(azurite);
            work.Delete(recursive: true);
        }
    }

    /// <summary>
    /// What infra/bicep does before the app first starts in Azure: every table and container the
    /// app declares (its slices' StorageNeeds, read from the app's services as BicepTests does).
    /// </summary>
    private static async Task MakeStorageAsTheDeploymentDoesAsync(string connection)
    {
        await using var app = QualityAward.LocalHost.LocalFunctionsHost.Build(["--environment", "Testing"], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = connection,
            ["Storage:CreatedByDeployment"] = "true",
            ["Durable:Backend"] = "InMemory",
        }));
        var needs = StorageNeeds.Of(app.Services);
        var deployment = new StorageClients(Microsoft.Extensions.Options.Options.Create(new QualityAward.Functions.Hosting.StorageOptions { ConnectionString = connection }));
        await deployment.EnsureCreatedAsync(needs, CancellationToken.None);
    }

    private static async Task PublishAsync(string directory, string project, string output, bool readyToRun)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, UseShellExecute = false };
        // Built from scratch in a directory of its own (as scripts/package.sh does): ReadyToRun over
        // intermediate files of an earlier build once made an app that aborted at start.
        var arguments = new List<string> { "publish", project, "-c", "Release", "--artifacts-path", output + "-build", "-o", output, "-v", "quiet", "-nologo", "-clp:ErrorsOnly" };
        if (readyToRun)
        {
            arguments.AddRange(["-r", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, "--self-contained", "false", "-p:PublishReadyToRun=true"]);
        }

        foreach (var a in arguments)
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

    /// <summary>One start: milliseconds to listening (a connection accepted), to the first 200 on the path, and the process's CPU time then.</summary>
    private sealed record Run(double Listening, double FirstOk, double CpuAtFirstOk);

    /// <summary>
    /// Starts the process, tries a TCP connection every 5 ms until one is accepted (listening), then
    /// asks for <paramref name="path"/> every 10 ms until it answers 200.
    /// </summary>
    private static async Task<Run> FirstOkAsync(string file, string directory, IReadOnlyDictionary<string, string> environment, string path)
    {
        var port = FreePort();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var url = new Uri($"http://127.0.0.1:{port}{path}");
        var clock = Stopwatch.StartNew();
        var process = Start(file, directory, environment, "--urls", $"http://127.0.0.1:{port}");
        try
        {
            var listening = await ListeningAsync(process, port, clock);
            while (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                try
                {
                    using var response = await http.GetAsync(url);
                    if ((int)response.StatusCode == 200)
                    {
                        var ok = clock.Elapsed.TotalMilliseconds;
                        process.Refresh();
                        return new Run(listening, ok, process.TotalProcessorTime.TotalMilliseconds);
                    }
                }
                catch (HttpRequestException)
                {
                    // The connection dropped: try again.
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

    private static async Task<double> ListeningAsync(Process process, int port, Stopwatch clock)
    {
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return clock.Elapsed.TotalMilliseconds;
            }
            catch (System.Net.Sockets.SocketException)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{process.StartInfo.FileName} exited with {process.ExitCode} before listening.");
                }

                await Task.Delay(5);
            }
        }

        throw new TimeoutException($"{process.StartInfo.FileName} did not listen within 60 s.");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
