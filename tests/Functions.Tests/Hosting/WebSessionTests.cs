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
[Collection(AzuriteCollection.Name)]
public sealed class WebSessionTests(Azurite azurite)
{
    [Theory]
    [InlineData("Production", true)] // Azure: the app sees http from the Functions host, browsers use https
    [InlineData("Staging", true)] // any environment but Development
    [InlineData("Development", false)] // scripts/run.sh on http://127.0.0.1: a browser would drop a Secure cookie
    public async Task SessionCookie_IsSecure_OutsideDevelopment_AndAlwaysHttpOnlyAndStrict(string environment, bool secure)
    {
        await using var app = await TestApp.StartAsync(azurite, environment: environment);
        Assert.Equal(environment, app.Services.GetRequiredService<IHostEnvironment>().EnvironmentName);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.Address };

        var signIn = await client.PostAsync("/forms/signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["subject"] = "91350100M000100Y43", ["name"] = "张三" }));
        var signOut = await client.PostAsync("/forms/signout", new FormUrlEncodedContent([]));

        Assert.Equal(302, (int)signIn.StatusCode);
        foreach (var response in new[] { signIn, signOut })
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
