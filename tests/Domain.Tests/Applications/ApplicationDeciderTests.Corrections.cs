using QualityAward.Domain.Applications;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Applications;

/// <summary>Issue 16: back to a decision stage once the cycle's decision there is withdrawn; never after the announcement.</summary>
public partial class ApplicationDeciderTests
{
    private static WinnersProposed Proposal(ApplicationBuilder app, params string[] notChosen) =>
        new([new WinnerEntry(app.ApplicationId, app.Category, app.Tier, false)], notChosen, DeliberationMethod.Deliberation, "领导小组", null, "纪要", Dates.Review);

    [Fact]
    public void ReopenStage_AfterTheWinnersAreWithdrawn_UndoesTheProposalAndItsApprovals()
    {
        // Given: Weihai, proposed and approved by the city government; the cycle's decision then withdrawn.
        var given = Weihai().Approved();
        given.Cycle.With(Proposal(given));
        Then.Refused(given.Decide(new ReopenStage(StageKind.Deliberation, "重新审议"), Office), "application.decision-stands", RefusalKind.Rule);
        given.Cycle.With(new CycleDecisionWithdrawn(CycleDecision.Winners, [given.ApplicationId], [], "重新审议", Dates.Review));

        // When: the application goes back to the deliberation.
        var reopened = Then.Single<StageReopened, IApplicationEvent>(given.Decide(new ReopenStage(StageKind.Deliberation, "  领导小组决定已撤回，重新审议  "), Office));
        given.With(reopened);

        // Then: it stands there, with nothing decided, and the new proposal applies.
        Assert.Equal(("领导小组决定已撤回，重新审议", StageKind.Deliberation), (reopened.Reason, reopened.Stage));
        var state = given.State;
        Assert.Equal((ApplicationStatus.InProcess, StageKind.Deliberation, (AwardTier?)null), (state.Status, state.Stage, state.ProposedTier));
        Assert.Empty(state.ApprovalsGranted);
        Then.Nothing(given.Decide(new ReopenStage(StageKind.Deliberation, "重复"), Office));
        Then.Accepted(given.Decide(new ApplyProposal(AwardTier.Recognition), Actor.System), typeof(ProposedAsWinner), typeof(StageEntered));
    }

    [Fact]
    public void ReopenStage_BringsBackAnApplicationTheWithdrawnDecisionHadEnded()
    {
        var given = Weihai().At(StageKind.Deliberation).Do(new MarkNotSelected("领导小组审议未将其列入"), Actor.System);
        Then.Refused(given.Decide(new ReopenStage(StageKind.CompositeEvaluation, "恢复"), Office), "application.reopen-where-ended", RefusalKind.Rule);
        given.Cycle.With(Proposal(given));
        Then.Refused(given.Decide(new ReopenStage(StageKind.Deliberation, "恢复"), Office), "application.decision-stands", RefusalKind.Rule);
        given.Cycle.With(new CycleDecisionWithdrawn(CycleDecision.Winners, [], [given.ApplicationId], "重新审议", Dates.Review));

        given.Do(new ReopenStage(StageKind.Deliberation, "审议结果已撤回，恢复评审"), Office);

        Assert.Equal((ApplicationStatus.InProcess, StageKind.Deliberation, (string?)null), (given.State.Status, given.State.Stage, given.State.EndReason));
    }

    [Fact]
    public void ReopenStage_AtTheMaterialReview_KeepsItsScore_AndDropsWhatCameAfter()
    {
        // Changde: shortlisted, site-reviewed, surveyed, composite scored; then the shortlist is withdrawn (by the cycle first).
        var given = Changde().At(StageKind.CompositeEvaluation).Do(new ComputeComposite([]), Office);

        given.Do(new ReopenStage(StageKind.MaterialReview, "材料评审得分汇总有误，现场评审名单撤回"), Office);

        var state = given.State;
        Assert.Equal(StageKind.MaterialReview, state.Stage);
        Assert.Equal([StageKind.MaterialReview], state.Scores.Keys);
        Assert.Null(state.Shortlist);
        Assert.Null(state.Composite);
        Then.Accepted(given.Decide(new ApplyShortlistDecision(true, 1), Actor.System), typeof(ShortlistDecided), typeof(StageEntered));
    }

    public static TheoryData<string, Func<ApplicationBuilder>, ReopenStage, string, RefusalKind> RefusedReopenings => new()
    {
        // After the announcement only revocation applies.
        {
            "announced",
            () =>
            {
                var app = Weihai().Awarded();
                app.Cycle.With(new AwardsAnnounced(ApplicationBuilder.AnnouncementReference, Dates.AwardedOn, [], [], Dates.Awarding));
                return app;
            },
            new(StageKind.Deliberation, "重新审议"), "application.announced", RefusalKind.Rule
        },
        { "disqualified", () => Weihai().At(StageKind.Deliberation).Do(new Disqualify(DisqualificationGround.Other, "弄虚作假"), Office), new(StageKind.Deliberation, "恢复"), "application.cannot-reopen", RefusalKind.Rule },
        { "not a decision stage", () => Weihai().At(StageKind.Deliberation), new(StageKind.SiteReview, "重新评审"), "application.stage-not-reopenable", RefusalKind.Invalid },
        // Weihai has no shortlist (§14): its material review is no decision stage.
        { "no shortlist in the policy", () => Weihai().At(StageKind.Deliberation), new(StageKind.MaterialReview, "重新评审"), "application.stage-not-reopenable", RefusalKind.Invalid },
        { "not reached yet", () => Weihai().At(StageKind.SiteReview), new(StageKind.Deliberation, "重新审议"), "application.stage-not-reached", RefusalKind.Rule },
        { "no reason", () => Weihai().Approved(), new(StageKind.Deliberation, " "), "reason.missing", RefusalKind.Invalid },
    };

    [Theory]
    [MemberData(nameof(RefusedReopenings))]
    public void ReopenStage_WhenNotAllowed_IsRefused(string why, Func<ApplicationBuilder> given, ReopenStage command, string code, RefusalKind kind)
    {
        Then.Refused(given().Decide(command, Office), code, kind, why);
    }

    [Fact]
    public void ReopenStage_ByTheApplicant_IsForbidden() =>
        Then.Refused(Weihai().Approved().Decide(new ReopenStage(StageKind.Deliberation, "重新审议"), Applicant), "application.office-only", RefusalKind.Forbidden);
}
