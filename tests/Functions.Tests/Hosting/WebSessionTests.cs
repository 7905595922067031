using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Hosting;

/// <summary>
/// The pages' session cookie: HttpOnly and SameSite=Strict everywhere, and Secure everywhere but
/// Development. Behind the Functions host the app sees plain http on loopback, so the request's
/// scheme cannot decide it.
/// </summary>
public sealed class WebSessionTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Theory]
    [InlineData("Production", true)] // Azure: the app sees http from the Functions host, browsers use https
    [InlineData("Staging", true)] // any environment but Development
    [InlineData("Testing", true)] // the tests' environment (the local host's development key works there)
    [InlineData("Development", false)] // scripts/run.sh on http://127.0.0.1: a browser would drop a Secure cookie
    public async Task SessionCookie_IsSecure_OutsideDevelopment_AndAlwaysHttpOnlyAndStrict(string environment, bool secure)
    {
        // Outside Development and Testing the development key stops the app (DevKeyTests): those
        // apps sign in with Entra ID, so only signing out (the same cookie options) is seen here.
        var devKey = environment is "Development" or "Testing";
        await using var app = await TestApp.StartAsync(azurite, environment: environment, configure: devKey ? null : b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:DevSigningKey"] = string.Empty,
            ["Auth:Authority"] = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/v2.0",
            ["Auth:Audience"] = "api://qualityaward-test",
        }));
        Assert.Equal(environment, app.Services.GetRequiredService<IHostEnvironment>().EnvironmentName);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.Address };

        var answers = new List<HttpResponseMessage>();
        if (devKey)
        {
            var signIn = await client.PostAsync("/forms/signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["subject"] = "91350100M000100Y43", ["name"] = "张三" }));
            Assert.Equal(303, (int)signIn.StatusCode); // See Other: a refresh of /apply does not post the sign-in again
            answers.Add(signIn);
        }

        answers.Add(await client.PostAsync("/forms/signout", new FormUrlEncodedContent([])));
        foreach (var response in answers)
        {
            var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(WebSession.Cookie + "=", StringComparison.Ordinal));
            var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToArray();
            Assert.Contains("httponly", attributes);
            Assert.Contains("samesite=strict", attributes);
            Assert.Contains("path=/", attributes);
            Assert.Equal(secure, attributes.Contains("secure"));
        }
    }
}
