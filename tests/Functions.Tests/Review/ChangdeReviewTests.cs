using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Review;

/// <summary>
/// Changde (征求意见稿): award and nomination, ≤4 organisations and individuals together (§3);
/// material review and a shortlist for site review (§19), site review (§20) rated by the
/// candidates (§37), the customer satisfaction survey for organisations (§21), the composite and
/// a competitive candidate list (差额, §22), the committee's equal-number vote (§23), the proposed
/// winners under notice, the director's review and the mayor's approval (§24).
/// </summary>
public sealed class ChangdeReviewTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private const string Cycle = "changde-2026";
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));
    private TestApp _app = null!;
    private ReviewFlow _flow = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite, Start);
        _flow = new ReviewFlow(_app, Cycle, "changde");
        await (await _flow.Office.PostJsonAsync("/api/cycles", new { policyId = "changde", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-03-31", acknowledgeWarnings = true })).ExpectAsync(201);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static object Form(string name, int n) => new
    {
        name,
        districtId = "wuling",
        contact = new { name = "王五", phone = "13700137000", email = "wangwu@example.com" },
        declarations = new[] { "no-major-incident", "no-violation", "excellence-model" },
        authenticityDeclared = true,
        noStateSecretsDeclared = true,
        recommenderId = "wuling",
        recommenderKind = "districtRegulator",
        qualityModel = "卓越绩效管理模式",
        creditCode = ReviewFlow.CreditCodeFor(100 + n),
        registeredAddress = "常德市武陵区朗州路1号",
        foundedOn = "2008-06-01",
        industrySector = "secondary",
        industryCode = "C3670",
        size = "medium",
        sector = "enterprise",
    };

    /// <summary>Submitted, recommended with the district government's approval, consulted, accepted: on the acceptance list.</summary>
    private async Task<(string Id, HttpClient Owner)> AcceptedAsync(string name, int n)
    {
        var subject = $"changde-applicant-{n}";
        var owner = _app.As(Roles.Applicant, subject: subject);
        var id = await Applicants.SubmitAsync(_app, owner, subject, Cycle, Form(name, n));
        await (await _app.As(Roles.Recommender, affiliation: "430700:wuling").PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "经初审，同意推荐。", governmentApprovalReference = "武政函〔2026〕3号" })).ExpectAsync(200);

        // The department consultation is another slice's work; its conclusion is the command it ends with.
        var concluded = await _app.Services.GetRequiredService<ApplicationCommands>().RunAsync(id, new ConcludeConsultation(), new Actor("office-1", Roles.Office), $"consult-{id}", CancellationToken.None);
        Assert.Null(concluded.Refusal);
        await (await _flow.Office.PostJsonAsync($"/api/applications/{id}/accept", new { })).ExpectAsync(200);
        return (id, owner);
    }

    /// <summary>As <see cref="AcceptedAsync"/>, with a file marked as a trade secret uploaded before submission.</summary>
    private async Task<(string Id, string SecretDocumentId)> AcceptedWithSecretAsync(string name, int n)
    {
        var subject = $"changde-applicant-{n}";
        var owner = _app.As(Roles.Applicant, subject: subject);
        var id = (await (await owner.PostJsonAsync($"/api/cycles/{Cycle}/applications", new { category = "organisation" })).ExpectAsync(201)).Str("applicationId");
        await (await owner.PutJsonAsync($"/api/applications/{id}/form", Form(name, n))).ExpectAsync(200);
        await Applicants.AttachReportAsync(_app, id, subject);
        var secret = await ReviewFlow.UploadTradeSecretAsync(owner, id);
        await (await owner.PostAsync($"/api/applications/{id}/submit", null)).ExpectAsync(200);
        await (await _app.As(Roles.Recommender, affiliation: "430700:wuling").PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "经初审，同意推荐。", governmentApprovalReference = "武政函〔2026〕3号" })).ExpectAsync(200);
        Assert.Null((await _app.Services.GetRequiredService<ApplicationCommands>().RunAsync(id, new ConcludeConsultation(), new Actor("office-1", Roles.Office), $"consult-{id}", CancellationToken.None)).Refusal);
        await (await _flow.Office.PostJsonAsync($"/api/applications/{id}/accept", new { })).ExpectAsync(200);
        return (id, secret);
    }

    [Fact]
    public async Task AReviewer_ReadsATradeSecretOnlyWhileTheApplicationIsAtTheStageTheirPanelReviews()
    {
        // Changde §38 (and Xinzhou §28): those who take part keep the secrets they learn; a reviewer
        // needs the files only while the application is at the stage their panel reviews.
        var a = await AcceptedWithSecretAsync("常德壬科技有限公司", 20);
        var b = await AcceptedWithSecretAsync("常德癸科技有限公司", 21);
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 13, 9, 0, 0, TimeSpan.FromHours(8)));
        await (await _flow.Office.PostJsonAsync($"/api/cycles/{Cycle}/notices", new { list = "acceptance", firstDay = "2026-04-13" })).ExpectAsync(201);
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 18, 0, 0, 1, TimeSpan.FromHours(8)));
        await _app.SettleAsync();
        await _flow.AddExpertAsync("cd-1", "湖南文理学院");
        await _flow.AddExpertAsync("cd-2", "常德市质量技术研究所");
        await _flow.FormPanelAsync("cd-panel", "cd-1", "cd-1", "cd-2");
        await _flow.AddExpertAsync("cd-5", "湖南省标准化研究院");
        await _flow.FormPanelAsync("cd-site", "cd-5", "cd-5");
        string[] panel = ["cd-1", "cd-2"];
        var reviewer = _flow.Reviewer("cd-2");

        await _flow.ReviewAsync(a.Id, "materialReview", "cd-panel", "cd-1", panel, 0.9m);
        await _flow.ReviewAsync(b.Id, "materialReview", "cd-panel", "cd-1", panel, 0.5m);

        // At the material review, awaiting the shortlist: the panel reads the secret.
        Assert.Equal(200, (int)(await reviewer.GetAsync($"/api/applications/{b.Id}/documents/{b.SecretDocumentId}")).StatusCode);

        await (await _flow.Office.PostJsonAsync($"/api/cycles/{Cycle}/shortlist", new { places = 1 })).ExpectAsync(200);
        await _app.SettleAsync();
        Assert.Equal("notShortlisted", (await _flow.ApplicationAsync(b.Id)).Str("status"));

        // Not shortlisted: out of review. Nothing of it is served to its reviewers any more.
        Assert.Equal("application.not-found", (await (await reviewer.GetAsync($"/api/applications/{b.Id}/documents/{b.SecretDocumentId}")).ExpectAsync(404)).Str("code"));
        await (await reviewer.GetAsync($"/api/applications/{b.Id}")).ExpectAsync(404);

        // a moved on to the site review, another panel's: the material reviewers' need has ended too;
        // the site panel reads it once assigned.
        Assert.Equal("siteReview", (await _flow.ApplicationAsync(a.Id)).Str("stage"));
        await (await reviewer.GetAsync($"/api/applications/{a.Id}/documents/{a.SecretDocumentId}")).ExpectAsync(404);
        await _flow.AssignAsync(a.Id, "siteReview", "cd-site");
        Assert.Equal(200, (int)(await _flow.Reviewer("cd-5").GetAsync($"/api/applications/{a.Id}/documents/{a.SecretDocumentId}")).StatusCode);
        await (await reviewer.GetAsync($"/api/applications/{a.Id}")).ExpectAsync(404);

        // The office and the owner still read both.
        Assert.Equal(200, (int)(await _flow.Office.GetAsync($"/api/applications/{b.Id}/documents/{b.SecretDocumentId}")).StatusCode);
    }

    [Fact]
    public async Task FromShortlistToTheMayor_SatisfactionSurvey_CompetitiveList_SharedQuotaOf4_AndTheCommitteesVote()
    {
        var shares = new[] { 0.9m, 0.85m, 0.8m, 0.75m, 0.7m, 0.65m, 0.4m };
        var apps = new List<(string Id, HttpClient Owner)>();
        for (var i = 0; i < shares.Length; i++)
        {
            apps.Add(await AcceptedAsync($"常德{"甲乙丙丁戊己庚"[i]}科技有限公司", i));
        }

        // §15: the acceptance list under notice for 5 working days; the submission deadline has passed meanwhile.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 13, 9, 0, 0, TimeSpan.FromHours(8)));
        await (await _flow.Office.PostJsonAsync($"/api/cycles/{Cycle}/notices", new { list = "acceptance", firstDay = "2026-04-13" })).ExpectAsync(201);
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 18, 0, 0, 1, TimeSpan.FromHours(8)));
        await _app.SettleAsync();

        await _flow.AddExpertAsync("cd-1", "湖南文理学院");
        await _flow.AddExpertAsync("cd-2", "常德市质量技术研究所");
        await _flow.AddExpertAsync("cd-3", "湖南省标准化研究院");
        await _flow.FormPanelAsync("cd-panel", "cd-1", "cd-1", "cd-2", "cd-3");
        string[] panel = ["cd-1", "cd-2", "cd-3"];

        // §19: material review; the shortlist waits for every score.
        for (var i = 0; i < apps.Count; i++)
        {
            await _flow.ReviewAsync(apps[i].Id, "materialReview", "cd-panel", "cd-1", panel, shares[i]);
        }

        Assert.Equal("materialReview", (await _flow.ApplicationAsync(apps[0].Id)).Str("stage"));
        await (await _flow.Office.PostJsonAsync($"/api/cycles/{Cycle}/shortlist", new { places = 6 })).ExpectAsync(200);
        await _app.SettleAsync();
        var last = await (await apps[6].Owner.GetAsync($"/api/applications/{apps[6].Id}")).ExpectAsync(200);
        Assert.Equal(("notShortlisted", "材料评审未进入现场评审名单（排名第7）"), (last.Str("status"), last.Str("endReason")));

        // §20: site review; §37: the candidate rates the site reviewers, seen by office and supervisors only.
        for (var i = 0; i < 6; i++)
        {
            await _flow.ReviewAsync(apps[i].Id, "siteReview", "cd-panel", "cd-1", panel, shares[i]);
        }

        var siteReviewers = await (await apps[0].Owner.GetAsync($"/api/applications/{apps[0].Id}/site-reviewers")).ExpectAsync(200);
        Assert.Equal(["专家cd-1", "专家cd-2", "专家cd-3"], siteReviewers.EnumerateArray().Select(e => e.Str("name")).ToArray());
        await (await apps[1].Owner.GetAsync($"/api/applications/{apps[0].Id}/site-reviewers")).ExpectAsync(404);
        await (await apps[0].Owner.PostJsonAsync($"/api/applications/{apps[0].Id}/reviewer-ratings", new { ratings = new[] { new { expertId = "cd-2", rating = 5, comment = "严格按准则评审，廉洁自律" } } })).ExpectAsync(200);
        Assert.Equal("cd-2", Assert.Single((await (await _flow.Supervisor.GetAsync($"/api/cycles/{Cycle}/reviewer-ratings")).ExpectAsync(200)).EnumerateArray()).Str("expertId"));
        await (await apps[0].Owner.GetAsync($"/api/cycles/{Cycle}/reviewer-ratings")).ExpectAsync(403);

        // §21: the third party's indexes as JSON, then CSV; the not-shortlisted one and an unknown id are refused.
        var json = await (await _flow.Office.PostJsonAsync($"/api/cycles/{Cycle}/customer-satisfaction", new[] { new { applicationId = apps[5].Id, index = 85m } })).ExpectAsync(200);
        Assert.Equal("recorded", Assert.Single(json.EnumerateArray()).Str("outcome"));
        var csv = "applicationId,index\n" + string.Join("\n", apps.Take(5).Select((a, i) => $"{a.Id},{90 - i}")) + $"\n{apps[6].Id},70\napp-00000000000000000000000000000bad,80\n";
        using var content = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv");
        var imported = await (await _flow.Office.PostAsync($"/api/cycles/{Cycle}/customer-satisfaction", content)).ExpectAsync(200);
        Assert.Equal(["recorded", "recorded", "recorded", "recorded", "recorded", "refused", "refused"], imported.EnumerateArray().Select(r => r.Str("outcome")).ToArray());
        Assert.Equal(["application.ended", "application.not-found"], imported.EnumerateArray().Skip(5).Select(r => r.Str("code")).ToArray());

        // §22: composite (0.3 material, 0.5 site, 0.2 satisfaction) and a competitive list of 6 for ≤4 places.
        var ranking = await (await _flow.Office.PostJsonAsync($"/api/cycles/{Cycle}/composite", new { })).ExpectAsync(200);
        Assert.Equal(apps.Take(6).Select(a => a.Id).ToArray(), ranking.EnumerateArray().Select(e => e.Str("applicationId")).ToArray());
        Assert.Equal(0.3m * 90 + 0.5m * 90 + 0.2m * 90, ranking[0].GetProperty("score").GetDecimal());
        await (await _flow.Office.PostJsonAsync($"/api/cycles/{Cycle}/candidates", new { candidates = apps.Take(6).ToDictionary(a => a.Id, _ => "award") })).ExpectAsync(200);
        await _app.SettleAsync();

        // §23: the committee votes with as many places as winners; ≤4 together (§3); 差额.
        var votes = new Dictionary<string, int>();
        for (var i = 0; i < 6; i++)
        {
            votes[apps[i].Id] = new[] { 9, 8, 7, 5, 4, 3 }[i];
        }

        object Ballot(int count) => new
        {
            winners = apps.Take(count).Select(a => new { applicationId = a.Id, tier = "award" }),
            vote = new { membersPresent = 11, votesFor = votes },
            minutes = "评委会第1次全体会议等额投票",
        };

        Assert.Equal("cycle.not-competitive", (await (await _flow.Committee.PostJsonAsync($"/api/cycles/{Cycle}/winners", Ballot(6))).ExpectAsync(409)).Str("code"));
        Assert.Equal("award.quota-exceeded", (await (await _flow.Committee.PostJsonAsync($"/api/cycles/{Cycle}/winners", Ballot(5))).ExpectAsync(409)).Str("code"));
        Assert.Equal("cycle.vote-not-carried", (await (await _flow.Committee.PostJsonAsync($"/api/cycles/{Cycle}/winners", Ballot(4))).ExpectAsync(409)).Str("code")); // the 4th has 5 of 11 votes
        await (await _flow.Committee.PostJsonAsync($"/api/cycles/{Cycle}/winners", Ballot(3))).ExpectAsync(200);
        await _app.SettleAsync();
        Assert.Equal("notSelected", (await _flow.ApplicationAsync(apps[3].Id)).Str("status"));

        // §24: the proposed winners under notice, then the committee director and the mayor, in that order.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 5, 11, 9, 0, 0, TimeSpan.FromHours(8)));
        await (await _flow.Office.PostJsonAsync($"/api/cycles/{Cycle}/notices", new { list = "proposed-winners", firstDay = "2026-05-11" })).ExpectAsync(201);
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 5, 16, 0, 0, 1, TimeSpan.FromHours(8)));
        await _app.SettleAsync();
        Assert.Equal("approval.out-of-order", (await (await _flow.Office.PostJsonAsync($"/api/applications/{apps[0].Id}/approvals", new { stepCode = "mayor", reference = "市长签批2026-1" })).ExpectAsync(409)).Str("code"));
        foreach (var (id, _) in apps.Take(3))
        {
            await (await _flow.Office.PostJsonAsync($"/api/applications/{id}/approvals", new { stepCode = "committee-director", reference = "评委会主任审核意见2026-1" })).ExpectAsync(200);
            await (await _flow.Office.PostJsonAsync($"/api/applications/{id}/approvals", new { stepCode = "mayor", reference = "市长签批2026-1" })).ExpectAsync(200);
        }

        await (await _flow.Office.PostJsonAsync($"/api/cycles/{Cycle}/announce", new { reference = "常政发〔2026〕8号", announcedOn = "2026-05-16" })).ExpectAsync(200);
        await _app.SettleAsync();

        var statuses = new List<string>();
        foreach (var (id, _) in apps)
        {
            statuses.Add((await _flow.ApplicationAsync(id)).Str("status"));
        }

        Assert.Equal(["awarded", "awarded", "awarded", "notSelected", "notSelected", "notSelected", "notShortlisted"], statuses);
        var award = (await _flow.ApplicationAsync(apps[0].Id)).GetProperty("award");
        Assert.Equal(["证书", "奖杯"], award.GetProperty("prizes").EnumerateArray().Select(p => p.GetString()!).ToArray());
        var history = await _flow.HistoryTypesAsync(apps[0].Id);
        Assert.Equal(["StageScored", "ShortlistDecided", "StageScored", "StageScored", "CompositeScored", "CandidateNominated", "ProposedAsWinner", "ApprovalGranted", "ApprovalGranted", "ApplicationAwarded"],
            history.Where(t => t is "StageScored" or "ShortlistDecided" or "CompositeScored" or "CandidateNominated" or "ProposedAsWinner" or "ApprovalGranted" or "ApplicationAwarded").ToArray());
    }
}
