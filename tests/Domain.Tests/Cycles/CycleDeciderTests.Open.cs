using QualityAward.Domain.Cycles;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Cycles;

public partial class CycleDeciderTests
{
    [Fact]
    public void Open_UnderPolicyInForce_RecordsTheCycleWithACopyOfThePolicy()
    {
        var decision = Decide(Open("weihai"), CycleState.Initial, OpeningDay);

        var opened = Then.Single<CycleOpened, ICycleEvent>(decision);
        Assert.Equal("weihai-2026", opened.CycleId);
        Assert.Equal("weihai", opened.PolicyId);
        Assert.Equal(2026, opened.Year);
        Assert.Equal("第一届评选", opened.Title);
        Assert.Equal(Dates.OpensOn, opened.SubmissionOpensOn);
        Assert.Equal(Dates.ClosesOn, opened.SubmissionClosesOn);
        Assert.Empty(opened.Warnings);
        Assert.Equal(OpeningDay, opened.At);
        Assert.Equal(PolicyLoader.ToJson(PolicyPresets.Get("weihai")), opened.PolicyJson);

        var state = CycleState.Fold([opened]);
        Assert.Equal(CycleStatus.Open, state.Status);
        Assert.Equal("weihai", state.Policy.Id);
        Assert.Equal(ShanghaiTime.EndOf(Dates.ClosesOn), state.SubmissionClosesAt);
    }

    [Theory]
    // Jinan's regulation expired on 2021-12-06 (§31): opening under it needs an explicit acknowledgement.
    [InlineData("jinan", "2021年12月6日")]
    // Changde's text is a draft for comment (征求意见稿).
    [InlineData("changde", "征求意见稿")]
    // Benxi's text is a draft for comment too.
    [InlineData("benxi", "征求意见稿")]
    public void Open_UnderPolicyWithWarning_WithoutAcknowledgement_IsRefused(string policyId, string warning)
    {
        var decision = Decide(Open(policyId), CycleState.Initial, OpeningDay);

        var refusal = Then.Refused(decision, "cycle.policy-warning", RefusalKind.Rule);
        Assert.Contains(warning, refusal.Zh);
        Assert.Equal("acknowledgeWarnings", refusal.Field);
    }

    [Fact]
    public void Open_UnderExpiredJinan_WithAcknowledgement_RecordsTheWarning()
    {
        var decision = Decide(Open("jinan", acknowledge: true), CycleState.Initial, OpeningDay);

        var opened = Then.Single<CycleOpened, ICycleEvent>(decision);
        var warning = Assert.Single(opened.Warnings);
        Assert.Contains("2021年12月6日", warning);
        Assert.Contains("§31", warning);
    }

    [Fact]
    public void Open_BeforeThePolicyTakesEffect_Warns()
    {
        // Xinzhou's regulation takes effect on 2025-03-01 (§31); a window opening in February precedes it.
        var decision = Decide(Open("xinzhou", 2025, opens: new DateOnly(2025, 2, 10), closes: new DateOnly(2025, 4, 30)), CycleState.Initial, Dates.At(2025, 1, 20));

        var refusal = Then.Refused(decision, "cycle.policy-warning", RefusalKind.Rule);
        Assert.Contains("2025年3月1日", refusal.Zh);
    }

    [Fact]
    public void Open_Again_WithTheSameCommand_DoesNothing()
    {
        var given = CycleBuilder.Opened("weihai").State;

        Then.Nothing(Decide(Open("weihai"), given, OpeningDay));
    }

    [Fact]
    public void Open_Again_WithADifferentWindow_IsRefused()
    {
        var given = CycleBuilder.Opened("weihai").State;

        Then.Refused(Decide(Open("weihai", opens: new DateOnly(2026, 3, 2)), given, OpeningDay), "cycle.exists", RefusalKind.Rule);
    }

    public static TheoryData<string, OpenCycle, string, RefusalKind> InvalidOpenings => new()
    {
        // The id is a storage key: lowercase letters, digits and hyphens only.
        { "id with capitals", Open("weihai", id: "Weihai 2026"), "cycleId.malformed", RefusalKind.Invalid },
        { "id missing", Open("weihai", id: " "), "cycleId.missing", RefusalKind.Invalid },
        { "year out of range", Open("weihai", year: 1999, id: "weihai-1999", opens: new DateOnly(1999, 3, 1), closes: new DateOnly(2026, 5, 31)), "cycle.year-invalid", RefusalKind.Invalid },
        { "title empty", Open("weihai", title: "   "), "cycle.title-invalid", RefusalKind.Invalid },
        { "title too long", Open("weihai", title: new string('奖', 201)), "cycle.title-invalid", RefusalKind.Invalid },
        { "window closes before it opens", Open("weihai", opens: new DateOnly(2026, 5, 1), closes: new DateOnly(2026, 4, 1)), "cycle.window-invalid", RefusalKind.Invalid },
        { "window already over", Open("weihai", opens: new DateOnly(2026, 1, 1), closes: new DateOnly(2026, 1, 31)), "cycle.window-past", RefusalKind.Invalid },
        { "window outside the cycle's year", Open("weihai", year: 2027, id: "weihai-2027"), "cycle.window-year", RefusalKind.Invalid },
    };

    [Theory]
    [MemberData(nameof(InvalidOpenings))]
    public void Open_WithInvalidInput_IsRefused(string why, OpenCycle command, string code, RefusalKind kind)
    {
        var refusal = Then.Refused(Decide(command, CycleState.Initial, OpeningDay), code, kind, why);

        Assert.False(string.IsNullOrEmpty(refusal.Field), why);
    }

    [Theory]
    // Jinan runs every 2 years (§2): an edition in 2025 leaves no room in 2026.
    [InlineData("jinan", "jinan-2025", 2026, true)]
    // ... but one in 2024 does.
    [InlineData("jinan", "jinan-2024", 2026, false)]
    // Xinzhou runs every 3 years (§4): 2024 is too close to 2026.
    [InlineData("xinzhou", "xinzhou-2024", 2026, true)]
    // ... but 2023 is three years before: allowed.
    [InlineData("xinzhou", "xinzhou-2023", 2026, false)]
    // Weihai recognises every year (§6): last year's edition is no obstacle.
    [InlineData("weihai", "weihai-2025", 2026, false)]
    // Changde fixes no cycle length (§3).
    [InlineData("changde", "changde-2025", 2026, false)]
    public void Open_TooSoonAfterThePreviousEdition_IsRefused(string policyId, string previous, int year, bool refused)
    {
        var others = new List<CycleSummary> { new(previous, new DateOnly(int.Parse(previous[^4..]), 3, 1)) };

        var decision = Decide(Open(policyId, year, acknowledge: true), CycleState.Initial, OpeningDay, others);

        if (refused)
        {
            Then.Refused(decision, "cycle.too-soon", RefusalKind.Rule);
        }
        else
        {
            Then.Single<CycleOpened, ICycleEvent>(decision);
        }
    }

    [Theory]
    // Changde fixes no cycle length (§3), yet a second edition in the same year would print the
    // same certificate numbers (常质奖〔2026〕第001号): refused, whatever the other edition's id.
    [InlineData("changde", "changde-2026-spring", 2026, true)]
    [InlineData("changde", "changde-2025", 2025, false)]
    // The year comes from the index when it is known, not from the id.
    [InlineData("changde", "changde-extra", 2026, true)]
    public void Open_ASecondEditionInTheSameYear_IsRefused(string policyId, string other, int otherYear, bool refused)
    {
        var others = new List<CycleSummary> { new(other, new DateOnly(2025, 12, 1), otherYear) };

        var decision = Decide(Open(policyId, 2026, acknowledge: true), CycleState.Initial, OpeningDay, others);

        if (refused)
        {
            Assert.Contains(other, Then.Refused(decision, "cycle.year-taken", RefusalKind.Rule).Zh);
        }
        else
        {
            Then.Single<CycleOpened, ICycleEvent>(decision);
        }
    }

    [Theory]
    // Every command but opening needs the cycle to exist.
    [InlineData("extend")]
    // Closing the window of a cycle that was never opened.
    [InlineData("close-submissions")]
    // Announcing the winners of a cycle that was never opened.
    [InlineData("announce")]
    public void Command_OnACycleThatDoesNotExist_IsNotFound(string command)
    {
        ICycleCommand when = command switch
        {
            "extend" => new ExtendSubmissionWindow(new DateOnly(2026, 6, 30), "延长"),
            "close-submissions" => new CloseSubmissions(),
            _ => new AnnounceAwards("公告1号", Dates.AwardedOn),
        };

        Then.Refused(Decide(when, CycleState.Initial, Dates.Review), "cycle.not-found", RefusalKind.NotFound);
    }
}
