using QualityAward.Domain.Applications;

namespace QualityAward.Domain.Tests.Applications;

/// <summary>A recommender's authority names its city and its body; district ids repeat across cities.</summary>
public sealed class RecommenderAuthorityTests
{
    [Theory]
    // Benxi 溪湖区 for a Benxi application addressed to xihu.
    [InlineData("210500:xihu", "210500", "xihu", true)]
    // Benxi 溪湖区 for a Changde application addressed to Changde's xihu (西湖管理区): another city.
    [InlineData("210500:xihu", "430700", "xihu", false)]
    // Another body of the same city.
    [InlineData("210500:pingshan", "210500", "xihu", false)]
    // A claim without a city (the old form), or with a malformed one.
    [InlineData("xihu", "210500", "xihu", false)]
    [InlineData("21050:xihu", "210500", "xihu", false)]
    [InlineData("210500:", "210500", "", false)]
    [InlineData("210500:xihu:extra", "210500", "xihu", false)]
    [InlineData(null, "210500", "xihu", false)]
    // An application whose city is unknown (a v1 draft): nobody speaks for it.
    [InlineData("210500:xihu", null, "xihu", false)]
    public void Covers_OnlyTheBodyOfTheSameCity(string? affiliation, string? cityCode, string? recommenderId, bool covers) =>
        Assert.Equal(covers, RecommenderAuthority.Covers(affiliation, cityCode, recommenderId));

    [Fact]
    public void Parse_SplitsTheCityAndTheBody_AndTheEventsRecordTheBody()
    {
        Assert.Equal(new RecommenderAuthority("430700", "jingkai"), RecommenderAuthority.Parse("430700:jingkai"));
        Assert.Equal("430700:jingkai", RecommenderAuthority.Parse("430700:jingkai")!.Value.ToString());
        Assert.Equal("jingkai", RecommenderAuthority.BodyOf("430700:jingkai"));
        Assert.Null(RecommenderAuthority.BodyOf("jingkai"));
    }
}
