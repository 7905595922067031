using System.Collections.Immutable;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Review;

/// <summary>
/// A panel as it stands now: formed by <see cref="PanelFormed"/>, changed by the office since
/// (members added or replaced, another team leader appointed). <see cref="FormerMembers"/> were
/// replaced: their scores on what the panel had not yet reported on no longer count. <see cref="At"/>:
/// when it was formed.
/// </summary>
public sealed record Panel(
    string PanelId,
    string Name,
    string? IndustryGroup,
    ImmutableList<string> Members,
    string Leader,
    ImmutableList<string> FormerMembers,
    DateTimeOffset At);

/// <summary>A cycle's review as its events make it.</summary>
public sealed record ReviewState
{
    public static ReviewState Initial { get; } = new();

    public static string StreamIdFor(string cycleId) => $"review-{cycleId}";

    public int Version { get; init; }

    public ImmutableDictionary<string, Panel> Panels { get; init; } = ImmutableDictionary<string, Panel>.Empty.WithComparers(StringComparer.Ordinal);

    public ImmutableDictionary<(string App, StageKind Stage), PanelAssigned> Assignments { get; init; } = ImmutableDictionary<(string, StageKind), PanelAssigned>.Empty;

    public ImmutableList<ConflictFlagged> Flags { get; init; } = [];

    public ImmutableList<ConflictDeclared> Declarations { get; init; } = [];

    public ImmutableList<RecusalProposed> Proposals { get; init; } = [];

    public ImmutableList<RecusalDeclined> Declined { get; init; } = [];

    public ImmutableDictionary<(string App, string Expert), ReviewerRecused> Recusals { get; init; } = ImmutableDictionary<(string, string), ReviewerRecused>.Empty;

    /// <summary>Flags and proposals about a current reviewer of the application that the office has not decided yet.</summary>
    public ImmutableHashSet<(string App, string Expert)> Pending { get; init; } = [];

    /// <summary>The scores that count, or may count: a replaced member's scores on unreported work are dropped from here (the events keep them).</summary>
    public ImmutableDictionary<(string App, StageKind Stage, string Expert), ReviewScoreSubmitted> Scores { get; init; } = ImmutableDictionary<(string, StageKind, string), ReviewScoreSubmitted>.Empty;

    /// <summary>Scores sent back by the team leader and not yet submitted again.</summary>
    public ImmutableHashSet<(string App, StageKind Stage, string Expert)> Reopened { get; init; } = [];

    /// <summary>For each score sent back, the items that may change (every request adds its items).</summary>
    public ImmutableDictionary<(string App, StageKind Stage, string Expert), ImmutableSortedSet<string>> SentBack { get; init; } =
        ImmutableDictionary<(string, StageKind, string), ImmutableSortedSet<string>>.Empty;

    public ImmutableDictionary<(string App, StageKind Stage), PanelReportSigned> Reports { get; init; } = ImmutableDictionary<(string, StageKind), PanelReportSigned>.Empty;

    public ImmutableList<ReviewerConductRated> Ratings { get; init; } = [];

    /// <summary>Applications viewed on the day of the latest view, by which expert: a second view that day is not recorded again.</summary>
    public DailyReads ViewsToday { get; init; } = DailyReads.None;

    public bool IsRecused(string applicationId, string expertId) => Recusals.ContainsKey((applicationId, expertId));

    public Panel? PanelFor(string applicationId, StageKind stage) =>
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

    /// <summary>The members whose scores count: the panel's current members not recused from the application.</summary>
    public IReadOnlyList<string> ActiveMembers(string applicationId, StageKind stage) =>
        PanelFor(applicationId, stage)?.Members.Where(m => !IsRecused(applicationId, m)).ToList() ?? [];

    public bool HasSubmitted(string applicationId, StageKind stage, string expertId) =>
        Scores.ContainsKey((applicationId, stage, expertId)) && !Reopened.Contains((applicationId, stage, expertId));

    /// <summary>Flags or proposals the office has not decided about a current member of the panel of this stage.</summary>
    public IReadOnlyList<string> PendingFor(string applicationId, StageKind stage) =>
        PanelFor(applicationId, stage) is { } panel
            ? Pending.Where(p => p.App == applicationId && panel.Members.Contains(p.Expert)).Select(p => p.Expert).Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>The applications and stages a panel has been given and not yet reported on.</summary>
    public IReadOnlyList<(string App, StageKind Stage)> UnreportedWork(string panelId) =>
        Assignments.Values.Where(a => a.PanelId == panelId && !Reports.ContainsKey((a.ApplicationId, a.Stage))).Select(a => (a.ApplicationId, a.Stage)).ToList();

    public static ReviewState Evolve(ReviewState s, IReviewEvent e)
    {
        var next = e switch
        {
            PanelFormed d => s with { Panels = s.Panels.SetItem(d.PanelId, new Panel(d.PanelId, d.Name, d.IndustryGroup, [.. d.Members], d.Leader, [], d.At)) },
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
                SentBack = s.SentBack.Remove((d.ApplicationId, d.Stage, d.ExpertId)),
            },
            RescoreRequested d => s with
            {
                Reopened = s.Reopened.Add((d.ApplicationId, d.Stage, d.ExpertId)),
                SentBack = s.SentBack.SetItem(
                    (d.ApplicationId, d.Stage, d.ExpertId),
                    (s.SentBack.TryGetValue((d.ApplicationId, d.Stage, d.ExpertId), out var earlier) ? earlier : ImmutableSortedSet.Create<string>(StringComparer.Ordinal)).Union(d.ItemCodes)),
            },
            PanelReportSigned d => s with { Reports = s.Reports.SetItem((d.ApplicationId, d.Stage), d) },
            ReviewerConductRated d => s with { Ratings = s.Ratings.Add(d) },
            ApplicationViewedByReviewer d => s with { ViewsToday = s.ViewsToday.With(d.ExpertId, d.ApplicationId, d.At) },
            PanelMemberAdded d => s with { Panels = s.Panels.SetItem(d.PanelId, s.Panels[d.PanelId] with { Members = s.Panels[d.PanelId].Members.Add(d.ExpertId), FormerMembers = s.Panels[d.PanelId].FormerMembers.Remove(d.ExpertId) }) },
            PanelMemberReplaced d => Replace(s, d),
            TeamLeaderAppointed d => s with { Panels = s.Panels.SetItem(d.PanelId, s.Panels[d.PanelId] with { Leader = d.ExpertId }) },
            PanelReassigned d => Reassign(s, d),
            _ => throw new InvalidOperationException($"Unknown review event {e.GetType().Name}"),
        };

        return next with { Version = s.Version + 1 };
    }

    /// <summary>The replaced member leaves the panel; their scores on its unreported work are dropped.</summary>
    private static ReviewState Replace(ReviewState s, PanelMemberReplaced d)
    {
        var panel = s.Panels[d.PanelId];
        var members = panel.Members.Replace(d.ExpertId, d.ReplacementId);
        var replaced = s with
        {
            Panels = s.Panels.SetItem(d.PanelId, panel with
            {
                Members = members,
                Leader = panel.Leader == d.ExpertId ? d.ReplacementId : panel.Leader,
                FormerMembers = panel.FormerMembers.Remove(d.ReplacementId).Add(d.ExpertId),
            }),
        };

        var dropped = s.UnreportedWork(d.PanelId).Select(w => (w.App, w.Stage, d.ExpertId)).ToList();
        return Tidy(replaced with
        {
            Scores = replaced.Scores.RemoveRange(dropped),
            Reopened = replaced.Reopened.Except(dropped),
            SentBack = replaced.SentBack.RemoveRange(dropped),
        });
    }

    /// <summary>The stage goes to another panel; scores of experts not on it are dropped.</summary>
    private static ReviewState Reassign(ReviewState s, PanelReassigned d)
    {
        var members = s.Panels[d.PanelId].Members;
        var assigned = s.Assignments[(d.ApplicationId, d.Stage)] with { PanelId = d.PanelId, At = d.At };
        var dropped = s.Scores.Keys.Where(k => k.App == d.ApplicationId && k.Stage == d.Stage && !members.Contains(k.Expert)).ToList();
        return Tidy(s with
        {
            Assignments = s.Assignments.SetItem((d.ApplicationId, d.Stage), assigned),
            Scores = s.Scores.RemoveRange(dropped),
            Reopened = s.Reopened.Except(dropped),
            SentBack = s.SentBack.RemoveRange(dropped),
        });
    }

    /// <summary>A flag or proposal about someone who no longer reviews the application has nothing left to decide.</summary>
    private static ReviewState Tidy(ReviewState s) =>
        s with { Pending = s.Pending.Where(p => s.IsAssigned(p.App, p.Expert)).ToImmutableHashSet() };
}
