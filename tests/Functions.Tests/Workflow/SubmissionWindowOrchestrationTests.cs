using Microsoft.DurableTask;
using Moq;
using QualityAward.Functions.Cycles;
using QualityAward.Functions.Notices;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Tests.Workflow;

/// <summary>
/// The submission window orchestrator's branches, on a mocked <see cref="TaskOrchestrationContext"/>:
/// what it reads, what it waits for, what it closes, and what it shows.
/// </summary>
public sealed class SubmissionWindowOrchestrationTests
{
    private const string Cycle = "weihai-2026";
    private static readonly DateTimeOffset Deadline = new(2026, 4, 30, 16, 0, 0, TimeSpan.Zero);
    private static readonly DateTime Replayed = new(2026, 12, 6, 8, 0, 0, DateTimeKind.Utc);

    /// <summary>A context whose clock reads <paramref name="now"/> and whose cycle reads <paramref name="window"/>; waits complete as <paramref name="wins"/> says.</summary>
    private sealed class Context
    {
        public Mock<TaskOrchestrationContext> Mock { get; } = new(MockBehavior.Strict);

        public List<WaitingFor> Shown { get; } = [];

        public List<object?> ContinuedWith { get; } = [];

        public DateTime? TimerAt { get; private set; }

        public Context(DateTimeOffset now, SubmissionWindowReading window, string? wins = null, StepRefusal? closeRefused = null)
        {
            Mock.SetupGet(c => c.CurrentUtcDateTime).Returns(Replayed);
            Mock.Setup(c => c.CallActivityAsync<ClockReading>(It.Is<TaskName>(n => n.Name == WorkflowClock.ReadClock), Cycle, It.IsAny<TaskOptions?>())).ReturnsAsync(new ClockReading(now, 3));
            Mock.Setup(c => c.CallActivityAsync<SubmissionWindowReading>(It.Is<TaskName>(n => n.Name == SubmissionWindowSteps.Read), Cycle, Orchestrations.Retried)).ReturnsAsync(window);
            Mock.Setup(c => c.CallActivityAsync<StepRefusal?>(It.Is<TaskName>(n => n.Name == SubmissionWindowSteps.Close), Cycle, Orchestrations.Retried)).ReturnsAsync(closeRefused);
            Mock.Setup(c => c.SetCustomStatus(It.IsAny<object?>())).Callback<object?>(s => Shown.Add((WaitingFor)s!));
            Mock.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()))
                .Callback<DateTime, CancellationToken>((at, _) => TimerAt = at)
                .Returns(wins == "timer" ? Task.CompletedTask : new TaskCompletionSource().Task);
            Mock.Setup(c => c.WaitForExternalEvent<Wake?>(Orchestrations.Changed, It.IsAny<CancellationToken>()))
                .Returns(wins == Orchestrations.Changed ? Task.FromResult<Wake?>(new Wake("window-extended")) : new TaskCompletionSource<Wake?>().Task);
            Mock.Setup(c => c.WaitForExternalEvent<string?>(Orchestrations.ClockMoved, It.IsAny<CancellationToken>()))
                .Returns(wins == Orchestrations.ClockMoved ? Task.FromResult<string?>("4") : new TaskCompletionSource<string?>().Task);
            Mock.Setup(c => c.ContinueAsNew(It.IsAny<object?>(), It.IsAny<bool>())).Callback<object?, bool>((input, _) => ContinuedWith.Add(input));
        }

        public Task<SubmissionWindowOutcome> RunAsync() => new SubmissionWindowOrchestration().RunAsync(Mock.Object, new SubmissionWindowWork(Cycle));

        public void ClosedTimes(Times times) =>
            Mock.Verify(c => c.CallActivityAsync<StepRefusal?>(It.Is<TaskName>(n => n.Name == SubmissionWindowSteps.Close), Cycle, Orchestrations.Retried), times);
    }

    private static SubmissionWindowReading Open(DateTimeOffset closesAt) => new(closesAt, SubmissionsClosed: false, CycleClosed: false);

    [Fact]
    public async Task BeforeTheDeadline_TimerWins_LooksAgainWithoutClosing()
    {
        var context = new Context(Deadline.AddHours(-2), Open(Deadline), wins: "timer");

        await context.RunAsync();

        context.ClosedTimes(Times.Never());
        Assert.Equal(Replayed.AddHours(2), context.TimerAt);
        Assert.Equal(new SubmissionWindowWork(Cycle), Assert.Single(context.ContinuedWith));
        var waiting = context.Shown[^1];
        Assert.Equal(("submission-window", Deadline, 3L), (waiting.Code, waiting.Until, waiting.Seen));
    }

    [Fact]
    public async Task ADeadlineDaysAway_IsWaitedForInNapsOfAtMostSixHours()
    {
        var context = new Context(Deadline.AddDays(-20), Open(Deadline), wins: "timer");

        await context.RunAsync();

        Assert.Equal(Replayed + Orchestrations.LongestNap, context.TimerAt);
        Assert.Single(context.ContinuedWith);
        context.ClosedTimes(Times.Never());
    }

    [Fact]
    public async Task AnExtension_WakesIt_AndTheNextGenerationReadsTheNewDeadline()
    {
        var context = new Context(Deadline.AddHours(-2), Open(Deadline), wins: Orchestrations.Changed);

        await context.RunAsync();

        // Woken early: not closed, started again (reading the deadline afresh from the cycle).
        context.ClosedTimes(Times.Never());
        Assert.Single(context.ContinuedWith);
    }

    [Fact]
    public async Task TheExtendedDeadline_KeepsItOpenPastTheFirstOne()
    {
        // The stream says 2026-05-15 now; the clock is past the first deadline.
        var extended = new DateTimeOffset(2026, 5, 15, 16, 0, 0, TimeSpan.Zero);
        var context = new Context(Deadline.AddMinutes(1), Open(extended), wins: Orchestrations.ClockMoved);

        await context.RunAsync();

        context.ClosedTimes(Times.Never());
        Assert.Equal(extended, context.Shown[^1].Until);
        Assert.Single(context.ContinuedWith);
    }

    [Fact]
    public async Task AtTheDeadline_ClosesOnce_AndFinishes()
    {
        var context = new Context(Deadline.AddSeconds(1), Open(Deadline));

        var outcome = await context.RunAsync();

        context.ClosedTimes(Times.Once());
        Assert.Equal(new SubmissionWindowOutcome(Cycle, Deadline, "closed"), outcome);
        Assert.Empty(context.ContinuedWith);
        Assert.Equal("closed", context.Shown[^1].Code);
        context.Mock.Verify(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()), Times.Never());
    }

    [Fact]
    public async Task AClosingRefused_IsShownWithItsReason_AndTriedAgainAfterAWait()
    {
        var refusal = new StepRefusal(Cycle, "cycle.window-still-open", "申报截止时间为2026-05-01 00:00，尚未到期。", "Submissions close at …");
        var context = new Context(Deadline.AddSeconds(1), Open(Deadline), wins: "timer", closeRefused: refusal);

        await context.RunAsync();

        var shown = context.Shown[^1];
        Assert.Equal(("close-refused", "cycle.window-still-open", refusal.Zh), (shown.Code, shown.Problem, shown.ProblemZh));
        Assert.Equal(Replayed + Orchestrations.LongestNap, context.TimerAt);
        Assert.Single(context.ContinuedWith);
    }

    [Theory]
    // Closed already (by an earlier generation, or an earlier attempt): nothing to do.
    [InlineData(true, false, "closed")]
    // The office ended the cycle before its deadline: nothing to close.
    [InlineData(false, true, "cycle-closed")]
    public async Task AWindowNoLongerOpen_FinishesWithoutClosing(bool submissionsClosed, bool cycleClosed, string ended)
    {
        var context = new Context(Deadline.AddHours(-1), new SubmissionWindowReading(Deadline, submissionsClosed, cycleClosed));

        var outcome = await context.RunAsync();

        Assert.Equal(ended, outcome.Ended);
        Assert.Equal(ended, context.Shown[^1].Code);
        context.ClosedTimes(Times.Never());
        Assert.Empty(context.ContinuedWith);
    }

    [Fact]
    public async Task ClosingFailingEveryRetry_FailsTheOrchestration_SoTheOfficeSeesIt()
    {
        var context = new Context(Deadline.AddSeconds(1), Open(Deadline));
        context.Mock.Setup(c => c.CallActivityAsync<StepRefusal?>(It.Is<TaskName>(n => n.Name == SubmissionWindowSteps.Close), Cycle, Orchestrations.Retried))
            .ThrowsAsync(new TaskFailedException(SubmissionWindowSteps.Close, 2, new InvalidOperationException("storage unavailable")));

        await Assert.ThrowsAsync<TaskFailedException>(context.RunAsync);
        Assert.Empty(context.ContinuedWith);
    }
}
