using QualityAward.Domain.Applications;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Awards;

/// <summary>What the public check of a certificate says about it.</summary>
public enum CertificateStatus
{
    /// <summary>有效: the title stands.</summary>
    Valid,

    /// <summary>已过有效期: the policy's validity has run out (Benxi §4: 5 years).</summary>
    Expired,

    /// <summary>已撤销: the award was revoked (its decision's reference is given).</summary>
    Revoked,

    /// <summary>演练样张: a rehearsal's certificate, for training; never a title.</summary>
    Rehearsal,
}

/// <summary>One certificate as the public check shows it: nothing beyond what the register publishes.</summary>
public sealed record CertificateAnswer(
    string Number,
    string VerificationCode,
    CertificateStatus Status,
    string Holder,
    ApplicantCategory Category,
    string AwardName,
    AwardTier Tier,
    string TierTitle,
    int Year,
    string IssuedBy,
    DateOnly AwardedOn,
    string AnnouncementReference,
    DateOnly? ValidThrough,
    DateOnly? RevokedOn,
    string? RevocationReference);

/// <summary>
/// The public check of a certificate (证书查验), from the stored events: the cycle's announcement
/// gave the number, the application holds the award and any revocation, the holder's stream says
/// when its validity ended. Pure; the host loads the three streams.
/// </summary>
public static class CertificateCheck
{
    /// <summary>
    /// The certificate of <paramref name="app"/>, or null when its cycle's announcement gave it no
    /// number or the award is not (yet) recorded on the application.
    /// </summary>
    public static CertificateAnswer? Answer(CycleState cycle, ApplicationState app, HolderState holder, DateOnly today)
    {
        var entry = cycle.Announcement?.Certificates.FirstOrDefault(c => c.ApplicationId == app.ApplicationId);
        if (entry is null || app.Award is not { } award || award.CertificateNumber != entry.Number)
        {
            return null;
        }

        var policy = cycle.Policy;
        DateOnly? validUntil = policy.AfterAward.ValidityYears is { } years ? award.AwardedOn.AddYears(years) : null;
        var status = cycle.Rehearsal
            ? CertificateStatus.Rehearsal
            : app.Revocation is not null
            ? CertificateStatus.Revoked
            : holder.ValidityEnded.Contains(app.ApplicationId) || (validUntil is { } until && today >= until)
                ? CertificateStatus.Expired
                : CertificateStatus.Valid;
        return new CertificateAnswer(
            entry.Number,
            entry.VerificationCode,
            status,
            app.Form.Name ?? string.Empty,
            app.Category,
            policy.AwardName,
            award.Tier,
            policy.Certificate?.For(award.Tier)?.Title ?? policy.AwardName,
            award.Year,
            policy.Certificate?.IssuedBy ?? policy.City.Name + "人民政府",
            award.AwardedOn,
            award.AnnouncementReference,
            validUntil?.AddDays(-1),
            app.Revocation?.RevokedOn,
            app.Revocation?.DecisionReference);
    }
}
