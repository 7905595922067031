using System.Collections.Immutable;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Review;

/// <summary>A cycle's review as its events make it.</summary>
public sealed record ReviewState
{
    public static ReviewState Initial { get; } = new();

    public static string StreamIdFor(string cycleId) => $"review-{cycleId}";

    public int Version { get; init; }

    public ImmutableDictionary<string, PanelFormed> Panels { get; init; } = ImmutableDictionary<string, PanelFormed>.Empty.WithComparers(StringComparer.Ordinal);

    public ImmutableDictionary<(string App, StageKind Stage), PanelAssigned> Assignments { get; init; } = ImmutableDictionary<(string, StageKind), PanelAssigned>.Empty;

    public ImmutableList<ConflictFlagged> Flags { get; init; } = [];

    public ImmutableList<ConflictDeclared> Declarations { get; init; } = [];

    public ImmutableList<RecusalProposed> Proposals { get; init; } = [];

    public ImmutableList<RecusalDeclined> Declined { get; init; } = [];

    public ImmutableDictionary<(string App, string Expert), ReviewerRecused> Recusals { get; init; } = ImmutableDictionary<(string, string), ReviewerRecused>.Empty;

    /// <summary>Flags and proposals the office has not decided yet.</summary>
    public ImmutableHashSet<(string App, string Expert)> Pending { get; init; } = [];

    public ImmutableDictionary<(string App, StageKind Stage, string Expert), ReviewScoreSubmitted> Scores { get; init; } = ImmutableDictionary<(string, StageKind, string), ReviewScoreSubmitted>.Empty;

    /// <summary>Scores sent back by the team leader and not yet submitted again.</summary>
    public ImmutableHashSet<(string App, StageKind Stage, string Expert)> Reopened { get; init; } = [];

    public ImmutableDictionary<(string App, StageKind Stage), PanelReportSigned> Reports { get; init; } = ImmutableDictionary<(string, StageKind), PanelReportSigned>.Empty;

    public ImmutableList<ReviewerConductRated> Ratings { get; init; } = [];

    /// <summary>Applications viewed on the day of the latest view, by which expert: a second view that day is not recorded again.</summary>
    public DailyReads ViewsToday { get; init; } = DailyReads.None;

    public bool IsRecused(string applicationId, string expertId) => Recusals.ContainsKey((applicationId, expertId));

    public PanelFormed? PanelFor(string applicationId, StageKind stage) =>
        Assignments.TryGetValue((applicationId, stage), out var a) ? Panels[a.PanelId] : null;

    /// <summary>Is the expert on a panel assigned to the application, at any stage?</summary>
    public bool IsAssigned(string applicationId, string expertId) =>
        Assignments.Values.Any(a => a.ApplicationId == applicationId && Panels[a.PanelId].Members.Contains(expertId));

    /// <summary>May the expert see the application and its files: assigned and not recused.</summary>
    public bool MayReview(string applicationId, string expertId) =>
        IsAssigned(applicationId, expertId) && !IsRecused(applicationId, expertId);

    /// <summary>
    /// Does the expert still need the application's materials, trade secrets included? Only while
    /// the application is in review at a panel stage and the expert is on the panel assigned to it
    /// for that very stage, not recused. Once the application leaves that stage — not shortlisted,
    /// withdrawn, disqualified, moved on to another panel's stage or past review — the need to know
    /// has ended: those who take part keep the secrets they learnt (Changde §38, Xinzhou §28) and
    /// learn no more.
    /// </summary>
    public bool NeedsToKnow(Applications.ApplicationState application, string expertId) =>
        application.Status == Applications.ApplicationStatus.InProcess
        && application.Stage is { } stage
        && ReviewDecider.IsPanelStage(stage)
        && PanelFor(application.ApplicationId, stage)?.Members.Contains(expertId) == true
        && !IsRecused(application.ApplicationId, expertId);

    /// <summary>The members whose scores count: the panel's members not recused from the application.</summary>
    public IReadOnlyList<string> ActiveMembers(string applicationId, StageKind stage) =>
        PanelFor(applicationId, stage)?.Members.Where(m => !IsRecused(applicationId, m)).ToList() ?? [];

    public bool HasSubmitted(string applicationId, StageKind stage, string expertId) =>
        Scores.ContainsKey((applicationId, stage, expertId)) && !Reopened.Contains((applicationId, stage, expertId));

    public static ReviewState Evolve(ReviewState s, IReviewEvent e)
    {
        var next = e switch
        {
            PanelFormed d => s with { Panels = s.Panels.SetItem(d.PanelId, d) },
            PanelAssigned d => s with { Assignments = s.Assignments.SetItem((d.ApplicationId, d.Stage), d) },
            ConflictFlagged d => s with { Flags = s.Flags.Add(d), Pending = s.Pending.Add((d.ApplicationId, d.ExpertId)) },
            ConflictDeclared d => s with { Declarations = s.Declarations.Add(d) },
            RecusalProposed d => s with { Proposals = s.Proposals.Add(d), Pending = s.Pending.Add((d.ApplicationId, d.ExpertId)) },
            ReviewerRecused d => s with
            {
                Recusals = s.Recusals.SetItem((d.ApplicationId, d.ExpertId), d),
                Pending = s.Pending.Remove((d.ApplicationId, d.ExpertId)),
            },
            RecusalDeclined d => s with { Declined = s.Declined.Add(d), Pending = s.Pending.Remove((d.ApplicationId, d.ExpertId)) },
            ReviewScoreSubmitted d => s with
            {
                Scores = s.Scores.SetItem((d.ApplicationId, d.Stage, d.ExpertId), d),
                Reopened = s.Reopened.Remove((d.ApplicationId, d.Stage, d.ExpertId)),
            },
            RescoreRequested d => s with { Reopened = s.Reopened.Add((d.ApplicationId, d.Stage, d.ExpertId)) },
            PanelReportSigned d => s with { Reports = s.Reports.SetItem((d.ApplicationId, d.Stage), d) },
            ReviewerConductRated d => s with { Ratings = s.Ratings.Add(d) },
            ApplicationViewedByReviewer d => s with { ViewsToday = s.ViewsToday.With(d.ExpertId, d.ApplicationId, d.At) },
            _ => throw new InvalidOperationException($"Unknown review event {e.GetType().Name}"),
        };

        return next with { Version = s.Version + 1 };
    }
}
