namespace QualityAward.Functions.Hosting;

/// <summary>
/// Carries a receipt code from a form's POST to the page its 303 leads to, so a refresh does not
/// post again and the code never appears in an address (addresses end up in logs and history).
/// The cookie is HttpOnly, SameSite=Strict, Secure outside Development, scoped to that one page's path, lives 10 minutes, and
/// is deleted when the page shows it: the code is shown once.
/// </summary>
public static class ReceiptCookie
{
    private const string Name = "receipt";

    public static void Set(HttpContext http, string path, string receipt) =>
        http.Response.Cookies.Append(Name, receipt, WebSession.PageOptions(http, path, TimeSpan.FromMinutes(10)));

    /// <summary>The code, once: the cookie is deleted as it is read. Null if there is none (shown already, or expired).</summary>
    public static string? Take(HttpContext http, string path)
    {
        var receipt = http.Request.Cookies[Name];
        if (receipt is null)
        {
            return null;
        }

        http.Response.Cookies.Delete(Name, WebSession.PageOptions(http, path, maxAge: null));
        return Notices.ReceiptCodes.LooksValid(receipt) ? receipt : null;
    }
}
