using System.Text.Json;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Tests.Eligibility;

/// <summary>
/// The register lists the city's editions only for an applicant with a past award or a ban
/// (<see cref="ApplicantHistory.CountsEditions"/>): without either, no rule of any preset reads them.
/// </summary>
public partial class EligibilityRulesTests
{
    public static TheoryData<string, ApplicantCategory> PresetsAndCategories()
    {
        var data = new TheoryData<string, ApplicantCategory>();
        foreach (var id in PolicyPresets.Ids)
        {
            foreach (var category in PolicyPresets.Get(id).Categories.Distinct())
            {
                data.Add(id, category);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PresetsAndCategories))]
    public void WithoutAnAwardOrABan_TheCitysEditionsChangeNoAnswer(string policyId, ApplicantCategory category)
    {
        var editions = new[] { 2019, 2021, 2023, 2025, 2026 }.Select(y => new CycleSummary($"{policyId}-{y}", new DateOnly(y, 3, 1))).ToList();
        var without = ApplicantHistory.Empty;
        var with = without with { CityCycles = editions };
        var policy = PolicyPresets.Get(policyId);

        Assert.False(with.CountsEditions);
        Assert.Equal(Json(Check(policyId, without, category: category)), Json(Check(policyId, with, category: category)));
        Assert.Equal(Json(ReapplicationAnswer.For(policy, without, $"{policyId}-2026", Today)), Json(ReapplicationAnswer.For(policy, with, $"{policyId}-2026", Today)));
    }

    [Fact]
    public void AnAwardOrABan_CountsEditions()
    {
        Assert.True(Won(AwardTier.Award, new DateOnly(2020, 12, 1)).CountsEditions);
        Assert.True(Banned(BanReason.Revocation, "2022-10-01", BanUnit.Cycles, 3, "§26").CountsEditions);
    }

    private static string Json(object value) => JsonSerializer.Serialize(value);
}
