using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using QualityAward.Domain;

namespace QualityAward.Functions.Hosting;

/// <summary>
/// The zh-CN pages sign people in with the same bearer token as the API, kept in an HttpOnly,
/// SameSite=Strict cookie, Secure outside Development. A form post must also come from this site (Origin / Sec-Fetch-Site), so
/// another site cannot post forms in a signed-in person's name.
/// </summary>
public static class WebSession
{
    public const string Cookie = "qa_session";

    /// <summary>Used by the JWT bearer handler: pages under these paths read the token from the cookie.</summary>
    public static bool UsesCookie(PathString path) =>
        path.StartsWithSegments("/apply") || path.StartsWithSegments("/forms/apply");

    public static void SignIn(HttpContext http, string token, TimeSpan lifetime)
    {
        var options = Options(http);
        options.MaxAge = lifetime;
        http.Response.Cookies.Append(Cookie, token, options);
    }

    public static void SignOut(HttpContext http) => http.Response.Cookies.Delete(Cookie, Options(http));

    /// <summary>
    /// Secure everywhere but a local run. Behind the Functions host the app sees plain http from the
    /// host on loopback while browsers reach the site over https only, so the request's scheme says
    /// nothing: only Development (scripts/run.sh on http://127.0.0.1, where a browser would drop a
    /// Secure cookie) leaves it off. Strict: every page flow (sign-in, form posts, redirects) stays
    /// on this site, and no mail or other site links into a signed-in page.
    /// </summary>
    public static CookieOptions Options(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps || !http.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment(),
        Path = "/",
    };

    /// <summary>A form post from this site (or a browser that sends neither header, e.g. an old one).</summary>
    public static bool IsSameOrigin(HttpContext http)
    {
        var site = http.Request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            return site is "same-origin" or "none";
        }

        var origin = http.Request.Headers.Origin.ToString();
        return origin.Length == 0 || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>
/// Sign-in for the pages: with Microsoft Entra ID when Auth:Web is configured (GET /signin/entra
/// starts the OpenID Connect code flow, see <see cref="WebSignIn"/>), and the local development
/// form only while Auth:DevSigningKey is set (a local run or a test). With neither, the page says
/// how applicants sign in instead.
/// </summary>
public static class SignInPages
{
    public static void MapSignIn(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup(string.Empty).AllowAnonymous().ExcludeFromDescription();
        pages.MapGet("/signin", (IOptions<AuthOptions> auth) =>
        {
            var entra = auth.Value.Web.IsConfigured;
            var dev = !string.IsNullOrEmpty(auth.Value.DevSigningKey);
            if (!entra && !dev)
            {
                return Html.Page("登录", "<h1>登录</h1><p>本站尚未配置统一身份认证（Microsoft Entra ID）网页登录。申报单位目前请通过API提交申报，或联系评审办公室。</p>", StatusCodes.Status501NotImplemented);
            }

            var body = new System.Text.StringBuilder(dev && !entra ? "<h1>登录（本地开发环境）</h1>" : "<h1>登录</h1>");
            if (entra)
            {
                body.Append("""
                    <form method="get" action="/signin/entra">
                    <p><button type="submit">使用统一身份认证登录</button></p>
                    </form>
                    """);
            }

            if (dev)
            {
                body.Append("""
                    <p class="note">本地运行使用开发令牌登录；正式部署时通过统一身份认证登录。</p>
                    <form method="post" action="/forms/signin">
                    <label for="subject">账号（如统一社会信用代码）</label><input type="text" id="subject" name="subject" maxlength="64" required>
                    <label for="name">联系人姓名</label><input type="text" id="name" name="name" maxlength="50">
                    <p><button type="submit">登录</button></p>
                    </form>
                    """);
            }

            return Html.Page(dev && !entra ? "登录（本地开发环境）" : "登录", body.ToString());
        });

        // A GET, so the button works without script; it only sends the browser to the identity
        // provider (state, nonce and PKCE are the handler's), nothing is written here.
        pages.MapGet("/signin/entra", (IOptions<AuthOptions> auth) => auth.Value.Web.IsConfigured
            ? Results.Challenge(new AuthenticationProperties { RedirectUri = "/apply" }, [WebSignIn.Scheme])
            : Html.Page("登录", "<h1>未启用统一身份认证登录</h1><p><a href=\"/signin\">返回登录</a></p>", StatusCodes.Status404NotFound));

        pages.MapPost("/forms/signin", async (HttpContext http, IOptions<AuthOptions> auth, CancellationToken ct) =>
        {
            if (string.IsNullOrEmpty(auth.Value.DevSigningKey) || !http.Request.HasFormContentType || !WebSession.IsSameOrigin(http))
            {
                return Html.Page("登录", "<h1>不能登录</h1>", StatusCodes.Status403Forbidden);
            }

            var form = await http.Request.ReadFormAsync(ct);
            var subject = form["subject"].ToString().Trim();
            if (subject.Length is 0 or > 64 || subject.Any(char.IsControl))
            {
                return Html.Page("登录", "<h1>登录</h1><p class=\"error\" role=\"alert\">请填写账号（不超过64个字符）。</p><p><a href=\"/signin\">返回</a></p>", StatusCodes.Status422UnprocessableEntity);
            }

            var name = form["name"].ToString().Trim();
            var lifetime = TimeSpan.FromHours(8);
            // Tokens are checked against the wall clock by the JWT handler, not the workflow's clock
            // (which tests move to the dates of a regulation's deadlines).
            var token = DevTokens.Mint(auth.Value.DevSigningKey, "web-" + subject, [Roles.Applicant], name.Length > 0 ? name : subject, null, lifetime, TimeProvider.System.GetUtcNow());
            WebSession.SignIn(http, token, lifetime);
            return Results.Redirect("/apply", permanent: false, preserveMethod: false);
        }).DisableAntiforgery();

        pages.MapPost("/forms/signout", (HttpContext http) =>
        {
            WebSession.SignOut(http);
            return Results.Redirect("/signin");
        }).DisableAntiforgery();
    }
}
