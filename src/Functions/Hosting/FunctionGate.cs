using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using QualityAward.Domain;

namespace QualityAward.Functions.Hosting;

/// <summary>
/// The one place every HTTP function passes through, in the Functions host (through
/// <see cref="GateMiddleware"/>) and in the local host alike: it signs the caller in (bearer token
/// on <c>/api</c>, the page session cookie on the applicant pages), enforces what the function
/// declares (<see cref="AccessAttribute"/>, <see cref="RateLimitedAttribute"/>), runs the function,
/// and turns what it answers — or throws — into the answer: problem+json (zh-CN, or English on
/// request) for a bare error status, the exception handlers for a malformed body or a storage
/// outage. It also counts every refusal by function and code (metric <c>qualityaward.http.refusals</c>).
/// </summary>
public sealed partial class FunctionGate(RateLimitGate rateLimits, IMeterFactory meters, ILogger<FunctionGate> logger)
{
    public const string MeterName = "QualityAward.Http";

    /// <summary>Where <see cref="Problems"/> leaves the code of the problem it answered.</summary>
    public const string ProblemCodeItem = "qualityaward.problem-code";

    private readonly Counter<long> _refusals = meters.Create(MeterName).CreateCounter<long>("qualityaward.http.refusals", description: "HTTP answers with an error status, by function, status and problem code");

    /// <summary>
    /// Sign in, check, run and answer. <paramref name="invoke"/> runs the function and gives back what
    /// it returned (an <see cref="IResult"/> or an <see cref="IActionResult"/>). The result to
    /// execute is returned; it never throws for a caller's mistake or an outage.
    /// </summary>
    public async Task<IResult> RunAsync(HttpContext http, HttpFunction function, Func<Task<object?>> invoke)
    {
        try
        {
            // The handlers would find nothing on a request that carries no credential: it stays
            // anonymous without them (an anonymous read, often a cold start's first, does not build them).
            if (WebSession.CarriesCredentials(http.Request) && await http.AuthenticateAsync() is { Succeeded: true } authenticated)
            {
                http.User = authenticated.Principal!;
            }

            if (await AuthorizeAsync(http, function) is { } refused)
            {
                return Answer(http, function, refused);
            }

            // The route as a path template ("/api/public/reports/"), as the operator's warning names it.
            if (function.RateLimit is { } policy && await rateLimits.TryAcquireAsync(http, policy, "/" + function.Route) is { } limited)
            {
                return Answer(http, function, limited);
            }

            var result = await invoke();
            return Answer(http, function, result);
        }
        catch (Exception ex) when (!http.RequestAborted.IsCancellationRequested)
        {
            return Answer(http, function, new ExceptionResult(ex, function.Name));
        }
    }

    private static async Task<IResult?> AuthorizeAsync(HttpContext http, HttpFunction function)
    {
        var user = http.User;
        var signedIn = user.Identity?.IsAuthenticated == true;
        switch (function.Access)
        {
            case PublicAttribute:
                return null;
            case SignedInAttribute when signedIn:
                return null;
            case AllowAttribute allow when signedIn:
                if (allow.Roles.Any(user.IsInRole))
                {
                    return null;
                }

                await http.ForbidAsync();
                return Results.Empty;
            case SignedInAttribute or AllowAttribute:
                await http.ChallengeAsync();
                return Results.Empty;
            case ApplicantPageAttribute:
                if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
                {
                    return signedIn && user.IsInRole(Roles.Applicant) ? null : Results.Redirect("/signin");
                }

                if (!signedIn || !user.IsInRole(Roles.Applicant) || !WebSession.IsSameOrigin(http))
                {
                    return Html.Page("不能提交", "<h1>不能提交</h1><p class=\"error\" role=\"alert\">请先登录，并从本站的页面提交。</p><p><a href=\"/signin\">登录</a></p>", StatusCodes.Status403Forbidden);
                }

                return null;
            default:
                // A function without a declaration is a bug (a test catches it); never open it.
                throw new InvalidOperationException($"HTTP function {function.Name} declares no access attribute.");
        }
    }

    private GatedResult Answer(HttpContext http, HttpFunction function, object? result) => new(result, function, this);

    internal void Count(HttpContext http, HttpFunction function)
    {
        var status = http.Response.StatusCode;
        if (status < 400)
        {
            return;
        }

        var code = http.Items.TryGetValue(ProblemCodeItem, out var c) && c is string s ? s : "(none)";
        _refusals.Add(1, new KeyValuePair<string, object?>("function", function.Name), new KeyValuePair<string, object?>("status", status), new KeyValuePair<string, object?>("code", code));
        if (status >= 500)
        {
            LogServerError(logger, function.Name, status, code);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function} answered {Status} ({Code})")]
    private static partial void LogServerError(ILogger logger, string function, int status, string code);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Function} failed with an unhandled exception; answered 500")]
    internal static partial void LogUnhandled(ILogger logger, Exception ex, string function);

    /// <summary>
    /// What the function answered, executed, then — if it set an error status without a body — a
    /// problem+json body for that status (what ASP.NET Core's status code pages do); an exception
    /// while answering goes to the exception handlers, as one thrown by the function does.
    /// </summary>
    private sealed class GatedResult(object? inner, HttpFunction function, FunctionGate gate) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            try
            {
                switch (inner)
                {
                    case IResult result:
                        await result.ExecuteAsync(http);
                        break;
                    case IActionResult action:
                        await action.ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor()));
                        break;
                    case null:
                        http.Response.StatusCode = StatusCodes.Status204NoContent;
                        break;
                    default:
                        throw new InvalidOperationException($"HTTP function {function.Name} returned a {inner.GetType().Name}, neither an IResult nor an IActionResult.");
                }
            }
            catch (Exception ex) when (inner is not ExceptionResult && !http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
            {
                await new ExceptionResult(ex, function.Name).ExecuteAsync(http);
            }

            if (!http.Response.HasStarted && http.Response.StatusCode >= 400 && http.Response.ContentLength is null && string.IsNullOrEmpty(http.Response.ContentType))
            {
                var english = Lang.IsEnglish(http);
                var status = http.Response.StatusCode;
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = { Status = status, Title = Problems.TitleOf(status, english) },
                });
            }

            gate.Count(http, function);
        }
    }

    /// <summary>An exception: the registered handlers (malformed body, storage outage) answer it, or a 500 problem.</summary>
    private sealed class ExceptionResult(Exception exception, string function) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            foreach (var handler in http.RequestServices.GetServices<IExceptionHandler>())
            {
                if (await handler.TryHandleAsync(http, exception, http.RequestAborted))
                {
                    return;
                }
            }

            LogUnhandled(http.RequestServices.GetRequiredService<ILogger<FunctionGate>>(), exception, function);
            if (!http.Response.HasStarted)
            {
                http.Response.Clear();
                http.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }
        }
    }
}
