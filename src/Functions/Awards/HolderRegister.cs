using System.Globalization;
using Azure.Data.Tables;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Eligibility;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Awards;

/// <summary>
/// The register of holders as people read it: one row per award (partition <c>register</c> of the
/// index table) with tier, year, validity, status (valid, expired, revoked), money paid and
/// recovered and the use-of-title rules of its policy. Each row is rebuilt from the application,
/// its cycle and the holder's stream, so running twice changes nothing. Bans recorded on a holder's
/// stream are also written to the register table for the office's view of the holder; intake never
/// reads that row (<see cref="AwardRegister.HistoryAsync"/> reads the ban event itself).
/// </summary>
public sealed class HolderRegister(ReadModels readModels, StorageClients storage, HolderCommands holders, StateLoader loader) : IProjection
{
    public const string Partition = "register";

    /// <summary>The office's worklist: visits and consultations due, one row each, until done.</summary>
    public const string DuePartition = "holder-due";

    public static string DueKey(string applicationId, string kind, DateOnly dueOn) => $"{applicationId}-{kind}-{Date(dueOn)}";

    public bool Handles(IDomainEvent e) => e is ApplicationAwarded or AwardRevoked or HolderBanRecorded or AwardValidityEnded or AwardMoneyRecovered
        or InspectionDue or HolderConsultationDue or HolderAdverseRecordReported or RevocationProposed or InspectionRecorded;

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
            case ApplicationAwarded or AwardRevoked:
                await RebuildAsync(e.StreamId["application-".Length..], ct);
                break;
            case HolderBanRecorded ban:
                await storage.Table(StorageClients.RegisterTable).UpsertEntityAsync(new TableEntity(AwardRegister.HolderPartition(e.StreamId["holder-".Length..]), $"ban-{ban.BanId}")
                {
                    ["PolicyId"] = ban.PolicyId,
                    ["Reason"] = ban.Reason.ToString(),
                    ["StartsOn"] = Date(ban.StartsOn),
                    ["Unit"] = ban.Unit.ToString(),
                    ["Length"] = ban.Length,
                    ["AllQualityAwards"] = ban.AllQualityAwards,
                    ["Article"] = ban.Article,
                    ["Cause"] = ban.Cause,
                    ["DecisionReference"] = ban.DecisionReference,
                }, TableUpdateMode.Replace, ct);
                break;
            case AwardValidityEnded v:
                await RebuildAsync(v.ApplicationId, ct);
                break;
            case AwardMoneyRecovered m:
                await RebuildAsync(m.ApplicationId, ct);
                break;
            case InspectionDue d:
                await DueAsync(d.ApplicationId, "inspection", d.DueOn, e.StreamId, ct);
                break;
            case HolderConsultationDue d:
                await DueAsync(d.ApplicationId, "consultation", d.DueOn, e.StreamId, ct);
                break;
            case HolderAdverseRecordReported r:
                await AdverseAsync(r, e.StreamId, ct);
                break;
            case RevocationProposed p:
                // Proposing revocation is the office acting on the award's adverse records.
                foreach (var row in await readModels.PartitionAsync(DuePartition, ct))
                {
                    if (row.GetString("ApplicationId") == p.ApplicationId && row.GetString("Kind") == "adverse-record" && !(row.GetBoolean("Done") ?? false))
                    {
                        row["Done"] = true;
                        row["DoneBy"] = p.ProposalId;
                        await readModels.Table.UpsertEntityAsync(row, TableUpdateMode.Replace, ct);
                    }
                }

                break;
            case InspectionRecorded i:
                // A visit settles every visit of that award due on or before it.
                foreach (var row in await readModels.PartitionAsync(DuePartition, ct))
                {
                    if (row.GetString("ApplicationId") == i.ApplicationId && row.GetString("Kind") == "inspection"
                        && string.CompareOrdinal(row.GetString("DueOn"), Date(i.VisitedOn)) <= 0 && !(row.GetBoolean("Done") ?? false))
                    {
                        row["Done"] = true;
                        row["DoneBy"] = i.InspectionId;
                        await readModels.Table.UpsertEntityAsync(row, TableUpdateMode.Replace, ct);
                    }
                }

                break;
        }
    }

    public async Task RebuildAsync(string applicationId, CancellationToken ct)
    {
        var (app, policy) = await holders.ApplicationAsync(applicationId, ct);
        if (app?.Award is not { } award || policy is null || app.ApplicantKey is null)
        {
            return;
        }

        var holder = await loader.LoadAsync(HolderStreams.Holder, HolderKey.Parse(app.ApplicantKey).Value.StreamId, ct);
        var revoked = app.Revocation;
        var validUntil = policy.AfterAward.ValidityYears is { } years ? award.AwardedOn.AddYears(years) : (DateOnly?)null;
        var status = revoked is not null ? "revoked" : holder.ValidityEnded.Contains(app.ApplicationId) ? "expired" : "valid";
        var ground = revoked is null ? null : policy.Revocation.Grounds.FirstOrDefault(g => g.Code == revoked.GroundCode && g.Category == app.Category);
        // Built from two streams: the sum of their versions only grows, so a row built from older
        // states never replaces one built from newer states (handlers run at least once, in any order).
        await readModels.UpsertAsync(new TableEntity(Partition, app.ApplicationId)
        {
            ["ApplicantKey"] = app.ApplicantKey,
            ["OwnerSubject"] = app.OwnerSubject,
            ["Name"] = app.Form.Name,
            ["Category"] = app.Category.ToString(),
            ["PolicyId"] = policy.Id,
            ["AwardName"] = policy.AwardName,
            ["CycleId"] = app.CycleId,
            ["Tier"] = award.Tier.ToString(),
            ["TierZh"] = EligibilityRules.TierZh(award.Tier),
            ["Year"] = award.Year,
            ["AwardedOn"] = Date(award.AwardedOn),
            ["AnnouncementReference"] = award.AnnouncementReference,
            ["ValidUntil"] = validUntil is { } u ? Date(u) : null,
            ["ValidityArticle"] = policy.AfterAward.ValidityArticle,
            ["Status"] = status,
            ["MoneyPaidYuan"] = award.MoneyYuan,
            ["MoneyToRecoverYuan"] = revoked?.MoneyToRecoverYuan ?? 0L,
            ["MoneyRecoveredYuan"] = holder.RecoveredYuan(app.ApplicationId),
            ["UseOfTitle"] = policy.AfterAward.UseOfTitle,
            ["UseOfTitleArticle"] = policy.AfterAward.UseOfTitleArticle,
            ["RevokedOn"] = revoked is null ? null : Date(revoked.RevokedOn),
            ["RevocationGround"] = ground?.Text,
            ["RevocationArticle"] = ground?.Article,
            ["RevocationDecidedBy"] = revoked is null ? null : policy.Revocation.DecidedBy,
            ["RevocationReference"] = revoked?.DecisionReference,
            ["RevocationPublished"] = policy.Revocation.Published,
        }, app.Version + holder.Version, ct);
    }

    private async Task DueAsync(string applicationId, string kind, DateOnly dueOn, string streamId, CancellationToken ct)
    {
        var (app, _) = await holders.ApplicationAsync(applicationId, ct);
        var key = DueKey(applicationId, kind, dueOn);
        if (await readModels.GetAsync(DuePartition, key, ct) is not null)
        {
            return;
        }

        await readModels.Table.UpsertEntityAsync(new TableEntity(DuePartition, key)
        {
            ["ApplicationId"] = applicationId,
            ["ApplicantKey"] = streamId["holder-".Length..],
            ["Name"] = app?.Form.Name,
            ["Kind"] = kind,
            ["DueOn"] = Date(dueOn),
            ["Done"] = false,
        }, TableUpdateMode.Replace, ct);
    }

    /// <summary>A department's adverse answer about a holder: on the worklist until the office acts (one row per round, department and award).</summary>
    private async Task AdverseAsync(HolderAdverseRecordReported r, string streamId, CancellationToken ct)
    {
        var key = $"{r.ApplicationId}-adverse-{r.ConsultationId}-{r.Department}";
        if (await readModels.GetAsync(DuePartition, key, ct) is not null)
        {
            return;
        }

        var (app, _) = await holders.ApplicationAsync(r.ApplicationId, ct);
        await readModels.Table.UpsertEntityAsync(new TableEntity(DuePartition, key)
        {
            ["ApplicationId"] = r.ApplicationId,
            ["ApplicantKey"] = streamId["holder-".Length..],
            ["Name"] = app?.Form.Name,
            ["Kind"] = "adverse-record",
            ["DueOn"] = Date(ShanghaiTime.DateOf(r.At)),
            ["ConsultationId"] = r.ConsultationId,
            ["Department"] = r.Department.ToString(),
            ["Details"] = r.Details,
            ["Done"] = false,
        }, TableUpdateMode.Replace, ct);
    }

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
