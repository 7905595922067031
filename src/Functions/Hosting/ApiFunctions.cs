using System.ComponentModel;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using QualityAward.Domain;

namespace QualityAward.Functions.Hosting;

/// <summary>The signed-in caller as the app sees them.</summary>
public sealed record MeView(
    [property: Description("The stable subject: the Entra object id (oid), or sub.")] string? Subject,
    [property: Description("The display name the token carries.")] string? Name,
    [property: Description("The app roles the token carries.")] IReadOnlyList<string> Roles,
    [property: Description("A recommender's body (district or department id), from the affil claim.")] string? Affiliation);

/// <summary>
/// The app about itself: health for the platform and operators, the caller's identity, and the
/// API's own description — the OpenAPI document generated from the functions and a browsable
/// reference (Scalar) over it.
/// </summary>
public sealed class ApiFunctions(HealthCheckService health, OpenApiDocument openApi)
{
    private const string Tag = "About the app";

    [Function("Health")]
    [Public]
    [Api(Tag, "The process is up (liveness).", Produces = "text/plain")]
    public Task<IResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "healthz")] HttpRequest req, CancellationToken ct) =>
        CheckAsync(c => !c.Tags.Contains(Telemetry.ReadyTag), ct);

    [Function("Ready")]
    [Public]
    [Api(Tag, "Tables, blobs and queues answer (readiness); 503 if not.", Produces = "text/plain")]
    public Task<IResult> Ready([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "healthz/ready")] HttpRequest req, CancellationToken ct) =>
        CheckAsync(c => c.Tags.Contains(Telemetry.ReadyTag), ct);

    [Function("Me")]
    [SignedIn]
    [Api(Tag, "Who the bearer token says the caller is.", Returns = typeof(MeView))]
    public IResult Me([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/me")] HttpRequest req)
    {
        var user = req.HttpContext.User;
        return Results.Ok(new MeView(
            Caller.Subject(user),
            user.FindFirst(Caller.NameClaim)?.Value,
            user.FindAll(Caller.RolesClaim).Select(c => c.Value).ToList(),
            user.FindFirst(Caller.AffiliationClaim)?.Value));
    }

    [Function("GetOpenApiDocument")]
    [Public]
    [Api(Tag, "This document: every HTTP function with its parameters, bodies, answers and problem codes.", Produces = "application/json")]
    public IResult GetOpenApiDocument([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi/v1.json")] HttpRequest req) =>
        Results.Text(openApi.Json(PublicBase(req)), "application/json; charset=utf-8");

    [Function("ApiReference")]
    [Public]
    [Api(Tag, "The browsable API reference (Scalar) over the OpenAPI document; sign in with a bearer token there.", Produces = "text/html")]
    public IResult ApiReference([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "scalar/v1")] HttpRequest req)
    {
        // The standalone Scalar bundle, served from the package's own assets (no CDN): it reads the
        // document and offers the bearer scheme for "Try it".
        const string Page = """
            <!doctype html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>QualityAward API（市长质量奖）</title>
            <link rel="icon" type="image/svg+xml" href="/scalar/favicon.svg">
            </head>
            <body>
            <script id="api-reference" data-url="/openapi/v1.json" data-configuration='{"authentication":{"preferredSecurityScheme":"bearer"},"hideClientButton":true}'></script>
            <script src="/scalar/scalar.js"></script>
            </body>
            </html>
            """;
        return Results.Content(Page, "text/html; charset=utf-8", Encoding.UTF8);
    }

    [Function("ApiReferenceScript")]
    [Public]
    [Api(Tag, "The API reference's script (Scalar's standalone bundle).", Produces = "text/javascript")]
    public IResult ApiReferenceScript([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "scalar/scalar.js")] HttpRequest req) =>
        ScalarAsset("ScalarStaticAssets.scalar.js", "text/javascript; charset=utf-8");

    [Function("ApiReferenceIcon")]
    [Public]
    [Api(Tag, "The API reference's icon.", Produces = "image/svg+xml")]
    public IResult ApiReferenceIcon([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "scalar/favicon.svg")] HttpRequest req) =>
        ScalarAsset("ScalarStaticAssets.favicon.svg", "image/svg+xml");

    private static IResult ScalarAsset(string resource, string contentType)
    {
        var stream = typeof(Scalar.AspNetCore.ScalarOptions).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The Scalar package has no asset {resource}.");
        return Results.Stream(stream, contentType);
    }

    /// <summary>Where callers reach the app: the forwarded scheme and host behind TLS termination, else the request's own.</summary>
    private static string PublicBase(HttpRequest req)
    {
        var scheme = req.Headers["X-Forwarded-Proto"].ToString().Split(',')[0].Trim();
        var host = req.Headers["X-Forwarded-Host"].ToString().Split(',')[0].Trim();
        return $"{(scheme is "http" or "https" ? scheme : req.Scheme)}://{(host.Length > 0 && !host.Any(char.IsWhiteSpace) ? host : req.Host.Value)}";
    }

    private async Task<IResult> CheckAsync(Func<HealthCheckRegistration, bool> predicate, CancellationToken ct)
    {
        var report = await health.CheckHealthAsync(predicate, ct);
        var status = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        return Results.Text(report.Status.ToString(), "text/plain", Encoding.UTF8, status);
    }
}
