using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Awards;

/// <summary>
/// Every event of a holder's stream (<c>holder-{applicantKey}</c>): what happens to an applicant
/// in the register after the award (bans, visits, consultations due, change reports, money
/// recovered). <see cref="At"/> is the instant (UTC) it was recorded.
/// </summary>
public interface IHolderEvent : IDomainEvent
{
    DateTimeOffset At { get; }
}

/// <summary>A ban the policy defines, recorded by the office against an applicant (Changde §28, Benxi §30-31, Xinzhou §26, Weihai §29).</summary>
[EventType("HolderBanRecorded", 1)]
public sealed record HolderBanRecorded(
    string BanId,
    string PolicyId,
    BanReason Reason,
    DateOnly StartsOn,
    BanUnit Unit,
    int Length,
    bool AllQualityAwards,
    string Article,
    string Cause,
    string DecisionReference,
    DateTimeOffset At) : IHolderEvent;

/// <summary>
/// The applicant submitted an application: whatever that application's own stream records later
/// (an award, its revocation, a disqualification for false materials) belongs to the applicant's
/// record, and intake reads it there. Appended before the submission itself is stored, so no
/// submitted application is missing from its applicant's record.
/// </summary>
[EventType("HolderApplicationLinked", 1)]
public sealed record HolderApplicationLinked(string ApplicationId, string CycleId, DateTimeOffset At) : IHolderEvent;

/// <summary>An award's validity ended (Benxi §4: 5 years); the holder is no longer listed as valid.</summary>
[EventType("AwardValidityEnded", 1)]
public sealed record AwardValidityEnded(string ApplicationId, DateOnly EndedOn, DateTimeOffset At) : IHolderEvent;

/// <summary>A periodic visit (定期巡访, Changde §29) is due for an award.</summary>
[EventType("InspectionDue", 1)]
public sealed record InspectionDue(string ApplicationId, DateOnly DueOn, DateTimeOffset At) : IHolderEvent;

/// <summary>The office visited the holder and wrote down what it found and what must follow.</summary>
[EventType("InspectionRecorded", 1)]
public sealed record InspectionRecorded(string InspectionId, string ApplicationId, DateOnly VisitedOn, string Findings, string? FollowUps, DateTimeOffset At) : IHolderEvent;

/// <summary>
/// The departments are to be asked whether the holder had a major incident or a serious violation.
/// The consultation mechanism (department mail and reply links) reacts to this event.
/// </summary>
[EventType("HolderConsultationDue", 1)]
public sealed record HolderConsultationDue(string ApplicationId, DateOnly DueOn, DateTimeOffset At) : IHolderEvent;

/// <summary>
/// A department answered a consultation about the holder with an adverse record (a major incident
/// or a serious violation): the office is to act on it, e.g. by proposing revocation.
/// </summary>
[EventType("HolderAdverseRecordReported", 1)]
public sealed record HolderAdverseRecordReported(string ConsultationId, string ApplicationId, Department Department, string Details, string? FileId, DateTimeOffset At) : IHolderEvent;

public enum ChangeKind
{
    /// <summary>质量管理模式发生重大变化 (Changde §42).</summary>
    QualityModel,

    /// <summary>主体注销、重组、被收购 (Weihai §27(九)).</summary>
    LegalForm,
}

[EventType("HolderChangeReported", 1)]
public sealed record HolderChangeReported(string ChangeId, string ApplicationId, ChangeKind Kind, string Description, DateOnly EffectiveOn, string Article, DateTimeOffset At) : IHolderEvent;

public enum ChangeReviewOutcome
{
    /// <summary>The change does not put the award in question.</summary>
    Accepted,

    /// <summary>The change may end the award: the office opens revocation.</summary>
    RevocationOpened,
}

[EventType("HolderChangeReviewed", 1)]
public sealed record HolderChangeReviewed(string ChangeId, ChangeReviewOutcome Outcome, string Note, DateTimeOffset At) : IHolderEvent;

/// <summary>Money of a revoked award paid back (Benxi §31-32, Jinan §29, Xinzhou §26, Weihai §29).</summary>
[EventType("AwardMoneyRecovered", 1)]
public sealed record AwardMoneyRecovered(string ApplicationId, long Yuan, DateOnly RecoveredOn, string Reference, DateTimeOffset At) : IHolderEvent;

/// <summary>The office proposes to revoke an award on one of the policy's grounds; the body the policy names decides.</summary>
[EventType("RevocationProposed", 1)]
public sealed record RevocationProposed(string ProposalId, string ApplicationId, string GroundCode, string Article, string Reason, DateOnly? OccurredOn, string DecidedBy, DateTimeOffset At) : IHolderEvent;

/// <summary>The deciding body approved the proposal (its decision's reference); the award is revoked on its application.</summary>
[EventType("RevocationApproved", 1)]
public sealed record RevocationApproved(string ProposalId, string ApplicationId, DateOnly RevokedOn, string DecisionReference, DateTimeOffset At) : IHolderEvent;
