using System.IO.Compression;
using System.Text.Json.Nodes;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Infra;

/// <summary>
/// scripts/package.sh end to end: the self-contained linux-x64 publish (about 40 s on two shared
/// cores, measured once: fast enough to run here), host.json at the root, one
/// <c>{Function}/function.json</c> per trigger of the trigger table with that trigger's binding
/// (queue names with the storage prefix), nothing else at the top level besides <c>app/</c>, and
/// the executable the host starts (host.json's defaultExecutablePath) present and executable.
/// </summary>
public sealed class PackageTests
{
    [Fact]
    public async Task Package_HoldsHostJsonAtTheRoot_AndAFunctionJsonForEveryTrigger()
    {
        var dir = Directory.CreateTempSubdirectory("qa-package-");
        try
        {
            var zip = Path.Combine(dir.FullName, "qualityaward.zip");

            var result = await Tools.RunAsync(
                "bash",
                [Path.Combine(Repository.Root, "scripts", "package.sh"), "--storage-prefix", "prod", "--output", zip],
                Repository.Root,
                TimeSpan.FromMinutes(8));

            Assert.True(result.ExitCode == 0, result.ToString());
            using var archive = ZipFile.OpenRead(zip);
            var names = archive.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);

            Assert.Contains("host.json", names);
            using (var reader = new StreamReader(archive.GetEntry("host.json")!.Open()))
            {
                Assert.Equal(File.ReadAllText(Path.Combine(Repository.Root, "host.json")), await reader.ReadToEndAsync());
            }

            foreach (var trigger in TriggerTable.All)
            {
                var entry = archive.GetEntry($"{trigger.Name}/function.json");
                Assert.True(entry is not null, $"{trigger.Name}/function.json is missing from the package");
                using var reader = new StreamReader(entry!.Open());
                var binding = JsonNode.Parse(await reader.ReadToEndAsync())!["bindings"]![0]!;
                var expected = trigger.Kind switch
                {
                    TriggerKind.Http => "httpTrigger",
                    TriggerKind.Timer => "timerTrigger",
                    _ => "queueTrigger",
                };
                Assert.Equal(expected, (string?)binding["type"]);
                if (trigger.Kind == TriggerKind.Queue)
                {
                    Assert.Equal($"prod-{trigger.Queue}", (string?)binding["queueName"]);
                }
            }

            var executable = archive.GetEntry("app/QualityAward.Functions");
            Assert.True(executable is not null, "app/QualityAward.Functions (host.json's defaultExecutablePath) is missing");
            var mode = (UnixFileMode)((executable!.ExternalAttributes >> 16) & 0x1FF);
            Assert.True(mode.HasFlag(UnixFileMode.UserExecute), $"app/QualityAward.Functions is not executable ({mode})");
            Assert.Contains("app/appsettings.json", names);

            var topLevel = names.Select(n => n.Split('/')[0]).Where(n => n.Length > 0).ToHashSet(StringComparer.Ordinal);
            var expectedTop = TriggerTable.All.Select(t => t.Name).Append("host.json").Append("app").ToHashSet(StringComparer.Ordinal);
            Assert.Empty(topLevel.Except(expectedTop));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
