using QualityAward.Domain.Applications;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Review;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Review;

/// <summary>
/// Expert review: given the review's events, when a command, then events or a refusal. The
/// application is walked to its stage by <see cref="ApplicationBuilder"/>; the pool holds six
/// experts, one of whom works for the applicant (same credit code), and two more to join panels later.
/// </summary>
public sealed partial class ReviewDeciderTests
{
    private static readonly Actor Office = Actors.Office;
    private static readonly Actor Supervisor = new("supervisor-1", Roles.Supervisor, "监督组");

    private static Actor Expert(string id) => new(id, Roles.Reviewer, id);

    private static ExpertPoolState Pool()
    {
        var pool = ExpertPoolState.Initial;
        foreach (var (id, employer, code) in new[]
        {
            ("exp-a", "山东大学", (string?)null),
            ("exp-b", "威海市标准化研究院", null),
            ("exp-c", "哈尔滨工业大学（威海）", null),
            ("exp-x", "某关联公司", Forms.CreditCodeValue),
            ("exp-d", "山东省质量评价协会", null),
            ("exp-e", "哈尔滨工业大学", null),
        })
        {
            var d = ExpertPoolDecider.Decide(new RegisterExpert(id, new ExpertDetails(id, employer, code, "卓越绩效", ["C3670"], "0631-1234567")), pool, Office, Dates.Review);
            pool = d.Events.Aggregate(pool, ExpertPoolState.Evolve);
        }

        return pool;
    }

    private sealed class Given(string policyId, StageKind stage)
    {
        public ApplicationBuilder App { get; } = ApplicationBuilder.Under(policyId).At(stage);

        public ExpertPoolState Pool { get; } = ReviewDeciderTests.Pool();

        public ReviewState State { get; private set; } = ReviewState.Initial;

        public StageKind Stage { get; } = stage;

        public string AppId => App.ApplicationId;

        public Decision<IReviewEvent> Decide(IReviewCommand command, Actor actor, DateTimeOffset? now = null) =>
            ReviewDecider.Decide(command, State, new ReviewContext(App.Policy, Pool, App.State, actor, now ?? Dates.Review));

        public Given Do(IReviewCommand command, Actor actor, DateTimeOffset? now = null)
        {
            var d = Decide(command, actor, now);
            Assert.False(d.IsRefused, $"{command.GetType().Name} was refused: {d.Refusal}");
            State = d.Events.Aggregate(State, ReviewState.Evolve);
            return this;
        }

        public Given Panel(params string[] members) =>
            Do(new FormPanel("panel-1", "第一评审组", null, members, members[0]), Office)
                .Do(new AssignPanel(AppId, Stage, "panel-1"), Office);

        public IReadOnlyDictionary<string, decimal> Sheet(decimal share) =>
            App.Policy.Scoring.SheetFor(ApplicantCategory.Organisation).Items.ToDictionary(i => i.Code, i => decimal.Round(i.Max * share, 1));
    }

    [Fact]
    public void FormPanel_LeaderMustBeAMember_AndMembersMustBeInThePool()
    {
        var given = new Given("weihai", StageKind.MaterialReview);

        Then.Refused(given.Decide(new FormPanel("panel-1", "组", null, ["exp-a", "exp-b"], "exp-c"), Office), "review.leader-not-member", RefusalKind.Invalid);
        Then.Refused(given.Decide(new FormPanel("panel-1", "组", null, ["exp-a", "exp-nobody"], "exp-a"), Office), "review.expert-not-in-pool", RefusalKind.Invalid);
        Then.Refused(given.Decide(new FormPanel("panel-1", "组", null, ["exp-a"], "exp-a"), Expert("exp-a")), "application.office-only", RefusalKind.Forbidden);
    }

    [Fact]
    public void AssignPanel_FlagsTheExpertWhoseEmployerHasTheApplicantsCreditCode()
    {
        var given = new Given("weihai", StageKind.MaterialReview);
        given.Do(new FormPanel("panel-1", "第一评审组", null, ["exp-a", "exp-b", "exp-x"], "exp-a"), Office);

        var events = Then.Accepted(given.Decide(new AssignPanel(given.AppId, StageKind.MaterialReview, "panel-1"), Office), typeof(PanelAssigned), typeof(ConflictFlagged));

        var flag = Assert.IsType<ConflictFlagged>(events[1]);
        Assert.Equal("exp-x", flag.ExpertId);
        Assert.Contains("统一社会信用代码", flag.Reason);
    }

    [Theory]
    [InlineData("威海市标准化研究院", null, null)] // unrelated: no flag
    [InlineData("示例精密机械有限公司", null, "名称相同")] // works for the applicant (same name)
    [InlineData("示例精密机械有限公司 ", null, "名称相同")] // spaces do not hide it
    [InlineData("示例精密机械（集团）有限公司", null, null)] // a similar name is the office's judgement, not the system's
    [InlineData("另一家公司", "91350100m000100y43", "统一社会信用代码")] // same credit code, whatever the case
    public void ObviousConflict_ByEmployerNameOrCreditCode(string employer, string? creditCode, string? expected)
    {
        var applicant = new ApplicantSnapshot("app-1", ApplicantCategory.Organisation, "applicant-1", "示例精密机械有限公司", Forms.CreditCodeValue, null, null);

        var reason = ReviewDecider.ObviousConflict(new ExpertDetails("专家", employer, creditCode, "卓越绩效", [], "电话"), applicant);

        if (expected is null)
        {
            Assert.Null(reason);
        }
        else
        {
            Assert.Contains(expected, reason);
        }
    }

    [Fact]
    public void ObviousConflict_ForAnIndividual_IsTheirEmployer()
    {
        var person = new ApplicantSnapshot("app-2", ApplicantCategory.Individual, "applicant-2", "王质量", null, "示例精密机械有限公司", Forms.CreditCodeValue);

        Assert.Contains("所在单位", ReviewDecider.ObviousConflict(new ExpertDetails("专家", "示例精密机械有限公司", null, "卓越绩效", [], "电话"), person));
    }

    [Fact]
    public void AssignPanel_ToAnotherStageThanTheApplicationsOwn_IsRefused()
    {
        var given = new Given("weihai", StageKind.MaterialReview);
        given.Do(new FormPanel("panel-1", "第一评审组", null, ["exp-a"], "exp-a"), Office);

        Then.Refused(given.Decide(new AssignPanel(given.AppId, StageKind.SiteReview, "panel-1"), Office), "review.not-at-stage", RefusalKind.Rule);
    }

    [Fact]
    public void DeclaredConflict_RecusesTheReviewer_WhoCanNeitherSeeNorScore()
    {
        var given = new Given("weihai", StageKind.MaterialReview).Panel("exp-a", "exp-b", "exp-c");

        Then.Accepted(given.Decide(new DeclareConflict(given.AppId, "三年前曾为该公司做过咨询"), Expert("exp-b")), typeof(ConflictDeclared), typeof(ReviewerRecused));
        given.Do(new DeclareConflict(given.AppId, "三年前曾为该公司做过咨询"), Expert("exp-b"));

        Assert.False(given.State.MayReview(given.AppId, "exp-b"));
        Assert.Equal(RecusalBasis.Declared, given.State.Recusals[(given.AppId, "exp-b")].Basis);
        Then.Refused(given.Decide(new SubmitReviewScore(given.AppId, StageKind.MaterialReview, given.Sheet(0.6m)), Expert("exp-b")), "application.not-found", RefusalKind.NotFound);
        Assert.Equal(["exp-a", "exp-c"], given.State.ActiveMembers(given.AppId, StageKind.MaterialReview));
        Then.Refused(given.Decide(new RecordReviewerView(given.AppId), Expert("exp-b")), "application.not-found", RefusalKind.NotFound);
        Then.Single<ApplicationViewedByReviewer, IReviewEvent>(given.Decide(new RecordReviewerView(given.AppId), Expert("exp-a")));
    }

    [Fact]
    public void SupervisorsProposal_TheOfficeDecides_AndTheRecordSaysWhoAndWhy()
    {
        var given = new Given("weihai", StageKind.MaterialReview).Panel("exp-a", "exp-b", "exp-c");

        Then.Refused(given.Decide(new ProposeRecusal(given.AppId, "exp-c", "与申报单位负责人系亲属"), Office), "review.supervisors-only", RefusalKind.Forbidden);
        Then.Refused(given.Decide(new DecideRecusal(given.AppId, "exp-c", false, "无"), Office), "review.nothing-to-decide", RefusalKind.Rule);
        given.Do(new ProposeRecusal(given.AppId, "exp-c", "与申报单位负责人系亲属"), Supervisor);

        // A pending proposal stops the report.
        Then.Refused(given.Decide(new SignPanelReport(given.AppId, StageKind.MaterialReview, "报告"), Expert("exp-a")), "review.conflict-pending", RefusalKind.Rule);

        var recused = Then.Single<ReviewerRecused, IReviewEvent>(given.Decide(new DecideRecusal(given.AppId, "exp-c", true, "经核实属近亲属，予以回避"), Office));
        Assert.Equal((RecusalBasis.Proposed, "经核实属近亲属，予以回避"), (recused.Basis, recused.Reason));
    }

    [Fact]
    public void OfficeFindsNoConflictInAFlag_TheReviewerStays()
    {
        var given = new Given("weihai", StageKind.MaterialReview);
        given.Do(new FormPanel("panel-1", "组", null, ["exp-a", "exp-b", "exp-x"], "exp-a"), Office).Do(new AssignPanel(given.AppId, StageKind.MaterialReview, "panel-1"), Office);

        given.Do(new DecideRecusal(given.AppId, "exp-x", false, "该专家已于上月离职，不存在利益关系"), Office);

        Assert.True(given.State.MayReview(given.AppId, "exp-x"));
        Assert.Empty(given.State.Pending);
    }

    [Fact]
    public void Score_MustCoverEverySheetItemWithinItsMax_AndNothingElse()
    {
        var given = new Given("weihai", StageKind.MaterialReview).Panel("exp-a", "exp-b", "exp-c");
        var items = given.Sheet(0.5m).ToDictionary();
        items.Remove("4.1.2");
        items["4.7.2"] = 81; // max 80
        items["9.9"] = 1;

        var refusal = Then.Refused(given.Decide(new SubmitReviewScore(given.AppId, StageKind.MaterialReview, items), Expert("exp-a")), "score.sheet-invalid", RefusalKind.Invalid);

        Assert.Equal(["items.9.9", "items.4.1.2", "items.4.7.2"], refusal.Problems.Select(p => p.Field));
        var scored = Then.Single<ReviewScoreSubmitted, IReviewEvent>(given.Decide(new SubmitReviewScore(given.AppId, StageKind.MaterialReview, given.Sheet(0.5m)), Expert("exp-a")));
        Assert.Equal(given.Sheet(0.5m).Values.Sum(), scored.Total);
        Assert.Equal(1000, given.App.Policy.Scoring.SheetFor(ApplicantCategory.Organisation).MaxTotal);
    }

    [Fact]
    public void Scores_AreIndependent_OthersAreSeenOnlyAfterOnesOwn_AndOnlyOnce()
    {
        var given = new Given("weihai", StageKind.MaterialReview).Panel("exp-a", "exp-b", "exp-c");
        given.Do(new SubmitReviewScore(given.AppId, StageKind.MaterialReview, given.Sheet(0.6m)), Expert("exp-b"));

        Assert.False(ReviewDecider.CanSeePanelScores(given.State, given.AppId, StageKind.MaterialReview, Expert("exp-a")));
        Assert.True(ReviewDecider.CanSeePanelScores(given.State, given.AppId, StageKind.MaterialReview, Expert("exp-b")));
        Assert.True(ReviewDecider.CanSeePanelScores(given.State, given.AppId, StageKind.MaterialReview, Supervisor));
        Then.Refused(given.Decide(new SubmitReviewScore(given.AppId, StageKind.MaterialReview, given.Sheet(0.7m)), Expert("exp-b")), "review.already-scored", RefusalKind.Rule);
    }

    [Fact]
    public void TeamLeader_SendsItemsBack_TheReviewerScoresAgain_ThenSignsWithTheTrimmedMeanAndTheDisagreementFlagged()
    {
        // Weihai: trimmed mean, disagreement threshold 15 points out of 100.
        var given = new Given("weihai", StageKind.MaterialReview).Panel("exp-a", "exp-b", "exp-c", "exp-x");
        given.Do(new DecideRecusal(given.AppId, "exp-x", false, "已离职，无利益关系"), Office);
        given.Do(new SubmitReviewScore(given.AppId, StageKind.MaterialReview, given.Sheet(0.6m)), Expert("exp-a"))
            .Do(new SubmitReviewScore(given.AppId, StageKind.MaterialReview, given.Sheet(0.62m)), Expert("exp-b"))
            .Do(new SubmitReviewScore(given.AppId, StageKind.MaterialReview, given.Sheet(0.9m)), Expert("exp-c"));

        Then.Refused(given.Decide(new SignPanelReport(given.AppId, StageKind.MaterialReview, "报告"), Expert("exp-a")), "review.scores-missing", RefusalKind.Rule);
        given.Do(new SubmitReviewScore(given.AppId, StageKind.MaterialReview, given.Sheet(0.3m)), Expert("exp-x"));
        Then.Refused(given.Decide(new RequestRescore(given.AppId, StageKind.MaterialReview, "exp-c", ["4.7.2"], "结果类评分偏高"), Expert("exp-b")), "review.leader-only", RefusalKind.Forbidden);
        given.Do(new RequestRescore(given.AppId, StageKind.MaterialReview, "exp-c", ["4.7.2"], "结果类评分偏高，请依证据复评"), Expert("exp-a"));
        Then.Refused(given.Decide(new SignPanelReport(given.AppId, StageKind.MaterialReview, "报告"), Expert("exp-a")), "review.scores-missing", RefusalKind.Rule);
        // Only 4.7.2 was sent back: a resubmission that moves every item is refused (issue 16), one that moves 4.7.2 is taken.
        Then.Refused(given.Decide(new SubmitReviewScore(given.AppId, StageKind.MaterialReview, given.Sheet(0.85m)), Expert("exp-c")), "review.rescore-outside-items", RefusalKind.Rule);
        var rescored = given.Sheet(0.9m).ToDictionary();
        rescored["4.7.2"] = 32m;
        given.Do(new SubmitReviewScore(given.AppId, StageKind.MaterialReview, rescored), Expert("exp-c"));

        var report = Then.Single<PanelReportSigned, IReviewEvent>(given.Decide(new SignPanelReport(given.AppId, StageKind.MaterialReview, "材料审查报告"), Expert("exp-a")));

        var totals = new[] { given.Sheet(0.6m).Values.Sum(), given.Sheet(0.62m).Values.Sum(), rescored.Values.Sum(), given.Sheet(0.3m).Values.Sum() }.Order().ToList();
        Assert.Equal(decimal.Round((totals[1] + totals[2]) / 2, 2, MidpointRounding.AwayFromZero), report.Points);
        Assert.Equal((PanelScoreRule.TrimmedMean, 1000m, "exp-a"), (report.Rule, report.MaxPoints, report.SignedBy));
        Assert.Equal(["exp-c", "exp-x"], report.Disagreements);
        Then.Refused(given.Do(new SignPanelReport(given.AppId, StageKind.MaterialReview, "材料审查报告"), Expert("exp-a"))
            .Decide(new SubmitReviewScore(given.AppId, StageKind.MaterialReview, given.Sheet(0.5m)), Expert("exp-x")), "review.report-signed", RefusalKind.Rule);
    }

    [Theory]
    [InlineData(PanelScoreRule.Mean, new[] { 600.0, 700.0 }, 650.0)] // Changde: the plain mean
    [InlineData(PanelScoreRule.Mean, new[] { 600.0, 601.0, 601.0 }, 600.67)] // rounded half away from zero to 2 decimals
    [InlineData(PanelScoreRule.TrimmedMean, new[] { 100.0, 600.0, 700.0, 990.0 }, 650.0)] // Weihai: highest and lowest dropped
    [InlineData(PanelScoreRule.TrimmedMean, new[] { 500.0, 500.0, 500.0 }, 500.0)] // equal extremes: one of each dropped
    public void PanelScore_FollowsThePolicysRule(PanelScoreRule rule, double[] totals, double expected) =>
        Assert.Equal((decimal)expected, ReviewDecider.PanelScore(rule, totals.Select(t => (decimal)t).ToList()).Value);

    [Fact]
    public void TrimmedMean_OfTwoScores_IsRefused() =>
        Assert.Equal("review.too-few-scores", ReviewDecider.PanelScore(PanelScoreRule.TrimmedMean, [600m, 700m]).Refusal!.Code);

    [Fact]
    public void ConductRating_AfterTheSiteReview_OnlyOfTheSiteReviewers_ByTheCandidate()
    {
        // Changde §37.
        var given = new Given("changde", StageKind.SiteReview).Panel("exp-a", "exp-b");
        var rate = new RateReviewers(given.AppId, [new ConductRating("exp-a", 5, "认真负责")]);
        Then.Refused(given.Decide(rate, Actors.Applicant), "review.site-review-not-done", RefusalKind.Rule);
        given.Do(new SubmitReviewScore(given.AppId, StageKind.SiteReview, given.Sheet(0.7m)), Expert("exp-a"))
            .Do(new SubmitReviewScore(given.AppId, StageKind.SiteReview, given.Sheet(0.8m)), Expert("exp-b"))
            .Do(new SignPanelReport(given.AppId, StageKind.SiteReview, "现场评审报告"), Expert("exp-a"));

        Then.Refused(given.Decide(rate, Actors.OtherApplicant), "application.not-found", RefusalKind.NotFound);
        Then.Refused(given.Decide(new RateReviewers(given.AppId, [new ConductRating("exp-c", 4, null)]), Actors.Applicant), "review.not-your-reviewer", RefusalKind.Invalid);
        var rated = Then.Single<ReviewerConductRated, IReviewEvent>(given.Decide(rate, Actors.Applicant));
        Assert.Equal(("exp-a", 5), (rated.ExpertId, rated.Rating));
    }

    [Theory]
    // At the stage the panel was assigned, in process: the panel needs the materials.
    [InlineData(ApplicationStatus.InProcess, StageKind.MaterialReview, "exp-a", true)]
    // Not a member of the panel.
    [InlineData(ApplicationStatus.InProcess, StageKind.MaterialReview, "exp-x", false)]
    // Not shortlisted, withdrawn, disqualified: the application has left review (Changde §38, Xinzhou §28).
    [InlineData(ApplicationStatus.NotShortlisted, StageKind.MaterialReview, "exp-a", false)]
    [InlineData(ApplicationStatus.Withdrawn, StageKind.MaterialReview, "exp-a", false)]
    [InlineData(ApplicationStatus.Disqualified, StageKind.MaterialReview, "exp-a", false)]
    // Moved on to the site review, where no panel of theirs is assigned; or past review altogether.
    [InlineData(ApplicationStatus.InProcess, StageKind.SiteReview, "exp-a", false)]
    [InlineData(ApplicationStatus.InProcess, StageKind.CompositeEvaluation, "exp-a", false)]
    [InlineData(ApplicationStatus.Awarded, StageKind.Approval, "exp-a", false)]
    public void NeedToKnow_LastsWhileTheApplicationIsAtTheStageTheirPanelReviews(ApplicationStatus status, StageKind stage, string expert, bool needs)
    {
        var given = new Given("weihai", StageKind.MaterialReview).Panel("exp-a", "exp-b");
        var app = given.App.State with { Status = status, Stage = stage };

        Assert.Equal(needs, given.State.NeedsToKnow(app, expert));
    }

    [Fact]
    public void NeedToKnow_EndsForARecusedReviewer()
    {
        var given = new Given("weihai", StageKind.MaterialReview).Panel("exp-a", "exp-b")
            .Do(new DecideRecusal(ApplicationBuilder.Id, "exp-b", true, "与申报单位存在利害关系"), Office);

        Assert.True(given.State.NeedsToKnow(given.App.State, "exp-a"));
        Assert.False(given.State.NeedsToKnow(given.App.State, "exp-b"));
    }

    [Fact]
    public void AssignedReviewer_ReadsTradeSecrets_ARecusedOrUnassignedOneLearnsNothing()
    {
        var app = ApplicationBuilder.Under("weihai").At(StageKind.MaterialReview).State;
        var secret = Forms.SelfAssessment with { DocumentId = "doc-secret", TradeSecret = true };
        var withSecret = app with { Documents = app.Documents.Add(secret) };

        Assert.Null(ApplicationDecider.PermReadDocument(withSecret, Expert("exp-a"), "doc-secret", assignedReviewer: true));
        Assert.Equal("application.not-found", ApplicationDecider.PermReadDocument(withSecret, Expert("exp-a"), "doc-secret", assignedReviewer: false)!.Code);
        Assert.False(ApplicationDecider.CanReadApplication(withSecret, Expert("exp-a")));
    }

    [Theory]
    // an earlier view by exp-a at 2026-07-01 10:00 (Shanghai); then a view by (expert, at Shanghai hour on day) -> recorded again?
    [InlineData("exp-a", 1, 16, false)] // the same expert the same day: nothing
    [InlineData("exp-a", 2, 9, true)] // the next day: recorded
    [InlineData("exp-b", 1, 11, true)] // another expert the same day: recorded
    [InlineData("exp-a", 1, 7, false)] // earlier the same Shanghai day (still 2026-06-30 in UTC): nothing
    public void ReviewerView_IsRecordedOncePerExpertApplicationAndShanghaiDay(string expert, int day, int hour, bool recorded)
    {
        var given = new Given("weihai", StageKind.MaterialReview).Panel("exp-a", "exp-b", "exp-c");
        given.Do(new RecordReviewerView(given.AppId), Expert("exp-a"), Dates.At(2026, 7, 1, 10));

        var decision = given.Decide(new RecordReviewerView(given.AppId), Expert(expert), Dates.At(2026, 7, day, hour));

        if (recorded)
        {
            var view = Then.Single<ApplicationViewedByReviewer, IReviewEvent>(decision);
            Assert.Equal((given.AppId, expert), (view.ApplicationId, view.ExpertId));
        }
        else
        {
            Then.Nothing(decision);
        }
    }

    [Fact]
    public void ReviewerView_ByARecusedExpertWhoViewedToday_IsRefused()
    {
        // The dedupe never stands in for the permission: access ended today, the view is refused.
        var given = new Given("weihai", StageKind.MaterialReview).Panel("exp-a", "exp-b", "exp-c");
        given.Do(new RecordReviewerView(given.AppId), Expert("exp-b"), Dates.At(2026, 7, 1, 9))
            .Do(new DeclareConflict(given.AppId, "三年前曾为该公司做过咨询"), Expert("exp-b"), Dates.At(2026, 7, 1, 10));

        Then.Refused(given.Decide(new RecordReviewerView(given.AppId), Expert("exp-b"), Dates.At(2026, 7, 1, 11)), "application.not-found", RefusalKind.NotFound);
    }
}
