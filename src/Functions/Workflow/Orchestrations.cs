using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace QualityAward.Functions.Workflow;

/// <summary>
/// What every orchestration shares. Orchestrations hold no rule of the process: they wait and call
/// activities, and activities load a stream, call its decider and append, keyed by instance and
/// step so that running one twice changes nothing. External events only wake an orchestration up
/// (the record it then reads is the event store), so a signal sent twice, or lost, does no harm.
/// </summary>
public static partial class Orchestrations
{
    /// <summary>Raised when the app's clock moves other than with the wall clock (tests, rehearsals): every waiting orchestration looks again.</summary>
    public const string ClockMoved = "ClockMoved";

    /// <summary>Raised when something an orchestration waits on has been recorded (an objection, a finding, an answer, a change of its application).</summary>
    public const string Changed = "Changed";

    /// <summary>
    /// The longest a durable timer sleeps before the orchestration looks at the app's clock again:
    /// keeps timers within every storage provider's limit, and lets a wait whose deadline moved
    /// (a window extended, a rehearsal's clock moved without a signal) notice within hours.
    /// </summary>
    public static readonly TimeSpan LongestNap = TimeSpan.FromHours(6);

    /// <summary>Activities that touch storage or mail: retried with backoff, as the host retries a failed trigger.</summary>
    public static readonly TaskOptions Retried = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 8,
        firstRetryInterval: TimeSpan.FromSeconds(2),
        backoffCoefficient: 2,
        maxRetryInterval: TimeSpan.FromMinutes(5)));

    public static string Notice(string noticeId) => $"notice-{noticeId}";

    public static string Consultation(string consultationId) => $"consultation-{consultationId}";

    public static string Application(string applicationId) => $"application-{applicationId}";

    public static string SubmissionWindow(string cycleId) => $"window-{cycleId}";

    /// <summary>
    /// Start an orchestration under <paramref name="instanceId"/>, once: a start that finds the
    /// instance there already leaves it alone, unless <paramref name="afresh"/> says to start it
    /// afresh (its steps are idempotent, so running it again only takes what is still owed). A start
    /// that loses a race with another (the instance appeared meanwhile) is not a failure; anything
    /// else is. True when this call started it.
    /// </summary>
    public static async Task<bool> StartOnceAsync(DurableTaskClient durable, TaskName orchestrator, string instanceId, object input, Afresh afresh, CancellationToken ct)
    {
        if (await durable.GetInstanceAsync(instanceId, ct) is { } existing && !StartsAfresh(existing.RuntimeStatus, afresh))
        {
            return false;
        }

        try
        {
            await durable.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, new StartOrchestrationOptions(instanceId), ct);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Another request may have started it at the same moment; anything else is a failure.
            if (await durable.GetInstanceAsync(instanceId, ct) is { } racing && !StartsAfresh(racing.RuntimeStatus, afresh))
            {
                return false;
            }

            throw;
        }
    }

    private static bool StartsAfresh(OrchestrationRuntimeStatus status, Afresh afresh) => afresh switch
    {
        Afresh.IfFailed => status is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated,
        Afresh.IfEnded => status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated,
        _ => false,
    };

    /// <summary>
    /// Wake an orchestration (<see cref="Changed"/>). A wake-up only: the orchestration reads what
    /// changed from the record, so one that is lost (the instance finished, a failure here) changes
    /// nothing but timing — it also looks again at least every <see cref="LongestNap"/>.
    /// </summary>
    public static Task SignalAsync(DurableTaskClient durable, string instanceId, string what, ILogger logger, CancellationToken ct) =>
        SignalAsync(durable, instanceId, new Wake(what), logger, ct);

    /// <summary>Wake an orchestration, saying how far the streams it reads were written when it was woken (decision 0026).</summary>
    public static async Task SignalAsync(DurableTaskClient durable, string instanceId, Wake wake, ILogger logger, CancellationToken ct)
    {
        var what = wake.What;
        try
        {
            await durable.RaiseEventAsync(instanceId, Changed, wake, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSignalLost(logger, ex, instanceId, what);
        }
    }

    /// <summary>
    /// Tell every running orchestration that the app's clock moved (a test's fake clock, a
    /// rehearsal's clock; first <see cref="ClockEpoch.Advance"/>): each reads it again, and shows the
    /// new epoch as <see cref="WaitingFor.Seen"/> once it waits again. Returns the instances told.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ClockMovedAsync(DurableTaskClient durable, long epoch, CancellationToken ct)
    {
        var told = new List<string>();
        var query = new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending] };
        await foreach (var instance in durable.GetAllInstancesAsync(query).WithCancellation(ct))
        {
            await durable.RaiseEventAsync(instance.InstanceId, ClockMoved, epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
            told.Add(instance.InstanceId);
        }

        return told;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not wake orchestration {InstanceId} ({What}); it looks again on its own within hours")]
    private static partial void LogSignalLost(ILogger logger, Exception ex, string instanceId, string what);
}

/// <summary>Whether <see cref="Orchestrations.StartOnceAsync"/> starts afresh an instance it finds there already.</summary>
public enum Afresh
{
    /// <summary>Never: any instance, in any state, is left alone.</summary>
    Never,

    /// <summary>One that failed or was terminated (an operator's way to set it going again); a running or completed one is left alone.</summary>
    IfFailed,

    /// <summary>Any that is no longer running (completed too): it runs once more.</summary>
    IfEnded,
}

/// <summary>
/// An orchestration's waits and the status it shows while it waits (<see cref="WaitingFor"/>).
/// Each generation of an orchestration first reads the app's clock (an activity, so replays see the
/// same answer), then waits at most once — one durable timer of at most
/// <see cref="Orchestrations.LongestNap"/>, ended early by <see cref="Orchestrations.Changed"/> or
/// <see cref="Orchestrations.ClockMoved"/> — and then continues as new, so its history stays short
/// however long it waits. Signals only wake it: what it acts on it reads from the record. While it
/// waits, its status shows the clock epoch it last read (<see cref="WaitingFor.Seen"/>), so whoever
/// moved the clock can tell when every orchestration has looked at it again.
/// </summary>
public sealed class Waits(TaskOrchestrationContext context)
{
    public long Seen { get; private set; }

    /// <summary>What the orchestration waits for now; shown as its custom status.</summary>
    public WaitingFor Status { get; private set; } = new("starting", "开始", "Starting");

    /// <summary>Show what the orchestration is doing or about to wait for (while it works, <see cref="WaitingFor.Seen"/> is empty).</summary>
    public void Show(WaitingFor status)
    {
        Status = status;
        context.SetCustomStatus(status with { Seen = null });
    }

    /// <summary>Now, by the app's clock for <paramref name="clockScope"/> (the cycle's).</summary>
    public async Task<DateTimeOffset> NowAsync(string clockScope)
    {
        // Retried like every activity that touches storage: a cycle's clock is read from its stream (a rehearsal's moves).
        var reading = await context.CallActivityAsync<ClockReading>(WorkflowClock.ReadClock, clockScope, Orchestrations.Retried);
        Seen = reading.Epoch;
        return reading.Now;
    }

    /// <summary>
    /// One wait, at most until <paramref name="dueAt"/> (by the clock read at <paramref name="now"/>)
    /// or <see cref="Orchestrations.LongestNap"/>: true when woken by a change, false when the timer
    /// fired or the clock moved. Either way the caller continues as new and looks again.
    /// </summary>
    public async Task<bool> WaitAsync(DateTimeOffset now, DateTimeOffset? dueAt)
    {
        var nap = dueAt is { } due && due - now < Orchestrations.LongestNap ? due - now : Orchestrations.LongestNap;

        // Waiting now, having read the clock at epoch Seen.
        context.SetCustomStatus(Status with { Seen = Seen });
        using var stop = new CancellationTokenSource();
        var timer = context.CreateTimer(context.CurrentUtcDateTime.Add(nap), stop.Token);
        var changed = context.WaitForExternalEvent<Wake?>(Orchestrations.Changed, stop.Token);
        var moved = context.WaitForExternalEvent<string?>(Orchestrations.ClockMoved, stop.Token);
        var woke = await Task.WhenAny(timer, changed, moved);
        stop.Cancel();
        LastWake = woke == changed ? changed.Result ?? new Wake("changed") : null;
        return woke == changed;
    }

    /// <summary>The change that ended the last wait, if a change did (not a timer or a clock move).</summary>
    public Wake? LastWake { get; private set; }
}

/// <summary>
/// What a <see cref="Orchestrations.Changed"/> signal says: what happened and, when the sender knows,
/// how far the streams the orchestration reads were written then (<see cref="At"/>; decision 0026).
/// A hint, not state: the orchestration still reads the record, but may take this instance's last
/// fold of a stream when it is at that version or later instead of asking storage again. A signal
/// sent as a bare string (every sender before the hint, and any that knows no versions) is a wake
/// without one.
/// </summary>
[JsonConverter(typeof(WakeConverter))]
public sealed record Wake(string What, StreamsAt? At = null);

/// <summary>The versions an application's stream and its cycle's stream were at (as many events as each held).</summary>
public sealed record StreamsAt(int Application, int Cycle);

/// <summary>Reads a <see cref="Wake"/> from its object or from a bare string (the wake-ups sent before <see cref="Wake.At"/>).</summary>
public sealed class WakeConverter : JsonConverter<Wake>
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public override Wake? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => new Wake(reader.GetString() ?? "changed"),
        JsonTokenType.Null => null,
        _ => JsonSerializer.Deserialize<Shape>(ref reader, Web) is { } shape ? new Wake(shape.What ?? "changed", shape.At) : null,
    };

    public override void Write(Utf8JsonWriter writer, Wake value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, new Shape(value.What, value.At), Web);

    private sealed record Shape(string? What, StreamsAt? At);
}

/// <summary>The app's clock as an orchestration reads it: the time, and how many times it has been moved by hand.</summary>
public sealed record ClockReading(DateTimeOffset Now, long Epoch);

/// <summary>
/// How many times the app's clock has been moved other than by time passing (a test's fake clock, a
/// rehearsal's clock). Orchestrations show the epoch they last read, so a mover can wait for all.
/// </summary>
public sealed class ClockEpoch
{
    private long _epoch;

    public long Current => Interlocked.Read(ref _epoch);

    public long Advance() => Interlocked.Increment(ref _epoch);
}

/// <summary>
/// Where an orchestration stands, as its custom status: what it waits for (a code and the words an
/// office reads), since when, until when it expects to, and a problem if a step was refused.
/// </summary>
public sealed record WaitingFor(
    [property: Description("What the orchestration waits for: a stable code (notice-period, objections, department-answers, …).")] string Code,
    [property: Description("The same in words (zh-CN).")] string Zh,
    [property: Description("The same in words (English).")] string En,
    [property: Description("Until when it waits, by the app's clock (a deadline), if it has one.")] DateTimeOffset? Until = null,
    [property: Description("A refused step: the problem code, which the office's worklist shows with its reason.")] string? Problem = null,
    [property: Description("The refusal's reason (zh-CN).")] string? ProblemZh = null,
    [property: Description("While it waits: the last clock move it has taken in (tests and rehearsals move the clock and wait for this); empty while it works.")] long? Seen = null,
    [property: Description("Who holds the next step: a role, and the one person or body when only one may take it (role:subject).")] string? Holder = null,
    [property: Description("Since when it waits at this step, by the app's clock.")] DateTimeOffset? Since = null,
    [property: Description("It waits past what its stage expects (past Until).")] bool? Overdue = null);

/// <summary>
/// The app's clock, as orchestrations may read it: through an activity, so that replays see the
/// same answer. For a cycle's orchestration it is that cycle's time (<see cref="Cycles.CycleClock"/>).
/// </summary>
public sealed class WorkflowClock(Cycles.CycleClock clock)
{
    public const string ReadClock = nameof(ReadClock);

    /// <summary>Now, by the clock the app's commands use for <paramref name="scope"/> (a cycle id, or a holder's key), and its epoch.</summary>
    [Function(ReadClock)]
    public Task<ClockReading> Read([ActivityTrigger] string scope) => clock.ReadAsync(scope, CancellationToken.None);
}
