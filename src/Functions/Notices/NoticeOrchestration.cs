using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Notices;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Notices;

/// <summary>What a notice's orchestration is started with: the notice, and the instant it closes, computed once at publication.</summary>
public sealed record NoticeWork(string NoticeId, string CycleId, DateTimeOffset ClosesAt, int Version = NoticeOrchestration.Version);

/// <summary>How a notice ended: the applications it moved on, and those it could not (with why).</summary>
public sealed record NoticeOutcome(string NoticeId, IReadOnlyList<string> MovedOn, IReadOnlyList<StepRefusal> NotMoved);

/// <summary>A step an activity could not take, for the office: whose, the refusal's code and reason.</summary>
public sealed record StepRefusal(string Subject, string Code, string Zh, string En);

/// <summary>What closing asked: closed (with who remained listed), or why not yet.</summary>
public sealed record NoticeClose(bool Closed, IReadOnlyList<string> Remaining, StepRefusal? NotYet);

/// <summary>One listed application of one notice.</summary>
public sealed record NoticeEntryStep(string NoticeId, string ApplicationId);

/// <summary>
/// A public notice (公示), from publication to close, as the regulations run it: the list stands for
/// its working days (computed once, on the working-day calendar, to midnight Asia/Shanghai after the
/// last day); an objection upheld meanwhile takes its entry off the list and disqualifies the
/// application (Changde §24); the notice closes only once no objection is open; then every
/// application still listed moves on, each exactly once.
/// </summary>
/// <remarks>
/// Versioning (decision 0018): the sequence of calls below is what a running notice replays. A
/// change to it is made under a new <see cref="Version"/>, branching on <see cref="NoticeWork.Version"/>,
/// so a notice published under the old code closes under the new.
/// </remarks>
public sealed class NoticeOrchestration : TaskOrchestrator<NoticeWork, NoticeOutcome>
{
    public const int Version = 1;

    [Function(nameof(NoticeOrchestration))]
    public static Task<NoticeOutcome> Run([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new NoticeOrchestration().RunAsync(context, context.GetInput<NoticeWork>()!);

    public override async Task<NoticeOutcome> RunAsync(TaskOrchestrationContext context, NoticeWork work)
    {
        var progress = new Waits(context);
        var now = await progress.NowAsync(work.CycleId);

        // The notice period. Objections and findings wake it: an upheld one takes its entry off at once.
        if (now < work.ClosesAt)
        {
            progress.Show(new WaitingFor("notice-period", "公示期内，受理异议", "In the notice period, taking objections", work.ClosesAt));
            if (await progress.WaitAsync(now, work.ClosesAt))
            {
                await context.CallActivityAsync(NoticeSteps.ApplyUpheldObjections, work.NoticeId, Orchestrations.Retried);
            }

            return Again(context, work);
        }

        // The period is over: it closes once every objection has its finding.
        await context.CallActivityAsync(NoticeSteps.ApplyUpheldObjections, work.NoticeId, Orchestrations.Retried);
        var close = await context.CallActivityAsync<NoticeClose>(NoticeSteps.Close, work.NoticeId, Orchestrations.Retried);
        if (!close.Closed)
        {
            var why = close.NotYet!;
            progress.Show(why.Code == "notice.objections-open"
                ? new WaitingFor("objections", "公示期满，等待异议调查结论", "Period over; waiting for the objections' findings", work.ClosesAt)
                : new WaitingFor("close-refused", "公示期满，关闭被拒绝", "Period over; closing was refused", work.ClosesAt, why.Code, why.Zh));
            await progress.WaitAsync(now, null);
            return Again(context, work);
        }

        // Everyone still listed moves on, each exactly once (the application's decider keeps a
        // notice it passed, so a step run twice changes nothing).
        progress.Show(new WaitingFor("moving-on", "公示结束，名单内申报进入下一环节", "Closed; moving the listed applications on"));
        var steps = close.Remaining.Select(id => context.CallActivityAsync<StepRefusal?>(NoticeSteps.PassNotice, new NoticeEntryStep(work.NoticeId, id), Orchestrations.Retried)).ToList();
        var refused = (await Task.WhenAll(steps)).OfType<StepRefusal>().ToList();
        var moved = close.Remaining.Where(id => refused.All(r => r.Subject != id)).ToList();
        progress.Show(refused.Count == 0
            ? new WaitingFor("closed", "公示已结束", "Closed")
            : new WaitingFor("closed-with-refusals", $"公示已结束，{refused.Count}件申报未能进入下一环节", $"Closed; {refused.Count} applications could not move on", null, refused[0].Code, refused[0].Zh));
        return new NoticeOutcome(work.NoticeId, moved, refused);
    }

    /// <summary>Wait over: start again as a new generation, which looks at the clock and the record afresh (its history stays short).</summary>
    private static NoticeOutcome Again(TaskOrchestrationContext context, NoticeWork work)
    {
        context.ContinueAsNew(work);
        return null!;
    }
}

/// <summary>The notice orchestration's activities: each loads a stream, decides, appends; running one twice changes nothing.</summary>
public sealed partial class NoticeSteps(NoticeCommands notices, ApplicationCommands applications, Cycles.FollowUps followUps, Streams streams, ILogger<NoticeSteps> logger)
{
    public const string Close = "CloseNotice";
    public const string ApplyUpheldObjections = "ApplyUpheldObjections";
    public const string PassNotice = "PassNotice";

    /// <summary>Close the notice (the decider answers "nothing to do" if it is closed already), or say why not yet.</summary>
    [Function(Close)]
    public async Task<NoticeClose> CloseAsync([ActivityTrigger] string noticeId)
    {
        var outcome = await notices.RunAsync(noticeId, new CloseNotice(), Actor.System, $"{Orchestrations.Notice(noticeId)}:close", CancellationToken.None);
        if (outcome.Refusal is { } refusal)
        {
            return new NoticeClose(false, [], new StepRefusal(noticeId, refusal.Code, refusal.Zh, refusal.En));
        }

        var closed = outcome.State.Closed ?? throw new InvalidOperationException($"Notice {noticeId} was not closed after closing it.");
        return new NoticeClose(true, closed.Remaining.Select(e => e.ApplicationId).ToList(), null);
    }

    /// <summary>Disqualify each application whose entry an upheld objection removed (Changde §24).</summary>
    [Function(ApplyUpheldObjections)]
    public async Task ApplyUpheldObjectionsAsync([ActivityTrigger] string noticeId)
    {
        var notice = await streams.LoadAsync(StreamKinds.Notice, NoticeId.Parse(noticeId).Value.StreamId, CancellationToken.None);
        foreach (var removed in notice.Removed)
        {
            var finding = notice.Objections.First(o => o.Filed.ObjectionId == removed.ObjectionId).Finding!;
            var outcome = await applications.RunAsync(
                removed.ApplicationId,
                new Disqualify(DisqualificationGround.ObjectionUpheld, $"公示期间异议经调查属实：{finding.Finding}"),
                Actor.System,
                $"{Orchestrations.Notice(noticeId)}:disqualify:{removed.ApplicationId}",
                CancellationToken.None);
            if (outcome.Refusal is { } refusal)
            {
                // Already ended (withdrawn, refused): nothing left to take it out of.
                LogNotDisqualified(logger, removed.ApplicationId, noticeId, refusal.Code);
            }

            // A proposed winner disqualified leaves the list; its place stays empty (a conflict fails the attempt, so it is retried).
            if (await followUps.LeaveProposedWinnersAsync(removed.ApplicationId, $"{Orchestrations.Notice(noticeId)}:leave:{removed.ApplicationId}", CancellationToken.None) is { Code: "concurrency.conflict" } busy)
            {
                throw new InvalidOperationException($"{removed.ApplicationId} leaving the proposed winners: {busy}");
            }
        }
    }

    /// <summary>
    /// Move one listed application on past the notice; its refusal, if any, for the office. Then wake
    /// the application's orchestration, so that it shows its next step now rather than at its next
    /// look (a wake-up only, sent whether this attempt moved it or found it moved already).
    /// </summary>
    [Function(PassNotice)]
    public async Task<StepRefusal?> PassNoticeAsync([ActivityTrigger] NoticeEntryStep step, [DurableClient] DurableTaskClient durable)
    {
        var notice = await streams.LoadAsync(StreamKinds.Notice, NoticeId.Parse(step.NoticeId).Value.StreamId, CancellationToken.None);
        var outcome = await applications.RunAsync(
            step.ApplicationId,
            new Domain.Applications.PassNotice(step.NoticeId, notice.Opened!.List),
            Actor.System,
            $"{Orchestrations.Notice(step.NoticeId)}:pass:{step.ApplicationId}",
            CancellationToken.None);
        if (outcome.Refusal is { Code: "concurrency.conflict" } busy)
        {
            // Busy, not refused: fail the attempt so the retry policy runs it again.
            throw new InvalidOperationException($"Passing {step.ApplicationId} past {step.NoticeId}: {busy}");
        }

        await ApplicationWorkflow.ChangedAsync(durable, outcome.State, "notice-closed", logger, CancellationToken.None);
        if (outcome.Refusal is not { } refusal)
        {
            return null;
        }

        LogNotMoved(logger, step.ApplicationId, step.NoticeId, refusal.Code);
        return new StepRefusal(step.ApplicationId, refusal.Code, refusal.Zh, refusal.En);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Upheld objection on notice {NoticeId}: {ApplicationId} not disqualified ({Code})")]
    private static partial void LogNotDisqualified(ILogger logger, string applicationId, string noticeId, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notice {NoticeId} closed, but {ApplicationId} could not move on ({Code}); it is on the office's worklist")]
    private static partial void LogNotMoved(ILogger logger, string applicationId, string noticeId, string code);
}

/// <summary>How the notice functions reach a notice's orchestration.</summary>
public static partial class NoticeWorkflow
{
    /// <summary>
    /// Start the notice's orchestration, once: publishing the same notice again (a retry) finds it
    /// running or completed. One that failed or an operator terminated is started afresh, so
    /// publishing again is how the office (or an operator) sets a stuck notice going.
    /// </summary>
    public static async Task StartAsync(DurableTaskClient durable, NoticeState notice, ILogger logger, CancellationToken ct)
    {
        var o = notice.Opened!;
        if (await Orchestrations.StartOnceAsync(durable, nameof(NoticeOrchestration), Orchestrations.Notice(o.NoticeId), new NoticeWork(o.NoticeId, o.CycleId, o.ClosesAt), Afresh.IfFailed, ct))
        {
            LogStarted(logger, o.NoticeId, o.ClosesAt);
        }
    }

    /// <summary>Wake the notice's orchestration: something it decides on (an objection, a finding) was recorded.</summary>
    public static Task ChangedAsync(DurableTaskClient durable, string noticeId, string what, ILogger logger, CancellationToken ct) =>
        Orchestrations.SignalAsync(durable, Orchestrations.Notice(noticeId), what, logger, ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notice {NoticeId} published; its orchestration closes it at {ClosesAt:O}")]
    private static partial void LogStarted(ILogger logger, string noticeId, DateTimeOffset closesAt);
}
