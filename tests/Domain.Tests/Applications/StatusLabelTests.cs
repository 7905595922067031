using QualityAward.Domain.Applications;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Applications;

/// <summary>
/// After submission the status people read says what the application waits for, in the policy's
/// words (issue 18 item 6): 待推荐, 待资格审查 …, never a generic 评审中.
/// </summary>
public sealed class StatusLabelTests
{
    [Theory]
    [InlineData("weihai", StageKind.Recommendation, "待推荐")]          // §13 区市…签署推荐意见
    [InlineData("weihai", StageKind.OpinionSurvey, "待舆情调查")]       // §14
    [InlineData("weihai", StageKind.FormalReview, "待资格审查")]        // §14 资格审查
    [InlineData("jinan", StageKind.FormalReview, "待资格审查")]         // §15 资格审查
    [InlineData("changde", StageKind.FormalReview, "待初步审查")]       // §15 初步审查
    [InlineData("changde", StageKind.Consultation, "征求意见中")]       // §13 征求…有关主管部门意见
    [InlineData("benxi", StageKind.FormalReview, "待受理审查")]         // §16 受理审查
    [InlineData("benxi", StageKind.PublicNotice, "受理名单公示中")]     // §16
    [InlineData("xinzhou", StageKind.FormalReview, "待形式审查")]       // §15 形式审查
    [InlineData("weihai", StageKind.MaterialReview, "待材料审查")]      // §14 材料审查
    public void InProcess_SaysWhatItWaitsFor(string policyId, StageKind stage, string expected)
    {
        var given = ApplicationBuilder.Under(policyId).At(stage);

        Assert.Equal(ApplicationStatus.InProcess, given.State.Status);
        Assert.Equal(expected, Progress.StatusZh(given.State, given.Policy));
    }

    [Fact]
    public void Ended_SaysHowItEnded()
    {
        var given = ApplicationBuilder.Under("weihai").Drafted();

        Assert.Equal("草稿", Progress.StatusZh(given.State, given.Policy));
    }
}
