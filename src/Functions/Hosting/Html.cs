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

    /// <summary>
    /// A page. <paramref name="site"/> names the city's award (e.g. 威海市市长质量奖): every public
    /// page carries it in its header and title, so a page reached from a search or a shared link
    /// says whose award it is.
    /// </summary>
    public static IResult Page(string title, string body, int status = StatusCodes.Status200OK, string? site = null) =>
        new PageResult(title, body, status, site);

    /// <summary>303 See Other: after a POST the browser GETs the address, so a refresh does not post again.</summary>
    public static IResult SeeOther(string location) => new SeeOtherResult(location);

    /// <summary>The awards the deployment runs, from its cycles (e.g. 威海市市长质量奖); null before any cycle.</summary>
    public static async Task<string?> SiteAsync(Storage.ReadModels readModels, CancellationToken ct)
    {
        var names = (await readModels.PartitionAsync(Cycles.CycleIndex.Partition, ct))
            .Select(r => r.GetString("AwardName")).OfType<string>().Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return names.Count == 0 ? null : string.Join("、", names);
    }

    /// <summary>A date as a notice prints it: 2026年2月12日.</summary>
    public static string Date(DateOnly date) => date.ToString("yyyy年M月d日", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Phone first: one column that fits 390 px, wide tables scroll inside themselves, inputs at
    /// 16 px (no zoom on focus in iOS and WeChat), targets at least 44 px high. Print: no forms or
    /// navigation, black on white, the page's own width.
    /// </summary>
    private const string Style =
        "body{font-family:\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif;max-width:960px;margin:1em auto;padding:0 1em;line-height:1.6;color:#222;overflow-wrap:anywhere}"
        + "header.site{border-bottom:2px solid #b00020;margin-bottom:1em}header.site p{margin:.2em 0;font-weight:bold;color:#b00020}"
        + "h1{font-size:1.5em;line-height:1.3}h2{font-size:1.25em}"
        + "table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.4em .6em;text-align:left;vertical-align:top}"
        + "label{display:block;margin:.6em 0 .2em}input[type=text],input:not([type]),textarea,select{width:100%;box-sizing:border-box;padding:.4em}"
        + "input,select,textarea,button{font-size:16px}button{min-height:44px;padding:.4em 1.2em}input[type=checkbox],input[type=radio]{width:1.2em;height:1.2em}"
        + ".error{color:#b00020}.note{color:#555}.warning{border:2px solid #8a5a00;background:#fff8e1;color:#5c3d00;padding:.5em .8em}.receipt{font-size:1.4em;font-weight:bold;letter-spacing:.1em}"
        + "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}dl.facts dt{font-weight:bold}dl.facts dd{margin:0}"
        + "@media (max-width:640px){body{padding:0 .75em}table{display:block;overflow-x:auto}th,td{padding:.3em .4em}dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:.4em}}"
        + "@media print{form,nav,.noprint{display:none!important}body{max-width:none;margin:0;padding:0;font-size:12pt;color:#000}header.site{border-color:#000}header.site p{color:#000}a{color:#000;text-decoration:none}tr{break-inside:avoid}table{display:table}}";

    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = StatusCodes.Status303SeeOther;
            http.Response.Headers.Location = location;
            http.Response.Headers.CacheControl = "no-store";
            return Task.CompletedTask;
        }
    }

    private sealed class PageResult(string title, string body, int status, string? site) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            var html = new StringBuilder()
                .Append("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">")
                .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .Append("<title>").Append(E(title)).Append(site is null ? string.Empty : " - " + E(site)).Append("</title>")
                .Append("<style>").Append(Style).Append("</style></head><body>")
                .Append(site is null ? string.Empty : "<header class=\"site\"><p>" + E(site) + "</p></header>")
                .Append("<main>")
                .Append(body)
                .Append("</main></body></html>")
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
