using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using QualityAward.Domain;
using QualityAward.Functions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace QualityAward.Functions.Tests.Faults;

/// <summary>
/// Storage stops in the middle of a run and comes back. The shared test Azurite is in memory and
/// used by every other test, so this test runs its own, on disk, and kills and restarts it on the
/// same ports and folder (stopped, as a storage outage is, not its disk lost: see StopAzuriteAsync). Afterwards every request that was answered 2xx is there exactly once,
/// and every request during the outage was answered 503 with Retry-After (or failed outright), never 2xx without data.
/// </summary>
public sealed class StorageOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const string Cycle = "weihai-2026";
    private readonly DirectoryInfo _location = Directory.CreateTempSubdirectory("qa-outage-");
    private readonly (int Blob, int Queue, int Table) _ports = (Azurite.FreePort(), Azurite.FreePort(), Azurite.FreePort());
    private Process? _azurite;

    private string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{_ports.Blob}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{_ports.Queue}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{_ports.Table}/devstoreaccount1;";

    public async Task InitializeAsync() => await StartAzuriteAsync();

    public async Task DisposeAsync()
    {
        await StopAzuriteAsync();
        _location.Delete(recursive: true);
    }

    [Fact]
    public async Task StorageKilledAndRestartedMidRun_EveryAcceptedRequestIsThereOnce_NoneAcceptedWithoutData()
    {
        await using var app = await TestApp.StartAsync(ConnectionString);
        await (await app.As(Roles.Office, subject: "office-1").PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-03-31" })).ExpectAsync(201);

        // Ten requests with storage up, six at once while it is down (each waits out the storage
        // client's retries, so they go together), ten after it is back on the same ports and folder.
        const int Requests = 26;
        var outcomes = new List<(string Subject, int Status, string? ApplicationId, bool DuringOutage)>();
        var clock = Stopwatch.StartNew();
        outcomes.AddRange(await RunAsync(app, 0, 10, outage: false, parallel: false));
        await StopAzuriteAsync();
        outcomes.AddRange(await RunAsync(app, 10, 6, outage: true, parallel: true));
        await StartAzuriteAsync();
        outcomes.AddRange(await RunAsync(app, 16, 10, outage: false, parallel: false));

        // Read back, with storage up: each accepted draft is its applicant's one application.
        var verified = 0;
        foreach (var (subject, status, id, _) in outcomes.Where(o => o.Status is >= 200 and < 300))
        {
            var mine = await (await app.As(Roles.Applicant, subject: subject).GetAsync("/api/applications")).ExpectAsync(200);
            Assert.Equal(id, Assert.Single(mine.EnumerateArray()).Str("applicationId"));
            await (await app.As(Roles.Applicant, subject: subject).GetAsync($"/api/applications/{id}")).ExpectAsync(200);
            verified++;
        }

        var accepted = outcomes.Count(o => o.Status is >= 200 and < 300);
        var acceptedDuringOutage = outcomes.Count(o => o.DuringOutage && o.Status is >= 200 and < 300);
        var failedDuringOutage = outcomes.Count(o => o.DuringOutage && o.Status is not (>= 200 and < 300));
        output.WriteLine($"{outcomes.Count} requests in {clock.Elapsed.TotalSeconds:0.0} s: {accepted} accepted (2xx), {verified} verified after the restart; " +
            $"during the outage {failedDuringOutage} failed ({string.Join(", ", outcomes.Where(o => o.DuringOutage).GroupBy(o => o.Status).Select(g => $"{g.Count()}×{(g.Key == 0 ? "no answer" : g.Key.ToString(CultureInfo.InvariantCulture))}"))}) and {acceptedDuringOutage} were answered 2xx.");

        Assert.Equal(accepted, verified);
        Assert.Equal(Requests, outcomes.Count);
        Assert.True(accepted >= 20, $"Only {accepted} requests were accepted with storage up.");
        Assert.True(failedDuringOutage > 0, "Nothing failed while storage was down: the outage was not exercised.");
        Assert.All(outcomes.Where(o => o.Status is not (>= 200 and < 300)), o => Assert.True(o.Status is 0 or 503, $"{o.Subject}: {o.Status}"));
        Assert.All(outcomes.Where(o => !o.DuringOutage), o => Assert.InRange(o.Status, 200, 299));

        // A failed request left nothing half-made behind: the applicant has no draft, or exactly one.
        foreach (var (subject, _, _, _) in outcomes.Where(o => o.Status is not (>= 200 and < 300)))
        {
            var mine = await (await app.As(Roles.Applicant, subject: subject).GetAsync("/api/applications")).ExpectAsync(200);
            Assert.InRange(mine.GetArrayLength(), 0, 1);
        }
    }

    private static async Task<List<(string Subject, int Status, string? ApplicationId, bool DuringOutage)>> RunAsync(TestApp app, int first, int count, bool outage, bool parallel)
    {
        async Task<(string, int, string?, bool)> OneAsync(int i)
        {
            var subject = $"applicant-{i:00}";
            var client = app.As(Roles.Applicant, subject: subject);
            client.Timeout = TimeSpan.FromSeconds(20);
            try
            {
                using var response = await client.PostJsonAsync($"/api/cycles/{Cycle}/applications", new { category = "organisation" });
                var id = response.IsSuccessStatusCode ? (await response.ReadAsync()).Str("applicationId") : null;
                if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable)
                {
                    // A clear answer the client can act on: what happened, and when to try again.
                    Assert.NotNull(response.Headers.RetryAfter);
                    Assert.Equal("storage.unavailable", (await response.ReadAsync()).Str("code"));
                }

                return (subject, (int)response.StatusCode, id, outage);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return (subject, 0, null, outage);
            }
        }

        var indexes = Enumerable.Range(first, count);
        if (parallel)
        {
            return [.. await Task.WhenAll(indexes.Select(OneAsync))];
        }

        var results = new List<(string, int, string?, bool)>();
        foreach (var i in indexes)
        {
            results.Add(await OneAsync(i));
        }

        return results;
    }

    private async Task StartAzuriteAsync() =>
        _azurite = await Azurite.LaunchAsync(_ports.Blob, _ports.Queue, _ports.Table, _location.FullName);

    /// <summary>
    /// Stop storage with SIGTERM. Azurite keeps its tables in LokiJS and writes them to disk every
    /// few seconds and on a clean exit, so a SIGKILL loses the last seconds of every table (even the
    /// tables themselves): an artefact of the emulator, not of Azure Storage, which acknowledges a
    /// write only once it is durable. If it does not exit within 10 s it is killed.
    /// </summary>
    private async Task StopAzuriteAsync()
    {
        if (_azurite is { HasExited: false })
        {
            using (var term = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _azurite.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false }))
            {
                await term!.WaitForExitAsync();
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _azurite.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _azurite.Kill(entireProcessTree: true);
                await _azurite.WaitForExitAsync();
            }
        }

        _azurite?.Dispose();
        _azurite = null;
    }
}
