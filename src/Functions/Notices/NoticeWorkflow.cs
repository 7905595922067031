using Azure.Data.Tables;
using QualityAward.Domain;
using QualityAward.Domain.Notices;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Notices;

/// <summary>
/// Keeps the public list of notices and the receipt-code lookup up to date (read models, rebuilt
/// from the notice stream, so running twice changes nothing).
/// </summary>
public sealed class NoticeIndex(ReadModels readModels, StateLoader loader) : IProjection
{
    public const string Partition = "notices";
    public const string ReceiptPartition = "receipts";

    public async Task HandleAsync(StoredEvent e, CancellationToken ct)
    {
        if (e.Event is not INoticeEvent)
        {
            return;
        }

        var notice = await loader.LoadAsync(StreamKinds.Notice, e.StreamId, ct);
        var o = notice.Opened!;
        await readModels.UpsertAsync(
            new TableEntity(Partition, o.NoticeId)
            {
                ["CycleId"] = o.CycleId,
                ["List"] = o.List.ToString(),
                ["Title"] = o.Title,
                ["FirstDay"] = o.FirstDay.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                ["LastDay"] = o.LastDay.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                ["ClosesAt"] = o.ClosesAt,
                ["Entries"] = notice.Entries.Count,
                ["Closed"] = notice.IsClosed,
                ["Rehearsal"] = o.Rehearsal,
            },
            notice.Version,
            ct);

        if (e.Event is ObjectionFiled filed)
        {
            await readModels.UpsertAsync(
                new TableEntity(ReceiptPartition, filed.ReceiptCodeHash) { ["NoticeId"] = o.NoticeId, ["ObjectionId"] = filed.ObjectionId },
                1,
                ct);
        }
    }
}
