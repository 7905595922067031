using Azure.Data.Tables;
using QualityAward.Domain.Cycles;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Cycles;

/// <summary>The list of cycles (partition <c>cycles</c> of the read-model table).</summary>
public sealed class CycleIndex(ReadModels readModels, StateLoader loader) : IProjection
{
    public const string Partition = "cycles";

    public async Task HandleAsync(StoredEvent e, CancellationToken ct)
    {
        if (e.Event is not ICycleEvent)
        {
            return;
        }

        var cycle = await loader.LoadAsync(StreamKinds.Cycle, e.StreamId, ct);
        var row = new TableEntity(Partition, cycle.CycleId)
        {
            ["PolicyId"] = cycle.PolicyId,
            ["City"] = cycle.Policy.City.Name,
            ["AwardName"] = cycle.Policy.AwardName,
            ["Year"] = cycle.Year,
            ["Title"] = cycle.Title,
            ["OpensOn"] = cycle.SubmissionOpensOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["ClosesOn"] = cycle.SubmissionClosesOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["Status"] = cycle.Status.ToString(),
            ["SubmissionsClosed"] = cycle.SubmissionsClosed,
            ["Warnings"] = string.Join("\n", cycle.Warnings),
            ["Rehearsal"] = cycle.Rehearsal,
        };
        await readModels.UpsertAsync(row, cycle.Version, ct);
    }
}
