using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Cycles;

public interface ICycleEvent : IDomainEvent
{
    DateTimeOffset At { get; }
}

/// <summary>
/// A cycle opens with a copy of its policy: changing a policy file later never changes a running
/// cycle. The policy is kept as its own versioned JSON document. A rehearsal (演练) is marked
/// from its first event: it runs on a clock of its own and never counts as an edition of the award.
/// </summary>
[EventType("CycleOpened", 1)]
public sealed record CycleOpened(
    string CycleId,
    string PolicyId,
    string PolicyJson,
    int Year,
    string Title,
    DateOnly SubmissionOpensOn,
    DateOnly SubmissionClosesOn,
    IReadOnlyList<string> Warnings,
    DateTimeOffset At,
    bool Rehearsal = false) : ICycleEvent;

/// <summary>
/// The office moved a rehearsal's clock forward: from now on the cycle's time runs
/// <paramref name="Offset"/> ahead of real time (the sum of every move so far). <paramref name="At"/>
/// is the rehearsal's time before the move, <paramref name="To"/> its time after.
/// </summary>
[EventType("RehearsalClockMoved", 1)]
public sealed record RehearsalClockMoved(TimeSpan Offset, DateTimeOffset To, DateTimeOffset At) : ICycleEvent;

[EventType("SubmissionWindowExtended", 1)]
public sealed record SubmissionWindowExtended(DateOnly NewClosesOn, string Reason, DateTimeOffset At) : ICycleEvent;

[EventType("SubmissionsClosed", 1)]
public sealed record SubmissionsClosed(DateTimeOffset At) : ICycleEvent;

[EventType("NoticePublished", 1)]
public sealed record NoticePublished(string NoticeId, NoticeList List, DateTimeOffset At) : ICycleEvent;

public sealed record RankedEntry(string ApplicationId, ApplicantCategory Category, decimal Score, int Rank);

[EventType("CycleShortlistDecided", 1)]
public sealed record CycleShortlistDecided(IReadOnlyList<RankedEntry> Shortlisted, IReadOnlyList<RankedEntry> NotShortlisted, DateTimeOffset At) : ICycleEvent;

public sealed record CandidateEntry(string ApplicationId, ApplicantCategory Category, AwardTier Tier, decimal Score, int Rank);

[EventType("CandidatesNominated", 1)]
public sealed record CandidatesNominated(IReadOnlyList<CandidateEntry> Candidates, IReadOnlyList<RankedEntry> NotNominated, DateTimeOffset At) : ICycleEvent;

public sealed record WinnerEntry(string ApplicationId, ApplicantCategory Category, AwardTier Tier, bool OutsideQuota);

/// <summary>A vote's result: members present and each candidate's votes in favour.</summary>
public sealed record VoteTally(int MembersPresent, IReadOnlyDictionary<string, int> VotesFor);

[EventType("WinnersProposed", 1)]
public sealed record WinnersProposed(
    IReadOnlyList<WinnerEntry> Winners,
    IReadOnlyList<string> NotChosen,
    DeliberationMethod Method,
    string Body,
    VoteTally? Vote,
    string Minutes,
    DateTimeOffset At) : ICycleEvent;

/// <summary>A proposed winner left the list (objection upheld, adverse record): its place stays empty.</summary>
[EventType("ProposedWinnerRemoved", 1)]
public sealed record ProposedWinnerRemoved(string ApplicationId, string Reason, DateTimeOffset At) : ICycleEvent;

/// <summary>
/// The office withdrew a cohort decision, with its reason. <see cref="Returned"/> go back to the
/// stage where it was taken; <see cref="Reinstated"/>, which it had ended, are back in the process.
/// </summary>
[EventType("CycleDecisionWithdrawn", 1)]
public sealed record CycleDecisionWithdrawn(
    CycleDecision Decision,
    IReadOnlyList<string> Returned,
    IReadOnlyList<string> Reinstated,
    string Reason,
    DateTimeOffset At) : ICycleEvent;

/// <summary>
/// A certificate's number and public verification code, given by the announcement: the place in
/// the cycle's sequence of its tier (see <see cref="Awards.CertificateNumbers"/>).
/// </summary>
public sealed record CertificateEntry(string ApplicationId, AwardTier Tier, int Sequence, string Number, string VerificationCode);

/// <summary>
/// The government's announcement. v2 numbers the certificates: one event on the cycle stream
/// decides every number, so no two awards of a cycle can get the same one. A v1 announcement
/// reads with no certificates (its awards have no number).
/// </summary>
[EventType("AwardsAnnounced", 2)]
public sealed record AwardsAnnounced(string Reference, DateOnly AnnouncedOn, IReadOnlyList<WinnerEntry> Winners, IReadOnlyList<CertificateEntry> Certificates, DateTimeOffset At) : ICycleEvent;

[EventType("CycleClosed", 1)]
public sealed record CycleClosed(string Reason, DateTimeOffset At) : ICycleEvent;
