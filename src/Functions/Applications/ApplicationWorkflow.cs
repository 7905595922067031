using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Calendar;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Notices;
using QualityAward.Domain.Review;
using QualityAward.Functions.Cycles;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Notices;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Applications;

/// <summary>
/// What an application's orchestration is started with, and each generation continues with:
/// <see cref="At"/> is how far the application and its cycle were written when it was started or
/// woken by a change (decision 0026), for the generation's read; none after a timer or a clock move.
/// </summary>
public sealed record ApplicationWork(string ApplicationId, string CycleId, int Version = ApplicationOrchestration.Version, StreamsAt? At = null);

/// <summary>
/// The input of <see cref="ApplicationSteps.ReadStanding"/>: the application, and how far its streams
/// were written when the orchestration was woken. Read from a bare string too (the application id
/// alone, as generations scheduled before <see cref="At"/> sent it).
/// </summary>
[JsonConverter(typeof(StandingQueryConverter))]
public sealed record StandingQuery(string ApplicationId, StreamsAt? At = null);

public sealed class StandingQueryConverter : JsonConverter<StandingQuery>
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public override StandingQuery? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? new StandingQuery(reader.GetString()!)
            : JsonSerializer.Deserialize<Shape>(ref reader, Web) is { ApplicationId: { } id } shape ? new StandingQuery(id, shape.At) : null;

    public override void Write(Utf8JsonWriter writer, StandingQuery value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, new Shape(value.ApplicationId, value.At), Web);

    private sealed record Shape(string? ApplicationId, StreamsAt? At);
}

/// <summary>How an application's orchestration ended: where the application ended, and a step the system could not take on the way out.</summary>
public sealed record ApplicationEnd(string ApplicationId, string Code, StepRefusal? Refused);

/// <summary>
/// Where an application stands, as its orchestration reads it (from <see cref="Progress.Of"/>):
/// ended or not, what it waits for, who holds the next step, since when, until when its stage
/// expects it, and <see cref="Owed"/>, the step the system itself owes it (the cycle's decision to
/// apply to it, a signed report's score to record, a closed notice to pass), if any.
/// </summary>
public sealed record ApplicationStanding(
    string ApplicationId,
    bool Ended,
    string Code,
    string Zh,
    string En,
    string? Holder,
    DateTimeOffset? Since,
    DateTimeOffset? DueAt,
    bool Overdue,
    string? Owed)
{
    public WaitingFor Status => new(Code, Zh, En, DueAt, Holder: Holder, Since: Since, Overdue: Overdue);
}

/// <summary>What taking an owed step did: moved the application on, was refused (for the worklist), or found nothing to do.</summary>
public sealed record OwedStepOutcome(bool Moved, StepRefusal? Refused);

/// <summary>
/// An application's way through its policy's stages (decision 0019): started at submission, one
/// instance per application (<see cref="Orchestrations.Application"/>). Each generation reads where
/// the application stands (an activity over <see cref="Progress.Of"/>: the orchestrator holds no
/// rule), shows it as its status — the step, who holds it, until when its stage expects it, overdue
/// once past that — takes the step the system owes it if there is one (a refusal stays in its
/// status, for the office's worklist), and otherwise waits once: for <see cref="Orchestrations.Changed"/>
/// (functions that append to the application signal it), a clock move, or a timer to the stage's
/// expected end. When the application has ended it takes it off the proposed winners if it is on
/// them, and completes.
/// </summary>
/// <remarks>Versioning as the notice's (decision 0015): a change to this sequence comes under a new <see cref="Version"/>.</remarks>
public sealed class ApplicationOrchestration : TaskOrchestrator<ApplicationWork, ApplicationEnd>
{
    public const int Version = 1;

    [Function(nameof(ApplicationOrchestration))]
    public static Task<ApplicationEnd> Run([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new ApplicationOrchestration().RunAsync(context, context.GetInput<ApplicationWork>()!);

    public override async Task<ApplicationEnd> RunAsync(TaskOrchestrationContext context, ApplicationWork work)
    {
        var waits = new Waits(context);
        var now = await waits.NowAsync(work.CycleId);
        var standing = await context.CallActivityAsync<ApplicationStanding>(ApplicationSteps.ReadStanding, new StandingQuery(work.ApplicationId, work.At), Orchestrations.Retried);

        if (standing.Ended)
        {
            var left = await context.CallActivityAsync<StepRefusal?>(ApplicationSteps.LeaveProposedWinners, work.ApplicationId, Orchestrations.Retried);
            waits.Show(standing.Status with { Problem = left?.Code, ProblemZh = left?.Zh });
            return new ApplicationEnd(work.ApplicationId, standing.Code, left);
        }

        if (standing.Owed is not null)
        {
            waits.Show(standing.Status);
            var taken = await context.CallActivityAsync<OwedStepOutcome>(ApplicationSteps.TakeOwedStep, work.ApplicationId, Orchestrations.Retried);
            if (taken.Moved)
            {
                return Again(context, work, null);
            }

            if (taken.Refused is { } refused)
            {
                // Refused: the status says why, for the worklist, until something changes.
                waits.Show(standing.Status with { Problem = refused.Code, ProblemZh = refused.Zh });
                await waits.WaitAsync(now, null);
                return Again(context, work, waits.LastWake);
            }
        }

        // Waiting for a person (or for time): until its stage's expected end, then overdue.
        waits.Show(standing.Status);
        await waits.WaitAsync(now, standing.Overdue ? null : standing.DueAt);
        return Again(context, work, waits.LastWake);
    }

    /// <summary>
    /// Wait over: a new generation reads the record afresh (its history stays short), told how far
    /// the change that woke it had written the streams; after a step of its own, a timer or a clock
    /// move it is told nothing and reads them from storage.
    /// </summary>
    private static ApplicationEnd Again(TaskOrchestrationContext context, ApplicationWork work, Wake? woke)
    {
        context.ContinueAsNew(work with { At = woke?.At });
        return null!;
    }
}

/// <summary>The application orchestration's activities: read where it stands; take the step the system owes it; leave the proposed winners.</summary>
public sealed partial class ApplicationSteps(Standings standings, FollowUps followUps)
{
    public const string ReadStanding = "ReadApplicationStanding";
    public const string TakeOwedStep = "TakeOwedApplicationStep";
    public const string LeaveProposedWinners = "LeaveProposedWinners";

    [Function(ReadStanding)]
    public async Task<ApplicationStanding> ReadAsync([ActivityTrigger] StandingQuery query)
    {
        var (_, record, standing) = await standings.OfAsync(query.ApplicationId, CancellationToken.None, query.At);
        return Standings.Summary(standing, record is null ? null : FollowUps.Owed(standing));
    }

    /// <summary>Take the step the system owes the application now (read again here); a concurrent change makes the retry policy run it again.</summary>
    [Function(TakeOwedStep)]
    public async Task<OwedStepOutcome> TakeAsync([ActivityTrigger] string applicationId)
    {
        var refused = await followUps.MoveOnAsync(applicationId, Orchestrations.Application(applicationId), CancellationToken.None);
        return refused switch
        {
            { Code: "concurrency.conflict" } => throw new InvalidOperationException($"Moving {applicationId} on: {refused}"),
            { Code: FollowUps.NothingOwed } => new OwedStepOutcome(false, null),
            null => new OwedStepOutcome(true, null),
            _ => new OwedStepOutcome(false, refused),
        };
    }

    [Function(LeaveProposedWinners)]
    public async Task<StepRefusal?> LeaveAsync([ActivityTrigger] string applicationId)
    {
        var refused = await followUps.LeaveProposedWinnersAsync(applicationId, $"{Orchestrations.Application(applicationId)}:leave", CancellationToken.None);
        return refused is { Code: "concurrency.conflict" } ? throw new InvalidOperationException($"{applicationId} leaving the proposed winners: {refused}") : refused;
    }
}

/// <summary>
/// Everything <see cref="Progress.Of"/> needs about a cycle, read once: the cycle, its review, its
/// notices, its applications, the time and the calendar. The worklist reads a whole cycle with one.
/// </summary>
public sealed record CycleRecord(
    CycleState Cycle,
    ReviewState Review,
    IReadOnlyDictionary<string, NoticeState> Notices,
    IReadOnlyDictionary<string, ApplicationState> Applications,
    DateTimeOffset Now,
    WorkingDayCalendar Calendar)
{
    public Standing StandingOf(ApplicationState app)
    {
        var apps = Applications.ContainsKey(app.ApplicationId) ? Applications : new Dictionary<string, ApplicationState>(Applications) { [app.ApplicationId] = app };
        return Progress.Of(new ProgressInput(app, Cycle, Review, Notices, apps, Now, Calendar));
    }
}

/// <summary>Reads where applications stand, from the record (the event store) and the app's clock.</summary>
public sealed class Standings(Streams streams, ReadModels readModels, Review.ReviewCommands review, CalendarProvider calendars, TimeProvider clock)
{
    /// <summary>
    /// The application, its cycle's record (null when the application does not exist) and where it
    /// stands. The record holds the cycle's review only where the standing reads it
    /// (<see cref="Progress.ReadsReview"/>); elsewhere its review is empty.
    /// </summary>
    /// <param name="at">
    /// How far the application and its cycle were written when the caller was told to look (decision
    /// 0026): this instance's last fold of either serves if it is that far, else storage is read.
    /// </param>
    public async Task<(ApplicationState App, CycleRecord? Record, Standing Standing)> OfAsync(string applicationId, CancellationToken ct, StreamsAt? at = null)
    {
        var app = ApplicationId.Parse(applicationId) is { IsOk: true } id
            ? await streams.LoadAtLeastAsync(StreamKinds.Application, id.Value.StreamId, at?.Application, ct)
            : ApplicationState.Initial;
        if (!app.Exists)
        {
            return (app, null, Progress.Of(new ProgressInput(app, CycleState.Initial, ReviewState.Initial, new Dictionary<string, NoticeState>(), new Dictionary<string, ApplicationState>(), clock.GetUtcNow(), WorkingDayCalendar.MainlandChina)));
        }

        var cycle = await streams.LoadAtLeastAsync(StreamKinds.Cycle, CycleId.Parse(app.CycleId).Value.StreamId, at?.Cycle, ct);

        // The announcement waits for every proposed winner: those are the others its standing reads.
        var others = new Dictionary<string, ApplicationState>(StringComparer.Ordinal) { [app.ApplicationId] = app };
        foreach (var w in cycle.ProposedWinners.Where(w => w.ApplicationId != app.ApplicationId))
        {
            others[w.ApplicationId] = await streams.LoadAsync(StreamKinds.Application, ApplicationId.Parse(w.ApplicationId).Value.StreamId, ct);
        }

        // The review only where the standing reads it (a panel stage): elsewhere it would not change it.
        var record = await RecordAsync(cycle, others, ct, withReview: Progress.ReadsReview(app, cycle));
        return (app, record, record.StandingOf(app));
    }

    /// <summary>A cycle's record with every application submitted in it (drafts left out), or null when there is no such cycle.</summary>
    public async Task<CycleRecord?> OfCycleAsync(string cycleId, CancellationToken ct)
    {
        if (CycleId.Parse(cycleId) is not { IsOk: true } id)
        {
            return null;
        }

        var cycle = await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct);
        if (!cycle.Exists)
        {
            return null;
        }

        var apps = new Dictionary<string, ApplicationState>(StringComparer.Ordinal);
        foreach (var row in await readModels.PartitionAsync(ApplicationIndex.CyclePartition(cycleId), ct))
        {
            if (row.GetString("Status") != nameof(ApplicationStatus.Draft))
            {
                apps[row.RowKey] = await streams.LoadAsync(StreamKinds.Application, ApplicationId.Parse(row.RowKey).Value.StreamId, ct);
            }
        }

        return await RecordAsync(cycle, apps, ct);
    }

    private async Task<CycleRecord> RecordAsync(CycleState cycle, IReadOnlyDictionary<string, ApplicationState> apps, CancellationToken ct, bool withReview = true)
    {
        var notices = new Dictionary<string, NoticeState>(StringComparer.Ordinal);
        foreach (var noticeId in cycle.Notices.Keys)
        {
            notices[noticeId] = await streams.LoadAsync(StreamKinds.Notice, NoticeId.Parse(noticeId).Value.StreamId, ct);
        }

        return new CycleRecord(cycle, withReview ? await review.LoadAsync(cycle.CycleId, ct) : ReviewState.Initial, notices, apps, clock.Now(cycle), await calendars.CurrentAsync(ct));
    }

    /// <summary>The standing as the orchestration shows it: who holds the next step is the first that moves it on.</summary>
    public static ApplicationStanding Summary(Standing s, string? owed)
    {
        var next = s.Steps.FirstOrDefault(x => x.Effect is StepEffect.Advances or StepEffect.Waits) ?? s.Steps.FirstOrDefault();
        var holder = next is null ? null : next.By is null ? next.Role : $"{next.Role}:{next.By}";
        return new ApplicationStanding(s.ApplicationId, s.Ended, s.WaitsFor, s.Zh, s.En, holder, s.Since, s.DueAt, s.Overdue, owed);
    }
}

/// <summary>How functions reach an application's orchestration.</summary>
public static partial class ApplicationWorkflow
{
    /// <summary>
    /// Something was appended to the application: wake its orchestration, or start one if it has
    /// none running (at submission; or a catch-up for an application submitted before there were
    /// any, or whose orchestration ended or failed and which has come back). A draft has none.
    /// </summary>
    /// <param name="at">How far the application and its cycle were written as the caller saw them (decision 0026), if it knows.</param>
    public static async Task ChangedAsync(DurableTaskClient durable, ApplicationState app, string what, ILogger logger, CancellationToken ct, StreamsAt? at = null)
    {
        if (!app.Exists || app.Status == ApplicationStatus.Draft)
        {
            return;
        }

        var instanceId = Orchestrations.Application(app.ApplicationId);
        try
        {
            var instance = await durable.GetInstanceAsync(instanceId, ct);
            if (instance is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended })
            {
                await Orchestrations.SignalAsync(durable, instanceId, new Wake(what, at), logger, ct);
                return;
            }

            if (instance is not null && app.Status != ApplicationStatus.InProcess && !app.Status.IsReinstatable())
            {
                return; // it ended, and its orchestration with it
            }

            await durable.ScheduleNewOrchestrationInstanceAsync(nameof(ApplicationOrchestration), new ApplicationWork(app.ApplicationId, app.CycleId, At: at), new StartOrchestrationOptions(instanceId), ct);
            LogStarted(logger, app.ApplicationId, what);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Another request may have started it at the same moment; its status then shows it. Anything
            // else only delays what the status shows: the worklist reads the record itself.
            LogNotReached(logger, ex, app.ApplicationId, what);
        }
    }

    /// <summary>
    /// How far <paramref name="app"/> (as a command just left it) and its cycle (as this instance
    /// last folded it, which the command read) were written: the hint a wake-up carries (decision 0026).
    /// </summary>
    public static StreamsAt WrittenAt(Streams streams, ApplicationState app) =>
        new(app.Version, streams.KnownVersion(CycleId.Parse(app.CycleId).Value.StreamId));

    /// <summary>Several applications changed at once (a cycle decision applied to each), as they stand now.</summary>
    public static async Task ChangedAsync(DurableTaskClient durable, IEnumerable<ApplicationState> apps, string what, ILogger logger, CancellationToken ct)
    {
        foreach (var app in apps)
        {
            await ChangedAsync(durable, app, what, logger, ct);
        }
    }

    /// <summary>An application a withdrawn decision ended may come back (its orchestration then starts again).</summary>
    private static bool IsReinstatable(this ApplicationStatus status) => status is ApplicationStatus.NotShortlisted or ApplicationStatus.NotSelected;

    [LoggerMessage(Level = LogLevel.Information, Message = "Application {ApplicationId}: its orchestration started ({What})")]
    private static partial void LogStarted(ILogger logger, string applicationId, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Application {ApplicationId}: its orchestration was not reached ({What}); it looks again on its own within hours")]
    private static partial void LogNotReached(ILogger logger, Exception ex, string applicationId, string what);
}
