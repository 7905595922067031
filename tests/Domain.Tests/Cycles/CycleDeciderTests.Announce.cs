using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Cycles;

public partial class CycleDeciderTests
{
    private static CycleBuilder WeihaiProposed() =>
        WeihaiCandidatesPublished()
            .Then(new ProposeWinners([Scored.Winner("app-a", AwardTier.Recognition), Scored.Winner("app-b", AwardTier.Recognition)], null, Minutes))
            .Then(new RemoveProposedWinner("app-a", "异议查证属实"));

    [Fact]
    public void Announce_AfterTheProposal_PublishesTheWinnersStillOnTheList()
    {
        var decision = WeihaiProposed().Decide(new AnnounceAwards("  威政字〔2026〕9号 ", Dates.AwardedOn), Dates.Awarding);

        var announced = Then.Single<AwardsAnnounced, ICycleEvent>(decision);
        Assert.Equal("威政字〔2026〕9号", announced.Reference);
        Assert.Equal(Dates.AwardedOn, announced.AnnouncedOn);
        Assert.Equal(["app-b"], announced.Winners.Select(w => w.ApplicationId));
    }

    [Fact]
    public void Announce_Again_WithTheSameReference_DoesNothing()
    {
        var given = WeihaiProposed().Then(new AnnounceAwards("威政字〔2026〕9号", Dates.AwardedOn), Dates.Awarding);

        Then.Nothing(given.Decide(new AnnounceAwards("威政字〔2026〕9号", Dates.AwardedOn), Dates.Awarding));
    }

    public static TheoryData<string, Func<CycleBuilder>, AnnounceAwards, string, RefusalKind> RefusedAnnouncements => new()
    {
        { "announced under another reference", () => WeihaiProposed().Then(new AnnounceAwards("威政字〔2026〕9号", Dates.AwardedOn), Dates.Awarding), new("威政字〔2026〕10号", Dates.AwardedOn), "cycle.announced", RefusalKind.Rule },
        { "nothing proposed yet", WeihaiCandidatesPublished, new("威政字〔2026〕9号", Dates.AwardedOn), "cycle.out-of-order", RefusalKind.Rule },
        { "no reference", WeihaiProposed, new(" ", Dates.AwardedOn), "cycle.reference-missing", RefusalKind.Invalid },
        { "dated tomorrow", WeihaiProposed, new("威政字〔2026〕9号", Dates.AwardedOn.AddDays(1)), "cycle.date-future", RefusalKind.Invalid },
    };

    [Theory]
    [MemberData(nameof(RefusedAnnouncements))]
    public void Announce_WhenNotAllowed_IsRefused(string why, Func<CycleBuilder> given, AnnounceAwards command, string code, RefusalKind kind)
    {
        Then.Refused(given().Decide(command, Dates.Awarding), code, kind, why);
    }
}
