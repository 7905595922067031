using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Notices;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Cycles;

public interface ICycleCommand;

/// <summary>
/// Open an edition under a policy. Warnings (draft or expired policy) must be acknowledged. A
/// <paramref name="Rehearsal"/> (演练) is a cycle for training, on a clock the office moves.
/// </summary>
public sealed record OpenCycle(
    string CycleId,
    AwardPolicy Policy,
    int Year,
    string Title,
    DateOnly SubmissionOpensOn,
    DateOnly SubmissionClosesOn,
    bool AcknowledgeWarnings,
    bool Rehearsal = false) : ICycleCommand;

/// <summary>Move a rehearsal's clock forward to <paramref name="To"/> (never back; never on a real cycle).</summary>
public sealed record MoveRehearsalClock(DateTimeOffset To) : ICycleCommand;

public sealed record ExtendSubmissionWindow(DateOnly NewClosesOn, string Reason) : ICycleCommand;

public sealed record CloseSubmissions : ICycleCommand;

public sealed record RecordNoticePublished(string NoticeId, NoticeList List) : ICycleCommand;

/// <summary>Shortlist for site review the top <see cref="Places"/> by material score (Changde §19, Benxi §18).</summary>
public sealed record DecideCycleShortlist(IReadOnlyList<ScoredApplication> MaterialScores, int Places) : ICycleCommand;

/// <summary>The candidate list from the composite ranking: which applications, for which tier.</summary>
public sealed record NominateCandidates(
    IReadOnlyList<ScoredApplication> CompositeScores,
    IReadOnlyDictionary<string, AwardTier> Candidates,
    IReadOnlySet<string> BarredFromNomination) : ICycleCommand;

/// <summary>The deciding body's result (Changde §23 vote, leading group, or office).</summary>
public sealed record ProposeWinners(
    IReadOnlyList<WinnerEntry> Winners,
    VoteTally? Vote,
    string Minutes) : ICycleCommand;

public sealed record RemoveProposedWinner(string ApplicationId, string Reason) : ICycleCommand;

public sealed record AnnounceAwards(string Reference, DateOnly AnnouncedOn) : ICycleCommand;

public sealed record CloseCycle(string Reason) : ICycleCommand;

/// <summary>The cohort decisions of a cycle, in the order they are taken.</summary>
public enum CycleDecision
{
    /// <summary>The shortlist for site review (Changde §19, Benxi §18).</summary>
    Shortlist,

    /// <summary>The candidate list (Changde §22, Benxi §20, Jinan §16, Weihai §15).</summary>
    Candidates,

    /// <summary>The deciding body's proposed winners (Changde §23, Benxi §20-21, Jinan §16, Xinzhou §17, Weihai §15).</summary>
    Winners,
}

/// <summary>
/// The office withdraws the cycle's latest cohort decision, with its reason, before the list it
/// made is published and before the announcement; the decision can then be taken again.
/// </summary>
public sealed record WithdrawCycleDecision(CycleDecision Decision, string Reason) : ICycleCommand;

/// <summary>An application with a score, as the ranking needs it.</summary>
public sealed record ScoredApplication(string ApplicationId, ApplicantCategory Category, decimal Score, DateTimeOffset SubmittedAt, IReadOnlyList<decimal> TieBreakScores);

/// <summary>
/// What a cycle decision needs from outside its stream. <see cref="Notices"/>: the state of every
/// notice the cycle has published, by notice id; a decision on a list waits for its notice
/// (see <see cref="CycleDecider.PermDeliberateAfterCandidatesNotice"/>). <see cref="ProposedWinners"/>:
/// the applications of the proposed winners, by id; the announcement waits for their approvals
/// (<see cref="CycleDecider.PermAnnounceAfterApprovals"/>). Deciding such a command without them
/// is a bug of the caller.
/// </summary>
public sealed record CycleContext(
    DateTimeOffset Now,
    Actor Actor,
    IReadOnlyList<CycleSummary> OtherCyclesOfPolicy,
    IReadOnlyDictionary<string, NoticeState>? Notices = null,
    IReadOnlyDictionary<string, Applications.ApplicationState>? ProposedWinners = null);
