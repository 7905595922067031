using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Cycles;

/// <summary>
/// The cycle decider, command by command: given a history, when a command, then events or a
/// refusal. Split by concern: opening, the submission window, the cohort decisions (shortlist,
/// candidates, proposed winners) and the announcement.
/// </summary>
public partial class CycleDeciderTests
{
    /// <summary>Before the window opens: when an office opens a cycle.</summary>
    private static readonly DateTimeOffset OpeningDay = Dates.At(2026, 2, 1);

    private static OpenCycle Open(string policyId, int year = 2026, bool acknowledge = false, string? id = null, string? title = null, DateOnly? opens = null, DateOnly? closes = null) =>
        new(id ?? $"{policyId}-{year}", PolicyPresets.Get(policyId), year, title ?? "  第一届评选  ", opens ?? Dates.OpensOn, closes ?? Dates.ClosesOn, acknowledge);

    private static Decision<ICycleEvent> Decide(ICycleCommand command, CycleState state, DateTimeOffset now, IReadOnlyList<Domain.Eligibility.CycleSummary>? others = null) =>
        CycleDecider.Decide(command, state, new CycleContext(now, Actors.Office, others ?? []));

    /// <summary>A Changde cycle past its window with a shortlist decided over these material scores.</summary>
    private static CycleBuilder ChangdeShortlisted(params ScoredApplication[] scores) =>
        CycleBuilder.Opened("changde").SubmissionsClosed().Then(new DecideCycleShortlist(scores, scores.Length));

    private static NominateCandidates Nominate(IReadOnlyList<ScoredApplication> scores, params (string Id, AwardTier Tier)[] candidates) =>
        new(scores, candidates.ToDictionary(c => c.Id, c => c.Tier), new HashSet<string>());

    private const string Minutes = "  会议纪要：审议通过获奖建议名单。  ";
}
