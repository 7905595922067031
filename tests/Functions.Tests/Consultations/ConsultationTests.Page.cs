using Microsoft.Playwright;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Consultations;

/// <summary>The reply page as a department reads it (issue 19, item 4): the regulation by name with its article, the office that asks and how to reach it; at 390 px and through axe-core.</summary>
public sealed partial class ConsultationTests
{
    [Fact]
    public async Task ReplyPage_NamesTheRegulationAndTheOffice_AndFitsAPhone()
    {
        await AtConsultationAsync("常德癸陶瓷有限公司");
        await OpenAsync();

        // The mail says the same: the regulation by name with its articles, the office that asks and how to reach it.
        var mail = MailTo("tax").Html;
        Assert.Contains("根据《常德市市长质量奖管理办法（征求意见稿）》第十三条至第十四条的规定", mail);
        Assert.Contains("请与常德市市长质量奖评审委员会办公室联系（地址：常德市示例路1号 质量奖办公室；电话：0000-1234567；电子邮箱：award-office@changde.example.gov.cn）", mail);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var context = await browser.NewPatientContextAsync(new BrowserNewContextOptions { Locale = "zh-CN", BypassCSP = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(_app.Address, LinkPath("tax")).ToString());

        var basis = await page.Locator("#basis").InnerTextAsync();
        Assert.StartsWith("《常德市市长质量奖管理办法（征求意见稿）》第十三条", basis); // a draft says so, once
        Assert.Contains("条", basis);
        Assert.DoesNotContain("§", basis);
        var sender = await page.Locator("#sender").InnerTextAsync();
        Assert.Contains("常德市市长质量奖评审委员会办公室", sender);
        Assert.Contains("award-office@changde.example.gov.cn", sender);
        Assert.Contains("常德市市长质量奖", await page.Locator("header.site").InnerTextAsync());
        await PageChecks.AssertFitAsync(page, "consultation-reply");
    }
}
