using QualityAward.Domain.Policies;
using QualityAward.Domain.Review;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Review;

/// <summary>
/// Issue 16, the review's dead ends: panels that change (members added or replaced, another
/// team leader, another panel), a recused team leader, and re-scoring limited to what was sent back.
/// </summary>
public sealed partial class ReviewDeciderTests
{
    private const StageKind Material = StageKind.MaterialReview;

    [Fact]
    public void Issue16_RecusalLeavesTwoOfThree_TheOfficeAddsAMember_WhoScoresIndependently_ThenTheReportIsSigned()
    {
        // Given: Weihai (trimmed mean, at least 3 scores); a, b, c scored, then b declared a conflict.
        var given = new Given("weihai", Material).Panel("exp-a", "exp-b", "exp-c");
        given.Do(new SubmitReviewScore(given.AppId, Material, given.Sheet(0.6m)), Expert("exp-a"))
            .Do(new SubmitReviewScore(given.AppId, Material, given.Sheet(0.7m)), Expert("exp-b"))
            .Do(new SubmitReviewScore(given.AppId, Material, given.Sheet(0.8m)), Expert("exp-c"))
            .Do(new DeclareConflict(given.AppId, "曾任该单位质量顾问"), Expert("exp-b"));

        // The dead end as it was: no report, no second panel, no second panel of the same id.
        Then.Refused(given.Decide(new SignPanelReport(given.AppId, Material, "报告"), Expert("exp-a")), "review.too-few-scores", RefusalKind.Rule);
        given.Do(new FormPanel("panel-2", "第二评审组", null, ["exp-a", "exp-c", "exp-d"], "exp-a"), Office);
        Then.Refused(given.Decide(new AssignPanel(given.AppId, Material, "panel-2"), Office), "review.already-assigned", RefusalKind.Rule);

        // When: the office adds exp-d to the panel, with its reason.
        var added = Then.Single<PanelMemberAdded, IReviewEvent>(given.Decide(new AddPanelMember("panel-1", "exp-d", "  exp-b回避后不足3人，增补评审员  "), Office));
        Assert.Equal(("panel-1", "exp-d", "exp-b回避后不足3人，增补评审员"), (added.PanelId, added.ExpertId, added.Reason));
        given.Do(new AddPanelMember("panel-1", "exp-d", "exp-b回避后不足3人，增补评审员"), Office);

        // Then: the new member scores like the others, without seeing theirs first; b's score does not count.
        Then.Refused(given.Decide(new SignPanelReport(given.AppId, Material, "报告"), Expert("exp-a")), "review.scores-missing", RefusalKind.Rule);
        Assert.False(ReviewDecider.CanSeePanelScores(given.State, given.AppId, Material, Expert("exp-d")));
        given.Do(new SubmitReviewScore(given.AppId, Material, given.Sheet(0.9m)), Expert("exp-d"));
        var report = Then.Single<PanelReportSigned, IReviewEvent>(given.Decide(new SignPanelReport(given.AppId, Material, "材料审查报告"), Expert("exp-a")));
        Assert.Equal(["exp-a", "exp-c", "exp-d"], report.Totals.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(given.Sheet(0.8m).Values.Sum(), report.Points); // the middle one of three
    }

    [Theory]
    [InlineData("changde", "§19")] // §19-20 组长负责制, §36 回避 on the 监督组's proposal
    [InlineData("benxi", "§17")] // §17 组长负责制, §33 回避
    public void Issue16_RecusedTeamLeader_NobodySigns_UntilTheOfficeAppointsAnother(string policyId, string article)
    {
        // Given: a, the leader, b and c scored; the supervision group proposed a's recusal and the office recused a.
        var given = new Given(policyId, Material).Panel("exp-a", "exp-b", "exp-c");
        given.Do(new SubmitReviewScore(given.AppId, Material, given.Sheet(0.6m)), Expert("exp-a"))
            .Do(new SubmitReviewScore(given.AppId, Material, given.Sheet(0.7m)), Expert("exp-b"))
            .Do(new SubmitReviewScore(given.AppId, Material, given.Sheet(0.8m)), Expert("exp-c"))
            .Do(new ProposeRecusal(given.AppId, "exp-a", "组长与申报单位负责人系同学"), Supervisor)
            .Do(new DecideRecusal(given.AppId, "exp-a", true, "经核实，予以回避"), Office);

        // Nobody leads: the recused leader learns nothing, the office may not sign under 组长负责制 and is told what to do.
        Then.Refused(given.Decide(new SignPanelReport(given.AppId, Material, "报告"), Expert("exp-a")), "application.not-found", RefusalKind.NotFound);
        Assert.Contains(article, Then.Refused(given.Decide(new SignPanelReport(given.AppId, Material, "报告"), Office), "review.leader-recused", RefusalKind.Rule).Zh);
        Then.Refused(given.Decide(new SignPanelReport(given.AppId, Material, "报告"), Expert("exp-b")), "review.leader-only", RefusalKind.Forbidden);

        // When: the office appoints b, a member not recused, as team leader.
        Then.Refused(given.Decide(new AppointTeamLeader("panel-1", "exp-e", "另行指定组长"), Office), "review.leader-not-member", RefusalKind.Invalid);
        var appointed = Then.Single<TeamLeaderAppointed, IReviewEvent>(given.Decide(new AppointTeamLeader("panel-1", "exp-b", "原组长回避，另行指定组长"), Office));
        Assert.Equal(("exp-b", "原组长回避，另行指定组长"), (appointed.ExpertId, appointed.Reason));
        given.Do(new AppointTeamLeader("panel-1", "exp-b", "原组长回避，另行指定组长"), Office);

        // Then: b signs, on b's and c's scores (the policy's minimum of 2); a's does not count.
        var report = Then.Single<PanelReportSigned, IReviewEvent>(given.Decide(new SignPanelReport(given.AppId, Material, "材料评审报告"), Expert("exp-b")));
        Assert.Equal(("exp-b", 2), (report.SignedBy, report.Totals.Count));
        Assert.DoesNotContain("exp-a", report.Totals.Keys);
    }

    [Fact]
    public void RecusedTeamLeader_WhereThePolicyNamesNoTeamLeader_TheOfficeSigns()
    {
        // Weihai §14: 评审组 without 组长负责制; the office signs the panel's report.
        var given = new Given("weihai", Material).Panel("exp-a", "exp-b", "exp-c", "exp-d");
        foreach (var (expert, share) in new[] { ("exp-a", 0.6m), ("exp-b", 0.7m), ("exp-c", 0.8m), ("exp-d", 0.75m) })
        {
            given.Do(new SubmitReviewScore(given.AppId, Material, given.Sheet(share)), Expert(expert));
        }

        given.Do(new DeclareConflict(given.AppId, "亲属在该单位任职"), Expert("exp-a"));

        Assert.Equal("office-1", Then.Single<PanelReportSigned, IReviewEvent>(given.Decide(new SignPanelReport(given.AppId, Material, "报告"), Office)).SignedBy);
    }

    [Fact]
    public void Issue16_Rescore_ChangesOnlyTheItemsSentBack()
    {
        // Given: Benxi (GB/T 19580 sheet); b's score, with 4.7.2 and 4.7.3 sent back by the leader a.
        var given = new Given("benxi", Material).Panel("exp-a", "exp-b", "exp-c");
        given.Do(new SubmitReviewScore(given.AppId, Material, given.Sheet(0.6m)), Expert("exp-a"))
            .Do(new SubmitReviewScore(given.AppId, Material, given.Sheet(0.9m)), Expert("exp-b"))
            .Do(new RequestRescore(given.AppId, Material, "exp-b", ["4.7.2", "4.7.3"], "结果类评分缺少证据支撑"), Expert("exp-a"));

        // When: b resubmits with 4.1.2 changed as well. Then: refused, naming the item.
        var changed = given.Sheet(0.9m).ToDictionary();
        changed["4.7.2"] = 60m;
        changed["4.7.3"] = 60m;
        changed["4.1.2"] = 30m;
        var refusal = Then.Refused(given.Decide(new SubmitReviewScore(given.AppId, Material, changed), Expert("exp-b")), "review.rescore-outside-items", RefusalKind.Rule);
        Assert.Equal(["items.4.1.2"], refusal.Problems.Select(p => p.Field));
        Assert.Contains("4.7.2、4.7.3", refusal.Zh);

        // Only the two items: taken, the rest stands as it was.
        var rescored = Then.Single<ReviewScoreSubmitted, IReviewEvent>(given.Decide(new SubmitReviewScore(given.AppId, Material, new Dictionary<string, decimal> { ["4.7.2"] = 60m, ["4.7.3"] = 60m }), Expert("exp-b")));
        Assert.Equal(given.Sheet(0.9m)["4.1.2"], rescored.Items["4.1.2"]);
        Assert.Equal(given.Sheet(0.9m).Values.Sum() - 72m - 72m + 120m, rescored.Total);

        // The whole sheet with only those two changed: taken as well.
        changed["4.1.2"] = given.Sheet(0.9m)["4.1.2"];
        Then.Single<ReviewScoreSubmitted, IReviewEvent>(given.Decide(new SubmitReviewScore(given.AppId, Material, changed), Expert("exp-b")));
    }

    [Fact]
    public void ReplacePanelMember_DropsTheirScores_EndsTheirAccess_AndFlagsAnObviousConflictOfTheReplacement()
    {
        var given = new Given("weihai", Material).Panel("exp-a", "exp-b", "exp-c");
        given.Do(new SubmitReviewScore(given.AppId, Material, given.Sheet(0.6m)), Expert("exp-b"));

        var events = Then.Accepted(given.Decide(new ReplacePanelMember("panel-1", "exp-b", "exp-x", "exp-b因违反评审纪律被取消评审资格"), Office), typeof(PanelMemberReplaced), typeof(ConflictFlagged));
        Assert.Equal("exp-x", ((ConflictFlagged)events[1]).ExpertId);
        given.Do(new ReplacePanelMember("panel-1", "exp-b", "exp-x", "exp-b因违反评审纪律被取消评审资格"), Office);

        Assert.False(given.State.MayReview(given.AppId, "exp-b"));
        Assert.DoesNotContain((given.AppId, Material, "exp-b"), given.State.Scores.Keys);
        Assert.Equal(["exp-a", "exp-x", "exp-c"], given.State.ActiveMembers(given.AppId, Material));
        Assert.Equal(["exp-b"], given.State.Panels["panel-1"].FormerMembers);
        Then.Refused(given.Decide(new SubmitReviewScore(given.AppId, Material, given.Sheet(0.6m)), Expert("exp-b")), "application.not-found", RefusalKind.NotFound);
        Then.Nothing(given.Decide(new ReplacePanelMember("panel-1", "exp-b", "exp-x", "重复"), Office));
        Then.Refused(given.Decide(new ReplacePanelMember("panel-1", "exp-a", "exp-c", "误"), Office), "review.already-member", RefusalKind.Rule);
        Then.Refused(given.Decide(new ReplacePanelMember("panel-1", "exp-e", "exp-d", "误"), Office), "review.not-a-member", RefusalKind.NotFound);
        Then.Refused(given.Decide(new ReplacePanelMember("panel-1", "exp-a", "exp-nobody", "误"), Office), "review.expert-not-in-pool", RefusalKind.Invalid);
        Then.Refused(given.Decide(new AddPanelMember("panel-1", "exp-d", " "), Office), "reason.missing", RefusalKind.Invalid);
        Then.Refused(given.Decide(new AddPanelMember("panel-1", "exp-d", "增补"), Supervisor), "application.office-only", RefusalKind.Forbidden);
    }

    [Fact]
    public void ReplacingTheTeamLeader_MakesTheReplacementLeader()
    {
        var given = new Given("changde", Material).Panel("exp-a", "exp-b", "exp-c");

        given.Do(new ReplacePanelMember("panel-1", "exp-a", "exp-d", "组长因病无法履职"), Office);

        Assert.Equal("exp-d", given.State.Panels["panel-1"].Leader);
    }

    [Fact]
    public void APendingFlag_OfAMemberReplacedSince_NoLongerStopsTheReport()
    {
        var given = new Given("weihai", Material);
        given.Do(new FormPanel("panel-1", "组", null, ["exp-a", "exp-b", "exp-c", "exp-x"], "exp-a"), Office).Do(new AssignPanel(given.AppId, Material, "panel-1"), Office);
        Assert.Equal(["exp-x"], given.State.PendingFor(given.AppId, Material));

        given.Do(new ReplacePanelMember("panel-1", "exp-x", "exp-d", "与申报单位有关联，更换评审员"), Office);
        foreach (var expert in new[] { "exp-a", "exp-b", "exp-c", "exp-d" })
        {
            given.Do(new SubmitReviewScore(given.AppId, Material, given.Sheet(0.7m)), Expert(expert));
        }

        Assert.Empty(given.State.Pending);
        Then.Single<PanelReportSigned, IReviewEvent>(given.Decide(new SignPanelReport(given.AppId, Material, "报告"), Expert("exp-a")));
    }

    [Fact]
    public void ReassignPanel_KeepsTheScoresOfExpertsOnBothPanels_AndDropsTheOthers()
    {
        var given = new Given("weihai", Material).Panel("exp-a", "exp-b", "exp-c");
        given.Do(new SubmitReviewScore(given.AppId, Material, given.Sheet(0.6m)), Expert("exp-a"))
            .Do(new SubmitReviewScore(given.AppId, Material, given.Sheet(0.7m)), Expert("exp-b"))
            .Do(new FormPanel("panel-2", "第二评审组", null, ["exp-b", "exp-d", "exp-e"], "exp-d"), Office);

        var moved = Then.Single<PanelReassigned, IReviewEvent>(given.Decide(new ReassignPanel(given.AppId, Material, "panel-2", "第一评审组两名成员回避后改派"), Office));
        Assert.Equal(("panel-1", "panel-2"), (moved.FromPanelId, moved.PanelId));
        given.Do(new ReassignPanel(given.AppId, Material, "panel-2", "第一评审组两名成员回避后改派"), Office);

        Assert.Equal(["exp-b"], given.State.Scores.Keys.Where(k => k.App == given.AppId).Select(k => k.Expert));
        Assert.False(given.State.MayReview(given.AppId, "exp-a"));
        Then.Refused(given.Decide(new SignPanelReport(given.AppId, Material, "报告"), Expert("exp-a")), "review.leader-only", RefusalKind.Forbidden);
        given.Do(new SubmitReviewScore(given.AppId, Material, given.Sheet(0.8m)), Expert("exp-d"))
            .Do(new SubmitReviewScore(given.AppId, Material, given.Sheet(0.9m)), Expert("exp-e"))
            .Do(new SignPanelReport(given.AppId, Material, "材料审查报告"), Expert("exp-d"));
        Then.Refused(given.Decide(new ReassignPanel(given.AppId, Material, "panel-1", "再改派"), Office), "review.report-signed", RefusalKind.Rule);
    }

    [Fact]
    public void TheReport_RestsOnAtLeastThePolicysMinimumOfScores()
    {
        // Changde: the plain mean, at least 2 scores (an office value: no article fixes a panel's size).
        Assert.Equal(2, PolicyPresets.Get("changde").Scoring.MinimumPanelScores);
        var given = new Given("changde", Material).Panel("exp-a", "exp-b");
        given.Do(new SubmitReviewScore(given.AppId, Material, given.Sheet(0.6m)), Expert("exp-a"))
            .Do(new DeclareConflict(given.AppId, "曾参与该单位项目"), Expert("exp-b"));

        var refusal = Then.Refused(given.Decide(new SignPanelReport(given.AppId, Material, "报告"), Expert("exp-a")), "review.too-few-scores", RefusalKind.Rule);
        Assert.Contains("至少需要2名", refusal.Zh);
    }
}
