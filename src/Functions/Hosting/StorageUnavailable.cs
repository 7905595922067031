using Azure;
using Microsoft.AspNetCore.Diagnostics;
using QualityAward.Domain;

namespace QualityAward.Functions.Hosting;

/// <summary>
/// Storage that does not answer at all (connection refused, reset, timed out after the SDK's own
/// retries) is an outage, not a bug: the caller gets 503 with Retry-After and a problem it can act
/// on, instead of a bare 500. Nothing was accepted, so the same request may simply be sent again.
/// </summary>
public sealed partial class StorageUnavailable(ILogger<StorageUnavailable> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsUnreachable(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        LogUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name);
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var refusal = Refusal.Rule(
            "storage.unavailable",
            "存储服务暂时不可用，本次操作未被保存，请稍后重试。",
            "Storage is unavailable for the moment; nothing was saved. Try again shortly.");
        await Problems.For(httpContext, refusal, StatusCodes.Status503ServiceUnavailable).ExecuteAsync(httpContext);
        return true;
    }

    /// <summary>A transport failure: the SDK reports it as status 0, alone or gathered from its retries.</summary>
    public static bool IsUnreachable(Exception exception) => exception switch
    {
        RequestFailedException { Status: 0 } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnreachable),
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage unreachable during {Method} {Path} ({ExceptionType}); answered 503")]
    private static partial void LogUnavailable(ILogger logger, string method, PathString path, string exceptionType);
}
