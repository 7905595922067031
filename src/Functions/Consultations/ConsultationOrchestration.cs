using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Consultations;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Mail;
using QualityAward.Functions.Notices;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Consultations;

/// <summary>What a round's orchestration is started with: the round, and the version of the orchestration code it was opened under (decision 0018).</summary>
public sealed record ConsultationWork(string ConsultationId, string CycleId, int Version = ConsultationOrchestration.Version);

/// <summary>How a round ended: the steps the office must look at (mails not sent, refused steps).</summary>
public sealed record ConsultationOutcome(string ConsultationId, IReadOnlyList<StepRefusal> Problems);

/// <summary>The round as one generation of its orchestration reads it from the record.</summary>
public sealed record RoundStanding(
    bool Closed,
    DateTimeOffset RemindAt,
    DateTimeOffset DueAt,
    bool ToRemind,
    bool ToMarkOverdue,
    int Waiting,
    IReadOnlyList<StepRefusal> MailProblems);

/// <summary>One mail of a round: a request or a reminder to a department (its <see cref="Department"/> name), or the office's note on overdue departments.</summary>
public sealed record MailStep(string ConsultationId, string Kind, string? Department)
{
    public string Key => Department is null ? Kind : $"{Kind}-{Department}";
}

/// <summary>How a mail stands after its activity: sent, failed (refused for good), unconfirmed — and the problem the office is shown, if any.</summary>
public sealed record MailOutcome(string Key, string Status, StepRefusal? Problem);

/// <summary>What concluding the round's applications came to: who waits for the office's decision on an adverse record, and refused steps.</summary>
public sealed record ConcludeOutcome(IReadOnlyList<string> Held, IReadOnlyList<StepRefusal> Refused);

/// <summary>
/// A department consultation round (征求意见), as the regulations run it: every department the
/// policy names gets one mail with its signed reply link; answers arrive through the link (each a
/// wake-up: what was answered is read from the record); a reminder goes, the configured working
/// days before the deadline, to the departments still waiting; at the deadline the late
/// departments are recorded and the office is mailed. Adverse records are reported on their
/// applications. Once the round is closed —
/// every answer in, or the office ended it after the deadline — each application without an open
/// adverse record concludes its consultation, exactly once; one held by a record waits for the
/// office's decision. Supplementary rounds are rounds of their own, each with its orchestration.
/// </summary>
/// <remarks>
/// Versioning (decision 0018): the sequence of calls below is what a running round replays. A
/// change to it is made under a new <see cref="Version"/>, branching on <see cref="ConsultationWork.Version"/>.
/// </remarks>
public sealed class ConsultationOrchestration : TaskOrchestrator<ConsultationWork, ConsultationOutcome>
{
    public const int Version = 1;

    /// <summary>Graph is called at most this many times for one mail before the office is shown it as not sent.</summary>
    public const int MaxMailAttempts = 8;

    /// <summary>
    /// Sending a mail: a throttled or failing send throws <see cref="MailDeferredException"/>,
    /// whose message carries how long to wait (Graph's Retry-After, or the send's own backoff);
    /// the orchestration waits that long with a durable timer and runs the send again. Other
    /// failures (storage) back off from 2 s. After <see cref="MaxMailAttempts"/> the call fails.
    /// </summary>
    public static readonly TaskOptions MailRetries = TaskOptions.FromRetryHandler(async retry =>
    {
        if (retry.LastAttemptNumber >= MaxMailAttempts)
        {
            return false;
        }

        var wait = MailDeferredException.RetryAfterOf(retry.LastFailure)
            ?? TimeSpan.FromSeconds(Math.Min(300, 2 * Math.Pow(2, retry.LastAttemptNumber - 1)));
        await retry.OrchestrationContext.CreateTimer(wait, retry.CancellationToken);
        return true;
    });

    [Function(nameof(ConsultationOrchestration))]
    public static Task<ConsultationOutcome> Run([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new ConsultationOrchestration().RunAsync(context, context.GetInput<ConsultationWork>()!);

    public override async Task<ConsultationOutcome> RunAsync(TaskOrchestrationContext context, ConsultationWork work)
    {
        var id = work.ConsultationId;
        var progress = new Waits(context);
        var now = await progress.NowAsync(work.CycleId);
        progress.Show(new WaitingFor("reading", "读取征求意见情况", "Reading the round"));
        var round = await context.CallActivityAsync<RoundStanding>(ConsultationSteps.ReadRound, id, Orchestrations.Retried);
        var problems = new List<StepRefusal>(round.MailProblems);

        // The reminder, to the departments still waiting; at the deadline, the late departments recorded.
        if (!round.Closed && round.ToRemind && now >= round.RemindAt)
        {
            Add(problems, await context.CallActivityAsync<StepRefusal?>(ConsultationSteps.Remind, id, Orchestrations.Retried));
        }

        if (!round.Closed && round.ToMarkOverdue && now >= round.DueAt)
        {
            Add(problems, await context.CallActivityAsync<StepRefusal?>(ConsultationSteps.RecordOverdue, id, Orchestrations.Retried));
        }

        // Every mail owed — the requests once the round is open, the reminders and the office's note
        // once recorded, a mail the office resends — each its own activity, all at once.
        var owed = await context.CallActivityAsync<IReadOnlyList<MailStep>>(ConsultationSteps.OwedMails, id, Orchestrations.Retried);
        if (owed.Count > 0)
        {
            progress.Show(new WaitingFor("mailing", $"正在发送{owed.Count}封征求意见邮件", $"Sending {owed.Count} mails"));
            var sent = await Task.WhenAll(owed.Select(mail => SendAsync(context, mail)));
            problems.AddRange(sent.Select(s => s.Problem).OfType<StepRefusal>());
        }

        // The answers so far: each adverse record reported where the office decides on it.
        problems.AddRange(await context.CallActivityAsync<IReadOnlyList<StepRefusal>>(ConsultationSteps.RecordAnswers, id, Orchestrations.Retried));

        if (round.Closed)
        {
            // Every application without an open adverse record moves on, each once.
            var concluded = await context.CallActivityAsync<ConcludeOutcome>(ConsultationSteps.Conclude, id, Orchestrations.Retried);
            problems.AddRange(concluded.Refused);
            if (concluded.Held.Count > 0)
            {
                progress.Show(WithProblem(new WaitingFor("adverse-records", $"征求意见已结束，{concluded.Held.Count}件申报有不良记录，等待评审办公室处理", $"Round closed; {concluded.Held.Count} applications wait for the office's decision on an adverse record"), problems));
                await progress.WaitAsync(now, null);
                return Again(context, work);
            }

            progress.Show(WithProblem(new WaitingFor("closed", "征求意见已结束", "Round closed"), problems));
            return new ConsultationOutcome(id, problems);
        }

        // Waiting for answers: until the reminder, then the deadline, then for the late ones or the office.
        var next = round.ToRemind && now < round.RemindAt ? round.RemindAt
            : round.ToMarkOverdue && now < round.DueAt ? round.DueAt
            : (DateTimeOffset?)null;
        progress.Show(WithProblem(
            now < round.DueAt
                ? new WaitingFor("department-answers", $"等待部门答复（{round.Waiting}个部门尚未答复）", $"Waiting for {round.Waiting} departments' answers", round.DueAt)
                : new WaitingFor("overdue", "答复期限已过，等待逾期部门答复或评审办公室结束征求意见", "Deadline passed; waiting for the late departments or the office's close", round.DueAt),
            problems));
        await progress.WaitAsync(now, next);
        return Again(context, work);
    }

    /// <summary>One mail: sent with <see cref="MailRetries"/>; when the retries run out, the log says so and the office is shown it.</summary>
    private static async Task<MailOutcome> SendAsync(TaskOrchestrationContext context, MailStep mail)
    {
        try
        {
            return await context.CallActivityAsync<MailOutcome>(ConsultationSteps.SendMail, mail, MailRetries);
        }
        catch (TaskFailedException)
        {
            return await context.CallActivityAsync<MailOutcome>(ConsultationSteps.GiveUpMail, mail, Orchestrations.Retried);
        }
    }

    private static void Add(List<StepRefusal> problems, StepRefusal? problem)
    {
        if (problem is not null)
        {
            problems.Add(problem);
        }
    }

    private static WaitingFor WithProblem(WaitingFor status, IReadOnlyList<StepRefusal> problems) =>
        problems.Count == 0 ? status : status with { Problem = problems[0].Code, ProblemZh = problems.Count == 1 ? problems[0].Zh : $"{problems[0].Zh}（另有{problems.Count - 1}项待处理）" };

    /// <summary>Wait over: start again as a new generation, which reads the clock and the record afresh (its history stays short).</summary>
    private static ConsultationOutcome Again(TaskOrchestrationContext context, ConsultationWork work)
    {
        context.ContinueAsNew(work);
        return null!;
    }
}

/// <summary>
/// A send Graph did not take now (throttled, 5xx, no token, unreachable): the orchestration waits
/// <see cref="RetryAfter"/> and sends again. The message carries the wait, so that the retry
/// handler reads it from the failure details; it names no credential.
/// </summary>
public sealed partial class MailDeferredException(string mailId, TimeSpan retryAfter)
    : Exception(string.Create(CultureInfo.InvariantCulture, $"Mail {mailId} not taken by Graph now; retry-after={(int)Math.Ceiling(retryAfter.TotalSeconds)}"))
{
    public TimeSpan RetryAfter { get; } = retryAfter;

    /// <summary>The wait a deferred send's failure asks for (read from its message, however the host wrapped it); null for any other failure.</summary>
    public static TimeSpan? RetryAfterOf(TaskFailureDetails? failure)
    {
        for (var f = failure; f is not null; f = f.InnerFailure)
        {
            if (f.ErrorMessage is { } message && RetryAfterPattern().Match(message) is { Success: true } m)
            {
                return TimeSpan.FromSeconds(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        }

        return null;
    }

    [GeneratedRegex("not taken by Graph now; retry-after=([0-9]{1,6})", RegexOptions.CultureInvariant)]
    private static partial Regex RetryAfterPattern();
}

/// <summary>The consultation orchestration's activities: each loads the round, decides or sends, records; running one twice changes nothing.</summary>
public sealed partial class ConsultationSteps(
    ConsultationCommands consultations,
    ApplicationCommands applications,
    Streams streams,
    MailLog log,
    ConsultationMail composer,
    GraphMailSender sender,
    IOptionsMonitor<ConsultationOptions> options,
    ILogger<ConsultationSteps> logger)
{
    public const string ReadRound = "ReadConsultationRound";
    public const string Remind = "RemindDepartments";
    public const string RecordOverdue = "RecordOverdueDepartments";
    public const string OwedMails = "OwedConsultationMails";
    public const string SendMail = "SendConsultationMail";
    public const string GiveUpMail = "GiveUpConsultationMail";
    public const string RecordAnswers = "RecordConsultationAnswers";
    public const string Conclude = "ConcludeConsultedApplications";

    public const string Request = ConsultationMail.Request;
    public const string Reminder = ConsultationMail.Reminder;
    public const string Overdue = ConsultationMail.Overdue;

    /// <summary>The round as it stands: closed or not, when the reminder (09:00 Shanghai on its day) and the deadline fall, and mails the office must look at.</summary>
    [Function(ReadRound)]
    public async Task<RoundStanding> ReadRoundAsync([ActivityTrigger] string consultationId)
    {
        var round = await LoadAsync(consultationId);
        var o = round.Opened!;
        var waiting = round.Waiting;
        var mailProblems = (await log.ListAsync(consultationId, CancellationToken.None))
            .Where(m => m.Status is MailLog.Failed or MailLog.Unconfirmed)
            .OrderBy(m => m.Key, StringComparer.Ordinal)
            .Select(Problem)
            .ToList();
        return new RoundStanding(
            round.IsClosed,
            ShanghaiTime.StartOf(o.RemindOn).AddHours(9),
            o.DueAt,
            waiting.Any(d => !round.Reminded.Contains(d)),
            waiting.Any(d => !round.Overdue.Contains(d)),
            waiting.Count,
            mailProblems);
    }

    /// <summary>Record the reminder to every department still waiting (its mails are then owed).</summary>
    [Function(Remind)]
    public Task<StepRefusal?> RemindAsync([ActivityTrigger] string consultationId) =>
        StepAsync(consultationId, new SendReminder(), "remind");

    /// <summary>Record the departments that missed the deadline (the office's note is then owed).</summary>
    [Function(RecordOverdue)]
    public Task<StepRefusal?> RecordOverdueAsync([ActivityTrigger] string consultationId) =>
        StepAsync(consultationId, new MarkOverdue(), "overdue");

    /// <summary>
    /// The mails the record says are owed and the log says are not settled: a request to each
    /// department asked, a reminder to each reminded, the office's note once departments are
    /// overdue — none to a department that has answered, none once the round is closed.
    /// </summary>
    [Function(OwedMails)]
    public async Task<IReadOnlyList<MailStep>> OwedMailsAsync([ActivityTrigger] string consultationId)
    {
        var round = await LoadAsync(consultationId);
        if (round.IsClosed)
        {
            return [];
        }

        var rows = (await log.ListAsync(consultationId, CancellationToken.None)).ToDictionary(r => r.Key, StringComparer.Ordinal);
        var expected = round.Opened!.Departments.Select(d => d.Department).Where(d => !round.HasAnswered(d)).Select(d => new MailStep(consultationId, Request, d.ToString()))
            .Concat(round.Reminded.Distinct().Where(d => !round.HasAnswered(d)).Select(d => new MailStep(consultationId, Reminder, d.ToString())))
            .Concat(round.Overdue.Any(d => !round.HasAnswered(d)) ? [new MailStep(consultationId, Overdue, null)] : []);
        return expected.Where(m => !rows.TryGetValue(m.Key, out var row) || row.Status is MailLog.Pending or MailLog.Sending).ToList();
    }

    /// <summary>
    /// Send one mail through Graph, written from the round as it stands, to the address configured
    /// now. The log bounds it: a mail already settled is not sent again, and one whose earlier run
    /// died mid-send goes once more at most. Throttled or failing: <see cref="MailDeferredException"/>.
    /// </summary>
    [Function(SendMail)]
    public async Task<MailOutcome> SendMailAsync([ActivityTrigger] MailStep mail)
    {
        var round = await LoadAsync(mail.ConsultationId);
        var config = options.CurrentValue;
        var mailbox = config.Mailbox ?? throw new InvalidOperationException("Consultations:Mailbox is not set.");
        var department = mail.Department is null ? (Department?)null : Enum.Parse<Department>(mail.Department);
        var (to, name) = composer.Recipient(department);
        var claim = await log.BeginAsync(mail.ConsultationId, mail.Key, mail.Kind, mail.Department, to, CancellationToken.None);
        if (!claim.Send)
        {
            return Outcome(claim.Row);
        }

        var cycle = await streams.LoadAsync(StreamKinds.Cycle, CycleId.Parse(round.Opened!.CycleId).Value.StreamId, CancellationToken.None);
        var (subject, html) = composer.Compose(round, mail.Kind, department, cycle.Exists ? cycle.Policy : null);
        var result = await sender.SendAsync(mailbox, new OutgoingMail(claim.Row.MailId, to, name, subject, html), CancellationToken.None);
        var row = await log.CompleteAsync(claim, result, CancellationToken.None);
        if (result.Retry)
        {
            throw new MailDeferredException(row.MailId, result.RetryAfter is { } ra && ra > TimeSpan.Zero ? ra : Backoff(config.MailRetryInterval, row.Attempts));
        }

        return Outcome(row);
    }

    /// <summary>The retries ran out: the log marks the mail failed, and the office is shown it (and may resend it).</summary>
    [Function(GiveUpMail)]
    public async Task<MailOutcome> GiveUpMailAsync([ActivityTrigger] MailStep mail)
    {
        var row = await log.GiveUpAsync(mail.ConsultationId, mail.Key, CancellationToken.None);
        return row is null
            ? new MailOutcome(mail.Key, MailLog.Failed, new StepRefusal(mail.Key, "mail.not-sent", "邮件未能发出，请稍后重发。", "The mail could not be sent; resend it later."))
            : Outcome(row);
    }

    /// <summary>
    /// Each adverse record a department reported, on its application (which is then held until the
    /// office decides). Keyed by round, department and application: recorded once however often
    /// this runs. (A round about an award holder: the holder's own orchestration records them.)
    /// </summary>
    [Function(RecordAnswers)]
    public async Task<IReadOnlyList<StepRefusal>> RecordAnswersAsync([ActivityTrigger] string consultationId, [DurableClient] DurableTaskClient durable)
    {
        var round = await LoadAsync(consultationId);
        var refused = new List<StepRefusal>();
        if (round.Opened!.IsAboutHolder)
        {
            // A round about an award holder: the holder's duty orchestration records its answers on the holder.
            return refused;
        }

        foreach (var answered in round.Answers.Values.OrderBy(a => a.Department))
        {
            foreach (var a in answered.Answers.Where(a => a.Verdict == ConsultationVerdict.AdverseRecord))
            {
                var outcome = await applications.RunAsync(
                    a.ApplicationId,
                    new ReportAdverseRecord(consultationId, answered.Department, a.Details!),
                    Actor.System,
                    $"adverse-{consultationId}-{answered.Department}-{a.ApplicationId}",
                    CancellationToken.None);
                var refusal = outcome.Refusal;
                if (outcome.Appended.Count > 0)
                {
                    // The application's orchestration shows it held by the record.
                    await ApplicationWorkflow.ChangedAsync(durable, outcome.State, "adverse-record", logger, CancellationToken.None, ApplicationWorkflow.WrittenAt(streams, outcome.State));
                }

                if (refusal?.Code == "application.ended")
                {
                    // Withdrawn or refused meanwhile: nothing left for the record to hold up.
                    LogSkipped(logger, "report", a.ApplicationId, consultationId, refusal.Code);
                    continue;
                }

                if (Refused(refusal, a.ApplicationId, "report", consultationId) is { } step)
                {
                    refused.Add(step);
                }
            }
        }

        return refused;
    }

    /// <summary>
    /// The round is closed: each application still at its stage and without an open adverse record
    /// concludes the consultation and moves on (once: keyed by round and application); one with an
    /// open record is held for the office. A round about an award holder has nothing to conclude.
    /// </summary>
    [Function(Conclude)]
    public async Task<ConcludeOutcome> ConcludeAsync([ActivityTrigger] string consultationId, [DurableClient] DurableTaskClient durable)
    {
        var round = await LoadAsync(consultationId);
        var o = round.Opened!;
        var held = new List<string>();
        var refused = new List<StepRefusal>();
        if (!round.IsClosed || o.IsAboutHolder)
        {
            return new ConcludeOutcome(held, refused);
        }

        foreach (var applicant in o.Applicants)
        {
            var app = await streams.LoadAsync(StreamKinds.Application, ApplicationId.Parse(applicant.ApplicationId).Value.StreamId, CancellationToken.None);
            if (app.Status != ApplicationStatus.InProcess || app.StageIndex != o.StageIndex)
            {
                // Moved on already, or ended (withdrawn, disqualified): nothing to conclude.
                continue;
            }

            if (app.OpenAdverseRecords.Count > 0)
            {
                held.Add(applicant.ApplicationId);
                continue;
            }

            var outcome = await applications.RunAsync(applicant.ApplicationId, new ConcludeConsultation(), Actor.System, $"conclude-{consultationId}-{applicant.ApplicationId}", CancellationToken.None);
            if (outcome.Appended.Count > 0)
            {
                // Moved on: the application's orchestration shows its next step now, not at its next look.
                await ApplicationWorkflow.ChangedAsync(durable, outcome.State, "consultation-concluded", logger, CancellationToken.None, ApplicationWorkflow.WrittenAt(streams, outcome.State));
            }

            if (Refused(outcome.Refusal, applicant.ApplicationId, "conclude", consultationId) is { } step)
            {
                refused.Add(step);
            }
        }

        return new ConcludeOutcome(held, refused);
    }

    private async Task<StepRefusal?> StepAsync(string consultationId, IConsultationCommand command, string step)
    {
        var outcome = await consultations.RunAsync(consultationId, command, Actor.System, $"{Orchestrations.Consultation(consultationId)}:{step}", CancellationToken.None);
        return Refused(outcome.Refusal, consultationId, step, consultationId);
    }

    /// <summary>A refusal for the office (busy is not refused: it throws, so the retry runs the step again).</summary>
    private StepRefusal? Refused(Refusal? refusal, string subject, string step, string consultationId)
    {
        if (refusal is null)
        {
            return null;
        }

        if (refusal.Code == "concurrency.conflict")
        {
            throw new InvalidOperationException($"Consultation {consultationId}, step {step} on {subject}: {refusal}");
        }

        LogRefused(logger, step, subject, consultationId, refusal.Code);
        return new StepRefusal(subject, refusal.Code, refusal.Zh, refusal.En);
    }

    private async Task<ConsultationState> LoadAsync(string consultationId) =>
        await consultations.LoadAsync(consultationId, CancellationToken.None)
        ?? throw new InvalidOperationException($"Consultation {consultationId} does not exist.");

    private MailOutcome Outcome(MailRow row) =>
        new(row.Key, row.Status, row.Status is MailLog.Failed or MailLog.Unconfirmed ? Problem(row) : null);

    private StepRefusal Problem(MailRow row)
    {
        var whom = Enum.TryParse<Department>(row.Tag, out var d) ? composer.NameOf(d) : "评审办公室";
        return row.Status == MailLog.Unconfirmed
            ? new StepRefusal(row.Key, "mail.unconfirmed", $"发给{whom}的邮件发送结果不明，请确认对方是否收到，必要时重发。", $"Delivery of the mail to {row.Tag ?? "the office"} is unconfirmed; check and resend if needed.")
            : new StepRefusal(row.Key, "mail.not-sent", $"发给{whom}的邮件未能发出：{row.LastError}", $"The mail to {row.Tag ?? "the office"} was not sent; correct the address or permission and resend it.");
    }

    /// <summary>The configured interval, doubled each attempt, at most an hour, when Graph gives no Retry-After.</summary>
    private static TimeSpan Backoff(TimeSpan first, int attempts) =>
        TimeSpan.FromTicks((long)Math.Min(TimeSpan.FromHours(1).Ticks, first.Ticks * Math.Pow(2, Math.Clamp(attempts - 1, 0, 10))));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consultation {ConsultationId}: step {Step} on {Subject} refused ({Code}); the office is shown it")]
    private static partial void LogRefused(ILogger logger, string step, string subject, string consultationId, string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consultation {ConsultationId}: step {Step} on {ApplicationId} skipped ({Code})")]
    private static partial void LogSkipped(ILogger logger, string step, string applicationId, string consultationId, string code);
}
