using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Hosting;

/// <summary>
/// The gate asks the sign-in handlers only about a request that carries a credential — a bearer
/// token, or the session cookie on the pages: one that carries neither is anonymous without them
/// (they would find nothing), and an anonymous read, often a cold start's first, does not build them.
/// </summary>
public sealed class CredentialTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task RequestWithoutCredentials_IsAnonymousWithoutTheHandlers_ATokenOrTheSessionCookie_IsAuthenticated()
    {
        var counting = new CountingAuthentication();
        await using var app = await TestApp.StartAsync(azurite.ConnectionString, configure: b =>
            b.Services.AddScoped<IAuthenticationService>(sp => counting.Around(ActivatorUtilities.CreateInstance<AuthenticationService>(sp))));
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.Address };

        // Anonymous: a public read answers, a page sends to the sign-in, an office read is refused — no handler asked.
        await (await app.Anonymous().GetAsync("/api/cycles")).ExpectAsync(200);
        Assert.Equal("/signin", (await browser.GetAsync("/apply")).Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().GetAsync("/api/audit/verify")).StatusCode);
        Assert.Equal(0, counting.Authentications);

        // A bearer token is read, on a public read too.
        await (await app.As(Roles.Office).GetAsync("/api/cycles")).ExpectAsync(200);
        Assert.Equal(1, counting.Authentications);

        // The session cookie is read on the pages.
        var signIn = await browser.PostAsync("/forms/signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["subject"] = "91350100M000100Y43", ["name"] = "张三" }));
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith(WebSession.Cookie + "=", StringComparison.Ordinal)).Split(';')[0];
        var before = counting.Authentications;
        using var page = new HttpRequestMessage(HttpMethod.Get, "/apply") { Headers = { { "Cookie", cookie } } };
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(page)).StatusCode);
        Assert.Equal(before + 1, counting.Authentications);
    }

    /// <summary>Counts the requests ASP.NET Core's authentication service was asked to authenticate (a policy scheme asks it again for the scheme it forwards to).</summary>
    private sealed class CountingAuthentication
    {
        private readonly HashSet<string> _requests = [];

        public int Authentications
        {
            get
            {
                lock (_requests)
                {
                    return _requests.Count;
                }
            }
        }

        public IAuthenticationService Around(IAuthenticationService inner) => new Counted(inner, this);

        private sealed class Counted(IAuthenticationService inner, CountingAuthentication counts) : IAuthenticationService
        {
            public Task<AuthenticateResult> AuthenticateAsync(HttpContext context, string? scheme)
            {
                lock (counts._requests)
                {
                    counts._requests.Add(context.TraceIdentifier);
                }

                return inner.AuthenticateAsync(context, scheme);
            }

            public Task ChallengeAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => inner.ChallengeAsync(context, scheme, properties);

            public Task ForbidAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => inner.ForbidAsync(context, scheme, properties);

            public Task SignInAsync(HttpContext context, string? scheme, ClaimsPrincipal principal, AuthenticationProperties? properties) => inner.SignInAsync(context, scheme, principal, properties);

            public Task SignOutAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => inner.SignOutAsync(context, scheme, properties);
        }
    }
}
