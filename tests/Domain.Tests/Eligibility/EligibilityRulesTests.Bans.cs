using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Tests.Eligibility;

public partial class EligibilityRulesTests
{
    private static ApplicantHistory Banned(BanReason reason, string startsOn, BanUnit unit, int length, string article) => new()
    {
        Bans =
        [
            new BanRecord
            {
                Reason = reason,
                StartsOn = DateOnly.Parse(startsOn, System.Globalization.CultureInfo.InvariantCulture),
                Unit = unit,
                Length = length,
                Article = article,
                Cause = reason == BanReason.FalseMaterials ? "提供虚假材料" : "撤销奖励",
            },
        ],
    };

    [Theory]
    // Changde §28 and Benxi §30: false materials bar the applicant for 5 years...
    [InlineData("changde", BanReason.FalseMaterials, "2021-04-16", BanUnit.Years, 5, "eligibility.banned")]
    // ...and the ban ends on its fifth anniversary.
    [InlineData("changde", BanReason.FalseMaterials, "2021-04-15", BanUnit.Years, 5, null)]
    // Benxi §30: the same 5 years for false materials.
    [InlineData("benxi", BanReason.FalseMaterials, "2023-09-01", BanUnit.Years, 5, "eligibility.banned")]
    // Weihai §29: fraud bars for 5 years after the revocation.
    [InlineData("weihai", BanReason.Fraud, "2022-06-01", BanUnit.Years, 5, "eligibility.banned")]
    // Benxi §31: fraud bars for 10 years from every quality award.
    [InlineData("benxi", BanReason.Fraud, "2017-01-01", BanUnit.Years, 10, "eligibility.banned")]
    // A permanent bar never ends.
    [InlineData("jinan", BanReason.Fraud, "2000-01-01", BanUnit.Permanent, 0, "eligibility.banned")]
    public void Check_AgainstABanInTheRegister(string policyId, BanReason reason, string startsOn, BanUnit unit, int length, string? refusal)
    {
        var report = Check(policyId, Banned(reason, startsOn, unit, length, "§28"));

        var because = $"{policyId} {reason} from {startsOn}";
        if (refusal is null)
        {
            Assert.True(report.Eligible, because);
        }
        else
        {
            AssertRefused(report, refusal, because);
            Assert.Contains("§28", report.Refusals[0].Zh);
        }
    }

    [Theory]
    // Xinzhou §26: revoked in late 2022, barred for 3 cycles: 2025, 2028, 2031.
    [InlineData("xinzhou-2025", "eligibility.banned")]
    // 2031 is the third edition after the ban: still barred.
    [InlineData("xinzhou-2031", "eligibility.banned")]
    public void Check_UnderXinzhou_ABanInCycles_CountsTheEditionsAfterIt(string currentCycle, string refusal)
    {
        var cycles = XinzhouCycles.Where(c => string.CompareOrdinal(c.CycleId, currentCycle) <= 0).ToList();
        var history = Banned(BanReason.Revocation, "2022-10-01", BanUnit.Cycles, 3, "§26") with { CityCycles = cycles };

        var report = Check("xinzhou", history, currentCycle, today: cycles[^1].OpensOn.AddDays(30));

        AssertRefused(report, refusal, currentCycle);
    }

    [Fact]
    public void Check_UnderXinzhou_TheFourthEditionAfterTheBan_IsOpenAgain()
    {
        var cycles = XinzhouCycles.Append(new CycleSummary("xinzhou-2034", new DateOnly(2034, 3, 1))).ToList();
        var history = Banned(BanReason.Revocation, "2022-10-01", BanUnit.Cycles, 3, "§26") with { CityCycles = cycles };

        var report = Check("xinzhou", history, "xinzhou-2034", today: new DateOnly(2034, 4, 1));

        Assert.True(report.Eligible, string.Join("; ", report.Refusals));
    }

    [Fact]
    public void Check_UnderXinzhou_ABanInCycles_CountsFromTheCycleAppliedFor_NotTheLatestListed()
    {
        // Xinzhou §26: 3 cycles from the revocation. The register lists every edition, a later one
        // included: applying to the third edition after the ban is still refused.
        var cycles = XinzhouCycles.Append(new CycleSummary("xinzhou-2034", new DateOnly(2034, 3, 1))).ToList();
        var history = Banned(BanReason.Revocation, "2022-10-01", BanUnit.Cycles, 3, "§26") with { CityCycles = cycles };

        var report = Check("xinzhou", history, "xinzhou-2031", today: new DateOnly(2031, 4, 1));

        AssertRefused(report, "eligibility.banned", "xinzhou-2031 is the third cycle after the ban");
        Assert.Contains("第3届", report.Refusals[0].Zh);
    }
}
