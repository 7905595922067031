using Microsoft.Playwright;
using QualityAward.Domain;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Consultations;

/// <summary>The reply page in a real headless Chromium, with JavaScript switched off: a department answers from its mail's link.</summary>
public sealed partial class ConsultationTests
{
    [Fact]
    public async Task Browser_WithoutJavaScript_OpensTheLinkFromTheMail_AndAnswers()
    {
        var a = await AtConsultationAsync("常德壬陶瓷有限公司");
        await OpenAsync();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { JavaScriptEnabled = false, Locale = "zh-CN" });
        page.SetDefaultTimeout(BrowserPatience.Milliseconds);
        page.SetDefaultNavigationTimeout(BrowserPatience.Milliseconds);

        await page.GotoAsync(new Uri(_app.Address, LinkPath("tax")).ToString());
        Assert.Equal("常德市税务局", await page.Locator("#department").TextContentAsync());
        Assert.Equal("2026年3月16日", await page.Locator("#reply-by").TextContentAsync());

        // Submitting without a choice is stopped by the browser itself (a required radio), no script needed.
        await page.Locator("button[type=submit]").ClickAsync();
        Assert.Equal(0, await page.Locator("#status").CountAsync());
        Assert.False((await RoundAsync()).GetProperty("departments").EnumerateArray().Single(d => d.Str("department") == "tax").GetProperty("answered").GetBoolean());

        await page.Locator($"input[name='v-{a}'][value='adverse']").CheckAsync();
        await page.Locator($"#d-{a}").FillAsync("2025年6月因虚开发票被处罚。");
        await page.Locator("#respondentName").FillAsync("周科长 0736-7111111");
        await page.Locator("button[type=submit]").ClickAsync();

        Assert.Equal("已收到贵单位的意见，谢谢。", await page.Locator("#status").TextContentAsync());
        Assert.Contains("2025年6月因虚开发票被处罚。", await page.ContentAsync());

        var round = await RoundAsync();
        var tax = Assert.Single(round.GetProperty("departments").EnumerateArray(), d => d.Str("department") == "tax");
        Assert.True(tax.GetProperty("answered").GetBoolean());
        Assert.Equal("周科长 0736-7111111", tax.Str("respondent"));
        Assert.Equal("adverseRecord", tax.GetProperty("answers")[0].Str("verdict"));

        await _app.SettleAsync();
        var history = await (await _app.As(Roles.Office).GetAsync($"/api/applications/{a}/history")).ExpectAsync(200);
        Assert.Single(history.EnumerateArray(), h => h.Str("type") == "AdverseRecordReported");
    }
}
