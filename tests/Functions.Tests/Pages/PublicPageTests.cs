using Microsoft.Playwright;
using QualityAward.Domain;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Pages;

/// <summary>
/// The pages people outside the office read, in a real Chromium, as documents a municipal office
/// would publish (issue 19): what a notice and the register must say, no re-post on refresh, and
/// every page at 390 px and 1280 px through axe-core (<see cref="PageChecks"/>).
/// </summary>
public sealed class PublicPageTests(Azurite azurite, Chromium chromium) : IClassFixture<Azurite>, IClassFixture<Chromium>
{
    private static readonly DateTimeOffset BenxiStart = new(2026, 1, 5, 9, 0, 0, TimeSpan.FromHours(8));

    private async Task<IBrowserContext> ContextAsync(TestApp app) =>
        await chromium.Browser.NewPatientContextAsync(new BrowserNewContextOptions { BaseURL = app.Address.ToString(), Locale = "zh-CN", BypassCSP = true });

    [Fact]
    public async Task Notice_NamesItsIssuerDatesAndObjectionChannel_TheFormsRedirect_AndEveryPublicPageFitsAPhone()
    {
        await using var app = await TestApp.StartAsync(azurite, BenxiStart);
        await Holders.OpenCycleAsync(app, "benxi", 2026, "2026-01-05", "2026-03-31");
        var subject = "applicant-" + Guid.NewGuid().ToString("N");
        var id = await Applicants.SubmitAsync(app, app.As(Roles.Applicant, subject: subject), subject, "benxi-2026", Forms.BenxiOrganisation("本溪精工铸造有限公司"));
        await (await app.As(Roles.Recommender, affiliation: "210500:pingshan").PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐。" })).ExpectAsync(200);
        await (await app.As(Roles.Office).PostJsonAsync($"/api/applications/{id}/accept", new { })).ExpectAsync(200);
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 12, 9, 0, 0, TimeSpan.FromHours(8)));
        var noticeId = (await (await app.As(Roles.Office).PostJsonAsync("/api/cycles/benxi-2026/notices", new { list = "acceptance", firstDay = "2026-02-12" })).ExpectAsync(201)).Str("noticeId");
        await app.SettleAsync();

        var context = await ContextAsync(app);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/notices");
        Assert.Contains("本溪市市长质量奖", await page.Locator("header.site").InnerTextAsync());
        Assert.Contains("2026年2月12日至2026年2月25日", await page.ContentAsync());
        await PageChecks.AssertFitAsync(page, "notices");

        await page.GotoAsync($"/notices/{noticeId}");
        Assert.Equal("本溪市质量强市工作领导小组办公室", await page.Locator("#issued-by").InnerTextAsync());
        Assert.Equal("2026年2月12日", await page.Locator("#published-on").InnerTextAsync());
        Assert.StartsWith("2026年2月12日至2026年2月25日", await page.Locator("#period").InnerTextAsync());
        Assert.EndsWith("公示期不少于5个工作日）", await page.Locator("#period").InnerTextAsync()); // Benxi §16: a floor, in its words
        var channel = await page.Locator("#objection-channel").InnerTextAsync();
        Assert.Contains("向本溪市质量强市工作领导小组办公室提出", channel);
        var html = await page.ContentAsync();
        Assert.Contains("本溪市示例路1号 质量奖办公室", html);
        Assert.Contains("award-office@benxi.example.gov.cn", html);
        Assert.DoesNotContain(id, html); // entries are numbered, application ids stay internal
        Assert.Contains("@media print", html);
        await PageChecks.AssertFitAsync(page, "notice");

        // The objection form: 303 to the receipt page; a refresh there shows no code and posts nothing.
        await page.SelectOptionAsync("#entry", "1");
        await page.FillAsync("#text", "该单位近三年发生过质量事故。");
        await page.FillAsync("#name", "赵六");
        await page.FillAsync("#contact", "13600136000");
        await page.ClickAsync("form button[type=submit]");
        await page.WaitForURLAsync($"**/notices/{noticeId}/filed");
        Assert.Matches("^[A-Z0-9]{12}$", await page.Locator("#receipt").InnerTextAsync());
        await PageChecks.AssertFitAsync(page, "objection-filed");
        await page.ReloadAsync();
        Assert.Equal(0, await page.Locator("#receipt").CountAsync());
        Assert.Single((await (await app.As(Roles.Office).GetAsync($"/api/notices/{noticeId}/objections")).ExpectAsync(200)).EnumerateArray());

        await page.GotoAsync("/objections");
        await PageChecks.AssertFitAsync(page, "objection-lookup");

        // 举报: names the city and the award, and takes an individual's ID number.
        await page.GotoAsync("/reports");
        Assert.Contains("本溪市市长质量奖", await page.Locator("h1").InnerTextAsync());
        Assert.Contains("居民身份证号码", await page.Locator("label[for=applicantKey]").InnerTextAsync());
        await PageChecks.AssertFitAsync(page, "report");
        await page.FillAsync("#concerning", "李某");
        await page.FillAsync("#applicantKey", "11010519491231002X");
        await page.FillAsync("#text", "冒用市长质量奖称号。");
        await page.UncheckAsync("input[name=realName]");
        await page.ClickAsync("form button[type=submit]");
        await page.WaitForURLAsync("**/reports/filed");
        Assert.Matches("^[A-Z0-9]{12}$", await page.Locator("#receipt").InnerTextAsync());
        await PageChecks.AssertFitAsync(page, "report-filed");
        await page.GotoAsync("/reports/lookup");
        await PageChecks.AssertFitAsync(page, "report-lookup");

        await page.GotoAsync("/verify");
        await PageChecks.AssertFitAsync(page, "certificate-check");
        await context.CloseAsync();
    }

    [Fact]
    public async Task Register_ShowsAwardDateIssuerAndMoneyAsThePolicySetsIt_TheTitleRuleOnce_AndTheApplicantPagesFitAPhone()
    {
        await using var app = await TestApp.StartAsync(azurite);
        await Holders.OpenCycleAsync(app, "weihai", 2026, "2026-03-02", "2026-04-30");
        await Holders.OpenCycleAsync(app, "changde", 2026, "2026-03-02", "2026-04-30");
        await app.SettleAsync();
        var context = await ContextAsync(app);
        var page = await context.NewPageAsync();

        // The applicant's pages: cycle titles, the draft regulation flagged, §11 preferences labelled as such.
        await page.GotoAsync("/apply");
        await page.FillAsync("#subject", "91371000MA3C00001X");
        await page.FillAsync("#name", "张三");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/apply");
        var apply = await page.ContentAsync();
        Assert.Contains("2026年度", apply);
        Assert.Contains("征求意见稿", await page.Locator(".warning").First.InnerTextAsync());
        await PageChecks.AssertFitAsync(page, "apply");
        await page.Locator("form", new PageLocatorOptions { Has = page.Locator("input[value='weihai-2026']") }).Locator("button[type=submit]").ClickAsync();
        await page.WaitForURLAsync("**/apply/app-*");
        Assert.Equal("优先条件（可选）", await page.Locator("#preferences").InnerTextAsync());
        Assert.Contains("不是需要确认的声明", await page.Locator("#preferences-note").InnerTextAsync());
        Assert.Contains("《威海市市长质量奖认定办法》", await page.Locator("#preferences-note").InnerTextAsync());
        await PageChecks.AssertFitAsync(page, "application-form");
        await page.ClickAsync("#save");
        await page.WaitForURLAsync("**done=saved"); // 303 to the GET: a refresh does not post again

        await Holders.AwardAsync(app, "weihai-2026", "applicant-" + Guid.NewGuid().ToString("N"), Forms.WeihaiOrganisation(), new DateOnly(2026, 6, 30));
        await app.SettleAsync();
        await page.GotoAsync("/register");
        var rows = page.Locator("#holders tbody tr");
        Assert.Equal(1, await rows.CountAsync());
        var row = await rows.First.InnerTextAsync();
        Assert.Contains("2026年6月30日", row);
        Assert.Contains("威海市人民政府", row);
        Assert.Contains("按市政府有关规定（§17）", row);
        Assert.DoesNotContain("\t0\t", row + "\t");
        Assert.Equal(1, await page.Locator(".title-rule").CountAsync());
        Assert.Equal(0, await page.Locator("#holders th", new PageLocatorOptions { HasText = "称号使用规定" }).CountAsync());
        await PageChecks.AssertFitAsync(page, "register");

        await page.GotoAsync("/register/revocations");
        await PageChecks.AssertFitAsync(page, "revocations");
        await context.CloseAsync();
    }
}
