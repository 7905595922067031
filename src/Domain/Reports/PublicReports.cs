namespace QualityAward.Domain.Reports;

/// <summary>Every event of a report stream (<c>report-{id}</c>).</summary>
public interface IReportEvent : IDomainEvent
{
    DateTimeOffset At { get; }
}

/// <summary>
/// A report (举报) to the supervision group, real-name or anonymous (Changde §39, Xinzhou §25).
/// The reporter's name and contact are kept here and shown only to the supervision group; the
/// receipt code is kept only as its hash.
/// </summary>
[EventType("ReportFiled", 1)]
public sealed record ReportFiled(
    string ReportId,
    string ReceiptCodeHash,
    string Concerning,
    string? ApplicantKey,
    string Text,
    bool RealName,
    string? ReporterName,
    string? ReporterContact,
    DateTimeOffset At) : IReportEvent;

/// <summary>The supervision group's finding, which the reporter reads with the receipt code (Changde §40).</summary>
[EventType("ReportConcluded", 1)]
public sealed record ReportConcluded(bool Upheld, string Result, DateTimeOffset At) : IReportEvent;

public interface IReportCommand;

public sealed record FileReport(string ReportId, string ReceiptCodeHash, string Concerning, string? ApplicantKey, string Text, bool RealName, string? ReporterName, string? ReporterContact) : IReportCommand;

public sealed record ConcludeReport(bool Upheld, string Result) : IReportCommand;

public sealed record ReportState
{
    public static ReportState Initial { get; } = new();

    public ReportFiled? Filed { get; init; }

    public ReportConcluded? Conclusion { get; init; }

    public bool Exists => Filed is not null;

    public static ReportState Evolve(ReportState s, IReportEvent e) => e switch
    {
        ReportFiled f => s with { Filed = f },
        ReportConcluded c => s with { Conclusion = c },
        _ => s,
    };
}

public static class ReportDecider
{
    public const int MaxText = 5_000;

    public static Decision<IReportEvent> Decide(IReportCommand command, ReportState state, Actor actor, DateTimeOffset now) => command switch
    {
        FileReport c => File(c, state, now),
        ConcludeReport c => Conclude(c, state, actor, now),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name),
    };

    private static Decision<IReportEvent> File(FileReport c, ReportState state, DateTimeOffset now)
    {
        if (state.Exists)
        {
            return Decision<IReportEvent>.Nothing;
        }

        if (!c.RealName && Anonymity.Identifies(c.ReporterName, c.ReporterContact))
        {
            return Anonymity.Refused("report", "举报", "report", c.ReporterName);
        }

        var problems = new List<FieldProblem>();
        if (string.IsNullOrWhiteSpace(c.Concerning) || c.Concerning.Length > 200)
        {
            problems.Add(new("concerning", "report.concerning-missing", "请写明被举报的单位或个人（200字以内）。", "Name who or what the report concerns (up to 200 characters)."));
        }

        if (string.IsNullOrWhiteSpace(c.Text) || c.Text.Length > MaxText)
        {
            problems.Add(new("text", "report.text-missing", $"请写明举报的事实和理由（{MaxText}字以内）。", $"State the facts and reasons (up to {MaxText} characters)."));
        }

        if (c.RealName && (string.IsNullOrWhiteSpace(c.ReporterName) || c.ReporterName.Length > 100))
        {
            problems.Add(new("name", "report.name-missing", "实名举报请填写姓名或单位名称。", "A real-name report gives the reporter's name."));
        }

        if (c.RealName && (string.IsNullOrWhiteSpace(c.ReporterContact) || c.ReporterContact.Length > 200))
        {
            problems.Add(new("contact", "report.contact-missing", "实名举报请填写联系方式，以便核实。", "A real-name report gives a contact."));
        }

        foreach (var (text, field) in new[] { (c.Concerning, "concerning"), (c.Text, "text"), (c.ReporterName, "name"), (c.ReporterContact, "contact") })
        {
            if (FreeText.Visible(text, field) is not null && problems.All(p => p.Field != field))
            {
                problems.Add(FreeText.Problem(field));
            }
        }

        if (problems.Count > 0)
        {
            // One kind of problem is answered with its own code (e.g. text without a visible character); several with report.invalid.
            var code = problems.Select(p => p.Code).Distinct().Count() == 1 ? problems[0].Code : "report.invalid";
            return Refusal.InvalidFields(code, "举报内容不完整：" + ZhText.JoinSentences(problems.Select(p => p.Zh)), "The report is incomplete: " + ZhText.JoinSentencesEn(problems.Select(p => p.En)), problems);
        }

        // Anonymous means anonymous: nothing that names the reporter is stored (one that sends a name is refused above).
        return Decision<IReportEvent>.Accept(new ReportFiled(
            c.ReportId, c.ReceiptCodeHash, c.Concerning.Trim(), c.ApplicantKey, c.Text.Trim(), c.RealName,
            c.RealName ? c.ReporterName!.Trim() : null, c.RealName ? c.ReporterContact!.Trim() : null, now));
    }

    private static Decision<IReportEvent> Conclude(ConcludeReport c, ReportState state, Actor actor, DateTimeOffset now)
    {
        if (!state.Exists)
        {
            return Refusal.NotFound("report.not-found", "没有该举报。", "No such report.");
        }

        if (actor.Role != Roles.Supervisor)
        {
            return Refusal.Forbidden("report.supervisors-only", "举报由监督组处理。", "Reports are handled by the supervision group.");
        }

        if (state.Conclusion is { } done)
        {
            return done.Upheld == c.Upheld && done.Result == c.Result?.Trim()
                ? Decision<IReportEvent>.Nothing
                : Refusal.Rule("report.concluded", "该举报已办结。", "The report has been concluded already.");
        }

        return string.IsNullOrWhiteSpace(c.Result) || c.Result.Length > MaxText
            ? Refusal.Invalid("report.result-missing", $"请写明调查处理结果（{MaxText}字以内）。", "Write the result.", "result")
            : FreeText.Visible(c.Result, "result") ?? Decision<IReportEvent>.Accept(new ReportConcluded(c.Upheld, c.Result.Trim(), now));
    }
}
