using QualityAward.Domain.Calendar;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Applications;

public interface IApplicationCommand;

public sealed record CreateDraft(string ApplicationId, ApplicantCategory Category) : IApplicationCommand;

public sealed record SaveDraft(ApplicationForm Form) : IApplicationCommand;

public sealed record AttachDocument(DocumentRef Document) : IApplicationCommand;

public sealed record RemoveDocument(string DocumentId) : IApplicationCommand;

/// <summary>
/// Someone who may read the application downloaded one of its files: recorded for the audit trail, changes nothing else.
/// <see cref="AssignedReviewer"/>: the cycle's review says the reader is an assigned, non-recused reviewer.
/// </summary>
public sealed record RecordDocumentRead(string DocumentId, bool AssignedReviewer = false) : IApplicationCommand;

public sealed record Submit : IApplicationCommand;

public sealed record Withdraw(string Reason) : IApplicationCommand;

public sealed record Recommend(string Opinion, string? GovernmentApprovalReference) : IApplicationCommand;

public sealed record DeclineRecommendation(string Reason) : IApplicationCommand;

public sealed record FlagSecurityReview(bool Flagged, string Reason) : IApplicationCommand;

public sealed record ReportAdverseRecord(string ConsultationId, Department Department, string Details) : IApplicationCommand;

public sealed record DismissAdverseRecord(string ConsultationId, Department Department, string Reason) : IApplicationCommand;

public sealed record ConcludeConsultation : IApplicationCommand;

public sealed record Accept(string? Note) : IApplicationCommand;

public sealed record Refuse(string Reason) : IApplicationCommand;

public sealed record PassNotice(string NoticeId, NoticeList List) : IApplicationCommand;

public sealed record RecordOpinionSurvey(bool Favourable, string Summary) : IApplicationCommand;

/// <summary>The panel's score for a scored stage: points on the policy's sheet (customer satisfaction: an index out of 100).</summary>
public sealed record RecordStageScore(StageKind Stage, decimal Points, string? ReportReference) : IApplicationCommand;

public sealed record ApplyShortlistDecision(bool Shortlisted, int Rank) : IApplicationCommand;

/// <summary>Compute the composite from the recorded stage scores and the policy's weights.</summary>
public sealed record ComputeComposite(IReadOnlyList<string> ConfirmedPreferences) : IApplicationCommand;

public sealed record ApplyCandidacy(AwardTier Tier, int Rank) : IApplicationCommand;

public sealed record MarkNotSelected(string Reason) : IApplicationCommand;

public sealed record ApplyProposal(AwardTier Tier) : IApplicationCommand;

public sealed record GrantApproval(string StepCode, string Reference) : IApplicationCommand;

public sealed record ConferAward(string AnnouncementReference, DateOnly AwardedOn) : IApplicationCommand;

public sealed record Disqualify(DisqualificationGround Ground, string Reason) : IApplicationCommand;

/// <summary>
/// Take the application back to a decision stage (material review awaiting the shortlist,
/// composite evaluation, deliberation) once the cycle's decision there has been withdrawn, or
/// bring back one that withdrawn decision had ended, at the stage it ended at. Office, with a reason.
/// </summary>
public sealed record ReopenStage(StageKind Stage, string Reason) : IApplicationCommand;

/// <summary>
/// Revoke an award. <see cref="OccurredOn"/> is when the ground arose (the incident, the breach):
/// Changde §30 and Benxi §32 revoke for what happens within 5 years of the award, however long the
/// investigation takes; without it the revocation date is taken.
/// </summary>
public sealed record RevokeAward(string GroundCode, string Reason, DateOnly RevokedOn, string DecisionReference, DateOnly? OccurredOn = null) : IApplicationCommand;

/// <summary>What an application decision needs from outside its own stream.</summary>
public sealed record ApplicationContext(
    CycleState Cycle,
    WorkingDayCalendar Calendar,
    ApplicantHistory History,
    Actor Actor,
    DateTimeOffset Now)
{
    public AwardPolicy Policy => Cycle.Policy;

    public DateOnly Today => ShanghaiTime.DateOf(Now);
}
