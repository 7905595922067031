using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Tests.Infrastructure;
using QualityAward.Functions.Tests.Review;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Tests.Workflow;

/// <summary>
/// Where it stands (issue 15) and nothing stuck silently (issue 16, cases 5 and 6), through the
/// HTTP API on Weihai (威政发〔2023〕16号): the candidate list can be published the moment it is
/// formed; an application a closed notice could not move on is on the office's worklist with the
/// reason and the commands that move it, and moves on once the office acts; each application's
/// orchestration shows the step it waits for, who holds it, until when, and overdue once past that.
/// </summary>
public sealed class WhereItStandsTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private const string Cycle = "weihai-2026";
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));
    private TestApp _app = null!;
    private HttpClient _office = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite, Start);
        _office = _app.As(Roles.Office, subject: "office-1", name: "评审办公室");
        await (await _office.PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-03-31" })).ExpectAsync(201);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<string> SubmittedAsync(string name, int n)
    {
        var subject = $"applicant-{n}";
        return await Applicants.SubmitAsync(_app, _app.As(Roles.Applicant, subject: subject), subject, Cycle, Forms.WeihaiOrganisation(name, ReviewFlow.CreditCodeFor(n)));
    }

    /// <summary>Recommended, surveyed, accepted through the API; the three panel scores recorded as reports would (share of the sheet): at the composite evaluation.</summary>
    private async Task<string> AtCompositeAsync(string name, int n, decimal share)
    {
        var id = await SubmittedAsync(name, n);
        await (await _app.As(Roles.Recommender, affiliation: "371000:huancui").PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐。" })).ExpectAsync(200);
        await (await _office.PostJsonAsync($"/api/applications/{id}/opinion-survey", new { favourable = true, summary = "未发现负面舆情" })).ExpectAsync(200);
        await (await _office.PostJsonAsync($"/api/applications/{id}/accept", new { })).ExpectAsync(200);
        var streams = _app.Services.GetRequiredService<Streams>();
        var policy = (await streams.LoadAsync(StreamKinds.Cycle, CycleId.Parse(Cycle).Value.StreamId, CancellationToken.None)).Policy;
        foreach (var stage in new[] { StageKind.MaterialReview, StageKind.SiteReview, StageKind.Presentation })
        {
            await Holders.RunAsync(_app, id, new RecordStageScore(stage, policy.Scoring.SheetFor(ApplicantCategory.Organisation).MaxTotal * share, $"{stage}报告"), new Actor("office-1", Roles.Office));
        }

        return id;
    }

    private async Task<JsonElement> ApplicationAsync(string id) => await (await _office.GetAsync($"/api/applications/{id}")).ExpectAsync(200);

    private async Task<JsonElement[]> WorklistAsync() => [.. (await (await _office.GetAsync($"/api/cycles/{Cycle}/worklist")).ExpectAsync(200)).EnumerateArray()];

    private async Task<JsonElement> WaitingForAsync(string applicationId)
    {
        var view = await (await _office.GetAsync($"/api/applications/{applicationId}/workflow")).ExpectAsync(200);
        return view.GetProperty("orchestration").GetProperty("waitingFor");
    }

    [Fact]
    public async Task AFailedConsultationRound_IsOnTheWorklist_WithWhyItFailed()
    {
        // A round's orchestration that cannot even read its input fails at once; the worklist finds
        // rounds by a query, whose answer can leave out the failure, so it must read it by id.
        var round = Orchestrations.Consultation($"{Cycle}-c9");
        await _app.Durable.ScheduleNewOrchestrationInstanceAsync(nameof(QualityAward.Functions.Consultations.ConsultationOrchestration), null, new Microsoft.DurableTask.StartOrchestrationOptions(round));
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            var ended = await _app.Durable.WaitForInstanceCompletionAsync(round, getInputsAndOutputs: false, wait.Token);
            Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Failed, ended.RuntimeStatus);
        }

        var failed = Assert.Single(await WorklistAsync(), i => i.Str("kind") == "failed");
        Assert.Equal(("orchestration.failed", round), (failed.Str("code"), failed.Str("instanceId")));
        Assert.DoesNotContain("unknown", failed.Str("zh"), StringComparison.Ordinal);
        Assert.Contains("须由运维人员查看并重新启动", failed.Str("zh"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submitted_TheApplicationsOrchestrationShowsTheStep_WhoHoldsIt_AndTheOfficeAndSupervisionAloneMayAsk()
    {
        var id = await SubmittedAsync("威海甲精密机械有限公司", 1);
        await _app.SettleAsync();

        var view = await (await _office.GetAsync($"/api/applications/{id}/workflow")).ExpectAsync(200);
        Assert.Equal("application.recommendation", view.GetProperty("standing").Str("waitsFor"));
        var orchestration = view.GetProperty("orchestration");
        Assert.Equal(($"application-{id}", "ApplicationOrchestration", "running"), (orchestration.Str("instanceId"), orchestration.Str("name"), orchestration.Str("runtimeStatus")));
        var waiting = orchestration.GetProperty("waitingFor");
        Assert.Equal("application.recommendation", waiting.Str("code"));
        Assert.Contains("推荐单位", waiting.Str("zh"));
        Assert.StartsWith("recommender:", waiting.Str("holder"));

        // The cycle's view lists it with the others of the cycle.
        var cycle = await (await _app.As(Roles.Supervisor).GetAsync($"/api/cycles/{Cycle}/workflow")).ExpectAsync(200);
        Assert.Contains($"application-{id}", cycle.GetProperty("orchestrations").EnumerateArray().Select(o => o.Str("instanceId")));

        // A reviewer, the applicant itself, a recommender: not theirs to ask.
        foreach (var role in new[] { Roles.Reviewer, Roles.Applicant, Roles.Recommender, Roles.Committee })
        {
            var caller = _app.As(role, subject: role == Roles.Applicant ? "applicant-1" : null);
            await (await caller.GetAsync($"/api/applications/{id}/workflow")).ExpectAsync(403);
            await (await caller.GetAsync($"/api/cycles/{Cycle}/workflow")).ExpectAsync(403);
            await (await caller.GetAsync($"/api/cycles/{Cycle}/worklist")).ExpectAsync(403);
        }

        Assert.Equal("application.not-found", (await (await _office.GetAsync("/api/applications/app-00000000000000000000000000000000/workflow")).ExpectAsync(404)).Str("code"));
        Assert.Equal("cycle.not-found", (await (await _office.GetAsync("/api/cycles/weihai-1999/worklist")).ExpectAsync(404)).Str("code"));
    }

    [Fact]
    public async Task Issue16_Case5And6_TheCandidatesNoticeAtOnce_ARefusedMoveOnIsOnTheWorklist_WithItsReasonAndCommands_UntilTheOfficeActs()
    {
        var a = await AtCompositeAsync("威海甲精密机械有限公司", 1, 0.9m);
        var b = await AtCompositeAsync("威海乙海洋科技有限公司", 2, 0.5m);
        var c = await AtCompositeAsync("威海丙医疗器械有限公司", 3, 0.8m);
        await (await _office.PostJsonAsync($"/api/cycles/{Cycle}/composite", new { })).ExpectAsync(200);

        // Case 5: the candidate list, and its notice the moment the office is told (no wait, no retry).
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 13, 9, 0, 0, TimeSpan.FromHours(8)));
        await (await _office.PostJsonAsync($"/api/cycles/{Cycle}/candidates", new { candidates = new Dictionary<string, string> { [a] = "recognition", [c] = "recognition" } })).ExpectAsync(200);
        var notice = await (await _office.PostJsonAsync($"/api/cycles/{Cycle}/notices", new { list = "candidates", firstDay = "2026-04-13" })).ExpectAsync(201);
        var entries = notice.GetProperty("entries").EnumerateArray().ToDictionary(e => e.Str("name"), e => e.GetProperty("entry").GetInt32());
        Assert.Equal(new[] { "威海丙医疗器械有限公司", "威海甲精密机械有限公司" }.Order(), entries.Keys.Order());
        Assert.Equal("notSelected", (await ApplicationAsync(b)).Str("status"));
        var noticeId = notice.Str("noticeId");

        // During the notice a department reports an adverse record on a (as a consultation answer records it),
        // and someone objects to c.
        await Holders.RunAsync(_app, a, new ReportAdverseRecord("weihai-2026-c9", Department.Tax, "2025年度存在欠缴税款记录。"), Actor.System);
        await (await _app.Anonymous().PostJsonAsync($"/api/public/notices/{noticeId}/objections", new { entry = entries["威海丙医疗器械有限公司"], realName = false, text = "该公司产品曾被抽检不合格。" })).ExpectAsync(201);

        // The period ends with the objection open: both wait past what the notice stage expects.
        var closesAt = notice.GetProperty("closesAt").GetDateTimeOffset();
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 18, 0, 0, 1, TimeSpan.FromHours(8)));
        await _app.SettleAsync();
        var overdue = (await WorklistAsync()).Where(i => i.Str("kind") == "overdue").ToDictionary(i => i.Str("subject"));
        Assert.Equal(new[] { a, c }.Order(), overdue.Keys.Order());
        Assert.Equal("notice.objections-open", overdue[c].Str("code"));
        Assert.Equal(closesAt, overdue[c].GetProperty("until").GetDateTimeOffset());
        Assert.Contains("RecordObjectionFinding", overdue[c].GetProperty("commands").EnumerateArray().Select(s => s.Str("command")));
        var cWaits = await WaitingForAsync(c);
        Assert.True(cWaits.GetProperty("overdue").GetBoolean());
        Assert.Equal(closesAt, cWaits.GetProperty("until").GetDateTimeOffset());

        // The finding: not upheld. The notice closes; c moves on; a cannot (case 6): nothing is dropped.
        var objectionId = (await (await _office.GetAsync($"/api/notices/{noticeId}/objections")).ExpectAsync(200))[0].Str("objectionId");
        await (await _office.PostJsonAsync($"/api/notices/{noticeId}/objections/{objectionId}/finding", new { upheld = false, finding = "经核查，抽检不合格系2019年旧事，已整改，异议不成立。" })).ExpectAsync(200);
        await _app.WaitForOrchestrationAsync(Orchestrations.Notice(noticeId));
        await _app.SettleAsync();
        Assert.Equal("deliberation", (await ApplicationAsync(c)).Str("stage"));
        Assert.Equal("publicNotice", (await ApplicationAsync(a)).Str("stage"));

        var stuck = Assert.Single(await WorklistAsync());
        Assert.Equal(("refused", a, "application.adverse-record-open", Orchestrations.Notice(noticeId)), (stuck.Str("kind"), stuck.Str("subject"), stuck.Str("code"), stuck.Str("instanceId")));
        Assert.Contains("不良记录", stuck.Str("zh"));
        var commands = stuck.GetProperty("commands").EnumerateArray().Select(s => (s.Str("command"), s.Str("role"))).ToList();
        Assert.Contains(("DismissAdverseRecord", Roles.Office), commands);
        Assert.Contains(("Disqualify", Roles.Office), commands);
        Assert.Equal("application.adverse-record-open", (await WaitingForAsync(a)).Str("code"));

        // The cycle's orchestrations: the notice completed, each application's running (b's ended with it).
        var all = (await (await _office.GetAsync($"/api/cycles/{Cycle}/workflow")).ExpectAsync(200)).GetProperty("orchestrations").EnumerateArray().ToDictionary(o => o.Str("instanceId"));
        Assert.Equal("completed", all[Orchestrations.Notice(noticeId)].Str("runtimeStatus"));
        Assert.Equal("closed-with-refusals", all[Orchestrations.Notice(noticeId)].GetProperty("waitingFor").Str("code"));
        Assert.Equal("completed", all[Orchestrations.Application(b)].Str("runtimeStatus"));
        Assert.Equal("running", all[Orchestrations.Application(a)].Str("runtimeStatus"));

        // The office decides the record does not stop it: a's orchestration moves it past the closed notice.
        await (await _office.PostJsonAsync($"/api/applications/{a}/adverse-records/dismiss", new { consultationId = "weihai-2026-c9", department = "tax", reason = "已补缴税款，不影响认定。" })).ExpectAsync(200);
        await _app.SettleAsync();
        Assert.Equal("deliberation", (await ApplicationAsync(a)).Str("stage"));
        Assert.Empty(await WorklistAsync());
        Assert.Equal("cycle.winners", (await WaitingForAsync(a)).Str("code"));
    }
}
