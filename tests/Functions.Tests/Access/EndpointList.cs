using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Access;

/// <summary>Every route the app answers, as "METHOD /pattern".</summary>
public static class EndpointList
{
    public static IReadOnlyList<string> Of(TestApp app) =>
        app.Services.GetServices<EndpointDataSource>()
            .SelectMany(s => s.Endpoints)
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')}"))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
}
