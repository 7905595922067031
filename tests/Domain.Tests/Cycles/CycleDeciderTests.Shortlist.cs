using QualityAward.Domain.Cycles;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Cycles;

public partial class CycleDeciderTests
{
    private static readonly ScoredApplication[] ThreeMaterialScores =
        [Scored.Org("app-b", 70m), Scored.Org("app-a", 90m), Scored.Person("app-c", 80m)];

    [Fact]
    public void Shortlist_UnderChangde_TakesTheTopPlacesByMaterialScore()
    {
        // Changde §19: the site review takes those ranked highest by material score; the rest are told.
        var given = CycleBuilder.Opened("changde").SubmissionsClosed();

        var decided = Then.Single<CycleShortlistDecided, ICycleEvent>(given.Decide(new DecideCycleShortlist(ThreeMaterialScores, 2)));

        Assert.Equal(["app-a", "app-c"], decided.Shortlisted.Select(e => e.ApplicationId));
        Assert.Equal([1, 2], decided.Shortlisted.Select(e => e.Rank));
        var rest = Assert.Single(decided.NotShortlisted);
        Assert.Equal(("app-b", 3, 70m), (rest.ApplicationId, rest.Rank, rest.Score));
    }

    [Fact]
    public void Shortlist_WithEqualScores_BreaksTheTieByTheEarlierSubmission()
    {
        var given = CycleBuilder.Opened("benxi").SubmissionsClosed();
        var early = Scored.Org("app-z", 80m) with { SubmittedAt = Dates.At(2026, 4, 1) };
        var late = Scored.Org("app-a", 80m) with { SubmittedAt = Dates.At(2026, 4, 2) };

        var decided = Then.Single<CycleShortlistDecided, ICycleEvent>(given.Decide(new DecideCycleShortlist([late, early], 1)));

        Assert.Equal("app-z", Assert.Single(decided.Shortlisted).ApplicationId);
    }

    public static TheoryData<string, Func<CycleBuilder>, DecideCycleShortlist, string, RefusalKind> RefusedShortlists => new()
    {
        // Weihai §14 reviews every accepted application on site: no shortlist.
        { "policy has no shortlist", () => CycleBuilder.Opened("weihai").SubmissionsClosed(), new(ThreeMaterialScores, 2), "cycle.no-shortlist", RefusalKind.Rule },
        // The shortlist is decided once.
        { "decided already", () => ChangdeShortlisted(ThreeMaterialScores), new(ThreeMaterialScores, 2), "cycle.shortlist-decided", RefusalKind.Rule },
        // Out of order: applications may still come in.
        { "window still open", () => CycleBuilder.Opened("changde"), new(ThreeMaterialScores, 2), "cycle.window-still-open", RefusalKind.Rule },
        { "no scores", () => CycleBuilder.Opened("changde").SubmissionsClosed(), new([], 1), "cycle.nothing-to-rank", RefusalKind.Rule },
        { "no places", () => CycleBuilder.Opened("changde").SubmissionsClosed(), new(ThreeMaterialScores, 0), "cycle.places-invalid", RefusalKind.Invalid },
        { "more places than applications", () => CycleBuilder.Opened("changde").SubmissionsClosed(), new(ThreeMaterialScores, 4), "cycle.places-invalid", RefusalKind.Invalid },
    };

    [Theory]
    [MemberData(nameof(RefusedShortlists))]
    public void Shortlist_WhenNotAllowed_IsRefused(string why, Func<CycleBuilder> given, DecideCycleShortlist command, string code, RefusalKind kind)
    {
        Then.Refused(given().Decide(command, Dates.Review), code, kind, why);
    }
}
