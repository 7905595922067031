using System.Text.Json;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Hosting;

/// <summary>The OpenAPI document is generated from the functions: every one is in it, as it is.</summary>
public sealed class OpenApiTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private TestApp _app = null!;
    private JsonElement _document;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite);
        _document = await (await _app.Anonymous().GetAsync("/openapi/v1.json")).ExpectAsync(200);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public void EveryHttpFunction_IsAnOperation_AtItsRouteAndMethods()
    {
        var operations = _document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => (Id: m.Value.GetProperty("operationId").GetString()!, Method: m.Name.ToUpperInvariant(), Path: p.Name)))
            .ToList();

        var missing = FunctionCatalog.Instance.Http
            .SelectMany(f => f.Methods.Select(m => (f.Name, Method: m)))
            .Where(f => !operations.Any(o => o.Id == f.Name && o.Method == f.Method))
            .Select(f => $"{f.Method} {f.Name}")
            .ToList();
        Assert.True(missing.Count == 0, "HTTP functions missing from the document: " + string.Join(", ", missing));
        Assert.Equal(operations.Count, operations.Select(o => o.Id + o.Method).Distinct().Count());
    }

    [Fact]
    public void Document_NamesTheApi_TheBearerScheme_AndTheServerCallersUse()
    {
        Assert.Contains("市长质量奖", _document.GetProperty("info").Str("title"));
        var bearer = _document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("http", bearer.Str("type"));
        Assert.Equal("bearer", bearer.Str("scheme"));
        Assert.Equal(_app.Address.ToString().TrimEnd('/'), _document.GetProperty("servers")[0].Str("url"));
    }

    [Fact]
    public async Task ServerAddress_FollowsTheForwardedSchemeAndHost_BehindTls()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "award.weihai.gov.cn");

        var document = await (await _app.Anonymous().SendAsync(request)).ExpectAsync(200);

        Assert.Equal("https://award.weihai.gov.cn", document.GetProperty("servers")[0].Str("url"));
    }

    [Fact]
    public void Operation_NeedingACaller_DeclaresTheBearerScheme_And401()
    {
        var open = _document.GetProperty("paths").GetProperty("/api/cycles").GetProperty("post");

        Assert.Equal(JsonValueKind.Array, open.GetProperty("security").ValueKind);
        Assert.True(open.GetProperty("responses").TryGetProperty("401", out _));
        Assert.True(open.GetProperty("responses").TryGetProperty("201", out _));
        var conflict = open.GetProperty("responses").GetProperty("409").GetProperty("content").GetProperty("application/problem+json");
        Assert.Contains("cycle.exists", conflict.GetRawText());
        var anonymous = _document.GetProperty("paths").GetProperty("/api/cycles").GetProperty("get");
        Assert.False(anonymous.TryGetProperty("security", out _));
    }

    [Fact]
    public void RequestBodies_AreDescribed_WithTheirFieldsRequiredAndDescribed()
    {
        var body = _document.GetProperty("paths").GetProperty("/api/cycles").GetProperty("post").GetProperty("requestBody")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema").Str("$ref");
        var schema = _document.GetProperty("components").GetProperty("schemas").GetProperty(body.Split('/')[^1]);

        Assert.Contains("year", schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.True(schema.GetProperty("properties").GetProperty("year").TryGetProperty("description", out _));
    }

    [Fact]
    public async Task BrowsableReference_IsServed_WithItsScript()
    {
        var reference = await _app.Anonymous().GetAsync("/scalar/v1");
        Assert.True(reference.IsSuccessStatusCode);
        Assert.Equal("text/html", reference.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/openapi/v1.json", await reference.Content.ReadAsStringAsync());

        var script = await _app.Anonymous().GetAsync("/scalar/scalar.js");
        Assert.True(script.IsSuccessStatusCode);
        var bytes = await script.Content.ReadAsByteArrayAsync();
        Assert.True(bytes.Length > 10_000);
        Assert.False(bytes is [0x1f, 0x8b, ..], "scalar.js is served gzip-compressed without saying so: browsers cannot run it");
    }
}
