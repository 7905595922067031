using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Cycles;

/// <summary>
/// Issue 16: a decision on a list waits for that list's notice to close, its objections decided;
/// and the office may withdraw a cohort decision, with its reason, before its list is published.
/// </summary>
public partial class CycleDeciderTests
{
    private static CycleBuilder WeihaiCandidatesUnderNotice() =>
        CycleBuilder.Opened("weihai").SubmissionsClosed()
            .Then(Nominate(WeihaiComposite, ("app-a", AwardTier.Recognition), ("app-b", AwardTier.Recognition)))
            .NoticePublished(NoticeList.Candidates);

    private static readonly ProposeWinners WeihaiChoosesA = new([Scored.Winner("app-a", AwardTier.Recognition)], null, Minutes);

    [Fact]
    public void Issue16_TheLeadingGroupsDecision_WhileTheCandidatesNoticeRuns_IsRefused()
    {
        // Given: Weihai, the candidate list under notice (§15: exactly 5 working days).
        var given = WeihaiCandidatesUnderNotice();

        // When the leading group's decision comes in during the notice, then it is refused, citing §15.
        var refusal = Then.Refused(given.Decide(WeihaiChoosesA, Dates.At(CycleBuilder.NoticeFirstDay, 15)), "cycle.notice-open", RefusalKind.Rule);
        Assert.Contains("§15", refusal.Zh);
        Assert.Contains("§15", refusal.En);

        // An objection still under investigation after the period keeps it waiting, with its own code.
        given.ObjectionFiled(NoticeList.Candidates);
        Then.Refused(given.Decide(WeihaiChoosesA), "cycle.objections-open", RefusalKind.Rule);

        // Decided, but the notice not yet closed: still waiting (the entries have not passed it).
        given.ObjectionDecided(NoticeList.Candidates);
        Then.Refused(given.Decide(WeihaiChoosesA), "cycle.notice-open", RefusalKind.Rule);

        // Closed: the decision is taken.
        given.NoticeClosed(NoticeList.Candidates);
        Assert.Equal("app-a", Assert.Single(Then.Single<WinnersProposed, ICycleEvent>(given.Decide(WeihaiChoosesA)).Winners).ApplicationId);
    }

    [Theory]
    // Changde §24: 公示中无异议，或者异议情况查明不属实的…由市人民政府公告.
    [InlineData("changde", "§24")]
    // Jinan §17-18: 通过公示的拟奖名单.
    [InlineData("jinan", "§17")]
    public void Announce_WhileTheProposedWinnersNoticeRunsOrAnObjectionIsOpen_IsRefused(string policyId, string article)
    {
        ScoredApplication[] scores = [Scored.Org("app-a", 90m), Scored.Org("app-b", 80m)];
        var given = CycleBuilder.Opened(policyId).SubmissionsClosed();
        if (policyId == "changde")
        {
            given.Then(new DecideCycleShortlist(scores, 2));
        }

        given.Then(Nominate(scores, ("app-a", AwardTier.Award), ("app-b", AwardTier.Award)))
            .Then(new ProposeWinners([Scored.Winner("app-a", AwardTier.Award)], Majority("app-a"), Minutes))
            .NoticePublished(NoticeList.ProposedWinners)
            .ObjectionFiled(NoticeList.ProposedWinners);
        var announce = new AnnounceAwards("政府公告〔2026〕1号", Dates.AwardedOn);

        Assert.Contains(article, Then.Refused(given.Decide(announce, Dates.Awarding), "cycle.objections-open", RefusalKind.Rule).Zh);
        given.ObjectionDecided(NoticeList.ProposedWinners);
        Then.Refused(given.Decide(announce, Dates.Awarding), "cycle.notice-open", RefusalKind.Rule);
        given.NoticeClosed(NoticeList.ProposedWinners).WinnersApproved();
        Then.Single<AwardsAnnounced, ICycleEvent>(given.Decide(announce, Dates.Awarding));
    }

    [Fact]
    public void Shortlist_WhileTheAcceptanceNoticeRuns_IsRefused()
    {
        // Changde §18: 对经公示无异议的申报组织和个人…组织开展评审.
        var given = CycleBuilder.Opened("changde").SubmissionsClosed().NoticePublished(NoticeList.Acceptance);
        var shortlist = new DecideCycleShortlist([Scored.Org("app-a", 90m)], 1);

        Assert.Contains("§15", Then.Refused(given.Decide(shortlist), "cycle.notice-open", RefusalKind.Rule).Zh);
        given.NoticeClosed(NoticeList.Acceptance);
        Then.Single<CycleShortlistDecided, ICycleEvent>(given.Decide(shortlist));
    }

    [Fact]
    public void ASupplementaryRoundOfTheSameList_IsWaitedForToo()
    {
        // A second acceptance notice (round 2, for applications accepted late) keeps the review waiting until it closes as well.
        var given = CycleBuilder.Opened("changde").SubmissionsClosed().NoticeRan(NoticeList.Acceptance).NoticePublished(NoticeList.Acceptance, round: 2);

        Then.Refused(given.Decide(new DecideCycleShortlist([Scored.Org("app-a", 90m)], 1)), "cycle.notice-open", RefusalKind.Rule);
    }

    [Fact]
    public void ADecision_WithoutTheStateOfAPublishedNotice_IsABugOfTheCaller()
    {
        var given = WeihaiCandidatesUnderNotice();

        Assert.Throws<InvalidOperationException>(() => CycleDecider.Decide(WeihaiChoosesA, given.State, new CycleContext(Dates.Review, Actors.Office, [])));
    }

    // ---- withdrawing a decision ----

    [Fact]
    public void Issue16_AWinnersDecisionTakenTooEarly_IsWithdrawnWithItsReason_AndTakenAgain()
    {
        // Given: the dead end of the issue: a decision recorded while the candidates notice ran (history from before the guard).
        var given = WeihaiCandidatesUnderNotice().With(new WinnersProposed([Scored.Winner("app-a", AwardTier.Recognition)], ["app-b"], DeliberationMethod.Deliberation, "领导小组", null, "纪要", Dates.At(2026, 6, 9)));
        given.NoticeClosed(NoticeList.Candidates);
        Then.Refused(given.Decide(WeihaiChoosesA), "cycle.winners-proposed", RefusalKind.Rule);

        // When: the office withdraws it, with its reason.
        var withdrawn = Then.Single<CycleDecisionWithdrawn, ICycleEvent>(given.Decide(new WithdrawCycleDecision(CycleDecision.Winners, "  候选名单公示期间作出的审议结果无效，重新审议  ")));
        Assert.Equal((CycleDecision.Winners, "候选名单公示期间作出的审议结果无效，重新审议"), (withdrawn.Decision, withdrawn.Reason));
        Assert.Equal(["app-a"], withdrawn.Returned);
        Assert.Equal(["app-b"], withdrawn.Reinstated);
        given.With(withdrawn);

        // Then: the leading group decides again, now that the notice is over.
        Assert.Null(given.State.Deliberation);
        Then.Single<WinnersProposed, ICycleEvent>(given.Decide(WeihaiChoosesA));
    }

    public static TheoryData<string, Func<CycleBuilder>, WithdrawCycleDecision, string, RefusalKind> RefusedWithdrawals => new()
    {
        { "nothing decided", () => CycleBuilder.Opened("weihai").SubmissionsClosed(), new(CycleDecision.Candidates, "撤回"), "cycle.nothing-to-withdraw", RefusalKind.Rule },
        { "the later decision stands", () => WeihaiCandidatesPublished().Then(WeihaiChoosesA), new(CycleDecision.Candidates, "撤回"), "cycle.later-decision-stands", RefusalKind.Rule },
        // Weihai §15: a published candidate list changes only through its objections.
        { "the candidate list is published", WeihaiCandidatesPublished, new(CycleDecision.Candidates, "撤回"), "cycle.list-published", RefusalKind.Rule },
        { "no reason", () => WeihaiCandidatesPublished().Then(WeihaiChoosesA), new(CycleDecision.Winners, "  "), "cycle.reason-missing", RefusalKind.Invalid },
        // Zero-width spaces and a direction mark: a reason nobody can read is no reason.
        { "an invisible reason", () => WeihaiCandidatesPublished().Then(WeihaiChoosesA), new(CycleDecision.Winners, "\u200B\u200B\u202E"), FreeText.Code, RefusalKind.Invalid },
        // After the announcement only revocation applies.
        {
            "announced",
            () => WeihaiCandidatesPublished().Then(WeihaiChoosesA).WinnersApproved().Then(new AnnounceAwards("威政字〔2026〕9号", Dates.AwardedOn), Dates.Awarding),
            new(CycleDecision.Winners, "撤回"), "cycle.announced", RefusalKind.Rule
        },
    };

    [Theory]
    [MemberData(nameof(RefusedWithdrawals))]
    public void Withdraw_WhenNotAllowed_IsRefused(string why, Func<CycleBuilder> given, WithdrawCycleDecision command, string code, RefusalKind kind)
    {
        Then.Refused(given().Decide(command, Dates.Awarding), code, kind, why);
    }

    [Fact]
    public void Withdraw_TheProposedWinners_OnceTheirListIsPublished_IsRefused()
    {
        // Changde §24: the proposed winners are published; from then on objections correct the list.
        ScoredApplication[] scores = [Scored.Org("app-a", 90m), Scored.Org("app-b", 80m)];
        var given = ChangdeShortlisted(scores)
            .Then(Nominate(scores, ("app-a", AwardTier.Award), ("app-b", AwardTier.Award)))
            .Then(new ProposeWinners([Scored.Winner("app-a", AwardTier.Award)], Majority("app-a"), Minutes));
        Then.Single<CycleDecisionWithdrawn, ICycleEvent>(given.Decide(new WithdrawCycleDecision(CycleDecision.Winners, "表决结果录入错误")));

        given.NoticePublished(NoticeList.ProposedWinners);

        Assert.Contains("§24", Then.Refused(given.Decide(new WithdrawCycleDecision(CycleDecision.Winners, "表决结果录入错误")), "cycle.list-published", RefusalKind.Rule).Zh);
    }

    [Fact]
    public void Withdraw_ByAnyoneButTheOffice_IsForbidden()
    {
        var given = WeihaiCandidatesPublished().Then(WeihaiChoosesA);

        Then.Refused(given.Decide(new WithdrawCycleDecision(CycleDecision.Winners, "撤回"), actor: new Actor("committee-1", Roles.Committee)), "cycle.office-only", RefusalKind.Forbidden);
    }

    [Fact]
    public void Withdraw_TheShortlist_ReturnsTheShortlisted_AndReinstatesTheOthers()
    {
        var given = ChangdeShortlisted(Scored.Org("app-a", 90m), Scored.Org("app-b", 80m));
        given.Then(new WithdrawCycleDecision(CycleDecision.Shortlist, "材料评审得分汇总有误"));
        var withdrawn = Assert.IsType<CycleDecisionWithdrawn>(given.Events[^1]);

        Assert.Equal(["app-a", "app-b"], withdrawn.Returned);
        Assert.Empty(withdrawn.Reinstated);
        Assert.Null(given.State.Shortlist);
        Then.Single<CycleShortlistDecided, ICycleEvent>(given.Decide(new DecideCycleShortlist([Scored.Org("app-a", 90m), Scored.Org("app-b", 80m)], 1)));
    }
}
