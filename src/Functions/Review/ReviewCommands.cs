using System.Security.Claims;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Review;
using QualityAward.Functions.Cycles;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Review;

public static class ReviewStreams
{
    public static readonly StreamKind<ExpertPoolState, IExpertEvent> Pool = new("expert-pool", ExpertPoolState.Initial, ExpertPoolState.Evolve);

    public static readonly StreamKind<ReviewState, IReviewEvent> Review = new("review", ReviewState.Initial, ReviewState.Evolve);
}

/// <summary>Load → decide → append for the expert pool and a cycle's review.</summary>
public sealed class ReviewCommands(Streams streams, TimeProvider clock)
{
    public Task<CommandOutcome<ExpertPoolState>> RunPoolAsync(IExpertCommand command, Actor actor, string? commandId, CancellationToken ct) =>
        streams.RunAsync(
            ReviewStreams.Pool,
            ExpertPoolState.StreamId,
            pool => ValueTask.FromResult(ExpertPoolDecider.Decide(command, pool, actor, clock.GetUtcNow())),
            new EventMetadata(actor, commandId, null),
            ct);

    /// <summary>Run a review command of a cycle; <paramref name="applicationId"/> names the application it concerns, if any.</summary>
    public async Task<CommandOutcome<ReviewState>> RunAsync(string cycleId, string? applicationId, IReviewCommand command, Actor actor, string? commandId, CancellationToken ct)
    {
        var cycle = CycleId.Parse(cycleId) is { IsOk: true } id ? await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct) : Domain.Cycles.CycleState.Initial;
        if (!cycle.Exists)
        {
            return new CommandOutcome<ReviewState>(ReviewState.Initial, [], Refusal.NotFound("cycle.not-found", "该评选周期不存在。", "No such cycle."));
        }

        var pool = await streams.LoadAsync(ReviewStreams.Pool, ExpertPoolState.StreamId, ct);
        var app = applicationId is not null && ApplicationId.Parse(applicationId) is { IsOk: true } appId
            ? await streams.LoadAsync(StreamKinds.Application, appId.Value.StreamId, ct)
            : ApplicationState.Initial;
        if (app.Exists && app.CycleId != cycle.CycleId)
        {
            app = ApplicationState.Initial; // another cycle's application is not this review's to know
        }

        return await streams.RunAsync(
            ReviewStreams.Review,
            ReviewState.StreamIdFor(cycle.CycleId),
            review => ValueTask.FromResult(ReviewDecider.Decide(command, review, new ReviewContext(cycle.Policy, pool, app, actor, clock.Now(cycle)))),
            new EventMetadata(actor, commandId, null),
            ct);
    }

    public Task<ReviewState> LoadAsync(string cycleId, CancellationToken ct) =>
        streams.LoadAsync(ReviewStreams.Review, ReviewState.StreamIdFor(cycleId), ct);
}

/// <summary>
/// The review's part of "who may read an application": a reviewer on the panel assigned to the
/// stage the application is at now, not recused (<see cref="ReviewState.NeedsToKnow"/>); the access
/// ends when the application leaves that stage.
/// </summary>
public static class ReviewAccess
{
    public static async Task<bool> AssignedAsync(ClaimsPrincipal user, ApplicationState app, Streams streams, CancellationToken ct)
    {
        if (!user.IsInRole(Roles.Reviewer) || !app.Exists || Caller.Subject(user) is not { } subject)
        {
            return false;
        }

        var review = await streams.LoadAsync(ReviewStreams.Review, ReviewState.StreamIdFor(app.CycleId), ct);
        return review.NeedsToKnow(app, subject);
    }
}
