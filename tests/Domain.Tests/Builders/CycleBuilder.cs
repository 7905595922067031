using QualityAward.Domain.Applications;
using QualityAward.Domain.Calendar;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Notices;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Tests.Builders;

/// <summary>
/// The event history of one cycle: opened under a preset, then whatever the test needs. Later
/// steps go through <see cref="CycleDecider"/> so the history is one the decider would produce;
/// a step it refuses fails the test at once, naming the step.
/// </summary>
public sealed class CycleBuilder
{
    private readonly List<ICycleEvent> _events = [];

    private CycleBuilder(AwardPolicy policy, string cycleId)
    {
        Policy = policy;
        CycleId = cycleId;
    }

    public AwardPolicy Policy { get; }

    public string CycleId { get; }

    public IReadOnlyList<ICycleEvent> Events => _events;

    public CycleState State => CycleState.Fold(_events);

    /// <summary>A cycle of the preset, opened (warnings acknowledged) with the window of <see cref="Dates"/>.</summary>
    public static CycleBuilder Opened(string policyId, int year = 2026, DateOnly? opensOn = null, DateOnly? closesOn = null)
    {
        var policy = PolicyPresets.Get(policyId);
        var opens = opensOn ?? Dates.OpensOn;
        var builder = new CycleBuilder(policy, Domain.CycleId.For(policyId, year).Value);
        builder._events.Add(new CycleOpened(
            builder.CycleId,
            policy.Id,
            PolicyLoader.ToJson(policy),
            year,
            $"{policy.AwardName}{year}年度评选",
            opens,
            closesOn ?? Dates.ClosesOn,
            CycleDecider.Warnings(policy, opens),
            Dates.At(opens.AddDays(-10))));
        return builder;
    }

    public CycleBuilder With(params ICycleEvent[] events)
    {
        _events.AddRange(events);
        return this;
    }

    public CycleBuilder SubmissionsClosed() => With(new Domain.Cycles.SubmissionsClosed(Dates.WindowClosed));

    /// <summary>The notices the cycle published, as the notice decider made them; passed to every cycle decision.</summary>
    public IReadOnlyDictionary<string, NoticeState> Notices => _notices;

    private readonly Dictionary<string, NoticeState> _notices = new(StringComparer.Ordinal);

    /// <summary>The first day of every notice here: Monday 2026-06-08, before <see cref="Dates.Review"/>.</summary>
    public static DateOnly NoticeFirstDay { get; } = new(2026, 6, 8);

    public string NoticeIdOf(NoticeList list, int round = 1) => NoticeId.For(Domain.CycleId.Parse(CycleId).Value, list, round).Value;

    /// <summary>
    /// The list published under the policy's notice, from <see cref="NoticeFirstDay"/> for its
    /// working days, and still running: opened by the notice decider, recorded on the cycle.
    /// </summary>
    public CycleBuilder NoticePublished(NoticeList list, int round = 1)
    {
        var stage = Policy.Stages.First(s => s.Kind == StageKind.PublicNotice && s.List == list);
        var id = NoticeIdOf(list, round);
        var opened = Notice(id, new OpenNotice(id, CycleId, stage, $"{list.Zh()}公示", [new NoticeEntry("app-a", "示例单位", ApplicantCategory.Organisation, "示例区", null)], NoticeFirstDay, stage.MinWorkingDays!.Value, true), Actors.Office, Dates.At(NoticeFirstDay, 9));
        _notices[id] = opened;
        return With(new Domain.Cycles.NoticePublished(id, list, Dates.At(NoticeFirstDay, 9)));
    }

    /// <summary>An objection filed to the running notice (to app-a).</summary>
    public CycleBuilder ObjectionFiled(NoticeList list, string objectionId = "obj-1")
    {
        var id = NoticeIdOf(list);
        _notices[id] = Notice(id, new FileObjection(objectionId, new string('0', 64), "app-a", false, null, null, "该单位存在质量问题", []), new Actor("anonymous", "public"), Dates.At(NoticeFirstDay, 15));
        return this;
    }

    /// <summary>The objection decided (not upheld, so the entry stays).</summary>
    public CycleBuilder ObjectionDecided(NoticeList list, string objectionId = "obj-1")
    {
        var id = NoticeIdOf(list);
        _notices[id] = Notice(id, new RecordObjectionFinding(objectionId, false, "经调查不属实"), Actors.Office, Dates.At(NoticeFirstDay.AddDays(2)));
        return this;
    }

    /// <summary>The notice closed when its period ended (it refuses while an objection is open).</summary>
    public CycleBuilder NoticeClosed(NoticeList list, int round = 1)
    {
        var id = NoticeIdOf(list, round);
        _notices[id] = Notice(id, new CloseNotice(), Actor.System, _notices[id].Opened!.ClosesAt);
        return this;
    }

    /// <summary>The applications of the proposed winners, passed to every cycle decision (the announcement waits for their approvals).</summary>
    public IReadOnlyDictionary<string, ApplicationState> Winners => _winners;

    private readonly Dictionary<string, ApplicationState> _winners = new(StringComparer.Ordinal);

    /// <summary>Every proposed winner stands at the approval stage with every approval the policy names.</summary>
    public CycleBuilder WinnersApproved()
    {
        var index = Policy.Stages.ToList().FindIndex(s => s.Kind == StageKind.Approval);
        foreach (var winner in State.ProposedWinners)
        {
            _winners[winner.ApplicationId] = ApplicationState.Initial with
            {
                Status = ApplicationStatus.InProcess,
                ApplicationId = winner.ApplicationId,
                CycleId = CycleId,
                Category = winner.Category,
                StageIndex = index,
                Stage = StageKind.Approval,
                ApprovalsGranted = [.. Policy.Stages[index].Approvals!.Select(a => a.Code)],
            };
        }

        return this;
    }

    /// <summary>Published and closed, no objection: the list passed its notice.</summary>
    public CycleBuilder NoticeRan(NoticeList list) => NoticePublished(list).NoticeClosed(list);

    private NoticeState Notice(string id, INoticeCommand command, Actor actor, DateTimeOffset now)
    {
        var state = _notices.GetValueOrDefault(id) ?? NoticeState.Initial;
        var decision = NoticeDecider.Decide(command, state, new NoticeContext(now, WorkingDayCalendar.MainlandChina, actor));
        if (decision.IsRefused)
        {
            throw new InvalidOperationException($"Notice builder step {command.GetType().Name} was refused: {decision.Refusal}");
        }

        return decision.Events.Aggregate(state, NoticeState.Evolve);
    }

    /// <summary>Decide a command against the history so far and append its events; a refusal fails the test.</summary>
    public CycleBuilder Then(ICycleCommand command, DateTimeOffset? now = null)
    {
        var decision = CycleDecider.Decide(command, State, Context(now ?? Dates.Review));
        if (decision.IsRefused)
        {
            throw new InvalidOperationException($"Cycle builder step {command.GetType().Name} was refused: {decision.Refusal}");
        }

        _events.AddRange(decision.Events);
        return this;
    }

    public CycleContext Context(DateTimeOffset? now = null, IReadOnlyList<Domain.Eligibility.CycleSummary>? otherCycles = null, Actor? actor = null) =>
        new(now ?? Dates.Review, actor ?? Actors.Office, otherCycles ?? [], _notices, _winners);

    public Decision<ICycleEvent> Decide(ICycleCommand command, DateTimeOffset? now = null, Actor? actor = null) =>
        CycleDecider.Decide(command, State, Context(now, actor: actor));
}

/// <summary>Scores as the cycle's cohort decisions take them.</summary>
public static class Scored
{
    public static ScoredApplication Org(string applicationId, decimal score) =>
        new(applicationId, ApplicantCategory.Organisation, score, Dates.InWindow, []);

    public static ScoredApplication Person(string applicationId, decimal score) =>
        new(applicationId, ApplicantCategory.Individual, score, Dates.InWindow, []);

    public static WinnerEntry Winner(string applicationId, AwardTier tier, ApplicantCategory category = ApplicantCategory.Organisation) =>
        new(applicationId, category, tier, OutsideQuota: false);
}
