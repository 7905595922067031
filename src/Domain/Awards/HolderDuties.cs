namespace QualityAward.Domain.Awards;

/// <summary>What falls due for an award holder.</summary>
public enum HolderDutyKind
{
    /// <summary>The award's validity ends (Benxi §4: five years); it leaves the list of valid awards.</summary>
    Validity,

    /// <summary>A periodic visit (定期巡访, Changde §29, Weihai §26) is due.</summary>
    Inspection,

    /// <summary>The departments are to be asked about the holder (征求意见, the office's interval).</summary>
    Consultation,
}

/// <summary>One thing due for one award on one Shanghai date, and the article of the policy it comes from (null for an office setting).</summary>
public sealed record HolderDuty(string ApplicationId, HolderDutyKind Kind, DateOnly DueOn, string? Article)
{
    /// <summary>The short name people and instance ids use: validity, inspection, consultation.</summary>
    public string Name => Kind switch
    {
        HolderDutyKind.Validity => "validity",
        HolderDutyKind.Inspection => "inspection",
        _ => "consultation",
    };
}

/// <summary>
/// When an award's duties fall due, from its policy's after-award rule: the end of its validity on
/// the anniversary <see cref="Policies.AfterAwardRule.ValidityYears"/> after the award; a visit every
/// <see cref="Policies.AfterAwardRule.InspectionIntervalMonths"/> and a department consultation every
/// <see cref="Policies.AfterAwardRule.HolderConsultationIntervalMonths"/> counted from the award date,
/// only while the award is valid. Each falls due at the start of its Shanghai day. A revoked award
/// has none. Pure: the date comes in.
/// </summary>
public static class HolderDuties
{
    /// <summary>Every duty of <paramref name="award"/> due on or before <paramref name="today"/>, oldest first.</summary>
    public static IReadOnlyList<HolderDuty> DueBy(HeldAward award, DateOnly today)
    {
        if (award.Revoked)
        {
            return [];
        }

        var rule = award.Policy.AfterAward;
        var due = new List<HolderDuty>();
        if (award.ValidUntil is { } until && until <= today)
        {
            due.Add(new HolderDuty(award.ApplicationId, HolderDutyKind.Validity, until, rule.ValidityArticle));
        }

        Periodic(award, today, HolderDutyKind.Inspection, rule.InspectionIntervalMonths, rule.InspectionArticle, due);
        Periodic(award, today, HolderDutyKind.Consultation, rule.HolderConsultationIntervalMonths, null, due);
        return due.OrderBy(d => d.DueOn).ThenBy(d => d.Kind).ToList();
    }

    /// <summary>Whether the holder's stream already records the duty as done (validity ended, the visit or consultation marked due).</summary>
    public static bool IsRecorded(HolderDuty duty, HolderState holder) => duty.Kind switch
    {
        HolderDutyKind.Validity => holder.ValidityEnded.Contains(duty.ApplicationId),
        HolderDutyKind.Inspection => holder.InspectionsDue.Any(d => d.ApplicationId == duty.ApplicationId && d.DueOn == duty.DueOn),
        _ => holder.ConsultationsDue.Any(d => d.ApplicationId == duty.ApplicationId && d.DueOn == duty.DueOn),
    };

    private static void Periodic(HeldAward award, DateOnly today, HolderDutyKind kind, int? months, string? article, List<HolderDuty> due)
    {
        if (months is not { } every || every < 1)
        {
            return;
        }

        for (var round = 1; ; round++)
        {
            var dueOn = award.AwardedOn.AddMonths(every * round);
            if (dueOn > today || (award.ValidUntil is { } until && dueOn >= until))
            {
                return;
            }

            due.Add(new HolderDuty(award.ApplicationId, kind, dueOn, article));
        }
    }
}
