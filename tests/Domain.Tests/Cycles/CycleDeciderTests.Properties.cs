using FsCheck.Xunit;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Cycles;

public partial class CycleDeciderTests
{
    private static readonly CycleState ChangdeSixCandidates = ChangdeSixAwardCandidates().State;

    private static readonly string[] ChangdeCandidateIds = ["app-o1", "app-o2", "app-o3", "app-p1", "app-p2", "app-p3"];

    /// <summary>
    /// Changde, any choice among six award candidates (three organisations, three individuals),
    /// carried by the vote: accepted exactly when it fits the 4 places shared by both categories
    /// (§3) and leaves someone out (§22 差额); refused with the rule that says why otherwise.
    /// </summary>
    [Property(MaxTest = 150)]
    public bool Propose_UnderChangde_AnyChoice_IsAcceptedExactlyWithinTheSharedQuota(bool[] picks)
    {
        var chosen = ChangdeCandidateIds.Where((_, i) => i < picks.Length && picks[i]).ToArray();

        var decision = Decide(new ProposeWinners([.. chosen.Select(ChangdeWinner)], Majority(chosen), Minutes), ChangdeSixCandidates, Dates.Review);

        return chosen.Length switch
        {
            <= 4 => !decision.IsRefused && decision.Events.OfType<WinnersProposed>().Single().Winners.Count == chosen.Length,
            5 => decision.Refusal?.Code == "award.quota-exceeded",
            _ => decision.Refusal?.Code == "cycle.not-competitive",
        };
    }

    /// <summary>
    /// Jinan, any number of unit and individual winners: accepted exactly when units are at most
    /// 5 and individuals at most 3, each counted on its own (§2).
    /// </summary>
    [Property(MaxTest = 60)]
    public bool Propose_UnderJinan_AnyCounts_AreCheckedAgainstSeparateQuotas(byte unitsSeed, byte individualsSeed)
    {
        var units = unitsSeed % 7;
        var individuals = individualsSeed % 5;
        var winners = Enumerable.Range(1, units).Select(i => Scored.Winner($"app-u{i}", AwardTier.Award))
            .Concat(Enumerable.Range(1, individuals).Select(i => Scored.Winner($"app-i{i}", AwardTier.Award, ApplicantCategory.Individual)))
            .ToList();

        var decision = Decide(new ProposeWinners(winners, null, Minutes), JinanTenCandidates, Dates.Review);

        return decision.IsRefused == (units > 5 || individuals > 3)
            && (!decision.IsRefused || decision.Refusal!.Code == "award.quota-exceeded");
    }

    private static readonly CycleState JinanTenCandidates = JinanCandidates();

    private static CycleState JinanCandidates()
    {
        var scores = Enumerable.Range(1, 6).Select(i => Scored.Org($"app-u{i}", 100m - i))
            .Concat(Enumerable.Range(1, 4).Select(i => Scored.Person($"app-i{i}", 100m - i)))
            .ToList();
        return CycleBuilder.Opened("jinan").SubmissionsClosed()
            .Then(Nominate(scores, [.. scores.Select(s => (s.ApplicationId, AwardTier.Award))]))
            .State;
    }
}
