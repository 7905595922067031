using QualityAward.Domain.Awards;
using QualityAward.Functions.Hosting;

using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Awards;

/// <summary>
/// The public check of a certificate (证书查验): the page its QR code opens, the same page for a
/// number typed by hand, and the answer as JSON. Anyone may ask; nothing is written. Lookups are
/// counted per address like receipt lookups, so the register cannot be walked by brute force faster
/// than it is published anyway.
/// </summary>
public sealed class CertificateFunctions(CertificateVerifier verifier, ReadModels readModels)
{
    private const string Tag = "Public";

    [Function("ShowCertificateCheck")]
    [Public]
    [RateLimited(RateLimitGate.ReceiptLookups)]
    [Api("Pages", "The page a certificate's QR code opens: whether the certificate is valid, expired or revoked (zh-CN).", Produces = "text/html")]
    public async Task<IResult> ShowCertificateCheck([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "verify/{code}")] HttpRequest req, string code, CancellationToken ct) =>
        Page(code, await verifier.VerifyAsync(code, ct), await Html.SiteAsync(readModels, ct));

    [Function("ShowCertificateLookup")]
    [Public]
    [RateLimited(RateLimitGate.ReceiptLookups)]
    [Api("Pages", "The public check by a number typed by hand (?q=威质奖〔2027〕第001号 or a verification code), or its empty form (zh-CN).", Produces = "text/html", Query = ["q"])]
    public async Task<IResult> ShowCertificateLookup([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "verify")] HttpRequest req, CancellationToken ct)
    {
        var query = req.QueryValue("q");
        return Page(query, query is null ? null : await verifier.VerifyAsync(query, ct), await Html.SiteAsync(readModels, ct));
    }

    [Function("GetCertificateStatus")]
    [Public]
    [RateLimited(RateLimitGate.ReceiptLookups)]
    [Api(Tag, "A certificate's public check as JSON: valid, expired or revoked, with the holder, award, tier, year, issuing body and validity.", Returns = typeof(CertificateAnswer))]
    [Refuses(404, "certificate.not-found")]
    public async Task<IResult> GetCertificateStatus([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/public/certificates/{code}")] HttpRequest req, string code, CancellationToken ct) =>
        await verifier.VerifyAsync(code, ct) is { } answer
            ? Results.Ok(answer)
            : Problems.For(req.HttpContext, QualityAward.Domain.Refusal.NotFound("certificate.not-found", "未查到该证书，请核对证书编号或验证码。", "No certificate with that number or code."));

    private static IResult Page(string? query, CertificateAnswer? answer, string? site)
    {
        var page = CertificateVerificationPage.For(query, answer);
        return Html.Page(page.Title, page.Body, page.Status, answer?.AwardName ?? site);
    }
}
