using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace QualityAward.Benchmarks;

/// <summary>What every timed harness needs: free loopback ports, Azurite and the app as child processes, the repository root, example forms.</summary>
internal static class Harness
{
    private static readonly ConcurrentDictionary<string, string> Examples = new(StringComparer.Ordinal);

    /// <summary>A preset's example form from examples/forms (valid as shipped: a test submits each one), under another name.</summary>
    public static JsonObject ExampleForm(string example, string name)
    {
        var text = Examples.GetOrAdd(example, e => File.ReadAllText(Path.Combine(FindRoot(), "examples", "forms", e + ".json")));
        var form = JsonNode.Parse(text)!.AsObject();
        form["name"] = name;
        return form;
    }

    /// <summary>Azurite (the repository's npm copy) on free loopback ports, storing under <paramref name="location"/>; answers once its table port listens.</summary>
    public static async Task<(Process Process, int Blob, int Queue, int Table)> StartAzuriteAsync(string root, string location)
    {
        var azurite = Path.Combine(root, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            // A fresh clone: the run and test commands install it; a harness run first does not.
            Console.Error.WriteLine($"Azurite is not installed ({azurite} is missing): run `npm ci` in {root} first (scripts/run.sh and scripts/test.sh do).");
            Environment.Exit(2);
        }

        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        var process = Start(azurite, root, new Dictionary<string, string>(),
            "--silent", "--skipApiVersionCheck", "--loose", "--location", location,
            "--blobHost", "127.0.0.1", "--blobPort", $"{blob}", "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{table}");
        await WaitForPortAsync(table);
        return (process, blob, queue, table);
    }

    /// <summary>The connection string of Azurite's development account at these ports (the real ones, or a proxy's in front of them).</summary>
    public static string AzuriteConnection(int blob, int queue, int table) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";

    public static Process Start(string file, string directory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var p = Process.Start(info)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    public static void Stop(Process? p)
    {
        if (p is { HasExited: false })
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static async Task WaitForPortAsync(int port)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"Nothing answered on 127.0.0.1:{port}.");
    }

    public static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "QualityAward.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("QualityAward.sln not found.");
    }
}
