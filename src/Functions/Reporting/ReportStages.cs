using QualityAward.Domain;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;

namespace QualityAward.Functions.Reporting;

/// <summary>
/// The stage dimension: every stage of every cycle's copy of its policy, by position. A stage
/// code can repeat within a policy (Changde has two public notices; Xinzhou two consultations and
/// two notices), so facts join on <c>stage_key</c> = <c>{cycle_id}/{stage_index}</c>, never on the
/// code. Keyed per cycle because each cycle keeps its own copy of the policy: an edited policy
/// never relabels an earlier edition's stages.
/// </summary>
public sealed class ReportStages(IReadOnlyDictionary<string, CycleState> cycles)
{
    public static string Key(string cycleId, int stageIndex) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{cycleId}/{stageIndex}");

    /// <summary>The stage's name as the cycle's policy gives it (as the cycle's page shows it), else the domain's name of its kind.</summary>
    public static string TitleOf(StageRule stage) => stage.Title ?? Labels.Zh(stage.Kind);

    /// <summary>Position and title, e.g. <c>09 材料审查</c>: unique within a policy and sorting in the policy's order.</summary>
    public static string LabelOf(int stageIndex, StageRule stage) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{stageIndex + 1:00} {TitleOf(stage)}");

    private IReadOnlyList<StageRule>? StagesOf(string cycleId) =>
        cycles.TryGetValue(cycleId, out var cycle) ? cycle.Policy?.Stages : null;

    /// <summary>The key of the stage at <paramref name="stageIndex"/>, or null when the cycle has no such stage.</summary>
    public string? KeyOf(string cycleId, int stageIndex) =>
        StagesOf(cycleId) is { } stages && stageIndex >= 0 && stageIndex < stages.Count ? Key(cycleId, stageIndex) : null;

    /// <summary>The key of the cycle's stage of this kind (the scored and composite stages occur once in a policy).</summary>
    public string? KeyOf(string cycleId, StageKind kind) =>
        StagesOf(cycleId) is { } stages && Find(stages, s => s.Kind == kind) is { } index ? Key(cycleId, index) : null;

    /// <summary>The key of the public-notice stage that publishes <paramref name="list"/>.</summary>
    public string? KeyOf(string cycleId, NoticeList list) =>
        StagesOf(cycleId) is { } stages && Find(stages, s => s.Kind == StageKind.PublicNotice && s.List == list) is { } index ? Key(cycleId, index) : null;

    public string? TitleOf(string cycleId, int stageIndex) =>
        StagesOf(cycleId) is { } stages && stageIndex >= 0 && stageIndex < stages.Count ? TitleOf(stages[stageIndex]) : null;

    private static int? Find(IReadOnlyList<StageRule> stages, Func<StageRule, bool> match)
    {
        for (var i = 0; i < stages.Count; i++)
        {
            if (match(stages[i]))
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>One row per stage of every cycle, in the cycle's order.</summary>
    public List<object?[]> Rows() =>
    [
        .. cycles.Values
            .OrderBy(c => c.CycleId, StringComparer.Ordinal)
            .SelectMany(c => c.Policy.Stages.Select((s, i) => new object?[]
            {
                Key(c.CycleId, i), c.CycleId, c.PolicyId, i, i + 1, ReportBuilder.Name(s.Kind), TitleOf(s), LabelOf(i, s),
                Labels.Zh(s.Kind), Labels.En(s.Kind), (int)s.Kind + 1, s.Article, s.List is { } list ? ReportBuilder.Name(list) : null,
                s.OrganisationsOnly,
            })),
    ];
}
