using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using QualityAward.Domain;

namespace QualityAward.Functions.Hosting;

/// <summary>
/// Sign-in for the zh-CN pages with Microsoft Entra ID by OpenID Connect (code flow with PKCE).
/// The OIDC handler only proves who the person is; the app then signs its own short-lived session
/// token (issuer <see cref="Issuer"/>, audience <see cref="Audience"/>) and keeps it in the session
/// cookie. The <see cref="SessionScheme"/> bearer handler accepts it, on the page paths only: it
/// never reads the Authorization header, and /api/* never reaches it.
/// </summary>
public static partial class WebSignIn
{
    /// <summary>The OpenID Connect handler: challenged by GET /signin/entra.</summary>
    public const string Scheme = "Entra";

    /// <summary>The bearer handler that reads the page session cookie.</summary>
    public const string SessionScheme = "WebSession";

    /// <summary>The default scheme: picks the session handler for the page paths, the API's bearer handler elsewhere.</summary>
    public const string CallerScheme = "Caller";

    public const string Issuer = "qualityaward-web";

    public const string Audience = "qualityaward-pages";

    public const string CallbackPath = "/signin/entra/callback";

    /// <summary>The key that signs session tokens, derived from the session key (which also protects the sign-in state).</summary>
    public static SymmetricSecurityKey TokenKey(byte[] sessionKey) =>
        new(HKDF.DeriveKey(HashAlgorithmName.SHA256, sessionKey, 32, info: Encoding.UTF8.GetBytes("qualityaward-web-session-token")));

    public static string MintSession(byte[] sessionKey, string subject, string? name, TimeSpan lifetime, DateTimeOffset now)
    {
        var claims = new List<Claim> { new("sub", subject), new(Caller.RolesClaim, Roles.Applicant) };
        if (!string.IsNullOrWhiteSpace(name))
        {
            claims.Add(new Claim(Caller.NameClaim, name));
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = now.UtcDateTime.AddMinutes(-1),
            IssuedAt = now.UtcDateTime,
            Expires = now.UtcDateTime.Add(lifetime),
            SigningCredentials = new SigningCredentials(TokenKey(sessionKey), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>
    /// Keys for the page session cookie, by issuer: a web session token only with the session key,
    /// a development token only with the development key. Nothing else validates.
    /// </summary>
    public static TokenValidationParameters SessionValidation(AuthOptions auth)
    {
        var web = auth.Web.IsConfigured ? auth.Web.SessionKeyBytes() : null;
        var dev = string.IsNullOrWhiteSpace(auth.DevSigningKey) ? null : DevTokens.Key(auth.DevSigningKey);
        var sessionKey = web is null ? null : TokenKey(web);
        return new TokenValidationParameters
        {
            ValidIssuers = [.. (web is null ? [] : new[] { Issuer }), .. (dev is null ? [] : new[] { AuthOptions.DevIssuer })],
            ValidAudiences = [.. (web is null ? [] : new[] { Audience }), .. (dev is null ? [] : new[] { AuthOptions.DevAudience })],
            IssuerSigningKeyResolver = (_, token, _, _) => token.Issuer switch
            {
                Issuer when sessionKey is not null => [sessionKey],
                AuthOptions.DevIssuer when dev is not null => [dev],
                _ => [],
            },
            RoleClaimType = Caller.RolesClaim,
            NameClaimType = Caller.NameClaim,
            ClockSkew = TimeSpan.FromMinutes(1),
        };
    }

    public static void Configure(OpenIdConnectOptions o, AuthOptions auth)
    {
        var web = auth.Web;
        var authority = new Uri(auth.Authority!);
        o.Authority = auth.Authority;
        // A local run or a test may use a loopback identity provider over http; anything else is https.
        o.RequireHttpsMetadata = !WebSignInOptions.IsLoopbackHttp(authority);
        o.ClientId = web.ClientId;
        o.ClientSecret = web.ClientSecret;
        o.ResponseType = OpenIdConnectResponseType.Code;
        // The provider redirects back with a GET (no cross-site form post), so the correlation and
        // nonce cookies can be SameSite=Lax; PKCE protects the code in the address.
        o.ResponseMode = OpenIdConnectResponseMode.Query;
        o.UsePkce = true;
        o.CallbackPath = CallbackPath;
        o.MapInboundClaims = false;
        o.SaveTokens = false;
        o.GetClaimsFromUserInfoEndpoint = false;
        o.Scope.Clear();
        o.Scope.Add("openid");
        o.Scope.Add("profile");
        o.TokenValidationParameters.NameClaimType = Caller.NameClaim;
        // Tokens are checked against the wall clock, not the workflow's clock (which tests move).
        o.TimeProvider = TimeProvider.System;

        // The state and nonce are protected with the session key, which every instance of the app
        // reads from Key Vault: a callback may reach another instance than the one that challenged.
        o.DataProtectionProvider = new SessionKeyProtection(web.SessionKeyBytes()!, "qualityaward-web-oidc");

        // Secure cookies when people use https; plain http is only valid for a loopback address.
        var secure = web.PublicBaseUrl!.Scheme == Uri.UriSchemeHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        o.CorrelationCookie.SameSite = SameSiteMode.Lax;
        o.CorrelationCookie.SecurePolicy = secure;
        o.NonceCookie.SameSite = SameSiteMode.Lax;
        o.NonceCookie.SecurePolicy = secure;

        var callback = web.CallbackUri;
        o.Events = new OpenIdConnectEvents
        {
            // Behind the Functions host the request is http on loopback: the address people come
            // back to is the configured public one.
            OnRedirectToIdentityProvider = ctx =>
            {
                ctx.ProtocolMessage.RedirectUri = callback;
                return Task.CompletedTask;
            },
            // Not OnTokenValidated: the handler checks the nonce (and the rest of the token
            // response) only after that event, so a session minted there would skip those checks.
            // A ticket is received once every check has passed; the app's own session replaces the
            // sign-in scheme the handler would otherwise call.
            OnTicketReceived = async ctx =>
            {
                ctx.HandleResponse();
                var user = ctx.Principal!;
                // The same subject the API takes from an Entra token (Caller.Subject): one person is
                // one applicant, on the pages and through the API.
                var id = user.FindFirst("oid")?.Value ?? user.FindFirst("sub")?.Value;
                if (string.IsNullOrWhiteSpace(id) || id.Length > 128 || id.Any(char.IsControl))
                {
                    Log.SignInFailed(Logger(ctx.HttpContext), "the id_token has no usable oid or sub");
                    await FailedAsync(ctx.HttpContext);
                    return;
                }

                var name = user.FindFirst(Caller.NameClaim)?.Value ?? user.FindFirst("preferred_username")?.Value;
                if (name is { Length: > 100 })
                {
                    name = name[..100];
                }

                var token = MintSession(web.SessionKeyBytes()!, id, name, web.SessionLifetime, TimeProvider.System.GetUtcNow());
                WebSession.SignIn(ctx.HttpContext, token, web.SessionLifetime);
                Log.SignedIn(Logger(ctx.HttpContext), id);
                ctx.Response.Redirect("/apply");
            },
            OnRemoteFailure = async ctx =>
            {
                Log.SignInFailed(Logger(ctx.HttpContext), ctx.Failure?.Message ?? "unknown");
                ctx.HandleResponse();
                await FailedAsync(ctx.HttpContext);
            },
        };
    }

    private static Task FailedAsync(HttpContext http) => Html.Page("登录未完成", """
        <h1>登录未完成</h1>
        <p class="error" role="alert">统一身份认证未能完成（登录已取消、已超时或认证信息无效）。请重新登录。</p>
        <p><a href="/signin">返回登录</a></p>
        """, StatusCodes.Status400BadRequest).ExecuteAsync(http);

    private static ILogger Logger(HttpContext http) => http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("QualityAward.WebSignIn");

    private static partial class Log
    {
        [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Web sign-in for {Subject}")]
        public static partial void SignedIn(ILogger logger, string subject);

        [LoggerMessage(EventId = 9102, Level = LogLevel.Warning, Message = "Web sign-in failed: {Reason}")]
        public static partial void SignInFailed(ILogger logger, string reason);
    }
}

/// <summary>
/// Data protection for the OpenID Connect state and nonce from the configured session key
/// (AES-GCM, a key per purpose by HKDF), so every instance of the app can read what another wrote
/// without a shared key ring (see docs/decisions/0011).
/// </summary>
public sealed class SessionKeyProtection(byte[] sessionKey, string purposes) : IDataProtector
{
    private const int NonceBytes = 12, TagBytes = 16;

    private readonly byte[] _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, sessionKey, 32, info: Encoding.UTF8.GetBytes(purposes));

    /// <summary>A protector for a sub-purpose: its own key, derived from the chain of purposes.</summary>
    public IDataProtector CreateProtector(string purpose) => new SessionKeyProtection(sessionKey, purposes + "\n" + purpose);

    public byte[] Protect(byte[] plaintext)
    {
        var output = new byte[NonceBytes + plaintext.Length + TagBytes];
        var nonce = output.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceBytes, plaintext.Length), output.AsSpan(NonceBytes + plaintext.Length));
        return output;
    }

    public byte[] Unprotect(byte[] protectedData)
    {
        if (protectedData.Length < NonceBytes + TagBytes)
        {
            throw new CryptographicException("The protected data is too short.");
        }

        var length = protectedData.Length - NonceBytes - TagBytes;
        var plaintext = new byte[length];
        using var aes = new AesGcm(_key, TagBytes);
        aes.Decrypt(protectedData.AsSpan(0, NonceBytes), protectedData.AsSpan(NonceBytes, length), protectedData.AsSpan(NonceBytes + length), plaintext);
        return plaintext;
    }
}
