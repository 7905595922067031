using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using QualityAward.Domain;
using QualityAward.Domain.Cycles;
using QualityAward.Functions.Notices;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Cycles;

/// <summary>What a cycle's submission window orchestration is started with: the cycle (its deadline it reads from the cycle's stream each time it looks).</summary>
public sealed record SubmissionWindowWork(string CycleId, int Version = SubmissionWindowOrchestration.Version);

/// <summary>The window as the cycle's stream tells it now.</summary>
public sealed record SubmissionWindowReading(DateTimeOffset ClosesAt, bool SubmissionsClosed, bool CycleClosed);

/// <summary>How the window ended: closed by this orchestration, found closed, or the cycle ended first.</summary>
public sealed record SubmissionWindowOutcome(string CycleId, DateTimeOffset ClosesAt, string Ended);

/// <summary>
/// A cycle's submission window (申报受理期), from the opening of the cycle to its deadline: midnight
/// Asia/Shanghai after the last day, as the cycle's stream says it now — an extension moves it, and
/// wakes the orchestration so that it shows the new deadline at once. At the deadline the window is
/// closed through the cycle's decider; a refusal is shown in the status (the office's worklist) and
/// tried again, never dropped. If the cycle is ended first, there is nothing to close.
/// </summary>
/// <remarks>
/// Versioning (decision 0018): the sequence of calls below is what a running window replays. A
/// change to it is made under a new <see cref="Version"/>, branching on <see cref="SubmissionWindowWork.Version"/>.
/// </remarks>
public sealed class SubmissionWindowOrchestration : TaskOrchestrator<SubmissionWindowWork, SubmissionWindowOutcome>
{
    public const int Version = 1;

    [Function(nameof(SubmissionWindowOrchestration))]
    public static Task<SubmissionWindowOutcome> Run([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new SubmissionWindowOrchestration().RunAsync(context, context.GetInput<SubmissionWindowWork>()!);

    public override async Task<SubmissionWindowOutcome> RunAsync(TaskOrchestrationContext context, SubmissionWindowWork work)
    {
        var progress = new Waits(context);
        var now = await progress.NowAsync(work.CycleId);
        var window = await context.CallActivityAsync<SubmissionWindowReading>(SubmissionWindowSteps.Read, work.CycleId, Orchestrations.Retried);
        if (window.SubmissionsClosed || window.CycleClosed)
        {
            var ended = window.SubmissionsClosed ? "closed" : "cycle-closed";
            progress.Show(window.SubmissionsClosed
                ? new WaitingFor(ended, "申报已截止", "Submissions closed", window.ClosesAt)
                : new WaitingFor(ended, "评选周期已结束，无需截止申报", "The cycle was ended; nothing to close", window.ClosesAt));
            return new SubmissionWindowOutcome(work.CycleId, window.ClosesAt, ended);
        }

        // The window is open: wait for its deadline as the stream says it now (an extension wakes this wait).
        if (now < window.ClosesAt)
        {
            progress.Show(new WaitingFor("submission-window", "申报受理中，截止时关闭申报", "Taking submissions until the deadline", window.ClosesAt));
            await progress.WaitAsync(now, window.ClosesAt);
            return Again(context, work);
        }

        var refused = await context.CallActivityAsync<StepRefusal?>(SubmissionWindowSteps.Close, work.CycleId, Orchestrations.Retried);
        if (refused is not null)
        {
            progress.Show(new WaitingFor("close-refused", "申报期限已到，截止申报被拒绝", "The deadline passed; closing the window was refused", window.ClosesAt, refused.Code, refused.Zh));
            await progress.WaitAsync(now, null);
            return Again(context, work);
        }

        progress.Show(new WaitingFor("closed", "申报已截止", "Submissions closed", window.ClosesAt));
        return new SubmissionWindowOutcome(work.CycleId, window.ClosesAt, "closed");
    }

    /// <summary>Wait over: start again as a new generation, which reads the clock and the cycle afresh (its history stays short).</summary>
    private static SubmissionWindowOutcome Again(TaskOrchestrationContext context, SubmissionWindowWork work)
    {
        context.ContinueAsNew(work);
        return null!;
    }
}

/// <summary>The submission window's activities: each loads the cycle's stream; closing runs the cycle's decider, and running it twice changes nothing.</summary>
public sealed partial class SubmissionWindowSteps(CycleCommands cycles, Streams streams, ILogger<SubmissionWindowSteps> logger)
{
    public const string Read = "ReadSubmissionWindow";
    public const string Close = "CloseSubmissionWindow";

    /// <summary>The window's deadline as the cycle's stream says it now (an extension moved it), and whether it or the cycle is closed.</summary>
    [Function(Read)]
    public async Task<SubmissionWindowReading> ReadAsync([ActivityTrigger] string cycleId)
    {
        var cycle = await streams.LoadAsync(StreamKinds.Cycle, CycleId.Parse(cycleId).Value.StreamId, CancellationToken.None);
        if (!cycle.Exists)
        {
            throw new InvalidOperationException($"The submission window of {cycleId} is watched, but the cycle does not exist.");
        }

        return new SubmissionWindowReading(cycle.SubmissionClosesAt, cycle.SubmissionsClosed, cycle.Status == CycleStatus.Closed);
    }

    /// <summary>Close submissions (the decider answers "nothing to do" if they are closed already); its refusal, if any, for the office.</summary>
    [Function(Close)]
    public async Task<StepRefusal?> CloseAsync([ActivityTrigger] string cycleId)
    {
        var outcome = await cycles.RunAsync(cycleId, new CloseSubmissions(), Actor.System, $"{Orchestrations.SubmissionWindow(cycleId)}:close", CancellationToken.None);
        if (outcome.Refusal is not { } refusal)
        {
            if (outcome.Appended.Count > 0)
            {
                LogClosed(logger, cycleId);
            }

            return null;
        }

        if (refusal.Code == "concurrency.conflict")
        {
            // Busy, not refused: fail the attempt so the retry policy runs it again.
            throw new InvalidOperationException($"Closing submissions of {cycleId}: {refusal}");
        }

        LogRefused(logger, cycleId, refusal.Code);
        return new StepRefusal(cycleId, refusal.Code, refusal.Zh, refusal.En);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Submissions to {CycleId} closed at the deadline")]
    private static partial void LogClosed(ILogger logger, string cycleId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing submissions to {CycleId} was refused ({Code}); the orchestration shows it and tries again")]
    private static partial void LogRefused(ILogger logger, string cycleId, string code);
}

/// <summary>How the cycle functions reach a cycle's submission window orchestration.</summary>
public static partial class SubmissionWindowWorkflow
{
    /// <summary>
    /// Start the window's orchestration, once: opening the same cycle again (a retry, or a cycle
    /// opened before orchestrations ran its window) finds it running, or starts it.
    /// </summary>
    public static async Task StartAsync(DurableTaskClient durable, string cycleId, ILogger logger, CancellationToken ct)
    {
        if (await Orchestrations.StartOnceAsync(durable, nameof(SubmissionWindowOrchestration), Orchestrations.SubmissionWindow(cycleId), new SubmissionWindowWork(cycleId), Afresh.Never, ct))
        {
            LogStarted(logger, cycleId);
        }
    }

    /// <summary>Wake the window's orchestration: its deadline moved (an extension).</summary>
    public static Task ChangedAsync(DurableTaskClient durable, string cycleId, string what, ILogger logger, CancellationToken ct) =>
        Orchestrations.SignalAsync(durable, Orchestrations.SubmissionWindow(cycleId), what, logger, ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cycle {CycleId} opened; its submission window orchestration closes submissions at the deadline")]
    private static partial void LogStarted(ILogger logger, string cycleId);
}
