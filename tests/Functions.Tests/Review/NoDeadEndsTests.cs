using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Review;

/// <summary>
/// Issue 16, cases 1-4, through the HTTP API: an order the regulation sets is kept and a premature
/// decision can be taken back before the announcement (Weihai §15-16); a panel a recusal left short
/// is completed (Weihai §14); a recused team leader is replaced by the office's appointment, under
/// 组长负责制 (Changde §19-20 with §36, Benxi §17 with §33); a re-score changes only what the leader
/// sent back. Every correction needs a reason a reader can see, and the trail keeps it.
/// </summary>
public sealed class NoDeadEndsTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    /// <summary>Zero-width spaces and a direction mark: something is sent, nothing can be read.</summary>
    private const string Invisible = "\u200B\u200B\u202E";

    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite, Start);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    // ---- case 1 ----------------------------------------------------------------------------------

    [Fact]
    public async Task Case1_WinnersWhileTheCandidatesNoticeIsOpen_AreRefusedUntilItCloses_AndAPrematureDecisionIsWithdrawnBeforeTheAnnouncementOnly()
    {
        var flow = await WeihaiAsync();
        var a = await WeihaiAcceptedAsync(flow, "威海甲精密机械有限公司", 1);
        await WeihaiPanelAsync(flow);
        foreach (var stage in new[] { "materialReview", "siteReview", "presentation" })
        {
            await flow.ReviewAsync(a, stage, "panel-1", "exp-1", ["exp-1", "exp-2", "exp-3"], 0.9m);
        }

        await (await flow.Office.PostJsonAsync("/api/cycles/weihai-2026/composite", new { })).ExpectAsync(200);
        await (await flow.Office.PostJsonAsync("/api/cycles/weihai-2026/candidates", new { candidates = new Dictionary<string, string> { [a] = "recognition" } })).ExpectAsync(200);
        await _app.SettleAsync();

        // §15: the candidate list is under notice for 5 working days (13-17 April); the leading group deliberates after it.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 13, 9, 0, 0, TimeSpan.FromHours(8)));
        await (await flow.Office.PostJsonAsync("/api/cycles/weihai-2026/notices", new { list = "candidates", firstDay = "2026-04-13" })).ExpectAsync(201);
        var winners = new { winners = new[] { new { applicationId = a, tier = "recognition" } }, minutes = "领导小组第3次会议审议：同意列入认定建议名单。" };

        var early = await (await flow.Committee.PostJsonAsync("/api/cycles/weihai-2026/winners", winners)).ExpectAsync(409);
        Assert.Equal("cycle.notice-open", early.Str("code"));
        Assert.Contains("公示结束后", early.Str("detail"));
        Assert.Contains("§15", early.Str("detail"));
        var english = flow.Committee;
        english.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("en"));
        var earlyEn = await (await english.PostJsonAsync("/api/cycles/weihai-2026/winners", winners)).ExpectAsync(409);
        english.DefaultRequestHeaders.AcceptLanguage.Clear();
        Assert.Equal("cycle.notice-open", earlyEn.Str("code"));
        Assert.Contains("waits for it to close", earlyEn.Str("detail"));
        Assert.Contains("§15", earlyEn.Str("detail"));
        Assert.Equal("publicNotice", (await flow.ApplicationAsync(a)).Str("stage"));

        // The notice closes after its fifth working day: the same decision goes through.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 18, 0, 0, 1, TimeSpan.FromHours(8)));
        await _app.SettleAsync();
        Assert.Equal("deliberation", (await flow.ApplicationAsync(a)).Str("stage"));
        await (await flow.Committee.PostJsonAsync("/api/cycles/weihai-2026/winners", winners)).ExpectAsync(200);
        await _app.SettleAsync();
        Assert.Equal("approval", (await flow.ApplicationAsync(a)).Str("stage"));

        // One application cannot be sent back while the decision that moved it stands.
        Assert.Equal("application.decision-stands", (await (await flow.Office.PostJsonAsync($"/api/applications/{a}/reopen", new { stage = "deliberation", reason = "名单有误" })).ExpectAsync(409)).Str("code"));
        await (await flow.Committee.PostJsonAsync($"/api/applications/{a}/reopen", new { stage = "deliberation", reason = "名单有误" })).ExpectAsync(403);

        // Withdrawn before the announcement: only by the office, only with a reason someone can read.
        const string withdraw = "/api/cycles/weihai-2026/decisions/winners/withdraw";
        await (await flow.Committee.PostJsonAsync(withdraw, new { reason = "会议纪要有误" })).ExpectAsync(403);
        Assert.Equal("cycle.reason-missing", (await (await flow.Office.PostJsonAsync(withdraw, new { reason = " " })).ExpectAsync(422)).Str("code"));
        Assert.Equal("text.no-visible-character", (await (await flow.Office.PostJsonAsync(withdraw, new { reason = Invisible })).ExpectAsync(422)).Str("code"));
        Assert.Equal("cycle.decision-unknown", (await (await flow.Office.PostJsonAsync("/api/cycles/weihai-2026/decisions/approvals/withdraw", new { reason = "会议纪要有误" })).ExpectAsync(422)).Str("code"));
        const string why = "领导小组会议纪要记载的名单与表决结果不符，撤回后重新审议";
        var withdrawn = await (await flow.Office.PostJsonAsync(withdraw, new { reason = why })).ExpectAsync(200);
        Assert.Equal(("winners", why), (withdrawn.Str("decision").ToLowerInvariant(), withdrawn.Str("reason")));
        Assert.Equal([a], withdrawn.GetProperty("returned").EnumerateArray().Select(e => e.GetString()!).ToArray());
        await _app.SettleAsync();

        // The application is back before the leading group, and its trail says why.
        Assert.Equal("deliberation", (await flow.ApplicationAsync(a)).Str("stage"));
        var history = (await (await flow.Office.GetAsync($"/api/applications/{a}/history")).ExpectAsync(200)).EnumerateArray().ToList();
        var reopened = history.Single(e => e.Str("type") == "StageReopened");
        Assert.Contains(why, reopened.Str("summary"));
        Assert.Equal("cycle.nothing-to-withdraw", (await (await flow.Office.PostJsonAsync(withdraw, new { reason = why })).ExpectAsync(409)).Str("code"));

        // Taken again, approved, announced: after the announcement only revocation applies.
        await (await flow.Committee.PostJsonAsync("/api/cycles/weihai-2026/winners", winners)).ExpectAsync(200);
        await _app.SettleAsync();
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 24, 10, 0, 0, TimeSpan.FromHours(8)));
        await (await flow.Office.PostJsonAsync($"/api/applications/{a}/approvals", new { stepCode = "city-government", reference = "威政字〔2026〕9号" })).ExpectAsync(200);
        await (await flow.Office.PostJsonAsync("/api/cycles/weihai-2026/announce", new { reference = "威政发〔2026〕5号", announcedOn = "2026-04-24" })).ExpectAsync(200);
        await _app.SettleAsync();
        Assert.Equal("awarded", (await flow.ApplicationAsync(a)).Str("status"));

        var late = await (await flow.Office.PostJsonAsync(withdraw, new { reason = why })).ExpectAsync(409);
        Assert.Equal("cycle.announced", late.Str("code"));
        Assert.Contains("撤销", late.Str("detail"));
        Assert.Equal("application.announced", (await (await flow.Office.PostJsonAsync($"/api/applications/{a}/reopen", new { stage = "deliberation", reason = why })).ExpectAsync(409)).Str("code"));
        Assert.Equal("awarded", (await flow.ApplicationAsync(a)).Str("status"));
    }

    // ---- case 2 ----------------------------------------------------------------------------------

    [Fact]
    public async Task Case2_ARecusalLeavesAPanelOfThreeWithTwo_TheOfficeAddsAMember_WhoScoresIndependently_AndTheReportIsSigned_WithoutTheRecusedOrReplacedScores()
    {
        var flow = await WeihaiAsync();
        var a = await WeihaiAcceptedAsync(flow, "威海甲精密机械有限公司", 1);
        var b = await WeihaiAcceptedAsync(flow, "威海乙海洋科技有限公司", 2);
        await WeihaiPanelAsync(flow);
        await flow.AddExpertAsync("exp-4", "烟台大学");
        await flow.AddExpertAsync("exp-5", "中国海洋大学");
        await flow.AssignAsync(a, "materialReview", "panel-1");

        // exp-3 declares a conflict and withdraws: two of three remain, and Weihai's trimmed mean needs three.
        await (await flow.Reviewer("exp-3").PostJsonAsync($"/api/applications/{a}/conflicts", new { relationship = "曾任该公司质量顾问" })).ExpectAsync(200);
        foreach (var m in new[] { "exp-1", "exp-2" })
        {
            await (await flow.ScoreAsync(m, a, "materialReview", 0.8m)).ExpectAsync(200);
        }

        var tooFew = await (await flow.Reviewer("exp-1").PostJsonAsync($"/api/applications/{a}/reviews/materialReview/report", new { summary = "材料审查报告" })).ExpectAsync(409);
        Assert.Equal("review.too-few-scores", tooFew.Str("code"));
        Assert.Contains("3", tooFew.Str("detail"));

        // The office adds a member, with a reason someone can read.
        const string members = "/api/cycles/weihai-2026/panels/panel-1/members";
        await (await flow.Supervisor.PostJsonAsync(members, new { expertId = "exp-4", reason = "补足评审组" })).ExpectAsync(403);
        await (await flow.Reviewer("exp-1").PostJsonAsync(members, new { expertId = "exp-4", reason = "补足评审组" })).ExpectAsync(403);
        Assert.Equal("reason.missing", (await (await flow.Office.PostJsonAsync(members, new { expertId = "exp-4", reason = "" })).ExpectAsync(422)).Str("code"));
        Assert.Equal("text.no-visible-character", (await (await flow.Office.PostJsonAsync(members, new { expertId = "exp-4", reason = Invisible })).ExpectAsync(422)).Str("code"));
        Assert.Equal("review.expert-not-in-pool", (await (await flow.Office.PostJsonAsync(members, new { expertId = "exp-9", reason = "补足评审组" })).ExpectAsync(422)).Str("code"));
        Assert.Equal("review.panel-not-found", (await (await flow.Office.PostJsonAsync("/api/cycles/weihai-2026/panels/panel-9/members", new { expertId = "exp-4", reason = "补足评审组" })).ExpectAsync(404)).Str("code"));
        const string added = "exp-3回避后评审组仅余2人，不足截尾平均所需的3名评审员，增补exp-4";
        var panel = await (await flow.Office.PostJsonAsync(members, new { expertId = "exp-4", reason = added })).ExpectAsync(200);
        Assert.Equal(["exp-1", "exp-2", "exp-3", "exp-4"], Strings(panel.GetProperty("members")));

        // The newcomer scores like the others: it sees their scores only after giving its own.
        var four = flow.Reviewer("exp-4");
        Assert.Equal("review.score-first", (await (await four.GetAsync($"/api/applications/{a}/reviews/materialReview/scores")).ExpectAsync(409)).Str("code"));
        await (await flow.ScoreAsync("exp-4", a, "materialReview", 0.7m)).ExpectAsync(200);
        await (await flow.Reviewer("exp-1").PostJsonAsync($"/api/applications/{a}/reviews/materialReview/report", new { summary = "材料审查报告" })).ExpectAsync(200);
        var aReport = (await (await flow.Office.GetAsync($"/api/applications/{a}/review")).ExpectAsync(200)).GetProperty("reports")[0];
        Assert.Equal(["exp-1", "exp-2", "exp-4"], aReport.GetProperty("totals").EnumerateObject().Select(t => t.Name).Order().ToArray());
        await _app.SettleAsync();
        Assert.Equal("siteReview", (await flow.ApplicationAsync(a)).Str("stage"));

        // b: all four score; the office then replaces exp-2, whose score on b stops counting; exp-5 scores in its place.
        await flow.AssignAsync(b, "materialReview", "panel-1");
        foreach (var m in new[] { "exp-1", "exp-2", "exp-3", "exp-4" })
        {
            await (await flow.ScoreAsync(m, b, "materialReview", m == "exp-2" ? 0.1m : 0.8m)).ExpectAsync(200);
        }

        const string replace = "/api/cycles/weihai-2026/panels/panel-1/members/exp-2/replace";
        Assert.Equal("text.no-visible-character", (await (await flow.Office.PostJsonAsync(replace, new { replacementId = "exp-5", reason = Invisible })).ExpectAsync(422)).Str("code"));
        Assert.Equal("review.already-member", (await (await flow.Office.PostJsonAsync(replace, new { replacementId = "exp-3", reason = "监督组反映" })).ExpectAsync(409)).Str("code"));
        Assert.Equal("review.not-a-member", (await (await flow.Office.PostJsonAsync("/api/cycles/weihai-2026/panels/panel-1/members/exp-9/replace", new { replacementId = "exp-5", reason = "监督组反映" })).ExpectAsync(404)).Str("code"));
        const string replaced = "监督组查实exp-2违反评审纪律（§25），取消其评审工作资格，由exp-5替换";
        panel = await (await flow.Office.PostJsonAsync(replace, new { replacementId = "exp-5", reason = replaced })).ExpectAsync(200);
        Assert.Equal(["exp-1", "exp-5", "exp-3", "exp-4"], Strings(panel.GetProperty("members"))); // the replacement takes the place
        Assert.Equal(["exp-2"], Strings(panel.GetProperty("formerMembers")));
        var waiting = await (await flow.Office.GetAsync($"/api/applications/{b}/reviews/materialReview/scores")).ExpectAsync(200);
        Assert.Equal(["exp-5"], Strings(waiting.GetProperty("waiting")));
        Assert.DoesNotContain("exp-2", waiting.GetProperty("scores").EnumerateArray().Select(s => s.Str("expertId")));
        await (await flow.ScoreAsync("exp-5", b, "materialReview", 0.8m)).ExpectAsync(200);
        await (await flow.Reviewer("exp-1").PostJsonAsync($"/api/applications/{b}/reviews/materialReview/report", new { summary = "材料审查报告" })).ExpectAsync(200);
        var bReport = (await (await flow.Office.GetAsync($"/api/applications/{b}/review")).ExpectAsync(200)).GetProperty("reports")[0];
        Assert.Equal(["exp-1", "exp-3", "exp-4", "exp-5"], bReport.GetProperty("totals").EnumerateObject().Select(t => t.Name).Order().ToArray());
        Assert.Equal(800m, bReport.GetProperty("points").GetDecimal()); // 0.8 of 1,000 from every score that counts; exp-2's 100 is gone

        // The trail keeps who changed the panel, when and why; the supervision group reads it.
        var aTrail = (await (await flow.Supervisor.GetAsync($"/api/cycles/weihai-2026/review-history?applicationId={a}")).ExpectAsync(200)).EnumerateArray().ToList();
        var addition = aTrail.Single(e => e.Str("type") == "PanelMemberAdded");
        Assert.Equal(("office", "评审办公室"), (addition.Str("actorRole"), addition.Str("actorName")));
        Assert.Contains(added, addition.Str("summary"));
        var bTrail = (await (await flow.Supervisor.GetAsync($"/api/cycles/weihai-2026/review-history?applicationId={b}")).ExpectAsync(200)).EnumerateArray().ToList();
        Assert.Contains(replaced, bTrail.Single(e => e.Str("type") == "PanelMemberReplaced").Str("summary"));
        Assert.Single(bTrail, e => e.Str("type") == "ReviewScoreSubmitted" && e.Str("actorName") == "exp-2"); // dropped from the count, kept on record
    }

    // ---- case 3 ----------------------------------------------------------------------------------

    [Fact]
    public async Task Case3_Changde_ARecusedTeamLeader_SignsNothing_NorDoesTheOffice_UntilTheOfficeAppointsAnother_WhoSigns()
    {
        var flow = new ReviewFlow(_app, "changde-2026", "changde");
        await (await flow.Office.PostJsonAsync("/api/cycles", new { policyId = "changde", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-03-31", acknowledgeWarnings = true })).ExpectAsync(201);
        var owner = _app.As(Roles.Applicant, subject: "changde-applicant-1");
        var a = await Applicants.SubmitAsync(_app, owner, "changde-applicant-1", "changde-2026", Forms.ChangdeOrganisation("常德甲科技有限公司", ReviewFlow.CreditCodeFor(101)));
        await (await _app.As(Roles.Recommender, affiliation: "430700:wuling").PostJsonAsync($"/api/applications/{a}/recommend", new { opinion = "经初审，同意推荐。", governmentApprovalReference = "武政函〔2026〕3号" })).ExpectAsync(200);
        Assert.Null((await _app.Services.GetRequiredService<ApplicationCommands>().RunAsync(a, new ConcludeConsultation(), new Actor("office-1", Roles.Office), $"consult-{a}", CancellationToken.None)).Refusal);
        await (await flow.Office.PostJsonAsync($"/api/applications/{a}/accept", new { })).ExpectAsync(200);

        // §18: the acceptance list under notice (13-17 April), then the material review (§19).
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 13, 9, 0, 0, TimeSpan.FromHours(8)));
        await (await flow.Office.PostJsonAsync("/api/cycles/changde-2026/notices", new { list = "acceptance", firstDay = "2026-04-13" })).ExpectAsync(201);
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 18, 0, 0, 1, TimeSpan.FromHours(8)));
        await _app.SettleAsync();
        Assert.Equal("materialReview", (await flow.ApplicationAsync(a)).Str("stage"));

        await RecusedLeaderIsReplacedByAppointmentAsync(flow, "changde-2026", a, "§19", ["湖南文理学院", "常德市质量技术研究所", "湖南省标准化研究院"]);
    }

    [Fact]
    public async Task Case3_Benxi_ARecusedTeamLeader_SignsNothing_NorDoesTheOffice_UntilTheOfficeAppointsAnother_WhoSigns()
    {
        // Benxi's window opens in January: this test's app starts then.
        await _app.DisposeAsync();
        _app = await TestApp.StartAsync(azurite, new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.FromHours(8)));
        var flow = new ReviewFlow(_app, "benxi-2026", "benxi");
        await (await flow.Office.PostJsonAsync("/api/cycles", new { policyId = "benxi", year = 2026, submissionOpensOn = "2026-01-05", submissionClosesOn = "2026-03-31", acknowledgeWarnings = true })).ExpectAsync(201);
        var owner = _app.As(Roles.Applicant, subject: "benxi-applicant-1");
        var a = await Applicants.SubmitAsync(_app, owner, "benxi-applicant-1", "benxi-2026", Forms.BenxiOrganisation("本溪甲钢铁有限公司", ReviewFlow.CreditCodeFor(201)));
        await (await _app.As(Roles.Recommender, affiliation: "210500:pingshan").PostJsonAsync($"/api/applications/{a}/recommend", new { opinion = "同意推荐。" })).ExpectAsync(200);
        await (await flow.Office.PostJsonAsync($"/api/applications/{a}/accept", new { })).ExpectAsync(200);

        // §16: the acceptance list under notice for 5 working days (across the Spring Festival), then the expert review (§17).
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 12, 9, 0, 0, TimeSpan.FromHours(8)));
        await (await flow.Office.PostJsonAsync("/api/cycles/benxi-2026/notices", new { list = "acceptance", firstDay = "2026-02-12" })).ExpectAsync(201);
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 26, 0, 0, 1, TimeSpan.FromHours(8)));
        await _app.SettleAsync();
        Assert.Equal("materialReview", (await flow.ApplicationAsync(a)).Str("stage"));

        await RecusedLeaderIsReplacedByAppointmentAsync(flow, "benxi-2026", a, "§17", ["东北大学", "本溪市质量技术监督检验所", "辽宁科技学院"]);
    }

    /// <summary>
    /// The panel's leader is recused on the supervision group's proposal (Changde §36; Benxi §33 has
    /// the same duty): nobody may sign in its place, the office is told to appoint another leader,
    /// does so with a reason, and the new leader signs; the recused leader's work counts for nothing.
    /// </summary>
    private async Task RecusedLeaderIsReplacedByAppointmentAsync(ReviewFlow flow, string cycleId, string a, string article, string[] employers)
    {
        await flow.AddExpertAsync("ld-1", employers[0]);
        await flow.AddExpertAsync("ld-2", employers[1]);
        await flow.AddExpertAsync("ld-3", employers[2]);
        await flow.FormPanelAsync("panel-1", "ld-1", "ld-1", "ld-2", "ld-3");
        await flow.AssignAsync(a, "materialReview", "panel-1");
        await (await flow.Supervisor.PostJsonAsync($"/api/applications/{a}/recusal-proposals", new { expertId = "ld-1", reason = "据反映组长曾为申报单位提供咨询服务" })).ExpectAsync(200);
        await (await flow.Office.PostJsonAsync($"/api/applications/{a}/recusals", new { expertId = "ld-1", recuse = true, reason = "经核实咨询服务仍在履行，组长回避" })).ExpectAsync(200);
        foreach (var m in new[] { "ld-2", "ld-3" })
        {
            await (await flow.ScoreAsync(m, a, "materialReview", 0.8m)).ExpectAsync(200);
        }

        var report = $"/api/applications/{a}/reviews/materialReview/report";
        var summary = new { summary = "材料评审报告：符合标准要求" };
        Assert.Equal("application.not-found", (await (await flow.Reviewer("ld-1").PostJsonAsync(report, summary)).ExpectAsync(404)).Str("code"));
        Assert.Equal("review.leader-only", (await (await flow.Reviewer("ld-2").PostJsonAsync(report, summary)).ExpectAsync(403)).Str("code"));
        var office = await (await flow.Office.PostJsonAsync(report, summary)).ExpectAsync(409);
        Assert.Equal("review.leader-recused", office.Str("code"));
        Assert.Contains("组长负责制", office.Str("detail"));
        Assert.Contains(article, office.Str("detail"));

        // The office appoints another member as leader, with its reason; a non-member cannot be.
        var leader = $"/api/cycles/{cycleId}/panels/panel-1/leader";
        Assert.Equal("review.leader-not-member", (await (await flow.Office.PostJsonAsync(leader, new { expertId = "ld-9", reason = "组长回避" })).ExpectAsync(422)).Str("code"));
        Assert.Equal("text.no-visible-character", (await (await flow.Office.PostJsonAsync(leader, new { expertId = "ld-2", reason = Invisible })).ExpectAsync(422)).Str("code"));
        await (await flow.Supervisor.PostJsonAsync(leader, new { expertId = "ld-2", reason = "组长回避" })).ExpectAsync(403);
        const string why = "原组长ld-1回避，另行指定ld-2为组长（组长负责制）";
        var panel = await (await flow.Office.PostJsonAsync(leader, new { expertId = "ld-2", reason = why })).ExpectAsync(200);
        Assert.Equal("ld-2", panel.Str("leader"));

        await (await flow.Reviewer("ld-2").PostJsonAsync(report, summary)).ExpectAsync(200);
        var signed = (await (await flow.Office.GetAsync($"/api/applications/{a}/review")).ExpectAsync(200)).GetProperty("reports")[0];
        Assert.Equal("ld-2", signed.Str("signedBy"));
        Assert.Equal(["ld-2", "ld-3"], signed.GetProperty("totals").EnumerateObject().Select(t => t.Name).Order().ToArray());
        await _app.SettleAsync();
        Assert.Contains("StageScored", await flow.HistoryTypesAsync(a));

        var trail = (await (await flow.Supervisor.GetAsync($"/api/cycles/{cycleId}/review-history?applicationId={a}")).ExpectAsync(200)).EnumerateArray().ToList();
        var appointed = trail.Single(e => e.Str("type") == "TeamLeaderAppointed");
        Assert.Equal("office", appointed.Str("actorRole"));
        Assert.Contains(why, appointed.Str("summary"));
    }

    // ---- another panel for a stage ------------------------------------------------------------

    [Fact]
    public async Task ReassignPanel_GivesTheStageToAnotherPanel_WhoseLeaderSigns_CountingOnlyTheScoresOfItsOwnMembers()
    {
        var flow = await WeihaiAsync();
        var a = await WeihaiAcceptedAsync(flow, "威海戊电子有限公司", 5);
        await WeihaiPanelAsync(flow);
        await flow.AddExpertAsync("exp-4", "烟台大学");
        await flow.AddExpertAsync("exp-5", "中国海洋大学");
        await flow.FormPanelAsync("panel-2", "exp-4", "exp-1", "exp-4", "exp-5");
        await flow.AssignAsync(a, "materialReview", "panel-1");
        foreach (var m in new[] { "exp-1", "exp-2", "exp-3" })
        {
            await (await flow.ScoreAsync(m, a, "materialReview", m == "exp-1" ? 0.8m : 0.2m)).ExpectAsync(200);
        }

        var reassign = $"/api/applications/{a}/reviews/materialReview/reassign";
        await (await flow.Reviewer("exp-1").PostJsonAsync(reassign, new { panelId = "panel-2", reason = "改派" })).ExpectAsync(403);
        Assert.Equal("text.no-visible-character", (await (await flow.Office.PostJsonAsync(reassign, new { panelId = "panel-2", reason = Invisible })).ExpectAsync(422)).Str("code"));
        Assert.Equal("review.panel-not-found", (await (await flow.Office.PostJsonAsync(reassign, new { panelId = "panel-9", reason = "改派" })).ExpectAsync(404)).Str("code"));
        Assert.Equal("review.stage-not-scored", (await (await flow.Office.PostJsonAsync($"/api/applications/{a}/reviews/deliberation/reassign", new { panelId = "panel-2", reason = "改派" })).ExpectAsync(422)).Str("code"));
        const string why = "监督组反映评审组panel-1两名成员评分明显失当，改由panel-2评审";
        var review = await (await flow.Office.PostJsonAsync(reassign, new { panelId = "panel-2", reason = why })).ExpectAsync(200);
        Assert.Equal("panel-2", review.GetProperty("assignments").EnumerateArray().Single().Str("panelId"));

        // exp-1 sits on both panels: its score stands; exp-2 and exp-3 are off the stage and cannot read the application now.
        await (await flow.Reviewer("exp-2").GetAsync($"/api/applications/{a}")).ExpectAsync(404);
        foreach (var m in new[] { "exp-4", "exp-5" })
        {
            await (await flow.ScoreAsync(m, a, "materialReview", 0.8m)).ExpectAsync(200);
        }

        await (await flow.Reviewer("exp-1").PostJsonAsync($"/api/applications/{a}/reviews/materialReview/report", new { summary = "材料审查报告" })).ExpectAsync(403);
        await (await flow.Reviewer("exp-4").PostJsonAsync($"/api/applications/{a}/reviews/materialReview/report", new { summary = "材料审查报告" })).ExpectAsync(200);
        var report = (await (await flow.Office.GetAsync($"/api/applications/{a}/review")).ExpectAsync(200)).GetProperty("reports")[0];
        Assert.Equal(["exp-1", "exp-4", "exp-5"], report.GetProperty("totals").EnumerateObject().Select(t => t.Name).Order().ToArray());
        Assert.Equal("review.report-signed", (await (await flow.Office.PostJsonAsync(reassign, new { panelId = "panel-1", reason = "再改派" })).ExpectAsync(409)).Str("code"));

        var trail = (await (await flow.Supervisor.GetAsync($"/api/cycles/weihai-2026/review-history?applicationId={a}")).ExpectAsync(200)).EnumerateArray().ToList();
        Assert.Contains(why, trail.Single(e => e.Str("type") == "PanelReassigned").Str("summary"));
    }

    // ---- case 4 ----------------------------------------------------------------------------------

    [Fact]
    public async Task Case4_TheLeaderSendsBack472And473_AResubmissionChanging412_IsRefused_AndOnlyTheItemsSentBackChange()
    {
        var flow = await WeihaiAsync();
        var a = await WeihaiAcceptedAsync(flow, "威海丁食品有限公司", 4);
        await WeihaiPanelAsync(flow);
        await flow.AssignAsync(a, "materialReview", "panel-1");
        foreach (var m in new[] { "exp-1", "exp-2", "exp-3" })
        {
            await (await flow.ScoreAsync(m, a, "materialReview", m == "exp-3" ? 0.9m : 0.5m)).ExpectAsync(200);
        }

        var resend = new { expertId = "exp-3", itemCodes = new[] { "4.7.2", "4.7.3" }, reason = "结果类评分与证据不符，请复评" };
        await (await flow.Reviewer("exp-1").PostJsonAsync($"/api/applications/{a}/reviews/materialReview/rescore", resend)).ExpectAsync(200);

        var scores = $"/api/applications/{a}/reviews/materialReview/scores";
        var sheet = await flow.ItemsAsync(0.9m);
        var before = sheet["4.1.2"];
        var outside = new Dictionary<string, decimal>(sheet) { ["4.7.2"] = 40m, ["4.7.3"] = 40m, ["4.1.2"] = before - 5m };
        var refused = await (await flow.Reviewer("exp-3").PostJsonAsync(scores, new { items = outside })).ExpectAsync(409);
        Assert.Equal("review.rescore-outside-items", refused.Str("code"));
        Assert.Contains("4.1.2", refused.Str("detail"));
        Assert.Equal(["items.4.1.2"], refused.GetProperty("problems").EnumerateArray().Select(p => p.Str("field")).ToArray());

        // The whole sheet with only the items sent back changed is taken, as are those items alone.
        var within = new Dictionary<string, decimal>(sheet) { ["4.7.2"] = 40m, ["4.7.3"] = 40m };
        await (await flow.Reviewer("exp-3").PostJsonAsync(scores, new { items = within })).ExpectAsync(200);
        var seen = await (await flow.Office.GetAsync(scores)).ExpectAsync(200);
        var three = seen.GetProperty("scores").EnumerateArray().Single(s => s.Str("expertId") == "exp-3").GetProperty("items");
        Assert.Equal((before, 40m, 40m), (three.GetProperty("4.1.2").GetDecimal(), three.GetProperty("4.7.2").GetDecimal(), three.GetProperty("4.7.3").GetDecimal()));
        await (await flow.Reviewer("exp-1").PostJsonAsync($"/api/applications/{a}/reviews/materialReview/report", new { summary = "材料审查报告" })).ExpectAsync(200);
    }

    // ---- Weihai set-up -------------------------------------------------------------------------

    private async Task<ReviewFlow> WeihaiAsync()
    {
        var flow = new ReviewFlow(_app, "weihai-2026", "weihai");
        await (await flow.Office.PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-03-31" })).ExpectAsync(201);
        return flow;
    }

    /// <summary>Submitted, recommended, surveyed and accepted (Weihai §13-14): at the material review.</summary>
    private async Task<string> WeihaiAcceptedAsync(ReviewFlow flow, string name, int n)
    {
        var subject = $"weihai-applicant-{n}";
        var id = await Applicants.SubmitWeihaiAsync(_app, _app.As(Roles.Applicant, subject: subject), subject, name, ReviewFlow.CreditCodeFor(n));
        await (await _app.As(Roles.Recommender, affiliation: "371000:huancui").PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐。" })).ExpectAsync(200);
        await (await flow.Office.PostJsonAsync($"/api/applications/{id}/opinion-survey", new { favourable = true, summary = "未发现负面舆情" })).ExpectAsync(200);
        Assert.Equal("materialReview", (await (await flow.Office.PostJsonAsync($"/api/applications/{id}/accept", new { })).ExpectAsync(200)).Str("stage"));
        return id;
    }

    /// <summary>A panel of three (Weihai §14: 评审组), exp-1 its leader.</summary>
    private static async Task WeihaiPanelAsync(ReviewFlow flow)
    {
        await flow.AddExpertAsync("exp-1", "山东大学（威海）");
        await flow.AddExpertAsync("exp-2", "威海市标准化研究院");
        await flow.AddExpertAsync("exp-3", "哈尔滨工业大学（威海）");
        await flow.FormPanelAsync("panel-1", "exp-1", "exp-1", "exp-2", "exp-3");
    }

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
}
