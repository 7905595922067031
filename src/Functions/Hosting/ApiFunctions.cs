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
    [Api(Tag, "Tables and blobs answer (readiness); 503 if not.", Produces = "text/plain")]
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
        // document and offers the bearer scheme for "Try it". No web fonts (they come from Scalar's
        // CDN), light mode only, and darker text and method colours than Scalar's own, which fall
        // short of WCAG AA contrast (axe-core's color-contrast, EveryPageTests).
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
            <script id="api-reference" data-url="/openapi/v1.json" data-configuration='{"authentication":{"preferredSecurityScheme":"bearer"},"hideClientButton":true,"withDefaultFonts":false,"forceDarkModeState":"light","hideDarkModeToggle":true,"customCss":".light-mode{--scalar-color-1:#1c1c1c;--scalar-color-2:#3d3d3d;--scalar-color-3:#4f4f4f;--scalar-sidebar-color-1:#1c1c1c;--scalar-sidebar-color-2:#3d3d3d;--scalar-color-accent:#0a58b0;--scalar-color-green:#116b2f;--scalar-color-red:#a8001e;--scalar-color-yellow:#6e5600;--scalar-color-blue:#0a58b0;--scalar-color-orange:#8f4500;--scalar-color-purple:#6a3d9a}"}'></script>
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

    /// <summary>
    /// The package embeds its assets gzip-compressed (its own endpoint sends them with
    /// Content-Encoding: gzip); served as they are stored, the browser read the script as garbage
    /// and the reference stayed blank. Decompressed here, so any client reads them.
    /// </summary>
    private static IResult ScalarAsset(string resource, string contentType)
    {
        var stream = typeof(Scalar.AspNetCore.ScalarOptions).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The Scalar package has no asset {resource}.");
        Span<byte> magic = stackalloc byte[2];
        var gzip = stream.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        stream.Position = 0;
        return Results.Stream(gzip ? new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress) : stream, contentType);
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

/// <summary>
/// An address no function serves: 404 in the caller's terms — problem+json under <c>/api</c>, a
/// zh-CN page elsewhere — rather than an empty answer. The lowest-priority route (a catch-all
/// parameter loses to every literal and parameter segment), so it hides no function's route.
/// </summary>
public sealed class FallbackFunctions
{
    [Function("NoSuchAddress")]
    [Public]
    [Api("About the app", "Any address no other function serves: 404 (problem+json under /api, a zh-CN page elsewhere).", Produces = "application/problem+json")]
    [Refuses(404, "route.not-found")]
    public IResult NoSuchAddress([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "delete", "patch", Route = "{*path}")] HttpRequest req) =>
        req.Path.StartsWithSegments("/api")
            ? Problems.For(req.HttpContext, Refusal.NotFound("route.not-found", "没有这个地址。", "There is nothing at this address."))
            : Html.Page("页面不存在", "<h1>页面不存在</h1><p>没有这个页面。<a href=\"/notices\">公示公告</a> · <a href=\"/register\">获奖名录</a> · <a href=\"/apply\">申报</a></p>", StatusCodes.Status404NotFound);
}
