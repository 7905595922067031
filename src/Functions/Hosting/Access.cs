namespace QualityAward.Functions.Hosting;

/// <summary>
/// Who may call an HTTP function. Every HTTP function declares exactly one (a test fails
/// otherwise), and <see cref="FunctionGate"/> enforces it for all of them, in the Functions host
/// and in the local host alike.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public abstract class AccessAttribute : Attribute
{
    /// <summary>How the access matrix and the OpenAPI document describe it.</summary>
    public abstract string Describe();
}

/// <summary>A caller signed in with a bearer token that holds one of these roles.</summary>
public sealed class AllowAttribute : AccessAttribute
{
    public AllowAttribute(params string[] roles)
    {
        if (roles.Length == 0)
        {
            throw new ArgumentException("Name at least one role; use [SignedIn] for any signed-in caller.", nameof(roles));
        }

        Roles = roles;
    }

    public IReadOnlyList<string> Roles { get; }

    public override string Describe() => "roles: " + string.Join(", ", Roles);
}

/// <summary>Any caller signed in with a bearer token; the function decides what it may see.</summary>
public sealed class SignedInAttribute : AccessAttribute
{
    public override string Describe() => "any signed-in caller";
}

/// <summary>
/// The zh-CN pages of a signed-in applicant (the page session cookie, Entra ID or a local
/// development sign-in). Without a session a GET is sent to <c>/signin</c>; a form post without
/// one, or from another site, is refused with a page.
/// </summary>
public sealed class ApplicantPageAttribute : AccessAttribute
{
    public override string Describe() => "applicant page session";
}

/// <summary>
/// Anyone, signed in or not: the public notices and register, objections and reports, the
/// departments' signed reply links (the link is the credential), sign-in, health, the API reference.
/// </summary>
public sealed class PublicAttribute : AccessAttribute
{
    public override string Describe() => "public";
}

/// <summary>The function is rate-limited by the named policy of <see cref="RateLimits"/>.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class RateLimitedAttribute(string policy) : Attribute
{
    public string Policy { get; } = policy;
}
