using QualityAward.Domain.Awards;
using QualityAward.Domain.Policies;
using static QualityAward.Domain.Tests.TestDates;

namespace QualityAward.Domain.Tests.Awards;

/// <summary>What falls due for an award conferred on 2026-06-30, by the day it is asked.</summary>
public sealed class HolderDutiesTests
{
    private const string AppId = "app-0001";

    private static HeldAward Award(string policyId, bool revoked = false) =>
        new(AppId, PolicyPresets.Get(policyId), "owner-1", ApplicantCategory.Organisation, PolicyPresets.Get(policyId).Tiers[0], D("2026-06-30"), revoked, 0, 0);

    private static string[] Due(string policyId, string today, bool revoked = false) =>
        HolderDuties.DueBy(Award(policyId, revoked), D(today)).Select(d => $"{d.Name} {d.DueOn:yyyy-MM-dd}").ToArray();

    [Theory]
    // Weihai §26: a visit every 12 months (office) and a consultation every 12 months; nothing on the day before the first anniversary.
    [InlineData("weihai", "2027-06-29", new string[0])]
    // Weihai: both on the anniversary itself.
    [InlineData("weihai", "2027-06-30", new[] { "inspection 2027-06-30", "consultation 2027-06-30" })]
    // Weihai: two years on, both years' duties (a day missed is caught up, not lost).
    [InlineData("weihai", "2028-07-01", new[] { "inspection 2027-06-30", "consultation 2027-06-30", "inspection 2028-06-30", "consultation 2028-06-30" })]
    // Jinan has no visits: consultations only.
    [InlineData("jinan", "2027-06-30", new[] { "consultation 2027-06-30" })]
    // Benxi §4: valid five years; the consultation due on the day validity ends is not held.
    [InlineData("benxi", "2031-06-30", new[] { "consultation 2027-06-30", "consultation 2028-06-30", "consultation 2029-06-30", "consultation 2030-06-30", "validity 2031-06-30" })]
    // Benxi: the last minute of the fifth year, validity not yet due.
    [InlineData("benxi", "2031-06-29", new[] { "consultation 2027-06-30", "consultation 2028-06-30", "consultation 2029-06-30", "consultation 2030-06-30" })]
    public void DueBy_FollowsThePolicysAfterAwardRule(string policyId, string today, string[] expected) =>
        Assert.Equal(expected, Due(policyId, today));

    [Fact]
    public void DueBy_ARevokedAward_HasNoDuties() =>
        Assert.Empty(Due("weihai", "2030-01-01", revoked: true));

    [Fact]
    public void DueBy_CitesTheArticleOfEachDuty()
    {
        var weihai = HolderDuties.DueBy(Award("weihai"), D("2027-06-30"));
        Assert.Equal("§26", Assert.Single(weihai, d => d.Kind == HolderDutyKind.Inspection).Article);
        Assert.Equal("§4", Assert.Single(HolderDuties.DueBy(Award("benxi"), D("2031-06-30")), d => d.Kind == HolderDutyKind.Validity).Article);
    }

    [Fact]
    public void IsRecorded_ReadsTheHoldersStream()
    {
        var at = new DateTimeOffset(2027, 6, 30, 1, 0, 0, TimeSpan.FromHours(8));
        var holder = new[] { (IHolderEvent)new InspectionDue(AppId, D("2027-06-30"), at), new AwardValidityEnded(AppId, D("2031-06-30"), at) }
            .Aggregate(HolderState.Initial, HolderState.Evolve);

        Assert.True(HolderDuties.IsRecorded(new HolderDuty(AppId, HolderDutyKind.Inspection, D("2027-06-30"), "§26"), holder));
        Assert.False(HolderDuties.IsRecorded(new HolderDuty(AppId, HolderDutyKind.Inspection, D("2028-06-30"), "§26"), holder));
        Assert.False(HolderDuties.IsRecorded(new HolderDuty(AppId, HolderDutyKind.Consultation, D("2027-06-30"), null), holder));
        Assert.True(HolderDuties.IsRecorded(new HolderDuty(AppId, HolderDutyKind.Validity, D("2031-06-30"), "§4"), holder));
    }
}
