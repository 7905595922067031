using QualityAward.Domain.Review;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Review;

/// <summary>The office keeps the expert pool; a removed expert stays on record.</summary>
public sealed class ExpertPoolDeciderTests
{
    private static readonly ExpertDetails Valid = new("张专家", "山东大学", null, "卓越绩效", ["C3670"], "0631-5200000");

    private static Decision<IExpertEvent> Decide(IExpertCommand command, ExpertPoolState state, Actor? actor = null) =>
        ExpertPoolDecider.Decide(command, state, actor ?? Actors.Office, Dates.Review);

    private static ExpertPoolState With(params IExpertEvent[] events) => events.Aggregate(ExpertPoolState.Initial, ExpertPoolState.Evolve);

    [Theory]
    [InlineData("", "山东大学", null, "C3670", "expert.name-missing")] // no name
    [InlineData("张专家", " ", null, "C3670", "expert.employer-missing")] // the conflict check needs the employer
    [InlineData("张专家", "山东大学", "91350100M000100Y44", "C3670", "expert.credit-code-invalid")] // wrong check character
    [InlineData("张专家", "山东大学", null, "c36", "expert.industry-codes-invalid")] // not a GB/T 4754 code
    public void Register_WithBadParticulars_IsRefused(string name, string employer, string? creditCode, string industry, string code) =>
        Then.Refused(Decide(new RegisterExpert("exp-1", Valid with { Name = name, Employer = employer, EmployerCreditCode = creditCode, IndustryCodes = [industry] }), ExpertPoolState.Initial), code, RefusalKind.Invalid);

    [Fact]
    public void Register_ByAReviewer_IsRefused() =>
        Then.Refused(Decide(new RegisterExpert("exp-1", Valid), ExpertPoolState.Initial, Actors.Reviewer), "expert.office-only", RefusalKind.Forbidden);

    [Fact]
    public void Register_Twice_IsNothing_ButAnotherExpertUnderTheSameId_IsRefused()
    {
        var state = With(Then.Single<ExpertRegistered, IExpertEvent>(Decide(new RegisterExpert("exp-1", Valid with { Name = " 张专家 " }), ExpertPoolState.Initial)));

        Then.Nothing(Decide(new RegisterExpert("exp-1", Valid), state));
        Then.Refused(Decide(new RegisterExpert("exp-1", Valid with { Name = "李专家" }), state), "expert.exists", RefusalKind.Rule);
    }

    [Fact]
    public void Remove_KeepsTheExpertOnRecord_NotActive_AndAnUpdateThenFindsNoOne()
    {
        var state = With(new ExpertRegistered("exp-1", Valid, Dates.Review));

        var removed = Then.Single<ExpertRemoved, IExpertEvent>(Decide(new RemoveExpert("exp-1", "本人申请退出专家库"), state));
        state = With(new ExpertRegistered("exp-1", Valid, Dates.Review), removed);

        Assert.False(state.Experts["exp-1"].Active);
        Assert.Null(state.Active("exp-1"));
        Then.Refused(Decide(new UpdateExpert("exp-1", Valid with { Field = "质量管理" }), state), "expert.not-found", RefusalKind.NotFound);
        Then.Nothing(Decide(new RemoveExpert("exp-1", "重复"), state));
    }
}
