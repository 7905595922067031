using Microsoft.DurableTask;
using Moq;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Notices;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Tests.Workflow;

/// <summary>
/// The application orchestration's branches, one generation at a time, on a mocked
/// <see cref="TaskOrchestrationContext"/>: what it shows, what it waits for, what wakes it, when it
/// ends. Where the application stands is the activity's answer (Progress.Of); the orchestrator only
/// shows it and waits.
/// </summary>
public sealed class ApplicationOrchestrationTests
{
    private static readonly DateTimeOffset Now = new(2026, 4, 17, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateTime Replayed = new(2026, 4, 17, 2, 0, 0, DateTimeKind.Utc);
    private static readonly ApplicationWork Work = new("app-1", "weihai-2026");

    private readonly Mock<TaskOrchestrationContext> _context = new();
    private readonly List<WaitingFor> _shown = [];
    private readonly List<DateTime> _timers = [];
    private readonly TaskCompletionSource<Wake?> _changed = new();
    private readonly TaskCompletionSource _timer = new();

    public ApplicationOrchestrationTests()
    {
        _context.SetupGet(c => c.CurrentUtcDateTime).Returns(Replayed);
        _context.Setup(c => c.SetCustomStatus(It.IsAny<object?>())).Callback<object?>(s => _shown.Add((WaitingFor)s!));
        _context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()))
            .Callback<DateTime, CancellationToken>((at, _) => _timers.Add(at))
            .Returns(() => _timer.Task);
        _context.Setup(c => c.WaitForExternalEvent<Wake?>(Orchestrations.Changed, It.IsAny<CancellationToken>())).Returns(() => _changed.Task);
        _context.Setup(c => c.WaitForExternalEvent<string?>(Orchestrations.ClockMoved, It.IsAny<CancellationToken>())).Returns(new TaskCompletionSource<string?>().Task);
        Clock(Now);
    }

    private void Clock(DateTimeOffset now, long epoch = 1) =>
        _context.Setup(c => c.CallActivityAsync<ClockReading>(It.Is<TaskName>(n => n.Name == WorkflowClock.ReadClock), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .ReturnsAsync(new ClockReading(now, epoch));

    private void Standing(ApplicationStanding standing) =>
        _context.Setup(c => c.CallActivityAsync<ApplicationStanding>(It.Is<TaskName>(n => n.Name == ApplicationSteps.ReadStanding), It.Is<object?>(q => q is StandingQuery && ((StandingQuery)q).ApplicationId == Work.ApplicationId), It.IsAny<TaskOptions?>()))
            .ReturnsAsync(standing);

    private static ApplicationStanding Waiting(DateTimeOffset? dueAt, bool overdue = false, string? owed = null) => new(
        Work.ApplicationId, false, "notice.running", "公示期至2026年4月17日（5个工作日）。", "The notice runs until the end of 2026-04-17.",
        "system", Now.AddDays(-5), dueAt, overdue, owed);

    private Task<ApplicationEnd> RunAsync() => new ApplicationOrchestration().RunAsync(_context.Object, Work);

    private void VerifyContinuedAsNew(Times times) =>
        _context.Verify(c => c.ContinueAsNew(It.Is<object?>(w => Equals(w, Work)), It.IsAny<bool>()), times);

    [Fact]
    public async Task EventWins_TheGenerationShowsWhereItStands_AndContinuesAsNewToReadItAgain()
    {
        var due = Now.AddHours(14);
        Standing(Waiting(due));
        _changed.SetResult(new Wake("cycle-decision"));

        await RunAsync();

        // It shows the step, in words, who holds it, since and until when, and waits to the stage's expected end (at most a nap).
        var shown = _shown.Last();
        Assert.Equal(("notice.running", "system", due, false), (shown.Code, shown.Holder, shown.Until, shown.Overdue));
        Assert.Equal(1, shown.Seen);
        Assert.Equal(Replayed.Add(Orchestrations.LongestNap), Assert.Single(_timers));
        VerifyContinuedAsNew(Times.Once());
    }

    [Fact]
    public async Task TimerWins_AtTheStagesExpectedEnd_AndTheNextGenerationShowsItOverdue()
    {
        var due = Now.AddHours(2);
        Standing(Waiting(due));
        _timer.SetResult();

        await RunAsync();

        // The first generation sleeps exactly until the stage's expected end.
        Assert.Equal(Replayed.AddHours(2), Assert.Single(_timers));
        VerifyContinuedAsNew(Times.Once());

        // The next generation reads the clock past it: the standing (Progress.Of) says overdue, and so does the status.
        Clock(due.AddSeconds(1), epoch: 2);
        Standing(Waiting(due, overdue: true));
        await RunAsync();

        var shown = _shown.Last();
        Assert.True(shown.Overdue);
        Assert.Equal(due, shown.Until);

        // Overdue, it no longer sleeps to a deadline that has passed: it naps, and waits for a change.
        Assert.Equal(Replayed.Add(Orchestrations.LongestNap), _timers.Last());
        VerifyContinuedAsNew(Times.Exactly(2));
    }

    [Fact]
    public async Task Ended_TakesItOffTheProposedWinners_AndCompletesWithoutWaiting()
    {
        Standing(new ApplicationStanding(Work.ApplicationId, true, "application.disqualified", "该申报已结束（取消资格）。", "The application has ended (Disqualified).", null, Now, null, false, null));
        _context.Setup(c => c.CallActivityAsync<StepRefusal?>(It.Is<TaskName>(n => n.Name == ApplicationSteps.LeaveProposedWinners), Work.ApplicationId, It.IsAny<TaskOptions?>()))
            .ReturnsAsync((StepRefusal?)null);

        var end = await RunAsync();

        Assert.Equal(new ApplicationEnd(Work.ApplicationId, "application.disqualified", null), end);
        Assert.Equal("application.disqualified", _shown.Last().Code);
        Assert.Empty(_timers);
        VerifyContinuedAsNew(Times.Never());
    }

    [Fact]
    public async Task OwedStepRefused_TheRefusalStaysInTheStatus_AndItWaitsForAChange()
    {
        Standing(Waiting(null, owed: "PassNotice"));
        _context.Setup(c => c.CallActivityAsync<OwedStepOutcome>(It.Is<TaskName>(n => n.Name == ApplicationSteps.TakeOwedStep), Work.ApplicationId, It.IsAny<TaskOptions?>()))
            .ReturnsAsync(new OwedStepOutcome(false, new StepRefusal(Work.ApplicationId, "application.adverse-record-open", "有部门反馈了不良记录，须先作出处理决定。", "An adverse record is open.")));
        _changed.SetResult(new Wake("AdverseRecordDismissed"));

        await RunAsync();

        var shown = _shown.Last();
        Assert.Equal(("application.adverse-record-open", "有部门反馈了不良记录，须先作出处理决定。"), (shown.Problem, shown.ProblemZh));
        Assert.Equal(Replayed.Add(Orchestrations.LongestNap), Assert.Single(_timers));
        VerifyContinuedAsNew(Times.Once());
    }

    [Fact]
    public async Task OwedStepTaken_LooksAgainAtOnce_WithoutWaiting()
    {
        Standing(Waiting(null, owed: "ApplyCandidacy"));
        _context.Setup(c => c.CallActivityAsync<OwedStepOutcome>(It.Is<TaskName>(n => n.Name == ApplicationSteps.TakeOwedStep), Work.ApplicationId, It.IsAny<TaskOptions?>()))
            .ReturnsAsync(new OwedStepOutcome(true, null));

        await RunAsync();

        Assert.Empty(_timers);
        Assert.Null(_shown.Last().Problem);
        VerifyContinuedAsNew(Times.Once());
    }

    [Fact]
    public async Task WokenByACommandThatSaysHowFarItWrote_TheNextGenerationIsToldAndPassesItToItsRead()
    {
        var at = new StreamsAt(Application: 7, Cycle: 12);
        var queried = new List<StandingQuery>();
        _context.Setup(c => c.CallActivityAsync<ApplicationStanding>(It.Is<TaskName>(n => n.Name == ApplicationSteps.ReadStanding), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback<TaskName, object?, TaskOptions?>((_, input, _) => queried.Add((StandingQuery)input!))
            .ReturnsAsync(Waiting(Now.AddDays(3)));
        _changed.SetResult(new Wake("Recommend", at));

        await new ApplicationOrchestration().RunAsync(_context.Object, Work with { At = new StreamsAt(5, 12) });

        // This generation read with what it was started with; the next one is told what woke it.
        Assert.Equal(new StandingQuery(Work.ApplicationId, new StreamsAt(5, 12)), Assert.Single(queried));
        var next = Work with { At = at };
        _context.Verify(c => c.ContinueAsNew(It.Is<object?>(w => Equals(w, next)), It.IsAny<bool>()), Times.Once());
    }

    [Fact]
    public async Task WokenByItsTimer_TheNextGenerationIsToldNothing_AndReadsStorage()
    {
        Standing(Waiting(Now.AddHours(1)));
        _timer.SetResult();

        await new ApplicationOrchestration().RunAsync(_context.Object, Work with { At = new StreamsAt(5, 12) });

        _context.Verify(c => c.ContinueAsNew(It.Is<object?>(w => Equals(w, Work)), It.IsAny<bool>()), Times.Once());
    }

    [Fact]
    public async Task AfterTakingAStepOfItsOwn_TheNextGenerationReadsStorage_NotTheWakeItWasStartedWith()
    {
        Standing(Waiting(null, owed: "ApplyCandidacy"));
        _context.Setup(c => c.CallActivityAsync<OwedStepOutcome>(It.Is<TaskName>(n => n.Name == ApplicationSteps.TakeOwedStep), Work.ApplicationId, It.IsAny<TaskOptions?>()))
            .ReturnsAsync(new OwedStepOutcome(true, null));

        await new ApplicationOrchestration().RunAsync(_context.Object, Work with { At = new StreamsAt(5, 12) });

        _context.Verify(c => c.ContinueAsNew(It.Is<object?>(w => Equals(w, Work)), It.IsAny<bool>()), Times.Once());
    }

    [Theory]
    [InlineData("\"Submit\"", "Submit", null, null)]
    [InlineData("{\"what\":\"Accept\",\"at\":{\"application\":9,\"cycle\":3}}", "Accept", 9, 3)]
    [InlineData("{\"what\":\"notice-closed\"}", "notice-closed", null, null)]
    public void AWake_IsReadFromABareString_AsSentBeforeItCarriedVersions_OrFromItsObject(string json, string what, int? application, int? cycle)
    {
        var wake = System.Text.Json.JsonSerializer.Deserialize<Wake>(json)!;

        Assert.Equal((what, application, cycle), (wake.What, wake.At?.Application, wake.At?.Cycle));
        Assert.Equal(wake, System.Text.Json.JsonSerializer.Deserialize<Wake>(System.Text.Json.JsonSerializer.Serialize(wake)));
    }

    [Fact]
    public void AStandingQuery_IsReadFromTheBareApplicationId_AsGenerationsBeforeTheHintScheduledIt()
    {
        Assert.Equal(new StandingQuery("app-1"), System.Text.Json.JsonSerializer.Deserialize<StandingQuery>("\"app-1\""));
        var hinted = new StandingQuery("app-1", new StreamsAt(4, 2));
        Assert.Equal(hinted, System.Text.Json.JsonSerializer.Deserialize<StandingQuery>(System.Text.Json.JsonSerializer.Serialize(hinted)));
    }
}
