using System.Net;
using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Domain.Consultations;
using QualityAward.Functions.Consultations;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Consultations;
using QualityAward.Functions.Tests.Infrastructure;
using QualityAward.Functions.Workflow;
using Xunit.Abstractions;

namespace QualityAward.Functions.Tests.Faults;

/// <summary>
/// The app dies in the middle of a consultation round's mail, with the round's orchestration on the
/// real engine over Azurite (the Azure Storage provider Durable Functions uses): Changde asks five
/// departments about two applicants; Graph throttles one mail (429, Retry-After 2 s), fails another
/// (503), takes the third, and takes the fourth but the app is killed before it reads the answer.
/// The department whose mail arrived answers before the kill, the others after the restart on the
/// same storage. Afterwards each department has had its mail, at most twice (the mail on the wire
/// when the process died goes once more: decisions 0003 and 0018), each answer is recorded once,
/// and the round closes once, moving each application on once — however often its steps run again.
/// </summary>
[Collection(Serial.Name)]
public sealed class ConsultationCrashTests(Azurite azurite, ITestOutputHelper output) : IClassFixture<Azurite>
{
    private const string Cycle = "changde-2026";
    private const string RoundId = "changde-2026-c3";
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    /// <summary>The documented bound (decision 0003, the mail log): one mail, and at most one more after a crash.</summary>
    private const int MaxMailsPerDepartment = 2;

    [Fact]
    public async Task AppKilledWhileTheRoundsMailIsOnTheWire_EachDepartmentIsMailedAtMostTwice_EachAnswerIsRecordedOnce_TheRoundClosesOnce()
    {
        await using var graph = await GraphStandIn.StartAsync();
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var first = await StartAsync(graph, prefix, Start);
        await (await first.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "changde", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30", acknowledgeWarnings = true })).ExpectAsync(201);
        var applications = new[] { await AtConsultationAsync(first, "常德壬陶瓷有限公司"), await AtConsultationAsync(first, "常德子纸业有限公司") };

        // The five mails go at once: the first Graph sees is throttled, the second fails, the third
        // is taken, the fourth is taken but its answer is held while the app is killed.
        graph.FailNext(1, 429, retryAfterSeconds: 2);
        graph.FailNext(1, 503);
        var (onTheWire, release) = graph.HoldRequest(4);
        await (await first.As(Roles.Office).PostJsonAsync($"/api/cycles/{Cycle}/consultations", new { })).ExpectAsync(201);
        Assert.Same(onTheWire, await Task.WhenAny(onTheWire, Task.Delay(TimeSpan.FromSeconds(30))));
        var held = await onTheWire;

        // A department whose mail arrived (not the held one) answers at once, while the round's mail
        // is still going out. (The mails go in parallel: the held one can reach Graph before a taken
        // one is recorded, so wait for one.)
        await Poll.UntilAsync(() => graph.Requests.Any(r => r.Answered == 202 && r != held), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20));
        var early = graph.Requests.First(r => r.Answered == 202 && r != held);
        var earlyDepartment = DepartmentOf(early.To);
        Assert.Equal(HttpStatusCode.OK, (await PostAnswerAsync(first, early.Link!, applications)).StatusCode);

        // Killed with the mail on the wire: Graph has taken it, but the dead process never learns so
        // (its answer stays held until the end, as a killed process would never read it).
        await first.KillAsync();
        output.WriteLine($"Killed with {graph.Requests.Count} Graph requests made ({string.Join(", ", graph.Requests.Select(r => $"{DepartmentOf(r.To)} {r.Answered}"))}); " +
            $"{DepartmentOf(held.To)}'s mail was on the wire; {earlyDepartment} had answered.");

        // The restart on the same storage. The office does not know whether the round opened, and asks again.
        var second = await StartAsync(graph, prefix, Start.AddSeconds(5));
        try
        {
            Assert.Equal(RoundId, (await (await second.As(Roles.Office).PostJsonAsync($"/api/cycles/{Cycle}/consultations", new { })).ExpectAsync(200)).Str("consultationId"));
            for (var settles = 0; !await AllSentAsync(second); settles++)
            {
                Assert.True(settles < 10, "Mails were still owed after ten rounds of settling.");
                await second.SettleAsync(TimeSpan.FromSeconds(90));
            }

            // Every other department answers through its link (any of its mails: they carry the same link).
            var departments = ConsultationTests.Addresses.Keys.ToList();
            foreach (var department in departments.Where(d => d != earlyDepartment))
            {
                var links = MailsTo(graph, department).Select(m => m.Link).Distinct().ToList();
                Assert.Single(links);
                Assert.Equal(HttpStatusCode.OK, (await PostAnswerAsync(second, links[0]!, applications)).StatusCode);
            }

            // The early department posts again (its answer was given before the crash): final, not recorded twice.
            Assert.Equal(HttpStatusCode.Conflict, (await PostAnswerAsync(second, early.Link!, applications)).StatusCode);
            var done = await second.WaitForOrchestrationAsync(Orchestrations.Consultation(RoundId), TimeSpan.FromSeconds(90));
            var settled = await EventsAsync(second, applications);

            // The orchestration's steps run again (an activity runs at least once): nothing more happens.
            var steps = ActivatorUtilities.CreateInstance<ConsultationSteps>(second.Services);
            Assert.Empty(await steps.RecordAnswersAsync(RoundId, second.Durable));
            Assert.Empty((await steps.ConcludeAsync(RoundId, second.Durable)).Held);
            Assert.Empty(await steps.OwedMailsAsync(RoundId));
            await second.SettleAsync();
            var again = await EventsAsync(second, applications);

            var round = await (await second.As(Roles.Office).GetAsync($"/api/cycles/{Cycle}/consultations/{RoundId}")).ExpectAsync(200);
            var mailsPer = departments.ToDictionary(d => d, d => MailsTo(graph, d).Count);
            var answers = settled.Where(e => e.Type == "DepartmentAnswered").GroupBy(e => ((DepartmentAnswered)e.Event).Department.ToString().ToLowerInvariant()).ToDictionary(g => g.Key, g => g.Count());
            var concluded = applications.ToDictionary(a => a, a => settled.Count(e => e.StreamId == ApplicationId.Parse(a).Value.StreamId && e.Type == "ConsultationConcluded"));
            output.WriteLine($"Graph: {graph.Requests.Count} requests ({graph.Requests.Count(r => r.Answered == 429)}×429, {graph.Requests.Count(r => r.Answered == 503)}×503), {graph.Delivered.Count} mails taken; " +
                $"per department {string.Join(", ", mailsPer.Select(x => $"{x.Key} {x.Value}"))} (bound {MaxMailsPerDepartment}); " +
                $"the delivery log: {string.Join(", ", round.GetProperty("mails").EnumerateArray().Select(m => $"{m.Str("key")} {m.Str("status")} after {m.GetProperty("attempts").GetInt32()} attempts"))}.");
            output.WriteLine($"Answers recorded: {string.Join(", ", departments.Select(d => $"{d} {answers.GetValueOrDefault(d)}"))}; " +
                $"round closed {settled.Count(e => e.Type == "ConsultationClosed")} time(s), status {round.Str("status")}; orchestration {done.RuntimeStatus}; " +
                $"consultation concluded per application {string.Join(", ", concluded.Values)}; events {settled.Count} when it finished, {again.Count} after its steps ran again.");

            Assert.All(departments, d => Assert.InRange(mailsPer[d], 1, MaxMailsPerDepartment));
            Assert.Equal(2, mailsPer[DepartmentOf(held.To)]);
            Assert.All(graph.Delivered.GroupBy(m => m.MailId), g => Assert.Single(g.Select(m => m.Link).Distinct()));
            Assert.All(departments, d => Assert.Equal(1, answers.GetValueOrDefault(d)));
            Assert.Equal(1, settled.Count(e => e.Type == "ConsultationOpened"));
            Assert.Equal(1, settled.Count(e => e.Type == "ConsultationClosed"));
            Assert.Equal("closed", round.Str("status"));
            Assert.All(concluded.Values, n => Assert.Equal(1, n));
            Assert.Equal(settled.Count, again.Count);
            foreach (var id in applications)
            {
                Assert.Equal("formalReview", (await (await second.As(Roles.Office).GetAsync($"/api/applications/{id}")).ExpectAsync(200)).Str("stage"));
            }
        }
        finally
        {
            release();
            await second.DisposeAsync();
        }
    }

    private Task<TestApp> StartAsync(GraphStandIn graph, string prefix, DateTimeOffset now) =>
        TestApp.StartAsync(azurite.ConnectionString, now, prefix: prefix, configure: b =>
        {
            ConsultationTests.Configure(graph)(b);
            TestApp.DurableOnAzurite(b);
        });

    private static async Task<string> AtConsultationAsync(TestApp app, string name)
    {
        var subject = "applicant-" + Guid.NewGuid().ToString("N");
        var id = await Applicants.SubmitAsync(app, app.As(Roles.Applicant, subject: subject), subject, Cycle, ConsultationTests.ChangdeForm(name, "91350100M000100Y43"));
        var recommended = await (await app.As(Roles.Recommender, affiliation: "430700:wuling").PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐。", governmentApprovalReference = "武政函〔2026〕8号" })).ExpectAsync(200);
        Assert.Equal("consultation", recommended.Str("stage"));
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
