using System.Globalization;
using System.Text;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Consultations;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Awards;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Mail;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Consultations;

/// <summary>
/// The mails of a round, in zh-CN: the request to each department (the applicants it is asked
/// about and its signed reply link), the reminder to a department still waiting, and the office's
/// note on overdue departments. Subjects and bodies are written when a mail is sent, from the round
/// as it stands, to the address configured then. The round's orchestration sends them
/// (<see cref="ConsultationSteps.SendMail"/>).
/// </summary>
public sealed class ConsultationMail(ReplyTokens tokens, IOptionsMonitor<ConsultationOptions> options, IOptions<OfficeOptions> offices)
{
    public const string Request = "request";
    public const string Reminder = "reminder";
    public const string Overdue = "overdue";

    /// <summary>Who a mail goes to: the department's configured address and name, or the office's (<paramref name="department"/> null).</summary>
    public (string To, string? Name) Recipient(Department? department)
    {
        var config = options.CurrentValue;
        if (department is not { } d)
        {
            return (config.OfficeEmail ?? throw new InvalidOperationException("Consultations:OfficeEmail is not set."), "评审办公室");
        }

        var contact = config.Contact(d)
            ?? throw new InvalidOperationException($"No mail address for {d}: set Consultations:Departments:{d}:Email.");
        return (contact.Email!, contact.Name ?? DepartmentNames.Zh(d));
    }

    /// <summary>The mail; <paramref name="policy"/> (the cycle's) names the regulation and the office that asks (issue 19, item 4).</summary>
    public (string Subject, string Html) Compose(ConsultationState round, string kind, Department? to, AwardPolicy? policy = null)
    {
        var o = round.Opened ?? throw new InvalidOperationException("The round does not exist.");
        var replyBy = o.ReplyBy.ToString("yyyy年M月d日", CultureInfo.InvariantCulture);
        if (kind == Overdue || to is not { } department)
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

        var reminder = kind == Reminder;
        var ask = round.Ask(department)!;
        var link = LinkFor(o, department);
        var applicants = o.Applicants.Where(a => ask.ApplicationIds.Contains(a.ApplicationId)).ToList();

        // The regulation by name with its article, and the office that asks with its contact (issue 19, item 4).
        var basis = policy is null ? o.Article : Regulation.Cite(policy.Document, o.Article);
        var office = policy?.Office?.Name;
        var contact = policy is not null && offices.Value.For(policy.Id) is { } c ? OfficeOptions.Line(c) : null;
        var html = new StringBuilder()
            .Append("<p>").Append(Html.E(NameOf(department))).Append("：</p>")
            .Append(reminder ? "<p><strong>提醒：</strong>贵单位尚未答复以下征求意见，答复期限即将届满。</p>" : string.Empty)
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
        var subject = reminder
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

    public string NameOf(Department department) => options.CurrentValue.Contact(department)?.Name ?? DepartmentNames.Zh(department);
}

/// <summary>
/// How the consultation functions (and whoever else opens a round, e.g. a round about an award
/// holder) reach a round's orchestration: start it once the round is opened, wake it when
/// something it acts on is recorded.
/// </summary>
public static partial class ConsultationWorkflow
{
    /// <summary>What the round's orchestration is started with.</summary>
    public static ConsultationWork WorkFor(ConsultationOpened opened) => new(opened.ConsultationId, opened.CycleId);

    /// <summary>
    /// From an orchestration that opened a round in an activity (a consultation about an award
    /// holder): run the round's orchestration as a sub-orchestration under its own instance id
    /// (<see cref="Orchestrations.Consultation"/>), so the office and the answers' wake-ups find it
    /// there, and wait for it to end (the round closed). <paramref name="cycleId"/> is the clock's scope.
    /// </summary>
    public static Task<ConsultationOutcome> RunAsync(TaskOrchestrationContext context, string consultationId, string cycleId) =>
        context.CallSubOrchestratorAsync<ConsultationOutcome>(
            nameof(ConsultationOrchestration),
            new ConsultationWork(consultationId, cycleId),
            new SubOrchestrationOptions((TaskRetryOptions?)null, Orchestrations.Consultation(consultationId)));

    /// <summary>
    /// Start the orchestration of an opened round, once: every opener calls this after its
    /// <c>OpenConsultation</c> succeeded (or found the round opened already: a retry after a crash
    /// between the two starts it then). A running or finished orchestration is left alone; one
    /// that failed or was terminated is started afresh (its steps are idempotent).
    /// </summary>
    public static async Task StartAsync(DurableTaskClient durable, ConsultationOpened opened, ILogger logger, CancellationToken ct)
    {
        if (await Orchestrations.StartOnceAsync(durable, nameof(ConsultationOrchestration), Orchestrations.Consultation(opened.ConsultationId), WorkFor(opened), Afresh.IfFailed, ct))
        {
            LogStarted(logger, opened.ConsultationId, opened.DueAt);
        }
    }

    /// <summary>
    /// Something the round waits on was recorded (an answer, the office's close, a decision on an
    /// adverse record): wake its orchestration. A wake-up only; it reads the record.
    /// </summary>
    public static Task ChangedAsync(DurableTaskClient durable, string consultationId, string what, ILogger logger, CancellationToken ct) =>
        Orchestrations.SignalAsync(durable, Orchestrations.Consultation(consultationId), what, logger, ct);

    /// <summary>
    /// A department answered, or the round was closed: wake the round's orchestration and, for a
    /// round about an award holder, the holder's duty orchestration that waits on it, so that the
    /// holder's record shows an adverse answer at once (not at its next look). Wake-ups only.
    /// </summary>
    public static async Task ChangedAsync(DurableTaskClient durable, ConsultationOpened round, string what, ILogger logger, CancellationToken ct)
    {
        await ChangedAsync(durable, round.ConsultationId, what, logger, ct);
        if (HolderDutyOrchestration.WaitingOn(round) is { } duty)
        {
            await Orchestrations.SignalAsync(durable, duty, what, logger, ct);
        }
    }

    /// <summary>
    /// The office asked for a mail to go again: wake the round's orchestration, or — when it has
    /// finished (the round closed) — run it once more, which sends what is owed and finds the rest done.
    /// </summary>
    public static async Task ResendAsync(DurableTaskClient durable, ConsultationOpened opened, ILogger logger, CancellationToken ct)
    {
        var instance = Orchestrations.Consultation(opened.ConsultationId);
        if (await durable.GetInstanceAsync(instance, ct) is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending })
        {
            await ChangedAsync(durable, opened.ConsultationId, "resend", logger, ct);
            return;
        }

        await Orchestrations.StartOnceAsync(durable, nameof(ConsultationOrchestration), instance, WorkFor(opened), Afresh.IfEnded, ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consultation {ConsultationId} opened; its orchestration mails the departments and waits for their answers until {DueAt:O}")]
    private static partial void LogStarted(ILogger logger, string consultationId, DateTimeOffset dueAt);
}

