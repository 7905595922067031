namespace QualityAward.Functions.Hosting;

/// <summary>
/// Carries a receipt code from a lookup form's POST to the result page its 303 leads to
/// (post/redirect/get: a refresh shows the result again and posts nothing).
/// <para>
/// Why a cookie and not the query string: a receipt code is the only key to an objection's or a
/// report's status and the office's finding (the app keeps only its hash, and anyone holding the
/// code reads the result), so it is a secret, and an address ends up in access logs, browser
/// history, Referer headers and links people share. Why not a one-time server-side token: the
/// result page must show the same answer on a refresh, and a token in the address would be as good
/// as the code for as long as it lived.
/// </para>
/// <para>
/// The cookie is HttpOnly, SameSite=Strict (the forms also refuse a cross-site post), Secure
/// outside Development (<see cref="WebSession.Options"/>), scoped to the one result page's path,
/// and lives 10 minutes; it holds the code itself, so the result page looks the code up again and
/// is rate-limited like the form, or a forged cookie would be a way around the limit.
/// </para>
/// </summary>
public static class LookupCookie
{
    private const string Name = "lookup";

    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>Keep <paramref name="code"/> (already normalised) for the result page at <paramref name="path"/>.</summary>
    public static void Set(HttpContext http, string path, string code)
    {
        var options = WebSession.Options(http);
        options.Path = path;
        options.MaxAge = Lifetime;
        options.IsEssential = true;
        http.Response.Cookies.Append(Name, code, options);
    }

    /// <summary>The code the last lookup posted, or null (none, expired, or not a receipt code's shape).</summary>
    public static string? Get(HttpContext http) =>
        http.Request.Cookies[Name] is { } code && Notices.ReceiptCodes.LooksValid(code) ? Notices.ReceiptCodes.Normalise(code) : null;
}
