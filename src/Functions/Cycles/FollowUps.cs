using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Review;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Notices;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Cycles;

/// <summary>
/// The steps the system itself owes an application once something else was recorded: the cycle's
/// shortlist, candidate list, proposed winners, announcement or withdrawn decision applied to each
/// application it names; a signed panel report's score recorded; a closed notice passed; an ended
/// application taken off the proposed winners. Which step is owed comes from
/// <see cref="Progress.Of"/>; its content (rank, tier, reference, reason) from the record.
/// </summary>
/// <remarks>
/// The function that appended calls these at once, before it answers, so what it was just told
/// can be acted on (issue 16, case 5); the application's orchestration calls them again, so a
/// crash in between or a refusal is never lost (case 6): a refusal comes back as a
/// <see cref="StepRefusal"/>, which the orchestration shows in its status and the worklist lists.
/// </remarks>
public sealed partial class FollowUps(ApplicationCommands applications, CycleCommands cycles, Standings standings, Streams streams, ILogger<FollowUps> logger)
{
    /// <summary>The answer of <see cref="MoveOnAsync"/> when the system owes the application nothing now.</summary>
    public const string NothingOwed = "application.nothing-owed";

    /// <summary>The steps the system takes for an application (the notice orchestration closes notices; people take the rest).</summary>
    private static readonly HashSet<string> Owned =
    [
        nameof(ApplyShortlistDecision), nameof(ApplyCandidacy), nameof(MarkNotSelected), nameof(ApplyProposal),
        nameof(ConferAward), nameof(ReopenStage), nameof(RecordStageScore), nameof(PassNotice),
    ];

    /// <summary>The step the system owes the application, as its standing lists it (null if none).</summary>
    public static string? Owed(Standing standing) =>
        standing.Steps.FirstOrDefault(s => s.Role == Roles.System && s.Effect is StepEffect.Advances or StepEffect.Corrects && Owned.Contains(s.Command))?.Command;

    /// <summary>
    /// Apply a cycle decision just appended to every application it names (each command keyed by the
    /// decision's event, so running it again changes nothing). Returns the refusals, and each
    /// application it named as it stands after its step (as read or appended here), so that whoever
    /// tells their orchestrations need not read them again.
    /// </summary>
    public async Task<(IReadOnlyList<StepRefusal> Refused, IReadOnlyList<ApplicationState> Touched)> ApplyDecisionAsync(CommandOutcome<CycleState> outcome, CancellationToken ct)
    {
        var refused = new List<StepRefusal>();
        var touched = new Dictionary<string, ApplicationState>(StringComparer.Ordinal);
        foreach (var e in outcome.Appended)
        {
            IEnumerable<string> named = e.Event switch
            {
                CycleShortlistDecided d => d.Shortlisted.Concat(d.NotShortlisted).Select(x => x.ApplicationId),
                CandidatesNominated d => d.Candidates.Select(x => x.ApplicationId).Concat(d.NotNominated.Select(x => x.ApplicationId)),
                WinnersProposed d => d.Winners.Select(x => x.ApplicationId).Concat(d.NotChosen),
                AwardsAnnounced d => d.Winners.Select(x => x.ApplicationId),
                CycleDecisionWithdrawn d => d.Returned.Concat(d.Reinstated),
                _ => [],
            };
            foreach (var id in named.Distinct())
            {
                var (no, app) = await StepAsync(id, $"{e.StreamId}:{e.Version}", ct);
                touched[id] = app;
                if (no is { Code: not NothingOwed })
                {
                    refused.Add(no);
                }
            }
        }

        return (refused, touched.Values.ToList());
    }

    /// <summary>
    /// Take the step the system owes the application now, if any: null when it moved on, a
    /// <see cref="NothingOwed"/> refusal when nothing is owed (or the step changed nothing), else the decider's refusal.
    /// </summary>
    public async Task<StepRefusal?> MoveOnAsync(string applicationId, string commandKey, CancellationToken ct) =>
        (await StepAsync(applicationId, commandKey, ct)).Refused;

    /// <summary>As <see cref="MoveOnAsync"/>, with the application as it stands after: as the step appended to it, else as read.</summary>
    private async Task<(StepRefusal? Refused, ApplicationState App)> StepAsync(string applicationId, string commandKey, CancellationToken ct)
    {
        var (app, record, standing) = await standings.OfAsync(applicationId, ct);
        var owed = record is null ? null : Owed(standing);
        if (record is null || owed is null)
        {
            return (new StepRefusal(applicationId, NothingOwed, "系统当前无需为该申报执行步骤。", "Nothing is owed to the application now."), app);
        }

        var step = standing.Steps.First(s => s.Command == owed && s.Role == Roles.System);
        var command = await CommandForAsync(step, app, record, ct);
        var outcome = await applications.RunAsync(applicationId, command, Actor.System, $"{commandKey}:{owed}", ct);
        if (outcome.Refusal is { } refusal)
        {
            LogRefused(logger, owed, applicationId, refusal.Code);
            return (new StepRefusal(applicationId, refusal.Code, refusal.Zh, refusal.En), outcome.State);
        }

        return (outcome.Appended.Count > 0 ? null : new StepRefusal(applicationId, NothingOwed, "该步骤已执行。", "The step was taken already."), outcome.State);
    }

    /// <summary>An application that left the process (withdrawn, disqualified) leaves the proposed winners; its place stays empty.</summary>
    public async Task<StepRefusal?> LeaveProposedWinnersAsync(string applicationId, string commandId, CancellationToken ct)
    {
        if (ApplicationId.Parse(applicationId) is not { IsOk: true } id)
        {
            return null;
        }

        var app = await streams.LoadAsync(StreamKinds.Application, id.Value.StreamId, ct);
        if (!app.Exists || app.Status is not (ApplicationStatus.Disqualified or ApplicationStatus.Withdrawn))
        {
            return null;
        }

        var cycle = await streams.LoadAsync(StreamKinds.Cycle, CycleId.Parse(app.CycleId).Value.StreamId, ct);
        if (cycle.ProposedWinners.All(w => w.ApplicationId != app.ApplicationId))
        {
            return null;
        }

        var outcome = await cycles.RunAsync(cycle.CycleId, new RemoveProposedWinner(app.ApplicationId, app.EndReason ?? "取消资格"), Actor.System, commandId, ct);
        if (outcome.Refusal is not { } refusal)
        {
            return null;
        }

        LogRefused(logger, nameof(RemoveProposedWinner), applicationId, refusal.Code);
        return new StepRefusal(applicationId, refusal.Code, refusal.Zh, refusal.En);
    }

    /// <summary>The owed command with what the record says: the rank, the tier, the report, the notice, the reason.</summary>
    private async Task<IApplicationCommand> CommandForAsync(NextStep step, ApplicationState app, CycleRecord record, CancellationToken ct)
    {
        var cycle = record.Cycle;
        var id = app.ApplicationId;
        switch (step.Command)
        {
            case nameof(ApplyShortlistDecision):
                var shortlisted = cycle.Shortlist!.Shortlisted.FirstOrDefault(x => x.ApplicationId == id);
                return new ApplyShortlistDecision(shortlisted is not null, (shortlisted ?? cycle.Shortlist.NotShortlisted.First(x => x.ApplicationId == id)).Rank);
            case nameof(ApplyCandidacy):
                var candidate = cycle.Candidates!.Candidates.First(x => x.ApplicationId == id);
                return new ApplyCandidacy(candidate.Tier, candidate.Rank);
            case nameof(MarkNotSelected):
                return app.Stage == StageKind.CompositeEvaluation
                    ? new MarkNotSelected($"综合评价排名第{cycle.Candidates!.NotNominated.First(x => x.ApplicationId == id).Rank}，未列入候选名单")
                    : new MarkNotSelected($"{cycle.Deliberation!.Body}审议未将其列入获奖建议名单");
            case nameof(ApplyProposal):
                return new ApplyProposal(cycle.ProposedWinners.First(x => x.ApplicationId == id).Tier);
            case nameof(ConferAward):
                return new ConferAward(cycle.Announcement!.Reference, cycle.Announcement.AnnouncedOn);
            case nameof(PassNotice):
                return new PassNotice(step.Target!, record.Notices[step.Target!].Opened!.List);
            case nameof(RecordStageScore):
                // The signed report is the score's reference: the review stream and the report's version in it.
                var stage = app.Stage!.Value;
                var reviewStream = ReviewState.StreamIdFor(cycle.CycleId);
                var signed = (await streams.Store.ReadAsync(reviewStream, ct)).Last(e => e.Event is PanelReportSigned r && r.ApplicationId == id && r.Stage == stage);
                return new RecordStageScore(stage, ((PanelReportSigned)signed.Event).Points, $"{signed.StreamId}#{signed.Version}");
            case nameof(ReopenStage):
                var target = Enum.Parse<StageKind>(step.Target!);
                var decision = ApplicationDecider.DecisionAt(target);
                var withdrawn = (await streams.Store.ReadAsync(CycleId.Parse(cycle.CycleId).Value.StreamId, ct))
                    .Select(e => e.Event).OfType<CycleDecisionWithdrawn>().Last(d => d.Decision == decision);
                return new ReopenStage(target, withdrawn.Reason);
            default:
                throw new InvalidOperationException($"The system does not take {step.Command}.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The system's step {Command} on {ApplicationId} was refused ({Code}); the application's orchestration shows it on the office's worklist")]
    private static partial void LogRefused(ILogger logger, string command, string applicationId, string code);
}
