using System.Text.Json;
using QualityAward.Domain;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Applications;

public sealed class ApplicationApiTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite);
        await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<string> DraftAsync(HttpClient applicant, string category = "organisation")
    {
        var created = await (await applicant.PostJsonAsync("/api/cycles/weihai-2026/applications", new { category })).ExpectAsync(201);
        return created.Str("applicationId");
    }

    [Fact]
    public async Task Draft_IsCreatedEditedAndReadByItsOwner()
    {
        var applicant = _app.As(Roles.Applicant);
        var id = await DraftAsync(applicant);

        var saved = await (await applicant.PutJsonAsync($"/api/applications/{id}/form", Forms.WeihaiOrganisation())).ExpectAsync(200);

        Assert.Equal("draft", saved.Str("status"));
        var read = await (await applicant.GetAsync($"/api/applications/{id}")).ExpectAsync(200);
        Assert.Equal("威海精工机械有限公司", read.GetProperty("form").Str("name"));
        var mine = await (await applicant.GetAsync("/api/applications")).ExpectAsync(200);
        Assert.Equal([id], mine.EnumerateArray().Select(a => a.Str("applicationId")).ToArray());
    }

    [Fact]
    public async Task Submit_WithoutTheSelfAssessmentReport_SaysExactlyWhatIsMissing_InChinese()
    {
        var applicant = _app.As(Roles.Applicant);
        var id = await DraftAsync(applicant);
        await (await applicant.PutJsonAsync($"/api/applications/{id}/form", Forms.WeihaiOrganisation())).ExpectAsync(200);

        var problem = await (await applicant.PostAsync($"/api/applications/{id}/submit", null)).ExpectAsync(422);

        var fields = problem.GetProperty("problems").EnumerateArray().Select(p => p.Str("field")).ToArray();
        Assert.Equal(["documents.selfAssessmentReport"], fields);
        Assert.Contains("自我评价报告", problem.GetProperty("problems")[0].Str("message"));
        var after = await (await applicant.GetAsync($"/api/applications/{id}")).ExpectAsync(200);
        Assert.Equal("draft", after.Str("status"));
    }

    [Fact]
    public async Task Submit_AnEmptyForm_ListsEveryMissingField()
    {
        var applicant = _app.As(Roles.Applicant);
        var id = await DraftAsync(applicant);

        var problem = await (await applicant.PostAsync($"/api/applications/{id}/submit", null)).ExpectAsync(422);

        var fields = problem.GetProperty("problems").EnumerateArray().Select(p => p.Str("field")).ToHashSet();
        Assert.Contains("name", fields);
        Assert.Contains("creditCode", fields);
        Assert.Contains("authenticityDeclared", fields);
        Assert.Contains("declarations.no-major-incident", fields); // Weihai §10(五)
    }

    [Fact]
    public async Task Form_WithAnInvalidCreditCode_IsSavedAsDraft_ButSubmitNamesTheCode()
    {
        var applicant = _app.As(Roles.Applicant);
        var id = await DraftAsync(applicant);
        await (await applicant.PutJsonAsync($"/api/applications/{id}/form", Forms.WeihaiOrganisation(creditCode: "91350100M000100Y44"))).ExpectAsync(200);

        var problem = await (await applicant.PostAsync($"/api/applications/{id}/submit", null)).ExpectAsync(422);

        Assert.Contains("creditCode", problem.GetProperty("problems").EnumerateArray().Select(p => p.Str("field")));
    }

    [Fact]
    public async Task AnotherApplicant_CannotSeeOrTouchMyApplication_AndLearnsNothing()
    {
        var mine = _app.As(Roles.Applicant);
        var id = await DraftAsync(mine);
        var other = _app.As(Roles.Applicant);

        await (await other.GetAsync($"/api/applications/{id}")).ExpectAsync(404);
        await (await other.GetAsync($"/api/applications/{id}/history")).ExpectAsync(404);
        await (await other.PutJsonAsync($"/api/applications/{id}/form", Forms.WeihaiOrganisation(name: "冒名顶替"))).ExpectAsync(404);
        await (await other.PostAsync($"/api/applications/{id}/submit", null)).ExpectAsync(404);
        Assert.Empty((await (await other.GetAsync("/api/applications")).ExpectAsync(200)).EnumerateArray());
        var untouched = await (await mine.GetAsync($"/api/applications/{id}")).ExpectAsync(200);
        Assert.Null(untouched.GetProperty("form").TryGetProperty("name", out var n) ? n.GetString() : null);
    }

    [Fact]
    public async Task TheOffice_SeesEveryApplicationOfTheCycle_AndItsHistoryWithWhoDidWhat()
    {
        var applicant = _app.As(Roles.Applicant, name: "申报联系人");
        var id = await DraftAsync(applicant);
        await (await applicant.PutJsonAsync($"/api/applications/{id}/form", Forms.WeihaiOrganisation())).ExpectAsync(200);
        var office = _app.As(Roles.Office);

        var list = await (await office.GetAsync("/api/applications?cycleId=weihai-2026")).ExpectAsync(200);
        var history = await (await office.GetAsync($"/api/applications/{id}/history")).ExpectAsync(200);

        Assert.Contains(id, list.EnumerateArray().Select(a => a.Str("applicationId")));
        var types = history.EnumerateArray().Select(h => h.Str("type")).ToArray();
        Assert.Equal(["ApplicationDrafted", "DraftSaved"], types);
        Assert.All(history.EnumerateArray(), h => Assert.Equal("applicant", h.Str("actorRole")));
        Assert.All(history.EnumerateArray(), h => Assert.False(string.IsNullOrWhiteSpace(h.Str("summary"))));
    }

    [Fact]
    public async Task CreateDraft_RetriedWithTheSameIdempotencyKey_CreatesOneDraft()
    {
        var applicant = _app.As(Roles.Applicant, subject: "applicant-idem");
        applicant.DefaultRequestHeaders.Add("Idempotency-Key", "form-2026-first");

        var first = await (await applicant.PostJsonAsync("/api/cycles/weihai-2026/applications", new { category = "organisation" })).ExpectAsync(201);
        var second = await applicant.PostJsonAsync("/api/cycles/weihai-2026/applications", new { category = "organisation" });

        Assert.True(second.IsSuccessStatusCode, await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Str("applicationId"), (await second.ReadAsync()).Str("applicationId"));
        Assert.Single((await (await applicant.GetAsync("/api/applications")).ExpectAsync(200)).EnumerateArray());
    }

    [Fact]
    public async Task Draft_InACycleThatDoesNotExist_IsRefused()
    {
        var response = await _app.As(Roles.Applicant).PostJsonAsync("/api/cycles/nowhere-2026/applications", new { category = "organisation" });

        Assert.InRange((int)response.StatusCode, 404, 409);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Draft_AfterTheWindowClosed_IsRefused()
    {
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 5, 1, 0, 0, 1, TimeSpan.FromHours(8)));

        var problem = await (await _app.As(Roles.Applicant).PostJsonAsync("/api/cycles/weihai-2026/applications", new { category = "organisation" })).ExpectAsync(409);

        Assert.StartsWith("application.window", problem.Str("code"));
    }

    [Fact]
    public async Task Form_WithScriptInAField_IsStoredAsText_AndReturnedAsJsonString()
    {
        var applicant = _app.As(Roles.Applicant);
        var id = await DraftAsync(applicant);
        const string hostile = "<script>alert(1)</script>";

        await (await applicant.PutJsonAsync($"/api/applications/{id}/form", Forms.WeihaiOrganisation(name: hostile))).ExpectAsync(200);

        var read = await applicant.GetAsync($"/api/applications/{id}");
        Assert.Equal("application/json", read.Content.Headers.ContentType?.MediaType);
        Assert.Equal(hostile, (await read.ReadAsync()).GetProperty("form").Str("name"));
    }

    [Fact]
    public async Task Submit_AfterTheWindowClosed_IsRefused_AndTheDraftStaysADraft()
    {
        var subject = "applicant-late";
        var applicant = _app.As(Roles.Applicant, subject: subject);
        var id = await DraftAsync(applicant);
        await (await applicant.PutJsonAsync($"/api/applications/{id}/form", Forms.WeihaiOrganisation())).ExpectAsync(200);
        await Applicants.AttachReportAsync(_app, id, subject);
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.FromHours(8)));

        var problem = await (await applicant.PostAsync($"/api/applications/{id}/submit", null)).ExpectAsync(409);

        Assert.Equal("application.window-closed", problem.Str("code"));
        var history = await (await _app.As(Roles.Office).GetAsync($"/api/applications/{id}/history")).ExpectAsync(200);
        Assert.DoesNotContain(history.EnumerateArray(), h => h.Str("type") == "ApplicationSubmitted");
    }

    [Fact]
    public async Task FormPage_ShowsScriptInEveryTextFieldAsText()
    {
        const string hostile = "\"><script>alert(1)</script><img src=x onerror=alert(2)>";
        var subject = "applicant-xss";
        var applicant = _app.As(Roles.Applicant, subject: subject);
        var id = await DraftAsync(applicant);
        var form = new
        {
            name = hostile, districtId = "huancui", registeredAddress = hostile, industryCode = "<i>1</i>", qualityModel = hostile, creditCode = "<script>2</script>",
            contact = new { name = hostile, phone = "<script>3</script>", email = hostile }, recommenderId = hostile,
        };
        await (await applicant.PutJsonAsync($"/api/applications/{id}/form", form)).ExpectAsync(200);
        var page = _app.Anonymous();
        page.DefaultRequestHeaders.Add("Cookie", $"qa_session={QualityAward.Functions.Hosting.DevTokens.Mint(TestApp.SigningKey, subject, [Roles.Applicant], "x", null, TimeSpan.FromHours(1), DateTimeOffset.UtcNow)}");

        var html = await (await page.GetAsync($"/apply/{id}")).Content.ReadAsStringAsync();

        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("&lt;script&gt;2&lt;/script&gt;", html);
        Assert.Contains("&lt;i&gt;1&lt;/i&gt;", html);
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("<i>1</i>", html);
        Assert.DoesNotContain("<img src=x", html);
    }
}
