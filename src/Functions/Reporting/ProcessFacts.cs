using QualityAward.Domain;
using QualityAward.Domain.Calendar;
using QualityAward.Domain.Consultations;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Notices;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Reporting;

/// <summary>
/// The facts of public notices (公示), their objections (异议) and department consultations
/// (征求意见), folded from their streams. Left out: the objector's name and contact, the
/// objection's text and evidence, the office's finding, departments' mail addresses, the
/// respondent's name and the details of adverse records.
/// </summary>
public static class ProcessFacts
{
    public static IEnumerable<object?[]> NoticeRows(NoticeState n, IReadOnlyList<StoredEvent> events, string policyId, ReportStages stages)
    {
        var o = n.Opened!;
        yield return
        [
            o.NoticeId, o.CycleId, policyId, ReportBuilder.Name(o.List), stages.KeyOf(o.CycleId, o.List), o.Article, o.FirstDay, o.LastDay, o.WorkingDays,
            o.At, o.ClosesAt, o.AnonymousAllowed, o.Entries.Count, n.Closed?.Remaining.Count,
            events.Count(e => e.Event is NoticeEntryRemoved), n.Objections.Count,
            n.Objections.Count(x => x.Finding is { Upheld: true }), n.Objections.Count(x => x.IsOpen), n.Closed?.At,
        ];
    }

    /// <summary>One row per objection. The applicant's name only for organisations (as the notice shows it); never who objected.</summary>
    public static IEnumerable<object?[]> ObjectionRows(NoticeState n, IReadOnlyList<StoredEvent> events, string policyId, WorkingDayCalendar calendar)
    {
        var o = n.Opened!;
        var entries = o.Entries.ToDictionary(e => e.ApplicationId, StringComparer.Ordinal);
        var removed = events.Select(e => e.Event).OfType<NoticeEntryRemoved>().Select(r => r.ObjectionId).ToHashSet(StringComparer.Ordinal);
        var notifiedAt = events.Select(e => e.Event).OfType<ObjectorNotified>()
            .GroupBy(x => x.ObjectionId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().At, StringComparer.Ordinal);
        foreach (var x in n.Objections)
        {
            var filed = x.Filed;
            var entry = filed.ApplicationId is { } app ? entries.GetValueOrDefault(app) : null;
            var finding = x.Finding;
            yield return
            [
                filed.ObjectionId, o.NoticeId, o.CycleId, policyId, ReportBuilder.Name(o.List), filed.ApplicationId,
                entry is { Category: ApplicantCategory.Organisation } ? entry.Name : null,
                filed.RealName, filed.EvidenceDocumentIds.Count, filed.At, finding?.At, finding?.Upheld,
                removed.Contains(filed.ObjectionId),
                finding is null ? null : WorkingDaysAfter(calendar, filed.At, finding.At),
                finding is null ? null : Hours(filed.At, finding.At),
                x.ObjectorNotified, notifiedAt.TryGetValue(filed.ObjectionId, out var at) ? at : null,
            ];
        }
    }

    /// <summary>
    /// One row per department asked in a round, in the order the round asked them. A round about
    /// an award holder has no stage key: it runs after the award, not at the stage whose
    /// departments it asks.
    /// </summary>
    public static IEnumerable<object?[]> ConsultationReplyRows(ConsultationState c, IReadOnlyList<StoredEvent> events, CycleState? cycle, ReportStages stages, WorkingDayCalendar calendar)
    {
        var o = c.Opened!;
        var rules = cycle?.Policy?.Stages;
        var stage = rules is not null && o.StageIndex >= 0 && o.StageIndex < rules.Count ? rules[o.StageIndex].Kind : StageKind.Consultation;
        var remindedAt = new Dictionary<Department, DateTimeOffset>();
        var overdue = new HashSet<Department>();
        foreach (var e in events.Select(s => s.Event))
        {
            switch (e)
            {
                case ReminderSent r:
                    foreach (var d in r.Departments)
                    {
                        remindedAt.TryAdd(d, r.At);
                    }

                    break;
                case ReplyOverdue r:
                    overdue.UnionWith(r.Departments);
                    break;
            }
        }

        foreach (var ask in o.Departments)
        {
            var answer = c.Answers.GetValueOrDefault(ask.Department);
            yield return
            [
                o.ConsultationId, o.CycleId, cycle?.PolicyId ?? string.Empty, o.StageIndex, ReportBuilder.Name(stage),
                o.IsAboutHolder ? null : stages.KeyOf(o.CycleId, o.StageIndex), o.IsAboutHolder, o.Article,
                ReportBuilder.Name(ask.Department), ask.ApplicationIds.Count, o.At, o.ReplyWorkingDays, o.ReplyBy, o.DueAt,
                answer?.At,
                answer is null ? null : WorkingDaysAfter(calendar, o.At, answer.At),
                answer is null ? null : Hours(o.At, answer.At),
                answer?.Answers.Count(a => a.Verdict == ConsultationVerdict.AdverseRecord),
                remindedAt.ContainsKey(ask.Department), remindedAt.TryGetValue(ask.Department, out var reminded) ? reminded : null,

                // Late: the deadline timer recorded it, or the answer came after the end of the reply day.
                overdue.Contains(ask.Department) || answer?.At >= o.DueAt,

                // The office ended the round without this department's answer.
                c.ClosedWithoutAnswers?.Unanswered.Contains(ask.Department) == true,
            ];
        }
    }

    /// <summary>
    /// Working days after the day of <paramref name="from"/> up to and including the day of
    /// <paramref name="to"/> (Asia/Shanghai dates): the count the deadlines use, so the same day
    /// is 0 and the next working day 1. Null when the calendar lacks a year in between.
    /// </summary>
    public static int? WorkingDaysAfter(WorkingDayCalendar calendar, DateTimeOffset from, DateTimeOffset to)
    {
        var first = ShanghaiTime.DateOf(from);
        var last = ShanghaiTime.DateOf(to);
        if (last <= first)
        {
            return 0;
        }

        var days = calendar.WorkingDaysBetween(first.AddDays(1), last);
        return days.IsOk ? days.Value : null;
    }

    private static double Hours(DateTimeOffset from, DateTimeOffset to) => Math.Round((to - from).TotalHours, 4);
}
