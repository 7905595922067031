using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Hosting;

[Collection(AzuriteCollection.Name)]
public sealed class OpenApiTests(Azurite azurite) : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task OpenApiDocument_DescribesTheApi_WithBearerRoles_AndTheBrowsableReferenceIsServed()
    {
        var document = await (await _app.Anonymous().GetAsync("/openapi/v1.json")).ExpectAsync(200);

        Assert.Contains("市长质量奖", document.GetProperty("info").Str("title"));
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/cycles", paths);
        Assert.Contains("/api/applications/{applicationId}/submit", paths);
        Assert.Contains("/api/cycles/{cycleId}/notices", paths);
        Assert.DoesNotContain("/Timers", paths); // the host's trigger endpoints are not part of the API

        var reference = await _app.Anonymous().GetAsync("/scalar/v1");
        Assert.True(reference.IsSuccessStatusCode);
        Assert.Contains("text/html", reference.Content.Headers.ContentType?.MediaType);
    }
}
