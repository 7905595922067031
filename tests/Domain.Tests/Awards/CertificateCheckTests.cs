using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Awards;

/// <summary>The public check of a certificate: valid, expired or revoked, from the three streams' events.</summary>
public class CertificateCheckTests
{
    /// <summary>An award of the preset's first tier, announced with the number the announcement gave it.</summary>
    private static ApplicationBuilder Awarded(string policyId)
    {
        var policy = PolicyPresets.Get(policyId);
        var tier = policy.Tiers[0];
        var cycleId = CycleId.For(policyId, 2026).Value;
        var certificates = CertificateNumbers.Assign(policy, cycleId, 2026, [new(ApplicationBuilder.Id, ApplicantCategory.Organisation, tier, false)]);
        var cycle = CycleBuilder.Opened(policyId).With(new AwardsAnnounced(ApplicationBuilder.AnnouncementReference, Dates.AwardedOn, [new(ApplicationBuilder.Id, ApplicantCategory.Organisation, tier, false)], certificates, Dates.Awarding));
        return ApplicationBuilder.In(cycle).Awarded();
    }

    private static CertificateAnswer Check(ApplicationBuilder given, DateOnly today, HolderState? holder = null) =>
        CertificateCheck.Answer(given.Cycle.State, given.State, holder ?? HolderState.Initial, today)
        ?? throw new Xunit.Sdk.XunitException("the certificate was not found");

    [Fact]
    public void Answer_ForAStandingAward_IsValid_WithWhatTheCertificateSays()
    {
        // Weihai sets no validity: the title stands until revoked.
        var given = Awarded("weihai");

        var answer = Check(given, Dates.AwardedOn.AddYears(10));

        Assert.Equal(CertificateStatus.Valid, answer.Status);
        Assert.Equal(("威质奖〔2026〕第001号", "weihai-2026-r001"), (answer.Number, answer.VerificationCode));
        Assert.Equal((given.Form.Name, "威海市市长质量奖", AwardTier.Recognition, 2026, "威海市人民政府"), (answer.Holder, answer.TierTitle, answer.Tier, answer.Year, answer.IssuedBy));
        Assert.Equal((Dates.AwardedOn, ApplicationBuilder.AnnouncementReference), (answer.AwardedOn, answer.AnnouncementReference));
        Assert.Null(answer.ValidThrough);
    }

    [Theory]
    // Benxi §4: valid for 5 years: the last day before the fifth anniversary is still valid ...
    [InlineData(-1, CertificateStatus.Valid)]
    // ... the anniversary itself is not, even before the validity timer has recorded it.
    [InlineData(0, CertificateStatus.Expired)]
    public void Answer_UnderBenxi_ExpiresOnTheFifthAnniversary(int daysFromAnniversary, CertificateStatus status)
    {
        var given = Awarded("benxi");
        var anniversary = Dates.AwardedOn.AddYears(5);

        var answer = Check(given, anniversary.AddDays(daysFromAnniversary));

        Assert.Equal(status, answer.Status);
        Assert.Equal(anniversary.AddDays(-1), answer.ValidThrough);
        Assert.Equal("本质奖〔2026〕第001号", answer.Number);
    }

    [Fact]
    public void Answer_WhenTheHoldersStreamRecordedTheEndOfValidity_IsExpired()
    {
        var given = Awarded("benxi");
        var holder = HolderState.Evolve(HolderState.Initial, new AwardValidityEnded(ApplicationBuilder.Id, Dates.AwardedOn.AddYears(5), Dates.Awarding.AddYears(5)));

        Assert.Equal(CertificateStatus.Expired, Check(given, Dates.AwardedOn.AddYears(5), holder).Status);
    }

    [Fact]
    public void Answer_ForARevokedAward_IsRevoked_WithTheDecisionsDateAndReference()
    {
        // Weihai §27: the city government revokes; the certificate keeps its number and says so.
        var given = Awarded("weihai");
        var revokedOn = new DateOnly(2028, 3, 1);
        given.Do(new RevokeAward("u02-incident", "重大质量事故经查证属实", revokedOn, "威政字〔2028〕3号"), Actors.Office, Dates.At(revokedOn));

        var answer = Check(given, revokedOn.AddDays(1));

        Assert.Equal(CertificateStatus.Revoked, answer.Status);
        Assert.Equal((revokedOn, "威政字〔2028〕3号"), (answer.RevokedOn, answer.RevocationReference));
        Assert.Equal("威质奖〔2026〕第001号", answer.Number);
    }

    [Fact]
    public void Answer_ForAnAwardItsAnnouncementDidNotNumber_IsNothing()
    {
        // Awarded without the cycle's announcement numbering it (an announcement before schema 2).
        var given = ApplicationBuilder.Under("weihai").Awarded();

        Assert.Null(CertificateCheck.Answer(given.Cycle.State, given.State, HolderState.Initial, Dates.AwardedOn));
    }
}
