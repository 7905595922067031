using System.Text.Json;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Tests;

public class ZhTextTests
{
    [Theory]
    [InlineData(new[] { "甲。", "乙。" }, "甲；乙。")]             // sentences lose their own full stop
    [InlineData(new[] { "甲；", " 乙 " }, "甲；乙。")]              // and a trailing semicolon or blank
    [InlineData(new[] { "须在（§15）之前。", "丙" }, "须在（§15）之前；丙。")]
    [InlineData(new[] { "甲。" }, "甲。")]
    [InlineData(new string[0], "")]
    public void JoinSentences_PunctuatesOnce(string[] sentences, string expected)
    {
        Assert.Equal(expected, ZhText.JoinSentences(sentences));
    }

    [Fact]
    public void JoinSentencesEn_PunctuatesOnce()
    {
        Assert.Equal("One; two.", ZhText.JoinSentencesEn(["One.", "two."]));
    }

    /// <summary>Every text the presets carry (declarations, grounds, rules people read) is punctuated as one text.</summary>
    [Theory]
    [MemberData(nameof(Presets))]
    public void PresetTexts_HaveNoDoubledPunctuation(string id)
    {
        var bad = Strings(JsonDocument.Parse(PolicyLoader.ToJson(PolicyPresets.Get(id))).RootElement)
            .Where(s => s.Contains("。；", StringComparison.Ordinal) || s.Contains("。。", StringComparison.Ordinal)
                || s.Contains("；。", StringComparison.Ordinal) || s.Contains("；；", StringComparison.Ordinal) || s.Contains("，。", StringComparison.Ordinal))
            .ToList();

        Assert.True(bad.Count == 0, $"{id}: {string.Join(" | ", bad)}");
    }

    public static TheoryData<string> Presets() => [.. PolicyPresets.Ids];

    private static IEnumerable<string> Strings(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => [e.GetString()!],
        JsonValueKind.Object => e.EnumerateObject().SelectMany(p => Strings(p.Value)),
        JsonValueKind.Array => e.EnumerateArray().SelectMany(Strings),
        _ => [],
    };
}
