using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace QualityAward.Functions.Hosting;

/// <summary>
/// Where the data lives. Locally a connection string (Azurite); in Azure the table and blob service
/// URIs with the function app's managed identity (shared keys are off in production).
/// </summary>
public sealed partial class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";

    public string? ConnectionString { get; set; }

    public Uri? TableServiceUri { get; set; }

    public Uri? BlobServiceUri { get; set; }

    /// <summary>
    /// Prefix for every table and container name: lets several instances (tests) share one
    /// account. Lowercase letters and digits, starting with a letter.
    /// </summary>
    public string Prefix { get; set; } = string.Empty;

    /// <summary>Client id of a user-assigned managed identity, if the app uses one.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>
    /// True where the deployment made every table and container the app uses (infra/bicep declares
    /// each one, and the app settings it writes set this): the app then asks for no creation, at
    /// start or later, and a missing one is an error the readiness probe names. False (the default:
    /// local runs on Azurite, tests): the app creates them at start, off the request path.
    /// </summary>
    public bool CreatedByDeployment { get; set; }

    [GeneratedRegex("^([a-z][a-z0-9]{0,15})?$", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixPattern();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var hasUris = TableServiceUri is not null && BlobServiceUri is not null;
        if (string.IsNullOrWhiteSpace(ConnectionString) && !hasUris)
        {
            yield return new ValidationResult(
                "Storage is not configured: set Storage:ConnectionString (local, Azurite) or Storage:TableServiceUri and Storage:BlobServiceUri (Azure, managed identity).",
                [nameof(ConnectionString)]);
        }

        if (!PrefixPattern().IsMatch(Prefix))
        {
            yield return new ValidationResult("Storage:Prefix must be up to 16 lowercase letters and digits, starting with a letter.", [nameof(Prefix)]);
        }
    }
}

/// <summary>
/// Who signs the bearer tokens. In Azure: Microsoft Entra ID (authority and audience; the
/// authority host is configurable so Azure China works). Locally: a symmetric development key
/// that the <c>dev-token</c> command also uses.
/// </summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    public const string DevIssuer = "qualityaward-dev";

    public const string DevAudience = "qualityaward";

    /// <summary>e.g. https://login.microsoftonline.com/{tenant}/v2.0 or https://login.partner.microsoftonline.cn/{tenant}/v2.0.</summary>
    public string? Authority { get; set; }

    public string? Audience { get; set; }

    /// <summary>
    /// Base64 or plain text of at least 32 bytes. Set only for local runs and tests: its value is
    /// public (appsettings.Development.json), so anyone holding it signs in with any role. The app
    /// refuses to start with it outside <see cref="DevKeyAllowed"/>.
    /// </summary>
    public string? DevSigningKey { get; set; }

    /// <summary>The environment the tests run in; only the local host (tools/LocalHost, never deployed) accepts the development key there.</summary>
    public const string TestingEnvironment = "Testing";

    /// <summary>
    /// Whether the development key may be used: in Development (scripts/run.sh), and — on the local
    /// host only — in Testing (the tests). The isolated worker the Functions host runs in Azure
    /// accepts it in Development only, and the Functions host runs Production unless told otherwise.
    /// </summary>
    public static bool DevKeyAllowed(IHostEnvironment environment, bool localHost) =>
        environment.IsDevelopment() || (localHost && environment.IsEnvironment(TestingEnvironment));

    /// <summary>Section Auth:Web: sign-in for the zh-CN pages.</summary>
    public WebSignInOptions Web { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var result in Web.Validate(Authority))
        {
            yield return result;
        }

        var entra = !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(Audience);
        var dev = !string.IsNullOrWhiteSpace(DevSigningKey);
        if (!entra && !dev)
        {
            yield return new ValidationResult(
                "Authentication is not configured: set Auth:Authority and Auth:Audience (Microsoft Entra ID), or Auth:DevSigningKey for a local run.",
                [nameof(Authority)]);
        }

        if (dev && System.Text.Encoding.UTF8.GetByteCount(DevSigningKey!) < 32)
        {
            yield return new ValidationResult("Auth:DevSigningKey must be at least 32 bytes.", [nameof(DevSigningKey)]);
        }
    }
}

/// <summary>
/// Stops the app at start when <c>Auth:DevSigningKey</c> is set outside the environments where it
/// is allowed (<see cref="AuthOptions.DevKeyAllowed"/>), naming the setting: a production app that
/// accepted tokens signed with a key published in the repository would let anyone in as anyone.
/// </summary>
public sealed class DevKeyRule(IHostEnvironment environment, bool localHost) : Microsoft.Extensions.Options.IValidateOptions<AuthOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, AuthOptions options) =>
        string.IsNullOrWhiteSpace(options.DevSigningKey) || AuthOptions.DevKeyAllowed(environment, localHost)
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(
                $"Auth:DevSigningKey is set in the {environment.EnvironmentName} environment. The development token key is public, so an app that accepted it would let anyone sign in with any role; "
                + (localHost ? "it is accepted only in Development and, on the local host, Testing. " : "it is accepted only in Development. ")
                + "Remove Auth:DevSigningKey (app setting Auth__DevSigningKey) and configure Auth:Authority and Auth:Audience (Microsoft Entra ID).");
}

/// <summary>
/// Web sign-in for the zh-CN pages with Microsoft Entra ID (or Entra External ID) by OpenID Connect
/// (section <c>Auth:Web</c>; the authority is <c>Auth:Authority</c>). After the code flow the app
/// signs its own short-lived session token with <see cref="SessionKey"/> and keeps it in the
/// session cookie; only the page paths accept it. Unset: the pages have no Entra sign-in.
/// </summary>
public sealed class WebSignInOptions
{
    public const string Section = "Auth:Web";

    public string? ClientId { get; set; }

    /// <summary>The app registration's client secret (Key Vault in Azure).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// The https address people use (e.g. https://award.example.gov.cn). Behind the Functions host the
    /// app sees http on loopback, so the redirect URI is built from this, never from the request.
    /// Plain http only on a loopback host (a local run or a test).
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>Base64 of at least 32 random bytes (Key Vault in Azure): signs the session tokens and protects the sign-in state.</summary>
    public string? SessionKey { get; set; }

    /// <summary>How long a session lasts after signing in (5 minutes to 12 hours).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(2);

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(ClientId) || !string.IsNullOrWhiteSpace(ClientSecret) || PublicBaseUrl is not null || !string.IsNullOrWhiteSpace(SessionKey);

    /// <summary>Where the identity provider sends people back: <see cref="PublicBaseUrl"/> plus the callback path.</summary>
    public string CallbackUri => new Uri(PublicBaseUrl!, WebSignIn.CallbackPath).AbsoluteUri;

    /// <summary>The session key's bytes, or null when it is not base64 of at least 32 bytes.</summary>
    public byte[]? SessionKeyBytes()
    {
        if (string.IsNullOrWhiteSpace(SessionKey))
        {
            return null;
        }

        var buffer = new byte[SessionKey.Length];
        return Convert.TryFromBase64String(SessionKey.Trim(), buffer, out var written) && written >= 32 ? buffer[..written] : null;
    }

    public static bool IsLoopbackHttp(Uri uri) => uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback;

    /// <summary>Checked by <see cref="AuthOptions"/>, which holds this section and the authority.</summary>
    public IEnumerable<ValidationResult> Validate(string? authority)
    {
        if (!IsConfigured)
        {
            yield break;
        }

        if (SessionLifetime < TimeSpan.FromMinutes(5) || SessionLifetime > TimeSpan.FromHours(12))
        {
            yield return new ValidationResult("Auth:Web:SessionLifetime must be between 00:05:00 and 12:00:00.", [nameof(SessionLifetime)]);
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return new ValidationResult("Auth:Web:ClientId is required for web sign-in (the app registration's application (client) id).", [nameof(ClientId)]);
        }

        if (string.IsNullOrWhiteSpace(ClientSecret))
        {
            yield return new ValidationResult("Auth:Web:ClientSecret is required for web sign-in (the app registration's client secret, from Key Vault).", [nameof(ClientSecret)]);
        }

        if (PublicBaseUrl is null || !PublicBaseUrl.IsAbsoluteUri || !(PublicBaseUrl.Scheme == Uri.UriSchemeHttps || IsLoopbackHttp(PublicBaseUrl))
            || PublicBaseUrl.AbsolutePath != "/" || PublicBaseUrl.Query.Length > 0 || PublicBaseUrl.Fragment.Length > 0)
        {
            yield return new ValidationResult("Auth:Web:PublicBaseUrl must be the site's https address with no path (e.g. https://award.example.gov.cn); plain http only on a loopback host.", [nameof(PublicBaseUrl)]);
        }

        if (SessionKeyBytes() is null)
        {
            yield return new ValidationResult("Auth:Web:SessionKey must be base64 of at least 32 random bytes.", [nameof(SessionKey)]);
        }

        if (!Uri.TryCreate(authority, UriKind.Absolute, out var authorityUri) || !(authorityUri.Scheme == Uri.UriSchemeHttps || IsLoopbackHttp(authorityUri)))
        {
            yield return new ValidationResult("Web sign-in needs Auth:Authority, the https address of the Microsoft Entra tenant (e.g. https://login.microsoftonline.com/{tenant}/v2.0).", [nameof(ClientId)]);
        }
    }
}

/// <summary>
/// What applicants may upload: the largest file, and the types accepted (recognised by content).
/// <c>Documents:MaxBytes</c> defaults to 100 MB; <c>Documents:AllowedTypes</c> to pdf, png,
/// jpeg, docx and xlsx.
/// </summary>
public sealed class DocumentsOptions : IValidatableObject
{
    public const string Section = "Documents";

    public const long DefaultMaxBytes = 100L * 1024 * 1024;

    /// <summary>The largest file accepted, in bytes (at most 4 GiB: one upload request).</summary>
    [Range(1L, 4L * 1024 * 1024 * 1024)]
    public long MaxBytes { get; set; } = DefaultMaxBytes;

    /// <summary>
    /// Ids of the accepted types (see <see cref="Domain.Applications.FileTypes"/>). Null or empty
    /// means all of them: a configured list replaces the default instead of adding to it.
    /// </summary>
    public string[]? AllowedTypes { get; set; }

    /// <summary>How long a direct-upload (SAS) address stays usable.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "02:00:00")]
    public TimeSpan DirectUploadLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long after its address expires a direct upload may still be completed (a client that
    /// finished writing at the last second, clocks that differ a little). After that the grant is
    /// expired: completing it answers 410, and the UploadSweep timer deletes what was uploaded.
    /// </summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan DirectUploadGrace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long a swept grant is remembered, so that completing it answers "expired" (410) rather
    /// than "no such upload" (404); then its marker goes too.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan SweptUploadRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How many direct-upload addresses one applicant may hold at once (addresses not yet expired
    /// and not completed). Each address can write up to 5,000 MiB to storage whatever size was
    /// declared (a SAS cannot limit size; completion refuses a larger file), so this bounds what
    /// one account can park in the staging area before the sweep removes it.
    /// </summary>
    [Range(1, 1000)]
    public int MaxOpenDirectUploads { get; set; } = 10;

    /// <summary>The accepted types, resolved.</summary>
    public IReadOnlyList<Domain.Applications.FileType> Allowed =>
        AllowedTypes is { Length: > 0 } ids
            ? ids.Select(Domain.Applications.FileTypes.Find).OfType<Domain.Applications.FileType>().Distinct().ToList()
            : Domain.Applications.FileTypes.All;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var id in AllowedTypes ?? [])
        {
            if (Domain.Applications.FileTypes.Find(id) is null)
            {
                yield return new ValidationResult(
                    $"Documents:AllowedTypes lists '{id}', which is not a known type; use some of: {string.Join(", ", Domain.Applications.FileTypes.All.Select(t => t.Id))}.",
                    [nameof(AllowedTypes)]);
            }
        }
    }
}
