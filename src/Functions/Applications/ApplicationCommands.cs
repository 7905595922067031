using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Functions.Awards;
using QualityAward.Functions.Cycles;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Applications;

/// <summary>
/// Runs a command on an application: load the application, its cycle, the calendar and the
/// applicant's history; decide; append. Functions and activities both come through here. A
/// submission is first linked to its applicant's stream (<see cref="HolderCommands.LinkAsync"/>),
/// so that what later happens to the application is part of the record intake decides on.
/// </summary>
public sealed class ApplicationCommands(Streams streams, CalendarProvider calendars, AwardRegister register, HolderCommands holders, TimeProvider clock)
{
    public Task<CommandOutcome<ApplicationState>> RunAsync(
        string applicationId,
        string cycleIdForNewDraft,
        IApplicationCommand command,
        Actor actor,
        string? commandId,
        CancellationToken ct,
        StreamRead<ApplicationState>? read = null)
    {
        var streamId = ApplicationId.Parse(applicationId).Value.StreamId;
        return streams.RunAsync(
            StreamKinds.Application,
            streamId,
            async app =>
            {
                var context = await ContextAsync(app, cycleIdForNewDraft, command, actor, ct);
                var decision = ApplicationDecider.Decide(command, app, context);

                // A rehearsal's applicants are trainees: nothing of theirs enters an applicant's record (decision 0022).
                if (decision.Events.OfType<ApplicationSubmitted>().FirstOrDefault() is { } submitted && !context.Cycle.Rehearsal)
                {
                    await holders.LinkAsync(submitted.ApplicantKey, app.ApplicationId, app.CycleId, ct);
                }

                return decision;
            },
            new EventMetadata(actor, commandId, null),
            ct,
            read);
    }

    /// <summary>
    /// Would a file be accepted on this application now? Asked before an upload stores anything;
    /// the attachment itself is decided again when the file is stored.
    /// </summary>
    public async Task<Refusal?> PermAttachAsync(string applicationId, Actor actor, CancellationToken ct)
    {
        var app = await streams.LoadAsync(StreamKinds.Application, ApplicationId.Parse(applicationId).Value.StreamId, ct);
        return ApplicationDecider.PermAttach(app, await ContextAsync(app, string.Empty, null, actor, ct));
    }

    private async Task<ApplicationContext> ContextAsync(ApplicationState app, string cycleIdForNewDraft, IApplicationCommand? command, Actor actor, CancellationToken ct)
    {
        var cycleId = app.Exists ? app.CycleId : cycleIdForNewDraft;
        var cycle = CycleId.Parse(cycleId) is { IsOk: true } id
            ? await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct)
            : Domain.Cycles.CycleState.Initial;
        var needsHistory = command is Submit or Domain.Applications.Accept or ApplyCandidacy or ApplyProposal or ConferAward;
        var history = needsHistory && cycle.Exists
            ? await register.HistoryAsync(cycle.Policy, app.Form.ApplicantKey(app.Category), ct)
            : Domain.Eligibility.ApplicantHistory.Empty;
        var calendar = await calendars.CurrentAsync(ct);
        return new ApplicationContext(cycle, calendar, history, actor, clock.Now(cycle));
    }

    /// <param name="read">The application's stream as the caller read it (to check who may act); the command decides on it, and appends only if the stream is still at its version.</param>
    public Task<CommandOutcome<ApplicationState>> RunAsync(string applicationId, IApplicationCommand command, Actor actor, string? commandId, CancellationToken ct, StreamRead<ApplicationState>? read = null) =>
        RunAsync(applicationId, string.Empty, command, actor, commandId, ct, read);
}
