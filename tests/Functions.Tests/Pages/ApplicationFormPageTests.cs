using Microsoft.Playwright;
using QualityAward.Domain;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Pages;

/// <summary>The applicant's form in a real browser: sign in, fill, save, submit, read the errors in Chinese.</summary>
public sealed class ApplicationFormPageTests(Azurite azurite, Chromium chromium) : IClassFixture<Azurite>, IAsyncLifetime, IClassFixture<Chromium>
{
    private readonly Chromium _chromium = chromium;
    private TestApp _app = null!;
    private IBrowserContext _context = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite);
        await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);
        _context = await _chromium.Browser.NewPatientContextAsync(new BrowserNewContextOptions { BaseURL = _app.Address.ToString(), Locale = "zh-CN" });
    }

    public async Task DisposeAsync()
    {
        await _context.CloseAsync();
        await _app.DisposeAsync();
    }

    private async Task<IPage> SignedInAsync(string subject)
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync("/apply");
        Assert.EndsWith("/signin", page.Url);
        await page.FillAsync("#subject", subject);
        await page.FillAsync("#name", "张三");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/apply");
        return page;
    }

    private static async Task FillWeihaiOrganisationAsync(IPage page, string name)
    {
        await page.FillAsync("#name", name);
        await page.SelectOptionAsync("#districtId", "huancui");
        await page.FillAsync("#creditCode", "91350100M000100Y43");
        await page.FillAsync("#registeredAddress", "威海市环翠区世昌大道1号");
        await page.FillAsync("#foundedOn", "2010-05-01");
        await page.SelectOptionAsync("#industrySector", "secondary");
        await page.FillAsync("#industryCode", "C3670");
        await page.SelectOptionAsync("#size", "medium");
        await page.SelectOptionAsync("#sector", "enterprise");
        await page.FillAsync("#qualityModel", "精益质量管理模式");
        await page.FillAsync("[id='contact.name']", "张三");
        await page.FillAsync("[id='contact.phone']", "13800138000");
        await page.FillAsync("[id='contact.email']", "zhangsan@example.com");
        await page.SelectOptionAsync("#recommenderKind", "DistrictQualityBody");
        await page.SelectOptionAsync("#recommenderId", "huancui");
        foreach (var box in await page.QuerySelectorAllAsync("input[name=declarations]"))
        {
            await box.CheckAsync();
        }

        await page.CheckAsync("input[name=authenticityDeclared]");
        await page.CheckAsync("input[name=noStateSecretsDeclared]");
    }

    [Fact]
    public async Task ApplicationForm_FilledAndSaved_KeepsWhatWasTyped_AndSubmitSaysTheReportIsMissing()
    {
        var page = await SignedInAsync("91350100M000100Y43");
        await page.ClickAsync("text=开始填写申报表");
        await page.WaitForURLAsync("**/apply/app-*");

        await FillWeihaiOrganisationAsync(page, "威海精工机械有限公司");
        await page.ClickAsync("#save");
        await page.WaitForURLAsync("**done=saved");

        Assert.Equal("威海精工机械有限公司", await page.InputValueAsync("#name"));
        Assert.Contains("草稿已保存", await page.InnerTextAsync("#message"));

        await page.ClickAsync("#submit");
        var errors = await page.InnerTextAsync("#errors");
        Assert.Contains("请上传自我评价报告", errors);
        Assert.Equal("草稿", await page.InnerTextAsync("#status"));
    }

    [Fact]
    public async Task ApplicationForm_WithAPdfMarkedTradeSecret_IsSubmitted_AndShowsItsStatus()
    {
        var page = await SignedInAsync("91371000MA3C00000X");
        await page.ClickAsync("text=开始填写申报表");
        await page.WaitForURLAsync("**/apply/app-*");
        var applicationId = new Uri(page.Url).Segments[^1];
        await FillWeihaiOrganisationAsync(page, "威海海洋食品有限公司");
        await page.ClickAsync("#save");
        await page.WaitForURLAsync("**done=saved");

        var pdf = System.Text.Encoding.ASCII.GetBytes("%PDF-1.7\n" + new string('x', 300_000) + "\n%%EOF\n");
        await page.SelectOptionAsync("#kind", "selfAssessmentReport");
        await page.CheckAsync("#tradeSecret");
        await page.SetInputFilesAsync("#file", new FilePayload { Name = "自我评价报告.pdf", MimeType = "application/pdf", Buffer = pdf });
        await page.ClickAsync("#upload");
        await page.WaitForURLAsync("**done=uploaded");
        Assert.Contains("自我评价报告.pdf", await page.InnerTextAsync("#documents"));
        Assert.Contains("是", await page.InnerTextAsync("#documents")); // trade secret

        await page.ClickAsync("#submit");
        await page.WaitForURLAsync("**done=submitted");

        // The status says what it waits for (its recommender, Weihai §13), not a generic 评审中; the stage is in the policy's words.
        Assert.Equal("待推荐", await page.InnerTextAsync("#status"));
        Assert.Equal("区市审核推荐", await page.InnerTextAsync("#stage"));
        var seen = await (await _app.As(Roles.Office).GetAsync($"/api/applications/{applicationId}")).ExpectAsync(200);
        Assert.Equal(("inProcess", "待推荐", "recommendation", "区市审核推荐", "organisation"), (seen.Str("status"), seen.Str("statusText"), seen.Str("stage"), seen.Str("stageText"), seen.Str("category")));
        var document = Assert.Single(seen.GetProperty("documents").EnumerateArray());
        Assert.True(document.GetProperty("tradeSecret").GetBoolean());
        Assert.Equal(pdf.Length, document.GetProperty("size").GetInt64());

        await page.GotoAsync("/apply");
        Assert.Contains("待推荐", await page.InnerTextAsync("table"));
    }

    [Fact]
    public async Task ApplicationForm_UploadOfAFileThatIsNotWhatItsNameSays_IsRefusedInChinese()
    {
        var page = await SignedInAsync("applicant-fake-pdf");
        await page.ClickAsync("text=开始填写申报表");
        await page.WaitForURLAsync("**/apply/app-*");

        await page.SetInputFilesAsync("#file", new FilePayload { Name = "报告.pdf", MimeType = "application/pdf", Buffer = System.Text.Encoding.UTF8.GetBytes("这不是PDF文件") });
        await page.ClickAsync("#upload");

        Assert.Contains("PDF", await page.InnerTextAsync("#errors"));
        Assert.Contains("尚未上传文件", await page.ContentAsync());
    }

    [Fact]
    public async Task ApplicationForm_WithAMissingName_ShowsTheErrorInChinese_BesideTheField()
    {
        var page = await SignedInAsync("applicant-missing-name");
        await page.ClickAsync("text=开始填写申报表");
        await page.WaitForURLAsync("**/apply/app-*");
        await FillWeihaiOrganisationAsync(page, string.Empty);

        await page.ClickAsync("#submit");

        Assert.Contains("请填写申报单位名称", await page.InnerTextAsync("[id='error-name']"));
        Assert.Contains("申报材料还不完整", await page.InnerTextAsync("#errors"));
    }

    [Fact]
    public async Task ApplicationPage_OfAnotherApplicant_IsNotFound()
    {
        var owner = _app.As(Roles.Applicant, subject: "web-owner");
        var created = await (await owner.PostJsonAsync("/api/cycles/weihai-2026/applications", new { category = "organisation" })).ExpectAsync(201);
        var page = await SignedInAsync("someone-else");

        var response = await page.GotoAsync($"/apply/{created.Str("applicationId")}");

        Assert.Equal(404, response!.Status);
    }

    [Fact]
    public async Task SignIn_TheBrowserKeepsTheSessionCookie_SecureHttpOnlyAndStrict()
    {
        // The tests run outside Development, so the cookie is Secure as in Azure; Chromium keeps a
        // Secure cookie from http://127.0.0.1 (loopback counts as a secure origin) and sends it back.
        var page = await SignedInAsync("applicant-cookie");

        var cookie = Assert.Single(await _context.CookiesAsync(), c => c.Name == "qa_session");
        Assert.True(cookie.Secure);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal("/", cookie.Path);
        Assert.Contains("开始填写申报表", await page.ContentAsync());
    }

    [Fact]
    public async Task FormPost_FromAnotherSite_IsRefused()
    {
        var page = await SignedInAsync("applicant-csrf");
        await page.ClickAsync("text=开始填写申报表");
        await page.WaitForURLAsync("**/apply/app-*");
        var url = new Uri(page.Url);
        var cookies = await _context.CookiesAsync();

        using var client = _app.Anonymous();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/forms{url.AbsolutePath}/save")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "冒名" }),
        };
        request.Headers.Add("Cookie", $"qa_session={cookies.Single(c => c.Name == "qa_session").Value}");
        request.Headers.Add("Origin", "https://evil.example");
        var response = await client.SendAsync(request);

        Assert.Equal(403, (int)response.StatusCode);
    }
}
