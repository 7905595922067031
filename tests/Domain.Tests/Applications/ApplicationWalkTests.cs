using QualityAward.Domain.Applications;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Applications;

/// <summary>Every preset's stage list can be walked from draft to award, visiting the stages in order.</summary>
public class ApplicationWalkTests
{
    [Theory]
    // Changde: consultation, acceptance notice, shortlist, customer survey, vote, notice, two approvals.
    [InlineData("changde", ApplicantCategory.Organisation)]
    // Changde individuals skip the customer survey (§21 organisations only).
    [InlineData("changde", ApplicantCategory.Individual)]
    // Benxi: organisations only, with a shortlist after material review.
    [InlineData("benxi", ApplicantCategory.Organisation)]
    // Jinan: no formal-review notice; proposed-winners notice after the leading group.
    [InlineData("jinan", ApplicantCategory.Organisation)]
    // Jinan individuals: the same stages, their own score sheet built from §12.
    [InlineData("jinan", ApplicantCategory.Individual)]
    // Xinzhou: internal publicity, two consultations, joint submission then government.
    [InlineData("xinzhou", ApplicantCategory.Organisation)]
    // Xinzhou individuals: the consultations follow the employer's sector (§17).
    [InlineData("xinzhou", ApplicantCategory.Individual)]
    // Weihai: opinion survey, candidates notice before the leading group.
    [InlineData("weihai", ApplicantCategory.Organisation)]
    // Weihai individuals: recognition on the §12 sheet.
    [InlineData("weihai", ApplicantCategory.Individual)]
    public void Walk_FromDraftToAward_VisitsEveryApplicableStageInOrder(string policyId, ApplicantCategory category)
    {
        var app = ApplicationBuilder.Under(policyId, category).Awarded();

        var visited = app.Events.OfType<StageEntered>().Select(e => e.StageIndex).ToList();
        var expected = app.Policy.Stages
            .Select((stage, index) => (stage, index))
            .Where(x => StagePlan.Applies(x.stage, category, Sector.Enterprise, securityFlagged: false))
            .Select(x => x.index)
            .ToList();
        Assert.Equal(expected, visited);
        Assert.Equal(ApplicationStatus.Awarded, app.State.Status);
        Assert.Equal(app.Tier, app.State.Award!.Tier);
    }
}
