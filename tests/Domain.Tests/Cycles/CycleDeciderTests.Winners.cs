using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Cycles;

public partial class CycleDeciderTests
{
    /// <summary>Weihai: app-a and app-b are recognition candidates and the list has passed its notice (§15).</summary>
    private static CycleBuilder WeihaiCandidatesPublished() =>
        CycleBuilder.Opened("weihai").SubmissionsClosed()
            .Then(Nominate(WeihaiComposite, ("app-a", AwardTier.Recognition), ("app-b", AwardTier.Recognition)))
            .NoticeRan(NoticeList.Candidates);

    /// <summary>Changde: o1-o3 and p1-p3 are all award candidates (the list is 差额 against the 4 places of §3).</summary>
    private static CycleBuilder ChangdeSixAwardCandidates()
    {
        ScoredApplication[] scores =
        [
            Scored.Org("app-o1", 95m), Scored.Org("app-o2", 94m), Scored.Org("app-o3", 93m),
            Scored.Person("app-p1", 92m), Scored.Person("app-p2", 91m), Scored.Person("app-p3", 90m),
        ];
        return ChangdeShortlisted(scores).Then(Nominate(scores, [.. scores.Select(s => (s.ApplicationId, AwardTier.Award))]));
    }

    private static WinnerEntry ChangdeWinner(string id) =>
        Scored.Winner(id, AwardTier.Award, id.StartsWith("app-o", StringComparison.Ordinal) ? ApplicantCategory.Organisation : ApplicantCategory.Individual);

    private static VoteTally Majority(params string[] ids) => new(11, ids.ToDictionary(id => id, _ => 8));

    [Fact]
    public void Propose_UnderWeihai_RecordsTheLeadingGroupsList_AndWhoWasNotChosen()
    {
        var decision = WeihaiCandidatesPublished().Decide(new ProposeWinners([Scored.Winner("app-a", AwardTier.Recognition)], null, Minutes));

        var proposed = Then.Single<WinnersProposed, ICycleEvent>(decision);
        Assert.Equal("app-a", Assert.Single(proposed.Winners).ApplicationId);
        Assert.Equal(["app-b"], proposed.NotChosen);
        Assert.Equal(DeliberationMethod.Deliberation, proposed.Method);
        Assert.Equal("市质量强市及品牌战略推进工作领导小组", proposed.Body);
        Assert.Equal("会议纪要：审议通过获奖建议名单。", proposed.Minutes);
        Assert.Null(proposed.Vote);
    }

    [Fact]
    public void Propose_NoWinnersAtAll_IsAccepted_BecausePlacesMayStayEmpty()
    {
        // Weihai §4 宁缺毋滥, §6 可以空缺.
        var decision = WeihaiCandidatesPublished().Decide(new ProposeWinners([], null, Minutes));

        var proposed = Then.Single<WinnersProposed, ICycleEvent>(decision);
        Assert.Empty(proposed.Winners);
        Assert.Equal(["app-a", "app-b"], proposed.NotChosen);
    }

    [Theory]
    // Changde §3 counts organisations and individuals together: 4 in all is the limit.
    [InlineData(new[] { "app-o1", "app-o2", "app-p1", "app-p2" }, null)]
    // Five of six candidates keeps the list competitive but breaks the shared quota of 4.
    [InlineData(new[] { "app-o1", "app-o2", "app-o3", "app-p1", "app-p2" }, "award.quota-exceeded")]
    // Three organisations and one individual: still 4 together.
    [InlineData(new[] { "app-o1", "app-o2", "app-o3", "app-p1" }, null)]
    public void Propose_UnderChangde_CountsOrganisationsAndIndividualsTogether(string[] winners, string? refusal)
    {
        var decision = ChangdeSixAwardCandidates().Decide(new ProposeWinners([.. winners.Select(ChangdeWinner)], Majority(winners), Minutes));

        if (refusal is null)
        {
            Assert.Equal(winners.Length, Then.Single<WinnersProposed, ICycleEvent>(decision).Winners.Count);
        }
        else
        {
            Assert.Contains("§3", Then.Refused(decision, refusal, RefusalKind.Rule).Zh);
        }
    }

    [Theory]
    // Jinan §2: at most 5 units and, separately, 3 individuals: 8 winners in all is within both.
    [InlineData(5, 3, null)]
    // A sixth unit breaks the units' quota even with no individual.
    [InlineData(6, 0, "award.quota-exceeded")]
    // A fourth individual breaks the individuals' quota even with few units.
    [InlineData(1, 4, "award.quota-exceeded")]
    // Nobody at all: places may stay empty.
    [InlineData(0, 0, null)]
    public void Propose_UnderJinan_CountsUnitsAndIndividualsSeparately(int units, int individuals, string? refusal)
    {
        var scores = Enumerable.Range(1, 6).Select(i => Scored.Org($"app-u{i}", 100m - i))
            .Concat(Enumerable.Range(1, 4).Select(i => Scored.Person($"app-i{i}", 100m - i)))
            .ToList();
        var given = CycleBuilder.Opened("jinan").SubmissionsClosed()
            .Then(Nominate(scores, [.. scores.Select(s => (s.ApplicationId, AwardTier.Award))]));
        var winners = scores.Where(s => s.Category == ApplicantCategory.Organisation).Take(units)
            .Concat(scores.Where(s => s.Category == ApplicantCategory.Individual).Take(individuals))
            .Select(s => Scored.Winner(s.ApplicationId, AwardTier.Award, s.Category))
            .ToList();

        var decision = given.Decide(new ProposeWinners(winners, null, Minutes));

        if (refusal is null)
        {
            Assert.Equal(units + individuals, Then.Single<WinnersProposed, ICycleEvent>(decision).Winners.Count);
        }
        else
        {
            Then.Refused(decision, refusal, RefusalKind.Rule);
        }
    }

    [Theory]
    // Benxi §12: a repeat winner does not take one of the 2 places (§4).
    [InlineData(true, null)]
    // Counted in the quota, the third winner is one too many.
    [InlineData(false, "award.quota-exceeded")]
    public void Propose_UnderBenxi_ARepeatWinnerOutsideTheQuota_DoesNotUseAPlace(bool outsideQuota, string? refusal)
    {
        ScoredApplication[] scores = [Scored.Org("app-a", 95m), Scored.Org("app-b", 94m), Scored.Org("app-c", 93m), Scored.Org("app-d", 50m)];
        var given = CycleBuilder.Opened("benxi").SubmissionsClosed()
            .Then(new DecideCycleShortlist(scores, 4))
            .Then(Nominate(scores, [.. scores.Select(s => (s.ApplicationId, AwardTier.Award))]));
        WinnerEntry[] winners =
        [
            Scored.Winner("app-a", AwardTier.Award), Scored.Winner("app-b", AwardTier.Award),
            Scored.Winner("app-c", AwardTier.Award) with { OutsideQuota = outsideQuota },
        ];

        var decision = given.Decide(new ProposeWinners(winners, null, Minutes));

        if (refusal is null)
        {
            Assert.Equal(3, Then.Single<WinnersProposed, ICycleEvent>(decision).Winners.Count);
        }
        else
        {
            Then.Refused(decision, refusal, RefusalKind.Rule);
        }
    }

    [Fact]
    public void Propose_UnderChangde_ByMajorityVote_RecordsTheVote()
    {
        var decision = ChangdeSixAwardCandidates().Decide(new ProposeWinners([ChangdeWinner("app-o1")], Majority("app-o1"), Minutes));

        var proposed = Then.Single<WinnersProposed, ICycleEvent>(decision);
        Assert.Equal(DeliberationMethod.EqualNumberVote, proposed.Method);
        Assert.Equal(8, proposed.Vote!.VotesFor["app-o1"]);
        Assert.Equal(5, proposed.NotChosen.Count);
    }

    [Fact]
    public void Propose_UnderChangde_WithNoMoreCandidatesThanPlaces_MustStillLeaveOneOut()
    {
        // Changde §22 差额: read as "more candidates than winners". The office may nominate as few as
        // it finds worthy (§3 places may stay empty); the committee then cannot take them all.
        ScoredApplication[] scores = [Scored.Org("app-a", 90m), Scored.Org("app-b", 85m), Scored.Org("app-c", 80m)];
        var given = ChangdeShortlisted(scores).Then(Nominate(scores, ("app-a", AwardTier.Award), ("app-b", AwardTier.Award), ("app-c", AwardTier.Award)));

        var all = new ProposeWinners([.. scores.Select(s => Scored.Winner(s.ApplicationId, AwardTier.Award))], Majority("app-a", "app-b", "app-c"), Minutes);
        var two = new ProposeWinners([Scored.Winner("app-a", AwardTier.Award), Scored.Winner("app-b", AwardTier.Award)], Majority("app-a", "app-b"), Minutes);

        Then.Refused(given.Decide(all), "cycle.not-competitive", RefusalKind.Rule);
        Assert.Equal(["app-c"], Then.Single<WinnersProposed, ICycleEvent>(given.Decide(two)).NotChosen);
    }

    public static TheoryData<string, Func<CycleBuilder>, ProposeWinners, string, RefusalKind> RefusedProposals => new()
    {
        // Weihai §15: the candidate list comes first.
        { "before the candidates", () => CycleBuilder.Opened("weihai").SubmissionsClosed(), new([], null, Minutes), "cycle.out-of-order", RefusalKind.Rule },
        // Weihai §15: the candidate list is published before the leading group decides.
        {
            "candidates not yet published",
            () => CycleBuilder.Opened("weihai").SubmissionsClosed().Then(Nominate(WeihaiComposite, ("app-a", AwardTier.Recognition))),
            new([Scored.Winner("app-a", AwardTier.Recognition)], null, Minutes), "cycle.out-of-order", RefusalKind.Rule
        },
        {
            "decided already",
            () => WeihaiCandidatesPublished().Then(new ProposeWinners([], null, Minutes)),
            new([Scored.Winner("app-a", AwardTier.Recognition)], null, Minutes), "cycle.winners-proposed", RefusalKind.Rule
        },
        {
            "the same winner twice",
            WeihaiCandidatesPublished,
            new([Scored.Winner("app-a", AwardTier.Recognition), Scored.Winner("app-a", AwardTier.Recognition)], null, Minutes), "cycle.winner-repeated", RefusalKind.Invalid
        },
        { "no minutes", WeihaiCandidatesPublished, new([Scored.Winner("app-a", AwardTier.Recognition)], null, " "), "cycle.minutes-missing", RefusalKind.Invalid },
        { "not a candidate", WeihaiCandidatesPublished, new([Scored.Winner("app-c", AwardTier.Recognition)], null, Minutes), "cycle.not-a-candidate", RefusalKind.Rule },
        {
            "candidate as an individual, though an organisation",
            WeihaiCandidatesPublished,
            new([Scored.Winner("app-a", AwardTier.Recognition, ApplicantCategory.Individual)], null, Minutes), "cycle.tier-mismatch", RefusalKind.Rule
        },
        // Changde §22 差额: the committee must leave out at least one candidate; choosing both of two is no choice.
        {
            "every candidate chosen",
            () => ChangdeShortlisted(Scored.Org("app-a", 90m), Scored.Org("app-b", 85m))
                .Then(Nominate([Scored.Org("app-a", 90m), Scored.Org("app-b", 85m)], ("app-a", AwardTier.Award), ("app-b", AwardTier.Award))),
            new([Scored.Winner("app-a", AwardTier.Award), Scored.Winner("app-b", AwardTier.Award)], Majority("app-a", "app-b"), Minutes),
            "cycle.not-competitive", RefusalKind.Rule
        },
        // Changde §23 等额投票: the vote must be recorded.
        { "no vote", ChangdeSixAwardCandidates, new([ChangdeWinner("app-o1")], null, Minutes), "cycle.vote-missing", RefusalKind.Invalid },
        { "nobody present", ChangdeSixAwardCandidates, new([ChangdeWinner("app-o1")], new VoteTally(0, new Dictionary<string, int>()), Minutes), "cycle.vote-missing", RefusalKind.Invalid },
        // Half of those present is not a majority.
        {
            "half the votes",
            ChangdeSixAwardCandidates,
            new([ChangdeWinner("app-o1")], new VoteTally(10, new Dictionary<string, int> { ["app-o1"] = 5 }), Minutes), "cycle.vote-not-carried", RefusalKind.Rule
        },
        // More votes than members present is a typing error, not a result.
        {
            "more votes than members",
            ChangdeSixAwardCandidates,
            new([ChangdeWinner("app-o1")], new VoteTally(10, new Dictionary<string, int> { ["app-o1"] = 11 }), Minutes), "cycle.vote-invalid", RefusalKind.Invalid
        },
    };

    [Theory]
    [MemberData(nameof(RefusedProposals))]
    public void Propose_WhenNotAllowed_IsRefused(string why, Func<CycleBuilder> given, ProposeWinners command, string code, RefusalKind kind)
    {
        Then.Refused(given().Decide(command), code, kind, why);
    }

    [Fact]
    public void RemoveProposedWinner_LeavesThePlaceEmpty_AndRepeatingItDoesNothing()
    {
        var given = WeihaiCandidatesPublished().Then(new ProposeWinners(
            [Scored.Winner("app-a", AwardTier.Recognition), Scored.Winner("app-b", AwardTier.Recognition)], null, Minutes));

        var removed = Then.Single<ProposedWinnerRemoved, ICycleEvent>(given.Decide(new RemoveProposedWinner("app-a", "公示期间异议查证属实")));
        Assert.Equal(("app-a", "公示期间异议查证属实"), (removed.ApplicationId, removed.Reason));

        given.With(removed);
        Assert.Equal(["app-b"], given.State.ProposedWinners.Select(w => w.ApplicationId));
        Then.Nothing(given.Decide(new RemoveProposedWinner("app-a", "重复")));
    }
}
