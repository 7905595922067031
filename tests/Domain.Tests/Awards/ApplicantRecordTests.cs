using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;
using static QualityAward.Domain.Tests.TestDates;

namespace QualityAward.Domain.Tests.Awards;

/// <summary>
/// The applicant's record from events alone: given the holder's stream and the applications linked
/// there, the awards, bans and revocations intake decides on.
/// </summary>
public sealed class ApplicantRecordTests
{
    private static readonly AwardPolicy Benxi = PolicyPresets.Get("benxi");
    private static readonly AwardPolicy Changde = PolicyPresets.Get("changde");
    private static readonly DateTimeOffset At = new(2026, 7, 1, 10, 0, 0, TimeSpan.FromHours(8));

    private static ApplicationState Submitted(string id, string cycleId) => ApplicationState.Initial with
    {
        Status = ApplicationStatus.InProcess,
        ApplicationId = id,
        CycleId = cycleId,
        Category = ApplicantCategory.Organisation,
        Form = new ApplicationForm { QualityModel = "卓越绩效" },
    };

    private static ApplicationState Awarded(string id, string cycleId, AwardPolicy policy) => Submitted(id, cycleId) with
    {
        Status = ApplicationStatus.Awarded,
        Award = new ApplicationAwarded(policy.Tiers[0], 2026, D("2026-06-30"), [], 200_000, false, "本政发〔2026〕1号", null, null, At),
    };

    private static HolderState Linked(params string[] ids) =>
        ids.Aggregate(HolderState.Initial, (s, id) => HolderState.Evolve(s, new HolderApplicationLinked(id, "benxi-2026", At)));

    [Fact]
    public void AnAwardOfThisPolicy_IsAPastAward_OneOfAnotherCityIsNot()
    {
        var history = ApplicantRecord.History(Benxi, Linked("app-1", "app-2"), [new(Awarded("app-1", "benxi-2026", Benxi), Benxi), new(Awarded("app-2", "changde-2026", Changde), Changde)], []);

        var award = Assert.Single(history.Awards);
        Assert.Equal(("benxi-2026", D("2026-06-30"), false, "卓越绩效"), (award.CycleId, award.AwardedOn, award.Revoked, award.QualityModel));
        Assert.Empty(history.Bans);
    }

    [Fact]
    public void ARevokedAward_IsMarkedRevoked_AndBringsThePolicysBan()
    {
        var revoked = Awarded("app-1", "benxi-2026", Benxi) with
        {
            Status = ApplicationStatus.Revoked,
            Revocation = new AwardRevoked("major-incident", BanReason.Revocation, "事故", D("2029-09-01"), 200_000, "本政发〔2029〕12号", At),
        };

        var history = ApplicantRecord.History(Benxi, Linked("app-1"), [new(revoked, Benxi)], []);

        Assert.True(Assert.Single(history.Awards).Revoked);
        var ban = Assert.Single(history.Bans);
        Assert.Equal((BanReason.Revocation, D("2029-09-01"), BanUnit.Cycles, 1, "§32"), (ban.Reason, ban.StartsOn, ban.Unit, ban.Length, ban.Article));
        Assert.StartsWith("撤销奖励（", ban.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void ADisqualificationForFalseMaterials_BansFromItsShanghaiDay_OtherGroundsDoNot()
    {
        var falseMaterials = Submitted("app-1", "benxi-2026") with
        {
            Status = ApplicationStatus.Disqualified,
            Disqualification = new ApplicationDisqualified(DisqualificationGround.FalseMaterials, "伪造检验报告", StageKind.MaterialReview, new DateTimeOffset(2026, 5, 31, 17, 0, 0, TimeSpan.Zero)),
        };
        var objection = falseMaterials with
        {
            ApplicationId = "app-2",
            Disqualification = falseMaterials.Disqualification! with { Ground = DisqualificationGround.ObjectionUpheld },
        };

        var history = ApplicantRecord.History(Benxi, Linked("app-1", "app-2"), [new(falseMaterials, Benxi), new(objection, Benxi)], []);

        var ban = Assert.Single(history.Bans);
        Assert.Equal((BanReason.FalseMaterials, D("2026-06-01"), 5, "§30"), (ban.Reason, ban.StartsOn, ban.Length, ban.Article));
    }

    [Fact]
    public void BansOnTheHoldersStream_CountForTheirPolicy_AndEverywhereWhenTheyCoverAllQualityAwards()
    {
        var holder = HolderState.Initial;
        holder = HolderState.Evolve(holder, new HolderBanRecorded("b1", "benxi", BanReason.Fraud, D("2026-04-01"), BanUnit.Years, 10, true, "§31", "行贿", "本质奖办〔2026〕1号", At));
        holder = HolderState.Evolve(holder, new HolderBanRecorded("b2", "benxi", BanReason.FalseMaterials, D("2026-04-01"), BanUnit.Years, 5, false, "§30", "伪造", "本质奖办〔2026〕2号", At));

        Assert.Equal(2, ApplicantRecord.History(Benxi, holder, [], []).Bans.Count);
        var elsewhere = Assert.Single(ApplicantRecord.History(Changde, holder, [], []).Bans);
        Assert.Equal(BanReason.Fraud, elsewhere.Reason);
    }
}
