using QualityAward.Domain.Applications;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Applications;

public partial class ApplicationDeciderTests
{
    private static readonly ApplicantHistory FormerNominee = new()
    {
        Awards = [new PastAward { CycleId = "benxi-2022", Tier = AwardTier.Nomination, AwardedOn = new DateOnly(2022, 12, 1) }],
    };

    [Fact]
    public void PassNotice_OfTheStagesList_MovesOn_AndPassingItAgainDoesNothing()
    {
        // Changde §15: the acceptance list is published before the material review.
        var given = Changde().At(StageKind.PublicNotice);
        var pass = new PassNotice("changde-2026-acceptance", NoticeList.Acceptance);

        var events = Then.Accepted(given.Decide(pass, Office), typeof(NoticePassed), typeof(StageEntered));
        Assert.Equal(("changde-2026-acceptance", NoticeList.Acceptance), (((NoticePassed)events[0]).NoticeId, ((NoticePassed)events[0]).List));
        Assert.Equal(StageKind.MaterialReview, Assert.IsType<StageEntered>(events[1]).Stage);

        given.With([.. events]);
        Then.Nothing(given.Decide(pass, Office));
    }

    [Fact]
    public void RecordOpinionSurvey_UnderWeihai_RecordsTheFindingAndMovesOn()
    {
        var given = Weihai().At(StageKind.OpinionSurvey);

        var events = Then.Accepted(given.Decide(new RecordOpinionSurvey(false, "  发现一条投诉报道  "), Office), typeof(OpinionSurveyRecorded), typeof(StageEntered));

        var survey = Assert.IsType<OpinionSurveyRecorded>(events[0]);
        Assert.Equal((false, "发现一条投诉报道"), (survey.Favourable, survey.Summary));
        Assert.Equal(StageKind.FormalReview, Assert.IsType<StageEntered>(events[1]).Stage);
    }

    [Fact]
    public void RecordStageScore_RecordsPointsAndPercentOnThePolicysSheet()
    {
        // Weihai's organisation sheet is GB/T 19580's 1000 points.
        var given = Weihai().At(StageKind.MaterialReview);

        var events = Then.Accepted(given.Decide(new RecordStageScore(StageKind.MaterialReview, 612.5m, "材审报告7号"), Office), typeof(StageScored), typeof(StageEntered));

        var scored = Assert.IsType<StageScored>(events[0]);
        Assert.Equal((612.5m, 1000m, 61.25m, "材审报告7号"), (scored.Points, scored.MaxPoints, scored.Percent, scored.ReportReference));
        Assert.Equal(StageKind.SiteReview, Assert.IsType<StageEntered>(events[1]).Stage);
    }

    [Fact]
    public void RecordStageScore_CustomerSatisfaction_IsAnIndexOutOf100()
    {
        // Changde §21: organisations only, by a third party.
        var given = Changde().At(StageKind.CustomerSatisfaction);

        var events = Then.Accepted(given.Decide(new RecordStageScore(StageKind.CustomerSatisfaction, 86.4m, null), Office), typeof(StageScored), typeof(StageEntered));

        Assert.Equal((100m, 86.4m), (((StageScored)events[0]).MaxPoints, ((StageScored)events[0]).Percent));
        Assert.Equal(StageKind.CompositeEvaluation, Assert.IsType<StageEntered>(events[1]).Stage);
    }

    [Fact]
    public void RecordStageScore_OfMaterialReviewUnderChangde_WaitsForTheShortlist_AndRepeatingItDoesNothing()
    {
        var given = Changde().At(StageKind.MaterialReview);
        var score = new RecordStageScore(StageKind.MaterialReview, 800m, null);

        given.With(Then.Single<StageScored, IApplicationEvent>(given.Decide(score, Office)));

        Assert.Equal(StageKind.MaterialReview, given.State.Stage);
        Then.Nothing(given.Decide(score, Office));
        Then.Refused(given.Decide(score with { Points = 801m }, Office), "score.already-recorded", RefusalKind.Rule);
    }

    [Theory]
    // Changde §19: those shortlisted go on to the site review.
    [InlineData(true, ApplicationStatus.InProcess)]
    // The rest are told their material-review result and end there.
    [InlineData(false, ApplicationStatus.NotShortlisted)]
    public void ApplyShortlistDecision_UnderChangde_MovesOnOrEnds(bool shortlisted, ApplicationStatus status)
    {
        var given = Changde().At(StageKind.MaterialReview).Do(new RecordStageScore(StageKind.MaterialReview, 800m, null), Office);

        var decision = given.Decide(new ApplyShortlistDecision(shortlisted, 7), Office);

        var decided = Assert.IsType<ShortlistDecided>(decision.Events[0]);
        Assert.Equal((shortlisted, 7), (decided.Shortlisted, decided.Rank));
        var state = ApplicationState.Fold([.. given.Events, .. decision.Events]);
        Assert.Equal(status, state.Status);
        Assert.Equal(shortlisted ? StageKind.SiteReview : StageKind.MaterialReview, state.Stage);
    }

    [Fact]
    public void ComputeComposite_WeighsTheScoredStages_AndRepeatingItDoesNothing()
    {
        // Weihai: material 30%, site 50%, presentation 20% of percentages: 60, 80, 90 make 76.
        var given = Weihai().At(StageKind.MaterialReview)
            .Do(new RecordStageScore(StageKind.MaterialReview, 600m, null), Office)
            .Do(new RecordStageScore(StageKind.SiteReview, 800m, null), Office)
            .Do(new RecordStageScore(StageKind.Presentation, 900m, null), Office);

        var composite = Then.Single<CompositeScored, IApplicationEvent>(given.Decide(new ComputeComposite(["four-new"]), Office));

        Assert.Equal(76m, composite.Score);
        Assert.Equal(0m, composite.PreferenceBonus); // Weihai §11 encourages but grants no points.
        Assert.Equal(["four-new"], composite.ConfirmedPreferences);
        given.With(composite);
        Then.Nothing(given.Decide(new ComputeComposite([]), Office));
    }

    [Fact]
    public void ComputeComposite_ForAChangdeIndividual_RescalesAwayTheCustomerSurvey()
    {
        // Individuals have no customer survey (§21): material 0.3 and site 0.5 are rescaled to 3/8 and 5/8.
        var given = Changde(ApplicantCategory.Individual).At(StageKind.MaterialReview)
            .Do(new RecordStageScore(StageKind.MaterialReview, 800m, null), Office)
            .Do(new ApplyShortlistDecision(true, 1), Office)
            .Do(new RecordStageScore(StageKind.SiteReview, 1000m, null), Office);

        Assert.Equal(StageKind.CompositeEvaluation, given.State.Stage);
        var composite = Then.Single<CompositeScored, IApplicationEvent>(given.Decide(new ComputeComposite([]), Office));
        Assert.Equal(92.5m, composite.Score);
    }

    [Fact]
    public void ApplyCandidacy_AfterTheComposite_MovesOnToTheCandidatesNotice()
    {
        var given = Weihai().At(StageKind.CompositeEvaluation).Do(new ComputeComposite([]), Office);

        var events = Then.Accepted(given.Decide(new ApplyCandidacy(AwardTier.Recognition, 2), Office), typeof(CandidateNominated), typeof(StageEntered));

        Assert.Equal((AwardTier.Recognition, 2), (((CandidateNominated)events[0]).Tier, ((CandidateNominated)events[0]).Rank));
        // Weihai §15: the candidate list is published before the leading group decides.
        Assert.Equal(StageKind.PublicNotice, Assert.IsType<StageEntered>(events[1]).Stage);
    }

    [Fact]
    public void ApplyCandidacy_AFormerBenxiNomineeForTheAward_IsAccepted()
    {
        // Benxi §12: a nominee may go on to win the award.
        var given = ApplicationBuilder.Under("benxi").WithHistory(FormerNominee).At(StageKind.CompositeEvaluation).Do(new ComputeComposite([]), Office);

        Then.Accepted(given.Decide(new ApplyCandidacy(AwardTier.Award, 1), Office), typeof(CandidateNominated), typeof(StageEntered));
    }

    [Fact]
    public void MarkNotSelected_AtTheCompositeEvaluation_EndsTheApplication()
    {
        var given = Weihai().At(StageKind.CompositeEvaluation).Do(new ComputeComposite([]), Office);

        var notSelected = Then.Single<ApplicationNotSelected, IApplicationEvent>(given.Decide(new MarkNotSelected("综合得分未进入候选名单"), Office));

        Assert.Equal(StageKind.CompositeEvaluation, notSelected.Stage);
        Assert.Equal(ApplicationStatus.NotSelected, ApplicationState.Fold([.. given.Events, notSelected]).Status);
    }

    [Fact]
    public void ApplyProposal_ByTheLeadingGroup_MovesOnToApproval()
    {
        var given = Weihai().At(StageKind.Deliberation);

        var events = Then.Accepted(given.Decide(new ApplyProposal(AwardTier.Recognition), Office), typeof(ProposedAsWinner), typeof(StageEntered));

        Assert.Equal(AwardTier.Recognition, ((ProposedAsWinner)events[0]).Tier);
        Assert.Equal(StageKind.Approval, Assert.IsType<StageEntered>(events[1]).Stage);
    }

    public static TheoryData<string, Case, string, RefusalKind> RefusedReview => new()
    {
        // The wrong list: Weihai publishes the candidates (§15), not the proposed winners.
        { "wrong notice", new(() => Weihai().At(StageKind.PublicNotice), new PassNotice("weihai-2026-proposed-winners", NoticeList.ProposedWinners), Office), "application.wrong-notice", RefusalKind.Rule },
        {
            "notice passes with an adverse record open",
            new(() => Weihai().At(StageKind.PublicNotice).Do(new ReportAdverseRecord("c-9", Department.Tax, "欠税"), Office), new PassNotice("weihai-2026-candidates", NoticeList.Candidates), Office),
            "application.adverse-record-open", RefusalKind.Rule
        },
        { "notice before its stage", new(() => Weihai().At(StageKind.MaterialReview), new PassNotice("weihai-2026-candidates", NoticeList.Candidates), Office), "application.out-of-order", RefusalKind.Rule },
        // Changde has no opinion survey; Weihai has (§14).
        { "opinion survey under Changde", new(() => Changde().At(StageKind.MaterialReview), new RecordOpinionSurvey(true, "良好"), Office), "application.stage-not-in-policy", RefusalKind.Rule },
        { "opinion survey without summary", new(() => Weihai().At(StageKind.OpinionSurvey), new RecordOpinionSurvey(true, " "), Office), "reason.missing", RefusalKind.Invalid },
        // Weihai has no customer survey; Changde's is for organisations only (§21).
        { "customer survey under Weihai", new(() => Weihai().At(StageKind.MaterialReview), new RecordStageScore(StageKind.CustomerSatisfaction, 80m, null), Office), "application.stage-not-in-policy", RefusalKind.Rule },
        { "customer survey for a Changde individual", new(() => Changde(ApplicantCategory.Individual).At(StageKind.SiteReview), new RecordStageScore(StageKind.CustomerSatisfaction, 80m, null), Office), "application.stage-not-in-policy", RefusalKind.Rule },
        { "score a stage that is not scored", new(() => Weihai().At(StageKind.FormalReview), new RecordStageScore(StageKind.FormalReview, 80m, null), Office), "score.stage-not-scored", RefusalKind.Invalid },
        // Out of order: the site review before the material review.
        { "site before material", new(() => Weihai().At(StageKind.MaterialReview), new RecordStageScore(StageKind.SiteReview, 800m, null), Office), "application.out-of-order", RefusalKind.Rule },
        { "score above the sheet", new(() => Weihai().At(StageKind.MaterialReview), new RecordStageScore(StageKind.MaterialReview, 1000.01m, null), Office), "score.out-of-range", RefusalKind.Invalid },
        { "negative score", new(() => Weihai().At(StageKind.MaterialReview), new RecordStageScore(StageKind.MaterialReview, -1m, null), Office), "score.out-of-range", RefusalKind.Invalid },
        { "three decimals", new(() => Weihai().At(StageKind.MaterialReview), new RecordStageScore(StageKind.MaterialReview, 600.125m, null), Office), "score.out-of-range", RefusalKind.Invalid },
        { "a reviewer records the panel's score", new(() => Weihai().At(StageKind.MaterialReview), new RecordStageScore(StageKind.MaterialReview, 600m, null), Actors.Reviewer), "application.office-only", RefusalKind.Forbidden },
        // Weihai reviews everyone on site (§14): no shortlist.
        { "shortlist under Weihai", new(() => Weihai().At(StageKind.MaterialReview), new ApplyShortlistDecision(true, 1), Office), "application.no-shortlist", RefusalKind.Rule },
        { "shortlist before the material score", new(() => Changde().At(StageKind.MaterialReview), new ApplyShortlistDecision(true, 1), Office), "application.not-scored", RefusalKind.Rule },
        {
            "composite with a stage unscored",
            new(() => Weihai().At(StageKind.MaterialReview).With(new StageEntered(8, StageKind.CompositeEvaluation, Dates.Review)), new ComputeComposite([]), Office),
            "score.stage-missing", RefusalKind.Rule
        },
        { "unknown preference", new(() => Weihai().At(StageKind.CompositeEvaluation), new ComputeComposite(["ten-industries"]), Office), "score.preference-unknown", RefusalKind.Invalid },
        { "candidacy before the composite", new(() => Weihai().At(StageKind.CompositeEvaluation), new ApplyCandidacy(AwardTier.Recognition, 1), Office), "application.not-scored", RefusalKind.Rule },
        // Weihai §2: recognition only, no nomination tier.
        { "nomination under Weihai", new(() => Weihai().At(StageKind.CompositeEvaluation).Do(new ComputeComposite([]), Office), new ApplyCandidacy(AwardTier.Nomination, 1), Office), "application.tier-invalid", RefusalKind.Invalid },
        // Benxi §12: a former nominee is not nominated again.
        {
            "former nominee nominated again",
            new(() => ApplicationBuilder.Under("benxi").WithHistory(FormerNominee).At(StageKind.CompositeEvaluation).Do(new ComputeComposite([]), Office), new ApplyCandidacy(AwardTier.Nomination, 1), Office),
            "application.no-repeat-nomination", RefusalKind.Rule
        },
        { "not selected at the material review", new(() => Weihai().At(StageKind.MaterialReview), new MarkNotSelected("未入选"), Office), "application.out-of-order", RefusalKind.Rule },
        { "not selected without reason", new(() => Weihai().At(StageKind.Deliberation), new MarkNotSelected(" "), Office), "reason.missing", RefusalKind.Invalid },
        { "not selected after it ended", new(() => Weihai().Submitted().Do(new Withdraw("撤回"), Applicant), new MarkNotSelected("未入选"), Office), "application.ended", RefusalKind.Rule },
        { "proposal for a tier the policy lacks", new(() => Weihai().At(StageKind.Deliberation), new ApplyProposal(AwardTier.Award), Office), "application.tier-invalid", RefusalKind.Invalid },
        { "proposal for another tier than the candidacy", new(() => ApplicationBuilder.Under("benxi").At(StageKind.Deliberation), new ApplyProposal(AwardTier.Nomination), Office), "application.tier-mismatch", RefusalKind.Rule },
        // The register learnt of an earlier nomination after the candidacy (Benxi §12).
        {
            "former nominee proposed for the nomination",
            new(() =>
            {
                var app = ApplicationBuilder.Under("benxi").Aiming(AwardTier.Nomination).At(StageKind.Deliberation);
                return app.WithHistory(FormerNominee);
            }, new ApplyProposal(AwardTier.Nomination), Office),
            "application.no-repeat-nomination", RefusalKind.Rule
        },
        { "proposal before deliberation", new(() => Weihai().At(StageKind.CompositeEvaluation), new ApplyProposal(AwardTier.Recognition), Office), "application.out-of-order", RefusalKind.Rule },
    };

    [Theory]
    [MemberData(nameof(RefusedReview))]
    public void Review_WhenNotAllowed_IsRefused(string why, Case row, string code, RefusalKind kind)
    {
        Then.Refused(row.Run(), code, kind, why);
    }
}
