using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using QualityAward.Domain;
using QualityAward.Domain.Awards;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Awards;

/// <summary>
/// The daily supervision of award holders: every award in the register whose validity end, periodic
/// visit or department consultation has fallen due (<see cref="HolderDuties"/>, from its policy's
/// after-award rule) gets one <see cref="HolderDutyOrchestration"/> per duty and day, which records
/// it and, for a consultation, asks the departments. A duty whose orchestration exists is not
/// started again (one still waiting for the departments is woken to look at their answers), and
/// one the holder's stream already records is done; so running the function twice on a day, or
/// after a day it missed, starts each duty once.
/// </summary>
public sealed partial class HolderSupervision(ReadModels readModels, HolderCommands holders, TimeProvider clock, ILogger<HolderSupervision> logger)
{
    /// <summary>
    /// 01:00 Asia/Shanghai every day (17:00 UTC the day before; the host reads schedules in UTC):
    /// duties fall due at the start of their Shanghai day, and are taken up an hour later.
    /// </summary>
    public const string Schedule = "0 0 17 * * *";

    [Function(nameof(HolderSupervision))]
    public async Task<string> RunAsync([TimerTrigger(Schedule)] TimerInfo timer, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var today = ShanghaiTime.DateOf(clock.GetUtcNow());
        var started = 0;
        var woken = 0;
        foreach (var row in await readModels.PartitionAsync(HolderRegister.Partition, ct))
        {
            // The register's row finds the award; what is due is read from its streams.
            if (row.GetString("Status") == "revoked" || HolderKey.Parse(row.GetString("ApplicantKey")) is not { IsOk: true } key
                || await holders.AwardAsync(row.RowKey, ct) is not { } award)
            {
                continue;
            }

            var duties = HolderDuties.DueBy(award, today);
            if (duties.Count == 0)
            {
                continue;
            }

            var holder = await holders.LoadAsync(key.Value, ct);
            foreach (var duty in duties)
            {
                var recorded = HolderDuties.IsRecorded(duty, holder);
                if (recorded && duty.Kind != HolderDutyKind.Consultation)
                {
                    continue;
                }

                var work = new HolderDutyWork(key.Value.Value, duty);
                var instance = await durable.GetInstanceAsync(work.InstanceId, ct);
                if (instance is null && !recorded)
                {
                    // A run at the same moment may have started it; anything else fails the run, and the host runs it again.
                    await Orchestrations.StartOnceAsync(durable, nameof(HolderDutyOrchestration), work.InstanceId, work, Afresh.Never, ct);
                    started++;
                }
                else if (instance is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending })
                {
                    await Orchestrations.SignalAsync(durable, work.InstanceId, "holder-supervision", logger, ct);
                    woken++;
                }
            }
        }

        if (started > 0)
        {
            LogStarted(logger, started, today);
        }

        return $"{started} started, {woken} woken";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "HolderSupervision: {Count} holder duties due by {Today} started")]
    private static partial void LogStarted(ILogger logger, int count, DateOnly today);
}
