using System.Globalization;
using Azure.Data.Tables;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Cycles;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Awards;

/// <summary>
/// The award register: every award and every ban, by applicant (credit code or identity number).
/// The table rows are a cache built from application events, for people to read; what intake
/// decides on (<see cref="HistoryAsync"/>) is read from the events themselves.
/// </summary>
public sealed class AwardRegister(StorageClients storage, ReadModels readModels, StateLoader loader) : IProjection
{
    private TableClient Table => storage.Table(StorageClients.RegisterTable);

    public static string HolderPartition(string applicantKey) => $"holder-{applicantKey}";

    public bool Handles(IDomainEvent e) => e is ApplicationAwarded or AwardRevoked or ApplicationDisqualified { Ground: DisqualificationGround.FalseMaterials };

    public async Task HandleAsync(ProjectionBatch batch, CancellationToken ct)
    {
        foreach (var e in batch.Events)
        {
            await HandleAsync(e, ct);
        }
    }

    private async Task HandleAsync(StoredEvent e, CancellationToken ct)
    {
        switch (e.Event)
        {
            case ApplicationAwarded awarded:
                {
                    var app = await loader.LoadAsync(StreamKinds.Application, e.StreamId, ct);
                    var cycle = await loader.LoadAsync(StreamKinds.Cycle, CycleId.Parse(app.CycleId).Value.StreamId, ct);
                    if (cycle.Rehearsal)
                    {
                        break; // a rehearsal's awards and bans are not the applicant's (decision 0022)
                    }

                    await Table.UpsertEntityAsync(new TableEntity(HolderPartition(app.ApplicantKey!), $"award-{app.ApplicationId}")
                    {
                        ["PolicyId"] = cycle.PolicyId,
                        ["CycleId"] = app.CycleId,
                        ["ApplicationId"] = app.ApplicationId,
                        ["Category"] = app.Category.ToString(),
                        ["Name"] = app.Form.Name,
                        ["Tier"] = awarded.Tier.ToString(),
                        ["Year"] = awarded.Year,
                        ["AwardedOn"] = Date(awarded.AwardedOn),
                        ["MoneyYuan"] = awarded.MoneyYuan,
                        ["QualityModel"] = app.Form.QualityModel,
                        ["Revoked"] = app.Status == ApplicationStatus.Revoked,
                    }, TableUpdateMode.Merge, ct);
                    break;
                }

            case AwardRevoked revoked:
                {
                    var app = await loader.LoadAsync(StreamKinds.Application, e.StreamId, ct);
                    var cycle = await loader.LoadAsync(StreamKinds.Cycle, CycleId.Parse(app.CycleId).Value.StreamId, ct);
                    if (cycle.Rehearsal)
                    {
                        break; // a rehearsal's awards and bans are not the applicant's (decision 0022)
                    }

                    await Table.UpsertEntityAsync(new TableEntity(HolderPartition(app.ApplicantKey!), $"award-{app.ApplicationId}")
                    {
                        ["Revoked"] = true,
                        ["RevokedOn"] = Date(revoked.RevokedOn),
                        ["RevocationGround"] = revoked.GroundCode,
                        ["MoneyToRecoverYuan"] = revoked.MoneyToRecoverYuan,
                    }, TableUpdateMode.Merge, ct);
                    var ground = cycle.Policy.Revocation.Grounds.First(g => g.Code == revoked.GroundCode && g.Category == app.Category);
                    await AddBanAsync(app, cycle.Policy, revoked.Consequence, revoked.RevokedOn, $"撤销奖励（{ground.Text}）", ct);
                    break;
                }

            case ApplicationDisqualified { Ground: DisqualificationGround.FalseMaterials } disqualified:
                {
                    var app = await loader.LoadAsync(StreamKinds.Application, e.StreamId, ct);
                    var cycle = await loader.LoadAsync(StreamKinds.Cycle, CycleId.Parse(app.CycleId).Value.StreamId, ct);
                    if (cycle.Rehearsal)
                    {
                        break; // a rehearsal's awards and bans are not the applicant's (decision 0022)
                    }

                    await AddBanAsync(app, cycle.Policy, BanReason.FalseMaterials, ShanghaiTime.DateOf(disqualified.At), "隐瞒有关情况或者提供虚假材料", ct);
                    break;
                }
        }
    }

    private async Task AddBanAsync(ApplicationState app, AwardPolicy policy, BanReason reason, DateOnly startsOn, string cause, CancellationToken ct)
    {
        var rule = policy.Bans.FirstOrDefault(b => b.Reason == reason);
        if (rule is null || app.ApplicantKey is null)
        {
            return;
        }

        await Table.UpsertEntityAsync(new TableEntity(HolderPartition(app.ApplicantKey), $"ban-{app.ApplicationId}-{reason}")
        {
            ["PolicyId"] = policy.Id,
            ["ApplicationId"] = app.ApplicationId,
            ["Reason"] = reason.ToString(),
            ["StartsOn"] = Date(startsOn),
            ["Unit"] = rule.Unit.ToString(),
            ["Length"] = rule.Length,
            ["AllQualityAwards"] = rule.AllQualityAwards,
            ["Article"] = rule.Article,
            ["Cause"] = cause,
        }, TableUpdateMode.Replace, ct);
    }

    /// <summary>
    /// What the record holds of an applicant, for a policy (a city's award): read from the events
    /// alone (<see cref="ApplicantRecord"/>): the bans on its holder stream and the applications
    /// linked there, each loaded from its own stream. The rows this handler writes are a cache for
    /// people to read; deleting or adding one changes no decision.
    /// </summary>
    public async Task<ApplicantHistory> HistoryAsync(AwardPolicy policy, string? applicantKey, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(applicantKey) || HolderKey.Parse(applicantKey) is not { IsOk: true } key)
        {
            return ApplicantHistory.Empty;
        }

        var holder = await loader.LoadAsync(HolderStreams.Holder, key.Value.StreamId, ct);
        var applications = new List<RecordedApplication>();
        foreach (var link in holder.Applications)
        {
            if (await ApplicationAsync(link.ApplicationId, ct) is { } recorded)
            {
                applications.Add(recorded);
            }
        }

        // The city's editions only where an award or a ban is counted in them (one query fewer for most applicants).
        var history = ApplicantRecord.History(policy, holder, applications, []);
        return history.CountsEditions ? ApplicantRecord.History(policy, holder, applications, await CityCyclesAsync(policy, ct)) : history;
    }

    /// <summary>An application and its cycle's policy, from their streams; null if either is missing.</summary>
    private async Task<RecordedApplication?> ApplicationAsync(string applicationId, CancellationToken ct)
    {
        if (ApplicationId.Parse(applicationId) is not { IsOk: true } id)
        {
            return null;
        }

        var app = await loader.LoadAsync(StreamKinds.Application, id.Value.StreamId, ct);
        if (!app.Exists || CycleId.Parse(app.CycleId) is not { IsOk: true } cycleId)
        {
            return null;
        }

        var cycle = await loader.LoadAsync(StreamKinds.Cycle, cycleId.Value.StreamId, ct);
        return cycle.Exists ? new RecordedApplication(app, cycle.Policy) : null;
    }

    /// <summary>
    /// The editions of this city's award, for bans counted in cycles: the cycle index names them,
    /// and each is taken only as its own stream says (its policy and opening day), so a row added
    /// to the index by hand counts for nothing.
    /// </summary>
    private async Task<IReadOnlyList<CycleSummary>> CityCyclesAsync(AwardPolicy policy, CancellationToken ct)
    {
        var cycles = new List<CycleSummary>();
        foreach (var row in await readModels.PartitionAsync(CycleIndex.Partition, ct))
        {
            if (row.GetString("PolicyId") != policy.Id || CycleId.Parse(row.RowKey) is not { IsOk: true } id)
            {
                continue;
            }

            var cycle = await loader.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct);
            if (cycle.Exists && cycle.PolicyId == policy.Id)
            {
                cycles.Add(new CycleSummary(cycle.CycleId, cycle.SubmissionOpensOn));
            }
        }

        return cycles;
    }

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly ParseDate(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
