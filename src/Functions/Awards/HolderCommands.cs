using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Awards;

public static class HolderStreams
{
    public static readonly StreamKind<HolderState, IHolderEvent> Holder = new("holder", HolderState.Initial, HolderState.Evolve);
}

/// <summary>
/// Runs a command on a holder's stream: load the awards the applicant's record holds (each with
/// its application and its cycle's policy, from their streams), decide, append.
/// </summary>
public sealed class HolderCommands(Streams streams, TimeProvider clock)
{
    public async Task<CommandOutcome<HolderState>> RunAsync(HolderKey key, IHolderCommand command, Actor actor, AwardPolicy? policy, string? commandId, CancellationToken ct)
    {
        var awards = await AwardsAsync(key, ct);
        return await streams.RunAsync(
            HolderStreams.Holder,
            key.StreamId,
            state => ValueTask.FromResult(HolderDecider.Decide(command, state, new HolderContext(awards, policy, actor, clock.GetUtcNow()))),
            new EventMetadata(actor, commandId, null),
            ct);
    }

    public Task<HolderState> LoadAsync(HolderKey key, CancellationToken ct) => streams.LoadAsync(HolderStreams.Holder, key.StreamId, ct);

    /// <summary>Every award the applicant holds or held: the applications linked on its stream that won, each read from its own stream.</summary>
    public async Task<IReadOnlyList<HeldAward>> AwardsAsync(HolderKey key, CancellationToken ct)
    {
        var holder = await LoadAsync(key, ct);
        var awards = new List<HeldAward>();
        foreach (var link in holder.Applications)
        {
            if (await AwardAsync(link.ApplicationId, ct) is { } award)
            {
                awards.Add(award);
            }
        }

        return awards;
    }

    /// <summary>
    /// Link a submitted application to its applicant's stream (idempotent). The application's
    /// commands call this before they store the submission, so the record intake reads is never
    /// missing an application that was submitted.
    /// </summary>
    public async Task LinkAsync(string applicantKey, string applicationId, string cycleId, CancellationToken ct)
    {
        var key = HolderKey.Parse(applicantKey);
        if (!key.IsOk)
        {
            throw new InvalidOperationException($"Application {applicationId} was submitted under the applicant key '{applicantKey}', which is no credit code or identity number: {key.Refusal}");
        }

        var outcome = await streams.RunAsync(
            HolderStreams.Holder,
            key.Value.StreamId,
            state => ValueTask.FromResult(HolderDecider.Decide(new LinkApplication(applicationId, cycleId), state, new HolderContext([], null, Actor.System, clock.GetUtcNow()))),
            new EventMetadata(Actor.System, $"link-{applicationId}", null),
            ct);
        if (outcome.Refusal is { } refusal)
        {
            throw new InvalidOperationException($"Linking {applicationId} to {key.Value.StreamId} was refused: {refusal}");
        }
    }

    /// <summary>An awarded (or revoked) application as the register sees it; null if it never won.</summary>
    public async Task<HeldAward?> AwardAsync(string applicationId, CancellationToken ct)
    {
        var (app, policy) = await ApplicationAsync(applicationId, ct);
        if (app?.Award is not { } award || policy is null)
        {
            return null;
        }

        return new HeldAward(app.ApplicationId, policy, app.OwnerSubject, app.Category, award.Tier, award.AwardedOn, app.Status == ApplicationStatus.Revoked, award.MoneyYuan, app.Revocation?.MoneyToRecoverYuan ?? 0);
    }

    public async Task<(ApplicationState? App, AwardPolicy? Policy)> ApplicationAsync(string applicationId, CancellationToken ct)
    {
        if (ApplicationId.Parse(applicationId) is not { IsOk: true } id)
        {
            return (null, null);
        }

        var app = await streams.LoadAsync(StreamKinds.Application, id.Value.StreamId, ct);
        if (!app.Exists || CycleId.Parse(app.CycleId) is not { IsOk: true } cycleId)
        {
            return (null, null);
        }

        // A rehearsal's award is nobody's: no register row, no duties, no revocation (decision 0022).
        var cycle = await streams.LoadAsync(StreamKinds.Cycle, cycleId.Value.StreamId, ct);
        return cycle.Exists && !cycle.Rehearsal ? (app, cycle.Policy) : (null, null);
    }
}
