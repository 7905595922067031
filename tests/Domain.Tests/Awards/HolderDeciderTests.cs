using QualityAward.Domain.Awards;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;
using static QualityAward.Domain.Tests.TestDates;

namespace QualityAward.Domain.Tests.Awards;

/// <summary>After the award: given the holder's events and awards, when a command, then events or a refusal.</summary>
public sealed class HolderDeciderTests
{
    private const string AppId = "app-0001";
    private static readonly DateTimeOffset Now = new(2029, 9, 1, 10, 0, 0, TimeSpan.FromHours(8));

    private static HeldAward Award(string policyId, bool revoked = false, long paid = 0, long toRecover = 0) =>
        new(AppId, PolicyPresets.Get(policyId), "owner-1", ApplicantCategory.Organisation, PolicyPresets.Get(policyId).Tiers[0], D("2026-06-30"), revoked, paid, toRecover);

    private static Decision<IHolderEvent> Decide(IHolderCommand command, HeldAward? award, Actor actor, HolderState? state = null, string? policyId = null) =>
        HolderDecider.Decide(command, state ?? HolderState.Initial, new HolderContext(award is null ? [] : [award], policyId is null ? null : PolicyPresets.Get(policyId), actor, Now));

    private static void Refused(Decision<IHolderEvent> d, string code) =>
        Assert.True(d.IsRefused && d.Refusal!.Code == code, $"Expected {code}, got {d}");

    [Theory]
    // Changde §28: false materials, 5 years.
    [InlineData("changde", BanReason.FalseMaterials, BanUnit.Years, 5, "§28")]
    // Changde §28: fraud, 10 years, published.
    [InlineData("changde", BanReason.Fraud, BanUnit.Years, 10, "§28")]
    // Benxi §32: after a revocation, the next cycle only.
    [InlineData("benxi", BanReason.Revocation, BanUnit.Cycles, 1, "§32")]
    // Xinzhou §26: fraud, 3 cycles.
    [InlineData("xinzhou", BanReason.Fraud, BanUnit.Cycles, 3, "§26")]
    // Weihai §29: after a revocation, 5 years.
    [InlineData("weihai", BanReason.Revocation, BanUnit.Years, 5, "§29")]
    public void RecordBan_TakesLengthAndArticleFromThePolicy(string policyId, BanReason reason, BanUnit unit, int length, string article)
    {
        var d = Decide(new RecordBan("b1", reason, D("2029-08-01"), "查实", "决定1号"), null, Actors.Office, policyId: policyId);

        var ban = Assert.IsType<HolderBanRecorded>(Assert.Single(d.Events));
        Assert.Equal((unit, length, article), (ban.Unit, ban.Length, ban.Article));
    }

    [Theory]
    // Jinan §29-30 revoke but set no ban at all.
    [InlineData("jinan", BanReason.FalseMaterials)]
    // Xinzhou §26 binds holders: no ban for false materials during review.
    [InlineData("xinzhou", BanReason.FalseMaterials)]
    public void RecordBan_ThePolicyDoesNotDefine_IsRefused(string policyId, BanReason reason) =>
        Refused(Decide(new RecordBan("b1", reason, D("2029-08-01"), "查实", "决定1号"), null, Actors.Office, policyId: policyId), "ban.not-in-policy");

    [Fact]
    public void RecordBan_Twice_IsNothingTheSecondTime()
    {
        var first = Decide(new RecordBan("b1", BanReason.FalseMaterials, D("2029-08-01"), "查实", "决定1号"), null, Actors.Office, policyId: "benxi");
        var state = HolderState.Evolve(HolderState.Initial, first.Events[0]);
        Assert.Empty(Decide(new RecordBan("b1", BanReason.FalseMaterials, D("2029-08-01"), "查实", "决定1号"), null, Actors.Office, state, "benxi").Events);
    }

    [Fact]
    public void Recovery_NeverMoreThanOwed_AndOnlyOfARevokedAward()
    {
        Refused(Decide(new RecordRecovery(AppId, 1, D("2029-08-01"), "收据1"), Award("benxi", paid: 200_000), Actors.Office), "recovery.not-revoked");
        var revoked = Award("benxi", revoked: true, paid: 200_000, toRecover: 200_000);
        var first = Decide(new RecordRecovery(AppId, 150_000, D("2029-08-01"), "收据1"), revoked, Actors.Office);
        var state = HolderState.Evolve(HolderState.Initial, Assert.Single(first.Events));
        Refused(Decide(new RecordRecovery(AppId, 50_001, D("2029-08-02"), "收据2"), revoked, Actors.Office, state), "recovery.amount-invalid");
        Assert.Single(Decide(new RecordRecovery(AppId, 50_000, D("2029-08-02"), "收据2"), revoked, Actors.Office, state).Events);
    }

    [Theory]
    // Changde §42: a holder reports a major change of its quality model.
    [InlineData("changde", ChangeKind.QualityModel, null)]
    // Weihai §27(九): the office asks holders to report a takeover.
    [InlineData("weihai", ChangeKind.LegalForm, null)]
    // Benxi has no such duty: the report is refused with a pointer to the office.
    [InlineData("benxi", ChangeKind.QualityModel, "change.not-in-policy")]
    public void ReportChange_ByTheOwner_WhereThePolicyAsksForIt(string policyId, ChangeKind kind, string? refusal)
    {
        var owner = new Actor("owner-1", Roles.Applicant);
        var d = Decide(new ReportChange("c1", AppId, kind, "质量管理模式调整为卓越绩效模式。", D("2029-10-01")), Award(policyId), owner);
        if (refusal is null)
        {
            Assert.IsType<HolderChangeReported>(Assert.Single(d.Events));
        }
        else
        {
            Refused(d, refusal);
        }
    }

    [Fact]
    public void ReportChange_BySomeoneElse_IsNotFound() =>
        Refused(Decide(new ReportChange("c1", AppId, ChangeKind.QualityModel, "变化", D("2029-10-01")), Award("changde"), Actors.OtherApplicant), "holder.award-not-found");

    [Fact]
    public void EndValidity_BeforeTheFifthAnniversary_IsRefused_AndOnlyTheWorkflowEndsIt()
    {
        Refused(Decide(new EndValidity(AppId), Award("benxi"), Actor.System), "holder.still-valid");
        Refused(Decide(new EndValidity(AppId), Award("benxi"), Actors.Office), "holder.office-only");
    }

    [Fact]
    public void InspectionDue_OfARevokedAward_IsRefused() =>
        Refused(Decide(new MarkInspectionDue(AppId, D("2029-06-30")), Award("changde", revoked: true), Actor.System), "holder.award-revoked");

    [Theory]
    // Changde §30: an incident on the last day of the fifth year still revokes...
    [InlineData("changde", "incident", "2031-06-29", null)]
    // ...one on the fifth anniversary does not.
    [InlineData("changde", "incident", "2031-06-30", "revocation.window-passed")]
    // Changde §28: fraud revokes at any time.
    [InlineData("changde", "fraud", "2033-01-01", null)]
    // Jinan §29(二): incidents revoke at any time.
    [InlineData("jinan", "u02-incident", "2033-01-01", null)]
    // A ground of another city is not a ground here.
    [InlineData("xinzhou", "u02-incident", "2030-01-01", "revocation.ground-unknown")]
    public void ProposeRevocation_ChecksTheGroundAndTheWindow(string policyId, string ground, string occurredOn, string? refusal)
    {
        var ctx = new HolderContext([Award(policyId)], null, Actors.Office, new DateTimeOffset(2033, 6, 1, 10, 0, 0, TimeSpan.FromHours(8)));
        var d = HolderDecider.Decide(new ProposeRevocation("p1", AppId, ground, "查实。", D(occurredOn)), HolderState.Initial, ctx);
        if (refusal is null)
        {
            Assert.Equal(PolicyPresets.Get(policyId).Revocation.DecidedBy, Assert.IsType<RevocationProposed>(Assert.Single(d.Events)).DecidedBy);
        }
        else
        {
            Refused(d, refusal);
        }
    }
}
