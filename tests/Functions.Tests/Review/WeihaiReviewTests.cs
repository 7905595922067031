using System.Text;
using System.Text.RegularExpressions;
using QualityAward.Domain;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Review;

/// <summary>
/// Weihai (威政发〔2023〕16号): recognition only, ≤5 units and ≤3 individuals counted apart (§6),
/// material review, site review and presentation scored by one panel under a team leader (§14),
/// the candidate list published for exactly 5 working days, the leading group deliberates (§15),
/// the city government approves (§16). Four units and one individual, four experts; one expert works
/// for one unit, another for the individual's employer.
/// </summary>
public sealed partial class WeihaiReviewTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private const string Cycle = "weihai-2026";
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));
    private TestApp _app = null!;
    private ReviewFlow _flow = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite, Start);
        _flow = new ReviewFlow(_app, Cycle, "weihai");
        await (await _flow.Office.PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-03-31" })).ExpectAsync(201);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private sealed record Applicant(string Id, string Subject, HttpClient Client, string SecretDocumentId);

    /// <summary>Draft, form, report, a trade-secret file, submit; recommended, surveyed, accepted: at the material review.</summary>
    private async Task<Applicant> AcceptedAsync(string name, int n)
    {
        var subject = $"applicant-{n}";
        var client = _app.As(Roles.Applicant, subject: subject);
        var created = await (await client.PostJsonAsync($"/api/cycles/{Cycle}/applications", new { category = "organisation" })).ExpectAsync(201);
        var id = created.Str("applicationId");
        await (await client.PutJsonAsync($"/api/applications/{id}/form", Forms.WeihaiOrganisation(name, ReviewFlow.CreditCodeFor(n)))).ExpectAsync(200);
        await Applicants.AttachReportAsync(_app, id, subject);
        var secret = await ReviewFlow.UploadTradeSecretAsync(client, id);
        await (await client.PostAsync($"/api/applications/{id}/submit", null)).ExpectAsync(200);
        await (await _app.As(Roles.Recommender, affiliation: "371000:huancui").PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐。" })).ExpectAsync(200);
        await (await _flow.Office.PostJsonAsync($"/api/applications/{id}/opinion-survey", new { favourable = true, summary = "未发现负面舆情" })).ExpectAsync(200);
        var accepted = await (await _flow.Office.PostJsonAsync($"/api/applications/{id}/accept", new { })).ExpectAsync(200);
        Assert.Equal("materialReview", accepted.Str("stage"));
        return new Applicant(id, subject, client, secret);
    }

    /// <summary>An individual (§12): 16 years of quality work in Weihai, working for the standards institute.</summary>
    private async Task<Applicant> AcceptedIndividualAsync(string name)
    {
        const string subject = "applicant-person";
        var client = _app.As(Roles.Applicant, subject: subject);
        var created = await (await client.PostJsonAsync($"/api/cycles/{Cycle}/applications", new { category = "individual" })).ExpectAsync(201);
        var id = created.Str("applicationId");
        var idNumber = "37100219750615123" + Domain.Identity.ResidentIdNumber.CheckCharacter("37100219750615123");
        var form = new
        {
            name,
            districtId = "huancui",
            contact = new { name, phone = "13600136000", email = "person@example.com" },
            declarations = new[] { "employer-no-major-incident", "no-bad-record" },
            authenticityDeclared = true,
            noStateSecretsDeclared = true,
            recommenderId = "huancui",
            recommenderKind = "districtQualityBody",
            qualityModel = "标准化质量管理",
            idNumber,
            employer = "威海市标准化研究院",
            employerCreditCode = ReviewFlow.CreditCodeFor(50),
            employerSector = "publicBody",
            yearsInQualityWork = 16,
            yearsInQualityWorkInCity = 16,
            achievements = "主持制定地方标准十余项，推动全市企业标准化良好行为创建。",
        };
        await (await client.PutJsonAsync($"/api/applications/{id}/form", form)).ExpectAsync(200);
        await Applicants.AttachReportAsync(_app, id, subject);
        await (await client.PostAsync($"/api/applications/{id}/submit", null)).ExpectAsync(200);
        await (await _app.As(Roles.Recommender, affiliation: "371000:huancui").PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐。" })).ExpectAsync(200);
        await (await _flow.Office.PostJsonAsync($"/api/applications/{id}/opinion-survey", new { favourable = true, summary = "未发现负面舆情" })).ExpectAsync(200);
        await (await _flow.Office.PostJsonAsync($"/api/applications/{id}/accept", new { })).ExpectAsync(200);
        return new Applicant(id, subject, client, string.Empty);
    }

    [Fact]
    public async Task FromReviewToRecognition_WithARecusal_ATieBrokenBySiteReview_EmptyPlaces_AndADisqualifiedProposedWinner()
    {
        var a = await AcceptedAsync("威海甲精密机械有限公司", 1);
        var x = await AcceptedAsync("威海乙海洋科技有限公司", 2);
        var y = await AcceptedAsync("威海丙医疗器械有限公司", 3);
        var d = await AcceptedAsync("威海丁食品有限公司", 4);
        var p = await AcceptedIndividualAsync("刘标准");

        // The pool; exp-4 works for applicant a: the system flags it when the panel is assigned.
        await _flow.AddExpertAsync("exp-1", "山东大学（威海）");
        await _flow.AddExpertAsync("exp-2", "威海市标准化研究院");
        await _flow.AddExpertAsync("exp-3", "哈尔滨工业大学（威海）");
        await _flow.AddExpertAsync("exp-4", "威海甲精密机械有限公司");
        await _flow.FormPanelAsync("panel-1", "exp-1", "exp-1", "exp-2", "exp-3", "exp-4");
        string[] all = ["exp-1", "exp-2", "exp-3", "exp-4"];
        string[] withoutFour = ["exp-1", "exp-2", "exp-3"];

        var assigned = await _flow.AssignAsync(a.Id, "materialReview", "panel-1");
        var flag = Assert.Single(assigned.GetProperty("flags").EnumerateArray());
        Assert.Equal("exp-4", flag.Str("expertId"));

        // Before the office decides, exp-4 still sees a (assigned), but the report cannot be signed.
        await (await _flow.Reviewer("exp-4").GetAsync($"/api/applications/{a.Id}")).ExpectAsync(200);
        foreach (var m in withoutFour)
        {
            await (await _flow.ScoreAsync(m, a.Id, "materialReview", 0.9m)).ExpectAsync(200);
        }

        var pending = await (await _flow.Reviewer("exp-1").PostJsonAsync($"/api/applications/{a.Id}/reviews/materialReview/report", new { summary = "报告" })).ExpectAsync(409);
        Assert.Equal("review.conflict-pending", pending.Str("code"));
        await (await _flow.Office.PostJsonAsync($"/api/applications/{a.Id}/recusals", new { expertId = "exp-4", recuse = true, reason = "系申报单位在职员工，予以回避" })).ExpectAsync(200);

        // The recused reviewer learns nothing: not the application, not its file, and cannot score.
        var four = _flow.Reviewer("exp-4");
        Assert.Equal("application.not-found", (await (await four.GetAsync($"/api/applications/{a.Id}")).ExpectAsync(404)).Str("code"));
        await (await four.GetAsync($"/api/applications/{a.Id}/documents/{a.SecretDocumentId}")).ExpectAsync(404);
        Assert.Equal("application.not-found", (await (await _flow.ScoreAsync("exp-4", a.Id, "materialReview", 0.1m)).ExpectAsync(404)).Str("code"));
        Assert.DoesNotContain(a.Id, (await (await four.GetAsync($"/api/reviewer/assignments?cycleId={Cycle}")).ExpectAsync(200)).EnumerateArray().Select(e => e.Str("applicationId")));

        // An assigned reviewer reads the trade-secret file; the read is recorded.
        var one = _flow.Reviewer("exp-1");
        var view = await (await one.GetAsync($"/api/applications/{a.Id}")).ExpectAsync(200);
        Assert.Contains(a.SecretDocumentId, view.GetProperty("documents").EnumerateArray().Select(e => e.Str("documentId")));
        var file = await one.GetAsync($"/api/applications/{a.Id}/documents/{a.SecretDocumentId}");
        Assert.Equal(200, (int)file.StatusCode);
        await (await _app.As(Roles.Reviewer, subject: "exp-9").GetAsync($"/api/applications/{a.Id}")).ExpectAsync(404);

        await (await one.PostJsonAsync($"/api/applications/{a.Id}/reviews/materialReview/report", new { summary = "材料审查报告" })).ExpectAsync(200);
        await _app.SettleAsync();
        Assert.Equal("siteReview", (await _flow.ApplicationAsync(a.Id)).Str("stage"));
        await _flow.ReviewAsync(a.Id, "siteReview", "panel-1", "exp-1", withoutFour, 0.9m);
        await _flow.ReviewAsync(a.Id, "presentation", "panel-1", "exp-1", withoutFour, 0.9m);

        // Independent scores: a member sees the others only after scoring.
        await _flow.AssignAsync(x.Id, "materialReview", "panel-1");
        await (await _flow.ScoreAsync("exp-2", x.Id, "materialReview", 0.8m)).ExpectAsync(200);
        Assert.Equal("review.score-first", (await (await one.GetAsync($"/api/applications/{x.Id}/reviews/materialReview/scores")).ExpectAsync(409)).Str("code"));
        var seen = await (await _flow.Reviewer("exp-2").GetAsync($"/api/applications/{x.Id}/reviews/materialReview/scores")).ExpectAsync(200);
        Assert.Equal(["exp-1", "exp-3", "exp-4"], seen.GetProperty("waiting").EnumerateArray().Select(e => e.GetString()!).ToArray());
        foreach (var m in new[] { "exp-1", "exp-3", "exp-4" })
        {
            await (await _flow.ScoreAsync(m, x.Id, "materialReview", 0.8m)).ExpectAsync(200);
        }

        await (await one.PostJsonAsync($"/api/applications/{x.Id}/reviews/materialReview/report", new { summary = "材料审查报告" })).ExpectAsync(200);
        await _app.SettleAsync();

        // x and y tie on the composite (66); y's site review is higher, the first tie-break stage.
        await _flow.ReviewAsync(x.Id, "siteReview", "panel-1", "exp-1", all, 0.6m);
        await _flow.ReviewAsync(x.Id, "presentation", "panel-1", "exp-1", all, 0.6m);
        await _flow.ReviewAsync(y.Id, "materialReview", "panel-1", "exp-1", all, 0.6m);
        await _flow.ReviewAsync(y.Id, "siteReview", "panel-1", "exp-1", all, 0.72m);
        await _flow.ReviewAsync(y.Id, "presentation", "panel-1", "exp-1", all, 0.6m);

        // The supervision group proposes a recusal for d; the office finds no conflict; both stay on record.
        await _flow.AssignAsync(d.Id, "materialReview", "panel-1");
        await (await _flow.Supervisor.PostJsonAsync($"/api/applications/{d.Id}/recusal-proposals", new { expertId = "exp-2", reason = "据反映该专家曾为申报单位提供咨询" })).ExpectAsync(200);
        await (await _flow.Office.PostJsonAsync($"/api/applications/{d.Id}/recusals", new { expertId = "exp-2", recuse = false, reason = "经核实咨询服务已于2019年结束，不构成利益冲突" })).ExpectAsync(200);
        foreach (var m in all)
        {
            await (await _flow.ScoreAsync(m, d.Id, "materialReview", m == "exp-3" ? 0.9m : 0.5m)).ExpectAsync(200);
        }

        // The leader sees the spread and sends exp-3's items back; only the leader may.
        var spread = await (await one.GetAsync($"/api/applications/{d.Id}/reviews/materialReview/scores")).ExpectAsync(200);
        Assert.Equal(400m, spread.GetProperty("spread").GetDecimal());
        var resend = new { expertId = "exp-3", itemCodes = new[] { "4.7.2", "4.7.3" }, reason = "结果类评分与证据不符，请复评" };
        await (await _flow.Reviewer("exp-2").PostJsonAsync($"/api/applications/{d.Id}/reviews/materialReview/rescore", resend)).ExpectAsync(403);
        await (await one.PostJsonAsync($"/api/applications/{d.Id}/reviews/materialReview/rescore", resend)).ExpectAsync(200);
        Assert.Equal("review.scores-missing", (await (await one.PostJsonAsync($"/api/applications/{d.Id}/reviews/materialReview/report", new { summary = "报告" })).ExpectAsync(409)).Str("code"));
        // Re-scoring changes only the items sent back (issue 16; the whole sheet again is refused: ReviewDeciderTests.Issue16_Rescore_ChangesOnlyTheItemsSentBack).
        await (await _flow.Reviewer("exp-3").PostJsonAsync($"/api/applications/{d.Id}/reviews/materialReview/scores", new { items = new Dictionary<string, decimal> { ["4.7.2"] = 40m, ["4.7.3"] = 40m } })).ExpectAsync(200);
        await (await one.PostJsonAsync($"/api/applications/{d.Id}/reviews/materialReview/report", new { summary = "材料审查报告" })).ExpectAsync(200);
        var dReport = await (await _flow.Office.GetAsync($"/api/applications/{d.Id}/review")).ExpectAsync(200);
        Assert.Equal(500m, dReport.GetProperty("reports")[0].GetProperty("points").GetDecimal()); // 836 is the highest, dropped by the trimmed mean
        Assert.Equal(["exp-3"], dReport.GetProperty("reports")[0].GetProperty("disagreements").EnumerateArray().Select(e => e.GetString()!).ToArray());
        await _app.SettleAsync();
        await _flow.ReviewAsync(d.Id, "siteReview", "panel-1", "exp-1", all, 0.5m);
        await _flow.ReviewAsync(d.Id, "presentation", "panel-1", "exp-1", all, 0.5m);

        // The individual is scored on the individual sheet; exp-2 works for the individual's employer and is recused.
        var personFlags = await _flow.AssignAsync(p.Id, "materialReview", "panel-1");
        Assert.Equal("exp-2", Assert.Single(personFlags.GetProperty("flags").EnumerateArray()).Str("expertId"));
        await (await _flow.Office.PostJsonAsync($"/api/applications/{p.Id}/recusals", new { expertId = "exp-2", recuse = true, reason = "与申报人同一单位" })).ExpectAsync(200);
        Assert.Equal("score.sheet-invalid", (await (await _flow.ScoreAsync("exp-1", p.Id, "materialReview", 0.7m)).ExpectAsync(422)).Str("code"));
        string[] withoutTwo = ["exp-1", "exp-3", "exp-4"];
        foreach (var m in withoutTwo)
        {
            await (await _flow.ScoreAsync(m, p.Id, "materialReview", 0.7m, "individual")).ExpectAsync(200);
        }

        await (await one.PostJsonAsync($"/api/applications/{p.Id}/reviews/materialReview/report", new { summary = "材料审查报告" })).ExpectAsync(200);
        await _app.SettleAsync();
        await _flow.ReviewAsync(p.Id, "siteReview", "panel-1", "exp-1", withoutTwo, 0.7m, "individual");
        await _flow.ReviewAsync(p.Id, "presentation", "panel-1", "exp-1", withoutTwo, 0.7m, "individual");

        // Composite with Weihai's weights (0.3 / 0.5 / 0.2); the office confirms a §11 preference (no points).
        var ranking = await (await _flow.Office.PostJsonAsync($"/api/cycles/{Cycle}/composite", new { preferences = new Dictionary<string, string[]> { [x.Id] = ["sme"] } })).ExpectAsync(200);
        Assert.Equal([a.Id, p.Id, y.Id, x.Id, d.Id], ranking.EnumerateArray().Select(e => e.Str("applicationId")).ToArray());
        Assert.Equal([90m, 70m, 66m, 66m, 50m], ranking.EnumerateArray().Select(e => e.GetProperty("score").GetDecimal()).ToArray());

        // Candidates by rank; d is told it was not selected.
        await (await _flow.Office.PostJsonAsync($"/api/cycles/{Cycle}/candidates", new { candidates = new Dictionary<string, string> { [a.Id] = "recognition", [y.Id] = "recognition", [x.Id] = "recognition", [p.Id] = "recognition" } })).ExpectAsync(200);
        await _app.SettleAsync();
        var dView = await (await d.Client.GetAsync($"/api/applications/{d.Id}")).ExpectAsync(200);
        Assert.Equal("notSelected", dView.Str("status"));
        Assert.Contains("第5", dView.Str("endReason"));

        // §15: the candidate list under notice for exactly 5 working days, then the leading group.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 13, 9, 0, 0, TimeSpan.FromHours(8)));
        await (await _flow.Office.PostJsonAsync($"/api/cycles/{Cycle}/notices", new { list = "candidates", firstDay = "2026-04-13" })).ExpectAsync(201);
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 18, 0, 0, 1, TimeSpan.FromHours(8)));
        await _app.SettleAsync();
        Assert.Equal("deliberation", (await _flow.ApplicationAsync(a.Id)).Str("stage"));

        var winners = new { winners = new[] { new { applicationId = a.Id, tier = "recognition" }, new { applicationId = y.Id, tier = "recognition" }, new { applicationId = x.Id, tier = "recognition" }, new { applicationId = p.Id, tier = "recognition" } }, minutes = "领导小组第3次会议审议：同意3家单位、1名个人为认定建议名单，其余名额空缺。" };
        Assert.Equal("cycle.deliberating-body-only", (await (await _flow.Office.PostJsonAsync($"/api/cycles/{Cycle}/winners", winners)).ExpectAsync(403)).Str("code"));
        await (await _flow.Committee.PostJsonAsync($"/api/cycles/{Cycle}/winners", winners)).ExpectAsync(200);
        await _app.SettleAsync();

        // y is found to have given false materials: it leaves the list and its place stays empty.
        await (await _flow.Office.PostJsonAsync($"/api/applications/{y.Id}/disqualify", new { ground = "falseMaterials", reason = "经核查，自我评价报告中的检测数据系伪造" })).ExpectAsync(200);
        await _app.SettleAsync();

        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 24, 10, 0, 0, TimeSpan.FromHours(8)));
        Assert.Equal("application.ended", (await (await _flow.Office.PostJsonAsync($"/api/applications/{y.Id}/approvals", new { stepCode = "city-government", reference = "威政字〔2026〕9号" })).ExpectAsync(409)).Str("code"));
        foreach (var w in new[] { a, x, p })
        {
            await (await _flow.Office.PostJsonAsync($"/api/applications/{w.Id}/approvals", new { stepCode = "city-government", reference = "威政字〔2026〕9号" })).ExpectAsync(200);
        }

        await (await _flow.Office.PostJsonAsync($"/api/cycles/{Cycle}/announce", new { reference = "威政发〔2026〕5号", announcedOn = "2026-04-24" })).ExpectAsync(200);
        await _app.SettleAsync();

        // The final list: a and x recognised; y disqualified; d not selected.
        var statuses = new List<string>();
        foreach (var w in new[] { a, x, p, y, d })
        {
            statuses.Add((await _flow.ApplicationAsync(w.Id)).Str("status"));
        }

        // Units and individuals count on separate lines (§6): 2 of 5 unit places, 1 of 3 individual places; the rest stay empty.
        Assert.Equal(["awarded", "awarded", "awarded", "disqualified", "notSelected"], statuses);
        var award = (await _flow.ApplicationAsync(a.Id)).GetProperty("award");
        Assert.Equal(("recognition", 2026, 0L), (award.Str("tier"), award.GetProperty("year").GetInt32(), award.GetProperty("moneyYuan").GetInt64()));

        // Every step is in the audit trail: the scores, the file read, the proposal, the approval, the award.
        var history = await _flow.HistoryTypesAsync(a.Id);
        Assert.Equal(3, history.Count(t => t == "StageScored"));
        var reads = (await (await _flow.Office.GetAsync($"/api/applications/{a.Id}/history")).ExpectAsync(200)).EnumerateArray().Where(e => e.Str("type") == "DocumentRead").ToList();
        Assert.Equal(("reviewer", "exp-1"), (Assert.Single(reads).Str("actorRole"), reads[0].Str("actorName")));
        Assert.Equal(["ProposedAsWinner", "ApprovalGranted", "ApplicationAwarded"], history.Where(t => t is "ProposedAsWinner" or "ApprovalGranted" or "ApplicationAwarded").ToArray());
        var review = await (await _flow.Supervisor.GetAsync($"/api/applications/{a.Id}/review")).ExpectAsync(200);
        var recusal = Assert.Single(review.GetProperty("recusals").EnumerateArray());
        Assert.Equal(("exp-4", "flagged", "系申报单位在职员工，予以回避"), (recusal.Str("expertId"), recusal.Str("basis"), recusal.Str("reason")));
        Assert.Equal(3, review.GetProperty("reports").GetArrayLength());
        Assert.All(review.GetProperty("reports").EnumerateArray(), r => Assert.Equal(["exp-1", "exp-2", "exp-3"], r.GetProperty("totals").EnumerateObject().Select(t => t.Name).Order().ToArray()));
        var trail = await (await _flow.Supervisor.GetAsync($"/api/cycles/{Cycle}/review-history?applicationId={a.Id}")).ExpectAsync(200);
        var recusedEntry = trail.EnumerateArray().Single(e => e.Str("type") == "ReviewerRecused");
        Assert.Equal(("office", "评审办公室"), (recusedEntry.Str("actorRole"), recusedEntry.Str("actorName")));
        Assert.Equal(9, trail.EnumerateArray().Count(e => e.Str("type") == "ReviewScoreSubmitted"));
        Assert.Equal(["exp-1", "exp-4"], trail.EnumerateArray().Where(e => e.Str("type") == "ApplicationViewedByReviewer").Select(e => e.Str("actorName")).Order().ToArray());
        await (await _flow.Reviewer("exp-1").GetAsync($"/api/cycles/{Cycle}/review-history")).ExpectAsync(403);
        var dReview = await (await _flow.Office.GetAsync($"/api/applications/{d.Id}/review")).ExpectAsync(200);
        Assert.Single(dReview.GetProperty("proposals").EnumerateArray());
        Assert.Single(dReview.GetProperty("declined").EnumerateArray());

        // The certificate: to its owner and the office, the name and the number the announcement
        // gave (Weihai's pattern, §16), in the one embedded font.
        var number = (await (await a.Client.GetAsync($"/api/applications/{a.Id}")).ExpectAsync(200)).GetProperty("award").Str("certificateNumber");
        Assert.Matches(@"^威质奖〔2026〕第00[1-5]号$", number);
        var pdf = await (await a.Client.GetAsync($"/api/applications/{a.Id}/certificate")).Content.ReadAsByteArrayAsync();
        var certificate = (await Poppler.TextAsync(pdf)).Replace("\n", string.Empty, StringComparison.Ordinal);
        Assert.Contains("威海甲精密机械有限公司：", certificate);
        Assert.Contains($"证书编号：{number}", certificate);
        Assert.Contains("yes yes yes", await Poppler.FontsAsync(pdf));
        await (await x.Client.GetAsync($"/api/applications/{a.Id}/certificate")).ExpectAsync(404);
        Assert.Equal("certificate.not-awarded", (await (await _flow.Office.GetAsync($"/api/applications/{d.Id}/certificate")).ExpectAsync(409)).Str("code"));
    }
}
