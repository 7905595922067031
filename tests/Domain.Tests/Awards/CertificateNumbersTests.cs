using QualityAward.Domain.Awards;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Tests.Awards;

/// <summary>Certificate numbers from the policy's patterns, and the public verification codes.</summary>
public class CertificateNumbersTests
{
    [Theory]
    // Weihai's pattern: the year, then the place padded to three digits.
    [InlineData("威质奖〔{year}〕第{seq:3}号", 2027, 1, "威质奖〔2027〕第001号")]
    // A place beyond the width is printed whole, never cut.
    [InlineData("威质奖〔{year}〕第{seq:3}号", 2027, 1234, "威质奖〔2027〕第1234号")]
    // {seq} without a width is not padded.
    [InlineData("{year}年度常质奖第{seq}号", 2026, 7, "2026年度常质奖第7号")]
    public void Format_FillsTheYearAndThePlace(string pattern, int year, int sequence, string number)
    {
        Assert.Equal(number, CertificateNumbers.Format(pattern, year, sequence));
    }

    [Theory]
    [InlineData("changde")]
    [InlineData("benxi")]
    [InlineData("jinan")]
    [InlineData("xinzhou")]
    [InlineData("weihai")]
    public void EveryPreset_NumbersEachTierWithAPatternOfItsOwn(string policyId)
    {
        var policy = PolicyPresets.Get(policyId);
        var rule = policy.Certificate!;

        Assert.Equal(policy.Tiers.Order(), rule.Tiers.Select(t => t.Tier).Order());
        Assert.All(rule.Tiers, t => Assert.Empty(CertificateNumbers.Problems(t.NumberPattern)));
        Assert.Equal(rule.Tiers.Count, rule.Tiers.Select(t => CertificateNumbers.Skeleton(t.NumberPattern)).Distinct().Count());
        Assert.All(rule.Tiers, t => Assert.StartsWith(policy.AwardName, t.Title, StringComparison.Ordinal));
    }

    [Theory]
    // The same number typed with ASCII brackets and without the zeros.
    [InlineData("威质奖[2027]第1号", true)]
    // Full-width digits and brackets, and spaces.
    [InlineData(" 威质奖（２０２７）第 001 号", true)]
    // Another place.
    [InlineData("威质奖〔2027〕第002号", false)]
    // Another year.
    [InlineData("威质奖〔2026〕第001号", false)]
    // Another award's fixed text.
    [InlineData("威质奖提名〔2027〕第001号", false)]
    public void SameNumber_ComparesTheFixedTextAndTheValues(string typed, bool same)
    {
        Assert.Equal(same, CertificateNumbers.SameNumber("威质奖〔2027〕第001号", typed));
    }

    [Theory]
    [InlineData("weihai-2027", AwardTier.Recognition, 1, "weihai-2027-r001")]
    [InlineData("changde-2026", AwardTier.Nomination, 12, "changde-2026-n012")]
    [InlineData("jinan-2026", AwardTier.Award, 1000, "jinan-2026-a1000")]
    public void Code_ReadsBackAsItsCycleTierAndPlace(string cycleId, AwardTier tier, int sequence, string code)
    {
        Assert.Equal(code, CertificateNumbers.Code(cycleId, tier, sequence));
        Assert.Equal((cycleId, tier, sequence), CertificateNumbers.ReadCode(code));
    }

    [Theory]
    [InlineData("")]
    [InlineData("weihai-2027")]
    [InlineData("weihai-2027-x001")]
    [InlineData("weihai-2027-r01")]
    [InlineData("Weihai-2027-r001")]
    [InlineData("../weihai-2027-r001")]
    [InlineData("威质奖〔2027〕第001号")]
    public void ReadCode_OfSomethingElse_IsNull(string text)
    {
        Assert.Null(CertificateNumbers.ReadCode(text));
    }

    [Fact]
    public void Assign_CountsEachTierFromOneInTheListsOrder()
    {
        // Changde §3 has awards and nominations; each counts on its own, so the patterns must differ.
        var policy = PolicyPresets.Get("changde");
        WinnerEntry[] winners =
        [
            new("app-o1", ApplicantCategory.Organisation, AwardTier.Award, false),
            new("app-n1", ApplicantCategory.Organisation, AwardTier.Nomination, false),
            new("app-p1", ApplicantCategory.Individual, AwardTier.Award, false),
        ];

        var entries = CertificateNumbers.Assign(policy, "changde-2026", 2026, winners);

        Assert.Equal(
            [
                ("app-o1", 1, "常质奖〔2026〕第001号", "changde-2026-a001"),
                ("app-p1", 2, "常质奖〔2026〕第002号", "changde-2026-a002"),
                ("app-n1", 1, "常质奖提名〔2026〕第001号", "changde-2026-n001"),
            ],
            entries.Select(e => (e.ApplicationId, e.Sequence, e.Number, e.VerificationCode)));
    }

    [Fact]
    public void Assign_UnderASchemaOnePolicyWithoutACertificateRule_NumbersNothing()
    {
        var policy = PolicyPresets.Get("weihai") with { SchemaVersion = 1, Certificate = null };

        Assert.Empty(CertificateNumbers.Assign(policy, "weihai-2026", 2026, [new("app-a", ApplicantCategory.Organisation, AwardTier.Recognition, false)]));
    }
}
