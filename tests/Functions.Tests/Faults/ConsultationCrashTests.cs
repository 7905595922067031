using System.Net;
using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Domain.Consultations;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Consultations;
using QualityAward.Functions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace QualityAward.Functions.Tests.Faults;

/// <summary>
/// The app dies in the middle of a consultation round's mail: Changde asks five departments about
/// two applicants; Graph throttles the first mail (429, Retry-After 30 s), fails the second (503),
/// takes the third, and takes the fourth but the app is killed before it reads the answer (the
/// fifth is still owed). A department answers before the kill, the others after the restart on
/// the same storage. Afterwards each department has had its mail, at most twice (decision record
/// 0003: the mail on the wire when the process died is sent once more when its claim expires),
/// each answer is recorded once, and the round closes once, moving each application on once.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ConsultationCrashTests(Azurite azurite, ITestOutputHelper output)
{
    private const string Cycle = "changde-2026";
    private const string RoundId = "changde-2026-c3";
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    /// <summary>The documented bound (decision record 0003): one mail, and at most one resend after a crash.</summary>
    private const int MaxMailsPerDepartment = 2;

    [Fact]
    public async Task AppKilledWhileTheRoundsMailIsOnTheWire_EachDepartmentGetsItsMail_EachAnswerIsRecordedOnce_TheRoundClosesOnce()
    {
        await using var graph = await GraphStandIn.StartAsync();
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var first = await TestApp.StartAsync(azurite, Start, prefix: prefix, configure: ConsultationTests.Configure(graph));
        await (await first.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "changde", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30", acknowledgeWarnings = true })).ExpectAsync(201);
        var applications = new[] { await AtConsultationAsync(first, "常德壬陶瓷有限公司"), await AtConsultationAsync(first, "常德子纸业有限公司") };

        // Mails go in the order of their rows: ecology (429), emergency (503), human resources (202),
        // market regulation (202, but its answer is held while the app is killed), tax (never tried).
        graph.FailNext(1, 429, retryAfterSeconds: 30);
        graph.FailNext(1, 503);
        var (onTheWire, release) = graph.HoldRequest(4);
        var opening = first.As(Roles.Office).PostJsonAsync($"/api/cycles/{Cycle}/consultations", new { });
        var reached = await Task.WhenAny(onTheWire, opening, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.Same(onTheWire, reached);

        // The one department whose mail has arrived answers at once, while the round's mail is still going out.
        Assert.Equal([429, 503, 202, 202], graph.Requests.Select(r => r.Answered));
        var early = graph.Requests[2];
        var earlyDepartment = DepartmentOf(early.To);
        var answeredEarly = await PostAnswerAsync(first, early.Link!, applications);
        Assert.Equal(HttpStatusCode.OK, answeredEarly.StatusCode);

        await first.KillAsync();
        release();
        var openingFailed = await Record.ExceptionAsync(async () => (await opening).Dispose());
        output.WriteLine($"Killed with {graph.Requests.Count} Graph requests made ({string.Join(", ", graph.Requests.Select(r => $"{DepartmentOf(r.To)} {r.Answered}"))}); " +
            $"{earlyDepartment} had answered; the office's request to open the round: {openingFailed?.GetType().Name ?? "answered"}.");
        Assert.NotNull(openingFailed);

        // The restart on the same storage. The office does not know whether the round opened, and asks again.
        await using var second = await TestApp.StartAsync(azurite, Start.AddSeconds(5), prefix: prefix, configure: ConsultationTests.Configure(graph));
        var reopened = await (await second.As(Roles.Office).PostJsonAsync($"/api/cycles/{Cycle}/consultations", new { })).ExpectAsync(200);
        Assert.Equal(RoundId, reopened.Str("consultationId"));

        // The host's outbox sweep and mail timers, until no mail is owed.
        var sweeps = 0;
        for (; sweeps < 20 && !await AllSentAsync(second); sweeps++)
        {
            await SweepAsync(second);
            await second.FireTimersAsync();
            second.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.True(await AllSentAsync(second), "Mails were still owed after 20 minutes of sweeps and timers.");

        // Every other department answers through its link (any of its mails: they carry the same link).
        var departments = ConsultationTests.Addresses.Keys.ToList();
        foreach (var department in departments.Where(d => d != earlyDepartment))
        {
            var links = MailsTo(graph, department).Select(m => m.Link).Distinct().ToList();
            Assert.Single(links);
            Assert.Equal(HttpStatusCode.OK, (await PostAnswerAsync(second, links[0]!, applications)).StatusCode);
        }

        // The early department posts again (its first answer was given before the crash): final, not recorded twice.
        Assert.Equal(HttpStatusCode.Conflict, (await PostAnswerAsync(second, early.Link!, applications)).StatusCode);

        // The answers' reactions (the round's close among them) are delivered twice, as after a host that died before deleting them.
        var twice = await second.DeliverReactionsTwiceAsync();
        await second.DrainReactionsAsync();
        var settled = await EventsAsync(second, applications);

        // Everything the host would run again runs again: nothing more happens.
        await SweepAsync(second);
        await second.FireTimersAsync();
        await second.DrainReactionsAsync();
        var again = await EventsAsync(second, applications);

        var round = await (await second.As(Roles.Office).GetAsync($"/api/cycles/{Cycle}/consultations/{RoundId}")).ExpectAsync(200);
        var mailsPer = departments.ToDictionary(d => d, d => MailsTo(graph, d).Count);
        var answers = settled.Where(e => e.Type == "DepartmentAnswered").GroupBy(e => ((DepartmentAnswered)e.Event).Department.ToString().ToLowerInvariant()).ToDictionary(g => g.Key, g => g.Count());
        var concluded = applications.ToDictionary(a => a, a => settled.Count(e => e.StreamId == ApplicationId.Parse(a).Value.StreamId && e.Type == "ConsultationConcluded"));
        output.WriteLine($"Graph: {graph.Requests.Count} requests ({graph.Requests.Count(r => r.Answered == 429)}×429, {graph.Requests.Count(r => r.Answered == 503)}×503), {graph.Delivered.Count} mails taken; " +
            $"per department {string.Join(", ", mailsPer.Select(x => $"{x.Key} {x.Value}"))} (bound {MaxMailsPerDepartment}); " +
            $"attempts per mail row {string.Join(", ", round.GetProperty("mails").EnumerateArray().Select(m => $"{m.Str("key")} {m.GetProperty("attempts").GetInt32()}"))}; {sweeps} sweep rounds after the restart.");
        output.WriteLine($"Answers recorded: {string.Join(", ", departments.Select(d => $"{d} {answers.GetValueOrDefault(d)}"))}; " +
            $"round closed {settled.Count(e => e.Type == "ConsultationClosed")} time(s), status {round.Str("status")}; " +
            $"consultation concluded per application {string.Join(", ", concluded.Values)} ({twice} reaction messages delivered twice); events {settled.Count} after settling, {again.Count} after running everything again.");

        Assert.True(twice > 0, "No reaction was waiting after the answers: nothing was delivered twice.");
        Assert.All(departments, d => Assert.InRange(mailsPer[d], 1, MaxMailsPerDepartment));
        Assert.Equal(departments.Count + 1, graph.Delivered.Count); // only the mail on the wire at the kill went twice
        Assert.Equal(2, mailsPer[DepartmentOf(graph.Requests[3].To)]);
        Assert.All(graph.Delivered.GroupBy(m => m.MailId), g => Assert.Single(g.Select(m => m.Link).Distinct()));
        Assert.All(departments, d => Assert.Equal(1, answers.GetValueOrDefault(d)));
        Assert.Equal(1, settled.Count(e => e.Type == "ConsultationOpened"));
        Assert.Equal(1, settled.Count(e => e.Type == "ConsultationClosed"));
        Assert.Equal("closed", round.Str("status"));
        Assert.All(concluded.Values, n => Assert.Equal(1, n));
        Assert.Equal(settled.Count, again.Count);
        foreach (var id in applications)
        {
            Assert.Equal("FormalReview", (await (await second.As(Roles.Office).GetAsync($"/api/applications/{id}")).ExpectAsync(200)).Str("stage"));
        }
    }

    private static async Task<string> AtConsultationAsync(TestApp app, string name)
    {
        var subject = "applicant-" + Guid.NewGuid().ToString("N");
        var id = await Applicants.SubmitAsync(app, app.As(Roles.Applicant, subject: subject), subject, Cycle, ConsultationTests.ChangdeForm(name, "91350100M000100Y43"));
        var recommended = await (await app.As(Roles.Recommender, affiliation: "wuling").PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐。", governmentApprovalReference = "武政函〔2026〕8号" })).ExpectAsync(200);
        Assert.Equal("Consultation", recommended.Str("stage"));
        return id;
    }

    private static string DepartmentOf(string address) => ConsultationTests.Addresses.Single(x => x.Value == address).Key;

    private static List<RecordedMail> MailsTo(GraphStandIn graph, string department) =>
        graph.Delivered.Where(m => m.To == ConsultationTests.Addresses[department]).ToList();

    /// <summary>A department's answer (无不良记录 for every applicant) through the link in its mail, on the app's loopback address.</summary>
    private static Task<HttpResponseMessage> PostAnswerAsync(TestApp app, string link, IEnumerable<string> applicationIds)
    {
        var uri = new Uri(link);
        var token = Uri.UnescapeDataString(uri.Query.Split("?t=")[1]);
        var fields = applicationIds.ToDictionary(id => "v-" + id, _ => "none");
        fields["t"] = token;
        fields["respondentName"] = "赵科长 0736-7000002";
        return app.Anonymous().PostAsync("/forms" + uri.AbsolutePath, new FormUrlEncodedContent(fields));
    }

    private static async Task<bool> AllSentAsync(TestApp app)
    {
        var round = await (await app.As(Roles.Office).GetAsync($"/api/cycles/{Cycle}/consultations/{RoundId}")).ExpectAsync(200);
        var mails = round.GetProperty("mails").EnumerateArray().ToList();
        return mails.Count == ConsultationTests.Addresses.Count && mails.All(m => m.Str("status") == "sent");
    }

    private static async Task SweepAsync(TestApp app) =>
        await app.RunTimerAsync("OutboxSweep");

    /// <summary>The round's events and the applications' events, as stored.</summary>
    private static async Task<List<StoredEvent>> EventsAsync(TestApp app, IEnumerable<string> applicationIds)
    {
        var store = app.Services.GetRequiredService<EventStore>();
        var events = new List<StoredEvent>(await store.ReadAfterAsync(ConsultationIds.StreamId(RoundId), 0, CancellationToken.None));
        foreach (var id in applicationIds)
        {
            events.AddRange(await store.ReadAfterAsync(ApplicationId.Parse(id).Value.StreamId, 0, CancellationToken.None));
        }

        return events;
    }
}
