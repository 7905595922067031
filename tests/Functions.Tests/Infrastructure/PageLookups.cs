namespace QualityAward.Functions.Tests.Infrastructure;

/// <summary>
/// A receipt-code lookup as a browser makes it: the form's POST (no redirect followed), then the GET
/// its 303 names, sending the lookup cookie by hand. HttpClient's cookie jar would not: the cookie is
/// Secure outside Development, and the tests' app listens on plain http.
/// </summary>
public static class PageLookups
{
    public sealed record Lookup(HttpResponseMessage Post, HttpResponseMessage? Result, string? Cookie);

    public static HttpClient Browser(TestApp app) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.Address, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>POST <paramref name="form"/> with the field code; when it answers 303, GET the result page with the cookie it set.</summary>
    public static async Task<Lookup> LookUpAsync(TestApp app, string form, string code)
    {
        using var client = Browser(app);
        var post = await client.PostAsync(form, new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = code }));
        if ((int)post.StatusCode != 303)
        {
            return new Lookup(post, null, null);
        }

        var cookie = CookieOf(post, "lookup");
        return new Lookup(post, await GetAsync(app, post.Headers.Location!.OriginalString, cookie), cookie);
    }

    /// <summary>GET a page with a cookie header (name=value), as a refresh of the result page sends it.</summary>
    public static async Task<HttpResponseMessage> GetAsync(TestApp app, string path, string? cookie)
    {
        using var client = Browser(app);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return await client.SendAsync(request);
    }

    /// <summary>The name=value of the Set-Cookie called <paramref name="name"/>.</summary>
    public static string CookieOf(HttpResponseMessage response, string name) =>
        SetCookie(response, name).Split(';')[0];

    public static string SetCookie(HttpResponseMessage response, string name) =>
        Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(name + "=", StringComparison.Ordinal));
}
