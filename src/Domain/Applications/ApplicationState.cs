using System.Collections.Immutable;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Applications;

public enum ApplicationStatus
{
    /// <summary>No such application.</summary>
    None,

    /// <summary>草稿: the applicant is filling it in.</summary>
    Draft,

    /// <summary>Submitted and moving through the policy's stages; see <see cref="ApplicationState.Stage"/>.</summary>
    InProcess,

    /// <summary>获奖 / 获得认定.</summary>
    Awarded,

    /// <summary>撤回 by the applicant.</summary>
    Withdrawn,

    /// <summary>The recommender declined to recommend.</summary>
    Declined,

    /// <summary>不予受理.</summary>
    Refused,

    /// <summary>Not shortlisted for site review; told its material-review result.</summary>
    NotShortlisted,

    /// <summary>Not a candidate, or not chosen by the deciding body.</summary>
    NotSelected,

    /// <summary>取消资格.</summary>
    Disqualified,

    /// <summary>撤销奖励.</summary>
    Revoked,
}

/// <summary>An application as its events make it. Folded with <see cref="Evolve"/>; never stored itself.</summary>
public sealed record ApplicationState
{
    public static ApplicationState Initial { get; } = new();

    public int Version { get; init; }

    public ApplicationStatus Status { get; init; } = ApplicationStatus.None;

    public bool Exists => Status != ApplicationStatus.None;

    public bool IsClosed => Status is ApplicationStatus.Withdrawn or ApplicationStatus.Declined or ApplicationStatus.Refused
        or ApplicationStatus.NotShortlisted or ApplicationStatus.NotSelected or ApplicationStatus.Disqualified or ApplicationStatus.Revoked;

    public string ApplicationId { get; init; } = string.Empty;

    public string CycleId { get; init; } = string.Empty;

    /// <summary>The city of the cycle's policy (administrative division code), for the recommender's authority.</summary>
    public string? CityCode { get; init; }

    public ApplicantCategory Category { get; init; }

    public string OwnerSubject { get; init; } = string.Empty;

    public ApplicationForm Form { get; init; } = new();

    public ImmutableList<DocumentRef> Documents { get; init; } = [];

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>When the office accepted it (受理); it is then on the cycle's acceptance list.</summary>
    public DateTimeOffset? AcceptedAt { get; init; }

    public string? ApplicantKey { get; init; }

    public ImmutableList<EligibilityFlag> Flags { get; init; } = [];

    /// <summary>Index of the current stage in the policy's stage list; -1 before submission.</summary>
    public int StageIndex { get; init; } = -1;

    public StageKind? Stage { get; init; }

    public DateTimeOffset? StageEnteredAt { get; init; }

    public ApplicationRecommended? Recommendation { get; init; }

    public bool SecurityFlagged { get; init; }

    /// <summary>Adverse records not yet dismissed, by consultation and department.</summary>
    public ImmutableList<AdverseRecordReported> OpenAdverseRecords { get; init; } = [];

    public ImmutableList<AdverseRecordReported> AdverseRecords { get; init; } = [];

    public OpinionSurveyRecorded? OpinionSurvey { get; init; }

    public ImmutableDictionary<StageKind, StageScored> Scores { get; init; } = ImmutableDictionary<StageKind, StageScored>.Empty;

    public ShortlistDecided? Shortlist { get; init; }

    public CompositeScored? Composite { get; init; }

    public CandidateNominated? Candidate { get; init; }

    public AwardTier? ProposedTier { get; init; }

    public ImmutableList<string> ApprovalsGranted { get; init; } = [];

    public ApplicationAwarded? Award { get; init; }

    public AwardRevoked? Revocation { get; init; }

    public ApplicationDisqualified? Disqualification { get; init; }

    /// <summary>Why the application ended, in words the applicant sees.</summary>
    public string? EndReason { get; init; }

    public ImmutableList<string> NoticesPassed { get; init; } = [];

    /// <summary>Files read on the day of the latest read, by whom: a second read that day is not recorded again.</summary>
    public DailyReads ReadsToday { get; init; } = DailyReads.None;

    public static ApplicationState Fold(IEnumerable<IApplicationEvent> events) =>
        events.Aggregate(Initial, Evolve);

    public static ApplicationState Evolve(ApplicationState s, IApplicationEvent e)
    {
        var next = e switch
        {
            ApplicationDrafted d => s with
            {
                Status = ApplicationStatus.Draft,
                ApplicationId = d.ApplicationId,
                CycleId = d.CycleId,
                CityCode = d.CityCode,
                Category = d.Category,
                OwnerSubject = d.OwnerSubject,
                CreatedAt = d.At,
            },
            DraftSaved d => s with { Form = d.Form },
            DocumentAttached d => s with { Documents = s.Documents.Add(d.Document) },
            DocumentRemoved d => s with { Documents = s.Documents.RemoveAll(x => x.DocumentId == d.DocumentId) },
            DocumentRead { ReaderSubject: { } reader } d => s with { ReadsToday = s.ReadsToday.With(reader, d.DocumentId, d.At) },
            DocumentRead => s,
            ApplicationSubmitted d => s with
            {
                Status = ApplicationStatus.InProcess,
                SubmittedAt = d.At,
                ApplicantKey = d.ApplicantKey,
                Flags = [.. d.Flags],
            },
            StageEntered d => s with { StageIndex = d.StageIndex, Stage = d.Stage, StageEnteredAt = d.At },
            ApplicationWithdrawn d => s with { Status = ApplicationStatus.Withdrawn, EndReason = d.Reason },
            ApplicationRecommended d => s with { Recommendation = d },
            RecommendationDeclined d => s with { Status = ApplicationStatus.Declined, EndReason = d.Reason },
            SecurityReviewFlagged d => s with { SecurityFlagged = d.Flagged },
            AdverseRecordReported d => s with
            {
                OpenAdverseRecords = s.OpenAdverseRecords.Add(d),
                AdverseRecords = s.AdverseRecords.Add(d),
            },
            AdverseRecordDismissed d => s with
            {
                OpenAdverseRecords = s.OpenAdverseRecords.RemoveAll(x => x.ConsultationId == d.ConsultationId && x.Department == d.Department),
            },
            ConsultationConcluded => s,
            ApplicationAccepted d => s with { AcceptedAt = d.At },
            ApplicationRefused d => s with { Status = ApplicationStatus.Refused, EndReason = d.Reason },
            NoticePassed d => s with { NoticesPassed = s.NoticesPassed.Add(d.NoticeId) },
            OpinionSurveyRecorded d => s with { OpinionSurvey = d },
            StageScored d => s with { Scores = s.Scores.SetItem(d.Stage, d) },
            ShortlistDecided d => d.Shortlisted
                ? s with { Shortlist = d }
                : s with { Shortlist = d, Status = ApplicationStatus.NotShortlisted, EndReason = $"材料评审未进入现场评审名单（排名第{d.Rank}）" },
            CompositeScored d => s with { Composite = d },
            CandidateNominated d => s with { Candidate = d },
            ApplicationNotSelected d => s with { Status = ApplicationStatus.NotSelected, EndReason = d.Reason },
            ProposedAsWinner d => s with { ProposedTier = d.Tier },
            ApprovalGranted d => s with { ApprovalsGranted = s.ApprovalsGranted.Add(d.StepCode) },
            ApplicationAwarded d => s with { Status = ApplicationStatus.Awarded, Award = d },
            ApplicationDisqualified d => s with { Status = ApplicationStatus.Disqualified, Disqualification = d, EndReason = d.Reason },
            AwardRevoked d => s with { Status = ApplicationStatus.Revoked, Revocation = d, EndReason = d.Reason },
            StageReopened d => Reopen(s, d),
            _ => throw new InvalidOperationException($"Unknown application event {e.GetType().Name}"),
        };

        return next with { Version = s.Version + 1 };
    }

    /// <summary>Back at the stage: its own decision and everything after it are undone; its own score stays.</summary>
    private static ApplicationState Reopen(ApplicationState s, StageReopened d)
    {
        var reopened = s with
        {
            Status = ApplicationStatus.InProcess,
            EndReason = null,
            StageIndex = d.StageIndex,
            Stage = d.Stage,
            StageEnteredAt = d.At,
            ProposedTier = null,
            ApprovalsGranted = [],
        };

        return d.Stage switch
        {
            StageKind.MaterialReview => reopened with
            {
                Shortlist = null,
                Scores = reopened.Scores.Where(x => x.Key == StageKind.MaterialReview).ToImmutableDictionary(),
                Composite = null,
                Candidate = null,
            },
            StageKind.CompositeEvaluation => reopened with { Candidate = null },
            _ => reopened,
        };
    }
}

/// <summary>Which of the policy's stages an application goes through, and in what order.</summary>
public static class StagePlan
{
    /// <summary>Stages that happen before or at submission: the application does not "enter" them.</summary>
    public static bool IsPreSubmission(StageKind kind) =>
        kind is StageKind.Call or StageKind.InternalPublicity or StageKind.Submission;

    /// <summary>Does this stage apply to this application?</summary>
    public static bool Applies(StageRule stage, ApplicantCategory category, Sector sector, bool securityFlagged)
    {
        if (IsPreSubmission(stage.Kind) || !stage.AppliesTo(category))
        {
            return false;
        }

        if (stage.Kind == StageKind.Consultation)
        {
            return DepartmentsFor(stage, sector, securityFlagged).Count > 0;
        }

        return true;
    }

    /// <summary>The departments a consultation stage asks about an applicant of this sector.</summary>
    public static IReadOnlyList<Department> DepartmentsFor(StageRule stage, Sector sector, bool securityFlagged) =>
        (stage.Consult ?? [])
            .Where(line => line.Sectors.Count == 0 || line.Sectors.Contains(sector))
            .Where(line => !line.OnlyFlagged || securityFlagged)
            .SelectMany(line => line.Departments)
            .Distinct()
            .ToList();

    /// <summary>The index of the next stage after <paramref name="fromIndex"/> that applies, or null if none.</summary>
    public static int? Next(AwardPolicy policy, int fromIndex, ApplicantCategory category, Sector sector, bool securityFlagged)
    {
        for (var i = fromIndex + 1; i < policy.Stages.Count; i++)
        {
            if (Applies(policy.Stages[i], category, sector, securityFlagged))
            {
                return i;
            }
        }

        return null;
    }

    public static int SubmissionIndex(AwardPolicy policy) =>
        policy.Stages.ToList().FindIndex(s => s.Kind == StageKind.Submission);
}
