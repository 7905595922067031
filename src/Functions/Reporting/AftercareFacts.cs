using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Review;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Reporting;

/// <summary>
/// The reviewer dimension, the visits after the award and the reviewers' own scores. Experts'
/// names, employers, employers' credit codes and contacts stay out; so do visit findings and
/// follow-up text, recusal reasons, score items and conduct comments. An individual holder's
/// register key is an identity number: it is never exported (the holder key is left empty).
/// </summary>
public static class AftercareFacts
{
    /// <summary>One row per expert ever in the pool (removed experts stay, so old scores still join).</summary>
    public static List<object?[]> ReviewerRows(ExpertPoolState pool) =>
    [
        .. pool.Experts.Values
            .OrderBy(e => e.ExpertId, StringComparer.Ordinal)
            .Select(e => new object?[]
            {
                e.ExpertId, e.Details.Field,
                e.Details.IndustryCodes.Count == 0 ? null : string.Join(",", e.Details.IndustryCodes),
                !string.IsNullOrWhiteSpace(e.Details.EmployerCreditCode), e.Active,
            }),
    ];

    /// <summary>
    /// One row per inspection of an award: the n-th visit due is paired with the n-th visit recorded
    /// for the same award (a visit the office recorded without a due date gets a row of its own).
    /// </summary>
    public static IEnumerable<object?[]> InspectionRows(HolderState holder, IReadOnlyDictionary<string, ApplicationState> applications, Func<string, string> policyOf)
    {
        var awardIds = holder.InspectionsDue.Select(d => d.ApplicationId)
            .Concat(holder.Inspections.Select(i => i.ApplicationId))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        foreach (var applicationId in awardIds)
        {
            var application = applications.GetValueOrDefault(applicationId);
            var due = holder.InspectionsDue.Where(d => d.ApplicationId == applicationId).OrderBy(d => d.DueOn).ToList();
            var visits = holder.Inspections.Where(i => i.ApplicationId == applicationId).OrderBy(i => i.VisitedOn).ToList();
            for (var n = 0; n < Math.Max(due.Count, visits.Count); n++)
            {
                var d = n < due.Count ? due[n] : null;
                var v = n < visits.Count ? visits[n] : null;
                var cycleId = application?.CycleId ?? string.Empty;
                yield return
                [
                    applicationId, cycleId, policyOf(cycleId),
                    application is null ? string.Empty : ReportBuilder.Name(application.Category),
                    HolderKey(application), n + 1, d?.DueOn, d?.At, v?.InspectionId, v?.VisitedOn, v?.At,
                    d is not null && v is not null ? v.VisitedOn.DayNumber - d.DueOn.DayNumber : null,
                    !string.IsNullOrWhiteSpace(v?.FollowUps),
                ];
            }
        }
    }

    /// <summary>An organisation's credit code (published with the award); never an individual's identity number.</summary>
    private static string? HolderKey(ApplicationState? application) =>
        application is { Category: ApplicantCategory.Organisation, Form.CreditCode: { Length: > 0 } code } ? code.Trim().ToUpperInvariant() : null;

    /// <summary>
    /// One row per score sheet a reviewer submitted (a re-score shows both, in order), the panel
    /// that scored, whether the reviewer was later recused, and whether the sheet counts in the
    /// panel's score now (the reviewer's latest for the stage, not sent back, reviewer not recused).
    /// </summary>
    public static IEnumerable<object?[]> ReviewScoreRows(string cycleId, ReviewState review, IReadOnlyList<StoredEvent> events, ReportStages stages)
    {
        var sheets = events.Select(e => e.Event).OfType<ReviewScoreSubmitted>().ToList();

        // A reviewer's latest sheet for an application and stage is the last one in the stream (two may share an instant).
        var latest = new Dictionary<(string, StageKind, string), int>();
        for (var i = 0; i < sheets.Count; i++)
        {
            latest[(sheets[i].ApplicationId, sheets[i].Stage, sheets[i].ExpertId)] = i;
        }

        for (var i = 0; i < sheets.Count; i++)
        {
            var s = sheets[i];
            var panel = review.Assignments.TryGetValue((s.ApplicationId, s.Stage), out var assigned) ? PanelFacts.Key(cycleId, assigned.PanelId) : null;
            var recused = review.IsRecused(s.ApplicationId, s.ExpertId);
            yield return
            [
                s.ApplicationId, cycleId, ReportBuilder.Name(s.Stage), stages.KeyOf(cycleId, s.Stage), s.ExpertId, panel, s.Total, s.At, recused,
                latest[(s.ApplicationId, s.Stage, s.ExpertId)] == i && review.HasSubmitted(s.ApplicationId, s.Stage, s.ExpertId) && !recused,
            ];
        }
    }
}
