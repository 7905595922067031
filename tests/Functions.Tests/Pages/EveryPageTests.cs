using Microsoft.Playwright;
using QualityAward.Domain;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Tests.Consultations;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Pages;

/// <summary>
/// Every page the app serves, through <see cref="PageChecks"/> (viewport, 390 px and 1280 px,
/// axe-core with no serious or critical finding; issue 19 item 6). A page is a function that
/// answers GET with text/html (its [Api] says so), plus the zh-CN page of an unknown address. The
/// list is checked against the function catalogue, so a new page fails here until it is visited.
/// </summary>
public sealed class EveryPageTests(Azurite azurite, Chromium chromium) : IClassFixture<Azurite>, IClassFixture<Chromium>
{
    /// <summary>The pages by function name; <see cref="EveryPage_AtPhoneAndDesktopWidth_HasNoSeriousAxeFinding"/> visits each.</summary>
    private static readonly string[] Pages =
    [
        "ApiReference",
        "NoSuchAddress",
        "ShowApplicationForm",
        "ShowCertificateCheck",
        "ShowCertificateLookup",
        "ShowMyApplications",
        "ShowNoticePage",
        "ShowNoticesPage",
        "ShowObjectionFiledPage",
        "ShowObjectionLookupPage",
        "ShowObjectionLookupResult",
        "ShowRegisterPage",
        "ShowReplyPage",
        "ShowReportFiledPage",
        "ShowReportLookupPage",
        "ShowReportLookupResult",
        "ShowReportPage",
        "ShowRevocationsPage",
        "ShowSignIn",
    ];

    [Fact]
    public void PageList_IsEveryFunctionThatAnswersGetWithHtml()
    {
        var pages = FunctionCatalog.Instance.Http
            .Where(f => f.Methods.Contains("GET") && f.Api?.Produces == "text/html")
            .Select(f => f.Name)
            .Append("NoSuchAddress") // problem+json under /api, the zh-CN 404 page everywhere else
            .Order(StringComparer.Ordinal)
            .ToList();

        var missing = pages.Except(Pages).ToList();
        var stale = Pages.Except(pages).ToList();
        Assert.True(missing.Count == 0 && stale.Count == 0,
            $"Pages not visited by the axe test (add each to Pages and to the visits in {nameof(EveryPage_AtPhoneAndDesktopWidth_HasNoSeriousAxeFinding)}): {string.Join(", ", missing)}; listed but no longer pages: {string.Join(", ", stale)}");
    }

    [Fact]
    public async Task EveryPage_AtPhoneAndDesktopWidth_HasNoSeriousAxeFinding()
    {
        await using var graph = await GraphStandIn.StartAsync();
        await using var app = await TestApp.StartAsync(azurite, new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8)), configure: ConsultationTests.Configure(graph));
        var office = app.As(Roles.Office);

        // A notice open for objections (Benxi), a holder in the register (Weihai), a consultation round whose mail holds a reply link (Changde).
        await Holders.OpenCycleAsync(app, "benxi", 2026, "2026-03-02", "2026-04-30");
        await Holders.OpenCycleAsync(app, "weihai", 2026, "2026-03-02", "2026-04-30");
        await Holders.OpenCycleAsync(app, "changde", 2026, "2026-03-02", "2026-04-30");
        var benxiSubject = "applicant-" + Guid.NewGuid().ToString("N");
        var benxi = await Applicants.SubmitAsync(app, app.As(Roles.Applicant, subject: benxiSubject), benxiSubject, "benxi-2026", Forms.BenxiOrganisation("本溪精工铸造有限公司"));
        await (await app.As(Roles.Recommender, affiliation: "210500:pingshan").PostJsonAsync($"/api/applications/{benxi}/recommend", new { opinion = "同意推荐。" })).ExpectAsync(200);
        await (await office.PostJsonAsync($"/api/applications/{benxi}/accept", new { })).ExpectAsync(200);
        var noticeId = (await (await office.PostJsonAsync("/api/cycles/benxi-2026/notices", new { list = "acceptance", firstDay = "2026-03-02" })).ExpectAsync(201)).Str("noticeId");
        await Holders.AwardAsync(app, "weihai-2026", "applicant-" + Guid.NewGuid().ToString("N"), Forms.WeihaiOrganisation(), new DateOnly(2026, 6, 30));
        var changdeSubject = "applicant-" + Guid.NewGuid().ToString("N");
        var changde = await Applicants.SubmitAsync(app, app.As(Roles.Applicant, subject: changdeSubject), changdeSubject, "changde-2026", ConsultationTests.ChangdeForm("常德癸陶瓷有限公司", "91350100M000100Y43"));
        await (await app.As(Roles.Recommender, affiliation: "430700:wuling").PostJsonAsync($"/api/applications/{changde}/recommend", new { opinion = "同意推荐。", governmentApprovalReference = "武政函〔2026〕8号" })).ExpectAsync(200);
        await (await office.PostJsonAsync("/api/cycles/changde-2026/consultations", new { })).ExpectAsync(201);
        await app.SettleAsync();
        var replyLink = new Uri(graph.Delivered.First(m => m.To == ConsultationTests.Addresses["tax"] && m.Link is not null).Link!).PathAndQuery;

        var context = await chromium.Browser.NewPatientContextAsync(new BrowserNewContextOptions { BaseURL = app.Address.ToString(), Locale = "zh-CN", BypassCSP = true });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(90_000); // two cores shared with other test runs
        var console = new List<string>();
        page.Console += (_, m) => console.Add(m.Type + ": " + m.Text);
        page.PageError += (_, e) => console.Add("error: " + e);
        var visits = new (string Function, Func<Task> Open)[]
        {
            ("ShowNoticesPage", () => page.GotoAsync("/notices")),
            ("ShowNoticePage", () => page.GotoAsync($"/notices/{noticeId}")),
            ("ShowObjectionFiledPage", async () =>
            {
                await page.GotoAsync($"/notices/{noticeId}");
                await page.SelectOptionAsync("#entry", "1");
                await page.FillAsync("#text", "该单位近三年发生过质量事故。");
                await page.FillAsync("#name", "赵六");
                await page.FillAsync("#contact", "13600136000");
                await page.ClickAsync("form button[type=submit]");
                await page.WaitForURLAsync($"**/notices/{noticeId}/filed");
            }),
            ("ShowObjectionLookupPage", () => page.GotoAsync("/objections")),
            ("ShowObjectionLookupResult", async () =>
            {
                var code = (await (await app.Anonymous().PostJsonAsync($"/api/public/notices/{noticeId}/objections", new { entry = 1, realName = false, text = "该单位产品抽检不合格。" })).ExpectAsync(201)).Str("receiptCode");
                await page.GotoAsync("/objections");
                await page.FillAsync("#code", code);
                await page.ClickAsync("form button[type=submit]");
                await page.WaitForURLAsync("**/objections/result");
            }),
            ("ShowReportPage", () => page.GotoAsync("/reports")),
            ("ShowReportFiledPage", async () =>
            {
                await page.GotoAsync("/reports");
                await page.FillAsync("#concerning", "李某");
                await page.FillAsync("#text", "冒用市长质量奖称号。");
                await page.UncheckAsync("input[name=realName]");
                await page.ClickAsync("form button[type=submit]");
                await page.WaitForURLAsync("**/reports/filed");
            }),
            ("ShowReportLookupPage", () => page.GotoAsync("/reports/lookup")),
            ("ShowReportLookupResult", async () =>
            {
                var code = (await (await app.Anonymous().PostJsonAsync("/api/public/reports", new { concerning = "本溪某公司", text = "冒用市长质量奖称号。", realName = false })).ExpectAsync(201)).Str("receiptCode");
                await page.GotoAsync("/reports/lookup");
                await page.FillAsync("#code", code);
                await page.ClickAsync("form button[type=submit]");
                await page.WaitForURLAsync("**/reports/result");
            }),
            ("ShowRegisterPage", () => page.GotoAsync("/register")),
            ("ShowRevocationsPage", () => page.GotoAsync("/register/revocations")),
            ("ShowCertificateLookup", () => page.GotoAsync("/verify?q=" + Uri.EscapeDataString("威质奖〔2026〕第001号"))),
            ("ShowCertificateCheck", () => page.GotoAsync("/verify/weihai-2026-r001")),
            ("ShowReplyPage", () => page.GotoAsync(replyLink)),
            ("NoSuchAddress", () => page.GotoAsync("/no-such-page")),
            ("ApiReference", async () =>
            {
                await page.GotoAsync("/scalar/v1", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
                // The reference is drawn by its script from the OpenAPI document.
                await page.WaitForFunctionAsync("() => document.body.innerText.includes('QualityAward')", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
            }),
            ("ShowSignIn", () => page.GotoAsync("/signin")),
            ("ShowMyApplications", async () =>
            {
                await page.GotoAsync("/signin");
                await page.FillAsync("#subject", "91371000MA3C00001X");
                await page.FillAsync("#name", "张三");
                await page.ClickAsync("button[type=submit]");
                await page.WaitForURLAsync("**/apply");
            }),
            ("ShowApplicationForm", async () =>
            {
                await page.Locator("form", new PageLocatorOptions { Has = page.Locator("input[value='weihai-2026']") }).Locator("button[type=submit]").ClickAsync();
                await page.WaitForURLAsync("**/apply/app-*");
            }),
        };

        Assert.Equal(Pages, visits.Select(v => v.Function).Order(StringComparer.Ordinal));
        var failures = new List<string>();
        foreach (var (function, open) in visits)
        {
            console.Clear();
            try
            {
                await open();
                await PageChecks.AssertFitAsync(page, "every-" + function);
            }
            catch (Exception ex) when (ex is Xunit.Sdk.XunitException or PlaywrightException or TimeoutException)
            {
                // With what the page's scripts said: the API reference is drawn by one.
                failures.Add($"{function} ({page.Url}): {ex.Message}\n" + string.Join("\n", console));
            }
        }

        await context.CloseAsync();
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }
}
