using System.Net;
using System.Net.Http.Headers;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using QualityAward.Domain;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Hosting;

/// <summary>
/// Bearer tokens beyond their signature: a crit header nobody here understands, an empty or
/// missing subject, and what a refused caller is told (issue 17, item 11).
/// </summary>
public sealed class TokenRulesTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static string Token(string? subject, Dictionary<string, object>? header = null, string key = TestApp.SigningKey, DateTime? expires = null)
    {
        var claims = new Dictionary<string, object> { ["roles"] = Roles.Office, ["name"] = "office" };
        if (subject is not null)
        {
            claims["sub"] = subject;
        }

        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AuthOptions.DevIssuer,
            Audience = AuthOptions.DevAudience,
            Claims = claims,
            NotBefore = (expires ?? now.AddHours(1)).AddHours(-2),
            IssuedAt = (expires ?? now.AddHours(1)).AddHours(-2),
            Expires = expires ?? now.AddHours(1),
            AdditionalHeaderClaims = header,
            SigningCredentials = new SigningCredentials(DevTokens.Key(key), SecurityAlgorithms.HmacSha256),
        });
    }

    [Fact]
    public async Task RefusedTokens_AreTold401_WithAChallengeThatNeverSaysWhy_AndWellFormedOnesStillWork()
    {
        await using var app = await TestApp.StartAsync(azurite);
        async Task<HttpResponseMessage> Get(string? token)
        {
            var client = app.Anonymous();
            if (token is not null)
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            return await client.GetAsync("/api/applications?cycleId=weihai-2026");
        }

        var cases = new (string Name, string? Token, string Challenge)[]
        {
            ("no token", null, "Bearer"),
            ("expired", Token("office-1", expires: DateTime.UtcNow.AddHours(-1)), "Bearer error=\"invalid_token\""),
            ("another key", Token("office-1", key: "another-signing-key-of-32-bytes-or-more-0123456789"), "Bearer error=\"invalid_token\""),
            ("crit", Token("office-1", new Dictionary<string, object> { ["crit"] = new[] { "qa-ext" }, ["qa-ext"] = 1 }), "Bearer error=\"invalid_token\""),
            ("empty subject", Token(string.Empty), "Bearer error=\"invalid_token\""),
            ("blank subject", Token("   "), "Bearer error=\"invalid_token\""),
            ("no subject", Token(null), "Bearer error=\"invalid_token\""),
        };
        foreach (var (name, token, challenge) in cases)
        {
            var response = await Get(token);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(challenge, string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString())));
            Assert.DoesNotContain("error_description", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.NotEqual(HttpStatusCode.Unauthorized, (await Get(Token("office-1"))).StatusCode);
    }

    [Fact]
    public void Refusal_NamesCritAndSubjectlessTokens_AndPassesAnOrdinaryOne()
    {
        Assert.Contains("crit", TokenRules.Refusal(new JsonWebToken(Token("s", new Dictionary<string, object> { ["crit"] = new[] { "b64" }, ["b64"] = false })), Principal("s")));
        Assert.Contains("subject", TokenRules.Refusal(new JsonWebToken(Token(string.Empty)), Principal(string.Empty)));
        Assert.Contains("subject", TokenRules.Refusal(new JsonWebToken(Token(null)), Principal(null)));
        Assert.Null(TokenRules.Refusal(new JsonWebToken(Token("s")), Principal("s")));
    }

    private static System.Security.Claims.ClaimsPrincipal Principal(string? subject) =>
        new(new System.Security.Claims.ClaimsIdentity(subject is null ? [] : [new System.Security.Claims.Claim("sub", subject)], "test"));
}
