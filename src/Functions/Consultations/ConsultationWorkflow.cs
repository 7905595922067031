using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Consultations;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Mail;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Consultations;

/// <summary>
/// The mails of a round, through the mail outbox: one request per department when the round
/// opens, a reminder to each department still waiting, and a note to the office about overdue
/// departments. Rows are keyed by kind and department, so a handler that runs twice enqueues once.
/// Subjects and bodies are written when the mail is sent, from the round as it stands.
/// </summary>
public sealed partial class ConsultationMail(
    MailOutbox outbox,
    StateLoader loader,
    ReplyTokens tokens,
    IOptionsMonitor<ConsultationOptions> options,
    IOptions<OfficeOptions> offices,
    ILogger<ConsultationMail> logger) : IEventHandler, IMailComposer
{
    public const string Request = "request";
    public const string Reminder = "reminder";
    public const string Overdue = "overdue";

    public string Source => "consultation";

    public async Task HandleAsync(StoredEvent e, CancellationToken ct)
    {
        if (e.Event is not (ConsultationOpened or ReminderSent or ReplyOverdue))
        {
            return;
        }

        var round = await loader.LoadAsync(ConsultationStreams.Kind, e.StreamId, ct);
        var id = round.Opened!.ConsultationId;
        var config = options.CurrentValue;
        var mailbox = config.Mailbox ?? throw new InvalidOperationException("Consultations:Mailbox is not set.");
        var mails = e.Event switch
        {
            ConsultationOpened o => o.Departments.Select(d => ToDepartment(id, Request, d.Department, mailbox, config)),
            ReminderSent r => r.Departments.Select(d => ToDepartment(id, Reminder, d, mailbox, config)),
            ReplyOverdue => [new MailRequest(id, $"{Overdue}-v{e.Version}", Source, mailbox, config.OfficeEmail ?? throw new InvalidOperationException("Consultations:OfficeEmail is not set."), "评审办公室", Overdue)],
            _ => [],
        };
        await outbox.EnqueueAsync(mails.ToList(), ct);

        try
        {
            await outbox.DispatchAsync(id, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The rows and the batch's timer are stored: the timer sends them.
            LogDeferred(logger, ex, id);
        }
    }

    private static MailRequest ToDepartment(string id, string kind, Department department, string mailbox, ConsultationOptions config)
    {
        var contact = config.Contact(department)
            ?? throw new InvalidOperationException($"No mail address for {department}: set Consultations:Departments:{department}:Email.");
        return new MailRequest(id, $"{kind}-{department}", "consultation", mailbox, contact.Email!, contact.Name ?? DepartmentNames.Zh(department), department.ToString());
    }

    public async Task<(string Subject, string Html)> ComposeAsync(MailRow row, CancellationToken ct)
    {
        var round = await loader.LoadAsync(ConsultationStreams.Kind, ConsultationIds.StreamId(row.Batch), ct);
        var o = round.Opened ?? throw new InvalidOperationException($"Mail {row.MailId}: round {row.Batch} does not exist.");
        var replyBy = o.ReplyBy.ToString("yyyy年M月d日", CultureInfo.InvariantCulture);
        if (row.Tag == Overdue)
        {
            var late = round.Overdue.Where(d => !round.HasAnswered(d)).ToList();
            var body = new StringBuilder("<p>评审办公室：</p><p>")
                .Append(Html.E(o.Title)).Append("的答复期限（").Append(replyBy).Append("）已过，以下部门尚未答复：</p><ul>");
            foreach (var d in late)
            {
                body.Append("<li>").Append(Html.E(NameOf(d))).Append("（").Append(Html.E(options.CurrentValue.Contact(d)?.Email)).Append("）</li>");
            }

            body.Append("</ul><p>请督促有关部门尽快答复。各部门答复情况见：").Append(Html.E($"GET /api/cycles/{o.CycleId}/consultations/{o.ConsultationId}")).Append("</p>");
            return ($"【逾期未答复】{o.Title}", body.ToString());
        }

        var department = Enum.Parse<Department>(row.Tag!);
        var ask = round.Ask(department)!;
        var link = LinkFor(o, department);
        var applicants = o.Applicants.Where(a => ask.ApplicationIds.Contains(a.ApplicationId)).ToList();

        // The regulation by name with its article, and the office that asks with its contact (issue 19, item 4).
        var cycle = await loader.LoadAsync(StreamKinds.Cycle, CycleId.Parse(o.CycleId).Value.StreamId, ct);
        var basis = cycle.Exists ? Regulation.Cite(cycle.Policy.Document, o.Article) : o.Article;
        var office = cycle.Exists ? cycle.Policy.Office?.Name : null;
        var contact = cycle.Exists && offices.Value.For(cycle.PolicyId) is { } c ? OfficeOptions.Line(c) : null;
        var html = new StringBuilder()
            .Append("<p>").Append(Html.E(NameOf(department))).Append("：</p>")
            .Append(row.Key.StartsWith(Reminder, StringComparison.Ordinal) ? "<p><strong>提醒：</strong>贵单位尚未答复以下征求意见，答复期限即将届满。</p>" : string.Empty)
            .Append(o.IsAboutHolder
                ? $"<p>现就以下获奖者获奖后有无重大质量、安全、环境等事故或严重违法违规行为征求贵单位意见，请于{replyBy}前通过下方链接答复（无不良记录，或有不良记录并说明具体情况）。</p>"
                : $"<p>根据{Html.E(basis)}的规定，现就以下{applicants.Count}个申报者近年有无不良记录征求贵单位意见，请于{replyBy}前通过下方链接逐一答复（无不良记录，或有不良记录并说明具体情况）。</p>")
            .Append("<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\"><thead><tr><th>序号</th><th>申报者</th><th>类别</th><th>统一社会信用代码或身份证号码</th></tr></thead><tbody>");
        var i = 0;
        foreach (var a in applicants)
        {
            html.Append("<tr><td>").Append(++i).Append("</td><td>").Append(Html.E(a.Name)).Append("</td><td>")
                .Append(a.Category == ApplicantCategory.Individual ? "个人" : "组织").Append("</td><td>").Append(Html.E(a.ApplicantKey)).Append("</td></tr>");
        }

        html.Append("</tbody></table>")
            .Append("<p>答复链接（仅供贵单位使用，请勿转发）：<a href=\"").Append(Html.E(link)).Append("\">").Append(Html.E(link)).Append("</a></p>")
            .Append("<p>意见提交后即为最终答复，不能更改。如有疑问，请与").Append(Html.E(office ?? "评审办公室")).Append("联系").Append(contact is null ? string.Empty : "（" + Html.E(contact) + "）").Append("。</p>")
            .Append(office is null ? string.Empty : "<p style=\"text-align:right\">" + Html.E(office) + "<br>" + Html.Date(ShanghaiTime.DateOf(o.At)) + "</p>");
        var subject = row.Key.StartsWith(Reminder, StringComparison.Ordinal)
            ? $"【提醒】{o.Title}（请于{replyBy}前答复）"
            : $"{o.Title}（请于{replyBy}前答复）";
        return (subject, html.ToString());
    }

    public string LinkFor(ConsultationOpened o, Department department)
    {
        var token = tokens.Issue(o.ConsultationId, department, tokens.ExpiryFor(o.ReplyBy));
        var root = options.CurrentValue.ReplyBaseUrl!.ToString().TrimEnd('/');
        return $"{root}/consultations/{o.ConsultationId}/{Slug(department)}?t={token}";
    }

    public static string Slug(Department department) => department.ToString().ToLowerInvariant();

    public static Department? ParseSlug(string? slug) =>
        slug is { Length: > 0 } && slug.All(char.IsAsciiLetterLower) && Enum.TryParse<Department>(slug, ignoreCase: true, out var d) ? d : null;

    private string NameOf(Department department) => options.CurrentValue.Contact(department)?.Name ?? DepartmentNames.Zh(department);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consultation {ConsultationId}: mails not sent now; the mail timer retries")]
    private static partial void LogDeferred(ILogger logger, Exception ex, string consultationId);
}

/// <summary>
/// The round's two timers, set when it opens: the reminder (09:00 Shanghai, the configured working
/// days before the deadline) and the deadline (midnight after the last reply day), when the
/// departments still waiting are recorded overdue and the office is told.
/// </summary>
public sealed class ConsultationTimers(TimerStore timers, ConsultationCommands consultations) : IEventHandler, ITimerHandler
{
    private const string RemindStep = "remind";
    private const string DueStep = "due";

    public string Kind => "consultation";

    public async Task HandleAsync(StoredEvent e, CancellationToken ct)
    {
        if (e.Event is not ConsultationOpened o)
        {
            return;
        }

        var remindAt = ShanghaiTime.StartOf(o.RemindOn).AddHours(9);
        await timers.SetAsync(new WorkflowTimer(TimerPayload.Id("consultation", RemindStep, o.ConsultationId), remindAt, Kind, o.ConsultationId, RemindStep), ct);
        await timers.SetAsync(new WorkflowTimer(TimerPayload.Id("consultation", DueStep, o.ConsultationId), o.DueAt, Kind, o.ConsultationId, DueStep), ct);
    }

    public async Task FireAsync(WorkflowTimer timer, CancellationToken ct)
    {
        IConsultationCommand command = timer.Payload == RemindStep ? new SendReminder() : new MarkOverdue();
        var outcome = await consultations.RunAsync(timer.Target, command, Actor.System, timer.Id, ct);
        if (outcome.Refused)
        {
            throw new InvalidOperationException($"Consultation {timer.Target} step {timer.Payload} was refused: {outcome.Refusal}");
        }
    }
}

/// <summary>
/// What a department's answer sets going: each adverse record is reported on its application
/// (which is then blocked until the office decides); when the round is closed, every application
/// without an open adverse record concludes the consultation and moves on; an application whose
/// records the office dismissed moves on then. Every command is idempotent in the deciders.
/// </summary>
public sealed partial class ConsultationReactions(ApplicationCommands applications, ConsultationCommands consultations, Streams streams, ILogger<ConsultationReactions> logger) : IReaction
{
    public bool Handles(StoredEvent e) => e.Event is DepartmentAnswered or ConsultationClosed or AdverseRecordDismissed;

    public async Task ReactAsync(StoredEvent e, CancellationToken ct)
    {
        if (e.Event is DepartmentAnswered or ConsultationClosed
            && (await LoadRoundOfStreamAsync(e.StreamId, ct)).Opened is { IsAboutHolder: true })
        {
            // A round about an award holder: Awards.HolderConsultations records its answers.
            return;
        }

        switch (e.Event)
        {
            case DepartmentAnswered answered:
                var round = await LoadRoundOfStreamAsync(e.StreamId, ct);
                await ReportAsync(round.Opened!.ConsultationId, answered, ct);
                break;
            case ConsultationClosed:
                var closed = await LoadRoundOfStreamAsync(e.StreamId, ct);
                foreach (var a in closed.Answers.Values)
                {
                    await ReportAsync(closed.Opened!.ConsultationId, a, ct);
                }

                foreach (var applicant in closed.Opened!.Applicants)
                {
                    await ConcludeAsync(closed, applicant.ApplicationId, ct);
                }

                break;
            case AdverseRecordDismissed dismissed:
                var of = await consultations.LoadAsync(dismissed.ConsultationId, ct);
                if (of is { IsClosed: true })
                {
                    var app = await streams.LoadAsync(StreamKinds.Application, e.StreamId, ct);
                    await ConcludeAsync(of, app.ApplicationId, ct);
                }

                break;
        }
    }

    private async Task<ConsultationState> LoadRoundOfStreamAsync(string streamId, CancellationToken ct) =>
        await streams.LoadAsync(ConsultationStreams.Kind, streamId, ct);

    private async Task ReportAsync(string consultationId, DepartmentAnswered answered, CancellationToken ct)
    {
        foreach (var a in answered.Answers.Where(a => a.Verdict == ConsultationVerdict.AdverseRecord))
        {
            var outcome = await applications.RunAsync(a.ApplicationId, new ReportAdverseRecord(consultationId, answered.Department, a.Details!), Actor.System, $"adverse-{consultationId}-{answered.Department}-{a.ApplicationId}", ct);
            Check(outcome, a.ApplicationId, "report");
        }
    }

    private async Task ConcludeAsync(ConsultationState round, string applicationId, CancellationToken ct)
    {
        var app = await streams.LoadAsync(StreamKinds.Application, ApplicationId.Parse(applicationId).Value.StreamId, ct);
        if (app.Status != ApplicationStatus.InProcess || app.StageIndex != round.Opened!.StageIndex || app.OpenAdverseRecords.Count > 0)
        {
            return;
        }

        var outcome = await applications.RunAsync(applicationId, new ConcludeConsultation(), Actor.System, $"conclude-{round.Opened.ConsultationId}-{applicationId}", ct);
        Check(outcome, applicationId, "conclude");
    }

    private void Check(CommandOutcome<ApplicationState> outcome, string applicationId, string step)
    {
        if (outcome.Refusal is not { } refusal)
        {
            return;
        }

        if (refusal.Code == "concurrency.conflict")
        {
            throw new InvalidOperationException($"{step} on {applicationId}: {refusal}");
        }

        // The application moved on or ended meanwhile (withdrawn, refused): nothing left to do.
        LogSkipped(logger, step, applicationId, refusal.Code);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consultation {Step} on {ApplicationId} skipped: {Code}")]
    private static partial void LogSkipped(ILogger logger, string step, string applicationId, string code);
}
