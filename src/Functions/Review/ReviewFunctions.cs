using System.ComponentModel;
using Microsoft.DurableTask.Client;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Review;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Review;

[Description("An expert's particulars in the pool (评审员专家库).")]
public sealed record ExpertRequest(
    [property: Description("The expert's id, also the reviewer's sign-in subject: lowercase letters, digits and hyphens. Required to add; ignored when changing (the route names the expert).")] string? ExpertId,
    [property: Description("The expert's name (at most 200 characters).")] string Name,
    [property: Description("The expert's employer; used to flag obvious conflicts of interest with applicants.")] string Employer,
    [property: Description("The employer's unified social credit code (统一社会信用代码), if known; used to flag conflicts.")] string? EmployerCreditCode,
    [property: Description("The expert's field, e.g. 卓越绩效管理.")] string Field,
    [property: Description("GB/T 4754 industry codes such as C3670, at most 20.")] IReadOnlyList<string>? IndustryCodes,
    [property: Description("How the office reaches the expert (phone or mail).")] string Contact)
{
    public ExpertDetails Details => new(Name ?? string.Empty, Employer ?? string.Empty, EmployerCreditCode, Field ?? string.Empty, IndustryCodes ?? [], Contact ?? string.Empty);
}

public sealed record ExpertView(string ExpertId, string Name, string Employer, string? EmployerCreditCode, string Field, IReadOnlyList<string> IndustryCodes, string Contact, bool Active)
{
    public static ExpertView Of(Expert e) => new(e.ExpertId, e.Details.Name, e.Details.Employer, e.Details.EmployerCreditCode, e.Details.Field, e.Details.IndustryCodes, e.Details.Contact, e.Active);
}

[Description("Form a review panel (评审组) under the team-leader system (组长负责制).")]
public sealed record PanelRequest(
    [property: Description("The panel's id: lowercase letters, digits and hyphens.")] string PanelId,
    [property: Description("The panel's name, e.g. 材料评审组.")] string Name,
    [property: Description("The industry group the panel reviews, if the cycle has several.")] string? IndustryGroup,
    [property: Description("The expert ids of the members: 1 to 30, distinct, each active in the pool.")] IReadOnlyList<string>? Members,
    [property: Description("The team leader's expert id; a member of the panel.")] string Leader);

[Description("Assign a panel to an application at a stage it scores.")]
public sealed record AssignRequest(
    [property: Description("The application (app-…), which must stand at that stage.")] string ApplicationId,
    [property: Description("A panel-scored stage of the policy: materialReview, siteReview or presentation.")] StageKind Stage,
    [property: Description("The panel's id.")] string PanelId);

[Description("A reviewer declares a conflict of interest with the applicant and withdraws from it.")]
public sealed record ConflictRequest(
    [property: Description("The relationship with the applicant (at most 2,000 characters).")] string Relationship);

[Description("The supervision group proposes that a reviewer recuse themselves (Changde §36).")]
public sealed record RecusalProposalRequest(
    [property: Description("The reviewer's expert id; a member of a panel assigned to the application.")] string ExpertId,
    [property: Description("Why (at most 2,000 characters).")] string Reason);

[Description("The office decides on a reviewer's recusal.")]
public sealed record RecusalDecisionRequest(
    [property: Description("The reviewer's expert id; a member of a panel assigned to the application.")] string ExpertId,
    [property: Description("true: the reviewer is recused; false: no conflict is found in a pending flag or proposal.")] bool Recuse,
    [property: Description("Why (at most 2,000 characters).")] string Reason);

[Description("A reviewer's independent score on the policy's sheet.")]
public sealed record ScoreRequest(
    [property: Description("Points by item code: every item of the policy's sheet for the applicant's category, each from 0 to its maximum with at most one decimal, and no other item.")] IReadOnlyDictionary<string, decimal>? Items);

[Description("The team leader sends items of a reviewer's score back for re-scoring.")]
public sealed record RescoreRequest(
    [property: Description("The reviewer's expert id; they must have scored.")] string ExpertId,
    [property: Description("The sheet's item codes to score again; at least one, each one the reviewer scored.")] IReadOnlyList<string>? ItemCodes,
    [property: Description("Why (at most 2,000 characters).")] string Reason);

[Description("The team leader signs the panel report (组长负责制): the panel score becomes the stage score.")]
public sealed record PanelReportRequest(
    [property: Description("The panel's findings, as the report states them (at most 2,000 characters).")] string Summary);

[Description("The candidate rates the conduct of the reviewers of its site review (Changde §37).")]
public sealed record RatingsRequest(
    [property: Description("One rating per site reviewer: expertId, rating 1 to 5, an optional comment of at most 2,000 characters. A reviewer already rated is skipped.")] IReadOnlyList<ConductRating>? Ratings);

[Description("The office adds an expert to a panel, with the reason (e.g. a recusal left the panel short of the policy's minimum of scores). The new member scores, independently, every application the panel has not reported on.")]
public sealed record AddMemberRequest(
    [property: Description("The expert's id; active in the pool.")] string ExpertId,
    [property: Description("Why, as the review's audit trail records it (at most 2,000 characters, at least one visible character).")] string Reason);

[Description("The office replaces a member of a panel, with the reason (e.g. Changde §33, Jinan §27, Weihai §25: a reviewer stripped of the task). The replaced member's scores on what the panel has not reported on no longer count; a replaced team leader's place as leader goes to the replacement.")]
public sealed record ReplaceMemberRequest(
    [property: Description("The expert who takes the place: active in the pool, not a member already.")] string ReplacementId,
    [property: Description("Why, as the review's audit trail records it (at most 2,000 characters, at least one visible character).")] string Reason);

[Description("The office appoints another member as the panel's team leader (组长负责制: Changde §19-20, Benxi §17), with the reason, e.g. the leader was recused (Changde §36, Benxi §33).")]
public sealed record AppointLeaderRequest(
    [property: Description("The new team leader's expert id: a member of the panel.")] string ExpertId,
    [property: Description("Why, as the review's audit trail records it (at most 2,000 characters, at least one visible character).")] string Reason);

[Description("The office gives an application's stage to another panel, with the reason. Scores given by experts who sit on both panels still count; the others' no longer do.")]
public sealed record ReassignRequest(
    [property: Description("The panel that takes the stage over.")] string PanelId,
    [property: Description("Why, as the review's audit trail records it (at most 2,000 characters, at least one visible character).")] string Reason);

/// <summary>A panel as it stands now: its members, its team leader, and the members it had and replaced.</summary>
public sealed record PanelView(
    string PanelId,
    string Name,
    string? IndustryGroup,
    IReadOnlyList<string> Members,
    [property: Description("The team leader (组长负责制): signs the report, sends items back.")] string Leader,
    [property: Description("Members the office replaced: their scores on work the panel had not reported on no longer count.")] IReadOnlyList<string> FormerMembers)
{
    public static PanelView Of(Panel p) => new(p.PanelId, p.Name, p.IndustryGroup, p.Members, p.Leader, p.FormerMembers);
}

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

/// <summary>What a reviewer or an applicant is told when the review records their act: only what they did, nothing of the others.</summary>
public sealed record ReviewRecordedView(
    string ApplicationId,
    [property: Description("The review events recorded (none when the same act was recorded before).")] IReadOnlyList<string> Recorded);

/// <summary>A reviewer of the applicant's site review, to rate; their scores are not shown.</summary>
public sealed record SiteReviewerView(
    string ExpertId,
    string Name,
    [property: Description("The applicant has rated this reviewer already.")] bool Rated);

/// <summary>
/// Expert review (Changde §6-7, §19-20, §36-37; Benxi §17-19; Jinan §8-9, §15; Xinzhou §16;
/// Weihai §14): the expert pool, panels with a team leader, conflicts and recusals, independent
/// scores on the policy's sheets, the team leader's report, and the candidates' rating of the
/// site reviewers. Reviewers sign in with the reviewer role; their subject is their expert id.
/// </summary>
public sealed class ReviewFunctions(ReviewCommands review, Streams streams, Cycles.FollowUps followUps, ILoggerFactory loggers)
{
    private readonly ILogger _log = loggers.CreateLogger<ReviewFunctions>();

    private const string Tag = "Expert review";

    // ---- the expert pool ----

    [Function("AddExpert")]
    [Allow(Roles.Office)]
    [Api(Tag, "Add an expert to the pool; the expert id is the reviewer's sign-in subject. Adding the same expert again answers 201 with the expert.", Body = typeof(ExpertRequest), Returns = typeof(ExpertView), Status = 201)]
    [Refuses(409, "expert.exists", "concurrency.conflict")]
    [Refuses(422, "expertId.missing", "expertId.malformed", "expert.name-missing", "expert.employer-missing", "expert.credit-code-invalid", "expert.field-missing", "expert.industry-codes-invalid", "expert.contact-missing")]
    public async Task<IResult> Add([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/experts")] HttpRequest req, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<ExpertRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = await review.RunPoolAsync(new RegisterExpert(request!.ExpertId ?? string.Empty, request.Details), Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
        return outcome.Refused
            ? Problems.For(http, outcome.Refusal!)
            : Results.Created($"/api/experts/{request.ExpertId}", ExpertView.Of(outcome.State.Experts[request.ExpertId!]));
    }

    [Function("ListExperts")]
    [Allow(Roles.Office, Roles.Supervisor)]
    [Api(Tag, "The expert pool, removed experts included (marked inactive).", Returns = typeof(ExpertView[]))]
    public async Task<IResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/experts")] HttpRequest req, CancellationToken ct) =>
        Results.Ok((await LoadPoolAsync(ct)).Experts.Values.OrderBy(e => e.ExpertId, StringComparer.Ordinal).Select(ExpertView.Of));

    [Function("GetExpert")]
    [Allow(Roles.Office, Roles.Supervisor)]
    [Api(Tag, "One expert.", Returns = typeof(ExpertView))]
    [Refuses(404, "expert.not-found")]
    public async Task<IResult> Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/experts/{expertId}")] HttpRequest req, string expertId, CancellationToken ct) =>
        (await LoadPoolAsync(ct)).Experts.TryGetValue(expertId, out var e)
            ? Results.Ok(ExpertView.Of(e))
            : Problems.For(req.HttpContext, ExpertPoolDecider.NotFound());

    [Function("UpdateExpert")]
    [Allow(Roles.Office)]
    [Api(Tag, "Change an expert's particulars.", Body = typeof(ExpertRequest), Returns = typeof(ExpertView))]
    [Refuses(404, "expert.not-found")]
    [Refuses(409, "concurrency.conflict")]
    [Refuses(422, "expert.name-missing", "expert.employer-missing", "expert.credit-code-invalid", "expert.field-missing", "expert.industry-codes-invalid", "expert.contact-missing")]
    public async Task<IResult> Update([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/experts/{expertId}")] HttpRequest req, string expertId, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<ExpertRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = await review.RunPoolAsync(new UpdateExpert(expertId, request!.Details), Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
        return outcome.Refused ? Problems.For(http, outcome.Refusal!) : Results.Ok(ExpertView.Of(outcome.State.Experts[expertId]));
    }

    [Function("RemoveExpert")]
    [Allow(Roles.Office)]
    [Api(Tag, "Take an expert out of the pool (kept on record, so who scored what stays readable).", Body = typeof(ReasonRequest), Returns = typeof(ExpertView))]
    [Refuses(404, "expert.not-found")]
    [Refuses(409, "concurrency.conflict")]
    [Refuses(422, "reason.missing")]
    public async Task<IResult> Remove([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/experts/{expertId}/remove")] HttpRequest req, string expertId, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<ReasonRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = await review.RunPoolAsync(new RemoveExpert(expertId, request!.Reason ?? string.Empty), Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
        return outcome.Refused ? Problems.For(http, outcome.Refusal!) : Results.Ok(ExpertView.Of(outcome.State.Experts[expertId]));
    }

    // ---- panels and assignments ----

    [Function("FormPanel")]
    [Allow(Roles.Office)]
    [Api(Tag, "Form a panel (for the cycle or an industry group) with its team leader. Forming the same panel again answers 201 with it.", Body = typeof(PanelRequest), Returns = typeof(PanelFormed), Status = 201)]
    [Refuses(404, "cycle.not-found")]
    [Refuses(409, "review.panel-exists", "concurrency.conflict")]
    [Refuses(422, "panelId.missing", "panelId.malformed", "review.panel-name-missing", "review.panel-members-invalid", "review.expert-not-in-pool", "review.leader-not-member")]
    public async Task<IResult> Form([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cycles/{cycleId}/panels")] HttpRequest req, string cycleId, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<PanelRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var command = new FormPanel(request!.PanelId ?? string.Empty, request.Name ?? string.Empty, request.IndustryGroup, request.Members ?? [], request.Leader ?? string.Empty);
        var outcome = await review.RunAsync(cycleId, null, command, Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
        return outcome.Refused ? Problems.For(http, outcome.Refusal!) : Results.Created($"/api/cycles/{cycleId}/panels", outcome.State.Panels[command.PanelId]);
    }

    [Function("ListPanels")]
    [Allow(Roles.Office, Roles.Supervisor)]
    [Api(Tag, "The cycle's panels.", Returns = typeof(PanelFormed[]))]
    public async Task<IResult> ListPanels([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/cycles/{cycleId}/panels")] HttpRequest req, string cycleId, CancellationToken ct) =>
        Results.Ok((await review.LoadAsync(cycleId, ct)).Panels.Values.OrderBy(p => p.PanelId, StringComparer.Ordinal));

    [Function("AssignPanel")]
    [Allow(Roles.Office)]
    [Api(Tag, "Assign a panel to an application at a scored stage; obvious conflicts (same employer or credit code) are flagged for the office. Assigning the same panel again changes nothing.", Body = typeof(AssignRequest), Returns = typeof(ApplicationReviewView))]
    [Refuses(404, "cycle.not-found", "review.panel-not-found", "application.not-found")]
    [Refuses(409, "review.already-assigned", "review.not-at-stage", "concurrency.conflict")]
    [Refuses(422, "review.stage-not-scored")]
    public async Task<IResult> Assign([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cycles/{cycleId}/assignments")] HttpRequest req, string cycleId, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<AssignRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = await review.RunAsync(cycleId, request!.ApplicationId, new AssignPanel(request.ApplicationId ?? string.Empty, request.Stage, request.PanelId ?? string.Empty), Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
        return outcome.Refused ? Problems.For(http, outcome.Refusal!) : Results.Ok(ApplicationReview(outcome.State, request.ApplicationId!));
    }

    // ---- corrections: the office changes a panel, its leader, or the panel of a stage (issue 16, docs/decisions/0015) ----

    [Function("AddPanelMember")]
    [Allow(Roles.Office)]
    [Api(Tag, "Add an expert to a panel, with the reason: the new member scores, independently like the others, every application the panel has not reported on; obvious conflicts with those applicants are flagged. Adding a member again changes nothing. No regulation fixes a panel's size; the policy's minimum of scores (scoring.minPanelScores) decides when a report can be signed.", Body = typeof(AddMemberRequest), Returns = typeof(PanelView))]
    [Refuses(404, "cycle.not-found", "review.panel-not-found")]
    [Refuses(409, "concurrency.conflict")]
    [Refuses(422, "review.expert-not-in-pool", "review.panel-members-invalid", "reason.missing", "reason.too-long", FreeText.Code)]
    public Task<IResult> AddPanelMember([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cycles/{cycleId}/panels/{panelId}/members")] HttpRequest req, string cycleId, string panelId, CancellationToken ct) =>
        ChangePanelAsync<AddMemberRequest>(req.HttpContext, cycleId, panelId, r => new AddPanelMember(panelId, r.ExpertId ?? string.Empty, r.Reason ?? string.Empty), ct);

    [Function("ReplacePanelMember")]
    [Allow(Roles.Office)]
    [Api(Tag, "Replace a member of a panel, with the reason (Changde §33, Jinan §27, Weihai §25: a reviewer stripped of the task). The replaced member's scores on what the panel has not reported on no longer count (the trail keeps them); a replaced team leader's place goes to the replacement.", Body = typeof(ReplaceMemberRequest), Returns = typeof(PanelView))]
    [Refuses(404, "cycle.not-found", "review.panel-not-found", "review.not-a-member")]
    [Refuses(409, "review.already-member", "concurrency.conflict")]
    [Refuses(422, "review.expert-not-in-pool", "reason.missing", "reason.too-long", FreeText.Code)]
    public Task<IResult> ReplacePanelMember([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cycles/{cycleId}/panels/{panelId}/members/{expertId}/replace")] HttpRequest req, string cycleId, string panelId, string expertId, CancellationToken ct) =>
        ChangePanelAsync<ReplaceMemberRequest>(req.HttpContext, cycleId, panelId, r => new ReplacePanelMember(panelId, expertId, r.ReplacementId ?? string.Empty, r.Reason ?? string.Empty), ct);

    [Function("AppointTeamLeader")]
    [Allow(Roles.Office)]
    [Api(Tag, "Appoint another member as the panel's team leader, with the reason. Under 组长负责制 (Changde §19-20, Benxi §17) a leader recused from an application (Changde §36, Benxi §33) leads nothing on it and the office never signs in its place: the office appoints another leader (or gives the stage to another panel), who then sends back and signs.", Body = typeof(AppointLeaderRequest), Returns = typeof(PanelView))]
    [Refuses(404, "cycle.not-found", "review.panel-not-found")]
    [Refuses(409, "concurrency.conflict")]
    [Refuses(422, "review.leader-not-member", "reason.missing", "reason.too-long", FreeText.Code)]
    public Task<IResult> AppointTeamLeader([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cycles/{cycleId}/panels/{panelId}/leader")] HttpRequest req, string cycleId, string panelId, CancellationToken ct) =>
        ChangePanelAsync<AppointLeaderRequest>(req.HttpContext, cycleId, panelId, r => new AppointTeamLeader(panelId, r.ExpertId ?? string.Empty, r.Reason ?? string.Empty), ct);

    [Function("ReassignPanel")]
    [Allow(Roles.Office)]
    [Api(Tag, "Give an application's stage to another panel, with the reason, while the application stands at that stage and before the report is signed. Scores of experts who sit on both panels still count; obvious conflicts on the new panel are flagged.", Body = typeof(ReassignRequest), Returns = typeof(ApplicationReviewView))]
    [Refuses(404, "application.not-found", "cycle.not-found", "review.panel-not-found", "review.not-assigned")]
    [Refuses(409, "review.report-signed", "review.not-at-stage", "concurrency.conflict")]
    [Refuses(422, "review.stage-not-scored", "reason.missing", "reason.too-long", FreeText.Code)]
    public Task<IResult> ReassignPanel([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/reviews/{stage}/reassign")] HttpRequest req, string applicationId, string stage, CancellationToken ct) =>
        WithStage(req.HttpContext, stage, kind => RunAsync<ReassignRequest>(req.HttpContext, applicationId, Roles.Office, r => new ReassignPanel(applicationId, kind, r.PanelId ?? string.Empty, r.Reason ?? string.Empty), ct));

    [Function("ListReviewerAssignments")]
    [Allow(Roles.Reviewer)]
    [Api(Tag, "The reviewer's own assignments in a cycle (recused ones are gone).", Returns = typeof(AssignmentView[]), Query = ["cycleId!"])]
    [Refuses(400, "cycleId.missing")]
    public async Task<IResult> ListReviewerAssignments([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/reviewer/assignments")] HttpRequest req, CancellationToken ct)
    {
        var http = req.HttpContext;
        if (req.QueryValue("cycleId") is not { } cycleId)
        {
            return Problems.BadRequest(http, "cycleId.missing", "请给出评选周期（cycleId）。", "Give the cycle (cycleId).", "cycleId");
        }

        var me = Caller.Subject(http.User)!;
        var state = await review.LoadAsync(cycleId, ct);
        return Results.Ok(state.Assignments.Values
            .Where(a => state.Panels[a.PanelId].Members.Contains(me) && !state.IsRecused(a.ApplicationId, me))
            .OrderBy(a => a.ApplicationId, StringComparer.Ordinal).ThenBy(a => a.Stage)
            .Select(a => new AssignmentView(a.ApplicationId, Wire.Name(a.Stage), a.PanelId, state.Panels[a.PanelId].Leader == me, state.HasSubmitted(a.ApplicationId, a.Stage, me), state.Reports.ContainsKey((a.ApplicationId, a.Stage)))));
    }

    [Function("GetApplicationReview")]
    [Allow(Roles.Office, Roles.Supervisor)]
    [Api(Tag, "Everything the review recorded about an application: panels, conflicts, recusals and who decided them, reports.", Returns = typeof(ApplicationReviewView))]
    [Refuses(404, "application.not-found")]
    public async Task<IResult> GetApplicationReview([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/applications/{applicationId}/review")] HttpRequest req, string applicationId, CancellationToken ct)
    {
        var http = req.HttpContext;
        var app = await ApplicationFunctions.LoadVisibleAsync(applicationId, http.User, streams, ct);
        return app is null ? NotFound(http) : Results.Ok(ApplicationReview(await review.LoadAsync(app.CycleId, ct), applicationId));
    }

    // ---- conflicts and recusals ----

    [Function("DeclareConflict")]
    [Allow(Roles.Reviewer)]
    [Api(Tag, "A reviewer declares a conflict with the applicant and withdraws from it.", Body = typeof(ConflictRequest), Returns = typeof(ReviewRecordedView))]
    [Refuses(404, "application.not-found")]
    [Refuses(409, "concurrency.conflict")]
    [Refuses(422, "reason.missing", "reason.too-long")]
    public Task<IResult> Declare([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/conflicts")] HttpRequest req, string applicationId, CancellationToken ct) =>
        RunAsync<ConflictRequest>(req.HttpContext, applicationId, Roles.Reviewer, r => new DeclareConflict(applicationId, r.Relationship ?? string.Empty), ct);

    [Function("ProposeRecusal")]
    [Allow(Roles.Supervisor)]
    [Api(Tag, "The supervision group proposes a recusal (Changde §36); the office decides it.", Body = typeof(RecusalProposalRequest), Returns = typeof(ApplicationReviewView))]
    [Refuses(404, "application.not-found", "review.reviewer-not-assigned")]
    [Refuses(409, "concurrency.conflict")]
    [Refuses(422, "reason.missing", "reason.too-long")]
    public Task<IResult> Propose([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/recusal-proposals")] HttpRequest req, string applicationId, CancellationToken ct) =>
        RunAsync<RecusalProposalRequest>(req.HttpContext, applicationId, Roles.Supervisor, r => new ProposeRecusal(applicationId, r.ExpertId ?? string.Empty, r.Reason ?? string.Empty), ct);

    [Function("DecideRecusal")]
    [Allow(Roles.Office)]
    [Api(Tag, "The office recuses a reviewer, or finds no conflict in a flag or proposal.", Body = typeof(RecusalDecisionRequest), Returns = typeof(ApplicationReviewView))]
    [Refuses(404, "application.not-found", "review.reviewer-not-assigned")]
    [Refuses(409, "review.already-recused", "review.nothing-to-decide", "concurrency.conflict")]
    [Refuses(422, "reason.missing", "reason.too-long")]
    public Task<IResult> Decide([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/recusals")] HttpRequest req, string applicationId, CancellationToken ct) =>
        RunAsync<RecusalDecisionRequest>(req.HttpContext, applicationId, Roles.Office, r => new DecideRecusal(applicationId, r.ExpertId ?? string.Empty, r.Recuse, r.Reason ?? string.Empty), ct);

    // ---- scores and reports ----

    [Function("SubmitScores")]
    [Allow(Roles.Reviewer)]
    [Api(Tag, "A reviewer's independent score: every item of the policy's sheet, within its maximum. Once only, unless the team leader sends items back.", Body = typeof(ScoreRequest), Returns = typeof(ReviewRecordedView))]
    [Refuses(403, "review.not-assigned")]
    [Refuses(404, "application.not-found")]
    [Refuses(409, "review.report-signed", "review.already-scored", "review.rescore-outside-items", "concurrency.conflict")]
    [Refuses(422, "review.stage-not-scored", "score.sheet-invalid")]
    public Task<IResult> SubmitScores([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/reviews/{stage}/scores")] HttpRequest req, string applicationId, string stage, CancellationToken ct) =>
        WithStage(req.HttpContext, stage, kind => RunAsync<ScoreRequest>(req.HttpContext, applicationId, Roles.Reviewer, r => new SubmitReviewScore(applicationId, kind, r.Items ?? new Dictionary<string, decimal>()), ct));

    [Function("ListScores")]
    [Allow(Roles.Office, Roles.Supervisor, Roles.Reviewer)]
    [Api(Tag, "The panel's scores and spread: to a member only once their own score is in; to the office and supervisors always.", Returns = typeof(PanelScoresView))]
    [Refuses(404, "application.not-found", "review.not-assigned")]
    [Refuses(409, "review.score-first")]
    [Refuses(422, "review.stage-not-scored")]
    public Task<IResult> ListScores([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/applications/{applicationId}/reviews/{stage}/scores")] HttpRequest req, string applicationId, string stage, CancellationToken ct)
    {
        var http = req.HttpContext;
        return WithStage(http, stage, async kind =>
        {
            var app = await ApplicationFunctions.LoadVisibleAsync(applicationId, http.User, streams, ct);
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
        });
    }

    [Function("SendBackForRescore")]
    [Allow(Roles.Reviewer, Roles.Office)]
    [Api(Tag, "The team leader sends items back to a reviewer for re-scoring (the office may, where the policy has no team leader for the stage). The office and supervisors are answered with the application's review; a reviewer, with what was recorded.", Body = typeof(RescoreRequest), Returns = typeof(ApplicationReviewView))]
    [Refuses(403, "review.leader-only")]
    [Refuses(404, "application.not-found", "review.not-assigned")]
    [Refuses(409, "review.report-signed", "review.not-scored", "review.leader-recused", "concurrency.conflict")]
    [Refuses(422, "review.stage-not-scored", "review.rescore-items-invalid", "reason.missing", "reason.too-long")]
    public Task<IResult> Rescore([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/reviews/{stage}/rescore")] HttpRequest req, string applicationId, string stage, CancellationToken ct) =>
        WithStage(req.HttpContext, stage, kind => RunAsync<RescoreRequest>(req.HttpContext, applicationId, LeaderRole(req.HttpContext), r => new RequestRescore(applicationId, kind, r.ExpertId ?? string.Empty, r.ItemCodes ?? [], r.Reason ?? string.Empty), ct));

    [Function("SignPanelReport")]
    [Allow(Roles.Reviewer, Roles.Office)]
    [Api(Tag, "The team leader signs the panel report; the panel score (the policy's mean or trimmed mean) becomes the application's stage score. The office and supervisors are answered with the application's review; a reviewer, with what was recorded.", Body = typeof(PanelReportRequest), Returns = typeof(ApplicationReviewView))]
    [Refuses(403, "review.leader-only")]
    [Refuses(404, "application.not-found", "review.not-assigned")]
    [Refuses(409, "review.conflict-pending", "review.scores-missing", "review.no-scores", "review.too-few-scores", "review.leader-recused", "concurrency.conflict")]
    [Refuses(422, "review.stage-not-scored", "reason.missing", "reason.too-long")]
    public Task<IResult> Sign([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/reviews/{stage}/report")] HttpRequest req, string applicationId, string stage, [DurableClient] DurableTaskClient durable, CancellationToken ct) =>
        WithStage(req.HttpContext, stage, kind => RunAsync<PanelReportRequest>(req.HttpContext, applicationId, LeaderRole(req.HttpContext), r => new SignPanelReport(applicationId, kind, r.Summary ?? string.Empty), ct, async signed =>
        {
            // The signed report's score becomes the application's stage score now, before the answer
            // (a refusal is taken again, and shown, by the application's orchestration).
            var signedReport = signed.Appended.First(e => e.Event is PanelReportSigned);
            await followUps.MoveOnAsync(applicationId, $"{signedReport.StreamId}:{signedReport.Version}", ct);
            await ApplicationWorkflow.ChangedAsync(durable, await streams.LoadAsync(StreamKinds.Application, ApplicationId.Parse(applicationId).Value.StreamId, ct), "report-signed", _log, ct);
        }));

    [Function("GetReviewHistory")]
    [Allow(Roles.Office, Roles.Supervisor)]
    [Api(Tag, "The review's audit trail (optionally for one application): who formed, assigned, declared, proposed, recused, scored, sent back and signed, when and why.", Returns = typeof(HistoryEntry[]), Query = ["applicationId"])]
    [Refuses(422, "cycleId.malformed")]
    public async Task<IResult> GetReviewHistory([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/cycles/{cycleId}/review-history")] HttpRequest req, string cycleId, CancellationToken ct)
    {
        if (CycleId.Parse(cycleId) is { IsOk: false } bad)
        {
            return Problems.For(req.HttpContext, bad.Refusal!);
        }

        var applicationId = req.QueryValue("applicationId");
        var events = await streams.Store.ReadAsync(ReviewState.StreamIdFor(cycleId), ct);
        var cycle = await streams.LoadAsync(StreamKinds.Cycle, CycleId.Parse(cycleId).Value.StreamId, ct);
        if (!cycle.Exists)
        {
            return Results.Ok(Array.Empty<HistoryEntry>());
        }

        // For one application: its own events, and the changes to every panel that has had a stage of it.
        var panels = events.Select(e => e.Event switch
            {
                PanelAssigned x when x.ApplicationId == applicationId => x.PanelId,
                PanelReassigned x when x.ApplicationId == applicationId => x.FromPanelId,
                _ => null,
            })
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        return Results.Ok(events
            .Where(e => applicationId is null || ApplicationOf(e.Event) == applicationId || (PanelOf(e.Event) is { } panel && panels.Contains(panel)))
            .Select(e => new HistoryEntry(e.Version, e.Type, e.RecordedAt, e.Metadata.Actor.Role, e.Metadata.Actor.DisplayName ?? e.Metadata.Actor.Subject, Describe(e.Event, cycle.Policy))));
    }

    // ---- Changde §37 ----

    [Function("RateSiteReviewers")]
    [Allow(Roles.Applicant)]
    [Api(Tag, "After the site review the candidate rates the reviewers' conduct (Changde §37).", Body = typeof(RatingsRequest), Returns = typeof(ReviewRecordedView))]
    [Refuses(404, "application.not-found")]
    [Refuses(409, "review.no-conduct-rating", "review.site-review-not-done", "concurrency.conflict")]
    [Refuses(422, "review.ratings-missing", "review.not-your-reviewer", "review.rating-invalid")]
    public Task<IResult> RateSiteReviewers([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/reviewer-ratings")] HttpRequest req, string applicationId, CancellationToken ct) =>
        RunAsync<RatingsRequest>(req.HttpContext, applicationId, Roles.Applicant, r => new RateReviewers(applicationId, r.Ratings ?? []), ct);

    [Function("ListSiteReviewers")]
    [Allow(Roles.Applicant)]
    [Api(Tag, "The reviewers who did the applicant's site review, to rate their conduct (Changde §37); their scores are not shown.", Returns = typeof(SiteReviewerView[]))]
    [Refuses(404, "application.not-found")]
    [Refuses(409, "review.site-review-not-done")]
    public async Task<IResult> ListSiteReviewers([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/applications/{applicationId}/site-reviewers")] HttpRequest req, string applicationId, CancellationToken ct)
    {
        var http = req.HttpContext;
        var app = await ApplicationFunctions.LoadVisibleAsync(applicationId, http.User, streams, ct);
        if (app is null || !ApplicationFunctions.IsOwner(http.User, app))
        {
            return NotFound(http);
        }

        var state = await review.LoadAsync(app.CycleId, ct);
        if (!state.Reports.TryGetValue((applicationId, StageKind.SiteReview), out var report))
        {
            return Problems.For(http, Refusal.Rule("review.site-review-not-done", "现场评审尚未结束。", "The site review is not finished."));
        }

        var pool = await LoadPoolAsync(ct);
        var rated = state.Ratings.Where(r => r.ApplicationId == applicationId).Select(r => r.ExpertId).ToHashSet(StringComparer.Ordinal);
        return Results.Ok(report.Totals.Keys.Order(StringComparer.Ordinal).Select(id => new SiteReviewerView(
            id,
            pool.Experts.TryGetValue(id, out var e) ? e.Details.Name : id,
            rated.Contains(id))));
    }

    [Function("ListReviewerRatings")]
    [Allow(Roles.Office, Roles.Supervisor)]
    [Api(Tag, "The candidates' ratings of the site reviewers: office and supervisors only.", Returns = typeof(ReviewerConductRated[]))]
    public async Task<IResult> ListReviewerRatings([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/cycles/{cycleId}/reviewer-ratings")] HttpRequest req, string cycleId, CancellationToken ct) =>
        Results.Ok((await review.LoadAsync(cycleId, ct)).Ratings);

    /// <summary>Read the body, run the office's change to a panel of the cycle, answer with the panel as it now stands.</summary>
    private async Task<IResult> ChangePanelAsync<TRequest>(HttpContext http, string cycleId, string panelId, Func<TRequest, IReviewCommand> command, CancellationToken ct)
        where TRequest : class
    {
        var (request, problem) = await JsonBody.ReadAsync<TRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = await review.RunAsync(cycleId, null, command(request!), Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
        return outcome.Refused ? Problems.For(http, outcome.Refusal!) : Results.Ok(PanelView.Of(outcome.State.Panels[panelId]));
    }

    private Task<ExpertPoolState> LoadPoolAsync(CancellationToken ct) =>
        streams.LoadAsync(ReviewStreams.Pool, ExpertPoolState.StreamId, ct);

    private static string LeaderRole(HttpContext http) => http.User.IsInRole(Roles.Reviewer) ? Roles.Reviewer : Roles.Office;

    private static async Task<IResult> WithStage(HttpContext http, string stage, Func<StageKind, Task<IResult>> then) =>
        Enum.TryParse<StageKind>(stage, ignoreCase: true, out var kind) && ReviewDecider.IsPanelStage(kind)
            ? await then(kind)
            : Problems.For(http, Refusal.Invalid("review.stage-not-scored", "该环节不由评审组评分。", "That stage is not scored by a panel.", "stage"));

    /// <summary>Load the application to find its cycle, then run the review command in the caller's role.</summary>
    private async Task<IResult> RunAsync<TRequest>(HttpContext http, string applicationId, string role, Func<TRequest, IReviewCommand> command, CancellationToken ct, Func<CommandOutcome<ReviewState>, Task>? then = null)
        where TRequest : class
    {
        // The application and the review are read once: the access check and the command decide on
        // that read (the review's append is conditional on its version).
        using var once = streams.Store.ReadOnce();

        // Who may see the application is settled before the body is read: a reviewer not on its panel
        // gets 404 whatever they send, never a 400 that answers for their body.
        var app = await ApplicationFunctions.LoadVisibleAsync(applicationId, http.User, streams, ct);
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

        if (then is not null && outcome.Appended.Count > 0)
        {
            await then(outcome);
        }

        return http.User.IsInRole(Roles.Office) || http.User.IsInRole(Roles.Supervisor)
            ? Results.Ok(ApplicationReview(outcome.State, applicationId))
            : Results.Ok(new ReviewRecordedView(applicationId, outcome.Appended.Select(e => e.Type).ToList()));
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
        PanelReassigned x => x.ApplicationId,
        _ => null,
    };

    private static string? PanelOf(IDomainEvent e) => e switch
    {
        PanelMemberAdded x => x.PanelId,
        PanelMemberReplaced x => x.PanelId,
        TeamLeaderAppointed x => x.PanelId,
        _ => null,
    };

    /// <summary>One line of zh-CN per review event.</summary>
    /// <summary><paramref name="policy"/>: the cycle's copy of its policy, whose words name the stages.</summary>
    public static string Describe(IDomainEvent e, AwardPolicy policy) => e switch
    {
        PanelFormed x => $"组建评审组“{x.Name}”，组长{x.Leader}，成员{string.Join("、", x.Members)}",
        PanelAssigned x => $"评审组{x.PanelId}负责“{policy.TitleOf(x.Stage)}”",
        ConflictFlagged x => $"系统提示{x.ExpertId}可能存在利益冲突：{x.Reason}",
        ConflictDeclared x => $"{x.ExpertId}申报利益冲突：{x.Relationship}",
        RecusalProposed x => $"监督组建议{x.ExpertId}回避：{x.Reason}",
        ReviewerRecused x => $"{x.ExpertId}回避（{x.Basis}）：{x.Reason}",
        RecusalDeclined x => $"{x.ExpertId}无需回避：{x.Reason}",
        ReviewScoreSubmitted x => $"{x.ExpertId}提交“{policy.TitleOf(x.Stage)}”评分{x.Total}",
        RescoreRequested x => $"组长要求{x.ExpertId}复评{string.Join("、", x.ItemCodes)}：{x.Reason}",
        PanelReportSigned x => $"{x.SignedBy}签署“{policy.TitleOf(x.Stage)}”评审报告，评审组得分{x.Points}/{x.MaxPoints}" + (x.Disagreements.Count > 0 ? $"，评分差异较大：{string.Join("、", x.Disagreements)}" : string.Empty),
        ReviewerConductRated x => $"申报者评价现场评审员{x.ExpertId}：{x.Rating}分",
        ApplicationViewedByReviewer x => $"{x.ExpertId}查阅申报材料",
        PanelMemberAdded x => $"评审组{x.PanelId}增补评审员{x.ExpertId}：{x.Reason}",
        PanelMemberReplaced x => $"评审组{x.PanelId}由{x.ReplacementId}替换{x.ExpertId}（{x.ExpertId}尚未报告事项的评分不再计入）：{x.Reason}",
        TeamLeaderAppointed x => $"评审组{x.PanelId}另行指定{x.ExpertId}为组长：{x.Reason}",
        PanelReassigned x => $"“{policy.TitleOf(x.Stage)}”由评审组{x.FromPanelId}改派评审组{x.PanelId}：{x.Reason}",
        _ => e.GetType().Name,
    };

    private static IResult NotFound(HttpContext http) =>
        Problems.For(http, Refusal.NotFound("application.not-found", "申报不存在。", "No such application."));
}
