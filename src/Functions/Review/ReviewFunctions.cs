using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Review;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Review;

public sealed record ExpertRequest(string? ExpertId, string Name, string Employer, string? EmployerCreditCode, string Field, IReadOnlyList<string>? IndustryCodes, string Contact)
{
    public ExpertDetails Details => new(Name ?? string.Empty, Employer ?? string.Empty, EmployerCreditCode, Field ?? string.Empty, IndustryCodes ?? [], Contact ?? string.Empty);
}

public sealed record ExpertView(string ExpertId, string Name, string Employer, string? EmployerCreditCode, string Field, IReadOnlyList<string> IndustryCodes, string Contact, bool Active)
{
    public static ExpertView Of(Expert e) => new(e.ExpertId, e.Details.Name, e.Details.Employer, e.Details.EmployerCreditCode, e.Details.Field, e.Details.IndustryCodes, e.Details.Contact, e.Active);
}

public sealed record PanelRequest(string PanelId, string Name, string? IndustryGroup, IReadOnlyList<string>? Members, string Leader);

public sealed record AssignRequest(string ApplicationId, StageKind Stage, string PanelId);

public sealed record ConflictRequest(string Relationship);

public sealed record RecusalProposalRequest(string ExpertId, string Reason);

public sealed record RecusalDecisionRequest(string ExpertId, bool Recuse, string Reason);

public sealed record ScoreRequest(IReadOnlyDictionary<string, decimal>? Items);

public sealed record RescoreRequest(string ExpertId, IReadOnlyList<string>? ItemCodes, string Reason);

public sealed record ReportRequest(string Summary);

public sealed record RatingsRequest(IReadOnlyList<ConductRating>? Ratings);

public sealed record AssignmentView(string ApplicationId, string Stage, string PanelId, bool Leader, bool Submitted, bool ReportSigned);

public sealed record ReviewerScoreView(string ExpertId, IReadOnlyDictionary<string, decimal> Items, decimal Total, bool SentBack);

public sealed record PanelScoresView(
    string ApplicationId,
    string Stage,
    string PanelId,
    string Leader,
    IReadOnlyList<ReviewerScoreView> Scores,
    IReadOnlyList<string> Waiting,
    decimal? Spread,
    PanelReportSigned? Report);

public sealed record ApplicationReviewView(
    string ApplicationId,
    IReadOnlyList<PanelAssigned> Assignments,
    IReadOnlyList<ConflictFlagged> Flags,
    IReadOnlyList<ConflictDeclared> Declarations,
    IReadOnlyList<RecusalProposed> Proposals,
    IReadOnlyList<ReviewerRecused> Recusals,
    IReadOnlyList<RecusalDeclined> Declined,
    IReadOnlyList<PanelReportSigned> Reports);

/// <summary>
/// Expert review (Changde §6-7, §19-20, §36-37; Benxi §17-19; Jinan §8-9, §15; Xinzhou §16;
/// Weihai §14): the expert pool, panels with a team leader, conflicts and recusals, independent
/// scores on the policy's sheets, the team leader's report, and the candidates' rating of the
/// site reviewers. Reviewers sign in with the reviewer role; their subject is their expert id.
/// </summary>
public static class ReviewEndpoints
{
    public static void MapReview(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Expert review");
        var staff = new[] { Roles.Office, Roles.Supervisor };

        // ---- the expert pool ----
        api.MapPost("/experts", async (HttpContext http, ReviewCommands review, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<ExpertRequest>(http, ct);
            if (problem is not null)
            {
                return problem;
            }

            var outcome = await review.RunPoolAsync(new RegisterExpert(request!.ExpertId ?? string.Empty, request.Details), Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
            return outcome.Refused
                ? Problems.For(http, outcome.Refusal!)
                : Results.Created($"/api/experts/{request.ExpertId}", ExpertView.Of(outcome.State.Experts[request.ExpertId!]));
        }).RequireAuthorization(Roles.Office).Accepts<ExpertRequest>("application/json").WithSummary("Add an expert to the pool; the expert id is the reviewer's sign-in subject.");

        api.MapGet("/experts", async (Streams streams, CancellationToken ct) =>
            Results.Ok((await streams.LoadAsync(ReviewStreams.Pool, ExpertPoolState.StreamId, ct)).Experts.Values.OrderBy(e => e.ExpertId, StringComparer.Ordinal).Select(ExpertView.Of)))
            .RequireAuthorization(p => p.RequireRole(staff)).WithSummary("The expert pool.");

        api.MapGet("/experts/{expertId}", async (string expertId, HttpContext http, Streams streams, CancellationToken ct) =>
            (await streams.LoadAsync(ReviewStreams.Pool, ExpertPoolState.StreamId, ct)).Experts.TryGetValue(expertId, out var e)
                ? Results.Ok(ExpertView.Of(e))
                : Problems.For(http, ExpertPoolDecider.NotFound()))
            .RequireAuthorization(p => p.RequireRole(staff)).WithSummary("One expert.");

        api.MapPut("/experts/{expertId}", async (string expertId, HttpContext http, ReviewCommands review, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<ExpertRequest>(http, ct);
            if (problem is not null)
            {
                return problem;
            }

            var outcome = await review.RunPoolAsync(new UpdateExpert(expertId, request!.Details), Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
            return outcome.Refused ? Problems.For(http, outcome.Refusal!) : Results.Ok(ExpertView.Of(outcome.State.Experts[expertId]));
        }).RequireAuthorization(Roles.Office).Accepts<ExpertRequest>("application/json").WithSummary("Change an expert's particulars.");

        api.MapPost("/experts/{expertId}/remove", async (string expertId, HttpContext http, ReviewCommands review, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<ReasonRequest>(http, ct);
            if (problem is not null)
            {
                return problem;
            }

            var outcome = await review.RunPoolAsync(new RemoveExpert(expertId, request!.Reason ?? string.Empty), Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
            return outcome.Refused ? Problems.For(http, outcome.Refusal!) : Results.Ok(ExpertView.Of(outcome.State.Experts[expertId]));
        }).RequireAuthorization(Roles.Office).Accepts<ReasonRequest>("application/json").WithSummary("Take an expert out of the pool (kept on record).");

        // ---- panels and assignments ----
        api.MapPost("/cycles/{cycleId}/panels", async (string cycleId, HttpContext http, ReviewCommands review, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<PanelRequest>(http, ct);
            if (problem is not null)
            {
                return problem;
            }

            var command = new FormPanel(request!.PanelId ?? string.Empty, request.Name ?? string.Empty, request.IndustryGroup, request.Members ?? [], request.Leader ?? string.Empty);
            var outcome = await review.RunAsync(cycleId, null, command, Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
            return outcome.Refused ? Problems.For(http, outcome.Refusal!) : Results.Created($"/api/cycles/{cycleId}/panels", outcome.State.Panels[command.PanelId]);
        }).RequireAuthorization(Roles.Office).Accepts<PanelRequest>("application/json").WithSummary("Form a panel (for the cycle or an industry group) with its team leader.");

        api.MapGet("/cycles/{cycleId}/panels", async (string cycleId, ReviewCommands review, CancellationToken ct) =>
            Results.Ok((await review.LoadAsync(cycleId, ct)).Panels.Values.OrderBy(p => p.PanelId, StringComparer.Ordinal)))
            .RequireAuthorization(p => p.RequireRole(staff)).WithSummary("The cycle's panels.");

        api.MapPost("/cycles/{cycleId}/assignments", async (string cycleId, HttpContext http, ReviewCommands review, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<AssignRequest>(http, ct);
            if (problem is not null)
            {
                return problem;
            }

            var outcome = await review.RunAsync(cycleId, request!.ApplicationId, new AssignPanel(request.ApplicationId ?? string.Empty, request.Stage, request.PanelId ?? string.Empty), Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
            return outcome.Refused ? Problems.For(http, outcome.Refusal!) : Results.Ok(ApplicationReview(outcome.State, request.ApplicationId!));
        }).RequireAuthorization(Roles.Office).Accepts<AssignRequest>("application/json")
          .WithSummary("Assign a panel to an application at a scored stage; obvious conflicts (same employer or credit code) are flagged for the office.");

        api.MapGet("/reviewer/assignments", async (string cycleId, HttpContext http, ReviewCommands review, CancellationToken ct) =>
        {
            var me = Caller.Subject(http.User)!;
            var state = await review.LoadAsync(cycleId, ct);
            return Results.Ok(state.Assignments.Values
                .Where(a => state.Panels[a.PanelId].Members.Contains(me) && !state.IsRecused(a.ApplicationId, me))
                .OrderBy(a => a.ApplicationId, StringComparer.Ordinal).ThenBy(a => a.Stage)
                .Select(a => new AssignmentView(a.ApplicationId, a.Stage.ToString(), a.PanelId, state.Panels[a.PanelId].Leader == me, state.HasSubmitted(a.ApplicationId, a.Stage, me), state.Reports.ContainsKey((a.ApplicationId, a.Stage)))));
        }).RequireAuthorization(Roles.Reviewer).WithSummary("The reviewer's own assignments in a cycle (recused ones are gone).");

        api.MapGet("/applications/{applicationId}/review", async (string applicationId, HttpContext http, Streams streams, ReviewCommands review, CancellationToken ct) =>
        {
            var app = await ApplicationEndpoints.LoadVisibleAsync(applicationId, http.User, streams, ct);
            return app is null ? NotFound(http) : Results.Ok(ApplicationReview(await review.LoadAsync(app.CycleId, ct), applicationId));
        }).RequireAuthorization(p => p.RequireRole(staff)).WithSummary("Everything the review recorded about an application: panels, conflicts, recusals and who decided them, reports.");

        // ---- conflicts and recusals ----
        api.MapPost("/applications/{applicationId}/conflicts", (string applicationId, HttpContext http, Streams streams, ReviewCommands review, CancellationToken ct) =>
            RunAsync<ConflictRequest>(http, streams, review, applicationId, Roles.Reviewer, r => new DeclareConflict(applicationId, r.Relationship ?? string.Empty), ct))
            .RequireAuthorization(Roles.Reviewer).Accepts<ConflictRequest>("application/json").WithSummary("A reviewer declares a conflict with the applicant and withdraws from it.");

        api.MapPost("/applications/{applicationId}/recusal-proposals", (string applicationId, HttpContext http, Streams streams, ReviewCommands review, CancellationToken ct) =>
            RunAsync<RecusalProposalRequest>(http, streams, review, applicationId, Roles.Supervisor, r => new ProposeRecusal(applicationId, r.ExpertId ?? string.Empty, r.Reason ?? string.Empty), ct))
            .RequireAuthorization(Roles.Supervisor).Accepts<RecusalProposalRequest>("application/json").WithSummary("The supervision group proposes a recusal (Changde §36).");

        api.MapPost("/applications/{applicationId}/recusals", (string applicationId, HttpContext http, Streams streams, ReviewCommands review, CancellationToken ct) =>
            RunAsync<RecusalDecisionRequest>(http, streams, review, applicationId, Roles.Office, r => new DecideRecusal(applicationId, r.ExpertId ?? string.Empty, r.Recuse, r.Reason ?? string.Empty), ct))
            .RequireAuthorization(Roles.Office).Accepts<RecusalDecisionRequest>("application/json").WithSummary("The office recuses a reviewer, or finds no conflict in a flag or proposal.");

        // ---- scores and reports ----
        api.MapPost("/applications/{applicationId}/reviews/{stage}/scores", (string applicationId, string stage, HttpContext http, Streams streams, ReviewCommands review, CancellationToken ct) =>
            WithStage(http, stage, kind => RunAsync<ScoreRequest>(http, streams, review, applicationId, Roles.Reviewer, r => new SubmitReviewScore(applicationId, kind, r.Items ?? new Dictionary<string, decimal>()), ct)))
            .RequireAuthorization(Roles.Reviewer).Accepts<ScoreRequest>("application/json").WithSummary("A reviewer's independent score: every item of the policy's sheet, within its maximum.");

        api.MapGet("/applications/{applicationId}/reviews/{stage}/scores", (string applicationId, string stage, HttpContext http, Streams streams, ReviewCommands review, CancellationToken ct) =>
            WithStage(http, stage, async kind =>
            {
                var app = await ApplicationEndpoints.LoadVisibleAsync(applicationId, http.User, streams, ct);
                if (app is null)
                {
                    return NotFound(http);
                }

                var state = await review.LoadAsync(app.CycleId, ct);
                var actor = Caller.As(http.User, http.User.IsInRole(Roles.Office) ? Roles.Office : http.User.IsInRole(Roles.Supervisor) ? Roles.Supervisor : Roles.Reviewer);
                if (state.PanelFor(applicationId, kind) is not { } panel)
                {
                    return Problems.For(http, Refusal.NotFound("review.not-assigned", "该申报此环节尚未分配评审组。", "No panel is assigned to this application at this stage."));
                }

                if (!ReviewDecider.CanSeePanelScores(state, applicationId, kind, actor))
                {
                    return Problems.For(http, Refusal.Rule("review.score-first", "请先提交您自己的评分，再查看其他评审员的评分。", "Submit your own score before you see the others'."));
                }

                var scores = state.ActiveMembers(applicationId, kind)
                    .Where(m => state.Scores.ContainsKey((applicationId, kind, m)))
                    .Select(m => state.Scores[(applicationId, kind, m)])
                    .Select(s => new ReviewerScoreView(s.ExpertId, s.Items, s.Total, state.Reopened.Contains((applicationId, kind, s.ExpertId))))
                    .ToList();
                var waiting = state.ActiveMembers(applicationId, kind).Where(m => !state.HasSubmitted(applicationId, kind, m)).ToList();
                decimal? spread = scores.Count > 0 ? scores.Max(s => s.Total) - scores.Min(s => s.Total) : null;
                return Results.Ok(new PanelScoresView(applicationId, kind.ToString(), panel.PanelId, panel.Leader, scores, waiting, spread, state.Reports.GetValueOrDefault((applicationId, kind))));
            }))
            .RequireAuthorization(p => p.RequireRole(Roles.Office, Roles.Supervisor, Roles.Reviewer))
            .WithSummary("The panel's scores and spread: to a member only once their own score is in; to the office and supervisors always.");

        api.MapPost("/applications/{applicationId}/reviews/{stage}/rescore", (string applicationId, string stage, HttpContext http, Streams streams, ReviewCommands review, CancellationToken ct) =>
            WithStage(http, stage, kind => RunAsync<RescoreRequest>(http, streams, review, applicationId, LeaderRole(http), r => new RequestRescore(applicationId, kind, r.ExpertId ?? string.Empty, r.ItemCodes ?? [], r.Reason ?? string.Empty), ct)))
            .RequireAuthorization(p => p.RequireRole(Roles.Reviewer, Roles.Office)).Accepts<RescoreRequest>("application/json").WithSummary("The team leader sends items back to a reviewer for re-scoring.");

        api.MapPost("/applications/{applicationId}/reviews/{stage}/report", (string applicationId, string stage, HttpContext http, Streams streams, ReviewCommands review, CancellationToken ct) =>
            WithStage(http, stage, kind => RunAsync<ReportRequest>(http, streams, review, applicationId, LeaderRole(http), r => new SignPanelReport(applicationId, kind, r.Summary ?? string.Empty), ct)))
            .RequireAuthorization(p => p.RequireRole(Roles.Reviewer, Roles.Office)).Accepts<ReportRequest>("application/json")
            .WithSummary("The team leader signs the panel report; the panel score (the policy's mean or trimmed mean) becomes the application's stage score.");

        api.MapGet("/cycles/{cycleId}/review-history", async (string cycleId, string? applicationId, HttpContext http, Streams streams, CancellationToken ct) =>
        {
            if (CycleId.Parse(cycleId) is { IsOk: false } bad)
            {
                return Problems.For(http, bad.Refusal!);
            }

            var events = await streams.Store.ReadAsync(ReviewState.StreamIdFor(cycleId), ct);
            return Results.Ok(events
                .Where(e => applicationId is null || ApplicationOf(e.Event) == applicationId)
                .Select(e => new HistoryEntry(e.Version, e.Type, e.RecordedAt, e.Metadata.Actor.Role, e.Metadata.Actor.DisplayName ?? e.Metadata.Actor.Subject, Describe(e.Event))));
        }).RequireAuthorization(p => p.RequireRole(staff))
          .WithSummary("The review's audit trail (optionally for one application): who formed, assigned, declared, proposed, recused, scored, sent back and signed, when and why.");

        // ---- Changde §37 ----
        api.MapPost("/applications/{applicationId}/reviewer-ratings", (string applicationId, HttpContext http, Streams streams, ReviewCommands review, CancellationToken ct) =>
            RunAsync<RatingsRequest>(http, streams, review, applicationId, Roles.Applicant, r => new RateReviewers(applicationId, r.Ratings ?? []), ct))
            .RequireAuthorization(Roles.Applicant).Accepts<RatingsRequest>("application/json").WithSummary("After the site review the candidate rates the reviewers' conduct (Changde §37).");

        api.MapGet("/applications/{applicationId}/site-reviewers", async (string applicationId, HttpContext http, Streams streams, ReviewCommands review, CancellationToken ct) =>
        {
            var app = await ApplicationEndpoints.LoadVisibleAsync(applicationId, http.User, streams, ct);
            if (app is null || !ApplicationEndpoints.IsOwner(http.User, app))
            {
                return NotFound(http);
            }

            var state = await review.LoadAsync(app.CycleId, ct);
            if (!state.Reports.TryGetValue((applicationId, StageKind.SiteReview), out var report))
            {
                return Problems.For(http, Refusal.Rule("review.site-review-not-done", "现场评审尚未结束。", "The site review is not finished."));
            }

            var pool = await streams.LoadAsync(ReviewStreams.Pool, ExpertPoolState.StreamId, ct);
            var rated = state.Ratings.Where(r => r.ApplicationId == applicationId).Select(r => r.ExpertId).ToHashSet(StringComparer.Ordinal);
            return Results.Ok(report.Totals.Keys.Order(StringComparer.Ordinal).Select(id => new
            {
                expertId = id,
                name = pool.Experts.TryGetValue(id, out var e) ? e.Details.Name : id,
                rated = rated.Contains(id),
            }));
        }).RequireAuthorization(Roles.Applicant).WithSummary("The reviewers who did the applicant's site review, to rate their conduct (Changde §37); their scores are not shown.");

        api.MapGet("/cycles/{cycleId}/reviewer-ratings", async (string cycleId, ReviewCommands review, CancellationToken ct) =>
            Results.Ok((await review.LoadAsync(cycleId, ct)).Ratings))
            .RequireAuthorization(p => p.RequireRole(staff)).WithSummary("The candidates' ratings of the site reviewers: office and supervisors only.");
    }

    private static string LeaderRole(HttpContext http) => http.User.IsInRole(Roles.Reviewer) ? Roles.Reviewer : Roles.Office;

    private static async Task<IResult> WithStage(HttpContext http, string stage, Func<StageKind, Task<IResult>> then) =>
        Enum.TryParse<StageKind>(stage, ignoreCase: true, out var kind) && ReviewDecider.IsPanelStage(kind)
            ? await then(kind)
            : Problems.For(http, Refusal.Invalid("review.stage-not-scored", "该环节不由评审组评分。", "That stage is not scored by a panel.", "stage"));

    /// <summary>Load the application to find its cycle, then run the review command in the caller's role.</summary>
    private static async Task<IResult> RunAsync<TRequest>(HttpContext http, Streams streams, ReviewCommands review, string applicationId, string role, Func<TRequest, IReviewCommand> command, CancellationToken ct)
        where TRequest : class
    {
        // Who may see the application is settled before the body is read: a reviewer not on its panel
        // gets 404 whatever they send, never a 400 that answers for their body.
        var app = await ApplicationEndpoints.LoadVisibleAsync(applicationId, http.User, streams, ct);
        if (app is null)
        {
            return NotFound(http);
        }

        var (request, problem) = await JsonBody.ReadAsync<TRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = await review.RunAsync(app.CycleId, applicationId, command(request!), Caller.As(http.User, role), http.TraceIdentifier, ct);
        if (outcome.Refused)
        {
            return Problems.For(http, outcome.Refusal!);
        }

        return http.User.IsInRole(Roles.Office) || http.User.IsInRole(Roles.Supervisor)
            ? Results.Ok(ApplicationReview(outcome.State, applicationId))
            : Results.Ok(new { applicationId, recorded = outcome.Appended.Select(e => e.Type).ToList() });
    }

    public static ApplicationReviewView ApplicationReview(ReviewState s, string applicationId) => new(
        applicationId,
        s.Assignments.Values.Where(a => a.ApplicationId == applicationId).OrderBy(a => a.At).ToList(),
        s.Flags.Where(x => x.ApplicationId == applicationId).ToList(),
        s.Declarations.Where(x => x.ApplicationId == applicationId).ToList(),
        s.Proposals.Where(x => x.ApplicationId == applicationId).ToList(),
        s.Recusals.Values.Where(x => x.ApplicationId == applicationId).OrderBy(x => x.At).ToList(),
        s.Declined.Where(x => x.ApplicationId == applicationId).ToList(),
        s.Reports.Values.Where(x => x.ApplicationId == applicationId).OrderBy(x => x.At).ToList());

    private static string? ApplicationOf(IDomainEvent e) => e switch
    {
        PanelAssigned x => x.ApplicationId,
        ConflictFlagged x => x.ApplicationId,
        ConflictDeclared x => x.ApplicationId,
        RecusalProposed x => x.ApplicationId,
        ReviewerRecused x => x.ApplicationId,
        RecusalDeclined x => x.ApplicationId,
        ReviewScoreSubmitted x => x.ApplicationId,
        RescoreRequested x => x.ApplicationId,
        PanelReportSigned x => x.ApplicationId,
        ReviewerConductRated x => x.ApplicationId,
        ApplicationViewedByReviewer x => x.ApplicationId,
        _ => null,
    };

    /// <summary>One line of zh-CN per review event.</summary>
    public static string Describe(IDomainEvent e) => e switch
    {
        PanelFormed x => $"组建评审组“{x.Name}”，组长{x.Leader}，成员{string.Join("、", x.Members)}",
        PanelAssigned x => $"评审组{x.PanelId}负责“{Domain.Awards.StageNames.Zh(x.Stage)}”",
        ConflictFlagged x => $"系统提示{x.ExpertId}可能存在利益冲突：{x.Reason}",
        ConflictDeclared x => $"{x.ExpertId}申报利益冲突：{x.Relationship}",
        RecusalProposed x => $"监督组建议{x.ExpertId}回避：{x.Reason}",
        ReviewerRecused x => $"{x.ExpertId}回避（{x.Basis}）：{x.Reason}",
        RecusalDeclined x => $"{x.ExpertId}无需回避：{x.Reason}",
        ReviewScoreSubmitted x => $"{x.ExpertId}提交“{Domain.Awards.StageNames.Zh(x.Stage)}”评分{x.Total}",
        RescoreRequested x => $"组长要求{x.ExpertId}复评{string.Join("、", x.ItemCodes)}：{x.Reason}",
        PanelReportSigned x => $"{x.SignedBy}签署“{Domain.Awards.StageNames.Zh(x.Stage)}”评审报告，评审组得分{x.Points}/{x.MaxPoints}" + (x.Disagreements.Count > 0 ? $"，评分差异较大：{string.Join("、", x.Disagreements)}" : string.Empty),
        ReviewerConductRated x => $"申报者评价现场评审员{x.ExpertId}：{x.Rating}分",
        ApplicationViewedByReviewer x => $"{x.ExpertId}查阅申报材料",
        _ => e.GetType().Name,
    };

    private static IResult NotFound(HttpContext http) =>
        Problems.For(http, Refusal.NotFound("application.not-found", "申报不存在。", "No such application."));
}
