using Microsoft.DurableTask;
using Moq;
using QualityAward.Domain.Awards;
using QualityAward.Functions.Awards;
using QualityAward.Functions.Notices;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Tests.Workflow;

/// <summary>
/// The holder duty orchestrator's branches, on a mocked <see cref="TaskOrchestrationContext"/>:
/// which steps it takes for each duty, what it shows when one is refused, and how it follows the
/// departments' round about the holder.
/// </summary>
public sealed class HolderDutyOrchestrationTests
{
    private const string Key = "91350100M000100Y43";
    private const string AppId = "app-0001";
    private const string Round = "app-0001-h20270630";
    private static readonly DateOnly DueOn = new(2027, 6, 30);
    private static readonly DateTimeOffset Now = new(2027, 6, 30, 1, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateTimeOffset RoundDueAt = new(2027, 7, 15, 0, 0, 0, TimeSpan.FromHours(8));

    private static HolderDutyWork Work(HolderDutyKind kind, string? round = null) =>
        new(Key, new HolderDuty(AppId, kind, DueOn, kind == HolderDutyKind.Inspection ? "§26" : null), round);

    private static HolderRoundProgress Progress(bool closed, params StepRefusal[] notRecorded) => new(closed, RoundDueAt, closed ? 0 : 3, notRecorded);

    /// <summary>A context whose activities answer as given; a wait ends by its timer.</summary>
    private sealed class Context
    {
        public Mock<TaskOrchestrationContext> Mock { get; } = new(MockBehavior.Strict);

        public List<WaitingFor> Shown { get; } = [];

        public List<object?> ContinuedWith { get; } = [];

        public Context(StepRefusal? recordRefused = null, HolderRoundOpening? opening = null, HolderRoundProgress? round = null)
        {
            Mock.SetupGet(c => c.CurrentUtcDateTime).Returns(new DateTime(2026, 12, 6, 8, 0, 0, DateTimeKind.Utc));
            Mock.Setup(c => c.CallActivityAsync<ClockReading>(It.Is<TaskName>(n => n.Name == WorkflowClock.ReadClock), Key, It.IsAny<TaskOptions?>())).ReturnsAsync(new ClockReading(Now, 7));
            Mock.Setup(c => c.CallActivityAsync<StepRefusal?>(It.Is<TaskName>(n => n.Name == HolderDutySteps.Record), It.IsAny<HolderDutyWork>(), Orchestrations.Retried)).ReturnsAsync(recordRefused);
            Mock.Setup(c => c.CallActivityAsync<HolderRoundOpening>(It.Is<TaskName>(n => n.Name == HolderDutySteps.OpenRound), It.IsAny<HolderDutyWork>(), Orchestrations.Retried)).ReturnsAsync(opening ?? new HolderRoundOpening(Round, null));
            Mock.Setup(c => c.CallActivityAsync<HolderRoundProgress>(It.Is<TaskName>(n => n.Name == HolderDutySteps.ReportAnswers), It.IsAny<HolderDutyWork>(), Orchestrations.Retried)).ReturnsAsync(round ?? Progress(closed: false));
            Mock.Setup(c => c.SetCustomStatus(It.IsAny<object?>())).Callback<object?>(s => Shown.Add((WaitingFor)s!));
            Mock.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
            Mock.Setup(c => c.WaitForExternalEvent<string?>(It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns(new TaskCompletionSource<string?>().Task);
            Mock.Setup(c => c.WaitForExternalEvent<Wake?>(It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns(new TaskCompletionSource<Wake?>().Task);
            Mock.Setup(c => c.ContinueAsNew(It.IsAny<object?>(), It.IsAny<bool>())).Callback<object?, bool>((input, _) => ContinuedWith.Add(input));
        }

        public Task<HolderDutyOutcome> RunAsync(HolderDutyWork work) => new HolderDutyOrchestration().RunAsync(Mock.Object, work);

        public void Called(string activity, Times times) =>
            Mock.Verify(c => c.CallActivityAsync<It.IsAnyType>(It.Is<TaskName>(n => n.Name == activity), It.IsAny<object?>(), It.IsAny<TaskOptions?>()), times);
    }

    [Theory]
    [InlineData(HolderDutyKind.Validity)]
    [InlineData(HolderDutyKind.Inspection)]
    public async Task AValidityEndOrAVisit_IsRecordedOnce_AndThatIsAll(HolderDutyKind kind)
    {
        var context = new Context();
        var work = Work(kind);

        var outcome = await context.RunAsync(work);

        Assert.Equal(new HolderDutyOutcome(work.InstanceId, "recorded", null, null), outcome);
        context.Mock.Verify(c => c.CallActivityAsync<StepRefusal?>(It.Is<TaskName>(n => n.Name == HolderDutySteps.Record), work, Orchestrations.Retried), Times.Once());
        context.Called(HolderDutySteps.OpenRound, Times.Never());
        context.Called(HolderDutySteps.ReportAnswers, Times.Never());
        Assert.Empty(context.ContinuedWith);
        Assert.Equal("recorded", context.Shown[^1].Code);
    }

    [Fact]
    public async Task ARefusedDuty_IsShownWithItsReason_AndNothingFollows()
    {
        var refusal = new StepRefusal(AppId, "holder.award-revoked", "该奖项已被撤销。", "The award has been revoked.");
        var context = new Context(recordRefused: refusal);

        var outcome = await context.RunAsync(Work(HolderDutyKind.Consultation));

        Assert.Equal(refusal, outcome.Refused);
        var shown = context.Shown[^1];
        Assert.Equal(("refused", "holder.award-revoked", "该奖项已被撤销。"), (shown.Code, shown.Problem, shown.ProblemZh));
        context.Called(HolderDutySteps.OpenRound, Times.Never());
        Assert.Empty(context.ContinuedWith);
    }

    [Fact]
    public async Task AConsultation_IsRecorded_OpensItsRound_ThenWaitsForTheAnswers()
    {
        var context = new Context();

        await context.RunAsync(Work(HolderDutyKind.Consultation));

        context.Called(HolderDutySteps.Record, Times.Once());
        context.Called(HolderDutySteps.OpenRound, Times.Once());
        context.Called(HolderDutySteps.ReportAnswers, Times.Once());
        var waiting = context.Shown[^1];
        Assert.Equal(("department-answers", RoundDueAt, 7L), (waiting.Code, waiting.Until, waiting.Seen));
        Assert.Contains("尚有3个部门未答复", waiting.Zh);

        // The next generation remembers the round and takes none of the first steps again.
        Assert.Equal(Work(HolderDutyKind.Consultation, Round), Assert.Single(context.ContinuedWith));
    }

    [Fact]
    public async Task ALaterGeneration_OnlyReadsTheRound_AndFinishesWhenItIsClosed()
    {
        var context = new Context(round: Progress(closed: true));

        var outcome = await context.RunAsync(Work(HolderDutyKind.Consultation, Round));

        context.Called(HolderDutySteps.Record, Times.Never());
        context.Called(HolderDutySteps.OpenRound, Times.Never());
        Assert.Equal(("consulted", Round), (outcome.Ended, outcome.ConsultationId));
        Assert.Equal("consulted", context.Shown[^1].Code);
        Assert.Empty(context.ContinuedWith);
        context.Mock.Verify(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()), Times.Never());
    }

    [Fact]
    public async Task ARoundThatCouldNotBeOpened_IsShownWithItsReason()
    {
        var why = new StepRefusal(AppId, "consultation.not-configured", "未配置征求意见的邮箱或有关部门的联系人，请办公室以其他方式征求意见。", "Not configured.");
        var context = new Context(opening: new HolderRoundOpening(null, why));

        var outcome = await context.RunAsync(Work(HolderDutyKind.Consultation));

        Assert.Equal(("round-not-opened", why), (outcome.Ended, outcome.Refused));
        Assert.Equal(("round-not-opened", "consultation.not-configured"), (context.Shown[^1].Code, context.Shown[^1].Problem));
        context.Called(HolderDutySteps.ReportAnswers, Times.Never());
        Assert.Empty(context.ContinuedWith);
    }

    [Fact]
    public async Task AnAdverseAnswerThatCouldNotBeRecorded_IsShown_WhileItWaits()
    {
        var refusal = new StepRefusal(AppId, "holder.award-not-found", "登记簿中没有该奖项。", "The register holds no such award.");
        var context = new Context(round: Progress(false, refusal));

        await context.RunAsync(Work(HolderDutyKind.Consultation, Round));

        Assert.Equal(("department-answers", "holder.award-not-found"), (context.Shown[^1].Code, context.Shown[^1].Problem));
        Assert.Single(context.ContinuedWith);
    }

    [Fact]
    public async Task RecordingFailingEveryRetry_FailsTheOrchestration_SoTheOfficeSeesIt()
    {
        var context = new Context();
        context.Mock.Setup(c => c.CallActivityAsync<StepRefusal?>(It.Is<TaskName>(n => n.Name == HolderDutySteps.Record), It.IsAny<HolderDutyWork>(), Orchestrations.Retried))
            .ThrowsAsync(new TaskFailedException(HolderDutySteps.Record, 1, new InvalidOperationException("storage unavailable")));

        await Assert.ThrowsAsync<TaskFailedException>(() => context.RunAsync(Work(HolderDutyKind.Inspection)));
        context.Called(HolderDutySteps.OpenRound, Times.Never());
    }

    [Fact]
    public void InstanceIds_NameHolderDutyDayAndAward() =>
        Assert.Equal("holder-91350100M000100Y43-inspection-2027-06-30-app-0001", Work(HolderDutyKind.Inspection).InstanceId);
}
