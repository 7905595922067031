using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Eligibility;

/// <summary>
/// Re-application and bans against the award register, per regulation. Every check is on the
/// submission day of <see cref="Dates.SubmittedOn"/> (2026-04-15) unless a row says otherwise.
/// </summary>
public partial class EligibilityRulesTests
{
    private static readonly DateOnly Today = Dates.SubmittedOn;

    private static EligibilityReport Check(string policyId, ApplicantHistory history, string? cycleId = null, ApplicantCategory category = ApplicantCategory.Organisation, Func<Domain.Applications.ApplicationForm, Domain.Applications.ApplicationForm>? form = null, DateOnly? today = null)
    {
        var policy = PolicyPresets.Get(policyId);
        var valid = Forms.Valid(policy, category);
        return EligibilityRules.Check(policy, category, form is null ? valid : form(valid), history, cycleId ?? $"{policyId}-2026", today ?? Today);
    }

    private static ApplicantHistory Won(AwardTier tier, DateOnly on, string cycleId = "past-cycle", bool revoked = false, string? model = null) =>
        new() { Awards = [new PastAward { CycleId = cycleId, Tier = tier, AwardedOn = on, Revoked = revoked, QualityModel = model }] };

    private static void AssertRefused(EligibilityReport report, string code, string because)
    {
        Assert.False(report.Eligible, because);
        var refusal = Assert.Single(report.Refusals);
        Assert.Equal(code, refusal.Code);
        Assert.Equal(RefusalKind.Rule, refusal.Kind);
        Assert.False(string.IsNullOrWhiteSpace(refusal.Zh));
    }

    private static void AssertEligible(EligibilityReport report, string because, string? flag = null)
    {
        Assert.True(report.Eligible, $"{because}: {string.Join("; ", report.Refusals)}");
        var flags = report.Flags.Select(f => f.Code).Where(c => c != "eligibility.registration-area");
        Assert.Equal(flag is null ? [] : [flag], flags);
    }

    [Fact]
    public void Check_ACategoryThePolicyDoesNotTake_IsRefused()
    {
        // Benxi §2: organisations only.
        var report = Check("benxi", ApplicantHistory.Empty, category: ApplicantCategory.Individual);

        AssertRefused(report, "eligibility.category", "Benxi takes organisations only");
    }

    [Theory]
    // Jinan §6 and Weihai §6: never again after winning, however long ago.
    [InlineData("jinan", AwardTier.Award, "2010-01-01", false, "eligibility.already-awarded")]
    // Weihai §6: the same for a recognition.
    [InlineData("weihai", AwardTier.Recognition, "2019-12-01", false, "eligibility.already-awarded")]
    // A revoked award is no longer an award held (its own ban, if any, is in the ban register).
    [InlineData("jinan", AwardTier.Award, "2010-01-01", true, null)]
    // Jinan bars award holders only; a nominee may apply.
    [InlineData("jinan", AwardTier.Nomination, "2024-01-01", false, null)]
    // Benxi §12: 5 years after the award, on the anniversary...
    [InlineData("benxi", AwardTier.Award, "2021-04-15", false, null)]
    // ...and not a day earlier.
    [InlineData("benxi", AwardTier.Award, "2021-04-16", false, "eligibility.reapplication-too-soon")]
    // Changde §10: 6 years for the award tier (with the same quality model).
    [InlineData("changde", AwardTier.Award, "2020-04-16", false, "eligibility.reapplication-too-soon")]
    // On the sixth anniversary the same model may apply again.
    [InlineData("changde", AwardTier.Award, "2020-04-15", false, null)]
    // Changde §10 (不含市长质量奖提名奖): nominees are not barred.
    [InlineData("changde", AwardTier.Nomination, "2025-12-01", false, null)]
    public void Check_AgainstAPastAward_AppliesThePolicysReapplicationRule(string policyId, AwardTier tier, string awardedOn, bool revoked, string? refusal)
    {
        var report = Check(policyId, Won(tier, DateOnly.Parse(awardedOn, System.Globalization.CultureInfo.InvariantCulture), revoked: revoked));

        var because = $"{policyId} {tier} won {awardedOn}";
        if (refusal is null)
        {
            Assert.True(report.Eligible, because);
        }
        else
        {
            AssertRefused(report, refusal, because);
        }
    }

    [Fact]
    public void Check_UnderChangde_WithinSixYears_WithADeclaredDifferentModel_IsFlaggedNotRefused()
    {
        // Changde §10 bars the same model only: a different one is the office's to verify.
        var report = Check("changde", Won(AwardTier.Award, new DateOnly(2022, 12, 1), model: "精益六西格玛"), form: f => f with { DeclaresDifferentModel = true, QualityModel = "数字化质量管控" });

        AssertEligible(report, "a different model is declared", "eligibility.different-model-declared");
        Assert.Contains("精益六西格玛", report.Flags.Single(f => f.Code == "eligibility.different-model-declared").Zh);
    }

    [Fact]
    public void Check_UnderBenxi_AFormerNominee_MayApply_ButIsFlagged()
    {
        // Benxi §12: 获得提名奖的组织可继续申报市长质量奖，不再重复授予提名奖.
        var report = Check("benxi", Won(AwardTier.Nomination, new DateOnly(2024, 12, 1)));

        AssertEligible(report, "a nominee may apply", "eligibility.former-nominee");
    }

    [Fact]
    public void Check_TheCycleOfThePastAwardItself_IsNotAReapplication()
    {
        // The award of this very cycle (recorded while the application is still being decided) does not bar it.
        var report = Check("weihai", Won(AwardTier.Recognition, new DateOnly(2026, 12, 20), cycleId: "weihai-2026"));

        Assert.True(report.Eligible);
    }

    private static readonly IReadOnlyList<CycleSummary> XinzhouCycles =
    [
        new("xinzhou-2019", new DateOnly(2019, 3, 1)),
        new("xinzhou-2022", new DateOnly(2022, 3, 1)),
        new("xinzhou-2025", new DateOnly(2025, 3, 1)),
        new("xinzhou-2028", new DateOnly(2028, 3, 1)),
        new("xinzhou-2031", new DateOnly(2031, 3, 1)),
    ];

    [Theory]
    // Xinzhou §11: won in the 2019 edition; 2022 is the first cycle after it...
    [InlineData("xinzhou-2022", AwardTier.Award, "eligibility.reapplication-too-soon")]
    // ...2025 the second: still barred...
    [InlineData("xinzhou-2025", AwardTier.Award, "eligibility.reapplication-too-soon")]
    // ...2028 the third: free again.
    [InlineData("xinzhou-2028", AwardTier.Award, null)]
    // Nominees may apply for the award at once (§11).
    [InlineData("xinzhou-2022", AwardTier.Nomination, null)]
    public void Check_UnderXinzhou_CountsTheNextTwoCycles(string cycleId, AwardTier tier, string? refusal)
    {
        var history = Won(tier, new DateOnly(2019, 12, 1), cycleId: "xinzhou-2019") with { CityCycles = XinzhouCycles };

        var report = Check("xinzhou", history, cycleId, today: XinzhouCycles.Single(c => c.CycleId == cycleId).OpensOn.AddDays(30));

        if (refusal is null)
        {
            Assert.True(report.Eligible, cycleId);
        }
        else
        {
            AssertRefused(report, refusal, cycleId);
        }
    }
}
