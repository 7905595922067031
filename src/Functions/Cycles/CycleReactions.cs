using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Notices;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Cycles;

/// <summary>
/// Carries a cycle's cohort decisions to each application: the shortlist, the candidate list,
/// the proposed winners and the announcement become commands on the application streams.
/// </summary>
public sealed partial class CycleReactions(ApplicationCommands applications, StateLoader loader, ILogger<CycleReactions> logger) : IReaction
{
    public bool Handles(StoredEvent e) => e.Event is CycleShortlistDecided or CandidatesNominated or WinnersProposed or AwardsAnnounced or CycleDecisionWithdrawn;

    public async Task ReactAsync(StoredEvent e, CancellationToken ct)
    {
        var commandId = $"{e.StreamId}:{e.Version}";
        switch (e.Event)
        {
            case CycleShortlistDecided d:
                foreach (var x in d.Shortlisted)
                {
                    await RunAsync(x.ApplicationId, new ApplyShortlistDecision(true, x.Rank), commandId, ct);
                }

                foreach (var x in d.NotShortlisted)
                {
                    await RunAsync(x.ApplicationId, new ApplyShortlistDecision(false, x.Rank), commandId, ct);
                }

                break;
            case CandidatesNominated d:
                foreach (var x in d.Candidates)
                {
                    await RunAsync(x.ApplicationId, new ApplyCandidacy(x.Tier, x.Rank), commandId, ct);
                }

                foreach (var x in d.NotNominated)
                {
                    await RunAsync(x.ApplicationId, new MarkNotSelected($"综合评价排名第{x.Rank}，未列入候选名单"), commandId, ct);
                }

                break;
            case WinnersProposed d:
                foreach (var x in d.Winners)
                {
                    await RunAsync(x.ApplicationId, new ApplyProposal(x.Tier), commandId, ct);
                }

                // Every candidate the body did not choose is told so.
                foreach (var x in d.NotChosen)
                {
                    await RunAsync(x, new MarkNotSelected($"{d.Body}审议未将其列入获奖建议名单"), commandId, ct);
                }

                break;
            case CycleDecisionWithdrawn d:
                // Those the decision moved on go back to where it was taken; those it ended come back where they ended.
                var stage = d.Decision switch
                {
                    CycleDecision.Shortlist => Domain.Policies.StageKind.MaterialReview,
                    CycleDecision.Candidates => Domain.Policies.StageKind.CompositeEvaluation,
                    _ => Domain.Policies.StageKind.Deliberation,
                };
                // Only those still in the process go back, only those the decision ended come back (others left for their own reasons).
                foreach (var x in d.Returned.Concat(d.Reinstated))
                {
                    var app = await loader.LoadAsync(StreamKinds.Application, ApplicationId.Parse(x).Value.StreamId, ct);
                    var back = app.Status == ApplicationStatus.InProcess ? stage
                        : app.Status is ApplicationStatus.NotShortlisted or ApplicationStatus.NotSelected && d.Reinstated.Contains(x) ? app.Stage
                        : null;
                    if (back is { } target)
                    {
                        await RunAsync(x, new ReopenStage(target, d.Reason), commandId, ct);
                    }
                }

                break;
            case AwardsAnnounced d:
                foreach (var x in d.Winners)
                {
                    await RunAsync(x.ApplicationId, new ConferAward(d.Reference, d.AnnouncedOn), commandId, ct);
                }

                break;
        }
    }

    private async Task RunAsync(string applicationId, IApplicationCommand command, string commandId, CancellationToken ct)
    {
        var outcome = await applications.RunAsync(applicationId, command, Actor.System, commandId, ct);
        if (outcome.Refusal is { } refusal)
        {
            LogRefused(logger, command.GetType().Name, applicationId, refusal.Code, refusal.En);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reaction command {Command} on {ApplicationId} was refused: {Code} {Reason}")]
    private static partial void LogRefused(ILogger logger, string command, string applicationId, string code, string reason);
}

/// <summary>An application that leaves the process after deliberation leaves the proposed-winner list; its place stays empty.</summary>
public sealed class ApplicationToCycleReactions(StateLoader loader, CycleCommands cycles) : IReaction
{
    public bool Handles(StoredEvent e) => e.Event is ApplicationDisqualified or ApplicationWithdrawn;

    public async Task ReactAsync(StoredEvent e, CancellationToken ct)
    {
        var app = await loader.LoadAsync(StreamKinds.Application, e.StreamId, ct);
        var cycle = await loader.LoadAsync(StreamKinds.Cycle, CycleId.Parse(app.CycleId).Value.StreamId, ct);
        var commandId = $"{e.StreamId}:{e.Version}";
        if (e.Event is ApplicationDisqualified or ApplicationWithdrawn && cycle.ProposedWinners.Any(w => w.ApplicationId == app.ApplicationId))
        {
            await cycles.RunAsync(cycle.CycleId, new RemoveProposedWinner(app.ApplicationId, app.EndReason ?? "取消资格"), Actor.System, commandId, ct);
        }

    }
}
