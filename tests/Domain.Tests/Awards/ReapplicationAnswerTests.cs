using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;
using static QualityAward.Domain.Tests.TestDates;

namespace QualityAward.Domain.Tests.Awards;

/// <summary>"May X apply in cycle Y; if not, why and from when" against the register.</summary>
public sealed class ReapplicationAnswerTests
{
    private static readonly CycleSummary[] BenxiCycles = [new("benxi-2026", D("2026-03-02")), new("benxi-2028", D("2028-03-01")), new("benxi-2030", D("2030-03-01"))];

    private static BanRecord Ban(BanReason reason, string startsOn, BanUnit unit, int length) =>
        new() { Reason = reason, StartsOn = D(startsOn), Unit = unit, Length = length, Article = "§30", Cause = "提供虚假材料" };

    [Theory]
    // Benxi §30: 5 years from 2026-04-10; the day before the fifth anniversary still barred...
    [InlineData("2031-04-09", false, "2031-04-10")]
    // ...and free on the anniversary itself.
    [InlineData("2031-04-10", true, null)]
    public void YearsBan_EndsOnItsAnniversary(string today, bool may, string? from)
    {
        var history = new ApplicantHistory { Bans = [Ban(BanReason.FalseMaterials, "2026-04-10", BanUnit.Years, 5)], CityCycles = BenxiCycles };

        var answer = ReapplicationAnswer.For(PolicyPresets.Get("benxi"), history, "benxi-2030", D(today));

        Assert.Equal(may, answer.May);
        Assert.Equal(from is null ? null : D(from), answer.MayApplyFrom);
    }

    [Theory]
    // Benxi §32: revoked 2027-09-01, barred from the next edition (2028)...
    [InlineData("benxi-2028", false, "2030-03-01")]
    // ...and back in the one after.
    [InlineData("benxi-2030", true, null)]
    public void CyclesBan_EndsWhenTheEditionAfterItOpens(string cycleId, bool may, string? from)
    {
        var history = new ApplicantHistory { Bans = [Ban(BanReason.Revocation, "2027-09-01", BanUnit.Cycles, 1)], CityCycles = BenxiCycles };

        var answer = ReapplicationAnswer.For(PolicyPresets.Get("benxi"), history, cycleId, D("2028-03-05"));

        Assert.Equal(may, answer.May);
        Assert.Equal(from is null ? null : D(from), answer.MayApplyFrom);
    }

    [Fact]
    public void JinanWinner_MayNeverApplyAgain_AndTheAnswerSaysSo()
    {
        var history = new ApplicantHistory { Awards = [new PastAward { CycleId = "jinan-2018", Tier = AwardTier.Award, AwardedOn = D("2019-01-10") }] };

        var answer = ReapplicationAnswer.For(PolicyPresets.Get("jinan"), history, "jinan-2020", D("2020-05-01"));

        Assert.False(answer.May);
        Assert.True(answer.Never);
        Assert.Null(answer.MayApplyFrom);
        Assert.Equal("eligibility.already-awarded", Assert.Single(answer.Reasons).Code);
    }

    [Fact]
    public void ChangdeWinner_SameModel_BarredSixYears_FromTheAnniversary()
    {
        var history = new ApplicantHistory { Awards = [new PastAward { CycleId = "changde-2020", Tier = AwardTier.Award, AwardedOn = D("2020-12-01") }] };

        var answer = ReapplicationAnswer.For(PolicyPresets.Get("changde"), history, "changde-2024", D("2024-05-01"));

        Assert.False(answer.May);
        Assert.Equal(D("2026-12-01"), answer.MayApplyFrom);
    }
}
