using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using QualityAward.Domain;

namespace QualityAward.Functions.Hosting;

/// <summary>
/// Sign-in for the pages: with Microsoft Entra ID when Auth:Web is configured (GET /signin/entra
/// starts the OpenID Connect code flow, GET /signin/entra/callback completes it, see
/// <see cref="WebSignIn"/>), and the local development form only while Auth:DevSigningKey is set
/// (a local run or a test). With neither, the page says how applicants sign in instead.
/// </summary>
public sealed class SignInFunctions(IOptions<AuthOptions> auth)
{
    private const string Tag = "Pages";

    [Function("ShowSignIn")]
    [Public]
    [Api(Tag, "The sign-in page: the Entra ID button where it is configured, the development form while a development key is set; 501 with neither.", Produces = "text/html")]
    public IResult ShowSignIn([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "signin")] HttpRequest req)
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
    }

    /// <summary>
    /// A GET, so the button works without script; it only sends the browser to the identity
    /// provider (state, nonce and PKCE are the handler's), nothing is written here.
    /// </summary>
    [Function("StartEntraSignIn")]
    [Public]
    [Api(Tag, "Start signing in with Entra ID: redirects the browser to the identity provider (OpenID Connect code flow with PKCE); 404 page where Entra sign-in is not configured.", Status = 302)]
    public IResult StartEntraSignIn([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "signin/entra")] HttpRequest req) =>
        auth.Value.Web.IsConfigured
            ? Results.Challenge(new AuthenticationProperties { RedirectUri = "/apply" }, [WebSignIn.Scheme])
            : NotConfigured();

    /// <summary>
    /// Where the identity provider sends the browser back. The OpenID Connect handler does the
    /// work — the state and correlation cookie, the code redeemed with PKCE, the id_token and its
    /// nonce checked — and answers itself: the session cookie and a redirect to /apply
    /// (<see cref="WebSignIn"/>'s OnTicketReceived), or the 400 page when the sign-in failed. In
    /// ASP.NET Core the authentication middleware offered it every request; the Functions worker
    /// has no such middleware (the gate only authenticates), so this function hands it the request.
    /// </summary>
    [Function("CompleteEntraSignIn")]
    [Public]
    [Api(Tag, "Where Entra ID sends the browser back: checks the answer (state, code with PKCE, id_token and nonce), sets the page session cookie and redirects to /apply; a 400 page if the sign-in failed, a 404 page where Entra sign-in is not configured.", Status = 302)]
    public async Task<IResult> CompleteEntraSignIn([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "signin/entra/callback")] HttpRequest req)
    {
        var http = req.HttpContext;
        // The request's own handler provider: it caches the handlers of this request, and the
        // gate has already authenticated through it.
        var handlers = http.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
        if (!auth.Value.Web.IsConfigured || await handlers.GetHandlerAsync(http, WebSignIn.Scheme) is not IAuthenticationRequestHandler handler)
        {
            return NotConfigured();
        }

        // True when it answered (it does for its callback path, successful or not).
        return await handler.HandleRequestAsync() ? AnsweredByHandler.Instance : NotConfigured();
    }

    [Function("DevSignIn")]
    [Public]
    [Api(Tag, "Sign in with the local development form (only while Auth:DevSigningKey is set): sets the page session cookie and redirects (303) to /apply.", BodyMediaTypes = ["application/x-www-form-urlencoded"], Status = 303)]
    public async Task<IResult> DevSignIn([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "forms/signin")] HttpRequest req, CancellationToken ct)
    {
        var http = req.HttpContext;
        if (string.IsNullOrEmpty(auth.Value.DevSigningKey) || !req.HasFormContentType || !WebSession.IsSameOrigin(http))
        {
            return Html.Page("登录", "<h1>不能登录</h1>", StatusCodes.Status403Forbidden);
        }

        var form = await req.ReadFormAsync(ct);
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
        return Html.SeeOther("/apply"); // post/redirect/get: a refresh of /apply does not sign in again
    }

    [Function("SignOut")]
    [Public]
    [Api(Tag, "Sign out of the pages: removes the session cookie and redirects (303) to /signin.", Status = 303)]
    public IResult SignOut([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "forms/signout")] HttpRequest req)
    {
        WebSession.SignOut(req.HttpContext);
        return Html.SeeOther("/signin");
    }

    private static IResult NotConfigured() =>
        Html.Page("登录", "<h1>未启用统一身份认证登录</h1><p><a href=\"/signin\">返回登录</a></p>", StatusCodes.Status404NotFound);

    /// <summary>The authentication handler has written the whole answer; nothing is added to it.</summary>
    private sealed class AnsweredByHandler : IResult
    {
        public static AnsweredByHandler Instance { get; } = new();

        public Task ExecuteAsync(HttpContext httpContext) => Task.CompletedTask;
    }
}
