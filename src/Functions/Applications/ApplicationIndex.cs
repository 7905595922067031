using Azure.Data.Tables;
using QualityAward.Domain.Applications;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Applications;

/// <summary>
/// Application summaries for lists: one row per application in its cycle's partition (office and
/// recommender lists) and one in its owner's partition (the applicant's own list).
/// </summary>
public sealed class ApplicationIndex(ReadModels readModels, StateLoader loader) : IProjection
{
    public static string CyclePartition(string cycleId) => $"apps-{cycleId}";

    public static string OwnerPartition(string subject) => ReadModels.PersonKey("owner", subject);

    public async Task HandleAsync(StoredEvent e, CancellationToken ct)
    {
        // A download changes nothing a list shows: no rewrite of the rows for every read.
        if (e.Event is not IApplicationEvent or DocumentRead)
        {
            return;
        }

        var app = await loader.LoadAsync(StreamKinds.Application, e.StreamId, ct);
        await readModels.UpsertAsync(Row(CyclePartition(app.CycleId), app), app.Version, ct);
        await readModels.UpsertAsync(Row(OwnerPartition(app.OwnerSubject), app), app.Version, ct);
    }

    private static TableEntity Row(string partition, ApplicationState app) => new(partition, app.ApplicationId)
    {
        ["CycleId"] = app.CycleId,
        ["OwnerSubject"] = app.OwnerSubject,
        ["Category"] = app.Category.ToString(),
        ["Status"] = app.Status.ToString(),
        ["Stage"] = app.Stage?.ToString(),
        ["Name"] = app.Form.Name,
        ["DistrictId"] = app.Form.DistrictId,
        ["RecommenderId"] = app.Form.RecommenderId,
        ["CityCode"] = app.CityCode,
        ["ApplicantKey"] = app.ApplicantKey,
        ["SubmittedAt"] = app.SubmittedAt,
        ["AcceptedAt"] = app.AcceptedAt,
        ["CreatedAt"] = app.CreatedAt,
        [ScoreSummary.Column] = partition == CyclePartition(app.CycleId) ? ScoreSummary.Of(app).ToJson() : null, // the cycle's ranking reads it, one query a cycle (decision 0024)
    };
}
