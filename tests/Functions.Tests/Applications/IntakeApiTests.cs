using QualityAward.Domain;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Applications;

/// <summary>Weihai (§13-14): the district body recommends, the office runs the opinion survey, then accepts or refuses.</summary>
public sealed class IntakeApiTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite);
        await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Huancui => _app.As(Roles.Recommender, affiliation: "371000:huancui", name: "环翠区质量强区工作领导小组办公室");

    private async Task<(string Id, HttpClient Applicant)> SubmittedAsync(string name = "威海精工机械有限公司", string creditCode = "91350100M000100Y43")
    {
        var subject = "applicant-" + Guid.NewGuid().ToString("N");
        var applicant = _app.As(Roles.Applicant, subject: subject);
        return (await Applicants.SubmitWeihaiAsync(_app, applicant, subject, name, creditCode), applicant);
    }

    [Fact]
    public async Task Submitted_IsSeenByItsDistrictRecommender_ButNotByAnotherDistrict()
    {
        var (id, _) = await SubmittedAsync();
        var wendeng = _app.As(Roles.Recommender, affiliation: "371000:wendeng");

        var mine = await (await Huancui.GetAsync("/api/applications?cycleId=weihai-2026")).ExpectAsync(200);
        var theirs = await (await wendeng.GetAsync("/api/applications?cycleId=weihai-2026")).ExpectAsync(200);

        Assert.Contains(id, mine.EnumerateArray().Select(a => a.Str("applicationId")));
        Assert.DoesNotContain(id, theirs.EnumerateArray().Select(a => a.Str("applicationId")));
        await (await wendeng.GetAsync($"/api/applications/{id}")).ExpectAsync(404);
        // Acting on it answers as reading it does: another district does not learn that it exists.
        await (await wendeng.PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐" })).ExpectAsync(404);
    }

    [Fact]
    public async Task ARecommendersAuthority_NamesTheCity_TheSameDistrictIdOfAnotherCityReadsNothing()
    {
        // Benxi and Changde both have a district "xihu" (溪湖区, 西湖管理区); both cities run in one deployment.
        await Holders.OpenCycleAsync(_app, "changde", 2026, "2026-03-02", "2026-04-30");
        var subject = "applicant-" + Guid.NewGuid().ToString("N");
        var id = await Applicants.SubmitAsync(_app, _app.As(Roles.Applicant, subject: subject), subject, "changde-2026", Forms.ChangdeOrganisation(districtId: "xihu"));

        // A Benxi 溪湖区 recommender (city 210500), and a token naming no city at all: neither lists, reads or declines it.
        foreach (var stranger in new[] { _app.As(Roles.Recommender, affiliation: "210500:xihu"), _app.As(Roles.Recommender, affiliation: "xihu") })
        {
            Assert.Empty((await (await stranger.GetAsync("/api/applications?cycleId=changde-2026")).ExpectAsync(200)).EnumerateArray());
            await (await stranger.GetAsync($"/api/applications/{id}")).ExpectAsync(404);
            await (await stranger.PostJsonAsync($"/api/applications/{id}/decline", new { reason = "不符合条件" })).ExpectAsync(404);
        }

        // Changde's 西湖管理区 (city 430700) does.
        var changdeXihu = _app.As(Roles.Recommender, affiliation: "430700:xihu");
        Assert.Equal(id, Assert.Single((await (await changdeXihu.GetAsync("/api/applications?cycleId=changde-2026")).ExpectAsync(200)).EnumerateArray()).Str("applicationId"));
        await (await changdeXihu.GetAsync($"/api/applications/{id}")).ExpectAsync(200);
        var declined = await (await changdeXihu.PostJsonAsync($"/api/applications/{id}/decline", new { reason = "不符合推荐条件" })).ExpectAsync(200);
        Assert.Equal("declined", declined.Str("status"));
        var history = await (await _app.As(Roles.Office).GetAsync($"/api/applications/{id}/history")).ExpectAsync(200);
        Assert.Contains(history.EnumerateArray(), e => e.Str("type") == "RecommendationDeclined");
    }

    [Fact]
    public async Task RecommendedSurveyedAndAccepted_IsOnTheAcceptanceList()
    {
        var (id, applicant) = await SubmittedAsync();
        var office = _app.As(Roles.Office);

        var recommended = await (await Huancui.PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "经审核，该单位符合申报条件，同意推荐。" })).ExpectAsync(200);
        Assert.Equal("opinionSurvey", recommended.Str("stage"));
        await (await office.PostJsonAsync($"/api/applications/{id}/opinion-survey", new { favourable = true, summary = "近三年无负面舆情。" })).ExpectAsync(200);
        var accepted = await (await office.PostJsonAsync($"/api/applications/{id}/accept", new { note = "材料齐全" })).ExpectAsync(200);

        Assert.Equal("materialReview", accepted.Str("stage"));
        var list = await (await office.GetAsync("/api/cycles/weihai-2026/acceptance-list")).ExpectAsync(200);
        var entry = Assert.Single(list.GetProperty("entries").EnumerateArray());
        Assert.Equal(id, entry.Str("applicationId"));
        Assert.Equal("环翠区", entry.Str("district"));
        var seen = await (await applicant.GetAsync($"/api/applications/{id}")).ExpectAsync(200);
        Assert.Equal("materialReview", seen.Str("stage"));
    }

    [Fact]
    public async Task Refused_TellsTheApplicantWhy_AndStaysOffTheAcceptanceList()
    {
        var (id, applicant) = await SubmittedAsync();
        var office = _app.As(Roles.Office);
        await (await Huancui.PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐" })).ExpectAsync(200);
        await (await office.PostJsonAsync($"/api/applications/{id}/opinion-survey", new { favourable = false, summary = "存在重大负面舆情。" })).ExpectAsync(200);

        await (await office.PostJsonAsync($"/api/applications/{id}/refuse", new { reason = "舆情调查发现2025年发生较大质量事故，不符合第十条第五项。" })).ExpectAsync(200);

        var seen = await (await applicant.GetAsync($"/api/applications/{id}")).ExpectAsync(200);
        Assert.Equal("refused", seen.Str("status"));
        Assert.Contains("第十条第五项", seen.Str("endReason"));
        var list = await (await office.GetAsync("/api/cycles/weihai-2026/acceptance-list")).ExpectAsync(200);
        Assert.Empty(list.GetProperty("entries").EnumerateArray());
    }

    [Fact]
    public async Task Accept_BeforeTheRecommendation_IsRefusedAsOutOfOrder()
    {
        var (id, _) = await SubmittedAsync();

        var problem = await (await _app.As(Roles.Office).PostJsonAsync($"/api/applications/{id}/accept", new { })).ExpectAsync(409);

        Assert.Equal("application.out-of-order", problem.Str("code"));
    }

    [Fact]
    public async Task Decline_WithoutAReason_IsInvalid_AndWithOne_EndsTheApplication()
    {
        var (id, applicant) = await SubmittedAsync();

        await (await Huancui.PostJsonAsync($"/api/applications/{id}/decline", new { reason = " " })).ExpectAsync(422);
        await (await Huancui.PostJsonAsync($"/api/applications/{id}/decline", new { reason = "近三年有行政处罚记录。" })).ExpectAsync(200);

        var seen = await (await applicant.GetAsync($"/api/applications/{id}")).ExpectAsync(200);
        Assert.Equal("declined", seen.Str("status"));
    }

    [Theory]
    [InlineData(Roles.Applicant)]
    [InlineData(Roles.Reviewer)]
    [InlineData(Roles.Recommender)]
    public async Task AcceptOrRefuse_ByAnyoneButTheOffice_IsForbidden(string role)
    {
        var (id, _) = await SubmittedAsync();
        var caller = _app.As(role, affiliation: "371000:huancui");

        await (await caller.PostJsonAsync($"/api/applications/{id}/accept", new { })).ExpectAsync(403);
        await (await caller.PostJsonAsync($"/api/applications/{id}/refuse", new { reason = "x" })).ExpectAsync(403);
        await (await caller.GetAsync("/api/cycles/weihai-2026/acceptance-list")).ExpectAsync(403);
    }
}
