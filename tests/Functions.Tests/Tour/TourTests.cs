using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using QualityAward.Domain;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Tests.Infrastructure;
using QualityAward.Tour;
using Xunit.Abstractions;

namespace QualityAward.Functions.Tests.Tour;

/// <summary>
/// The guided tour (tools/Tour, scripts/tour.sh) as an end-to-end test: for each preset, the same
/// walk runs against an app with the local mailbox on (as scripts/run.sh runs it), from the call
/// to the announcement through the HTTP API, on a rehearsal cycle whose clock the tour moves through
/// the API past the deadline and each notice period, the departments answering by the links in their mails.
/// </summary>
public sealed class TourTests(Azurite azurite, ITestOutputHelper log) : IClassFixture<Azurite>
{
    /// <summary>The rehearsal's first day: a spring the working-day calendar covers.</summary>
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    /// <summary>Real time, as when the tour was first run: December, the next year's holidays not yet published. The rehearsal runs in the past, on its own clock.</summary>
    private static readonly DateTimeOffset RealTime = new(2026, 12, 7, 9, 0, 0, TimeSpan.FromHours(8));

    public static TheoryData<string> Presets => new(PolicyPresets.Ids);

    [Theory]
    [MemberData(nameof(Presets))]
    public async Task TheTour_WalksTheCycleToTheAnnouncement_WithTheDepartmentsAnsweringByTheLinksInTheLocalMailbox(string preset)
    {
        var port = Azurite.FreePort();
        await using var app = await TestApp.StartAsync(azurite, RealTime, configure: b => TestApp.LocalMailbox(b, port, Enum.GetNames<Department>().ToDictionary(d => d, d => $"{d.ToLowerInvariant()}@example.gov.cn"), "tour-test-consultation-link-key-0123456789abcdef"));
        var output = new StringWriter();
        var clients = new TourClients(p => app.As(p.Role, p.Subject, p.Affiliation, p.Name), app.Anonymous(), app.Anonymous(), app.Address);
        var tour = new GuidedTour(new TourOptions(preset, Path.Combine(Repository.Root, "examples", "forms"), DateOnly.FromDateTime(Start.DateTime)), clients, new RehearsalClock(clients.As(GuidedTour.OfficePerson), output), output);
        TourResult result;
        try
        {
            result = await tour.RunAsync(CancellationToken.None);
        }
        finally
        {
            log.WriteLine(output.ToString());
        }

        // It reached the announcement: winners with their certificates.
        Assert.NotEmpty(result.Winners);
        Assert.All(result.Winners, w => Assert.False(string.IsNullOrEmpty(w.CertificateNumber), $"{w.ApplicationId} has no certificate number"));
        var certificate = await app.As(Roles.Office).GetAsync(new Uri(result.Winners[0].CertificateUrl).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, certificate.StatusCode);
        Assert.Contains("获奖名单 / The winners", output.ToString());

        // Each step printed: its Chinese line, its English line, where to look.
        var lines = output.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var steps = lines.Select((l, i) => (l, i)).Where(x => System.Text.RegularExpressions.Regex.IsMatch(x.l, @"^\s*\d+\. \S")).ToList();
        Assert.True(steps.Count > 10, $"only {steps.Count} steps printed");
        Assert.All(steps, s => Assert.StartsWith("     看这里 Look: http", lines[s.i + 2]));

        // Every consultation stage of the policy had its round, each department answered through its mail's link.
        var consultations = PolicyPresets.Get(preset).Stages.Count(s => s.Kind == StageKind.Consultation);
        Assert.Equal(consultations, result.ConsultationRounds.Count);
        var mailbox = await (await app.Anonymous().GetAsync("/_mailbox")).Content.ReadAsStringAsync();
        foreach (var round in result.ConsultationRounds)
        {
            var view = await (await app.As(Roles.Office).GetAsync($"/api/cycles/{result.CycleId}/consultations/{round}")).ExpectAsync(200);
            Assert.All(view.GetProperty("departments").EnumerateArray(), d => Assert.True(d.GetProperty("answered").GetBoolean(), $"{round}: {d.Str("department")} did not answer"));
            Assert.All(view.GetProperty("mails").EnumerateArray(), m => Assert.Contains(m.Str("to"), mailbox));
        }

        Assert.Equal(consultations > 0, result.RepliesByLink > 0);
    }

    [Fact]
    public async Task TheTour_StopsAtTheFirstRefusal_WithTheAppsProblemDetails()
    {
        // A deployment that does not allow rehearsals refuses the tour's first step (403 rehearsal.not-allowed).
        await using var app = await TestApp.StartAsync(azurite, Start, configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Rehearsals:Allowed"] = "false" }));
        var output = new StringWriter();
        var clients = new TourClients(p => app.As(p.Role, p.Subject, p.Affiliation, p.Name), app.Anonymous(), app.Anonymous(), app.Address);
        var tour = new GuidedTour(new TourOptions("weihai", Path.Combine(Repository.Root, "examples", "forms"), DateOnly.FromDateTime(Start.DateTime)), clients, new RehearsalClock(clients.As(GuidedTour.OfficePerson), output), output);

        var failed = await Assert.ThrowsAsync<TourStepFailed>(() => tour.RunAsync(CancellationToken.None));
        Assert.StartsWith("POST /api/cycles → 403", failed.Message);
        Assert.Contains("\"code\": \"rehearsal.not-allowed\"", failed.Message);
        Assert.Contains("本系统未开放演练", failed.Message);
        Assert.Empty((await (await app.As(Roles.Office).GetAsync("/api/cycles")).ExpectAsync(200)).EnumerateArray());
    }
}
