using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Cycles;

public partial class CycleDeciderTests
{
    private static readonly ScoredApplication[] WeihaiComposite =
    [
        Scored.Org("app-a", 90m), Scored.Org("app-b", 85m), Scored.Org("app-c", 70m),
        Scored.Person("app-d", 88m), Scored.Person("app-e", 60m),
    ];

    [Fact]
    public void Nominate_ByCompositeRanking_RecordsCandidatesWithTheirRanks()
    {
        var given = CycleBuilder.Opened("weihai").SubmissionsClosed();

        var nominated = Then.Single<CandidatesNominated, ICycleEvent>(given.Decide(Nominate(
            WeihaiComposite, ("app-a", AwardTier.Recognition), ("app-b", AwardTier.Recognition), ("app-d", AwardTier.Recognition))));

        Assert.Equal(
            [("app-a", 1, ApplicantCategory.Organisation), ("app-d", 2, ApplicantCategory.Individual), ("app-b", 3, ApplicantCategory.Organisation)],
            nominated.Candidates.Select(c => (c.ApplicationId, c.Rank, c.Category)));
        Assert.All(nominated.Candidates, c => Assert.Equal(AwardTier.Recognition, c.Tier));
        Assert.Equal(["app-c", "app-e"], nominated.NotNominated.Select(e => e.ApplicationId));
    }

    [Fact]
    public void Nominate_SkippingAHigherScoreInAnotherCategory_IsAccepted()
    {
        // Organisations and individuals are ranked apart: an individual candidate may score below an organisation that is not one.
        var given = CycleBuilder.Opened("weihai").SubmissionsClosed();

        var nominated = Then.Single<CandidatesNominated, ICycleEvent>(given.Decide(Nominate(WeihaiComposite, ("app-d", AwardTier.Recognition), ("app-e", AwardTier.Recognition))));

        Assert.Equal(["app-d", "app-e"], nominated.Candidates.Select(c => c.ApplicationId));
    }

    [Fact]
    public void Nominate_AFormerNomineeForTheAward_IsAccepted()
    {
        // Benxi §12: a former nominee may win the award; only the nomination is not given twice.
        var given = CycleBuilder.Opened("benxi").SubmissionsClosed().Then(new DecideCycleShortlist([Scored.Org("app-a", 90m)], 1));

        var decision = given.Decide(new NominateCandidates([Scored.Org("app-a", 90m)], new Dictionary<string, AwardTier> { ["app-a"] = AwardTier.Award }, new HashSet<string> { "app-a" }));

        Assert.Equal(AwardTier.Award, Assert.Single(Then.Single<CandidatesNominated, ICycleEvent>(decision).Candidates).Tier);
    }

    public static TheoryData<string, Func<CycleState>, NominateCandidates, string, RefusalKind> RefusedNominations => new()
    {
        // A policy without a composite evaluation has no candidate list (none of the presets; an office's own policy may).
        {
            "no composite stage",
            () =>
            {
                var state = CycleBuilder.Opened("weihai").SubmissionsClosed().State;
                return state with { Policy = state.Policy with { Stages = [.. state.Policy.Stages.Where(s => s.Kind != StageKind.CompositeEvaluation)] } };
            },
            Nominate(WeihaiComposite, ("app-a", AwardTier.Recognition)), "cycle.no-candidates", RefusalKind.Rule
        },
        // The list is decided once.
        {
            "decided already",
            () => CycleBuilder.Opened("weihai").SubmissionsClosed().Then(Nominate(WeihaiComposite, ("app-a", AwardTier.Recognition))).State,
            Nominate(WeihaiComposite, ("app-a", AwardTier.Recognition)), "cycle.candidates-decided", RefusalKind.Rule
        },
        // Changde §19-22: candidates come from those reviewed on site, so the shortlist comes first.
        {
            "before the shortlist",
            () => CycleBuilder.Opened("changde").SubmissionsClosed().State,
            Nominate(WeihaiComposite, ("app-a", AwardTier.Award)), "cycle.out-of-order", RefusalKind.Rule
        },
        { "empty list", () => CycleBuilder.Opened("weihai").SubmissionsClosed().State, Nominate(WeihaiComposite), "cycle.candidates-empty", RefusalKind.Invalid },
        { "candidate without a score", () => CycleBuilder.Opened("weihai").SubmissionsClosed().State, Nominate(WeihaiComposite, ("app-x", AwardTier.Recognition)), "cycle.candidate-unknown", RefusalKind.Rule },
        // Weihai §2 has recognition only: no nomination tier.
        { "nomination under Weihai", () => CycleBuilder.Opened("weihai").SubmissionsClosed().State, Nominate(WeihaiComposite, ("app-a", AwardTier.Nomination)), "cycle.tier-invalid", RefusalKind.Invalid },
        // Benxi §12: a former nominee is never nominated again.
        {
            "former nominee nominated again",
            () => CycleBuilder.Opened("benxi").SubmissionsClosed().Then(new DecideCycleShortlist([Scored.Org("app-a", 90m)], 1)).State,
            new NominateCandidates([Scored.Org("app-a", 90m)], new Dictionary<string, AwardTier> { ["app-a"] = AwardTier.Nomination }, new HashSet<string> { "app-a" }),
            "cycle.no-repeat-nomination", RefusalKind.Rule
        },
        // Changde §22 按得分高低: the second-ranked cannot be a candidate while the first is not.
        { "skips the higher score", () => CycleBuilder.Opened("weihai").SubmissionsClosed().State, Nominate(WeihaiComposite, ("app-b", AwardTier.Recognition)), "cycle.candidates-not-by-score", RefusalKind.Rule },
        // ... nor may an award candidate rank below a nomination candidate.
        {
            "award below nomination",
            () => ChangdeShortlisted(Scored.Org("app-a", 90m), Scored.Org("app-b", 85m)).State,
            Nominate([Scored.Org("app-a", 90m), Scored.Org("app-b", 85m)], ("app-a", AwardTier.Nomination), ("app-b", AwardTier.Award)),
            "cycle.candidates-not-by-score", RefusalKind.Rule
        },
    };

    [Theory]
    [MemberData(nameof(RefusedNominations))]
    public void Nominate_WhenNotAllowed_IsRefused(string why, Func<CycleState> given, NominateCandidates command, string code, RefusalKind kind)
    {
        Then.Refused(Decide(command, given(), Dates.Review), code, kind, why);
    }
}
