using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moq;
using QualityAward.Domain;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Hosting;

/// <summary>
/// The worker middleware that puts every HTTP function through the gate under the real Functions
/// host — the one piece the local host does not run, so its FunctionContext is a Moq stand-in
/// (the host cannot run here). The gate behind it is the real one, with the app's services.
/// </summary>
public sealed class GateMiddlewareTests : IDisposable
{
    private readonly ServiceProvider _services;

    public GateMiddlewareTests()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development" }); // the worker takes the development key in Development only
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Auth:DevSigningKey"] = TestApp.SigningKey,
            ["Audit:ChainKey"] = TestApp.ChainKey,
        });
        builder.AddQualityAward();
        _services = builder.Services.BuildServiceProvider();
    }

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task HttpFunction_ForAnAnonymousCaller_IsNotRun_AndTheAnswerIs401()
    {
        var (context, http) = Invocation("OpenCycle", withHttpContext: true);
        var ran = false;

        object? answer = null;
        await Middleware().InvokeAsync(context, () => { ran = true; return Task.CompletedTask; }, () => null, a => answer = a);

        Assert.False(ran);
        await ((IResult)answer!).ExecuteAsync(http);
        Assert.Equal(401, http.Response.StatusCode);
        Assert.Equal("application/problem+json", http.Response.ContentType);
    }

    [Fact]
    public async Task HttpFunction_ForAnAllowedRole_IsRun_AndWhatItReturnsIsTheAnswer()
    {
        var (context, http) = Invocation("OpenCycle", withHttpContext: true);
        http.Request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", DevTokens.Mint(TestApp.SigningKey, "office-1", [Roles.Office], "office", null, TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow)).ToString();
        var ran = false;

        object? answer = null;
        await Middleware().InvokeAsync(context, () => { ran = true; return Task.CompletedTask; }, () => Results.Text("opened", statusCode: 201), a => answer = a);

        Assert.True(ran);
        await ((IResult)answer!).ExecuteAsync(http);
        Assert.Equal(201, http.Response.StatusCode);
        Assert.Equal("office-1", Caller.Subject(http.User));
    }

    [Fact]
    public async Task TimerFunction_PassesStraightOn()
    {
        var (context, _) = Invocation("Backup", withHttpContext: false);
        var ran = false;
        var answered = false;

        await Middleware().InvokeAsync(context, () => { ran = true; return Task.CompletedTask; }, () => null, _ => answered = true);

        Assert.True(ran);
        Assert.False(answered);
    }

    [Fact]
    public async Task HttpFunction_WithoutItsHttpContext_IsRefused_NotRunUnchecked()
    {
        var (context, _) = Invocation("OpenCycle", withHttpContext: false);
        var ran = false;

        await Assert.ThrowsAsync<InvalidOperationException>(() => Middleware().InvokeAsync(context, () => { ran = true; return Task.CompletedTask; }, () => null, _ => { }));

        Assert.False(ran);
    }

    private GateMiddleware Middleware() => new(_services.GetRequiredService<FunctionGate>(), _services.GetRequiredService<FunctionCatalog>());

    private (FunctionContext Context, DefaultHttpContext Http) Invocation(string function, bool withHttpContext)
    {
        var definition = new Mock<FunctionDefinition>();
        definition.SetupGet(d => d.Name).Returns(function);
        var items = new Dictionary<object, object>();
        var http = new DefaultHttpContext { RequestServices = _services };
        http.Request.Method = "POST";
        http.Request.Path = "/api/cycles";
        http.Response.Body = new MemoryStream();
        if (withHttpContext)
        {
            // Where the ASP.NET Core integration leaves the request for later middleware.
            items["HttpRequestContext"] = http;
        }

        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.FunctionDefinition).Returns(definition.Object);
        context.SetupGet(c => c.Items).Returns(items);
        return (context.Object, http);
    }
}
