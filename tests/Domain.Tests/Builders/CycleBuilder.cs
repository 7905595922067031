using QualityAward.Domain.Cycles;
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

    public CycleBuilder NoticePublished(NoticeList list) =>
        With(new Domain.Cycles.NoticePublished(NoticeId.For(Domain.CycleId.Parse(CycleId).Value, list).Value, list, Dates.Review));

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

    public CycleContext Context(DateTimeOffset? now = null, IReadOnlyList<Domain.Eligibility.CycleSummary>? otherCycles = null) =>
        new(now ?? Dates.Review, Actors.Office, otherCycles ?? []);

    public Decision<ICycleEvent> Decide(ICycleCommand command, DateTimeOffset? now = null) =>
        CycleDecider.Decide(command, State, Context(now));
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
