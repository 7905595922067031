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
        http.Response.Cookies.Append(Name, code, WebSession.PageOptions(http, path, Lifetime));
    }

    /// <summary>The code the last lookup posted, or null (none, expired, or not a receipt code's shape).</summary>
    public static string? Get(HttpContext http) =>
        http.Request.Cookies[Name] is { } code && Notices.ReceiptCodes.LooksValid(code) ? Notices.ReceiptCodes.Normalise(code) : null;
}

/// <summary>
/// A receipt-code lookup's pages (objections, reports): the form, and its POST, which refuses a
/// post from another site, answers a string that cannot be a code as it answers a wrong one, and
/// otherwise keeps the code in the <see cref="LookupCookie"/> and answers 303 to the result page.
/// </summary>
public sealed record LookupPage(string Title, string FormPath, string PostPath, string ResultPath)
{
    public const string WrongCode = "查询码不正确，请核对后重新输入。";

    public const string NoPending = "查询结果在查询后10分钟内可以刷新查看，已经过期或尚未查询。请输入查询码。";

    public string Form(string? error, string? note = null) =>
        $"<h1>{Html.E(Title)}</h1>"
        + (error is null ? string.Empty : $"<p class=\"error\" role=\"alert\">{Html.E(error)}</p>")
        + (note is null ? string.Empty : $"<p class=\"note\" id=\"note\">{Html.E(note)}</p>")
        + $"<form method=\"post\" action=\"{PostPath}\"><label for=\"code\">查询码</label><input type=\"text\" id=\"code\" name=\"code\" maxlength=\"20\" autocomplete=\"off\" required><p><button type=\"submit\">查询</button></p></form>";

    public async Task<IResult> AcceptAsync(HttpRequest req, Storage.ReadModels readModels, CancellationToken ct)
    {
        if (!WebSession.IsSameOrigin(req.HttpContext))
        {
            return Html.Page(Title, $"<h1>不能查询</h1><p class=\"error\" role=\"alert\">请从本站的<a href=\"{FormPath}\">{Html.E(Title)}</a>页面查询。</p>", StatusCodes.Status403Forbidden);
        }

        var code = req.HasFormContentType ? (await req.ReadFormAsync(ct))["code"].ToString() : string.Empty;
        if (!Notices.ReceiptCodes.LooksValid(code))
        {
            // Not a code's shape: nothing is looked up; the same answer as a wrong code.
            return Html.Page(Title, Form(WrongCode), StatusCodes.Status404NotFound, await Html.SiteAsync(readModels, ct));
        }

        // Post/redirect/get: the result page shows the answer, a refresh shows it again and posts nothing.
        LookupCookie.Set(req.HttpContext, ResultPath, Notices.ReceiptCodes.Normalise(code));
        return Html.SeeOther(ResultPath);
    }
}

