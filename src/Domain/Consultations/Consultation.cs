using System.Collections.Immutable;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Calendar;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Consultations;

public interface IConsultationEvent : IDomainEvent
{
    DateTimeOffset At { get; }
}

/// <summary>An applicant as the departments are told of it: name and the key they look records up by.</summary>
public sealed record ConsultedApplicant(string ApplicationId, string Name, string ApplicantKey, ApplicantCategory Category, Sector Sector);

/// <summary>One department and the applicants it is asked about.</summary>
public sealed record DepartmentAsk(Department Department, IReadOnlyList<string> ApplicationIds);

public enum ConsultationVerdict
{
    /// <summary>无不良记录.</summary>
    NoAdverseRecord,

    /// <summary>有不良记录, with details.</summary>
    AdverseRecord,
}

/// <summary>A department's answer about one applicant.</summary>
/// <summary>
/// One applicant's answer. <see cref="FileId"/> names an optional file the department attached to
/// an adverse record (added later: events stored before it read back with none).
/// </summary>
public sealed record ApplicantAnswer(string ApplicationId, ConsultationVerdict Verdict, string? Details, string? FileId = null);

/// <summary>
/// A consultation round (征求意见) opened for the applications standing at one of the policy's
/// consultation stages: who is asked about whom, and by when (working days on the calendar).
/// </summary>
[EventType("ConsultationOpened", 1)]
public sealed record ConsultationOpened(
    string ConsultationId,
    string CycleId,
    int StageIndex,
    string Article,
    string Title,
    IReadOnlyList<ConsultedApplicant> Applicants,
    IReadOnlyList<DepartmentAsk> Departments,
    int ReplyWorkingDays,
    DateOnly ReplyBy,
    DateTimeOffset DueAt,
    DateOnly RemindOn,
    DateTimeOffset At,
    string? HolderKey = null) : IConsultationEvent
{
    /// <summary>A round about an award holder (<see cref="HolderKey"/> set), not about applications in process.</summary>
    public bool IsAboutHolder => HolderKey is not null;
}

/// <summary>A department's final answer, one line per applicant it was asked about.</summary>
[EventType("DepartmentAnswered", 1)]
public sealed record DepartmentAnswered(Department Department, IReadOnlyList<ApplicantAnswer> Answers, string? RespondentName, DateTimeOffset At) : IConsultationEvent;

/// <summary>A reminder went to the departments that had not answered.</summary>
[EventType("ConsultationReminderSent", 1)]
public sealed record ReminderSent(IReadOnlyList<Department> Departments, DateTimeOffset At) : IConsultationEvent;

/// <summary>The reply deadline passed without these departments' answers; the office is told.</summary>
[EventType("ConsultationReplyOverdue", 1)]
public sealed record ReplyOverdue(IReadOnlyList<Department> Departments, DateTimeOffset At) : IConsultationEvent;

/// <summary>
/// The reply period ran out and the office ended the round without these departments' answers,
/// for the reason it gives (a silent department is not taken as "no adverse record": the round
/// records who did not answer). <see cref="ConsultationClosed"/> follows.
/// </summary>
[EventType("ConsultationClosedWithoutAnswers", 1)]
public sealed record ConsultationClosedWithoutAnswers(IReadOnlyList<Department> Unanswered, string Reason, DateTimeOffset At) : IConsultationEvent;

/// <summary>Every department has answered, or the office ended an overdue round.</summary>
[EventType("ConsultationClosed", 1)]
public sealed record ConsultationClosed(DateTimeOffset At) : IConsultationEvent;

public sealed record ConsultationState
{
    public static ConsultationState Initial { get; } = new();

    public int Version { get; init; }

    public ConsultationOpened? Opened { get; init; }

    public bool Exists => Opened is not null;

    public ImmutableDictionary<Department, DepartmentAnswered> Answers { get; init; } = ImmutableDictionary<Department, DepartmentAnswered>.Empty;

    public ImmutableList<Department> Reminded { get; init; } = [];

    public ImmutableList<Department> Overdue { get; init; } = [];

    public bool IsClosed { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>Set when the office ended the round after the deadline without some departments' answers.</summary>
    public ConsultationClosedWithoutAnswers? ClosedWithoutAnswers { get; init; }

    /// <summary>Departments asked that have not answered yet, in the order they were asked.</summary>
    public IReadOnlyList<Department> Waiting =>
        Opened is null ? [] : Opened.Departments.Select(d => d.Department).Where(d => !Answers.ContainsKey(d)).ToList();

    public bool HasAnswered(Department department) => Answers.ContainsKey(department);

    public DepartmentAsk? Ask(Department department) => Opened?.Departments.FirstOrDefault(d => d.Department == department);

    public static ConsultationState Fold(IEnumerable<IConsultationEvent> events) => events.Aggregate(Initial, Evolve);

    public static ConsultationState Evolve(ConsultationState s, IConsultationEvent e)
    {
        var next = e switch
        {
            ConsultationOpened d => s with { Opened = d },
            DepartmentAnswered d => s with { Answers = s.Answers.SetItem(d.Department, d) },
            ReminderSent d => s with { Reminded = s.Reminded.AddRange(d.Departments) },
            ReplyOverdue d => s with { Overdue = s.Overdue.AddRange(d.Departments) },
            ConsultationClosedWithoutAnswers d => s with { ClosedWithoutAnswers = d },
            ConsultationClosed d => s with { IsClosed = true, ClosedAt = d.At },
            _ => throw new InvalidOperationException($"Unknown consultation event {e.GetType().Name}"),
        };

        return next with { Version = s.Version + 1 };
    }
}

public interface IConsultationCommand;

/// <summary>An application standing at the consultation stage, with what decides who is asked about it.</summary>
public sealed record ConsultationCandidate(string ApplicationId, string Name, string ApplicantKey, ApplicantCategory Category, Sector Sector, bool SecurityFlagged);

/// <summary>Open the round of <paramref name="Stage"/> (index <paramref name="StageIndex"/> in the policy) for these applications.</summary>
public sealed record OpenConsultation(
    string ConsultationId,
    string CycleId,
    int StageIndex,
    StageRule Stage,
    string Title,
    IReadOnlyList<ConsultationCandidate> Candidates,
    int ReminderWorkingDays,
    string? HolderKey = null) : IConsultationCommand;

public sealed record SubmitAnswers(Department Department, IReadOnlyList<ApplicantAnswer> Answers, string? RespondentName) : IConsultationCommand;

/// <summary>The reminder timer: remind every department still waiting.</summary>
public sealed record SendReminder : IConsultationCommand;

/// <summary>The deadline timer: record the departments that missed it.</summary>
public sealed record MarkOverdue : IConsultationCommand;

/// <summary>The office ends a round whose reply period has run out, without the missing answers, and says why.</summary>
public sealed record CloseWithoutAnswers(string Reason) : IConsultationCommand;

public sealed record ConsultationContext(DateTimeOffset Now, WorkingDayCalendar Calendar, Actor Actor);

/// <summary>
/// A consultation round: the departments the policy names are asked, per applicant's sector, for
/// adverse records; each answers once (its answer is final); a reminder goes before the deadline
/// and the office hears of every department that misses it; the round closes when all answered.
/// </summary>
public static class ConsultationDecider
{
    public const int MaxDetailsLength = 2_000;
    public const int MaxRespondentLength = 100;
    public const int MaxCloseReasonLength = 500;

    public static Decision<IConsultationEvent> Decide(IConsultationCommand command, ConsultationState state, ConsultationContext ctx)
    {
        if (command is OpenConsultation open)
        {
            return Open(open, state, ctx);
        }

        if (!state.Exists)
        {
            return NotFound();
        }

        return command switch
        {
            SubmitAnswers c => Answer(c, state, ctx),
            SendReminder => Remind(state, ctx),
            MarkOverdue => Overdue(state, ctx),
            CloseWithoutAnswers c => Close(c, state, ctx),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name),
        };
    }

    /// <summary>Why this department may not answer now; null when it may.</summary>
    public static Refusal? PermAnswer(ConsultationState state, Department department)
    {
        if (!state.Exists)
        {
            return NotFound();
        }

        if (state.Ask(department) is null)
        {
            return Refusal.Forbidden("consultation.department-not-asked", $"本轮征求意见未征求{DepartmentNames.Zh(department)}的意见。", "This department is not asked in this round.");
        }

        if (state.IsClosed && !state.HasAnswered(department))
        {
            return Refusal.Rule("consultation.closed", "本轮征求意见已经结束，不再接收答复。如有情况需要反映，请与评审办公室联系。", "This round has ended and takes no more answers; contact the office.");
        }

        if (state.HasAnswered(department))
        {
            var at = ShanghaiTime.ToShanghai(state.Answers[department].At);
            return Refusal.Rule("consultation.already-answered", $"贵单位已于{at:yyyy年M月d日 HH:mm}提交意见，意见提交后不能更改。如需更正，请与评审办公室联系。", "Your department's answer is final; contact the office to correct it.");
        }

        return null;
    }

    public static bool CanAnswer(ConsultationState state, Department department) => PermAnswer(state, department) is null;

    private static Refusal NotFound() => Refusal.NotFound("consultation.not-found", "征求意见不存在。", "No such consultation.");

    private static Decision<IConsultationEvent> Open(OpenConsultation c, ConsultationState state, ConsultationContext ctx)
    {
        if (state.Exists)
        {
            return state.Opened!.StageIndex == c.StageIndex && state.Opened.CycleId == c.CycleId
                && state.Opened.Applicants.Select(a => a.ApplicationId).Order(StringComparer.Ordinal).SequenceEqual(c.Candidates.Select(a => a.ApplicationId).Order(StringComparer.Ordinal), StringComparer.Ordinal)
                ? Decision<IConsultationEvent>.Nothing
                : Refusal.Rule("consultation.exists", "该环节的征求意见已经发出，不能重复发起。", "This stage's consultation has been opened already.");
        }

        if (ctx.Actor.Role is not (Roles.Office or Roles.System))
        {
            return Refusal.Forbidden("consultation.office-only", "只有评审办公室可以发起征求意见。", "Only the office opens a consultation.");
        }

        if (c.Stage.Kind != StageKind.Consultation)
        {
            throw new ArgumentException("OpenConsultation needs a consultation stage of the policy.", nameof(c));
        }

        if (c.Stage.ReplyWorkingDays is not { } days || days < 1)
        {
            return Refusal.Rule("consultation.no-reply-period", $"政策未规定部门答复的工作日数（{c.Stage.Article}），请先在政策中设定 replyWorkingDays。", $"The policy sets no reply period for {c.Stage.Article}.");
        }

        if (c.ReminderWorkingDays < 0 || c.ReminderWorkingDays >= days)
        {
            return Refusal.Invalid("consultation.reminder-invalid", $"提醒须在答复期限前0至{days - 1}个工作日。", $"The reminder must be 0 to {days - 1} working days before the deadline.", "reminderWorkingDays");
        }

        var asked = new List<ConsultedApplicant>();
        var byDepartment = new Dictionary<Department, List<string>>();
        foreach (var candidate in c.Candidates.DistinctBy(x => x.ApplicationId))
        {
            var departments = StagePlan.DepartmentsFor(c.Stage, candidate.Sector, candidate.SecurityFlagged);
            if (departments.Count == 0)
            {
                continue;
            }

            asked.Add(new ConsultedApplicant(candidate.ApplicationId, candidate.Name, candidate.ApplicantKey, candidate.Category, candidate.Sector));
            foreach (var department in departments)
            {
                (byDepartment.TryGetValue(department, out var list) ? list : byDepartment[department] = []).Add(candidate.ApplicationId);
            }
        }

        if (asked.Count == 0)
        {
            return Refusal.Rule("consultation.empty", "该环节没有待征求意见的申报。", "No application stands at this consultation stage.");
        }

        var today = ShanghaiTime.DateOf(ctx.Now);
        var replyBy = ctx.Calendar.AddWorkingDays(today, days);
        if (!replyBy.IsOk)
        {
            return replyBy.Refusal!;
        }

        var remindOn = WorkingDaysBefore(ctx.Calendar, replyBy.Value, c.ReminderWorkingDays);
        if (!remindOn.IsOk)
        {
            return remindOn.Refusal!;
        }

        // Departments in the policy's order (the order the regulation names them).
        var order = (c.Stage.Consult ?? []).SelectMany(l => l.Departments).Distinct().ToList();
        var asks = byDepartment
            .OrderBy(kv => order.IndexOf(kv.Key))
            .Select(kv => new DepartmentAsk(kv.Key, kv.Value))
            .ToList();
        return Decision<IConsultationEvent>.Accept(new ConsultationOpened(
            c.ConsultationId,
            c.CycleId,
            c.StageIndex,
            c.Stage.Article,
            c.Title,
            asked,
            asks,
            days,
            replyBy.Value,
            ShanghaiTime.EndOf(replyBy.Value),
            remindOn.Value,
            ctx.Now,
            c.HolderKey));
    }

    /// <summary>The working day <paramref name="n"/> working days before <paramref name="date"/> (n = 0: the date itself).</summary>
    public static Outcome<DateOnly> WorkingDaysBefore(WorkingDayCalendar calendar, DateOnly date, int n)
    {
        var day = date;
        var counted = 0;
        while (counted < n)
        {
            day = day.AddDays(-1);
            var working = calendar.IsWorkingDay(day);
            if (!working.IsOk)
            {
                return working.Refusal!;
            }

            if (working.Value)
            {
                counted++;
            }
        }

        return day;
    }

    private static Decision<IConsultationEvent> Answer(SubmitAnswers c, ConsultationState state, ConsultationContext ctx)
    {
        if (PermAnswer(state, c.Department) is { } no)
        {
            return no;
        }

        var ask = state.Ask(c.Department)!;
        var problems = new List<FieldProblem>();
        var given = c.Answers.GroupBy(a => a.ApplicationId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var extra in given.Keys.Where(id => !ask.ApplicationIds.Contains(id)))
        {
            problems.Add(new FieldProblem($"answers[{extra}]", "consultation.applicant-not-asked", $"未就申报“{extra}”征求贵单位意见。", $"Your department is not asked about '{extra}'."));
        }

        var names = state.Opened!.Applicants.ToDictionary(a => a.ApplicationId, a => a.Name, StringComparer.Ordinal);
        var answers = new List<ApplicantAnswer>();
        foreach (var id in ask.ApplicationIds)
        {
            var name = names.GetValueOrDefault(id, id);
            if (!given.TryGetValue(id, out var lines) || lines.Count != 1)
            {
                problems.Add(new FieldProblem($"answers[{id}]", "consultation.answer-missing", $"请对“{name}”作出答复（有或无不良记录）。", $"Answer for '{name}'."));
                continue;
            }

            var a = lines[0];
            var details = string.IsNullOrWhiteSpace(a.Details) ? null : a.Details.Trim();
            if (a.Verdict == ConsultationVerdict.AdverseRecord && details is null)
            {
                problems.Add(new FieldProblem($"details[{id}]", "consultation.details-missing", $"“{name}”有不良记录的，请说明具体情况。", $"Describe the adverse record of '{name}'."));
                continue;
            }

            if (details is not null && !FreeText.HasVisibleCharacter(details))
            {
                problems.Add(FreeText.Problem($"details[{id}]"));
                continue;
            }

            if (details is { Length: > MaxDetailsLength })
            {
                problems.Add(new FieldProblem($"details[{id}]", "consultation.details-too-long", $"“{name}”的情况说明不能超过{MaxDetailsLength}字。", $"The details for '{name}' are limited to {MaxDetailsLength} characters."));
                continue;
            }

            answers.Add(new ApplicantAnswer(id, a.Verdict, a.Verdict == ConsultationVerdict.AdverseRecord ? details : null, a.Verdict == ConsultationVerdict.AdverseRecord ? a.FileId : null));
        }

        if (c.RespondentName is { Length: > MaxRespondentLength })
        {
            problems.Add(new FieldProblem("respondentName", "consultation.respondent-too-long", $"经办人姓名不能超过{MaxRespondentLength}字。", $"The respondent's name is limited to {MaxRespondentLength} characters."));
        }
        else if (FreeText.Visible(c.RespondentName, "respondentName") is not null)
        {
            problems.Add(FreeText.Problem("respondentName"));
        }

        if (problems.Count > 0)
        {
            return Refusal.InvalidFields(
                problems[0].Code,
                "答复有以下问题：" + ZhText.JoinSentences(problems.Select(p => p.Zh)),
                "The answer has problems: " + string.Join("; ", problems.Select(p => p.En)),
                problems);
        }

        var answered = new DepartmentAnswered(c.Department, answers, string.IsNullOrWhiteSpace(c.RespondentName) ? null : c.RespondentName.Trim(), ctx.Now);
        return state.Waiting.Count == 1
            ? Decision<IConsultationEvent>.Accept(answered, new ConsultationClosed(ctx.Now))
            : Decision<IConsultationEvent>.Accept(answered);
    }

    private static Decision<IConsultationEvent> Remind(ConsultationState state, ConsultationContext ctx)
    {
        var due = state.Waiting.Where(d => !state.Reminded.Contains(d)).ToList();
        if (state.IsClosed || due.Count == 0)
        {
            return Decision<IConsultationEvent>.Nothing;
        }

        if (ctx.Now < ShanghaiTime.StartOf(state.Opened!.RemindOn))
        {
            return Refusal.Rule("consultation.reminder-early", $"提醒定于{state.Opened.RemindOn:yyyy年M月d日}发送。", $"The reminder is due on {state.Opened.RemindOn:yyyy-MM-dd}.");
        }

        return Decision<IConsultationEvent>.Accept(new ReminderSent(due, ctx.Now));
    }

    /// <summary>
    /// The office ends a round that has run past its deadline without every answer: only once the
    /// deadline timer has recorded the missing departments as overdue, with a reason; the round then
    /// closes and its applications move on (those with an open adverse record wait for the office).
    /// </summary>
    private static Decision<IConsultationEvent> Close(CloseWithoutAnswers c, ConsultationState state, ConsultationContext ctx)
    {
        if (ctx.Actor.Role is not Roles.Office)
        {
            return Refusal.Forbidden("consultation.office-only", "只有评审办公室可以结束征求意见。", "Only the office ends a consultation.");
        }

        if (state.IsClosed)
        {
            return Refusal.Rule("consultation.closed", "本轮征求意见已经结束。", "This round has ended already.");
        }

        var waiting = state.Waiting;
        if (ctx.Now < state.Opened!.DueAt || waiting.Any(d => !state.Overdue.Contains(d)))
        {
            return Refusal.Rule("consultation.not-overdue", $"答复期限至{state.Opened.ReplyBy:yyyy年M月d日}，期限届满且逾期部门已记录后，才能在缺少答复的情况下结束征求意见。", $"A round can end without every answer only after its deadline ({state.Opened.ReplyBy:yyyy-MM-dd}) has passed and the late departments are recorded.");
        }

        var reason = c.Reason?.Trim() ?? string.Empty;
        if (reason.Length == 0)
        {
            return Refusal.Invalid("reason.missing", "请说明在缺少部门答复的情况下结束征求意见的理由。", "Give the reason for ending the round without every answer.", "reason");
        }

        if (reason.Length > MaxCloseReasonLength)
        {
            return Refusal.Invalid("reason.too-long", $"理由不能超过{MaxCloseReasonLength}字。", $"The reason is limited to {MaxCloseReasonLength} characters.", "reason");
        }

        if (FreeText.Visible(reason, "reason") is { } invisible)
        {
            return invisible;
        }

        return Decision<IConsultationEvent>.Accept(new ConsultationClosedWithoutAnswers(waiting, reason, ctx.Now), new ConsultationClosed(ctx.Now));
    }

    private static Decision<IConsultationEvent> Overdue(ConsultationState state, ConsultationContext ctx)
    {
        var late = state.Waiting.Where(d => !state.Overdue.Contains(d)).ToList();
        if (state.IsClosed || late.Count == 0)
        {
            return Decision<IConsultationEvent>.Nothing;
        }

        if (ctx.Now < state.Opened!.DueAt)
        {
            return Refusal.Rule("consultation.not-due", $"答复期限至{state.Opened.ReplyBy:yyyy年M月d日}，尚未届满。", $"Answers are due by the end of {state.Opened.ReplyBy:yyyy-MM-dd}.");
        }

        return Decision<IConsultationEvent>.Accept(new ReplyOverdue(late, ctx.Now));
    }
}

/// <summary>A round's id: one round per cycle and consultation stage, e.g. <c>changde-2026-c3</c>.</summary>
public static class ConsultationIds
{
    public static string For(string cycleId, int stageIndex) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{cycleId}-c{stageIndex}");

    /// <summary>The most rounds one stage of one cycle may have: the first and its supplementary rounds.</summary>
    public const int MaxRoundsPerStage = 20;

    /// <summary>
    /// The <paramref name="n"/>th round of a stage (n = 1: <see cref="For"/>; n ≥ 2: a supplementary
    /// round for applications that reached the stage after the earlier rounds opened, e.g. <c>changde-2026-c3-2</c>).
    /// </summary>
    public static string For(string cycleId, int stageIndex, int n) =>
        n <= 1 ? For(cycleId, stageIndex) : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{cycleId}-c{stageIndex}-{n}");

    /// <summary>
    /// A round about an award holder: one per award and due date, e.g. <c>app-5d1c…-h20280301</c>.
    /// </summary>
    public static string ForHolder(string applicationId, DateOnly dueOn) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{applicationId}-h{dueOn:yyyyMMdd}");

    public static string StreamId(string consultationId) => "consultation-" + consultationId;

    /// <summary>
    /// Null unless the id has the shape <see cref="For(string, int, int)"/> makes (a slug, ending -c and the stage
    /// index, then the round's number from 2 to <see cref="MaxRoundsPerStage"/> for a supplementary round) or <see cref="ForHolder"/> makes (an application id, -h and the due date).
    /// </summary>
    public static string? Parse(string? consultationId) =>
        CycleId.Parse(consultationId) is { IsOk: true }
        && (System.Text.RegularExpressions.Regex.IsMatch(consultationId!, "-c[0-9]{1,2}(-([2-9]|1[0-9]|20))?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)
            || System.Text.RegularExpressions.Regex.IsMatch(consultationId!, "^app-[a-z0-9-]+-h[0-9]{8}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant))
            ? consultationId
            : null;
}

/// <summary>The office's decision on an adverse record a department reported.</summary>
public static class AdverseRecordRules
{
    /// <summary>
    /// Why the office may not uphold this record (and so disqualify the application on it); null when it may.
    /// Dismissing is <see cref="Applications.DismissAdverseRecord"/> in the application's decider.
    /// </summary>
    public static Refusal? PermUphold(ApplicationState app, string consultationId, Department department, string? reason)
    {
        if (!app.Exists)
        {
            return Refusal.NotFound("application.not-found", "申报不存在。", "No such application.");
        }

        if (app.OpenAdverseRecords.All(r => r.ConsultationId != consultationId || r.Department != department))
        {
            return Refusal.NotFound("consultation.no-open-record", "没有待处理的该部门不良记录。", "There is no open adverse record from that department.");
        }

        return string.IsNullOrWhiteSpace(reason)
            ? Refusal.Invalid("reason.missing", "请说明理由。", "Give a reason.", "reason")
            : FreeText.Visible(reason, "reason");
    }

    /// <summary>The reason the applicant reads when the record ends the application.</summary>
    public static string DisqualificationReason(Department department, string reason) =>
        $"{DepartmentNames.Zh(department)}反馈不良记录，经评审办公室核实：{reason.Trim()}";
}
