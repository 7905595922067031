using QualityAward.Domain.Applications;
using QualityAward.Domain.Calendar;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Notices;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Review;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Applications;

/// <summary>Where an application stands, what it waits for and what moves it on (issue 16): the office's worklist.</summary>
public sealed class ProgressTests
{
    private static readonly Actor Office = Actors.Office;

    private static Standing Of(ApplicationBuilder app, ReviewState? review = null, DateTimeOffset? now = null) =>
        Progress.Of(new ProgressInput(app.State, app.Cycle.State, review ?? ReviewState.Initial, app.Cycle.Notices, new Dictionary<string, ApplicationState> { [app.ApplicationId] = app.State }, now ?? Dates.Review, WorkingDayCalendar.MainlandChina));

    private static ExpertPoolState Pool(params string[] experts) =>
        experts.Aggregate(ExpertPoolState.Initial, (pool, id) => ExpertPoolDecider.Decide(new RegisterExpert(id, new ExpertDetails(id, $"机构{id}", null, "卓越绩效", [], "电话")), pool, Office, Dates.Review).Events.Aggregate(pool, ExpertPoolState.Evolve));

    /// <summary>The review of the application at its stage: a panel of these members (the first leads), then the given commands.</summary>
    private static ReviewState Review(ApplicationBuilder app, string[] members, params (IReviewCommand Command, Actor By)[] then)
    {
        var pool = Pool("exp-a", "exp-b", "exp-c", "exp-d");
        var state = ReviewState.Initial;
        var stage = app.State.Stage!.Value;
        foreach (var (command, by) in new (IReviewCommand, Actor)[] { (new FormPanel("panel-1", "评审组", null, members, members[0]), Office), (new AssignPanel(app.ApplicationId, stage, "panel-1"), Office) }.Concat(then))
        {
            var d = ReviewDecider.Decide(command, state, new ReviewContext(app.Policy, pool, app.State, by, Dates.Review));
            Assert.False(d.IsRefused, $"{command.GetType().Name}: {d.Refusal}");
            state = d.Events.Aggregate(state, ReviewState.Evolve);
        }

        return state;
    }

    private static Actor Expert(string id) => new(id, Roles.Reviewer, id);

    private static IReadOnlyDictionary<string, decimal> Sheet(ApplicationBuilder app, decimal share) =>
        app.Policy.Scoring.SheetFor(app.Category).Items.ToDictionary(i => i.Code, i => decimal.Round(i.Max * share, 1));

    [Fact]
    public void Issue16_TheChosenApplicationThatSatInDeliberation_IsMovedOnByApplyingTheProposal()
    {
        // Given: Weihai; the leading group chose app-0001, but the proposal never reached it (it was refused while the notice ran).
        var app = ApplicationBuilder.Under("weihai").At(StageKind.Deliberation);
        app.Cycle.With(new WinnersProposed([new WinnerEntry(app.ApplicationId, ApplicantCategory.Organisation, AwardTier.Recognition, false)], [], DeliberationMethod.Deliberation, "领导小组", null, "纪要", Dates.Review));

        // When the office asks where it stands, then it is told: apply the decision (the workflow's step), or correct, or end.
        var standing = Of(app);

        Assert.False(standing.Ended);
        Assert.Equal("cycle.decided", standing.WaitsFor);
        var first = standing.Steps[0];
        Assert.Equal((nameof(ApplyProposal), Roles.System, StepEffect.Advances), (first.Command, first.Role, first.Effect));
        Then.Accepted(app.Decide(new ApplyProposal(AwardTier.Recognition), Actor.System), typeof(ProposedAsWinner), typeof(StageEntered));
        Assert.Contains(standing.Steps, s => s.Command == nameof(Disqualify) && s.Effect == StepEffect.Ends);
    }

    [Fact]
    public void Issue16_TooFewScoresAfterARecusal_TheOfficeIsToldToAddReplaceOrReassign()
    {
        var app = ApplicationBuilder.Under("weihai").At(StageKind.MaterialReview);
        var review = Review(app, ["exp-a", "exp-b", "exp-c"],
            (new SubmitReviewScore(app.ApplicationId, StageKind.MaterialReview, Sheet(app, 0.6m)), Expert("exp-a")),
            (new SubmitReviewScore(app.ApplicationId, StageKind.MaterialReview, Sheet(app, 0.7m)), Expert("exp-c")),
            (new DeclareConflict(app.ApplicationId, "曾为该单位提供咨询"), Expert("exp-b")));

        var standing = Of(app, review);

        Assert.Equal("review.too-few-scores", standing.WaitsFor);
        Assert.Equal(
            [nameof(AddPanelMember), nameof(ReplacePanelMember), nameof(ReassignPanel)],
            standing.Steps.Where(s => s.Effect == StepEffect.Corrects).Select(s => s.Command));
        Assert.DoesNotContain(standing.Steps, s => s.Command == nameof(SignPanelReport));
        Assert.All(standing.Steps.Where(s => s.Effect == StepEffect.Corrects), s => Assert.Equal(Roles.Office, s.Role));
    }

    [Fact]
    public void Issue16_ARecusedTeamLeaderUnderChangde_TheOfficeIsToldToAppointAnother_NotToSign()
    {
        var app = ApplicationBuilder.Under("changde").At(StageKind.MaterialReview);
        var review = Review(app, ["exp-a", "exp-b", "exp-c"],
            (new SubmitReviewScore(app.ApplicationId, StageKind.MaterialReview, Sheet(app, 0.6m)), Expert("exp-b")),
            (new SubmitReviewScore(app.ApplicationId, StageKind.MaterialReview, Sheet(app, 0.7m)), Expert("exp-c")),
            (new ProposeRecusal(app.ApplicationId, "exp-a", "组长与申报单位有利害关系"), new Actor("supervisor-1", Roles.Supervisor)),
            (new DecideRecusal(app.ApplicationId, "exp-a", true, "予以回避"), Office));

        var standing = Of(app, review);

        Assert.Equal("review.leader-recused", standing.WaitsFor);
        Assert.Contains("§19", standing.Zh);
        Assert.Contains(standing.Steps, s => s.Command == nameof(AppointTeamLeader) && s.Role == Roles.Office);
        Assert.DoesNotContain(standing.Steps, s => s.Command == nameof(SignPanelReport));
    }

    [Fact]
    public void WaitingForScores_NamesEachReviewer()
    {
        var app = ApplicationBuilder.Under("weihai").At(StageKind.SiteReview);
        var review = Review(app, ["exp-a", "exp-b", "exp-c"], (new SubmitReviewScore(app.ApplicationId, StageKind.SiteReview, Sheet(app, 0.6m)), Expert("exp-b")));

        var standing = Of(app, review);

        Assert.Equal("review.scores-missing", standing.WaitsFor);
        Assert.Equal(["exp-a", "exp-c"], standing.Steps.Where(s => s.Command == nameof(SubmitReviewScore)).Select(s => s.By));
        Assert.All(standing.Steps.Where(s => s.Command == nameof(SubmitReviewScore)), s => Assert.Equal(Roles.Reviewer, s.Role));
    }

    [Fact]
    public void UnderNotice_ItWaitsUntilTheNoticeEnds_AndAnOpenObjectionMakesItOverdue()
    {
        // Changde §15: the acceptance list for at least 5 working days (from Monday 2026-06-08: to the end of Friday 06-12).
        var app = ApplicationBuilder.Under("changde").At(StageKind.PublicNotice);
        app.Cycle.NoticePublished(NoticeList.Acceptance);
        var notice = app.Cycle.Notices[app.Cycle.NoticeIdOf(NoticeList.Acceptance)];
        Assert.Contains(notice.Entries, e => e.ApplicationId == "app-a"); // the builder's notice lists app-a, not this application
        var entry = new NoticeEntry(app.ApplicationId, "示例单位", ApplicantCategory.Organisation, "武陵区", null);
        var withApp = notice with { Opened = notice.Opened! with { Entries = [entry] }, Entries = [entry] };
        var notices = new Dictionary<string, NoticeState> { [notice.Opened!.NoticeId] = withApp };
        Standing At(DateTimeOffset now, IReadOnlyDictionary<string, NoticeState> n) =>
            Progress.Of(new ProgressInput(app.State, app.Cycle.State, ReviewState.Initial, n, new Dictionary<string, ApplicationState>(), now, WorkingDayCalendar.MainlandChina));

        var running = At(Dates.At(2026, 6, 10), notices);
        Assert.Equal(("notice.running", false), (running.WaitsFor, running.Overdue));
        var close = Assert.Single(running.Steps, s => s.Effect == StepEffect.Waits);
        Assert.Equal(("CloseNotice", ShanghaiTime.EndOf(new DateOnly(2026, 6, 12))), (close.Command, close.NotBefore!.Value));
        Assert.Equal(close.NotBefore, running.DueAt);

        var objected = NoticeDecider.Decide(new FileObjection("obj-1", new string('0', 64), app.ApplicationId, false, null, null, "材料不实", []), withApp, new NoticeContext(Dates.At(2026, 6, 11), WorkingDayCalendar.MainlandChina, new Actor("anonymous", "public"))).Events.Aggregate(withApp, NoticeState.Evolve);
        var late = At(Dates.At(2026, 6, 16), new Dictionary<string, NoticeState> { [notice.Opened.NoticeId] = objected });
        Assert.Equal(("notice.objections-open", true), (late.WaitsFor, late.Overdue));
        Assert.Equal(("RecordObjectionFinding", Roles.Office), (late.Steps[0].Command, late.Steps[0].Role));
    }

    [Fact]
    public void AConsultation_IsOverdueAfterTheReplyDaysOnTheCalendar()
    {
        // Changde §13: departments answer within 10 working days (office setting). Entered 2026-07-01 (Wednesday): due by the end of 07-15.
        var app = ApplicationBuilder.Under("changde").At(StageKind.Recommendation)
            .Do(new Recommend("同意推荐", "区政府批复〔2026〕1号"), Actors.RecommenderFor("changde", Forms.Valid(PolicyPresets.Get("changde"), ApplicantCategory.Organisation).RecommenderId), Dates.At(2026, 7, 1));

        var onTime = Of(app, now: Dates.At(2026, 7, 15, 18));
        var late = Of(app, now: Dates.At(2026, 7, 16, 9));

        Assert.Equal(StageKind.Consultation, onTime.Stage);
        Assert.Equal(ShanghaiTime.EndOf(new DateOnly(2026, 7, 15)), onTime.DueAt);
        Assert.Equal((false, true), (onTime.Overdue, late.Overdue));
        Assert.Equal(Dates.At(2026, 7, 1), late.Since);
    }

    [Fact]
    public void AnEndedApplication_HasNoSteps()
    {
        var app = ApplicationBuilder.Under("weihai").At(StageKind.SiteReview).Do(new Withdraw("经营调整"), Actors.Applicant);

        var standing = Of(app);

        Assert.True(standing.Ended);
        Assert.Empty(standing.Steps);
        Assert.Equal("application.withdrawn", standing.WaitsFor);
    }

    [Fact]
    public void NotSelectedByADecisionSinceWithdrawn_ItIsBroughtBack()
    {
        var app = ApplicationBuilder.Under("weihai").At(StageKind.Deliberation).Do(new MarkNotSelected("未列入获奖建议名单"), Actor.System);
        Assert.True(Of(app).Ended);

        app.Cycle.With(new CycleDecisionWithdrawn(CycleDecision.Winners, [], [app.ApplicationId], "重新审议", Dates.Review));
        var standing = Of(app);

        Assert.False(standing.Ended);
        var back = Assert.Single(standing.Steps);
        Assert.Equal((nameof(ReopenStage), Roles.System, "Deliberation"), (back.Command, back.Role, back.Target));
    }

    [Fact]
    public void TheLeadingGroupsDecision_WaitsForTheCandidatesNotice_AndSaysWhen()
    {
        // Weihai §15: 公示结束后，提交市质量强市领导小组审议.
        var app = ApplicationBuilder.Under("weihai").At(StageKind.Deliberation);
        app.Cycle.NoticePublished(NoticeList.Candidates);

        var standing = Of(app, now: Dates.At(2026, 6, 9));

        Assert.Equal("cycle.notice-open", standing.WaitsFor);
        Assert.Contains(standing.Steps, s => s.Command == nameof(ProposeWinners) && s.Role == Roles.Committee && s.Effect == StepEffect.Waits);
        Assert.Contains(standing.Steps, s => s.Command == "CloseNotice" && s.NotBefore == ShanghaiTime.EndOf(new DateOnly(2026, 6, 12)));
    }
}
