using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Review;

/// <summary>Events of a cycle's expert review: one stream per cycle (<c>review-{cycleId}</c>).</summary>
public interface IReviewEvent : IDomainEvent
{
    DateTimeOffset At { get; }
}

/// <summary>Who applied, as the conflict check needs it, taken when a panel is assigned.</summary>
public sealed record ApplicantSnapshot(
    string ApplicationId,
    ApplicantCategory Category,
    string OwnerSubject,
    string? Name,
    string? CreditCode,
    string? Employer,
    string? EmployerCreditCode);

/// <summary>A panel (评审组) with its team leader (组长负责制), for the cycle or one industry group (Jinan §8).</summary>
[EventType("PanelFormed", 1)]
public sealed record PanelFormed(string PanelId, string Name, string? IndustryGroup, IReadOnlyList<string> Members, string Leader, DateTimeOffset At) : IReviewEvent;

/// <summary>A panel reviews an application at a scored stage; its members are the application's reviewers there.</summary>
[EventType("PanelAssigned", 1)]
public sealed record PanelAssigned(string ApplicationId, StageKind Stage, string PanelId, ApplicantSnapshot Applicant, DateTimeOffset At) : IReviewEvent;

/// <summary>The system saw an obvious conflict (same employer or credit code); the office decides.</summary>
[EventType("ConflictFlagged", 1)]
public sealed record ConflictFlagged(string ApplicationId, string ExpertId, string Reason, DateTimeOffset At) : IReviewEvent;

/// <summary>The reviewer declared a conflict with this applicant (e.g. a past relationship): the reviewer withdraws.</summary>
[EventType("ConflictDeclared", 1)]
public sealed record ConflictDeclared(string ApplicationId, string ExpertId, string Relationship, DateTimeOffset At) : IReviewEvent;

/// <summary>The supervision group proposes a recusal (Changde §36); the office decides.</summary>
[EventType("RecusalProposed", 1)]
public sealed record RecusalProposed(string ApplicationId, string ExpertId, string Reason, DateTimeOffset At) : IReviewEvent;

public enum RecusalBasis
{
    /// <summary>The reviewer declared a conflict.</summary>
    Declared,

    /// <summary>The office upheld a conflict the system flagged.</summary>
    Flagged,

    /// <summary>The office upheld the supervision group's proposal.</summary>
    Proposed,

    /// <summary>The office decided on its own knowledge.</summary>
    Office,
}

/// <summary>A reviewer is recused from an application at every stage: no view, no score, no file.</summary>
[EventType("ReviewerRecused", 1)]
public sealed record ReviewerRecused(string ApplicationId, string ExpertId, RecusalBasis Basis, string Reason, DateTimeOffset At) : IReviewEvent;

/// <summary>The office found no conflict in a flag or a proposal.</summary>
[EventType("RecusalDeclined", 1)]
public sealed record RecusalDeclined(string ApplicationId, string ExpertId, string Reason, DateTimeOffset At) : IReviewEvent;

/// <summary>One reviewer's independent score on the policy's sheet.</summary>
[EventType("ReviewScoreSubmitted", 1)]
public sealed record ReviewScoreSubmitted(string ApplicationId, StageKind Stage, string ExpertId, IReadOnlyDictionary<string, decimal> Items, decimal Total, DateTimeOffset At) : IReviewEvent;

/// <summary>The team leader sends items back to a reviewer for re-scoring: only these items may change when the reviewer scores again.</summary>
[EventType("RescoreRequested", 1)]
public sealed record RescoreRequested(string ApplicationId, StageKind Stage, string ExpertId, IReadOnlyList<string> ItemCodes, string Reason, DateTimeOffset At) : IReviewEvent;

/// <summary>The panel's report, signed by its team leader: the panel score is the stage's score.</summary>
[EventType("PanelReportSigned", 1)]
public sealed record PanelReportSigned(
    string ApplicationId,
    StageKind Stage,
    string PanelId,
    decimal Points,
    decimal MaxPoints,
    PanelScoreRule Rule,
    IReadOnlyDictionary<string, decimal> Totals,
    IReadOnlyList<string> Disagreements,
    string Summary,
    string SignedBy,
    DateTimeOffset At) : IReviewEvent;

/// <summary>
/// The office adds an expert to a panel, with its reason (e.g. a recusal left fewer members than
/// the policy's minimum). The new member scores, independently like the others, every application
/// the panel has not yet reported on.
/// </summary>
[EventType("PanelMemberAdded", 1)]
public sealed record PanelMemberAdded(string PanelId, string ExpertId, string Reason, DateTimeOffset At) : IReviewEvent;

/// <summary>
/// The office replaces a member of a panel, with its reason (e.g. Changde §33, Jinan §27, Weihai §25:
/// a reviewer stripped of the task). The replaced member's scores on the applications the panel has
/// not reported on no longer count; a replaced team leader's place as leader goes to the replacement.
/// </summary>
[EventType("PanelMemberReplaced", 1)]
public sealed record PanelMemberReplaced(string PanelId, string ExpertId, string ReplacementId, string Reason, DateTimeOffset At) : IReviewEvent;

/// <summary>The office appoints another member as the panel's team leader (组长负责制), with its reason, e.g. the leader was recused.</summary>
[EventType("TeamLeaderAppointed", 1)]
public sealed record TeamLeaderAppointed(string PanelId, string ExpertId, string Reason, DateTimeOffset At) : IReviewEvent;

/// <summary>
/// The office gives an application's stage to another panel, with its reason. Scores already given
/// by experts who sit on the new panel too still count; the others' no longer do.
/// </summary>
[EventType("PanelReassigned", 1)]
public sealed record PanelReassigned(string ApplicationId, StageKind Stage, string FromPanelId, string PanelId, string Reason, DateTimeOffset At) : IReviewEvent;

/// <summary>The candidate rates a site reviewer's conduct (Changde §37); office and supervisors read it.</summary>
[EventType("ReviewerConductRated", 1)]
public sealed record ReviewerConductRated(string ApplicationId, string ExpertId, int Rating, string? Comment, DateTimeOffset At) : IReviewEvent;

/// <summary>A reviewer opened the application, recorded once per expert and Shanghai day (its files are recorded on the application as <c>DocumentRead</c>).</summary>
[EventType("ApplicationViewedByReviewer", 1)]
public sealed record ApplicationViewedByReviewer(string ApplicationId, string ExpertId, DateTimeOffset At) : IReviewEvent;

public interface IReviewCommand;

public sealed record RecordReviewerView(string ApplicationId) : IReviewCommand;

public sealed record FormPanel(string PanelId, string Name, string? IndustryGroup, IReadOnlyList<string> Members, string Leader) : IReviewCommand;

public sealed record AssignPanel(string ApplicationId, StageKind Stage, string PanelId) : IReviewCommand;

public sealed record DeclareConflict(string ApplicationId, string Relationship) : IReviewCommand;

public sealed record ProposeRecusal(string ApplicationId, string ExpertId, string Reason) : IReviewCommand;

public sealed record DecideRecusal(string ApplicationId, string ExpertId, bool Recuse, string Reason) : IReviewCommand;

public sealed record SubmitReviewScore(string ApplicationId, StageKind Stage, IReadOnlyDictionary<string, decimal> Items) : IReviewCommand;

public sealed record RequestRescore(string ApplicationId, StageKind Stage, string ExpertId, IReadOnlyList<string> ItemCodes, string Reason) : IReviewCommand;

public sealed record SignPanelReport(string ApplicationId, StageKind Stage, string Summary) : IReviewCommand;

public sealed record AddPanelMember(string PanelId, string ExpertId, string Reason) : IReviewCommand;

public sealed record ReplacePanelMember(string PanelId, string ExpertId, string ReplacementId, string Reason) : IReviewCommand;

public sealed record AppointTeamLeader(string PanelId, string ExpertId, string Reason) : IReviewCommand;

public sealed record ReassignPanel(string ApplicationId, StageKind Stage, string PanelId, string Reason) : IReviewCommand;

public sealed record ConductRating(string ExpertId, int Rating, string? Comment);

public sealed record RateReviewers(string ApplicationId, IReadOnlyList<ConductRating> Ratings) : IReviewCommand;

/// <summary>What a review decision needs from outside its stream: the cycle's policy, the pool, and the application concerned.</summary>
public sealed record ReviewContext(
    AwardPolicy Policy,
    ExpertPoolState Pool,
    Applications.ApplicationState Application,
    Actor Actor,
    DateTimeOffset Now);
