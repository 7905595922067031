using QualityAward.Domain.Applications;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Applications;

public partial class ApplicationDeciderTests
{
    [Fact]
    public void Recommend_ByTheAddressedBody_RecordsTheOpinionAndMovesOn()
    {
        var given = Weihai().Submitted();

        var events = Then.Accepted(given.Decide(new Recommend("  同意推荐  ", null), given.Recommender), typeof(ApplicationRecommended), typeof(StageEntered));

        var recommended = Assert.IsType<ApplicationRecommended>(events[0]);
        Assert.Equal(("huancui", RecommenderKind.DistrictQualityBody, "同意推荐"), (recommended.RecommenderId, recommended.RecommenderKind, recommended.Opinion));
        // Weihai §14: the opinion survey comes next.
        Assert.Equal(StageKind.OpinionSurvey, Assert.IsType<StageEntered>(events[1]).Stage);
    }

    [Fact]
    public void Recommend_UnderChangde_CarriesTheDistrictGovernmentsApproval()
    {
        // Changde §12: the district regulator recommends after the district government approves.
        var given = Changde().Submitted();

        var events = Then.Accepted(given.Decide(new Recommend("同意推荐", " 武政函〔2026〕1号 "), given.Recommender), typeof(ApplicationRecommended), typeof(StageEntered));

        Assert.Equal("武政函〔2026〕1号", Assert.IsType<ApplicationRecommended>(events[0]).GovernmentApprovalReference);
        Assert.Equal(StageKind.Consultation, Assert.IsType<StageEntered>(events[1]).Stage);
    }

    [Fact]
    public void DeclineRecommendation_EndsTheApplication()
    {
        var given = Weihai().Submitted();

        var declined = Then.Single<RecommendationDeclined, IApplicationEvent>(given.Decide(new DeclineRecommendation("不符合推荐条件"), given.Recommender));

        Assert.Equal(("huancui", "不符合推荐条件"), (declined.RecommenderId, declined.Reason));
        Assert.Equal(ApplicationStatus.Declined, ApplicationState.Fold([.. given.Events, declined]).Status);
    }

    [Fact]
    public void FlagSecurityReview_AddsTheDefenceConsultation_AndFlaggingAgainDoesNothing()
    {
        // Changde §14: matters of defence or national security are asked of those departments.
        var given = Changde().Submitted();

        var flagged = Then.Single<SecurityReviewFlagged, IApplicationEvent>(given.Decide(new FlagSecurityReview(true, "涉及军工配套产品"), Office));
        Assert.True(flagged.Flagged);

        given.With(flagged);
        Assert.Contains(Department.DefenceSecurity, StagePlan.DepartmentsFor(given.Policy.Stage(StageKind.Consultation)!, Sector.Enterprise, given.State.SecurityFlagged));
        Then.Nothing(given.Decide(new FlagSecurityReview(true, "再次标记"), Office));
    }

    [Fact]
    public void AdverseRecord_ReportedThenDismissed_LetsTheConsultationConclude()
    {
        var given = Changde().At(StageKind.Consultation);
        var report = new ReportAdverseRecord("consult-1", Department.Tax, "  欠缴税款  ");

        var reported = Then.Single<AdverseRecordReported, IApplicationEvent>(given.Decide(report, Office));
        Assert.Equal((Department.Tax, "欠缴税款"), (reported.Department, reported.Details));
        given.With(reported);
        Then.Nothing(given.Decide(report, Office));
        Then.Refused(given.Decide(new ConcludeConsultation(), Office), "application.adverse-record-open", RefusalKind.Rule);

        given.Do(new DismissAdverseRecord("consult-1", Department.Tax, "已补缴，不影响申报"), Office);

        var events = Then.Accepted(given.Decide(new ConcludeConsultation(), Office), typeof(ConsultationConcluded), typeof(StageEntered));
        Assert.Equal(StageKind.FormalReview, Assert.IsType<StageEntered>(events[1]).Stage);
    }

    [Fact]
    public void Accept_AtFormalReview_RecordsTheNoteAndMovesOn()
    {
        var given = Weihai().At(StageKind.FormalReview);

        var events = Then.Accepted(given.Decide(new Accept("  材料齐全  "), Office), typeof(ApplicationAccepted), typeof(StageEntered));

        Assert.Equal("材料齐全", Assert.IsType<ApplicationAccepted>(events[0]).Note);
        Assert.Equal(StageKind.MaterialReview, Assert.IsType<StageEntered>(events[1]).Stage);
    }

    [Fact]
    public void Refuse_AtFormalReview_EndsTheApplicationWithTheReason()
    {
        // Changde §15: the applicant is told why.
        var given = Changde().At(StageKind.FormalReview);

        var refused = Then.Single<ApplicationRefused, IApplicationEvent>(given.Decide(new Refuse("推荐渠道不符合规定"), Office));

        var state = ApplicationState.Fold([.. given.Events, refused]);
        Assert.Equal((ApplicationStatus.Refused, "推荐渠道不符合规定"), (state.Status, state.EndReason));
    }

    public static TheoryData<string, Case, string, RefusalKind> RefusedFirstReview => new()
    {
        // Out of order: the office cannot accept before the recommender has recommended.
        { "accept before recommend", new(() => Weihai().Submitted(), new Accept(null), Office), "application.out-of-order", RefusalKind.Rule },
        { "recommend twice", new(() => Weihai().Recommended(), new Recommend("同意", null), Actors.RecommenderFor("weihai", "huancui")), "application.out-of-order", RefusalKind.Rule },
        { "recommend a draft", new(() => Weihai().WithForm(), new Recommend("同意", null), Actors.RecommenderFor("weihai", "huancui")), "application.not-submitted", RefusalKind.Rule },
        { "recommend without opinion", new(() => Weihai().Submitted(), new Recommend(" ", null), Actors.RecommenderFor("weihai", "huancui")), "application.opinion-missing", RefusalKind.Invalid },
        // Changde §12: without the district government's approval.
        { "Changde without approval", new(() => Changde().Submitted(), new Recommend("同意", null), Actors.RecommenderFor("changde", "wuling")), "application.government-approval-missing", RefusalKind.Invalid },
        // Xinzhou §14: a county regulator recommends through its government, whatever kind of body the form names.
        {
            "county regulator named on the form as a city department",
            new(() => ApplicationBuilder.Under("xinzhou").WithForm(f => f with { RecommenderKind = RecommenderKind.CityDepartment, RecommenderId = "xinfu" }).Submitted(), new Recommend("同意", null), Actors.RecommenderFor("xinzhou", "xinfu")),
            "application.government-approval-missing",
            RefusalKind.Invalid
        },
        // A body the application is not addressed to.
        { "another district recommends", new(() => Weihai().Submitted(), new Recommend("同意", null), Actors.RecommenderFor("weihai", "wendeng")), "application.not-your-recommendation", RefusalKind.Forbidden },
        { "recommender without a body", new(() => Weihai().Submitted(), new Recommend("同意", null), Actors.RecommenderFor("weihai", null)), "application.not-your-recommendation", RefusalKind.Forbidden },
        { "the same district id of another city recommends", new(() => Weihai().Submitted(), new Recommend("同意", null), Actors.RecommenderIn("210500", "huancui")), "application.not-your-recommendation", RefusalKind.Forbidden },
        { "the same district id of another city declines", new(() => Weihai().Submitted(), new DeclineRecommendation("不推荐"), Actors.RecommenderIn("210500", "huancui")), "application.not-your-recommendation", RefusalKind.Forbidden },
        { "an authority naming no city recommends", new(() => Weihai().Submitted(), new Recommend("同意", null), new Actor("recommender-1", Roles.Recommender, "推荐单位", "huancui")), "application.not-your-recommendation", RefusalKind.Forbidden },
        { "decline without reason", new(() => Weihai().Submitted(), new DeclineRecommendation(""), Actors.RecommenderFor("weihai", "huancui")), "reason.missing", RefusalKind.Invalid },
        { "decline with too long a reason", new(() => Weihai().Submitted(), new DeclineRecommendation(new string('理', 2001)), Actors.RecommenderFor("weihai", "huancui")), "reason.too-long", RefusalKind.Invalid },
        // Only the office accepts, refuses, flags.
        { "applicant accepts itself", new(() => Weihai().At(StageKind.FormalReview), new Accept(null), Actors.Applicant), "application.office-only", RefusalKind.Forbidden },
        { "the workflow flags", new(() => Changde().Submitted(), new FlagSecurityReview(true, "自动"), Actor.System), "application.office-only", RefusalKind.Forbidden },
        { "flag a draft", new(() => Changde().WithForm(), new FlagSecurityReview(true, "涉密"), Office), "application.not-submitted", RefusalKind.Rule },
        { "flag a declined application", new(() => Weihai().Submitted().Do(new DeclineRecommendation("不推荐"), Actors.RecommenderFor("weihai", "huancui")), new FlagSecurityReview(true, "涉密"), Office), "application.ended", RefusalKind.Rule },
        { "adverse record without details", new(() => Changde().At(StageKind.Consultation), new ReportAdverseRecord("c-1", Department.Tax, " "), Office), "consultation.details-missing", RefusalKind.Invalid },
        { "dismiss a record nobody reported", new(() => Changde().At(StageKind.Consultation), new DismissAdverseRecord("c-1", Department.Tax, "无"), Office), "consultation.no-open-record", RefusalKind.NotFound },
        // Weihai consults no departments.
        { "conclude a consultation under Weihai", new(() => Weihai().At(StageKind.FormalReview), new ConcludeConsultation(), Office), "application.stage-not-in-policy", RefusalKind.Rule },
        {
            "accept with an adverse record open",
            new(() => Weihai().At(StageKind.FormalReview).Do(new ReportAdverseRecord("c-1", Department.EcologyEnvironment, "环境处罚"), Office), new Accept(null), Office),
            "application.adverse-record-open", RefusalKind.Rule
        },
        { "accept with too long a note", new(() => Weihai().At(StageKind.FormalReview), new Accept(new string('注', 2001)), Office), "application.note-too-long", RefusalKind.Invalid },
        { "refuse without reason", new(() => Weihai().At(StageKind.FormalReview), new Refuse(" "), Office), "reason.missing", RefusalKind.Invalid },
    };

    [Theory]
    [MemberData(nameof(RefusedFirstReview))]
    public void FirstReview_WhenNotAllowed_IsRefused(string why, Case row, string code, RefusalKind kind)
    {
        Then.Refused(row.Run(), code, kind, why);
    }
}
