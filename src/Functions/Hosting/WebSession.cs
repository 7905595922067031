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

    /// <summary>
    /// Whether the request carries what the sign-in handlers read: a bearer token, or the session
    /// cookie on the page paths (<see cref="UsesCookie"/>). One that carries neither is anonymous
    /// without asking them.
    /// </summary>
    public static bool CarriesCredentials(HttpRequest request) =>
        !string.IsNullOrEmpty(request.Headers.Authorization)
        || (UsesCookie(request.Path) && request.Cookies.TryGetValue(Cookie, out var token) && token.Length > 0);

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

    /// <summary>The session cookie's rules for a cookie that carries one page's data to one path (a receipt or a lookup code).</summary>
    public static CookieOptions PageOptions(HttpContext http, string path, TimeSpan? maxAge)
    {
        var options = Options(http);
        options.Path = path;
        options.MaxAge = maxAge;
        options.IsEssential = true;
        return options;
    }

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
