using System.Net;
using QualityAward.Domain;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Consultations;

/// <summary>
/// A department that never answers does not hold the applications up for ever: once the deadline
/// has passed and the late departments are recorded, the office ends the round with its reason.
/// </summary>
public sealed partial class ConsultationTests
{
    [Fact]
    public async Task OverdueRound_IsEndedByTheOffice_WithItsReason_TheApplicationMovesOn_AndTheLateLinkIsShut()
    {
        var a = await AtConsultationAsync("常德壬电子有限公司");
        await OpenAsync();
        Assert.Equal(HttpStatusCode.OK, (await PostAnswerAsync("tax", TokenOf("tax"), Clean(a))).StatusCode);
        var office = _app.As(Roles.Office, subject: "office-3");
        var close = $"/api/cycles/changde-2026/consultations/{RoundId}/close";

        // Within the reply period the round cannot be cut short.
        Assert.Equal("consultation.not-overdue", (await (await office.PostJsonAsync(close, new { reason = "等不及了" })).ExpectAsync(409)).Str("code"));

        // After the last reply day (16 March) the deadline timer records the four late departments.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 17, 9, 0, 0, TimeSpan.FromHours(8)));
        await _app.SettleAsync();
        Assert.Equal(4, (await RoundAsync()).GetProperty("overdueDepartments").GetArrayLength());

        await (await _app.As(Roles.Supervisor).PostJsonAsync(close, new { reason = "逾期" })).ExpectAsync(403);
        Assert.Equal("reason.missing", (await (await office.PostJsonAsync(close, new { reason = " " })).ExpectAsync(422)).Str("code"));
        var before = await EventCountAsync(a);

        var closed = await (await office.PostJsonAsync(close, new { reason = "四个部门逾期未答复，经评审办公室主任批准结束征求意见。" })).ExpectAsync(200);
        Assert.Equal("closed", closed.Str("status"));
        Assert.Equal("逾期未答复，评审办公室已结束征求意见", closed.Str("statusText"));
        Assert.Equal(4, closed.GetProperty("closedWithoutAnswersOf").GetArrayLength());
        Assert.DoesNotContain("tax", closed.GetProperty("closedWithoutAnswersOf").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("四个部门逾期未答复，经评审办公室主任批准结束征求意见。", closed.Str("closeReason"));

        await _app.SettleAsync();
        Assert.Equal("formalReview", (await ApplicationAsync(a)).Str("stage"));
        Assert.True(await EventCountAsync(a) > before);

        // A late department's link no longer takes an answer, and the round is not ended twice.
        var late = await PostAnswerAsync("marketregulation", TokenOf("marketregulation"), Clean(a));
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("已经结束", await late.Content.ReadAsStringAsync());
        Assert.Equal("consultation.closed", (await (await office.PostJsonAsync(close, new { reason = "再次" })).ExpectAsync(409)).Str("code"));

        // The reporting export says which departments the round ended without.
        await (await office.PostAsync("/api/reporting/export", null)).ExpectAsync(200);
        var replies = await Reporting.ReportingExportTests.ReadParquetAsync(_app, "fact_consultation_reply", "latest");
        Assert.Equal(
            ["ecologyenvironment", "emergencymanagement", "humanresourcessocialsecurity", "marketregulation"],
            replies.Rows.Where(r => (bool?)r["closed_without_answer"] == true).Select(r => ((string)r["department_id"]!).ToLowerInvariant()).Order().ToArray());
    }
}
