using System.Globalization;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Notices;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Cycles;

/// <summary>Runs a command on a cycle with what it needs from outside its stream.</summary>
public sealed class CycleCommands(Streams streams, ReadModels readModels, TimeProvider clock)
{
    public async Task<CommandOutcome<CycleState>> RunAsync(string cycleId, ICycleCommand command, Actor actor, string? commandId, CancellationToken ct)
    {
        var id = CycleId.Parse(cycleId);
        if (!id.IsOk)
        {
            return new CommandOutcome<CycleState>(CycleState.Initial, [], id.Refusal);
        }

        IReadOnlyList<CycleSummary> others = [];
        if (command is OpenCycle open)
        {
            // Editions of the same award; a rehearsal is not one (decision 0022).
            others = (await readModels.PartitionAsync(CycleIndex.Partition, ct))
                .Where(r => r.GetString("PolicyId") == open.Policy.Id && r.GetBoolean("Rehearsal") != true)
                .Select(r => new CycleSummary(r.RowKey, DateOnly.ParseExact(r.GetString("OpensOn"), "yyyy-MM-dd", CultureInfo.InvariantCulture), r.GetInt32("Year")))
                .ToList();
        }

        // A decision on a list waits for that list's notice (Weihai §15, Changde §24, ...): the decider reads every notice
        // the cycle published; the announcement waits for every proposed winner's approvals: it reads their applications.
        var notices = new Dictionary<string, NoticeState>(StringComparer.Ordinal);
        var winners = new Dictionary<string, ApplicationState>(StringComparer.Ordinal);
        if (command is DecideCycleShortlist or ProposeWinners or AnnounceAwards)
        {
            var current = await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct);
            foreach (var noticeId in current.Notices.Keys)
            {
                notices[noticeId] = await streams.LoadAsync(StreamKinds.Notice, NoticeId.Parse(noticeId).Value.StreamId, ct);
            }

            foreach (var winner in command is AnnounceAwards ? current.ProposedWinners : [])
            {
                winners[winner.ApplicationId] = await streams.LoadAsync(StreamKinds.Application, ApplicationId.Parse(winner.ApplicationId).Value.StreamId, ct);
            }
        }

        return await streams.RunAsync(
            StreamKinds.Cycle,
            id.Value.StreamId,
            cycle => ValueTask.FromResult(CycleDecider.Decide(command, cycle, new CycleContext(clock.Now(cycle), actor, others, notices, winners))),
            new EventMetadata(actor, commandId, null),
            ct);
    }
}
