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
public sealed class NoticeIndex(ReadModels readModels, StateLoader loader) : IEventHandler
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

/// <summary>
/// Ends a notice on its last working day: a timer at the instant it closes (midnight Asia/Shanghai
/// after the last day), set when it opens. If objections are still open then, the notice waits;
/// the last finding sets the timer again, due at once.
/// </summary>
public sealed class NoticeDeadline(TimerStore timers, StateLoader loader, NoticeCommands notices, TimeProvider clock) : IEventHandler, ITimerHandler
{
    public string Kind => "notice.close";

    public async Task HandleAsync(StoredEvent e, CancellationToken ct)
    {
        if (e.Event is not (NoticeOpened or ObjectionFindingRecorded))
        {
            return;
        }

        var notice = await loader.LoadAsync(StreamKinds.Notice, e.StreamId, ct);
        if (notice.IsClosed)
        {
            return;
        }

        var closesAt = notice.Opened!.ClosesAt;
        if (e.Event is ObjectionFindingRecorded)
        {
            if (clock.GetUtcNow() < closesAt || notice.Objections.Any(o => o.IsOpen))
            {
                return;
            }

            closesAt = clock.GetUtcNow();
        }

        await timers.SetAsync(new WorkflowTimer(TimerPayload.Id(Kind, notice.Opened.NoticeId), closesAt, Kind, notice.Opened.NoticeId), ct);
    }

    public async Task FireAsync(WorkflowTimer timer, CancellationToken ct)
    {
        var outcome = await notices.RunAsync(timer.Target, new CloseNotice(), Actor.System, timer.Id, ct);
        if (outcome.Refusal is { Code: not "notice.objections-open" } refusal)
        {
            throw new InvalidOperationException($"Closing notice {timer.Target} was refused: {refusal}");
        }
    }
}
