using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Infra;

/// <summary>
/// scripts/package.sh end to end (a Release `dotnet publish` of the worker, about a minute on two
/// shared cores; <c>--portable</c>, the same files without the precompiled code that takes three times
/// as long to make): what the Functions host reads is at the root, nothing for development is in it,
/// and the generated <c>functions.metadata</c> lists exactly the functions the local host serves —
/// same routes, methods, schedules and triggers — so the two hosts cannot drift apart.
/// </summary>
public sealed class PackageTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task Package_IsTheWorkerAsPublished_AndItsMetadataMatchesWhatTheLocalHostServes()
    {
        var dir = Directory.CreateTempSubdirectory("qa-package-");
        try
        {
            var zip = Path.Combine(dir.FullName, "qualityaward.zip");
            var result = await Tools.RunAsync("bash", [Path.Combine(Repository.Root, "scripts", "package.sh"), "--output", zip, "--portable"], Repository.Root, TimeSpan.FromMinutes(8));
            Assert.True(result.ExitCode == 0, result.ToString());

            using var archive = ZipFile.OpenRead(zip);
            var names = archive.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            foreach (var required in new[] { "host.json", "functions.metadata", "worker.config.json", "extensions.json", "QualityAward.Functions.dll", "appsettings.json" })
            {
                Assert.Contains(required, names);
            }

            Assert.Equal(File.ReadAllText(Path.Combine(Repository.Root, "host.json")), await ReadAsync(archive, "host.json"));
            var host = JsonNode.Parse(await ReadAsync(archive, "host.json"))!;
            Assert.Null(host["customHandler"]);

            // Nothing for development: no Development settings, no development keys in what ships.
            Assert.DoesNotContain(names, n => n.Contains("Development", StringComparison.OrdinalIgnoreCase));
            var settings = await ReadAsync(archive, "appsettings.json");
            Assert.DoesNotContain("DevSigningKey", settings, StringComparison.Ordinal);
            Assert.DoesNotContain("SigningKey", settings, StringComparison.Ordinal);

            var metadata = JsonNode.Parse(await ReadAsync(archive, "functions.metadata"))!.AsArray();
            await using var app = await TestApp.StartAsync(azurite);
            var declared = Declared(metadata);
            Assert.Equal(Served(app), declared);

            // The host runs the orchestrations from the same metadata: the notice's orchestrator and its activities are there.
            Assert.Contains("NoticeOrchestration orchestrationTrigger", declared);
            Assert.Contains("CloseNotice activityTrigger", declared);
            Assert.Contains("ReadClock activityTrigger", declared);

            // The daily supervision of award holders, at 01:00 Asia/Shanghai, starting orchestrations through its client.
            Assert.Contains("HolderSupervision timer 0 0 17 * * *", declared);
            Assert.Contains("HolderDutyOrchestration orchestrationTrigger", declared);
            Assert.Contains("SubmissionWindowOrchestration orchestrationTrigger", declared);
            Assert.Contains(metadata, f => (string)f!["name"]! == "HolderSupervision" && f["bindings"]!.AsArray().Any(b => (string)b!["type"]! == "durableClient"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>What functions.metadata tells the host: name, trigger, and route and methods or schedule or queue.</summary>
    private static SortedSet<string> Declared(JsonArray metadata)
    {
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var function in metadata)
        {
            var name = (string)function!["name"]!;
            // The trigger, not the other inputs (a [DurableClient] is an input binding too).
            var trigger = function["bindings"]!.AsArray().Single(b => ((string)b!["type"]!).EndsWith("Trigger", StringComparison.Ordinal))!;
            var type = (string)trigger["type"]!;
            lines.Add(type switch
            {
                "httpTrigger" => $"{name} http {string.Join(",", trigger["methods"]!.AsArray().Select(m => ((string)m!).ToUpperInvariant()).Order())} /{(string?)trigger["route"] ?? name}",
                "timerTrigger" => $"{name} timer {(string)trigger["schedule"]!}",
                "queueTrigger" => $"{name} queue {(string)trigger["queueName"]!} {(string?)trigger["connection"]}",
                _ => $"{name} {type}",
            });
        }

        return lines;
    }

    /// <summary>What the local host serves: the endpoints it mapped, and the timers and queues it runs.</summary>
    private static SortedSet<string> Served(TestApp app)
    {
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        var catalog = app.Services.GetRequiredService<FunctionCatalog>();
        var functionNames = catalog.Http.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var endpoint in app.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            if (endpoint.DisplayName is { } name && functionNames.Contains(name))
            {
                var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods;
                lines.Add($"{name} http {string.Join(",", methods.Order())} {endpoint.RoutePattern.RawText}");
            }
        }

        foreach (var timer in catalog.Timers)
        {
            lines.Add($"{timer.Name} timer {timer.Schedule}");
        }

        foreach (var queue in catalog.Queues)
        {
            lines.Add($"{queue.Name} queue {queue.Queue} {queue.Connection}");
        }

        // The orchestrators and activities the local host registered with the Durable Task worker.
        foreach (var orchestrator in catalog.Orchestrators)
        {
            lines.Add($"{orchestrator.Name} orchestrationTrigger");
        }

        foreach (var activity in catalog.Activities)
        {
            lines.Add($"{activity.Name} activityTrigger");
        }

        return lines;
    }

    private static async Task<string> ReadAsync(ZipArchive archive, string name)
    {
        using var reader = new StreamReader(archive.GetEntry(name)!.Open());
        return await reader.ReadToEndAsync();
    }
}
