using QualityAward.Domain.Review;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Reporting;

/// <summary>
/// Panels (评审组), who sits on them, what they were given to score, who was recused, and how the
/// candidates rated the site reviewers' conduct (Changde §37). A panel does not change once
/// formed; what changes who scores an application is a recusal and a re-score the team leader
/// asks for, both exported. Left out: panels' reports and summaries, recusal and conflict reasons,
/// declared relationships, item scores and the candidates' comments on a reviewer.
/// </summary>
public static class PanelFacts
{
    /// <summary>Panel ids are the office's, per cycle: the key joins the cycle and the id.</summary>
    public static string Key(string cycleId, string panelId) => $"{cycleId}/{panelId}";

    public static IEnumerable<object?[]> PanelRows(string cycleId, ReviewState review) =>
        review.Panels.Values
            .OrderBy(p => p.PanelId, StringComparer.Ordinal)
            .Select(p => new object?[] { Key(cycleId, p.PanelId), cycleId, p.PanelId, p.Name, p.IndustryGroup, p.Leader, p.Members.Count, p.At });

    public static IEnumerable<object?[]> MemberRows(string cycleId, ReviewState review) =>
        review.Panels.Values
            .OrderBy(p => p.PanelId, StringComparer.Ordinal)
            .SelectMany(p => p.Members.Select(m => new object?[] { Key(cycleId, p.PanelId), cycleId, m, m == p.Leader }));

    /// <summary>
    /// One row per application and scored stage a panel was given: its members, those recused from
    /// the application, the sheets that stand, the re-scores asked for, and the signed report's score.
    /// </summary>
    public static IEnumerable<object?[]> AssignmentRows(string cycleId, ReviewState review, IReadOnlyList<StoredEvent> events, ReportStages stages)
    {
        var rescores = events.Select(e => e.Event).OfType<RescoreRequested>()
            .GroupBy(r => (r.ApplicationId, r.Stage))
            .ToDictionary(g => g.Key, g => g.Count());
        foreach (var a in review.Assignments.Values.OrderBy(a => a.At).ThenBy(a => a.ApplicationId, StringComparer.Ordinal).ThenBy(a => a.Stage))
        {
            var panel = review.Panels[a.PanelId];
            var report = review.Reports.GetValueOrDefault((a.ApplicationId, a.Stage));
            yield return
            [
                Key(cycleId, a.PanelId), a.ApplicationId, cycleId, ReportBuilder.Name(a.Stage), stages.KeyOf(cycleId, a.Stage), a.At,
                panel.Members.Count, panel.Members.Count(m => review.IsRecused(a.ApplicationId, m)),
                panel.Members.Count(m => review.HasSubmitted(a.ApplicationId, a.Stage, m)),
                rescores.GetValueOrDefault((a.ApplicationId, a.Stage)),
                report?.At, report?.Points, report?.MaxPoints, report?.Disagreements.Count,
            ];
        }
    }

    /// <summary>One row per reviewer recused from an application (at every stage), with how it came about; never the reason.</summary>
    public static IEnumerable<object?[]> RecusalRows(string cycleId, ReviewState review) =>
        review.Recusals.Values
            .OrderBy(r => r.At)
            .ThenBy(r => r.ExpertId, StringComparer.Ordinal)
            .Select(r => new object?[] { r.ApplicationId, cycleId, r.ExpertId, ReportBuilder.Name(r.Basis), r.At });

    /// <summary>One row per rating a candidate gave a site reviewer; whether it came with a comment, never the comment.</summary>
    public static IEnumerable<object?[]> ConductRatingRows(string cycleId, ReviewState review) =>
        review.Ratings.Select(r => new object?[] { r.ApplicationId, cycleId, r.ExpertId, r.Rating, !string.IsNullOrWhiteSpace(r.Comment), r.At });
}
