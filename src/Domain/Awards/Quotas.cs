using QualityAward.Domain.Cycles;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Awards;

/// <summary>
/// Places per tier, counted exactly as the policy groups them: Changde and Xinzhou count
/// organisations and individuals together, Jinan and Weihai separately. Places may stay empty.
/// </summary>
public static class Quotas
{
    public static IReadOnlyList<Refusal> Check(AwardPolicy policy, IEnumerable<WinnerEntry> winners)
    {
        var list = winners.ToList();
        var refusals = new List<Refusal>();
        foreach (var line in policy.Quotas)
        {
            var counted = list.Count(w => w.Tier == line.Tier && line.Categories.Contains(w.Category) && !w.OutsideQuota);
            if (counted > line.Max)
            {
                refusals.Add(Refusal.Rule(
                    "award.quota-exceeded",
                    $"{EligibilityRules.TierZh(line.Tier)}（{GroupZh(line.Categories)}）每届不超过{line.Max}个（{line.Article}），建议名单有{counted}个。",
                    $"The {line.Tier} for {string.Join(" and ", line.Categories)} is limited to {line.Max} per cycle ({line.Article}); the list has {counted}."));
            }
        }

        return refusals;
    }

    /// <summary>The quota line that counts a tier and category.</summary>
    public static QuotaRule LineFor(AwardPolicy policy, AwardTier tier, ApplicantCategory category) =>
        policy.Quotas.Single(q => q.Tier == tier && q.Categories.Contains(category));

    public static string GroupZh(IReadOnlyList<ApplicantCategory> categories) =>
        string.Join("和", categories.Select(c => c == ApplicantCategory.Organisation ? "组织" : "个人"));
}
