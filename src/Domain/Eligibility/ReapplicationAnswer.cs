using QualityAward.Domain.Applications;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Eligibility;

/// <summary>
/// "May this applicant apply in this cycle; if not, why and until when": the register's bans and
/// re-application rules only (the rest of eligibility needs the form). <see cref="MayApplyFrom"/> is
/// the first day every bar has ended, when the register can tell; <see cref="Never"/> when a bar
/// never ends.
/// </summary>
public sealed record ReapplicationAnswer(
    bool May,
    IReadOnlyList<Refusal> Reasons,
    DateOnly? MayApplyFrom,
    bool Never,
    IReadOnlyList<string> UntilZh,
    IReadOnlyList<EligibilityFlag> Flags)
{
    public static ReapplicationAnswer For(AwardPolicy policy, ApplicantHistory history, string cycleId, DateOnly today)
    {
        // The reasons are the ones intake gives (EligibilityRules), so the answer and the refusal at
        // submission can never disagree; the form is empty, so only the register's rules speak.
        var category = policy.Categories[0];
        var report = EligibilityRules.Check(policy, category, new ApplicationForm(), history, cycleId, today);
        var reasons = report.Refusals.Where(r => r.Code is "eligibility.banned" or "eligibility.already-awarded" or "eligibility.reapplication-too-soon").ToList();
        if (reasons.Count == 0)
        {
            return new(true, [], null, false, [], report.Flags);
        }

        var never = false;
        var ends = new List<DateOnly?>();
        var untilZh = new List<string>();
        foreach (var ban in history.Bans)
        {
            switch (ban.Unit)
            {
                case BanUnit.Permanent:
                    never = true;
                    untilZh.Add($"因{ban.Cause}永久不予受理（{ban.Article}）");
                    break;
                case BanUnit.Years when today < ban.StartsOn.AddYears(ban.Length):
                    ends.Add(ban.StartsOn.AddYears(ban.Length));
                    untilZh.Add($"因{ban.Cause}，{ban.StartsOn.AddYears(ban.Length):yyyy年M月d日}起可以申报（{ban.Article}）");
                    break;
                case BanUnit.Cycles:
                    AddCycles(history, ban.StartsOn, ban.Length, cycleId, $"因{ban.Cause}（{ban.Article}）", ends, untilZh);
                    break;
            }
        }

        foreach (var past in history.Awards.Where(a => !a.Revoked && a.CycleId != cycleId))
        {
            foreach (var rule in policy.Reapplication.Where(r => r.AfterTier == past.Tier))
            {
                switch (rule.Unit)
                {
                    case BanUnit.Permanent:
                        never = true;
                        untilZh.Add($"已获{EligibilityRules.TierZh(past.Tier)}，不得重复申报（{rule.Article}）");
                        break;
                    case BanUnit.Years when rule.Length > 0 && today < past.AwardedOn.AddYears(rule.Length):
                        ends.Add(past.AwardedOn.AddYears(rule.Length));
                        untilZh.Add($"获奖{rule.Length}年后，即{past.AwardedOn.AddYears(rule.Length):yyyy年M月d日}起可以再次申报（{rule.Article}）");
                        break;
                    case BanUnit.Cycles when rule.Length > 0:
                        AddCycles(history, past.AwardedOn, rule.Length, cycleId, $"获奖后（{rule.Article}）", ends, untilZh);
                        break;
                }
            }
        }

        DateOnly? from = never || ends.Any(e => e is null) || ends.Count == 0 ? null : ends.Max();
        return new(false, reasons, from, never, untilZh, report.Flags);
    }

    /// <summary>A bar of <paramref name="length"/> editions after <paramref name="since"/>: it ends when the next edition after them opens.</summary>
    private static void AddCycles(ApplicantHistory history, DateOnly since, int length, string cycleId, string why, List<DateOnly?> ends, List<string> untilZh)
    {
        var after = history.CityCycles.Where(c => c.OpensOn > since).OrderBy(c => c.OpensOn).ToList();
        var index = after.FindIndex(c => c.CycleId == cycleId);
        if (index < 0 || index + 1 > length)
        {
            return;
        }

        if (after.Count > length)
        {
            var first = after[length];
            ends.Add(first.OpensOn);
            untilZh.Add($"{why}，{length}个评选周期后，自{first.CycleId}（{first.OpensOn:yyyy年M月d日}开始）起可以申报");
        }
        else
        {
            ends.Add(null);
            untilZh.Add($"{why}，自{since:yyyy年M月d日}之后开始的第{length}个评选周期结束后可以申报");
        }
    }
}
