using Microsoft.DurableTask.Client;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Consultations;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Consultations;
using QualityAward.Functions.Notices;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Awards;

/// <summary>
/// What a holder's duty orchestration is started with: whose award, which duty on which day, and,
/// once the departments have been asked about the holder, the round that asks them.
/// </summary>
public sealed record HolderDutyWork(string HolderKey, HolderDuty Duty, string? ConsultationId = null, int Version = HolderDutyOrchestration.Version)
{
    /// <summary>The orchestration's instance id, the key of every step it takes.</summary>
    public string InstanceId => HolderDutyOrchestration.InstanceId(HolderKey, Duty);
}

/// <summary>What the departments' round about the holder stands at: closed or not, its reply deadline, who has not answered, and adverse answers that could not be recorded.</summary>
public sealed record HolderRoundProgress(bool Closed, DateTimeOffset DueAt, int Waiting, IReadOnlyList<StepRefusal> NotRecorded);

/// <summary>The round opened for a consultation about the holder, or why none was.</summary>
public sealed record HolderRoundOpening(string? ConsultationId, StepRefusal? NotOpened);

/// <summary>How a holder's duty ended: recorded (and, for a consultation, the round and its answers), or refused and why.</summary>
public sealed record HolderDutyOutcome(string InstanceId, string Ended, string? ConsultationId, StepRefusal? Refused);

/// <summary>
/// One duty of one award holder on its day, started by the daily <see cref="HolderSupervision"/>
/// function: the end of the award's validity (Benxi §4), a periodic visit (Changde §29, Weihai §26)
/// or a consultation of the departments about the holder. The duty is recorded on the holder's
/// stream by an activity (the office's register and worklist show it); for a consultation, a round
/// is then opened asking the departments the policy's consultation stage names for the holder's
/// sector whether the holder had a major incident or a serious violation, and each adverse answer
/// goes on the holder's record as it comes, until the round is closed. A refused step is shown in
/// the status with its reason (the office's worklist reads it), never dropped.
/// </summary>
/// <remarks>
/// Versioning (decision 0018): the sequence of calls below is what a running duty replays. A change
/// to it is made under a new <see cref="Version"/>, branching on <see cref="HolderDutyWork.Version"/>.
/// </remarks>
public sealed class HolderDutyOrchestration : TaskOrchestrator<HolderDutyWork, HolderDutyOutcome>
{
    public const int Version = 1;

    /// <summary>One instance per holder, duty, day and award: <c>holder-{holderKey}-{duty}-{yyyy-MM-dd}-{applicationId}</c> (a holder may hold two awards whose anniversaries fall on one day).</summary>
    public static string InstanceId(string holderKey, HolderDuty duty) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"holder-{holderKey}-{duty.Name}-{duty.DueOn:yyyy-MM-dd}-{duty.ApplicationId}");

    /// <summary>
    /// The duty orchestration that waits on a round about an award holder: the one whose duty opened
    /// it (<see cref="HolderDutySteps.OpenRound"/>: <see cref="ConsultationIds.ForHolder"/> of the award
    /// and the duty's day). Null for a round about applications.
    /// </summary>
    public static string? WaitingOn(ConsultationOpened round)
    {
        var id = round.ConsultationId;
        if (round.HolderKey is not { } key || round.Applicants is not [var award] || id.Length < 8
            || !DateOnly.TryParseExact(id[^8..], "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var dueOn)
            || ConsultationIds.ForHolder(award.ApplicationId, dueOn) != id)
        {
            return null;
        }

        return InstanceId(key, new HolderDuty(award.ApplicationId, HolderDutyKind.Consultation, dueOn, null));
    }

    [Function(nameof(HolderDutyOrchestration))]
    public static Task<HolderDutyOutcome> Run([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new HolderDutyOrchestration().RunAsync(context, context.GetInput<HolderDutyWork>()!);

    public override async Task<HolderDutyOutcome> RunAsync(TaskOrchestrationContext context, HolderDutyWork work)
    {
        var progress = new Waits(context);
        var (zh, en) = Words(work.Duty);
        if (work.ConsultationId is null)
        {
            // The duty, recorded once (the holder's decider keeps what it recorded: a step run twice changes nothing).
            progress.Show(new WaitingFor("recording", $"正在记录：{zh}", $"Recording: {en}"));
            var refused = await context.CallActivityAsync<StepRefusal?>(HolderDutySteps.Record, work, Orchestrations.Retried);
            if (refused is not null)
            {
                progress.Show(new WaitingFor("refused", $"{zh}：记录被拒绝", $"{en}: refused", null, refused.Code, refused.Zh));
                return new HolderDutyOutcome(work.InstanceId, "refused", null, refused);
            }

            if (work.Duty.Kind != HolderDutyKind.Consultation)
            {
                progress.Show(new WaitingFor("recorded", $"已记录：{zh}", $"Recorded: {en}"));
                return new HolderDutyOutcome(work.InstanceId, "recorded", null, null);
            }

            var opening = await context.CallActivityAsync<HolderRoundOpening>(HolderDutySteps.OpenRound, work, Orchestrations.Retried);
            if (opening.NotOpened is { } why)
            {
                progress.Show(new WaitingFor("round-not-opened", "已记录征求意见到期，但未能向有关部门发出征求意见", "Consultation due recorded; no round could be opened", null, why.Code, why.Zh));
                return new HolderDutyOutcome(work.InstanceId, "round-not-opened", null, why);
            }

            work = work with { ConsultationId = opening.ConsultationId };
        }

        // The departments' round: every adverse answer goes on the holder's record as it comes (a
        // generation looks at the round, then waits for a wake-up or a nap); done once it is closed.
        var now = await progress.NowAsync(work.HolderKey);
        var round = await context.CallActivityAsync<HolderRoundProgress>(HolderDutySteps.ReportAnswers, work, Orchestrations.Retried);
        var notRecorded = round.NotRecorded.FirstOrDefault();
        if (round.Closed)
        {
            progress.Show(notRecorded is null
                ? new WaitingFor("consulted", "征求意见已结束，不良记录已登记", "Consultation closed; adverse records are on the register", round.DueAt)
                : new WaitingFor("consulted-with-refusals", "征求意见已结束，部分不良记录未能登记", "Consultation closed; some adverse records could not be recorded", round.DueAt, notRecorded.Code, notRecorded.Zh));
            return new HolderDutyOutcome(work.InstanceId, "consulted", work.ConsultationId, notRecorded);
        }

        progress.Show(new WaitingFor("department-answers", $"等待有关部门答复（尚有{round.Waiting}个部门未答复）", $"Waiting for the departments' answers ({round.Waiting} outstanding)", round.DueAt, notRecorded?.Code, notRecorded?.Zh));
        await progress.WaitAsync(now, null);
        context.ContinueAsNew(work);
        return null!;
    }

    private static (string Zh, string En) Words(HolderDuty duty) => duty.Kind switch
    {
        HolderDutyKind.Validity => ($"奖项有效期届满（{duty.Article}）", "the award's validity ends"),
        HolderDutyKind.Inspection => ($"定期巡访到期（{duty.Article ?? "办公室设定"}）", "a periodic visit is due"),
        _ => ("就获奖者征求有关部门意见到期", "the departments are to be consulted about the holder"),
    };
}

/// <summary>
/// The holder duty orchestration's activities: each loads the holder's stream (and the award's
/// application and cycle), decides, appends, keyed by the instance and the step; running one twice
/// changes nothing.
/// </summary>
public sealed partial class HolderDutySteps(
    HolderCommands holders,
    ConsultationCommands consultations,
    IOptionsMonitor<ConsultationOptions> options,
    ILogger<HolderDutySteps> logger)
{
    public const string Record = "RecordHolderDuty";
    public const string OpenRound = "OpenHolderConsultation";
    public const string ReportAnswers = "ReportHolderAnswers";

    /// <summary>Record the duty on the holder's stream: the validity ended, or a visit or a consultation due. Its refusal, if any, for the office.</summary>
    [Function(Record)]
    public async Task<StepRefusal?> RecordAsync([ActivityTrigger] HolderDutyWork work)
    {
        var duty = work.Duty;
        IHolderCommand command = duty.Kind switch
        {
            HolderDutyKind.Validity => new EndValidity(duty.ApplicationId),
            HolderDutyKind.Inspection => new MarkInspectionDue(duty.ApplicationId, duty.DueOn),
            _ => new MarkConsultationDue(duty.ApplicationId, duty.DueOn),
        };
        var outcome = await holders.RunAsync(HolderKey.Parse(work.HolderKey).Value, command, Actor.System, null, $"{work.InstanceId}:record", CancellationToken.None);
        if (outcome.Refusal is { } refusal)
        {
            return Refused(work, refusal);
        }

        if (outcome.Appended.Count > 0)
        {
            LogRecorded(logger, duty.Name, duty.ApplicationId, duty.DueOn);
        }

        return null;
    }

    /// <summary>
    /// Open the round about the holder (<see cref="ConsultationIds.ForHolder"/>: one per award and due
    /// date): the departments the policy's first consultation stage names for the holder's sector.
    /// </summary>
    [Function(OpenRound)]
    public async Task<HolderRoundOpening> OpenRoundAsync([ActivityTrigger] HolderDutyWork work, [DurableClient] DurableTaskClient durable)
    {
        var due = work.Duty;
        var (app, policy) = await holders.ApplicationAsync(due.ApplicationId, CancellationToken.None);
        if (app is null || policy is null || app.Status != ApplicationStatus.Awarded)
        {
            return NotOpened(due, "holder.award-not-standing", "该奖项已不在获奖状态，不再就其征求意见。", "The award no longer stands.");
        }

        var index = Enumerable.Range(0, policy.Stages.Count).FirstOrDefault(i => policy.Stages[i].Kind == StageKind.Consultation, -1);
        if (index < 0)
        {
            return NotOpened(due, "consultation.not-in-policy", "本政策没有征求意见环节，无从确定应征求意见的部门，请办公室以其他方式了解获奖者情况。", "The policy has no consultation stage naming the departments.");
        }

        var stage = policy.Stages[index];
        var sector = app.Form.SectorFor(app.Category);
        var config = options.CurrentValue;
        var departments = StagePlan.DepartmentsFor(stage, sector, securityFlagged: false);
        if (!config.IsConfigured || departments.Any(d => config.Contact(d) is null))
        {
            return NotOpened(due, "consultation.not-configured", "未配置征求意见的邮箱或有关部门的联系人，请办公室以其他方式征求意见。", "Consultation mail or a department's contact is not configured.");
        }

        var consultationId = ConsultationIds.ForHolder(app.ApplicationId, due.DueOn);
        var name = app.Form.Name ?? app.ApplicationId;
        var command = new OpenConsultation(
            consultationId,
            app.CycleId,
            index,
            stage,
            $"关于{policy.AwardName}获奖者{name}有无重大事故或严重违法违规行为征求意见",
            [new ConsultationCandidate(app.ApplicationId, name, work.HolderKey, app.Category, sector, SecurityFlagged: false)],
            config.ReminderWorkingDays,
            work.HolderKey);
        var outcome = await consultations.RunAsync(consultationId, command, Actor.System, $"{work.InstanceId}:open", CancellationToken.None);
        if (outcome.Refusal is { } refusal)
        {
            return new HolderRoundOpening(null, Refused(work, refusal));
        }

        if (outcome.Appended.Count > 0)
        {
            LogOpened(logger, consultationId, due.ApplicationId, departments.Count);
        }

        // The round's own orchestration mails the departments, reminds them and records who is late
        // (started once; this step run again finds it running).
        await ConsultationWorkflow.StartAsync(durable, outcome.State.Opened!, logger, CancellationToken.None);
        return new HolderRoundOpening(consultationId, null);
    }

    /// <summary>Record every adverse answer of the round on the holder's stream (one record per round, department and award), and say whether the round is closed.</summary>
    [Function(ReportAnswers)]
    public async Task<HolderRoundProgress> ReportAnswersAsync([ActivityTrigger] HolderDutyWork work)
    {
        var round = await consultations.LoadAsync(work.ConsultationId!, CancellationToken.None)
            ?? throw new InvalidOperationException($"{work.InstanceId}: round {work.ConsultationId} does not exist.");
        var key = HolderKey.Parse(work.HolderKey).Value;
        var notRecorded = new List<StepRefusal>();
        foreach (var answered in round.Answers.Values)
        {
            foreach (var a in answered.Answers.Where(a => a.Verdict == ConsultationVerdict.AdverseRecord))
            {
                var outcome = await holders.RunAsync(
                    key,
                    new ReportHolderAdverseRecord(round.Opened!.ConsultationId, a.ApplicationId, answered.Department, a.Details!, a.FileId),
                    Actor.System,
                    null,
                    $"{work.InstanceId}:adverse:{answered.Department}:{a.ApplicationId}",
                    CancellationToken.None);
                if (outcome.Refusal is { } refusal)
                {
                    notRecorded.Add(Refused(work, refusal));
                }
            }
        }

        return new HolderRoundProgress(round.IsClosed, round.Opened!.DueAt, round.Waiting.Count, notRecorded);
    }

    /// <summary>A refusal for the office; a concurrent change is no refusal, so the attempt fails and the retry policy runs it again.</summary>
    private StepRefusal Refused(HolderDutyWork work, Refusal refusal)
    {
        if (refusal.Code == "concurrency.conflict")
        {
            throw new InvalidOperationException($"{work.InstanceId}: {refusal}");
        }

        LogRefused(logger, work.InstanceId, refusal.Code);
        return new StepRefusal(work.Duty.ApplicationId, refusal.Code, refusal.Zh, refusal.En);
    }

    private HolderRoundOpening NotOpened(HolderDuty due, string code, string zh, string en)
    {
        LogNotOpened(logger, due.ApplicationId, code);
        return new HolderRoundOpening(null, new StepRefusal(due.ApplicationId, code, zh, en));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Holder duty {Duty} of award {ApplicationId} due {DueOn} recorded")]
    private static partial void LogRecorded(ILogger logger, string duty, string applicationId, DateOnly dueOn);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consultation {ConsultationId} about holder award {ApplicationId} opened: {Departments} departments asked")]
    private static partial void LogOpened(ILogger logger, string consultationId, string applicationId, int departments);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No department consultation opened for holder award {ApplicationId}: {Code}; the orchestration's status and the office's worklist show it")]
    private static partial void LogNotOpened(ILogger logger, string applicationId, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Holder duty {InstanceId}: a step was refused ({Code}); the orchestration's status shows it")]
    private static partial void LogRefused(ILogger logger, string instanceId, string code);
}
