using Azure.Data.Tables;
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
/// Runs a command on a holder's stream: load the awards the register holds for the applicant
/// (each with its application and its cycle's policy), decide, append.
/// </summary>
public sealed class HolderCommands(Streams streams, StorageClients storage, TimeProvider clock)
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

    /// <summary>Every award the register lists for the applicant, read from its application and cycle.</summary>
    public async Task<IReadOnlyList<HeldAward>> AwardsAsync(HolderKey key, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {AwardRegister.HolderPartition(key.Value)} and RowKey ge {"award-"} and RowKey lt {"award."}");
        var awards = new List<HeldAward>();
        await foreach (var row in storage.Table(StorageClients.RegisterTable).QueryAsync<TableEntity>(filter, select: ["ApplicationId"], cancellationToken: ct))
        {
            if (await AwardAsync(row.GetString("ApplicationId"), ct) is { } award)
            {
                awards.Add(award);
            }
        }

        return awards;
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

        var cycle = await streams.LoadAsync(StreamKinds.Cycle, cycleId.Value.StreamId, ct);
        return (app, cycle.Exists ? cycle.Policy : null);
    }
}
