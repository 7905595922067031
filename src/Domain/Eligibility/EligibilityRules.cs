using QualityAward.Domain.Applications;
using QualityAward.Domain.Identity;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Eligibility;

/// <summary>Something the office must look at; it does not stop the application.</summary>
public sealed record EligibilityFlag(string Code, string Zh, string En);

/// <summary>The computable part of eligibility: what refuses the application and what the office must check.</summary>
public sealed record EligibilityReport(IReadOnlyList<Refusal> Refusals, IReadOnlyList<EligibilityFlag> Flags)
{
    public bool Eligible => Refusals.Count == 0;
}

/// <summary>
/// Eligibility the system can decide: years operating or in quality work, bans and re-application
/// rules against the award register. What needs judgement (leading position, contribution) is the
/// reviewers'; what needs a department's knowledge (incidents) is asked of the departments.
/// </summary>
public static class EligibilityRules
{
    public static EligibilityReport Check(
        AwardPolicy policy,
        ApplicantCategory category,
        ApplicationForm form,
        ApplicantHistory history,
        string cycleId,
        DateOnly today)
    {
        var refusals = new List<Refusal>();
        var flags = new List<EligibilityFlag>();

        if (!policy.Allows(category))
        {
            refusals.Add(Refusal.Rule(
                "eligibility.category",
                $"{policy.AwardName}不接受{(category == ApplicantCategory.Individual ? "个人" : "组织")}申报。",
                $"{policy.City.NameEn}'s award does not take {category} applicants.",
                "category"));
            return new(refusals, flags);
        }

        if (category == ApplicantCategory.Organisation)
        {
            CheckOrganisationYears(policy, form, today, refusals, flags);
            CheckRegistrationArea(policy, form, flags);
        }
        else
        {
            CheckIndividualYears(policy, form, refusals);
        }

        CheckReapplication(policy, history, cycleId, today, form, refusals, flags);
        CheckBans(history, cycleId, today, refusals);
        return new(refusals, flags);
    }

    /// <summary>Benxi §12: a former nominee may win the award but is never nominated again.</summary>
    public static bool NominationBarred(AwardPolicy policy, ApplicantHistory history, AwardTier tier) =>
        policy.Reapplication.Any(r => r.NoRepeatOfTier && r.AfterTier == tier)
        && history.Awards.Any(a => a.Tier == tier && !a.Revoked);

    /// <summary>Benxi §12: a repeat winner of the award gets no money and does not use a place.</summary>
    public static bool IsRepeatWinner(AwardPolicy policy, ApplicantHistory history, AwardTier tier) =>
        policy.Money.RepeatWinnerWithoutMoney && history.Awards.Any(a => a.Tier == tier && !a.Revoked);

    private static void CheckOrganisationYears(AwardPolicy policy, ApplicationForm form, DateOnly today, List<Refusal> refusals, List<EligibilityFlag> flags)
    {
        var rule = policy.Eligibility.Organisation!;
        if (rule.MinYearsOperating is not { } general || form.FoundedOn is not { } founded)
        {
            return;
        }

        var needed = form.FourNewField && rule.FourNewMinYearsOperating is { } fourNew ? fourNew : general;
        var years = ShanghaiTime.WholeYearsBetween(founded, today);
        if (years >= needed)
        {
            if (form.FourNewField && needed < general)
            {
                flags.Add(new("eligibility.four-new-claimed", $"申报单位按“四新”领域适用{needed}年年限（{rule.Article}），请核实其领域。", $"The applicant claims the 'four new' minimum of {needed} years; verify its field."));
            }

            return;
        }

        if (rule.GovernmentMayWaiveYears && !string.IsNullOrWhiteSpace(form.YearsWaiverReference))
        {
            flags.Add(new("eligibility.years-waived", $"成立仅{years}年，依市人民政府批准（{form.YearsWaiverReference}）放宽年限（{rule.Article}），请核实批准文件。", $"Operating {years} years; the years are waived by '{form.YearsWaiverReference}'. Verify the approval."));
            return;
        }

        var eligibleOn = founded.AddYears(needed);
        var waiver = rule.GovernmentMayWaiveYears ? "；经市人民政府批准可放宽年限，请填写批准文号" : string.Empty;
        refusals.Add(Refusal.Rule(
            "eligibility.years-operating",
            $"{rule.Article}要求正常运营{needed}年以上，申报单位成立于{founded:yyyy-MM-dd}，仅{years}年；最早可于{eligibleOn:yyyy-MM-dd}之后申报{waiver}。",
            $"{rule.Article} requires {needed} years of operation; founded {founded:yyyy-MM-dd}, the applicant has {years}. Eligible from {eligibleOn:yyyy-MM-dd}.",
            "foundedOn"));
    }

    private static void CheckRegistrationArea(AwardPolicy policy, ApplicationForm form, List<EligibilityFlag> flags)
    {
        if (CreditCode.Parse(form.CreditCode) is { IsOk: true } code && !code.Value.AreaCode.StartsWith(policy.City.Code[..4], StringComparison.Ordinal))
        {
            flags.Add(new("eligibility.registration-area", $"统一社会信用代码的登记机关区划为{code.Value.AreaCode}，不在{policy.City.Name}（{policy.City.Code}），请核实是否在本市注册登记（{policy.Eligibility.RegisteredInCityArticle}）。", $"The credit code was issued in area {code.Value.AreaCode}, outside {policy.City.NameEn}; verify registration in the city."));
        }
    }

    private static void CheckIndividualYears(AwardPolicy policy, ApplicationForm form, List<Refusal> refusals)
    {
        var rule = policy.Eligibility.Individual!;
        if (rule.MinYearsInQualityWork is not { } needed || form.YearsInQualityWork is not { } total)
        {
            return;
        }

        var counted = rule.QualityWorkInCity ? form.YearsInQualityWorkInCity ?? 0 : total;
        if (counted < needed)
        {
            var where = rule.QualityWorkInCity ? $"在{policy.City.Name}" : string.Empty;
            refusals.Add(Refusal.Rule(
                "eligibility.years-in-quality-work",
                $"{rule.Article}要求{where}从事质量相关工作{needed}年以上，申报人填写为{counted}年。",
                $"{rule.Article} requires {needed} years in quality work{(rule.QualityWorkInCity ? " in the city" : string.Empty)}; the applicant has {counted}.",
                rule.QualityWorkInCity ? "yearsInQualityWorkInCity" : "yearsInQualityWork"));
        }
    }

    private static void CheckReapplication(AwardPolicy policy, ApplicantHistory history, string cycleId, DateOnly today, ApplicationForm form, List<Refusal> refusals, List<EligibilityFlag> flags)
    {
        foreach (var past in history.Awards.Where(a => !a.Revoked && a.CycleId != cycleId))
        {
            foreach (var rule in policy.Reapplication.Where(r => r.AfterTier == past.Tier))
            {
                var tierZh = TierZh(past.Tier);
                switch (rule.Unit)
                {
                    case BanUnit.Permanent:
                        refusals.Add(Refusal.Rule(
                            "eligibility.already-awarded",
                            $"申报者已于{past.AwardedOn:yyyy年M月d日}获得{policy.AwardName}{tierZh}，依{rule.Article}不得重复申报。",
                            $"The applicant won the {past.Tier} on {past.AwardedOn:yyyy-MM-dd}; {rule.Article} forbids applying again."));
                        break;
                    case BanUnit.Years when rule.Length > 0:
                        var until = past.AwardedOn.AddYears(rule.Length);
                        if (today >= until)
                        {
                            break;
                        }

                        if (rule.SameModelOnly && form.DeclaresDifferentModel)
                        {
                            flags.Add(new("eligibility.different-model-declared", $"申报者于{past.AwardedOn:yyyy-MM-dd}获{tierZh}，{rule.Length}年内同一质量管理模式不得重新申报（{rule.Article}）；申报者声明本次为不同模式（前次：{past.QualityModel ?? "未记录"}；本次：{form.QualityModel ?? "未填写"}），请核实。", $"Won on {past.AwardedOn:yyyy-MM-dd}; the applicant declares a different quality model. Verify."));
                            break;
                        }

                        var sameModel = rule.SameModelOnly ? "以同一质量管理模式、制度、方法" : string.Empty;
                        refusals.Add(Refusal.Rule(
                            "eligibility.reapplication-too-soon",
                            $"申报者于{past.AwardedOn:yyyy年M月d日}获得{tierZh}，依{rule.Article}，{until:yyyy年M月d日}前不得{sameModel}再次申报。" + (rule.SameModelOnly ? "如本次申报的是不同的质量管理模式，请在申报表中声明。" : string.Empty),
                            $"The applicant won the {past.Tier} on {past.AwardedOn:yyyy-MM-dd}; {rule.Article} bars re-application until {until:yyyy-MM-dd}."));
                        break;
                    case BanUnit.Cycles when rule.Length > 0:
                        var counted = CyclesSince(history, past.AwardedOn, cycleId);
                        if (counted is { } n && n <= rule.Length)
                        {
                            refusals.Add(Refusal.Rule(
                                "eligibility.reapplication-too-soon",
                                $"申报者于{past.AwardedOn:yyyy年M月d日}获得{tierZh}，依{rule.Article}，获奖后{rule.Length}个评选周期内不得重复申报（本届为获奖后第{n}届）。",
                                $"The applicant won the {past.Tier} on {past.AwardedOn:yyyy-MM-dd}; {rule.Article} bars the next {rule.Length} cycles (this is cycle {n} after it)."));
                        }

                        break;
                }

                if (rule.NoRepeatOfTier)
                {
                    flags.Add(new("eligibility.former-nominee", $"申报者曾获{tierZh}，可申报{policy.AwardName}，但不再重复授予{tierZh}（{rule.Article}）。", $"A former {past.Tier} holder: it may win the award but is not given the {past.Tier} again ({rule.Article})."));
                }
            }
        }
    }

    private static void CheckBans(ApplicantHistory history, string cycleId, DateOnly today, List<Refusal> refusals)
    {
        foreach (var ban in history.Bans)
        {
            var (active, untilZh, untilEn) = ban.Unit switch
            {
                BanUnit.Permanent => (true, "永久", "permanently"),
                BanUnit.Years => (today < ban.StartsOn.AddYears(ban.Length), $"至{ban.StartsOn.AddYears(ban.Length):yyyy年M月d日}", $"until {ban.StartsOn.AddYears(ban.Length):yyyy-MM-dd}"),
                BanUnit.Cycles => CyclesBan(history, ban, cycleId),
                _ => (false, string.Empty, string.Empty),
            };

            if (active)
            {
                refusals.Add(Refusal.Rule(
                    "eligibility.banned",
                    $"因{ban.Cause}，依{ban.Article}，自{ban.StartsOn:yyyy年M月d日}起{untilZh}不予受理其申报。",
                    $"Barred since {ban.StartsOn:yyyy-MM-dd} ({ban.Reason}, {ban.Article}), {untilEn}."));
            }
        }
    }

    private static (bool Active, string Zh, string En) CyclesBan(ApplicantHistory history, BanRecord ban, string cycleId)
    {
        // Count up to the edition applied for (Xinzhou §26, Benxi §32), not the latest one listed:
        // the register lists every edition, later ones included.
        var current = history.CityCycles.FirstOrDefault(c => c.CycleId == cycleId)
            ?? history.CityCycles.OrderBy(c => c.OpensOn).LastOrDefault();
        var n = current is null ? null : CyclesSince(history, ban.StartsOn, current.CycleId);
        var active = n is { } count && count <= ban.Length;
        return (active, $"{ban.Length}个评选周期内（本届为其后第{n}届）", $"for {ban.Length} cycles (this is cycle {n} after it)");
    }

    /// <summary>
    /// The ordinal of <paramref name="cycleId"/> among this city's editions that opened after
    /// <paramref name="since"/> (1 = the first edition after it); null if the cycle opened before.
    /// </summary>
    private static int? CyclesSince(ApplicantHistory history, DateOnly since, string cycleId)
    {
        var after = history.CityCycles.Where(c => c.OpensOn > since).OrderBy(c => c.OpensOn).ToList();
        var index = after.FindIndex(c => c.CycleId == cycleId);
        return index < 0 ? null : index + 1;
    }

    public static string TierZh(AwardTier tier) => tier switch
    {
        AwardTier.Award => "市长质量奖",
        AwardTier.Nomination => "市长质量奖提名奖",
        AwardTier.Recognition => "市长质量奖认定",
        _ => tier.ToString(),
    };
}
