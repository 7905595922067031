using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace QualityAward.Functions.Tests.Infrastructure;

/// <summary>
/// A real Azurite (Blob, Queue, Table) on free loopback ports, in memory. Each test class gets one
/// as a class fixture; the processes behind them are a small pool started on first use and shared
/// for the whole test run (<see cref="Pool"/>), so classes running side by side spread their
/// storage over several emulators. It comes from the repository's <c>node_modules</c>
/// (<c>npm ci</c>, pinned in package.json). Each test app uses its own storage prefix, so tests
/// share an emulator without sharing data.
/// </summary>
public sealed class Azurite : IAsyncLifetime
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public int BlobPort { get; private set; }

    public int QueuePort { get; private set; }

    public int TablePort { get; private set; }

    public string ConnectionString => ConnectionStringFor(BlobPort, QueuePort, TablePort);

    public static string ConnectionStringFor(int blobPort, int queuePort, int tablePort) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";

    public async Task InitializeAsync() => (BlobPort, QueuePort, TablePort) = await Pool.NextAsync();

    /// <summary>The pooled emulator outlives the class: the pool stops it when the test run ends.</summary>
    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// Start an Azurite on these loopback ports — in memory, or on disk in <paramref name="location"/>
    /// (so data survives a restart) — and wait until all three services answer.
    /// </summary>
    public static async Task<Process> LaunchAsync(int blobPort, int queuePort, int tablePort, string? location)
    {
        var azurite = Path.Combine(Repository.Root, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException($"Azurite is not installed at {azurite}: run `npm ci` in {Repository.Root} (the test command in the README does).");
        }

        var start = new ProcessStartInfo(azurite)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--silent", "--skipApiVersionCheck", "--loose"])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in location is null ? ["--inMemoryPersistence"] : (string[])["--location", location])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (service, port) in new[] { ("blob", blobPort), ("queue", queuePort), ("table", tablePort) })
        {
            start.ArgumentList.Add($"--{service}Host");
            start.ArgumentList.Add("127.0.0.1");
            start.ArgumentList.Add($"--{service}Port");
            start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (var port in new[] { blobPort, queuePort, tablePort })
        {
            while (!await AnswersAsync(port))
            {
                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"Azurite did not answer on 127.0.0.1:{port} within 30 s.");
                }

                await Task.Delay(100);
            }
        }

        return process;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> AnswersAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>
/// The emulators behind the <see cref="Azurite"/> fixtures: one per processor (two to four; up to
/// twice as many test classes run at once, xunit.runner.json's maxParallelThreads "2x"), each
/// started the first time a class is handed it, handed out in turn, and stopped when the test
/// process exits.
/// </summary>
public static class Pool
{
    private static readonly Lazy<Task<(int Blob, int Queue, int Table)>>[] Emulators =
        Enumerable.Range(0, Math.Clamp(Environment.ProcessorCount, 2, 4)).Select(_ => new Lazy<Task<(int, int, int)>>(StartAsync)).ToArray();

    private static readonly List<Process> Started = [];

    private static int _next = -1;

    static Pool() => AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();

    public static Task<(int Blob, int Queue, int Table)> NextAsync() =>
        Emulators[(int)((uint)Interlocked.Increment(ref _next) % Emulators.Length)].Value;

    private static async Task<(int, int, int)> StartAsync()
    {
        var (blob, queue, table) = (Azurite.FreePort(), Azurite.FreePort(), Azurite.FreePort());
        var process = await Azurite.LaunchAsync(blob, queue, table, location: null);
        lock (Started)
        {
            Started.Add(process);
        }

        return (blob, queue, table);
    }

    private static void StopAll()
    {
        lock (Started)
        {
            foreach (var process in Started.Where(p => !p.HasExited))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5_000);
            }
        }
    }
}

/// <summary>
/// Test classes whose figures or timings a busy machine would distort (fault injection with
/// kills and outages, concurrent load that prints its figures): they run one after another, after
/// the classes that run side by side.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Serial
{
    public const string Name = "Serial";
}

public static class Repository
{
    /// <summary>The directory holding QualityAward.sln, found upwards from the test binaries.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "QualityAward.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("QualityAward.sln not found above " + AppContext.BaseDirectory);
    }
}
