using System.Globalization;
using Azure.Data.Tables;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Cycles;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Awards;

/// <summary>
/// The award register: every award and every ban, by applicant (credit code or identity number).
/// Built from application events; read at submission and acceptance to decide re-application
/// and bans.
/// </summary>
public sealed class AwardRegister(StorageClients storage, ReadModels readModels, StateLoader loader) : IEventHandler
{
    private TableClient Table => storage.Table(StorageClients.RegisterTable);

    public static string HolderPartition(string applicantKey) => $"holder-{applicantKey}";

    public async Task HandleAsync(StoredEvent e, CancellationToken ct)
    {
        switch (e.Event)
        {
            case ApplicationAwarded awarded:
                {
                    var app = await loader.LoadAsync(StreamKinds.Application, e.StreamId, ct);
                    var cycle = await loader.LoadAsync(StreamKinds.Cycle, CycleId.Parse(app.CycleId).Value.StreamId, ct);
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

    /// <summary>What the register knows of an applicant, for a policy (a city's award).</summary>
    public async Task<ApplicantHistory> HistoryAsync(AwardPolicy policy, string? applicantKey, CancellationToken ct)
    {
        var cycles = (await readModels.PartitionAsync(CycleIndex.Partition, ct))
            .Where(r => r.GetString("PolicyId") == policy.Id)
            .Select(r => new CycleSummary(r.RowKey, DateOnly.ParseExact(r.GetString("OpensOn"), "yyyy-MM-dd", CultureInfo.InvariantCulture)))
            .ToList();
        if (string.IsNullOrWhiteSpace(applicantKey))
        {
            return ApplicantHistory.Empty with { CityCycles = cycles };
        }

        var awards = new List<PastAward>();
        var bans = new List<BanRecord>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {HolderPartition(ApplicationDecider.Normalise(applicantKey))}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            var samePolicy = row.GetString("PolicyId") == policy.Id;
            if (row.RowKey.StartsWith("award-", StringComparison.Ordinal) && samePolicy && row.GetString("AwardedOn") is { } awardedOn)
            {
                awards.Add(new PastAward
                {
                    CycleId = row.GetString("CycleId"),
                    Tier = Enum.Parse<AwardTier>(row.GetString("Tier")),
                    AwardedOn = ParseDate(awardedOn),
                    Revoked = row.GetBoolean("Revoked") ?? false,
                    QualityModel = row.GetString("QualityModel"),
                });
            }
            else if (row.RowKey.StartsWith("ban-", StringComparison.Ordinal) && (samePolicy || (row.GetBoolean("AllQualityAwards") ?? false)))
            {
                bans.Add(new BanRecord
                {
                    Reason = Enum.Parse<BanReason>(row.GetString("Reason")),
                    StartsOn = ParseDate(row.GetString("StartsOn")),
                    Unit = Enum.Parse<BanUnit>(row.GetString("Unit")),
                    Length = row.GetInt32("Length") ?? 0,
                    AllQualityAwards = row.GetBoolean("AllQualityAwards") ?? false,
                    Article = row.GetString("Article"),
                    Cause = row.GetString("Cause"),
                });
            }
        }

        return new ApplicantHistory { Awards = awards, Bans = bans, CityCycles = cycles };
    }

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly ParseDate(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
