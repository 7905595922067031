using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;

namespace QualityAward.Functions.Hosting;

/// <summary>
/// What every bearer token (the API's and the pages' session) must also satisfy once its signature,
/// issuer, audience and lifetime have been checked, and what a refused caller is told.
/// <list type="bullet">
/// <item>No <c>crit</c> header: it lists extensions the recipient must understand (RFC 7515 §4.1.11),
/// and this app understands none, so such a token is refused rather than read without them.</item>
/// <item>A subject (<c>oid</c> or <c>sub</c>) that is not empty: every subject-less token would
/// otherwise be one and the same applicant.</item>
/// <item>The challenge says only <c>Bearer</c>, or <c>Bearer error="invalid_token"</c> for a token that
/// failed: never why (expired, which signature, which issuer), which would help a forger.</item>
/// </list>
/// </summary>
public static class TokenRules
{
    /// <summary>Why a token that passed validation is still refused (for the log), or null.</summary>
    public static string? Refusal(Microsoft.IdentityModel.Tokens.SecurityToken? token, System.Security.Claims.ClaimsPrincipal? principal)
    {
        if (token is JsonWebToken jwt && jwt.TryGetHeaderValue<object>("crit", out _))
        {
            return "the token has a crit header, whose extensions this app does not understand";
        }

        var subject = principal is null ? null : Caller.Subject(principal);
        if (string.IsNullOrWhiteSpace(subject) || subject.Length > 256 || subject.Any(char.IsControl))
        {
            return "the token has no usable subject (oid or sub)";
        }

        return null;
    }

    public static Task OnTokenValidated(TokenValidatedContext context)
    {
        if (Refusal(context.SecurityToken, context.Principal) is { } reason)
        {
            context.Fail(reason);
        }

        return Task.CompletedTask;
    }

    public static Task OnChallenge(JwtBearerChallengeContext context)
    {
        context.ErrorDescription = null;
        context.ErrorUri = null;
        context.Error = context.AuthenticateFailure is null ? null : "invalid_token";
        return Task.CompletedTask;
    }
}
