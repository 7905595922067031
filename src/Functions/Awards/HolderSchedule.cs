using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Awards;

/// <summary>Which award a holder timer is for, and which firing (1 = the first interval after the award).</summary>
public sealed record HolderTimerPayload(string ApplicationId, string ApplicantKey, int Round);

/// <summary>
/// Sets the workflow timers of an award when it is conferred: the end of its validity (Benxi §4),
/// periodic visits (Changde §29, AfterAwardRule.InspectionIntervalMonths) and department
/// consultations about the holder (HolderConsultationIntervalMonths), all at midnight
/// Asia/Shanghai. A revocation cancels them.
/// </summary>
public sealed class HolderSchedule(TimerStore timers, HolderCommands holders) : IEventHandler
{
    public const string ValidityKind = "award.validity-end";
    public const string InspectionKind = "holder.inspection-due";
    public const string ConsultationKind = "holder.consultation-due";

    public static string TimerId(string kind, string applicationId) => TimerPayload.Id(kind, applicationId);

    public async Task HandleAsync(StoredEvent e, CancellationToken ct)
    {
        if (e.Event is AwardRevoked)
        {
            var applicationId = e.StreamId["application-".Length..];
            foreach (var kind in new[] { ValidityKind, InspectionKind, ConsultationKind })
            {
                await timers.CancelAsync(TimerId(kind, applicationId), ct);
            }

            return;
        }

        if (e.Event is not ApplicationAwarded awarded)
        {
            return;
        }

        var (app, policy) = await holders.ApplicationAsync(e.StreamId["application-".Length..], ct);
        if (app?.ApplicantKey is null || policy is null || app.Status != ApplicationStatus.Awarded)
        {
            return;
        }

        var rule = policy.AfterAward;
        if (rule.ValidityYears is { } years)
        {
            await SetAsync(ValidityKind, awarded.AwardedOn.AddYears(years), new(app.ApplicationId, app.ApplicantKey, 1), ct);
        }

        if (rule.InspectionIntervalMonths is { } inspect)
        {
            await SetAsync(InspectionKind, awarded.AwardedOn.AddMonths(inspect), new(app.ApplicationId, app.ApplicantKey, 1), ct);
        }

        if (rule.HolderConsultationIntervalMonths is { } consult)
        {
            await SetAsync(ConsultationKind, awarded.AwardedOn.AddMonths(consult), new(app.ApplicationId, app.ApplicantKey, 1), ct);
        }
    }

    public Task SetAsync(string kind, DateOnly dueOn, HolderTimerPayload payload, CancellationToken ct) =>
        timers.SetAsync(new WorkflowTimer(TimerId(kind, payload.ApplicationId), ShanghaiTime.StartOf(dueOn), kind, payload.ApplicationId, TimerPayload.Of(payload)), ct);
}

/// <summary>At the first day after its validity, the award leaves the "valid" list.</summary>
public sealed partial class ValidityEndTimer(HolderCommands holders, ILogger<ValidityEndTimer> logger) : ITimerHandler
{
    public string Kind => HolderSchedule.ValidityKind;

    public async Task FireAsync(WorkflowTimer timer, CancellationToken ct)
    {
        var p = TimerPayload.Read<HolderTimerPayload>(timer);
        var outcome = await holders.RunAsync(HolderKey.Parse(p.ApplicantKey).Value, new EndValidity(p.ApplicationId), Actor.System, null, timer.Id, ct);
        if (outcome.Refused)
        {
            throw new InvalidOperationException($"Ending the validity of {p.ApplicationId} was refused: {outcome.Refusal}");
        }

        if (outcome.Appended.Count > 0)
        {
            LogValidityEnded(logger, p.ApplicationId, p.ApplicantKey);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Award {ApplicationId} of {ApplicantKey} reached the end of its validity")]
    private static partial void LogValidityEnded(ILogger logger, string applicationId, string applicantKey);
}

/// <summary>
/// A periodic timer of an award (visits or consultations): records what is due and sets the next
/// one, while the award stands and is valid.
/// </summary>
public abstract partial class PeriodicHolderTimer(HolderCommands holders, HolderSchedule schedule, ILogger logger) : ITimerHandler
{
    public abstract string Kind { get; }

    protected abstract int? IntervalMonths(Domain.Policies.AfterAwardRule rule);

    protected abstract IHolderCommand Due(string applicationId, DateOnly dueOn);

    public async Task FireAsync(WorkflowTimer timer, CancellationToken ct)
    {
        var p = TimerPayload.Read<HolderTimerPayload>(timer);
        var award = await holders.AwardAsync(p.ApplicationId, ct);
        if (award is null || award.Revoked || IntervalMonths(award.Policy.AfterAward) is not { } months)
        {
            return;
        }

        var dueOn = award.AwardedOn.AddMonths(months * p.Round);
        if (award.ValidUntil is { } until && dueOn >= until)
        {
            return;
        }

        var outcome = await holders.RunAsync(HolderKey.Parse(p.ApplicantKey).Value, Due(p.ApplicationId, dueOn), Actor.System, null, timer.Id + "-" + p.Round, ct);
        if (outcome.Refused)
        {
            throw new InvalidOperationException($"{Kind} for {p.ApplicationId} was refused: {outcome.Refusal}");
        }

        var next = award.AwardedOn.AddMonths(months * (p.Round + 1));
        await schedule.SetAsync(Kind, next, p with { Round = p.Round + 1 }, ct);
        LogDue(logger, Kind, p.ApplicationId, dueOn, next);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} recorded for award {ApplicationId} due {DueOn}; next on {NextOn}")]
    private static partial void LogDue(ILogger logger, string kind, string applicationId, DateOnly dueOn, DateOnly nextOn);
}

/// <summary>定期巡访 (Changde §29): the office sees an inspection due for the holder.</summary>
public sealed class InspectionDueTimer(HolderCommands holders, HolderSchedule schedule, ILogger<InspectionDueTimer> logger) : PeriodicHolderTimer(holders, schedule, logger)
{
    public override string Kind => HolderSchedule.InspectionKind;

    protected override int? IntervalMonths(Domain.Policies.AfterAwardRule rule) => rule.InspectionIntervalMonths;

    protected override IHolderCommand Due(string applicationId, DateOnly dueOn) => new MarkInspectionDue(applicationId, dueOn);
}

/// <summary>
/// The departments are to be asked about the holder. This records <see cref="HolderConsultationDue"/>
/// on the holder's stream; the department consultation mechanism reacts to that event.
/// </summary>
public sealed class HolderConsultationTimer(HolderCommands holders, HolderSchedule schedule, ILogger<HolderConsultationTimer> logger) : PeriodicHolderTimer(holders, schedule, logger)
{
    public override string Kind => HolderSchedule.ConsultationKind;

    protected override int? IntervalMonths(Domain.Policies.AfterAwardRule rule) => rule.HolderConsultationIntervalMonths;

    protected override IHolderCommand Due(string applicationId, DateOnly dueOn) => new MarkConsultationDue(applicationId, dueOn);
}
