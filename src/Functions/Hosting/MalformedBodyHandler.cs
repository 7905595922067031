using Microsoft.AspNetCore.Diagnostics;

namespace QualityAward.Functions.Hosting;

/// <summary>
/// A body the framework cannot parse (a multipart post without a boundary, a form whose sections
/// are cut off) is the caller's mistake, not a server error: 400, as a zh-CN page for the pages
/// and problem+json under /api. Nothing has been stored when reading the body fails.
/// </summary>
public sealed class MalformedBodyHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not InvalidDataException || http.Response.HasStarted)
        {
            return false;
        }

        var result = http.Request.Path.StartsWithSegments("/api")
            ? Problems.BadRequest(http, "request.body-malformed", "请求体格式不正确，无法读取。", "The request body is malformed and cannot be read.")
            : Html.Page("请求无效", "<h1>请求无效</h1><p>提交的内容格式不正确，请返回页面重新提交。</p>", StatusCodes.Status400BadRequest);
        await result.ExecuteAsync(http);
        return true;
    }
}
