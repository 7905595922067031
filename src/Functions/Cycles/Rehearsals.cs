using System.ComponentModel;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using QualityAward.Domain;
using QualityAward.Domain.Cycles;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Cycles;

/// <summary>Whether this deployment may open rehearsal cycles (演练). Off unless set: a production deployment opts in.</summary>
public sealed class RehearsalOptions
{
    public const string Section = "Rehearsals";

    /// <summary>Rehearsals may be opened here (Development and test runs set it; a production deployment only on purpose).</summary>
    public bool Allowed { get; set; }
}

/// <summary>
/// The time of a cycle: real time, or for a rehearsal real time plus the offset its office has moved
/// its clock by (decision 0022). Every command and view about a cycle takes "now" from here, and
/// the orchestrations read it through <see cref="WorkflowClock.ReadClock"/>.
/// </summary>
public static class CycleTime
{
    public static DateTimeOffset Now(this TimeProvider clock, CycleState cycle) => clock.GetUtcNow() + cycle.ClockOffset;
}

/// <summary>
/// A cycle's time for those that know only its id (a notice's command, an orchestration's clock).
/// A cycle is a rehearsal or not from its opening on, so one this instance has folded as opened and
/// real (<see cref="Streams.Known"/>) is not read again for its clock; a rehearsal's is read each
/// time (its office may have moved it).
/// </summary>
public sealed class CycleClock(TimeProvider clock, ClockEpoch epoch, Streams streams)
{
    public async Task<DateTimeOffset> NowAsync(string? cycleId, CancellationToken ct) => (await ReadAsync(cycleId, ct)).Now;

    /// <summary>Now for <paramref name="scope"/> (a cycle id; anything else runs on real time) and the epoch: the test clock's moves plus the rehearsal's.</summary>
    public async Task<ClockReading> ReadAsync(string? scope, CancellationToken ct)
    {
        if (scope is null || CycleId.Parse(scope) is not { IsOk: true } id
            || streams.Known(StreamKinds.Cycle, id.Value.StreamId) is { Exists: true, Rehearsal: false })
        {
            return new(clock.GetUtcNow(), epoch.Current);
        }

        var cycle = await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct);
        return new(clock.Now(cycle), epoch.Current + cycle.ClockMoves);
    }
}

[Description("Move a rehearsal's clock forward: to an instant, by days, or to the start of the working day so many working days ahead. Give one.")]
public sealed record RehearsalClockRequest(
    [property: Description("The rehearsal's new time (ISO 8601 with offset), later than its time now.")] DateTimeOffset? To = null,
    [property: Description("Move forward by this many calendar days.")] int? Days = null,
    [property: Description("Move to 09:00 Asia/Shanghai of the working day this many working days ahead (on the working-day calendar).")] int? WorkingDays = null);

public sealed record RehearsalView(
    [property: Description("The rehearsal's time now.")] DateTimeOffset Now,
    [property: Description("How far the rehearsal's clock runs ahead of real time, in seconds (negative: behind, for a rehearsal started in the past).")] long OffsetSeconds,
    [property: Description("How many times the office has moved it.")] int Moves);

public sealed record RehearsalClockMovedView(
    DateTimeOffset Now,
    long OffsetSeconds,
    [property: Description("Every orchestration of the cycle has taken the new time in (within 30 s); false: they will, on their own, shortly.")] bool Settled,
    [property: Description("The cycle's orchestrations told of the move.")] int Orchestrations);

/// <summary>The office's control of a rehearsal's time.</summary>
public sealed partial class RehearsalFunctions(CycleCommands cycles, Streams streams, CalendarProvider calendars, TimeProvider clock, ClockEpoch epoch, ILogger<RehearsalFunctions> logger)
{
    private static readonly TimeSpan SettleWithin = TimeSpan.FromSeconds(30);

    [Function("MoveRehearsalClock")]
    [Allow(Roles.Office)]
    [Api("Cycles", "Move a rehearsal's clock forward (演练时间). Deadlines, notices, reminders and consultations of that cycle follow it; a real cycle's clock cannot be moved. Answers once the cycle's orchestrations have looked at the new time.", Body = typeof(RehearsalClockRequest), Returns = typeof(RehearsalClockMovedView))]
    [Refuses(404, "cycle.not-found")]
    [Refuses(409, "cycle.not-rehearsal", "cycle.closed", "calendar.year-missing")]
    [Refuses(422, "rehearsal.clock-backwards", "rehearsal.move-invalid", "cycleId.malformed")]
    public async Task<IResult> Move([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cycles/{cycleId}/rehearsal/clock")] HttpRequest req, string cycleId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<RehearsalClockRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var id = CycleId.Parse(cycleId);
        if (!id.IsOk)
        {
            return Problems.For(http, id.Refusal!);
        }

        CommandOutcome<CycleState> outcome;
        DateTimeOffset to;
        using (streams.Store.ReadOnce())
        {
            // The target is reckoned from the cycle as the command then decides on it: one read.
            var cycle = await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct);
            var target = await TargetAsync(request!, clock.Now(cycle), ct);
            if (!target.IsOk)
            {
                return Problems.For(http, target.Refusal!);
            }

            to = target.Value;
            outcome = await cycles.RunAsync(cycleId, new MoveRehearsalClock(to), Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
            if (outcome.Refused)
            {
                return Problems.For(http, outcome.Refusal!);
            }
        }

        var (told, settled) = await TellAsync(durable, outcome.State, ct);
        LogMoved(logger, cycleId, to, told, settled);
        return Results.Ok(new RehearsalClockMovedView(clock.Now(outcome.State), (long)outcome.State.ClockOffset.TotalSeconds, settled, told));
    }

    private async Task<Outcome<DateTimeOffset>> TargetAsync(RehearsalClockRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var given = (request.To is null ? 0 : 1) + (request.Days is null ? 0 : 1) + (request.WorkingDays is null ? 0 : 1);
        if (given != 1 || request.Days is < 1 or > 3660 || request.WorkingDays is < 1 or > 500)
        {
            return Refusal.Invalid(
                "rehearsal.move-invalid",
                "请给出以下一项：新的演练时间（to），或向后调整的天数（days，1至3660），或工作日数（workingDays，1至500）。",
                "Give one of: the new time (to), days (1 to 3660) or workingDays (1 to 500).");
        }

        if (request.To is { } to)
        {
            return to;
        }

        if (request.Days is { } days)
        {
            return now.AddDays(days);
        }

        var day = (await calendars.CurrentAsync(ct)).AddWorkingDays(ShanghaiTime.DateOf(now), request.WorkingDays!.Value);
        if (!day.IsOk)
        {
            return day.Refusal!;
        }

        return ShanghaiTime.StartOf(day.Value).AddHours(9);
    }

    /// <summary>
    /// Wake every running orchestration of the cycle (each reads the cycle's clock again) and wait
    /// until each shows it has taken the move in, or <see cref="SettleWithin"/> has passed.
    /// </summary>
    private async Task<(int Told, bool Settled)> TellAsync(DurableTaskClient durable, CycleState cycle, CancellationToken ct)
    {
        var expected = epoch.Current + cycle.ClockMoves;
        var ids = new List<string>();
        var query = new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending], FetchInputsAndOutputs = true };
        await foreach (var instance in durable.GetAllInstancesAsync(query).WithCancellation(ct))
        {
            if (CycleOf(instance.SerializedInput) == cycle.CycleId)
            {
                await durable.RaiseEventAsync(instance.InstanceId, Orchestrations.ClockMoved, expected.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
                ids.Add(instance.InstanceId);
            }
        }

        var until = DateTimeOffset.UtcNow + SettleWithin;
        var pending = ids;
        while (pending.Count > 0 && DateTimeOffset.UtcNow < until)
        {
            var still = new List<string>();
            foreach (var instanceId in pending)
            {
                var instance = await durable.GetInstanceAsync(instanceId, getInputsAndOutputs: true, ct);
                if (instance is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending }
                    && !(WhereItStands.StatusOf(instance)?.Seen >= expected))
                {
                    still.Add(instanceId);
                }
            }

            pending = still;
            if (pending.Count > 0)
            {
                await Task.Delay(50, ct);
            }
        }

        return (ids.Count, pending.Count == 0);
    }

    /// <summary>The cycle an orchestration's input names (every cycle's orchestration is started with its CycleId).</summary>
    private static string? CycleOf(string? serializedInput)
    {
        if (string.IsNullOrEmpty(serializedInput))
        {
            return null;
        }

        try
        {
            using var input = JsonDocument.Parse(serializedInput);
            if (input.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var property in input.RootElement.EnumerateObject())
            {
                if (property.NameEquals("CycleId") || property.NameEquals("cycleId"))
                {
                    return property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                }
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rehearsal {CycleId}: clock moved to {To:O}; {Told} orchestrations told, settled {Settled}")]
    private static partial void LogMoved(ILogger logger, string cycleId, DateTimeOffset to, int told, bool settled);
}
