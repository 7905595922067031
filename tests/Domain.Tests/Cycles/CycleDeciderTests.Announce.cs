using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Cycles;

public partial class CycleDeciderTests
{
    private static CycleBuilder WeihaiProposed() =>
        WeihaiCandidatesPublished()
            .Then(new ProposeWinners([Scored.Winner("app-a", AwardTier.Recognition), Scored.Winner("app-b", AwardTier.Recognition)], null, Minutes))
            .Then(new RemoveProposedWinner("app-a", "异议查证属实"))
            .WinnersApproved();

    [Fact]
    public void Announce_AfterTheProposal_PublishesTheWinnersStillOnTheList()
    {
        var decision = WeihaiProposed().Decide(new AnnounceAwards("  威政字〔2026〕9号 ", Dates.AwardedOn), Dates.Awarding);

        var announced = Then.Single<AwardsAnnounced, ICycleEvent>(decision);
        Assert.Equal("威政字〔2026〕9号", announced.Reference);
        Assert.Equal(Dates.AwardedOn, announced.AnnouncedOn);
        Assert.Equal(["app-b"], announced.Winners.Select(w => w.ApplicationId));
        // app-a left the list before the announcement: it takes no place, app-b is the first.
        var certificate = Assert.Single(announced.Certificates);
        Assert.Equal(("app-b", AwardTier.Recognition, 1, "威质奖〔2026〕第001号", "weihai-2026-r001"), (certificate.ApplicationId, certificate.Tier, certificate.Sequence, certificate.Number, certificate.VerificationCode));
    }

    [Fact]
    public void Announce_NumbersEveryWinnersCertificate_InOneEvent_EachTierFromOne()
    {
        // Changde §3: awards and nominations; the one event on the cycle stream numbers all of them,
        // so winners conferred at the same moment can never be given the same number.
        ScoredApplication[] scores = [Scored.Org("app-a", 95m), Scored.Org("app-b", 94m), Scored.Org("app-c", 93m), Scored.Org("app-d", 92m), Scored.Org("app-e", 91m)];
        var given = CycleBuilder.Opened("changde").SubmissionsClosed()
            .Then(new DecideCycleShortlist(scores, 5))
            .Then(Nominate(scores, ("app-a", AwardTier.Award), ("app-b", AwardTier.Award), ("app-c", AwardTier.Award), ("app-d", AwardTier.Nomination), ("app-e", AwardTier.Nomination)))
            .Then(new ProposeWinners([Scored.Winner("app-a", AwardTier.Award), Scored.Winner("app-b", AwardTier.Award), Scored.Winner("app-d", AwardTier.Nomination)], Majority("app-a", "app-b", "app-d"), Minutes))
            .NoticeRan(NoticeList.ProposedWinners)
            .WinnersApproved();

        var announced = Then.Single<AwardsAnnounced, ICycleEvent>(given.Decide(new AnnounceAwards("常政函〔2026〕5号", Dates.AwardedOn), Dates.Awarding));

        Assert.Equal(
            [("app-a", "常质奖〔2026〕第001号"), ("app-b", "常质奖〔2026〕第002号"), ("app-d", "常质奖提名〔2026〕第001号")],
            announced.Certificates.Select(c => (c.ApplicationId, c.Number)));
        Assert.Equal(announced.Certificates.Count, announced.Certificates.Select(c => c.Number).Distinct().Count());
        Assert.Equal(announced.Certificates.Count, announced.Certificates.Select(c => c.VerificationCode).Distinct().Count());
    }

    [Fact]
    public void Announce_Again_WithTheSameReference_DoesNothing()
    {
        var given = WeihaiProposed().Then(new AnnounceAwards("威政字〔2026〕9号", Dates.AwardedOn), Dates.Awarding);

        Then.Nothing(given.Decide(new AnnounceAwards("威政字〔2026〕9号", Dates.AwardedOn), Dates.Awarding));
    }

    public static TheoryData<string, Func<CycleBuilder>, AnnounceAwards, string, RefusalKind> RefusedAnnouncements => new()
    {
        { "announced under another reference", () => WeihaiProposed().Then(new AnnounceAwards("威政字〔2026〕9号", Dates.AwardedOn), Dates.Awarding), new("威政字〔2026〕10号", Dates.AwardedOn), "cycle.announced", RefusalKind.Rule },
        { "nothing proposed yet", WeihaiCandidatesPublished, new("威政字〔2026〕9号", Dates.AwardedOn), "cycle.out-of-order", RefusalKind.Rule },
        { "no reference", WeihaiProposed, new(" ", Dates.AwardedOn), "cycle.reference-missing", RefusalKind.Invalid },
        { "dated tomorrow", WeihaiProposed, new("威政字〔2026〕9号", Dates.AwardedOn.AddDays(1)), "cycle.date-future", RefusalKind.Invalid },
    };

    [Theory]
    [MemberData(nameof(RefusedAnnouncements))]
    public void Announce_WhenNotAllowed_IsRefused(string why, Func<CycleBuilder> given, AnnounceAwards command, string code, RefusalKind kind)
    {
        Then.Refused(given().Decide(command, Dates.Awarding), code, kind, why);
    }

    [Theory]
    // Jinan §17-18: the proposed winners are published for 5 working days before the government approves and announces.
    [InlineData("jinan", false, "cycle.out-of-order")]
    [InlineData("jinan", true, null)]
    // Changde §24: 公示中无异议…经评委会主任审核，市长审定后，由市人民政府公告.
    [InlineData("changde", false, "cycle.out-of-order")]
    [InlineData("changde", true, null)]
    public void Announce_BeforeTheProposedWinnersWerePublished_IsRefused(string policyId, bool published, string? refusal)
    {
        ScoredApplication[] scores = [Scored.Org("app-a", 90m), Scored.Org("app-b", 80m)];
        var given = CycleBuilder.Opened(policyId).SubmissionsClosed();
        if (policyId == "changde")
        {
            given.Then(new DecideCycleShortlist(scores, 2));
        }

        given.Then(Nominate(scores, ("app-a", AwardTier.Award), ("app-b", AwardTier.Award)))
            .Then(new ProposeWinners([Scored.Winner("app-a", AwardTier.Award)], Majority("app-a"), Minutes));
        if (published)
        {
            given.NoticeRan(NoticeList.ProposedWinners).WinnersApproved();
        }

        var decision = given.Decide(new AnnounceAwards("政府公告〔2026〕1号", Dates.AwardedOn), Dates.Awarding);

        if (refusal is null)
        {
            Assert.Equal("app-a", Assert.Single(Then.Single<AwardsAnnounced, ICycleEvent>(decision).Winners).ApplicationId);
        }
        else
        {
            Assert.Contains("§", Then.Refused(decision, refusal, RefusalKind.Rule).Zh);
        }
    }

    [Fact]
    public void Announce_BeforeEveryProposedWinnerIsApproved_IsRefused()
    {
        // Changde §24: 经评委会主任审核，市长审定后，由市人民政府公告 — the mayor's approval of app-a is missing.
        ScoredApplication[] scores = [Scored.Org("app-a", 90m), Scored.Org("app-b", 85m), Scored.Org("app-c", 80m)];
        var given = ChangdeShortlisted(scores)
            .Then(Nominate(scores, ("app-a", AwardTier.Award), ("app-b", AwardTier.Award), ("app-c", AwardTier.Award)))
            .Then(new ProposeWinners([Scored.Winner("app-a", AwardTier.Award), Scored.Winner("app-b", AwardTier.Award)], Majority("app-a", "app-b"), Minutes))
            .NoticeRan(NoticeList.ProposedWinners)
            .WinnersApproved();
        var winners = given.Winners.ToDictionary();
        winners["app-a"] = winners["app-a"] with { ApprovalsGranted = ["committee-director"] };

        var refusal = Then.Refused(CycleDecider.Decide(new AnnounceAwards("常政发〔2026〕8号", Dates.AwardedOn), given.State, new CycleContext(Dates.Awarding, Actors.Office, [], given.Notices, winners)), "cycle.winners-not-approved", RefusalKind.Rule);
        Assert.Contains("app-a", refusal.Zh);
        Assert.DoesNotContain("app-b", refusal.Zh);
        Assert.Contains("§24", refusal.Zh);
    }
}
