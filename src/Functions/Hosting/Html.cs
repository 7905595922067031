using System.Net;
using System.Text;

namespace QualityAward.Functions.Hosting;

/// <summary>
/// The zh-CN pages: server-rendered HTML that works without JavaScript. Every text that came from
/// a person goes through <see cref="E"/>; the Content-Security-Policy forbids scripts outright, so
/// a text that slipped through could still not run.
/// </summary>
public static class Html
{
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>HTML-encode a text for element content or a quoted attribute.</summary>
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    public static IResult Page(string title, string body, int status = StatusCodes.Status200OK) =>
        new PageResult(title, body, status);

    private sealed class PageResult(string title, string body, int status) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            var html = new StringBuilder()
                .Append("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">")
                .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .Append("<title>").Append(E(title)).Append("</title>")
                .Append("<style>")
                .Append("body{font-family:\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif;max-width:960px;margin:2em auto;padding:0 1em;line-height:1.6;color:#222}")
                .Append("table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.4em .6em;text-align:left}")
                .Append("label{display:block;margin:.6em 0 .2em}input[type=text],textarea,select{width:100%;box-sizing:border-box;padding:.4em}")
                .Append(".error{color:#b00020}.note{color:#555}.receipt{font-size:1.4em;font-weight:bold;letter-spacing:.1em}")
                .Append("</style></head><body>")
                .Append(body)
                .Append("</body></html>")
                .ToString();
            http.Response.StatusCode = status;
            http.Response.ContentType = "text/html; charset=utf-8";
            http.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.CacheControl = "no-store";
            await http.Response.WriteAsync(html, Encoding.UTF8);
        }
    }
}
