using QualityAward.Domain.Applications;
using QualityAward.Domain.Calendar;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Tests.Builders;

/// <summary>
/// The event history of one application, walked through its cycle's policy by the decider itself:
/// drafted, given a complete form, submitted, then through each stage in the policy's order. A
/// step the decider refuses fails the test at once, naming the step; so a history built here is
/// always one production could have written.
/// </summary>
public sealed class ApplicationBuilder
{
    public const string Id = "app-0001";

    private readonly List<IApplicationEvent> _events = [];

    private ApplicationBuilder(CycleBuilder cycle, ApplicantCategory category, string id)
    {
        Cycle = cycle;
        Category = category;
        ApplicationId = id;
    }

    public CycleBuilder Cycle { get; }

    public AwardPolicy Policy => Cycle.Policy;

    public ApplicantCategory Category { get; }

    public string ApplicationId { get; }

    public ApplicantHistory History { get; private set; } = ApplicantHistory.Empty;

    /// <summary>The tier the walk aims for: the policy's first (award, or Weihai's recognition).</summary>
    public AwardTier Tier { get; private set; }

    public IReadOnlyList<IApplicationEvent> Events => _events;

    public ApplicationState State => ApplicationState.Fold(_events);

    public ApplicationForm Form => State.Form;

    public static ApplicationBuilder Under(string policyId, ApplicantCategory category = ApplicantCategory.Organisation) =>
        In(CycleBuilder.Opened(policyId), category);

    public static ApplicationBuilder In(CycleBuilder cycle, ApplicantCategory category = ApplicantCategory.Organisation, string id = Id) =>
        new(cycle, category, id) { Tier = cycle.Policy.Tiers[0] };

    public ApplicationBuilder WithHistory(ApplicantHistory history)
    {
        History = history;
        return this;
    }

    public ApplicationBuilder Aiming(AwardTier tier)
    {
        Tier = tier;
        return this;
    }

    /// <summary>Append events as they are (a history the decider is not asked about).</summary>
    public ApplicationBuilder With(params IApplicationEvent[] events)
    {
        _events.AddRange(events);
        return this;
    }

    public ApplicationContext Context(Actor actor, DateTimeOffset? now = null) =>
        new(Cycle.State, WorkingDayCalendar.MainlandChina, History, actor, now ?? Dates.Review);

    public Decision<IApplicationEvent> Decide(IApplicationCommand command, Actor actor, DateTimeOffset? now = null) =>
        ApplicationDecider.Decide(command, State, Context(actor, now));

    /// <summary>Decide and append; a refusal fails the test.</summary>
    public ApplicationBuilder Do(IApplicationCommand command, Actor actor, DateTimeOffset? now = null)
    {
        var decision = Decide(command, actor, now);
        if (decision.IsRefused)
        {
            throw new InvalidOperationException($"Application builder step {command.GetType().Name} (at {State.Stage?.ToString() ?? State.Status.ToString()}) was refused: {decision.Refusal}");
        }

        _events.AddRange(decision.Events);
        return this;
    }

    public ApplicationBuilder Drafted() =>
        State.Exists ? this : Do(new CreateDraft(ApplicationId, Category), Actors.Applicant, Dates.InWindow);

    /// <summary>A complete, valid form (changed by <paramref name="change"/>) and the self-assessment report.</summary>
    public ApplicationBuilder WithForm(Func<ApplicationForm, ApplicationForm>? change = null)
    {
        Drafted();
        var form = Forms.Valid(Policy, Category);
        Do(new SaveDraft(change is null ? form : change(form)), Actors.Applicant, Dates.InWindow);
        return Do(new AttachDocument(Forms.SelfAssessment), Actors.Applicant, Dates.InWindow);
    }

    public ApplicationBuilder Submitted()
    {
        if (State.Status != ApplicationStatus.Draft || State.Form.Name is null)
        {
            WithForm();
        }

        return Do(new Submit(), Actors.Applicant, Dates.InWindow);
    }

    /// <summary>Submitted and walked until the application stands at the first stage of this kind.</summary>
    public ApplicationBuilder At(StageKind kind)
    {
        if (State.Status == ApplicationStatus.Draft || !State.Exists)
        {
            Submitted();
        }

        for (var guard = 0; State.Stage != kind; guard++)
        {
            if (guard > Policy.Stages.Count)
            {
                throw new InvalidOperationException($"{Policy.Id}: the walk never reached {kind}.");
            }

            CompleteStage();
        }

        return this;
    }

    /// <summary>At the stage of this kind, then through it.</summary>
    public ApplicationBuilder Through(StageKind kind)
    {
        At(kind);
        CompleteStage();
        return this;
    }

    public ApplicationBuilder Recommended() => Through(StageKind.Recommendation);

    public ApplicationBuilder Accepted() => Through(StageKind.FormalReview);

    public ApplicationBuilder Scored(StageKind stage) => Through(stage);

    public ApplicationBuilder Shortlisted() => Through(StageKind.MaterialReview);

    public ApplicationBuilder Candidate() => Through(StageKind.CompositeEvaluation);

    public ApplicationBuilder Proposed() => Through(StageKind.Deliberation);

    /// <summary>Every approval step granted, in the policy's order.</summary>
    public ApplicationBuilder Approved()
    {
        At(StageKind.Approval);
        foreach (var step in Policy.Stage(StageKind.Approval)!.Approvals!)
        {
            Do(new GrantApproval(step.Code, $"批复〔2026〕{step.Code}"), Actors.Office, Dates.Awarding);
        }

        return this;
    }

    public const string AnnouncementReference = "政府公告〔2026〕1号";

    public ApplicationBuilder Awarded()
    {
        Approved();
        return Do(new ConferAward(AnnouncementReference, Dates.AwardedOn), Actors.Office, Dates.Awarding);
    }

    public Actor Recommender => Actors.RecommenderIn(Policy.City.Code, State.Form.RecommenderId);

    /// <summary>Points that make 80 out of 100 on the stage's scale.</summary>
    public decimal GoodPoints(StageKind stage) =>
        stage == StageKind.CustomerSatisfaction ? 80m : Policy.Scoring.SheetFor(Category).MaxTotal * 0.8m;

    /// <summary>The command that completes the current stage the ordinary way.</summary>
    public void CompleteStage()
    {
        var state = State;
        var stage = Policy.Stages[state.StageIndex];
        switch (stage.Kind)
        {
            case StageKind.Recommendation:
                Do(new Recommend("经初审，同意推荐。", stage.GovernmentApproval ? "区政府批复〔2026〕3号" : null), Recommender);
                break;
            case StageKind.Consultation:
                Do(new ConcludeConsultation(), Actors.Office);
                break;
            case StageKind.FormalReview:
                Do(new Accept(null), Actors.Office);
                break;
            case StageKind.PublicNotice:
                var list = stage.List!.Value;
                Do(new PassNotice(NoticeId.For(Domain.CycleId.Parse(Cycle.CycleId).Value, list).Value, list), Actors.Office);
                break;
            case StageKind.OpinionSurvey:
                Do(new RecordOpinionSurvey(true, "舆情调查未发现负面信息。"), Actors.Office);
                break;
            case StageKind.MaterialReview:
                Do(new RecordStageScore(stage.Kind, GoodPoints(stage.Kind), "材料评审报告1号"), Actors.Office);
                if (stage.Shortlist)
                {
                    Do(new ApplyShortlistDecision(true, 1), Actors.Office);
                }

                break;
            case StageKind.SiteReview or StageKind.CustomerSatisfaction or StageKind.Presentation:
                Do(new RecordStageScore(stage.Kind, GoodPoints(stage.Kind), $"{stage.Kind}报告"), Actors.Office);
                break;
            case StageKind.CompositeEvaluation:
                Do(new ComputeComposite([]), Actors.Office);
                Do(new ApplyCandidacy(Tier, 1), Actors.Office);
                break;
            case StageKind.Deliberation:
                Do(new ApplyProposal(Tier), Actors.Office);
                break;
            default:
                throw new InvalidOperationException($"The builder does not complete {stage.Kind}; use Approved() or Awarded().");
        }
    }
}
