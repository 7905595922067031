using QualityAward.Domain.Applications;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Awards;

/// <summary>
/// The composite score (综合评价): each scored stage that applies to the applicant, out of 100,
/// weighted by the policy; weights of stages that do not apply (customer satisfaction for an
/// individual) are rescaled away. Confirmed preferences (Jinan §11) add their bonus.
/// </summary>
public static class CompositeScore
{
    public static Outcome<CompositeScored> Compute(
        AwardPolicy policy,
        ApplicantCategory category,
        IReadOnlyDictionary<StageKind, StageScored> scores,
        IReadOnlyList<string> confirmedPreferences,
        DateTimeOffset at)
    {
        var applicable = policy.Scoring.Composite
            .Where(w => policy.Stage(w.Stage) is { } stage && stage.AppliesTo(category))
            .ToList();
        var missing = applicable.FirstOrDefault(w => !scores.ContainsKey(w.Stage));
        if (missing is not null)
        {
            return Refusal.Rule("score.stage-missing", $"“{policy.TitleOf(missing.Stage)}”尚未评分，不能进行综合评价。", $"{missing.Stage} has not been scored.");
        }

        foreach (var code in confirmedPreferences)
        {
            if (policy.Scoring.Preferences.All(p => p.Code != code))
            {
                return Refusal.Invalid("score.preference-unknown", $"“{code}”不是本政策的倾斜事项。", $"'{code}' is not a preference of this policy.", "confirmedPreferences");
            }
        }

        var totalWeight = applicable.Sum(w => w.Weight);
        var weighted = applicable.Sum(w => w.Weight * scores[w.Stage].Percent) / totalWeight;
        var bonus = policy.Scoring.Preferences.Where(p => confirmedPreferences.Contains(p.Code)).Sum(p => p.Bonus);
        var score = decimal.Round(weighted + bonus, 2, MidpointRounding.AwayFromZero);
        return new CompositeScored(score, bonus, [.. confirmedPreferences.Distinct()], at);
    }
}

/// <summary>Prize money, from the policy and the applicant's history (Benxi §12, §25).</summary>
public static class Prizes
{
    /// <summary>The money due for an award and whether it sits outside the quota.</summary>
    public static (long Yuan, bool OutsideQuota) Money(AwardPolicy policy, ApplicantCategory category, AwardTier tier, Eligibility.ApplicantHistory history)
    {
        if (Eligibility.EligibilityRules.IsRepeatWinner(policy, history, tier))
        {
            return (0, true); // Benxi §12: plaque and certificate only, outside the quota
        }

        var amount = policy.Money.AmountFor(tier, category);
        if (tier == AwardTier.Award && policy.Money.NomineeUpgradePaysDifference
            && history.Awards.Any(a => a.Tier == AwardTier.Nomination && !a.Revoked))
        {
            // Benxi §25: a former nominee receives the difference.
            amount = checked(amount - policy.Money.AmountFor(AwardTier.Nomination, category));
        }

        return (Math.Max(0, amount), false);
    }
}

/// <summary>zh-CN names for stages and departments, as pages and mails show them.</summary>
public static class StageNames
{
    public static string Zh(StageKind? kind) => kind switch
    {
        StageKind.Call => "发布申报通知",
        StageKind.InternalPublicity => "单位内部公示",
        StageKind.Submission => "提交申报",
        StageKind.Recommendation => "推荐",
        StageKind.Consultation => "征求部门意见",
        StageKind.FormalReview => "受理审查",
        StageKind.PublicNotice => "公示",
        StageKind.OpinionSurvey => "舆情调查",
        StageKind.MaterialReview => "材料评审",
        StageKind.SiteReview => "现场评审",
        StageKind.CustomerSatisfaction => "顾客满意度测评",
        StageKind.Presentation => "陈述答辩",
        StageKind.CompositeEvaluation => "综合评价",
        StageKind.Deliberation => "审议",
        StageKind.Approval => "审定报批",
        null => "草稿",
        _ => kind.ToString()!,
    };
}

public static class DepartmentNames
{
    public static string Zh(Department department) => department switch
    {
        Department.Tax => "税务部门",
        Department.EcologyEnvironment => "生态环境部门",
        Department.EmergencyManagement => "应急管理部门",
        Department.HumanResourcesSocialSecurity => "人力资源和社会保障部门",
        Department.MarketRegulation => "市场监管部门",
        Department.PublicSecurity => "公安部门",
        Department.DisciplineInspection => "纪检监察部门",
        Department.OrganisationPersonnel => "组织人事部门",
        Department.DefenceSecurity => "国防和国家安全有关部门",
        _ => department.ToString(),
    };
}
