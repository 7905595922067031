using System.Collections.Immutable;
using QualityAward.Domain.Calendar;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Notices;

public interface INoticeEvent : IDomainEvent
{
    DateTimeOffset At { get; }
}

/// <summary>One line of a published list: only what the public may read.</summary>
/// <summary>One entry of a list. Employer: an individual's work unit (工作单位) as the form gave it; none for an organisation (and on lists published before it was recorded).</summary>
public sealed record NoticeEntry(string ApplicationId, string Name, ApplicantCategory Category, string District, AwardTier? Tier, string? Employer = null);

[EventType("NoticeOpened", 1)]
public sealed record NoticeOpened(
    string NoticeId,
    string CycleId,
    NoticeList List,
    string Title,
    IReadOnlyList<NoticeEntry> Entries,
    DateOnly FirstDay,
    DateOnly LastDay,
    int WorkingDays,
    DateTimeOffset ClosesAt,
    string Article,
    bool AnonymousAllowed,
    DateTimeOffset At,
    bool Rehearsal = false) : INoticeEvent;

/// <summary>
/// An objection (异议). The receipt code itself is given to the objector only; the stream keeps
/// its hash, so nobody reading storage can act as the objector.
/// </summary>
[EventType("ObjectionFiled", 1)]
public sealed record ObjectionFiled(
    string ObjectionId,
    string ReceiptCodeHash,
    string? ApplicationId,
    bool RealName,
    string? ObjectorName,
    string? ObjectorContact,
    string Text,
    IReadOnlyList<string> EvidenceDocumentIds,
    DateTimeOffset At) : INoticeEvent;

[EventType("ObjectionFindingRecorded", 1)]
public sealed record ObjectionFindingRecorded(string ObjectionId, bool Upheld, string Finding, DateTimeOffset At) : INoticeEvent;

[EventType("NoticeEntryRemoved", 1)]
public sealed record NoticeEntryRemoved(string ApplicationId, string ObjectionId, DateTimeOffset At) : INoticeEvent;

[EventType("ObjectorNotified", 1)]
public sealed record ObjectorNotified(string ObjectionId, DateTimeOffset At) : INoticeEvent;

[EventType("NoticeClosed", 1)]
public sealed record NoticeClosed(IReadOnlyList<NoticeEntry> Remaining, DateTimeOffset At) : INoticeEvent;

public sealed record Objection(ObjectionFiled Filed, ObjectionFindingRecorded? Finding, bool ObjectorNotified)
{
    public bool IsOpen => Finding is null;
}

public sealed record NoticeState
{
    public static NoticeState Initial { get; } = new();

    public int Version { get; init; }

    public NoticeOpened? Opened { get; init; }

    public bool Exists => Opened is not null;

    public ImmutableList<NoticeEntry> Entries { get; init; } = [];

    public ImmutableList<Objection> Objections { get; init; } = [];

    /// <summary>Entries an upheld objection took off the list: each application is to be disqualified (Changde §24).</summary>
    public ImmutableList<NoticeEntryRemoved> Removed { get; init; } = [];

    public NoticeClosed? Closed { get; init; }

    public bool IsClosed => Closed is not null;

    public bool IsOpenAt(DateTimeOffset now) =>
        Opened is { } o && !IsClosed && now >= ShanghaiTime.StartOf(o.FirstDay) && now < o.ClosesAt;

    public static NoticeState Fold(IEnumerable<INoticeEvent> events) => events.Aggregate(Initial, Evolve);

    public static NoticeState Evolve(NoticeState s, INoticeEvent e)
    {
        var next = e switch
        {
            NoticeOpened d => s with { Opened = d, Entries = [.. d.Entries] },
            ObjectionFiled d => s with { Objections = s.Objections.Add(new Objection(d, null, false)) },
            ObjectionFindingRecorded d => s with
            {
                Objections = s.Objections.Select(o => o.Filed.ObjectionId == d.ObjectionId ? o with { Finding = d } : o).ToImmutableList(),
            },
            NoticeEntryRemoved d => s with { Entries = s.Entries.RemoveAll(x => x.ApplicationId == d.ApplicationId), Removed = s.Removed.Add(d) },
            ObjectorNotified d => s with
            {
                Objections = s.Objections.Select(o => o.Filed.ObjectionId == d.ObjectionId ? o with { ObjectorNotified = true } : o).ToImmutableList(),
            },
            NoticeClosed d => s with { Closed = d },
            _ => throw new InvalidOperationException($"Unknown notice event {e.GetType().Name}"),
        };

        return next with { Version = s.Version + 1 };
    }
}

public interface INoticeCommand;

/// <summary>Publish a list from <see cref="FirstDay"/> for <see cref="WorkingDays"/> working days (at least the policy's).</summary>
public sealed record OpenNotice(
    string NoticeId,
    string CycleId,
    StageRule Stage,
    string Title,
    IReadOnlyList<NoticeEntry> Entries,
    DateOnly FirstDay,
    int WorkingDays,
    bool AnonymousAllowed,
    bool Rehearsal = false) : INoticeCommand;

public sealed record FileObjection(
    string ObjectionId,
    string ReceiptCodeHash,
    string? ApplicationId,
    bool RealName,
    string? ObjectorName,
    string? ObjectorContact,
    string Text,
    IReadOnlyList<string> EvidenceDocumentIds) : INoticeCommand;

public sealed record RecordObjectionFinding(string ObjectionId, bool Upheld, string Finding) : INoticeCommand;

/// <summary>
/// One finding for several objections at once (e.g. a flood dismissed as inadmissible): each is
/// decided exactly as <see cref="RecordObjectionFinding"/> would decide it, all or nothing.
/// </summary>
public sealed record RecordObjectionFindings(IReadOnlyList<string> ObjectionIds, bool Upheld, string Finding) : INoticeCommand;

public sealed record MarkObjectorNotified(string ObjectionId) : INoticeCommand;

public sealed record CloseNotice : INoticeCommand;

public sealed record NoticeContext(DateTimeOffset Now, WorkingDayCalendar Calendar, Actor Actor);

/// <summary>
/// A public notice: at least its working days long (ended on the calendar), open to objections
/// while it runs, closed only when the period is over and no objection is still open.
/// </summary>
public static class NoticeDecider
{
    public const int MaxObjectionLength = 5_000;
    public const int MaxEvidenceFiles = 10;

    /// <summary>
    /// Objections one bulk finding may cover: each gives one event, an upheld one possibly a
    /// second (the entry's removal), and one append holds at most 90 events (one table transaction).
    /// </summary>
    public const int MaxFindingsAtOnce = 45;

    public static Decision<INoticeEvent> Decide(INoticeCommand command, NoticeState state, NoticeContext ctx)
    {
        if (command is OpenNotice open)
        {
            return Open(open, state, ctx);
        }

        if (!state.Exists)
        {
            return Refusal.NotFound("notice.not-found", "公示不存在。", "No such notice.");
        }

        return command switch
        {
            FileObjection c => File(c, state, ctx),
            RecordObjectionFinding c => Finding(c, state, ctx),
            RecordObjectionFindings c => Findings(c, state, ctx),
            MarkObjectorNotified c => Notified(c, state, ctx),
            CloseNotice => Close(state, ctx),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name),
        };
    }

    private static Decision<INoticeEvent> Open(OpenNotice c, NoticeState state, NoticeContext ctx)
    {
        if (state.Exists)
        {
            return state.Opened!.FirstDay == c.FirstDay ? Decision<INoticeEvent>.Nothing : Refusal.Rule("notice.exists", "该公示已发布。", "The notice has been published already.");
        }

        if (ctx.Actor.Role is not (Roles.Office or Roles.System))
        {
            return Refusal.Forbidden("notice.office-only", "只有评审办公室可以发布公示。", "Only the office publishes notices.");
        }

        if (c.Stage.Kind != StageKind.PublicNotice || c.Stage.List is not { } list || c.Stage.MinWorkingDays is not { } min)
        {
            throw new ArgumentException("OpenNotice needs the policy's public-notice stage.", nameof(c));
        }

        if (c.Entries.Count == 0)
        {
            return Refusal.Rule("notice.empty", $"{list.Zh()}为空，无需公示。", "The list is empty.");
        }

        // A length the policy fixes is refused in its own words (公示期为5个工作日), never as 不少于.
        if (c.Stage.ExactWorkingDays && c.WorkingDays != min)
        {
            return Refusal.Invalid("notice.exact-length", $"{c.Stage.Article}规定{c.Stage.PeriodRuleZh()}。", $"{c.Stage.Article} fixes the notice at {min} working days.", "workingDays");
        }

        if (c.WorkingDays < min)
        {
            return Refusal.Invalid("notice.too-short", $"{c.Stage.PeriodRuleZh()}（{c.Stage.Article}）。", $"A notice lasts at least {min} working days ({c.Stage.Article}).", "workingDays");
        }

        if (c.WorkingDays > 60)
        {
            return Refusal.Invalid("notice.too-long", "公示期不超过60个工作日。", "A notice lasts at most 60 working days.", "workingDays");
        }

        if (c.FirstDay < ShanghaiTime.DateOf(ctx.Now))
        {
            return Refusal.Invalid("notice.first-day-past", "公示开始日期不能早于今天。", "The first day cannot be in the past.", "firstDay");
        }

        var last = ctx.Calendar.NoticeLastDay(c.FirstDay, c.WorkingDays);
        if (!last.IsOk)
        {
            return last.Refusal!;
        }

        return Decision<INoticeEvent>.Accept(new NoticeOpened(
            c.NoticeId,
            c.CycleId,
            list,
            c.Title,
            c.Entries,
            c.FirstDay,
            last.Value,
            c.WorkingDays,
            ShanghaiTime.EndOf(last.Value),
            c.Stage.Article,
            c.AnonymousAllowed,
            ctx.Now,
            c.Rehearsal));
    }

    private static Decision<INoticeEvent> File(FileObjection c, NoticeState state, NoticeContext ctx)
    {
        var opened = state.Opened!;
        if (state.Objections.Any(o => o.Filed.ObjectionId == c.ObjectionId))
        {
            return Decision<INoticeEvent>.Nothing;
        }

        if (!state.IsOpenAt(ctx.Now))
        {
            return ctx.Now < ShanghaiTime.StartOf(opened.FirstDay)
                ? Refusal.Rule("notice.not-started", $"公示自{opened.FirstDay:yyyy年M月d日}开始。", $"The notice starts on {opened.FirstDay:yyyy-MM-dd}.")
                : Refusal.Rule("notice.period-over", $"公示期已于{opened.LastDay:yyyy年M月d日}结束，不再受理异议。", $"The notice period ended on {opened.LastDay:yyyy-MM-dd}.");
        }

        if (c.ApplicationId is { } app && state.Entries.All(e => e.ApplicationId != app))
        {
            return Refusal.NotFound("notice.entry-not-found", "公示名单中没有该申报。", "The application is not on the list.");
        }

        if (string.IsNullOrWhiteSpace(c.Text) || c.Text.Length > MaxObjectionLength)
        {
            return Refusal.Invalid("objection.text-invalid", $"请写明异议的事实和理由（不超过{MaxObjectionLength}字）。", $"State the facts and reasons (at most {MaxObjectionLength} characters).", "text");
        }

        if (FreeText.Visible(c.Text, "text") is { } invisible)
        {
            return invisible;
        }

        if (c.RealName && (string.IsNullOrWhiteSpace(c.ObjectorName) || string.IsNullOrWhiteSpace(c.ObjectorContact)))
        {
            return Refusal.Invalid("objection.identity-missing", "实名提出异议的，请填写姓名和联系方式。", "A real-name objection needs a name and a contact.", "objectorName");
        }

        if (!c.RealName && !opened.AnonymousAllowed)
        {
            return Refusal.Rule("objection.real-name-required", "本公示只受理实名异议。", "This notice takes real-name objections only.", "realName");
        }

        if (!c.RealName && Anonymity.Identifies(c.ObjectorName, c.ObjectorContact))
        {
            return Anonymity.Refused("objection", "提出异议", "objection", c.ObjectorName);
        }

        if (c.EvidenceDocumentIds.Count > MaxEvidenceFiles)
        {
            return Refusal.Invalid("objection.too-many-files", $"证明材料至多{MaxEvidenceFiles}个文件。", $"At most {MaxEvidenceFiles} evidence files.", "evidence");
        }

        if ((c.ObjectorName?.Length ?? 0) > 100 || (c.ObjectorContact?.Length ?? 0) > 200)
        {
            return Refusal.Invalid("objection.identity-too-long", "姓名或联系方式过长。", "The name or contact is too long.", "objectorName");
        }

        if ((FreeText.Visible(c.ObjectorName, "objectorName") ?? FreeText.Visible(c.ObjectorContact, "objectorContact")) is { } unreadable)
        {
            return unreadable;
        }

        return Decision<INoticeEvent>.Accept(new ObjectionFiled(
            c.ObjectionId,
            c.ReceiptCodeHash,
            c.ApplicationId,
            c.RealName,
            c.RealName ? c.ObjectorName!.Trim() : null,
            c.RealName ? c.ObjectorContact!.Trim() : null,
            c.Text.Trim(),
            c.EvidenceDocumentIds,
            ctx.Now));
    }

    private static Decision<INoticeEvent> Finding(RecordObjectionFinding c, NoticeState state, NoticeContext ctx)
    {
        if (ctx.Actor.Role != Roles.Office)
        {
            return Refusal.Forbidden("notice.office-only", "只有评审办公室可以记录调查结论。", "Only the office records findings.");
        }

        var objection = state.Objections.FirstOrDefault(o => o.Filed.ObjectionId == c.ObjectionId);
        if (objection is null)
        {
            return Refusal.NotFound("objection.not-found", "异议不存在。", "No such objection.");
        }

        if (!objection.IsOpen)
        {
            return objection.Finding!.Upheld == c.Upheld && objection.Finding.Finding == c.Finding.Trim()
                ? Decision<INoticeEvent>.Nothing
                : Refusal.Rule("objection.decided", "该异议已有调查结论。", "The objection has a finding already.");
        }

        if (string.IsNullOrWhiteSpace(c.Finding) || c.Finding.Length > MaxObjectionLength)
        {
            return Refusal.Invalid("objection.finding-missing", "请写明调查核实的结论。", "Write the finding.", "finding");
        }

        if (FreeText.Visible(c.Finding, "finding") is { } invisibleFinding)
        {
            return invisibleFinding;
        }

        var recorded = new ObjectionFindingRecorded(c.ObjectionId, c.Upheld, c.Finding.Trim(), ctx.Now);
        if (c.Upheld && objection.Filed.ApplicationId is { } app && state.Entries.Any(e => e.ApplicationId == app))
        {
            // Changde §24: 查明属实的…取消其获奖资格 — an upheld objection takes the entry off the list.
            return Decision<INoticeEvent>.Accept(recorded, new NoticeEntryRemoved(app, c.ObjectionId, ctx.Now));
        }

        return Decision<INoticeEvent>.Accept(recorded);
    }

    /// <summary>
    /// Every id is decided against the state the earlier ones leave (so two upheld objections to
    /// one entry remove it once); any refusal refuses the whole command, naming every bad id.
    /// An id already carrying this very finding is skipped, so a repeated request changes nothing.
    /// </summary>
    private static Decision<INoticeEvent> Findings(RecordObjectionFindings c, NoticeState state, NoticeContext ctx)
    {
        if (ctx.Actor.Role != Roles.Office)
        {
            return Refusal.Forbidden("notice.office-only", "只有评审办公室可以记录调查结论。", "Only the office records findings.");
        }

        if (c.ObjectionIds.Count == 0)
        {
            return Refusal.Invalid("objection.ids-missing", "请列出要记录调查结论的异议。", "List the objections the finding is for.", "objectionIds");
        }

        if (c.ObjectionIds.Count > MaxFindingsAtOnce)
        {
            return Refusal.Invalid("objection.too-many-at-once", $"一次至多为{MaxFindingsAtOnce}件异议记录调查结论，请分批提交。", $"At most {MaxFindingsAtOnce} objections at once; send the rest in another request.", "objectionIds");
        }

        if (string.IsNullOrWhiteSpace(c.Finding) || c.Finding.Length > MaxObjectionLength)
        {
            return Refusal.Invalid("objection.finding-missing", "请写明调查核实的结论。", "Write the finding.", "finding");
        }

        if (FreeText.Visible(c.Finding, "finding") is { } invisibleFinding)
        {
            return invisibleFinding;
        }

        var problems = new List<FieldProblem>();
        var bad = new List<string>();
        var events = new List<INoticeEvent>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < c.ObjectionIds.Count; i++)
        {
            var id = c.ObjectionIds[i] ?? string.Empty;
            var field = $"objectionIds[{i}]";
            var shown = id.Length > 64 ? id[..64] + "…" : id;
            if (!seen.Add(id))
            {
                bad.Add(shown);
                problems.Add(new FieldProblem(field, "objection.listed-twice", $"异议{shown}重复列出。", $"Objection {shown} is listed twice."));
                continue;
            }

            var one = Finding(new RecordObjectionFinding(id, c.Upheld, c.Finding), state, ctx);
            if (one.IsRefused)
            {
                bad.Add(shown);
                problems.Add(new FieldProblem(field, one.Refusal!.Code, $"异议{shown}：{one.Refusal.Zh}", $"Objection {shown}: {one.Refusal.En}"));
                continue;
            }

            events.AddRange(one.Events);
            state = one.Events.Aggregate(state, NoticeState.Evolve);
        }

        if (problems.Count > 0)
        {
            var ids = string.Join("、", bad.Distinct());
            var refusal = problems.Any(p => p.Code is "objection.not-found" or "objection.listed-twice")
                ? Refusal.InvalidFields("objection.bulk-refused", $"以下异议不能记录该结论，本次未记录任何结论：{ids}。", $"These objections cannot take the finding; nothing was recorded: {ids}.", problems)
                : new Refusal("objection.bulk-refused", RefusalKind.Rule, $"以下异议已有不同的调查结论，本次未记录任何结论：{ids}。", $"These objections have a different finding already; nothing was recorded: {ids}.", problems[0].Field) { Problems = problems };
            return refusal;
        }

        return events.Count == 0 ? Decision<INoticeEvent>.Nothing : Decision<INoticeEvent>.Accept(events);
    }

    private static Decision<INoticeEvent> Notified(MarkObjectorNotified c, NoticeState state, NoticeContext ctx)
    {
        var objection = state.Objections.FirstOrDefault(o => o.Filed.ObjectionId == c.ObjectionId);
        if (objection is null)
        {
            return Refusal.NotFound("objection.not-found", "异议不存在。", "No such objection.");
        }

        if (objection.ObjectorNotified)
        {
            return Decision<INoticeEvent>.Nothing;
        }

        return objection.IsOpen
            ? Refusal.Rule("objection.not-decided", "异议尚无调查结论。", "The objection has no finding yet.")
            : Decision<INoticeEvent>.Accept(new ObjectorNotified(c.ObjectionId, ctx.Now));
    }

    private static Decision<INoticeEvent> Close(NoticeState state, NoticeContext ctx)
    {
        if (state.IsClosed)
        {
            return Decision<INoticeEvent>.Nothing;
        }

        var opened = state.Opened!;
        if (ctx.Now < opened.ClosesAt)
        {
            return Refusal.Rule("notice.still-running", $"公示期至{opened.LastDay:yyyy年M月d日}（{opened.WorkingDays}个工作日）结束，尚未期满。", $"The notice runs until the end of {opened.LastDay:yyyy-MM-dd}.");
        }

        var open = state.Objections.Count(o => o.IsOpen);
        if (open > 0)
        {
            return Refusal.Rule("notice.objections-open", $"尚有{open}件异议未调查完毕，公示结果不能确定。", $"{open} objections are still being investigated.");
        }

        return Decision<INoticeEvent>.Accept(new NoticeClosed(state.Entries, ctx.Now));
    }
}
