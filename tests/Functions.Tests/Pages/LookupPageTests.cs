using System.Text.Json;
using Microsoft.Playwright;
using QualityAward.Domain;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Pages;

/// <summary>
/// The receipt-code lookups on the pages (异议查询, 举报查询) answer their POST with 303 See Other
/// (issue 19 item 5): the result page is a GET, a refresh shows it again and posts nothing, and the
/// code travels in a short-lived HttpOnly SameSite=Strict cookie, never in an address.
/// </summary>
public sealed class LookupPageTests(Azurite azurite, Chromium chromium) : IClassFixture<Azurite>, IAsyncLifetime, IClassFixture<Chromium>
{
    private const string WrongCode = "查询码不正确，请核对后重新输入。";
    private static readonly DateTimeOffset BenxiStart = new(2026, 1, 5, 9, 0, 0, TimeSpan.FromHours(8));

    private TestApp _app = null!;
    private string _noticeId = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite, BenxiStart);
        await Holders.OpenCycleAsync(_app, "benxi", 2026, "2026-01-05", "2026-03-31");
        var subject = "applicant-" + Guid.NewGuid().ToString("N");
        var id = await Applicants.SubmitAsync(_app, _app.As(Roles.Applicant, subject: subject), subject, "benxi-2026", Forms.BenxiOrganisation("本溪精工铸造有限公司"));
        await (await _app.As(Roles.Recommender, affiliation: "210500:pingshan").PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐。" })).ExpectAsync(200);
        await (await _app.As(Roles.Office).PostJsonAsync($"/api/applications/{id}/accept", new { })).ExpectAsync(200);
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 12, 9, 0, 0, TimeSpan.FromHours(8)));
        _noticeId = (await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles/benxi-2026/notices", new { list = "acceptance", firstDay = "2026-02-12" })).ExpectAsync(201)).Str("noticeId");
        await _app.SettleAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<string> ObjectionCodeAsync() =>
        (await (await _app.Anonymous().PostJsonAsync($"/api/public/notices/{_noticeId}/objections", new { entry = 1, realName = false, text = "该单位近三年发生过质量事故。" })).ExpectAsync(201)).Str("receiptCode");

    private async Task<string> ReportCodeAsync() =>
        (await (await _app.Anonymous().PostJsonAsync("/api/public/reports", new { concerning = "本溪某公司", text = "冒用市长质量奖称号。", realName = false })).ExpectAsync(201)).Str("receiptCode");

    [Theory]
    [InlineData("/forms/objections/lookup", "/objections/result")]
    [InlineData("/forms/reports/lookup", "/reports/result")]
    public async Task Lookup_AnswersSeeOther_ToAResultPageThatShowsTheStatus_AndShowsItAgainOnARefresh(string form, string result)
    {
        var code = form.Contains("objections", StringComparison.Ordinal) ? await ObjectionCodeAsync() : await ReportCodeAsync();

        // Typed as people type it: lower case, with spaces.
        var lookup = await PageLookups.LookUpAsync(_app, form, code.ToLowerInvariant().Insert(4, " ").Insert(9, " "));

        Assert.Equal(303, (int)lookup.Post.StatusCode);
        Assert.Equal(result, lookup.Post.Headers.Location!.OriginalString); // the code is in no address
        Assert.Empty(await lookup.Post.Content.ReadAsStringAsync());
        var attributes = PageLookups.SetCookie(lookup.Post, "lookup").Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToArray();
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains($"path={result}", attributes);
        Assert.Contains("max-age=600", attributes);
        Assert.Contains("secure", attributes); // outside Development (the tests' environment is Testing)

        Assert.Equal(200, (int)lookup.Result!.StatusCode);
        var page = await lookup.Result.Content.ReadAsStringAsync();
        Assert.Contains("<td id=\"status\">正在调查核实</td>", page);

        // A refresh is the same GET: the same page, and nothing posted.
        var refresh = await PageLookups.GetAsync(_app, result, lookup.Cookie);
        Assert.Equal(200, (int)refresh.StatusCode);
        Assert.Equal(page, await refresh.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/forms/objections/lookup", "/objections/result")]
    [InlineData("/forms/reports/lookup", "/reports/result")]
    public async Task Lookup_OfAWrongCode_GetsTheSameZhAnswer_WhetherItCouldBeACodeOrNot(string form, string result)
    {
        // Could be a code: looked up on the result page, which says it is wrong (404), on every refresh.
        var unknown = await PageLookups.LookUpAsync(_app, form, "ABCDEFGHJKMN");
        Assert.Equal(303, (int)unknown.Post.StatusCode);
        Assert.Equal(result, unknown.Post.Headers.Location!.OriginalString);
        Assert.Equal(404, (int)unknown.Result!.StatusCode);
        Assert.Contains(WrongCode, await unknown.Result.Content.ReadAsStringAsync());
        var refresh = await PageLookups.GetAsync(_app, result, unknown.Cookie);
        Assert.Equal(404, (int)refresh.StatusCode);
        Assert.Contains(WrongCode, await refresh.Content.ReadAsStringAsync());

        // Cannot be one: nothing to look up, the form again at once with the same words.
        var malformed = await PageLookups.LookUpAsync(_app, form, "<b>123</b>");
        Assert.Equal(404, (int)malformed.Post.StatusCode);
        var html = await malformed.Post.Content.ReadAsStringAsync();
        Assert.Contains(WrongCode, html);
        Assert.Contains("lang=\"zh-CN\"", html);
        Assert.False(malformed.Post.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData("/objections/result")]
    [InlineData("/reports/result")]
    public async Task ResultPage_WithoutALookup_OrWithAForgedCookie_ShowsNoResult(string result)
    {
        var none = await PageLookups.GetAsync(_app, result, null);
        Assert.Equal(200, (int)none.StatusCode);
        var html = await none.Content.ReadAsStringAsync();
        Assert.Contains("已经过期或尚未查询", html);
        Assert.DoesNotContain("id=\"status\"", html);

        var forged = await PageLookups.GetAsync(_app, result, "lookup=ABCDEFGHJKMN");
        Assert.Equal(404, (int)forged.StatusCode);
        Assert.Contains(WrongCode, await forged.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/forms/objections/lookup")]
    [InlineData("/forms/reports/lookup")]
    public async Task Lookup_PostedFromAnotherSite_IsRefused_AndSetsNoCookie(string form)
    {
        var code = await ReportCodeAsync();
        using var client = PageLookups.Browser(_app);
        using var request = new HttpRequestMessage(HttpMethod.Post, form) { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = code }) };
        request.Headers.Add("Origin", "https://evil.example");
        var response = await client.SendAsync(request);

        Assert.Equal(403, (int)response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Contains("lang=\"zh-CN\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ResultPage_IsRateLimited_LikeTheForm_SoAForgedCookieIsNoWayAroundTheLimit()
    {
        await using var app = await TestApp.StartAsync(azurite, configure: b => b.Configuration["RateLimits:ReceiptLookupPermits"] = "3");
        using var client = PageLookups.Browser(app);
        var answers = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/objections/result");
            request.Headers.Add("Cookie", $"lookup=ABCDEFGHJK{(char)('A' + i)}N");
            request.Headers.Add("X-Forwarded-For", "192.0.2.77");
            answers.Add((int)(await client.SendAsync(request)).StatusCode);
        }

        Assert.Equal([404, 404, 404, 429], answers);
    }

    [Fact]
    public async Task LookupAndSignIn_InABrowser_ReloadWithoutResubmitting_AndShowTheSamePage()
    {
        var objectionCode = await ObjectionCodeAsync();
        var reportCode = await ReportCodeAsync();
        var context = await chromium.Browser.NewPatientContextAsync(new BrowserNewContextOptions { BaseURL = _app.Address.ToString(), Locale = "zh-CN", BypassCSP = true });
        var page = await context.NewPageAsync();
        var posts = new List<string>();
        var dialogs = new List<string>();
        page.Request += (_, r) =>
        {
            if (r.Method == "POST")
            {
                posts.Add(r.Url);
            }
        };
        page.Dialog += (_, d) => dialogs.Add(d.Message);

        foreach (var (form, result, code) in new[] { ("/objections", "/objections/result", objectionCode), ("/reports/lookup", "/reports/result", reportCode) })
        {
            await page.GotoAsync(form);
            await page.FillAsync("#code", code);
            await page.ClickAsync("form button[type=submit]");
            await page.WaitForURLAsync("**" + result);
            Assert.DoesNotContain(code, page.Url, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("正在调查核实", await page.Locator("#status").InnerTextAsync());
            var before = await page.Locator("main").InnerHTMLAsync();
            Assert.Single(posts);

            var reload = await page.ReloadAsync();
            Assert.Equal("GET", reload!.Request.Method);
            Assert.Equal(200, reload.Status);
            Assert.EndsWith(result, page.Url);
            Assert.Equal(before, await page.Locator("main").InnerHTMLAsync());
            Assert.Single(posts); // the reload posted nothing
            Assert.Empty(dialogs); // and asked nothing ("confirm form resubmission")
            await PageChecks.AssertFitAsync(page, result.Trim('/').Replace('/', '-'));
            posts.Clear();
        }

        // The sign-in form too: 303 to /apply, and a reload there signs nobody in again.
        await page.GotoAsync("/signin");
        await page.FillAsync("#subject", "91210500MA0Y00001X");
        await page.FillAsync("#name", "张三");
        await page.ClickAsync("form button[type=submit]");
        await page.WaitForURLAsync("**/apply");
        Assert.Single(posts);
        var signedIn = await page.ReloadAsync();
        Assert.Equal(("GET", 200), (signedIn!.Request.Method, signedIn.Status));
        Assert.EndsWith("/apply", page.Url);
        Assert.Single(posts);
        Assert.Empty(dialogs);

        var cookies = await context.CookiesAsync();
        Assert.All(cookies.Where(c => c.Name == "lookup"), c => Assert.True(c.HttpOnly && c.SameSite == SameSiteAttribute.Strict, $"lookup cookie {c.Path}: HttpOnly {c.HttpOnly}, SameSite {c.SameSite}"));
        await context.CloseAsync();
    }
}
