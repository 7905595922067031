using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace QualityAward.Functions.Tests.Infrastructure;

/// <summary>What the stand-in should get wrong in the next id_token (or redirect), to see the app refuse it.</summary>
public enum OidcFault
{
    None,
    WrongNonce,
    WrongState,
    OtherKey,
    WrongAudience,
    Expired,
}

/// <summary>An /authorize request as the stand-in saw it.</summary>
public sealed record AuthorizeRequest(string ClientId, string ResponseType, string RedirectUri, string State, string Nonce, string CodeChallenge, string CodeChallengeMethod, string Scope);

/// <summary>A /token request as the stand-in saw it, and whether it issued tokens.</summary>
public sealed record TokenRequest(string GrantType, string Code, string RedirectUri, string CodeVerifier, string ClientId, string ClientSecret, int Answered, string? Refusal);

/// <summary>
/// A loopback OpenID provider (what Microsoft Entra ID does for the code flow with PKCE):
/// discovery, /authorize that redirects straight back with a code (no login page: the person is
/// <see cref="Oid"/>), /token that checks the client secret, the redirect URI and the PKCE
/// verifier (S256) before it issues an RS256 id_token, and /keys. It records every request.
/// </summary>
public sealed class OidcStandIn : IAsyncDisposable
{
    public const string ClientId = "web-client-7f2c";
    public const string ClientSecret = "web-client-secret-a81d";
    public const string Oid = "6b1f4a52-4c7e-4a8e-9d1b-2c3d4e5f6a7b";
    public const string Name = "张三";

    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "stand-in-1" };
    private readonly RsaSecurityKey _otherKey = new(RSA.Create(2048)) { KeyId = "stand-in-1" };
    private readonly ConcurrentDictionary<string, AuthorizeRequest> _codes = new();
    private readonly ConcurrentQueue<AuthorizeRequest> _authorize = new();
    private readonly ConcurrentQueue<TokenRequest> _token = new();

    private OidcStandIn(WebApplication app) => _app = app;

    /// <summary>The issuer, which is also the authority the app is given (Auth:Authority).</summary>
    public string Issuer { get; private set; } = null!;

    /// <summary>What the next sign-in gets wrong.</summary>
    public OidcFault Fault { get; set; }

    public IReadOnlyList<AuthorizeRequest> Authorizations => [.. _authorize];

    public IReadOnlyList<TokenRequest> TokenRequests => [.. _token];

    public static async Task<OidcStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var standIn = new OidcStandIn(app);
        app.MapGet("/tenant/v2.0/.well-known/openid-configuration", (Delegate)standIn.Discovery);
        app.MapGet("/tenant/oauth2/v2.0/authorize", (Delegate)standIn.Authorize);
        app.MapPost("/tenant/oauth2/v2.0/token", (Delegate)standIn.TokenAsync);
        app.MapGet("/tenant/discovery/v2.0/keys", (Delegate)standIn.Keys);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        standIn.Issuer = address + "/tenant/v2.0";
        return standIn;
    }

    /// <summary>An RS256 token signed by the provider's own key (e.g. an access token the API could be sent).</summary>
    public string Sign(IDictionary<string, object> claims, string audience, DateTime? expires = null, SecurityKey? key = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = (expires ?? DateTime.UtcNow.AddHours(1)).AddHours(-1),
            NotBefore = (expires ?? DateTime.UtcNow.AddHours(1)).AddHours(-1),
            Expires = expires ?? DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(key ?? _key, SecurityAlgorithms.RsaSha256),
        });

    private IResult Discovery(HttpContext http)
    {
        var root = Issuer[..^"/v2.0".Length];
        return Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = root + "/oauth2/v2.0/authorize",
            ["token_endpoint"] = root + "/oauth2/v2.0/token",
            ["jwks_uri"] = root + "/discovery/v2.0/keys",
            ["response_types_supported"] = new[] { "code" },
            ["response_modes_supported"] = new[] { "query", "form_post" },
            ["subject_types_supported"] = new[] { "pairwise" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["scopes_supported"] = new[] { "openid", "profile" },
        });
    }

    private IResult Keys()
    {
        var p = _key.Rsa.ExportParameters(false);
        return Results.Json(new
        {
            keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = _key.KeyId, n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) } },
        });
    }

    private IResult Authorize(HttpContext http)
    {
        var q = http.Request.Query;
        var request = new AuthorizeRequest(q["client_id"].ToString(), q["response_type"].ToString(), q["redirect_uri"].ToString(), q["state"].ToString(),
            q["nonce"].ToString(), q["code_challenge"].ToString(), q["code_challenge_method"].ToString(), q["scope"].ToString());
        _authorize.Enqueue(request);
        if (request.ClientId != ClientId || request.ResponseType != "code" || request.RedirectUri.Length == 0)
        {
            return Results.BadRequest("unauthorized_client");
        }

        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
        _codes[code] = request;
        var state = Fault == OidcFault.WrongState ? request.State[..^4] + "AAAA" : request.State;
        return Results.Redirect($"{request.RedirectUri}?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(state)}");
    }

    private async Task<IResult> TokenAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync();
        string F(string name) => form[name].ToString();
        string? refusal = null;
        if (F("grant_type") != "authorization_code")
        {
            refusal = "unsupported_grant_type";
        }
        else if (!_codes.TryRemove(F("code"), out var authorized))
        {
            refusal = "invalid_grant: unknown or used code";
        }
        else if (F("client_id") != ClientId || F("client_secret") != ClientSecret)
        {
            refusal = "invalid_client";
        }
        else if (F("redirect_uri") != authorized.RedirectUri)
        {
            refusal = "invalid_grant: redirect_uri differs from the authorization request";
        }
        else if (authorized.CodeChallengeMethod != "S256" || F("code_verifier").Length < 43
            || Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(F("code_verifier")))) != authorized.CodeChallenge)
        {
            refusal = "invalid_grant: PKCE verification failed";
        }
        else
        {
            _token.Enqueue(new TokenRequest(F("grant_type"), F("code"), F("redirect_uri"), F("code_verifier"), F("client_id"), F("client_secret"), 200, null));
            var claims = new Dictionary<string, object>
            {
                ["sub"] = "pairwise-" + Oid[..8],
                ["oid"] = Oid,
                ["name"] = Name,
                ["preferred_username"] = "zhangsan@example.cn",
                ["nonce"] = Fault == OidcFault.WrongNonce ? "not-the-nonce" : authorized.Nonce,
            };
            var idToken = Sign(
                claims,
                Fault == OidcFault.WrongAudience ? "someone-else" : ClientId,
                Fault == OidcFault.Expired ? DateTime.UtcNow.AddMinutes(-30) : null,
                Fault == OidcFault.OtherKey ? _otherKey : null);
            return Results.Json(new { token_type = "Bearer", expires_in = 3600, access_token = "opaque-" + Guid.NewGuid().ToString("N"), id_token = idToken });
        }

        _token.Enqueue(new TokenRequest(F("grant_type"), F("code"), F("redirect_uri"), F("code_verifier"), F("client_id"), F("client_secret"), 400, refusal));
        return Results.Json(new { error = refusal.Split(':')[0], error_description = refusal }, statusCode: 400);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Rsa.Dispose();
        _otherKey.Rsa.Dispose();
    }
}
