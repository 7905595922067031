using System.ComponentModel.DataAnnotations;

namespace QualityAward.Functions.Review;

/// <summary>
/// <c>Certificates:PublicBaseUrl</c>: the public address the certificates' QR codes link to,
/// <c>{PublicBaseUrl}/verify/{code}</c>. It must be where the public verification page is served
/// (the same site as <c>Auth:Web:PublicBaseUrl</c> in a usual deployment). Bind it with
/// <c>ValidateOnStart</c> (its generated validator, <c>CertificateOptionsValidator</c>): a certificate printed with a wrong
/// address cannot be taken back, so a missing or malformed one stops the app.
/// </summary>
public sealed class CertificateOptions : IValidatableObject
{
    public const string Section = "Certificates";

    public Uri? PublicBaseUrl { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PublicBaseUrl is null || !PublicBaseUrl.IsAbsoluteUri
            || !(PublicBaseUrl.Scheme == Uri.UriSchemeHttps || (PublicBaseUrl.Scheme == Uri.UriSchemeHttp && PublicBaseUrl.IsLoopback))
            || PublicBaseUrl.Query.Length > 0 || PublicBaseUrl.Fragment.Length > 0)
        {
            yield return new ValidationResult(
                "Certificates:PublicBaseUrl must be the public https address of the verification page's site (e.g. https://award.example.gov.cn): the certificates' QR codes link to {PublicBaseUrl}/verify/{code}. Plain http only on a loopback host.",
                [nameof(PublicBaseUrl)]);
        }
    }
}
