using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using QualityAward.Domain;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Hosting;

/// <summary>
/// Web sign-in for the zh-CN pages with Microsoft Entra ID: the OpenID Connect code flow with
/// PKCE against a loopback provider, driven like a browser (cookies kept, each redirect followed
/// by hand). After it the app's own session token sits in the session cookie and opens the pages,
/// never the API; a tampered or wrong answer from the provider signs nobody in.
/// </summary>
public sealed class EntraSignInTests(Azurite azurite) : IClassFixture<Azurite>
{
    /// <summary>Base64 of 32 fixed bytes: the Auth:Web:SessionKey of these apps.</summary>
    private static readonly string SessionKey = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("qualityaward-test-web-session-k1"));

    private const string ApiAudience = "api://qualityaward-test";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>An app with Entra for the API and the pages (the public address is its own loopback one, http).</summary>
    private async Task<(TestApp App, Uri Public)> StartAsync(OidcStandIn idp, bool devSignIn = false, int? port = null)
    {
        // Plain http on loopback, so the local-run cookie rules (Development): the stand-in browser
        // (a CookieContainer) keeps a Secure cookie only over https. WebSessionTests pin Secure elsewhere.
        var publicUrl = new Uri($"http://127.0.0.1:{port ?? FreePort()}/");
        var app = await TestApp.StartAsync(azurite, environment: "Development", configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = publicUrl.AbsoluteUri.TrimEnd('/'),
            ["Auth:Authority"] = idp.Issuer,
            ["Auth:Audience"] = ApiAudience,
            ["Auth:DevSigningKey"] = devSignIn ? TestApp.SigningKey : string.Empty,
            ["Auth:Web:ClientId"] = OidcStandIn.ClientId,
            ["Auth:Web:ClientSecret"] = OidcStandIn.ClientSecret,
            ["Auth:Web:PublicBaseUrl"] = publicUrl.AbsoluteUri,
            ["Auth:Web:SessionKey"] = SessionKey,
        }));
        Assert.Equal(publicUrl.Port, app.Address.Port);
        return (app, publicUrl);
    }

    /// <summary>What a browser does here: keeps cookies, follows nothing by itself.</summary>
    private sealed class Browser : IDisposable
    {
        private readonly Uri _site;
        private readonly CookieContainer _jar = new();
        private readonly HttpClient _http;

        public Browser(Uri site)
        {
            _site = site;
            _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = _jar });
        }

        public string? Session => _jar.GetCookies(_site).FirstOrDefault(c => c.Name == WebSession.Cookie)?.Value;

        public Task<HttpResponseMessage> GetAsync(string url) => _http.GetAsync(new Uri(_site, url));

        public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _http.SendAsync(request);

        public void Dispose() => _http.Dispose();
    }

    /// <summary>/signin → /signin/entra → the provider → the callback. Returns the callback's answer.</summary>
    private static async Task<HttpResponseMessage> SignInAsync(Browser browser)
    {
        var page = await browser.GetAsync("/signin");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("使用统一身份认证登录", await page.Content.ReadAsStringAsync());
        Assert.Contains("action=\"/signin/entra\"", await page.Content.ReadAsStringAsync());

        var challenge = await browser.GetAsync("/signin/entra");
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var authorize = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Get, challenge.Headers.Location));
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        return await browser.SendAsync(new HttpRequestMessage(HttpMethod.Get, authorize.Headers.Location));
    }

    [Fact]
    public async Task SignIn_WithEntra_CodeFlowWithPkce_SetsTheSessionAndOpensThePagesAsThatPerson()
    {
        await using var idp = await OidcStandIn.StartAsync();
        var (app, site) = await StartAsync(idp);
        await using var _ = app;
        using var browser = new Browser(site);

        var callback = await SignInAsync(browser);

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/apply", callback.Headers.Location?.OriginalString);
        var authorized = Assert.Single(idp.Authorizations);
        Assert.Equal(new Uri(site, "/signin/entra/callback").AbsoluteUri, authorized.RedirectUri);
        Assert.Equal("S256", authorized.CodeChallengeMethod);
        Assert.NotEmpty(authorized.Nonce);
        Assert.Contains("openid", authorized.Scope.Split(' '));
        var redeemed = Assert.Single(idp.TokenRequests);
        Assert.Equal((200, OidcStandIn.ClientSecret, authorized.RedirectUri), (redeemed.Answered, redeemed.ClientSecret, redeemed.RedirectUri));

        // The app's own token: applicant, the oid (the subject the API takes from an Entra token), the person's name, short-lived.
        var session = new JsonWebToken(browser.Session ?? throw new Xunit.Sdk.XunitException("No session cookie after signing in."));
        Assert.Equal((WebSignIn.Issuer, WebSignIn.Audience, OidcStandIn.Oid, OidcStandIn.Name), (session.Issuer, session.Audiences.Single(), session.Subject, session.GetClaim("name").Value));
        Assert.Equal(Roles.Applicant, session.GetClaim("roles").Value);
        Assert.InRange(session.ValidTo - DateTime.UtcNow, TimeSpan.FromMinutes(100), TimeSpan.FromMinutes(121));
        Assert.Contains(callback.Headers.GetValues("Set-Cookie"), c => c.StartsWith(WebSession.Cookie + "=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));

        var apply = await browser.GetAsync("/apply");
        Assert.Equal(HttpStatusCode.OK, apply.StatusCode);
        Assert.Contains(OidcStandIn.Name, await apply.Content.ReadAsStringAsync());

        // The person applies through the page; the draft is theirs under the session's subject.
        var office = app.Anonymous();
        office.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", idp.Sign(new Dictionary<string, object> { ["oid"] = "office-1", ["roles"] = new[] { Roles.Office }, ["name"] = "办公室" }, ApiAudience));
        await (await office.PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);
        var cycleId = (await (await office.GetAsync("/api/cycles")).ExpectAsync(200)).EnumerateArray().Single().Str("cycleId");
        var created = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(site, "/forms/apply/new"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["cycleId"] = cycleId, ["category"] = "organisation" }),
            Headers = { { "Sec-Fetch-Site", "same-origin" } },
        });
        Assert.Equal(HttpStatusCode.SeeOther, created.StatusCode); // post/redirect/get: a refresh does not create another draft
        var applicationId = created.Headers.Location!.OriginalString["/apply/".Length..];
        Assert.Contains(applicationId, await (await browser.GetAsync("/apply")).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/apply/{applicationId}")).StatusCode);
        var owned = await app.Services.GetRequiredService<ReadModels>().PartitionAsync(ApplicationIndex.OwnerPartition(OidcStandIn.Oid), CancellationToken.None);
        Assert.Equal(applicationId, Assert.Single(owned).RowKey);
        var history = await (await office.GetAsync($"/api/applications/{applicationId}/history")).ExpectAsync(200);
        Assert.Equal(("applicant", OidcStandIn.Name), (history[0].Str("actorRole"), history[0].Str("actorName")));
    }

    [Fact]
    public async Task SessionToken_IsNoApiToken_WhileTheApiStillTakesEntraTokens()
    {
        await using var idp = await OidcStandIn.StartAsync();
        var (app, site) = await StartAsync(idp);
        await using var _ = app;
        using var browser = new Browser(site);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(browser)).StatusCode);
        var session = browser.Session!;

        // As a bearer token on the API: refused.
        var bearer = app.Anonymous();
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/api/applications")).StatusCode);

        // As the cookie on the API (the browser sends it to every path): refused too.
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/me")).StatusCode);

        // As a bearer token on a page: the pages take bearer tokens from the API's issuer only.
        // (The test client follows redirects: it ends on the sign-in page.)
        var page = await bearer.GetAsync("/apply");
        Assert.Equal("/signin", page.RequestMessage!.RequestUri!.AbsolutePath);

        // A session token signed with another key is no session.
        var forged = WebSignIn.MintSession(System.Text.Encoding.ASCII.GetBytes("another-key-of-thirty-two-bytes!"), "entra-x", "x", TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
        var withForged = app.Anonymous();
        withForged.DefaultRequestHeaders.Add("Cookie", $"{WebSession.Cookie}={forged}");
        Assert.Equal("/signin", (await withForged.GetAsync("/apply")).RequestMessage!.RequestUri!.AbsolutePath);

        // An Entra access token for the API still works there.
        var api = app.Anonymous();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", idp.Sign(new Dictionary<string, object> { ["oid"] = "api-user", ["roles"] = new[] { Roles.Applicant } }, ApiAudience));
        var me = await (await api.GetAsync("/api/me")).ExpectAsync(200);
        Assert.Equal("api-user", me.Str("subject"));
    }

    [Theory]
    [InlineData(OidcFault.WrongNonce)] // the id_token answers another sign-in
    [InlineData(OidcFault.WrongState)] // the state coming back was changed
    [InlineData(OidcFault.OtherKey)] // the id_token is signed by a key the provider does not publish
    [InlineData(OidcFault.WrongAudience)] // the id_token is for another client
    [InlineData(OidcFault.Expired)] // the id_token has expired
    public async Task SignIn_WhenTheProvidersAnswerIsWrong_SignsNobodyIn(OidcFault fault)
    {
        await using var idp = await OidcStandIn.StartAsync();
        var (app, site) = await StartAsync(idp);
        await using var _ = app;
        using var browser = new Browser(site);
        idp.Fault = fault;

        var callback = await SignInAsync(browser);

        Assert.Equal(HttpStatusCode.BadRequest, callback.StatusCode);
        var page = await callback.Content.ReadAsStringAsync();
        Assert.Contains("登录未完成", page);
        Assert.Contains("href=\"/signin\"", page);
        Assert.Null(browser.Session);
        Assert.DoesNotContain(callback.Headers.TryGetValues("Set-Cookie", out var set) ? set : [], c => c.StartsWith(WebSession.Cookie + "=", StringComparison.Ordinal));
        var apply = await browser.GetAsync("/apply");
        Assert.Equal((HttpStatusCode.Redirect, "/signin"), (apply.StatusCode, apply.Headers.Location?.OriginalString));
        Assert.Equal(fault == OidcFault.WrongState ? 0 : 1, idp.TokenRequests.Count);
    }

    [Fact]
    public async Task Callback_Replayed_OrWithoutTheBrowsersCookies_SignsNobodyIn()
    {
        await using var idp = await OidcStandIn.StartAsync();
        var (app, site) = await StartAsync(idp);
        await using var _ = app;
        using var browser = new Browser(site);
        var challenge = await browser.GetAsync("/signin/entra");
        var authorize = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Get, challenge.Headers.Location));
        var callbackUrl = authorize.Headers.Location!;

        // Someone else's browser (no correlation or nonce cookie) cannot use the code.
        using var stranger = new Browser(site);
        var stolen = await stranger.SendAsync(new HttpRequestMessage(HttpMethod.Get, callbackUrl));
        Assert.Equal(HttpStatusCode.BadRequest, stolen.StatusCode);
        Assert.Null(stranger.Session);

        Assert.Equal(HttpStatusCode.Redirect, (await browser.SendAsync(new HttpRequestMessage(HttpMethod.Get, callbackUrl))).StatusCode);
        Assert.NotNull(browser.Session);

        // The same callback again: the correlation cookie is used up.
        using var again = new HttpRequestMessage(HttpMethod.Get, callbackUrl);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task SignIn_StartedOnOneInstance_FinishesOnAnother()
    {
        // A scaled-out app: the callback may reach another instance than the challenge. Both read
        // the same session key, which protects the state and nonce (no shared key ring needed).
        await using var idp = await OidcStandIn.StartAsync();
        var (first, site) = await StartAsync(idp);
        using var browser = new Browser(site);
        Uri callbackUrl;
        await using (first)
        {
            var challenge = await browser.GetAsync("/signin/entra");
            callbackUrl = (await browser.SendAsync(new HttpRequestMessage(HttpMethod.Get, challenge.Headers.Location))).Headers.Location!;
        }

        var (second, _) = await StartAsync(idp, port: site.Port);
        await using var __ = second;
        var callback = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Get, callbackUrl));

        Assert.Equal((HttpStatusCode.Redirect, "/apply"), (callback.StatusCode, callback.Headers.Location?.OriginalString));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/apply")).StatusCode);
    }

    [Fact]
    public void SessionKeyProtection_ReadsOnlyWhatTheSameKeyAndPurposeWrote()
    {
        var key = Convert.FromBase64String(SessionKey);
        var writer = new SessionKeyProtection(key, "oidc").CreateProtector("state");
        var data = System.Text.Encoding.UTF8.GetBytes("properties of a sign-in");
        var sealedData = writer.Protect(data);

        Assert.Equal(data, new SessionKeyProtection((byte[])key.Clone(), "oidc").CreateProtector("state").Unprotect(sealedData));
        Assert.NotEqual(sealedData, writer.Protect(data)); // a fresh nonce each time
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => new SessionKeyProtection(key, "oidc").CreateProtector("nonce").Unprotect(sealedData));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => new SessionKeyProtection(new byte[32], "oidc").CreateProtector("state").Unprotect(sealedData));
        var tampered = (byte[])sealedData.Clone();
        tampered[^1] ^= 1;
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => writer.Unprotect(tampered));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => writer.Unprotect(new byte[10]));
    }

    [Fact]
    public async Task Challenge_BuildsTheRedirectUriFromThePublicAddress_NotFromTheRequest()
    {
        await using var idp = await OidcStandIn.StartAsync();
        var (app, site) = await StartAsync(idp);
        await using var _ = app;
        using var browser = new Browser(site);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(site, "/signin/entra"));
        request.Headers.Host = "evil.example:8443";

        var challenge = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(challenge.Headers.Location!.Query);
        Assert.Equal(new Uri(site, "/signin/entra/callback").AbsoluteUri, query["redirect_uri"].ToString());
        Assert.Equal("code", query["response_type"].ToString());
        Assert.Equal("S256", query["code_challenge_method"].ToString());
        Assert.StartsWith(idp.Issuer[..^"/v2.0".Length] + "/oauth2/v2.0/authorize", challenge.Headers.Location!.GetLeftPart(UriPartial.Path));
    }

    [Fact]
    public async Task SignInPage_ShowsWhatIsConfigured()
    {
        await using var idp = await OidcStandIn.StartAsync();

        // Entra only: the button, no development form, and the development post is refused.
        var (entraOnly, site) = await StartAsync(idp);
        await using (entraOnly)
        {
            var page = await (await entraOnly.Anonymous().GetAsync("/signin")).Content.ReadAsStringAsync();
            Assert.Contains("使用统一身份认证登录", page);
            Assert.DoesNotContain("/forms/signin", page);
            var post = await entraOnly.Anonymous().PostAsync("/forms/signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["subject"] = "x" }));
            Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        }

        // Both: both.
        var (both, _) = await StartAsync(idp, devSignIn: true);
        await using (both)
        {
            var page = await (await both.Anonymous().GetAsync("/signin")).Content.ReadAsStringAsync();
            Assert.Contains("使用统一身份认证登录", page);
            Assert.Contains("/forms/signin", page);
        }

        // Development only (the default test app): no button, and /signin/entra is not there.
        await using var dev = await TestApp.StartAsync(azurite);
        var devPage = await dev.Anonymous().GetAsync("/signin");
        Assert.Equal(HttpStatusCode.OK, devPage.StatusCode);
        Assert.DoesNotContain("/signin/entra", await devPage.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await dev.Anonymous().GetAsync("/signin/entra")).StatusCode);

        // Neither (Entra for the API only): the page says the pages have no sign-in here.
        await using var apiOnly = await TestApp.StartAsync(azurite, configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:Authority"] = idp.Issuer,
            ["Auth:Audience"] = ApiAudience,
            ["Auth:DevSigningKey"] = string.Empty,
        }));
        var none = await apiOnly.Anonymous().GetAsync("/signin");
        Assert.Equal(HttpStatusCode.NotImplemented, none.StatusCode);
        Assert.Contains("尚未配置统一身份认证", await none.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await apiOnly.Anonymous().GetAsync("/signin/entra")).StatusCode);
    }

    [Theory]
    [InlineData("ClientSecret", "", "Auth:Web:ClientSecret")]
    [InlineData("PublicBaseUrl", "http://award.example.cn/", "Auth:Web:PublicBaseUrl")]
    [InlineData("PublicBaseUrl", "https://award.example.cn/apply", "Auth:Web:PublicBaseUrl")]
    [InlineData("SessionKey", "c2hvcnQ=", "Auth:Web:SessionKey")]
    [InlineData("SessionLifetime", "2.00:00:00", "Auth:Web:SessionLifetime")]
    public async Task Start_WithIncompleteWebSignIn_StopsWithAClearMessage(string setting, string value, string named)
    {
        await using var idp = await OidcStandIn.StartAsync();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(azurite, configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:Authority"] = idp.Issuer,
            ["Auth:Audience"] = ApiAudience,
            ["Auth:Web:ClientId"] = OidcStandIn.ClientId,
            ["Auth:Web:ClientSecret"] = OidcStandIn.ClientSecret,
            ["Auth:Web:PublicBaseUrl"] = "https://award.example.cn/",
            ["Auth:Web:SessionKey"] = SessionKey,
            [$"Auth:Web:{setting}"] = value,
        })));
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public async Task Start_WithWebSignInButNoAuthority_StopsWithAClearMessage()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(azurite, configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:Web:ClientId"] = OidcStandIn.ClientId,
            ["Auth:Web:ClientSecret"] = OidcStandIn.ClientSecret,
            ["Auth:Web:PublicBaseUrl"] = "https://award.example.cn/",
            ["Auth:Web:SessionKey"] = SessionKey,
        })));
        Assert.Contains("Auth:Authority", error.Message);
    }
}
