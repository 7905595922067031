using System.Text.Json;
using Microsoft.DurableTask;
using QualityAward.Functions.Notices;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Tests.Durable;

/// <summary>
/// The notice orchestrator's branches, one generation at a time, on a Moq
/// <see cref="TaskOrchestrationContext"/>: Benxi's acceptance notice benxi-2026-n1 of three
/// applications, closing at midnight (Shanghai) after its last working day, 26 February 2026.
/// </summary>
public sealed class NoticeOrchestrationTests
{
    internal const string Notice = "benxi-2026-n1";
    internal static readonly DateTimeOffset ClosesAt = new(2026, 2, 26, 0, 0, 0, TimeSpan.FromHours(8));
    internal static readonly NoticeWork Work = new(Notice, "benxi-2026", ClosesAt);

    internal static OrchestrationScript Script(DateTimeOffset now, NoticeClose? close = null, Func<NoticeEntryStep, StepRefusal?>? pass = null) =>
        new OrchestrationScript(now)
            .Activity<object>(NoticeSteps.ApplyUpheldObjections, _ => null!)
            .Activity(NoticeSteps.Close, _ => close ?? new NoticeClose(true, ["app-a", "app-b", "app-c"], null))
            .Activity(NoticeSteps.PassNotice, step => pass?.Invoke((NoticeEntryStep)step!));

    internal static async Task<NoticeOutcome?> RunAsync(OrchestrationScript script, NoticeWork? work = null) =>
        await new NoticeOrchestration().RunAsync(script.Context.Object, work ?? Work);

    [Fact]
    public async Task InThePeriod_TheTimerWins_NothingIsApplied_AndItLooksAgain()
    {
        var script = Script(ClosesAt.AddHours(-2)).TimerFires();

        Assert.Null(await RunAsync(script));

        Assert.Empty(script.ActivitiesCalled);
        Assert.Contains("timer +02:00:00", script.Calls);
        Assert.Equal("continue-as-new", script.Calls[^1]);
        Assert.Equal("notice-period", script.Status.Code);
        Assert.Equal(ClosesAt, script.Status.Until);
    }

    [Fact]
    public async Task InThePeriod_AnObjectionsFindingWakesIt_AndUpheldObjectionsAreAppliedAtOnce()
    {
        var script = Script(ClosesAt.AddDays(-3)).EventArrives(Orchestrations.Changed, "finding");

        Assert.Null(await RunAsync(script));

        Assert.Equal([$"{NoticeSteps.ApplyUpheldObjections}({Notice})"], script.ActivitiesCalled);
        Assert.Contains("timer +06:00:00", script.Calls);
        Assert.Equal("continue-as-new", script.Calls[^1]);
    }

    [Fact]
    public async Task AtTheDeadline_WithAnObjectionOpen_ItDoesNotClose_AndWaitsForTheFinding()
    {
        var open = new StepRefusal(Notice, "notice.objections-open", "尚有异议未作出调查结论，公示不能结束。", "Objections are open.");
        var script = Script(ClosesAt.AddSeconds(1), new NoticeClose(false, [], open)).TimerFires();

        Assert.Null(await RunAsync(script));

        Assert.Equal([$"{NoticeSteps.ApplyUpheldObjections}({Notice})", $"{NoticeSteps.Close}({Notice})"], script.ActivitiesCalled);
        Assert.Equal("objections", script.Status.Code);
        Assert.Null(script.Status.Problem);
        Assert.Contains("timer +06:00:00", script.Calls);
        Assert.Equal("continue-as-new", script.Calls[^1]);
    }

    [Fact]
    public async Task Closed_ARefusedPassNotice_IsShownAsAStepRefusal_AndTheOthersMoveOn()
    {
        var refused = new StepRefusal("app-b", "application.ended", "该申报已结束（已撤回）。", "The application has ended (Withdrawn).");
        var script = Script(ClosesAt.AddSeconds(1), pass: step => step.ApplicationId == "app-b" ? refused : null);

        var outcome = await RunAsync(script);

        Assert.NotNull(outcome);
        Assert.Equal(["app-a", "app-c"], outcome.MovedOn);
        Assert.Equal([refused], outcome.NotMoved);
        Assert.Equal(3, script.ActivitiesCalled.Count(c => c.StartsWith(NoticeSteps.PassNotice, StringComparison.Ordinal)));
        Assert.Equal("closed-with-refusals", script.Status.Code);
        Assert.Equal("application.ended", script.Status.Problem);
        Assert.Equal("该申报已结束（已撤回）。", script.Status.ProblemZh);
        Assert.DoesNotContain(script.Calls, c => c.StartsWith("timer", StringComparison.Ordinal) || c == "continue-as-new");
    }
}

/// <summary>
/// Decision 0018: a redeploy never breaks a running notice. The calls a Version 1 notice made, in
/// order, as its history holds them (recorded from the code that published Version 1), are what
/// the current code must make when it replays that history; and the input a Version 1 notice was
/// started with (serialized then) still starts the current code. A change that fails this test
/// changes the call sequence: make it under a new version, branching on <see cref="NoticeWork.Version"/>.
/// </summary>
public sealed class NoticeReplayTests
{
    /// <summary>A Version 1 notice's input as it was serialized when the notice was published.</summary>
    private const string Version1Input = """{"NoticeId":"benxi-2026-n1","CycleId":"benxi-2026","ClosesAt":"2026-02-26T00:00:00+08:00","Version":1}""";

    public static TheoryData<string, string[]> Version1Histories => new()
    {
        // A generation in the period, woken by a finding.
        { "woken-in-period", ["ReadClock(benxi-2026)", "timer +06:00:00", "wait Changed", "wait ClockMoved", "ApplyUpheldObjections(benxi-2026-n1)", "continue-as-new"] },
        // A generation in the period whose timer fired.
        { "timer-in-period", ["ReadClock(benxi-2026)", "timer +02:00:00", "wait Changed", "wait ClockMoved", "continue-as-new"] },
        // The deadline with an objection open.
        { "objection-open", ["ReadClock(benxi-2026)", "ApplyUpheldObjections(benxi-2026-n1)", "CloseNotice(benxi-2026-n1)", "timer +06:00:00", "wait Changed", "wait ClockMoved", "continue-as-new"] },
        // The close, and each listed application moved on.
        {
            "closed", ["ReadClock(benxi-2026)", "ApplyUpheldObjections(benxi-2026-n1)", "CloseNotice(benxi-2026-n1)",
            "PassNotice(NoticeEntryStep { NoticeId = benxi-2026-n1, ApplicationId = app-a })",
            "PassNotice(NoticeEntryStep { NoticeId = benxi-2026-n1, ApplicationId = app-b })",
            "PassNotice(NoticeEntryStep { NoticeId = benxi-2026-n1, ApplicationId = app-c })"]
        },
    };

    [Theory]
    [MemberData(nameof(Version1Histories))]
    public async Task AVersion1Notice_ReplaysOnTheCurrentCode_MakingTheSameCallsInTheSameOrder(string history, string[] version1Calls)
    {
        var work = JsonSerializer.Deserialize<NoticeWork>(Version1Input)!;
        Assert.Equal(1, work.Version);
        var closesAt = work.ClosesAt;
        var script = history switch
        {
            "woken-in-period" => NoticeOrchestrationTests.Script(closesAt.AddDays(-3)).EventArrives(Orchestrations.Changed, "finding"),
            "timer-in-period" => NoticeOrchestrationTests.Script(closesAt.AddHours(-2)).TimerFires(),
            "objection-open" => NoticeOrchestrationTests.Script(closesAt.AddSeconds(1), new NoticeClose(false, [], new StepRefusal(work.NoticeId, "notice.objections-open", "尚有异议未作出调查结论。", "Objections are open."))).TimerFires(),
            _ => NoticeOrchestrationTests.Script(closesAt.AddSeconds(1)),
        };

        await NoticeOrchestrationTests.RunAsync(script, work);

        Assert.Equal(version1Calls, script.Calls);
        if (script.Calls[^1] == "continue-as-new")
        {
            // The next generation is started with the same input: still Version 1, so it keeps the old sequence.
            Assert.Equal(1, Assert.IsType<NoticeWork>(script.ContinuedWith).Version);
        }
    }
}
