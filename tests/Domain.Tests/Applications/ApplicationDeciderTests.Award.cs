using QualityAward.Domain.Cycles;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Applications;

public partial class ApplicationDeciderTests
{
    [Fact]
    public void GrantApproval_InThePolicysOrder_RecordsEachStep_AndRepeatingOneDoesNothing()
    {
        // Changde §24: the committee director reviews, then the mayor approves.
        var given = Changde().At(StageKind.Approval);

        var first = Then.Single<ApprovalGranted, IApplicationEvent>(given.Decide(new GrantApproval("committee-director", " 评委会审核意见1号 "), Office));
        Assert.Equal(("committee-director", "评委会审核意见1号"), (first.StepCode, first.Reference));
        given.With(first);

        Then.Nothing(given.Decide(new GrantApproval("committee-director", "again"), Office));
        Then.Single<ApprovalGranted, IApplicationEvent>(given.Decide(new GrantApproval("mayor", "市长审定"), Office));
    }

    [Theory]
    // Weihai §16: plaque and certificate; the money follows a separate city rule, so none is set here.
    [InlineData("weihai", ApplicantCategory.Organisation, "奖牌,证书", 0L)]
    // Benxi §24-25: plaque, certificate and 200,000 yuan.
    [InlineData("benxi", ApplicantCategory.Organisation, "奖牌,证书", 200_000L)]
    // Xinzhou §19: 30,000 yuan for an individual.
    [InlineData("xinzhou", ApplicantCategory.Individual, "奖牌,证书", 30_000L)]
    // Jinan §19: an individual's medal and certificate.
    [InlineData("jinan", ApplicantCategory.Individual, "奖章,荣誉证书", 0L)]
    public void ConferAward_AfterEveryApproval_RecordsTierPrizesAndMoney(string policyId, ApplicantCategory category, string prizes, long money)
    {
        var given = ApplicationBuilder.Under(policyId, category).Approved();

        var awarded = Then.Single<ApplicationAwarded, IApplicationEvent>(given.Decide(new ConferAward(" 公告〔2026〕1号 ", Dates.AwardedOn), Office, Dates.Awarding));

        Assert.Equal((given.Tier, 2026, Dates.AwardedOn, "公告〔2026〕1号"), (awarded.Tier, awarded.Year, awarded.AwardedOn, awarded.AnnouncementReference));
        Assert.Equal(prizes, string.Join(",", awarded.Prizes));
        Assert.Equal(money, awarded.MoneyYuan);
        Assert.False(awarded.OutsideQuota);
    }

    [Fact]
    public void ConferAward_TakesTheCertificateNumberTheCyclesAnnouncementGave()
    {
        var cycle = CycleBuilder.Opened("weihai").With(new AwardsAnnounced(
            "威政字〔2026〕9号",
            Dates.AwardedOn,
            [new(ApplicationBuilder.Id, ApplicantCategory.Organisation, AwardTier.Recognition, false), new("app-other", ApplicantCategory.Organisation, AwardTier.Recognition, false)],
            [new("app-other", AwardTier.Recognition, 1, "威质奖〔2026〕第001号", "weihai-2026-r001"), new(ApplicationBuilder.Id, AwardTier.Recognition, 2, "威质奖〔2026〕第002号", "weihai-2026-r002")],
            Dates.Awarding));
        var given = ApplicationBuilder.In(cycle).Approved();

        var awarded = Then.Single<ApplicationAwarded, IApplicationEvent>(given.Decide(new ConferAward("威政字〔2026〕9号", Dates.AwardedOn), Office, Dates.Awarding));

        Assert.Equal(("威质奖〔2026〕第002号", "weihai-2026-r002"), (awarded.CertificateNumber, awarded.VerificationCode));
    }

    [Fact]
    public void ConferAward_WhenTheAnnouncementNumberedNothing_LeavesTheCertificateUnnumbered()
    {
        // A cycle announced before certificates were numbered (AwardsAnnounced v1) numbers nothing.
        var awarded = Then.Single<ApplicationAwarded, IApplicationEvent>(ApplicationBuilder.Under("weihai").Approved().Decide(new ConferAward("公告", Dates.AwardedOn), Office, Dates.Awarding));

        Assert.Equal((null, null), (awarded.CertificateNumber, awarded.VerificationCode));
    }

    [Fact]
    public void ConferAward_ToARepeatBenxiWinner_GivesNoMoneyOutsideTheQuota()
    {
        // Benxi §12: 再次获得市长质量奖的组织只授予奖牌证书，不再给予激励资金，且不占当年获奖名额.
        var history = new ApplicantHistory { Awards = [new PastAward { CycleId = "benxi-2018", Tier = AwardTier.Award, AwardedOn = new DateOnly(2018, 12, 1) }] };
        var given = ApplicationBuilder.Under("benxi").WithHistory(history).Approved();

        var awarded = Then.Single<ApplicationAwarded, IApplicationEvent>(given.Decide(new ConferAward("公告", Dates.AwardedOn), Office, Dates.Awarding));

        Assert.Equal((0L, true), (awarded.MoneyYuan, awarded.OutsideQuota));
    }

    [Fact]
    public void ConferAward_ToAFormerBenxiNominee_PaysTheDifference()
    {
        // Benxi §25: a nominee who later wins receives the remaining 100,000 yuan.
        var given = ApplicationBuilder.Under("benxi").WithHistory(FormerNominee).Approved();

        var awarded = Then.Single<ApplicationAwarded, IApplicationEvent>(given.Decide(new ConferAward("公告", Dates.AwardedOn), Office, Dates.Awarding));

        Assert.Equal(100_000L, awarded.MoneyYuan);
    }

    [Fact]
    public void ConferAward_Again_WithTheSameReference_DoesNothing()
    {
        var given = Weihai().Awarded();

        Then.Nothing(given.Decide(new ConferAward(ApplicationBuilder.AnnouncementReference, Dates.AwardedOn), Office, Dates.Awarding));
    }

    public static TheoryData<string, Case, string, RefusalKind> RefusedAwards => new()
    {
        { "unknown step", new(() => Changde().At(StageKind.Approval), new GrantApproval("governor", "批复"), Office), "approval.unknown-step", RefusalKind.Invalid },
        // Changde §24: the mayor approves after the committee director has reviewed.
        { "mayor before the director", new(() => Changde().At(StageKind.Approval), new GrantApproval("mayor", "批复"), Office), "approval.out-of-order", RefusalKind.Rule },
        { "approval without reference", new(() => Changde().At(StageKind.Approval), new GrantApproval("committee-director", " "), Office), "approval.reference-missing", RefusalKind.Invalid },
        { "approval before deliberation", new(() => Changde().At(StageKind.Deliberation), new GrantApproval("committee-director", "批复"), Office), "application.out-of-order", RefusalKind.Rule },
        { "the workflow approves", new(() => Changde().At(StageKind.Approval), new GrantApproval("committee-director", "批复"), Actor.System), "application.office-only", RefusalKind.Forbidden },
        {
            "award with the mayor's approval missing",
            new(() => Changde().At(StageKind.Approval).Do(new GrantApproval("committee-director", "审核"), Office), new ConferAward("公告", Dates.AwardedOn), Office, Dates.Awarding),
            "approval.incomplete", RefusalKind.Rule
        },
        { "award without reference", new(() => Weihai().Approved(), new ConferAward(" ", Dates.AwardedOn), Office, Dates.Awarding), "award.reference-missing", RefusalKind.Invalid },
        { "award announced under another reference", new(() => Weihai().Awarded(), new ConferAward("另一公告", Dates.AwardedOn), Office, Dates.Awarding), "application.already-awarded", RefusalKind.Rule },
        { "award before approval", new(() => Weihai().At(StageKind.Deliberation), new ConferAward("公告", Dates.AwardedOn), Office, Dates.Awarding), "application.out-of-order", RefusalKind.Rule },
    };

    [Theory]
    [MemberData(nameof(RefusedAwards))]
    public void Award_WhenNotAllowed_IsRefused(string why, Case row, string code, RefusalKind kind)
    {
        Then.Refused(row.Run(), code, kind, why);
    }
}
