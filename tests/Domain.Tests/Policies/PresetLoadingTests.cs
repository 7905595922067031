using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Tests.Policies;

public class PresetLoadingTests
{
    [Theory]
    [InlineData("changde")]
    [InlineData("benxi")]
    [InlineData("jinan")]
    [InlineData("xinzhou")]
    [InlineData("weihai")]
    public void Preset_LoadsWithoutProblems(string id)
    {
        var loaded = PolicyLoader.Load(PolicyPresets.SourceText(id));

        Assert.True(loaded.IsOk, loaded.Refusal?.En);
        Assert.Equal(id, loaded.Value.Id);
    }

    [Fact]
    public void Preset_RoundTripsThroughJson()
    {
        foreach (var policy in PolicyPresets.List())
        {
            var again = PolicyLoader.Load(PolicyLoader.ToJson(policy));
            Assert.True(again.IsOk, again.Refusal?.En);
            Assert.Equal(PolicyLoader.ToJson(policy), PolicyLoader.ToJson(again.Value));
        }
    }
}
