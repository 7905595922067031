using QualityAward.Domain;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Reports;

/// <summary>Reports (举报) to the supervision group: real-name or anonymous, the reporter known only to the group (Xinzhou §25), the result read back with the receipt code (Changde §40).</summary>
public sealed class ReportTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task RealNameReport_ReporterSeenOnlyBySupervisors_ResultGoesBackByReceiptCode()
    {
        var response = await _app.Anonymous().PostJsonAsync("/api/public/reports", new
        {
            concerning = "本溪甲钢铁有限公司",
            applicantKey = "91350100M000100Y43",
            text = "该公司在产品包装上使用市长质量奖标志。",
            realName = true,
            name = "王五",
            contact = "13700137000",
        });
        var filed = await response.ExpectAsync(201);
        Assert.Null(response.Headers.Location); // the receipt code is a secret: no URL carries it
        var receipt = filed.Str("receiptCode");
        var reportId = filed.Str("reportId");

        var supervisorView = Assert.Single((await (await _app.As(Roles.Supervisor).GetAsync("/api/reports")).ExpectAsync(200)).EnumerateArray());
        Assert.Equal("王五", supervisorView.Str("reporterName"));
        Assert.Equal("13700137000", supervisorView.Str("reporterContact"));

        var officeText = await (await _app.As(Roles.Office).GetAsync("/api/reports")).Content.ReadAsStringAsync();
        Assert.Contains("使用市长质量奖标志", officeText);
        Assert.DoesNotContain("王五", officeText);
        Assert.DoesNotContain("13700137000", officeText);

        Assert.Equal("investigating", (await (await _app.Anonymous().PostJsonAsync("/api/public/reports/lookup", new { receiptCode = receipt })).ExpectAsync(200)).Str("status"));
        await (await _app.As(Roles.Office).PostJsonAsync($"/api/reports/{reportId}/result", new { upheld = true, result = "经核查属实，已责令改正。" })).ExpectAsync(403);
        await (await _app.As(Roles.Supervisor).PostJsonAsync($"/api/reports/{reportId}/result", new { upheld = true, result = "经核查属实，已责令改正。" })).ExpectAsync(200);

        var status = await (await _app.Anonymous().PostJsonAsync("/api/public/reports/lookup", new { receiptCode = receipt.ToLowerInvariant() })).ExpectAsync(200);
        Assert.Equal("concluded", status.Str("status"));
        Assert.Equal("经核查属实，已责令改正。", status.Str("result"));
        Assert.True(status.GetProperty("upheld").GetBoolean());
    }

    [Fact]
    public async Task AnonymousReport_WithANameIsRefused_WithoutOneKeepsNoName_AndARealNameReportNeedsAContact()
    {
        // Asking anonymity and sending a name: refused, not silently stripped, and nothing stored.
        var identified = await (await _app.Anonymous().PostJsonAsync("/api/public/reports", new { concerning = "某获奖单位", text = "发生安全事故未报告。", realName = false, name = "赵六", contact = "zhao@example.com" })).ExpectAsync(422);
        Assert.Equal("report.anonymous-identified", identified.Str("code"));
        Assert.Empty((await (await _app.As(Roles.Supervisor).GetAsync("/api/reports")).ExpectAsync(200)).EnumerateArray());

        await (await _app.Anonymous().PostJsonAsync("/api/public/reports", new { concerning = "某获奖单位", text = "发生安全事故未报告。", realName = false, name = "", contact = " " })).ExpectAsync(201);
        var view = Assert.Single((await (await _app.As(Roles.Supervisor).GetAsync("/api/reports")).ExpectAsync(200)).EnumerateArray());
        Assert.False(view.GetProperty("realName").GetBoolean());
        Assert.False(view.TryGetProperty("reporterName", out _));

        var incomplete = await (await _app.Anonymous().PostJsonAsync("/api/public/reports", new { concerning = "某获奖单位", text = "举报内容。", realName = true, name = "钱七" })).ExpectAsync(422);
        Assert.Equal("contact", incomplete.Str("field"));
        await (await _app.Anonymous().PostJsonAsync("/api/public/reports/lookup", new { receiptCode = "ABCDEFGHJKMN" })).ExpectAsync(404);
    }

    [Fact]
    public async Task ReportPage_FilesAnonymously_ShowsTheCodeOnce_AndTheLookupPageFollowsIt()
    {
        var page = await _app.Anonymous().GetStringAsync("/reports");
        Assert.Contains("举报人的姓名和联系方式只有监督组可见", page);

        var refused = await _app.Anonymous().PostAsync("/forms/reports", new FormUrlEncodedContent(new Dictionary<string, string> { ["concerning"] = "<b>某公司</b>", ["text"] = "违规使用称号。", ["realName"] = "true", ["name"] = "孙八" }));
        Assert.Equal(422, (int)refused.StatusCode);
        var refusedHtml = await refused.Content.ReadAsStringAsync();
        Assert.Contains("实名举报请填写联系方式", refusedHtml);
        Assert.Contains("&lt;b&gt;某公司&lt;/b&gt;", refusedHtml);

        using var browser = PageLookups.Browser(_app);
        var posted = await browser.PostAsync("/forms/reports", new FormUrlEncodedContent(new Dictionary<string, string> { ["concerning"] = "某获奖公司", ["text"] = "在产品包装上使用市长质量奖称号。" }));
        Assert.Equal(303, (int)posted.StatusCode);
        Assert.Equal("/reports/filed", posted.Headers.Location?.OriginalString);
        Assert.Contains("secure", PageLookups.SetCookie(posted, "receipt").ToLowerInvariant());
        var filed = await PageLookups.GetAsync(_app, "/reports/filed", PageLookups.CookieOf(posted, "receipt")); // the page that shows the code once
        var code = System.Text.RegularExpressions.Regex.Match(await filed.Content.ReadAsStringAsync(), "id=\"receipt\">([A-Z0-9]{12})<").Groups[1].Value;
        Assert.Equal(12, code.Length);

        var status = await PageLookups.LookUpAsync(_app, "/forms/reports/lookup", code);
        Assert.Contains("正在调查核实", await status.Result!.Content.ReadAsStringAsync());
        var view = Assert.Single((await (await _app.As(Roles.Supervisor).GetAsync("/api/reports")).ExpectAsync(200)).EnumerateArray());
        Assert.False(view.GetProperty("realName").GetBoolean());
    }
}
