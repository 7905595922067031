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
