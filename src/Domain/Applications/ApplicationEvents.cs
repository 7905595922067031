using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Applications;

/// <summary>Every event of an application stream. <see cref="At"/> is the instant (UTC) it happened.</summary>
public interface IApplicationEvent : IDomainEvent
{
    DateTimeOffset At { get; }
}

/// <summary>
/// A draft in a cycle. <see cref="CityCode"/> is the city of the cycle's policy, so that who may
/// recommend it (<see cref="RecommenderAuthority"/>) is known from the application alone; null in
/// v1 events, which predate it (no recommender speaks for those).
/// </summary>
[EventType("ApplicationDrafted", 2)]
public sealed record ApplicationDrafted(
    string ApplicationId,
    string CycleId,
    ApplicantCategory Category,
    string OwnerSubject,
    DateTimeOffset At,
    string? CityCode = null) : IApplicationEvent;

[EventType("DraftSaved", 1)]
public sealed record DraftSaved(ApplicationForm Form, DateTimeOffset At) : IApplicationEvent;

[EventType("DocumentAttached", 1)]
public sealed record DocumentAttached(DocumentRef Document, DateTimeOffset At) : IApplicationEvent;

[EventType("DocumentRemoved", 1)]
public sealed record DocumentRemoved(string DocumentId, DateTimeOffset At) : IApplicationEvent;

/// <summary>
/// A file was downloaded; who downloaded it, in which role, is the event's metadata (the audit trail
/// of reads). <see cref="ReaderSubject"/> repeats the reader so the state can see it: a read is
/// recorded once per reader, file and Shanghai day. Null in v1 events, which predate it.
/// </summary>
[EventType("DocumentRead", 2)]
public sealed record DocumentRead(string DocumentId, string Name, DateTimeOffset At, string? ReaderSubject) : IApplicationEvent;

/// <summary>Submitted: the form is frozen; <see cref="Flags"/> are what the office must verify.</summary>
[EventType("ApplicationSubmitted", 1)]
public sealed record ApplicationSubmitted(
    string ApplicantKey,
    IReadOnlyList<EligibilityFlag> Flags,
    DateTimeOffset At) : IApplicationEvent;

[EventType("ApplicationWithdrawn", 1)]
public sealed record ApplicationWithdrawn(string Reason, DateTimeOffset At) : IApplicationEvent;

/// <summary>The application moved into a stage of the policy (index into its stage list).</summary>
[EventType("StageEntered", 1)]
public sealed record StageEntered(int StageIndex, StageKind Stage, DateTimeOffset At) : IApplicationEvent;

[EventType("ApplicationRecommended", 1)]
public sealed record ApplicationRecommended(
    string RecommenderId,
    RecommenderKind RecommenderKind,
    string Opinion,
    string? GovernmentApprovalReference,
    DateTimeOffset At) : IApplicationEvent;

[EventType("RecommendationDeclined", 1)]
public sealed record RecommendationDeclined(string RecommenderId, string Reason, DateTimeOffset At) : IApplicationEvent;

/// <summary>Changde §14: the office flags matters touching defence or national security.</summary>
[EventType("SecurityReviewFlagged", 1)]
public sealed record SecurityReviewFlagged(bool Flagged, string Reason, DateTimeOffset At) : IApplicationEvent;

[EventType("AdverseRecordReported", 1)]
public sealed record AdverseRecordReported(string ConsultationId, Department Department, string Details, DateTimeOffset At) : IApplicationEvent;

/// <summary>The office looked at an adverse record and decided it does not stop the application.</summary>
[EventType("AdverseRecordDismissed", 1)]
public sealed record AdverseRecordDismissed(string ConsultationId, Department Department, string Reason, DateTimeOffset At) : IApplicationEvent;

[EventType("ConsultationConcluded", 1)]
public sealed record ConsultationConcluded(int StageIndex, DateTimeOffset At) : IApplicationEvent;

[EventType("ApplicationAccepted", 1)]
public sealed record ApplicationAccepted(string? Note, DateTimeOffset At) : IApplicationEvent;

/// <summary>Not accepted (不予受理); the reason is shown to the applicant (Changde §15).</summary>
[EventType("ApplicationRefused", 1)]
public sealed record ApplicationRefused(string Reason, DateTimeOffset At) : IApplicationEvent;

/// <summary>The notice closed with the application still on the list.</summary>
[EventType("NoticePassed", 1)]
public sealed record NoticePassed(string NoticeId, NoticeList List, DateTimeOffset At) : IApplicationEvent;

[EventType("OpinionSurveyRecorded", 1)]
public sealed record OpinionSurveyRecorded(bool Favourable, string Summary, DateTimeOffset At) : IApplicationEvent;

/// <summary>A panel's score for a scored stage, on the sheet's points and out of 100.</summary>
[EventType("StageScored", 1)]
public sealed record StageScored(StageKind Stage, decimal Points, decimal MaxPoints, decimal Percent, string? ReportReference, DateTimeOffset At) : IApplicationEvent;

[EventType("ShortlistDecided", 1)]
public sealed record ShortlistDecided(bool Shortlisted, int Rank, DateTimeOffset At) : IApplicationEvent;

[EventType("CompositeScored", 1)]
public sealed record CompositeScored(decimal Score, decimal PreferenceBonus, IReadOnlyList<string> ConfirmedPreferences, DateTimeOffset At) : IApplicationEvent;

[EventType("CandidateNominated", 1)]
public sealed record CandidateNominated(AwardTier Tier, int Rank, DateTimeOffset At) : IApplicationEvent;

/// <summary>Not on the candidate list, or not chosen by the deciding body: the application ends here.</summary>
[EventType("ApplicationNotSelected", 1)]
public sealed record ApplicationNotSelected(StageKind Stage, string Reason, DateTimeOffset At) : IApplicationEvent;

[EventType("ProposedAsWinner", 1)]
public sealed record ProposedAsWinner(AwardTier Tier, DateTimeOffset At) : IApplicationEvent;

[EventType("ApprovalGranted", 1)]
public sealed record ApprovalGranted(string StepCode, string Reference, DateTimeOffset At) : IApplicationEvent;

/// <summary>
/// The award, as announced: tier, prizes and money from the policy. v2 carries the certificate's
/// number and verification code from the cycle's announcement; both are null for a v1 award and
/// for an award its cycle's announcement did not number (a schema-1 policy).
/// </summary>
[EventType("ApplicationAwarded", 2)]
public sealed record ApplicationAwarded(
    AwardTier Tier,
    int Year,
    DateOnly AwardedOn,
    IReadOnlyList<string> Prizes,
    long MoneyYuan,
    bool OutsideQuota,
    string AnnouncementReference,
    string? CertificateNumber,
    string? VerificationCode,
    DateTimeOffset At) : IApplicationEvent;

public enum DisqualificationGround
{
    /// <summary>An objection to a notice was upheld.</summary>
    ObjectionUpheld,

    /// <summary>A department reported an adverse record and the office decided it disqualifies.</summary>
    AdverseRecord,

    /// <summary>隐瞒有关情况或者提供虚假材料 (Changde §28, Benxi §30): brings the policy's ban.</summary>
    FalseMaterials,

    /// <summary>Any other breach found by the office.</summary>
    Other,
}

[EventType("ApplicationDisqualified", 1)]
public sealed record ApplicationDisqualified(DisqualificationGround Ground, string Reason, StageKind Stage, DateTimeOffset At) : IApplicationEvent;

/// <summary>
/// The application is back at a decision stage of its policy, with the office's reason: what was
/// decided there and after is undone (the shortlist, candidacy, proposal, approvals, and the
/// scores of later stages); an application that decision had ended is in the process again.
/// </summary>
[EventType("StageReopened", 1)]
public sealed record StageReopened(int StageIndex, StageKind Stage, string Reason, DateTimeOffset At) : IApplicationEvent;

[EventType("AwardRevoked", 1)]
public sealed record AwardRevoked(
    string GroundCode,
    BanReason Consequence,
    string Reason,
    DateOnly RevokedOn,
    long MoneyToRecoverYuan,
    string DecisionReference,
    DateTimeOffset At) : IApplicationEvent;
