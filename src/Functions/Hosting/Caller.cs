using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using QualityAward.Domain;

namespace QualityAward.Functions.Hosting;

/// <summary>
/// The signed-in person as the domain sees them. In Microsoft Entra ID the stable subject is the
/// object id (<c>oid</c>); locally it is <c>sub</c>. Roles come from the <c>roles</c> claim (app
/// roles); a recommender's body (district or department id) from <c>affil</c>.
/// </summary>
public static class Caller
{
    public const string RolesClaim = "roles";
    public const string AffiliationClaim = "affil";
    public const string NameClaim = "name";

    public static string? Subject(ClaimsPrincipal user) =>
        user.FindFirst("oid")?.Value ?? user.FindFirst("sub")?.Value;

    public static bool Has(ClaimsPrincipal user, string role) => user.IsInRole(role);

    /// <summary>The actor for a command done in a role the endpoint requires.</summary>
    public static Actor As(ClaimsPrincipal user, string role) => new(
        Subject(user) ?? throw new InvalidOperationException("An authenticated caller without a subject: the token validation is misconfigured."),
        role,
        user.FindFirst(NameClaim)?.Value,
        user.FindFirst(AffiliationClaim)?.Value);
}

/// <summary>Development tokens, signed with the local key. Never used when Entra ID is configured.</summary>
public static class DevTokens
{
    public static SymmetricSecurityKey Key(string signingKey) => new(Encoding.UTF8.GetBytes(signingKey));

    public static string Mint(string signingKey, string subject, IEnumerable<string> roles, string? name, string? affiliation, TimeSpan lifetime, DateTimeOffset now)
    {
        var claims = new List<Claim> { new("sub", subject) };
        claims.AddRange(roles.Select(r => new Claim(Caller.RolesClaim, r)));
        if (name is not null)
        {
            claims.Add(new Claim(Caller.NameClaim, name));
        }

        if (affiliation is not null)
        {
            claims.Add(new Claim(Caller.AffiliationClaim, affiliation));
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = AuthOptions.DevIssuer,
            Audience = AuthOptions.DevAudience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = now.UtcDateTime.AddMinutes(-1),
            IssuedAt = now.UtcDateTime,
            Expires = now.UtcDateTime.Add(lifetime),
            SigningCredentials = new SigningCredentials(Key(signingKey), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
