using QualityAward.Domain;
using QualityAward.Functions.Reporting;
using QualityAward.Functions.Tests.Infrastructure;
using QualityAward.Functions.Tests.Review;

namespace QualityAward.Functions.Tests.Reporting;

/// <summary>
/// Weihai 2026 built through the API: two experts score an accepted application at the material
/// review and the office then recuses one of them; another organisation is recognised on 2026-06-30, its yearly visit falls due on
/// 2027-06-30 and the office records it on 2027-07-05 with follow-ups. The office's export is read
/// back: reviewers, their scores and the visit, and no expert's name, employer or contact, nor the
/// visit's findings, in any file.
/// </summary>
public sealed class ReportingReviewAndAftercareTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private const string Cycle = "weihai-2026";
    private const string HolderCreditCode = "91350100M000100Y43";
    private const string Findings = "质量管理体系运行正常，巡访发现甲线记录缺失。";
    private const string Recusal = "评审后查明曾为申报单位提供咨询，予以回避";
    private TestApp _app = null!;
    private ReviewFlow _flow = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite, new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8)));
        _flow = new ReviewFlow(_app, Cycle, "weihai");
        await Holders.OpenCycleAsync(_app, "weihai", 2026, "2026-03-02", "2026-04-30");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static DateTimeOffset At(int y, int m, int d, int h, int min, int s = 0) => new(y, m, d, h, min, s, TimeSpan.FromHours(8));

    /// <summary>Draft, form, report, submit; recommended, surveyed, accepted: at the material review.</summary>
    private async Task<string> AcceptedAsync()
    {
        const string subject = "applicant-review";
        var client = _app.As(Roles.Applicant, subject: subject);
        var id = (await (await client.PostJsonAsync($"/api/cycles/{Cycle}/applications", new { category = "organisation" })).ExpectAsync(201)).Str("applicationId");
        await (await client.PutJsonAsync($"/api/applications/{id}/form", Forms.WeihaiOrganisation("威海甲精密机械有限公司", ReviewFlow.CreditCodeFor(1)))).ExpectAsync(200);
        await Applicants.AttachReportAsync(_app, id, subject);
        await (await client.PostAsync($"/api/applications/{id}/submit", null)).ExpectAsync(200);
        await (await _app.As(Roles.Recommender, affiliation: "371000:huancui").PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐。" })).ExpectAsync(200);
        await (await _flow.Office.PostJsonAsync($"/api/applications/{id}/opinion-survey", new { favourable = true, summary = "未发现负面舆情" })).ExpectAsync(200);
        await (await _flow.Office.PostJsonAsync($"/api/applications/{id}/accept", new { })).ExpectAsync(200);
        return id;
    }

    [Fact]
    public async Task Export_HoldsReviewersTheirScoresAndTheVisits_WithoutNamesContactsOrFindings()
    {
        var reviewed = await AcceptedAsync();
        await _flow.AddExpertAsync("exp-1", "山东大学（威海）");
        await _flow.AddExpertAsync("exp-2", "威海市标准化研究院", ReviewFlow.CreditCodeFor(60));
        await _flow.FormPanelAsync("panel-1", "exp-1", "exp-1", "exp-2");
        await _flow.AssignAsync(reviewed, "materialReview", "panel-1");
        await (await _flow.ScoreAsync("exp-1", reviewed, "materialReview", 0.8m)).ExpectAsync(200);
        await (await _flow.ScoreAsync("exp-2", reviewed, "materialReview", 0.6m)).ExpectAsync(200);
        await (await _flow.Office.PostJsonAsync($"/api/applications/{reviewed}/recusals", new { expertId = "exp-2", recuse = true, reason = Recusal })).ExpectAsync(200);
        var maxTotal = (await _flow.SheetAsync()).Values.Sum();

        var awarded = await Holders.AwardAsync(_app, Cycle, "holder-owner", Forms.WeihaiOrganisation(), new DateOnly(2026, 6, 30));
        _app.Clock.SetUtcNow(At(2027, 6, 30, 1, 0, 0));
        await _app.RunTimerAsync("HolderSupervision");
        await _app.SettleAsync();
        _app.Clock.SetUtcNow(At(2027, 7, 6, 10, 0));
        var office = _app.As(Roles.Office);
        await (await office.PostJsonAsync($"/api/register/awards/{awarded}/inspections", new { visitedOn = "2027-07-05", findings = Findings, followUps = "下次巡访核查新生产线的质量控制。" })).ExpectAsync(200);

        await (await office.PostAsync("/api/reporting/export", null)).ExpectAsync(200);

        var reviewers = await ReportingExportTests.ReadParquetAsync(_app, "dim_reviewer", "latest");
        Assert.Equal(["exp-1", "exp-2"], reviewers.Rows.Select(r => (string?)r["expert_id"]));
        Assert.Equal("卓越绩效管理", reviewers.Row("expert_id", "exp-1")["field"]);
        Assert.Equal("C3670", reviewers.Row("expert_id", "exp-1")["industry_codes"]);
        Assert.Equal(false, reviewers.Row("expert_id", "exp-1")["employer_credit_code_known"]);
        Assert.Equal(true, reviewers.Row("expert_id", "exp-2")["employer_credit_code_known"]);
        Assert.Equal(true, reviewers.Row("expert_id", "exp-2")["active"]);

        var scores = await ReportingExportTests.ReadParquetAsync(_app, "fact_review_score", "latest");
        Assert.Equal(2, scores.Rows.Count);
        Assert.All(scores.Rows, r => Assert.Equal((reviewed, Cycle, "materialReview"), ((string?)r["application_id"], (string?)r["cycle_id"], (string?)r["stage"])));
        Assert.Equal(false, scores.Row("expert_id", "exp-1")["recused"]);
        Assert.Equal(true, scores.Row("expert_id", "exp-2")["recused"]);
        Assert.Equal(decimal.Round(maxTotal * 0.8m, 1), (decimal)scores.Row("expert_id", "exp-1")["total"]!, 1);
        Assert.Equal(decimal.Round(maxTotal * 0.6m, 1), (decimal)scores.Row("expert_id", "exp-2")["total"]!, 1);

        var visit = Assert.Single((await ReportingExportTests.ReadParquetAsync(_app, "fact_inspection", "latest")).Rows);
        Assert.Equal(awarded, visit["application_id"]);
        Assert.Equal(Cycle, visit["cycle_id"]);
        Assert.Equal("weihai", visit["policy_id"]);
        Assert.Equal(HolderCreditCode, visit["holder_key"]);
        Assert.Equal(1, visit["inspection_number"]);
        Assert.Equal(new DateTime(2027, 6, 30), ((DateTime)visit["due_on"]!).Date);
        Assert.Equal(new DateTime(2027, 7, 5), ((DateTime)visit["visited_on"]!).Date);
        Assert.Equal(5, visit["days_late"]);
        Assert.Equal(true, visit["follow_up"]);

        // Experts' names, employers and contacts, and the visit's findings and follow-ups, appear in no file.
        foreach (var table in ReportSchema.Tables.Keys)
        {
            var text = string.Join("\n", (await ReportingExportTests.ReadCsvAsync(_app, table, "latest")).Select(r => string.Join(",", r)));
            foreach (var personal in new[] { "专家exp-1", "专家exp-2", "山东大学（威海）", "威海市标准化研究院", ReviewFlow.CreditCodeFor(60), "0631-5200000", Findings, "新生产线", Recusal })
            {
                Assert.DoesNotContain(personal, text);
            }
        }
    }
}
