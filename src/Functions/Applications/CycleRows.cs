using System.Text.Json;
using Azure.Data.Tables;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Applications;

/// <summary>
/// What the cycle-wide views (the ranking, a composite's answer) need of an application's scores,
/// kept in its cycle index row as one small JSON column (<see cref="Column"/>, decision 0024): each
/// stage's percent, the composite score and the preferences confirmed for it. A few dozen
/// characters a stage, far below a property's 32K characters.
/// </summary>
public sealed record ScoreSummary(IReadOnlyDictionary<StageKind, decimal> Percents, decimal? Composite, IReadOnlyList<string> Preferences)
{
    /// <summary>The index row's column.</summary>
    public const string Column = "Scores";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ScoreSummary Of(ApplicationState app) => new(
        app.Scores.ToDictionary(s => s.Key, s => s.Value.Percent),
        app.Composite?.Score,
        app.Composite?.ConfirmedPreferences ?? []);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The summary a row holds, or null for a row written before rows held it.</summary>
    public static ScoreSummary? Parse(string? json) => json is { Length: > 0 } ? JsonSerializer.Deserialize<ScoreSummary>(json, Json) : null;
}

/// <summary>
/// A submitted application as its cycle's index row shows it: what the ranking reads, and the
/// record version the row reflects (the projection writes it right after each append, in the same
/// request, so a view asked after a command's answer shows what the command did; if that write
/// failed, the projection sweep catches up and until then the version says which record it shows).
/// </summary>
public sealed record CycleRow(
    string ApplicationId,
    string? Name,
    ApplicantCategory Category,
    ApplicationStatus Status,
    DateTimeOffset? SubmittedAt,
    ScoreSummary Scores,
    int Version)
{
    public static CycleRow Of(ApplicationState app) =>
        new(app.ApplicationId, app.Form.Name, app.Category, app.Status, app.SubmittedAt, ScoreSummary.Of(app), app.Version);

    /// <summary>The row read back; null when it is a draft's or holds no score summary (written before rows held one).</summary>
    public static CycleRow? From(TableEntity row) =>
        Enum.TryParse<ApplicationStatus>(row.GetString("Status"), out var status) && status != ApplicationStatus.Draft
        && Enum.TryParse<ApplicantCategory>(row.GetString("Category"), out var category)
        && ScoreSummary.Parse(row.GetString(ScoreSummary.Column)) is { } scores
            ? new CycleRow(row.RowKey, row.GetString("Name"), category, status, row.GetDateTimeOffset("SubmittedAt"), scores, row.GetInt32("Version") ?? 0)
            : null;
}

/// <summary>
/// A cycle's submitted applications from its index partition: one query whatever their number
/// (issue 20 item 3). For people and queries only: a command decides on the streams themselves.
/// </summary>
public sealed class CycleRows(ReadModels readModels, Streams streams)
{
    public async Task<IReadOnlyList<CycleRow>> SubmittedAsync(string cycleId, CancellationToken ct)
    {
        var rows = new List<CycleRow>();
        foreach (var entity in await readModels.PartitionAsync(ApplicationIndex.CyclePartition(cycleId), ct))
        {
            if (CycleRow.From(entity) is { } row)
            {
                rows.Add(row);
            }
            else if (entity.GetString("Status") is { } status && status != nameof(ApplicationStatus.Draft))
            {
                // A row written before rows held the scores: read its record (until its next change rewrites the row).
                rows.Add(CycleRow.Of(await streams.LoadAsync(StreamKinds.Application, ApplicationId.Parse(entity.RowKey).Value.StreamId, ct)));
            }
        }

        return rows;
    }
}
