using System.ComponentModel;
using Microsoft.DurableTask.Client;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Applications;

[Description("The recommending body's recommendation of an application addressed to it.")]
public sealed record RecommendRequest(
    [property: Description("The recommendation opinion (推荐意见) the applicant and the office read; at most 2,000 characters.")] string Opinion,
    [property: Description("The reference (文号) of the district government's approval: required when a district's body recommends and the policy's recommendation stage asks for it (Changde §12).")] string? GovernmentApprovalReference = null);

[Description("Accept an application in the formal review (受理).")]
public sealed record AcceptRequest(
    [property: Description("An optional note recorded with the acceptance; at most 2,000 characters.")] string? Note = null);

[Description("The result of the public opinion survey (舆情调查), where the policy has one (Weihai §14).")]
public sealed record OpinionSurveyRequest(
    [property: Description("True when the survey found no adverse public opinion.")] bool Favourable,
    [property: Description("What the survey found; at most 2,000 characters.")] string Summary);

[Description("Mark, or clear the mark, that an application touches defence or national security (Changde §14).")]
public sealed record SecurityReviewRequest(
    [property: Description("True: consulted in a limited circle (the policy's security stage applies); false: clears the mark.")] bool Flagged,
    [property: Description("Why; at most 2,000 characters.")] string Reason);

public sealed record AcceptanceListEntry(string ApplicationId, string Name, string Category, string? DistrictId, string? District, DateTimeOffset AcceptedAt);

public sealed record AcceptanceList(string CycleId, string Title, IReadOnlyList<AcceptanceListEntry> Entries);

/// <summary>
/// From submission to acceptance: the recommender's first review (推荐), the office's checks
/// (舆情调查, 国防安全 matters) and the formal review (受理审查) that accepts or refuses with a reason
/// the applicant reads (Changde §15). The accepted applications form the cycle's acceptance list.
/// </summary>
public sealed class IntakeFunctions(ApplicationCommands commands, Streams streams, ReadModels readModels)
{
    private const string Tag = "Recommendation and acceptance";

    [Function("RecommendApplication")]
    [Allow(Roles.Recommender)]
    [Api(Tag, "Recommend an application addressed to the caller's body, with its opinion (and the district government's approval where the policy asks for it).", Body = typeof(RecommendRequest), Returns = typeof(ApplicationView))]
    [Refuses(403, "application.not-your-recommendation")]
    [Refuses(404, "application.not-found")]
    [Refuses(409, "application.not-submitted", "application.ended", "application.stage-not-in-policy", "application.out-of-order", "concurrency.conflict")]
    [Refuses(422, "application.opinion-missing", "application.government-approval-missing")]
    public Task<IResult> RecommendApplication([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/recommend")] HttpRequest req, string applicationId, [DurableClient] DurableTaskClient durable, CancellationToken ct) =>
        ApplicationFunctions.RunAsync<RecommendRequest>(req.HttpContext, commands, streams, applicationId, request => new Recommend(request.Opinion, request.GovernmentApprovalReference), Roles.Recommender, ct, durable);

    [Function("DeclineRecommendation")]
    [Allow(Roles.Recommender)]
    [Api(Tag, "Decline to recommend, with the reason the applicant will read.", Body = typeof(ReasonRequest), Returns = typeof(ApplicationView))]
    [Refuses(403, "application.not-your-recommendation")]
    [Refuses(404, "application.not-found")]
    [Refuses(409, "application.not-submitted", "application.ended", "application.stage-not-in-policy", "application.out-of-order", "concurrency.conflict")]
    [Refuses(422, "reason.missing", "reason.too-long")]
    public Task<IResult> DeclineRecommendation([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/decline")] HttpRequest req, string applicationId, [DurableClient] DurableTaskClient durable, CancellationToken ct) =>
        ApplicationFunctions.RunAsync<ReasonRequest>(req.HttpContext, commands, streams, applicationId, request => new DeclineRecommendation(request.Reason), Roles.Recommender, ct, durable);

    [Function("RecordOpinionSurvey")]
    [Allow(Roles.Office)]
    [Api(Tag, "Record the public opinion survey (舆情调查) where the policy has it (Weihai §14).", Body = typeof(OpinionSurveyRequest), Returns = typeof(ApplicationView))]
    [Refuses(404, "application.not-found")]
    [Refuses(409, "application.not-submitted", "application.ended", "application.stage-not-in-policy", "application.out-of-order", "concurrency.conflict")]
    [Refuses(422, "reason.missing", "reason.too-long")]
    public async Task<IResult> RecordOpinionSurvey([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/opinion-survey")] HttpRequest req, string applicationId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<OpinionSurveyRequest>(http, ct);
        return problem ?? await ApplicationFunctions.RunAsync(http, commands, applicationId, new RecordOpinionSurvey(request!.Favourable, request.Summary ?? string.Empty), Roles.Office, ct, durable);
    }

    [Function("FlagSecurityReview")]
    [Allow(Roles.Office)]
    [Api(Tag, "Mark an application as touching defence or national security, consulted in a limited circle (Changde §14).", Body = typeof(SecurityReviewRequest), Returns = typeof(ApplicationView))]
    [Refuses(404, "application.not-found")]
    [Refuses(409, "application.not-submitted", "application.ended", "concurrency.conflict")]
    [Refuses(422, "reason.missing", "reason.too-long")]
    public async Task<IResult> FlagSecurityReview([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/security-review")] HttpRequest req, string applicationId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<SecurityReviewRequest>(http, ct);
        return problem ?? await ApplicationFunctions.RunAsync(http, commands, applicationId, new FlagSecurityReview(request!.Flagged, request.Reason ?? string.Empty), Roles.Office, ct, durable);
    }

    [Function("AcceptApplication")]
    [Allow(Roles.Office)]
    [Api(Tag, "Formal review: accept (受理). Bans and re-application rules are checked again against the award register.", Body = typeof(AcceptRequest), Returns = typeof(ApplicationView))]
    [Refuses(404, "application.not-found")]
    [Refuses(409, "application.not-submitted", "application.ended", "application.stage-not-in-policy", "application.out-of-order", "application.adverse-record-open", "eligibility.category", "eligibility.years-operating", "eligibility.years-in-quality-work", "eligibility.already-awarded", "eligibility.reapplication-too-soon", "eligibility.banned", "concurrency.conflict")]
    [Refuses(422, "application.note-too-long")]
    public async Task<IResult> AcceptApplication([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/accept")] HttpRequest req, string applicationId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<AcceptRequest>(http, ct);
        return problem ?? await ApplicationFunctions.RunAsync(http, commands, applicationId, new Accept(request!.Note), Roles.Office, ct, durable);
    }

    [Function("RefuseApplication")]
    [Allow(Roles.Office)]
    [Api(Tag, "Formal review: refuse (不予受理) with the reason the applicant reads (Changde §15).", Body = typeof(ReasonRequest), Returns = typeof(ApplicationView))]
    [Refuses(404, "application.not-found")]
    [Refuses(409, "application.not-submitted", "application.ended", "application.stage-not-in-policy", "application.out-of-order", "concurrency.conflict")]
    [Refuses(422, "reason.missing", "reason.too-long")]
    public async Task<IResult> RefuseApplication([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/refuse")] HttpRequest req, string applicationId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<ReasonRequest>(http, ct);
        return problem ?? await ApplicationFunctions.RunAsync(http, commands, applicationId, new Refuse(request!.Reason ?? string.Empty), Roles.Office, ct, durable);
    }

    [Function("GetAcceptanceList")]
    [Allow(Roles.Office, Roles.Supervisor)]
    [Api(Tag, "The applications accepted in a cycle and still in the process: the list that goes under public notice.", Returns = typeof(AcceptanceList))]
    [Refuses(404, "cycle.not-found")]
    [Refuses(422, "cycleId.missing", "cycleId.malformed")]
    public async Task<IResult> GetAcceptanceList([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/cycles/{cycleId}/acceptance-list")] HttpRequest req, string cycleId, CancellationToken ct)
    {
        var http = req.HttpContext;
        var id = CycleId.Parse(cycleId);
        if (!id.IsOk)
        {
            return Problems.For(http, id.Refusal!);
        }

        var cycle = await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct);
        if (!cycle.Exists)
        {
            return Problems.For(http, Refusal.NotFound("cycle.not-found", "该评选周期不存在。", "No such cycle."));
        }

        var districts = cycle.Policy.City.Districts.ToDictionary(d => d.Id, d => d.Name, StringComparer.Ordinal);
        var rows = await readModels.PartitionAsync(ApplicationIndex.CyclePartition(cycleId), ct);
        var entries = rows
            .Where(r => r.GetDateTimeOffset("AcceptedAt") is not null && r.GetString("Status") == nameof(ApplicationStatus.InProcess))
            .Select(r => new AcceptanceListEntry(
                r.RowKey,
                r.GetString("Name") ?? string.Empty,
                Wire.Name(r.GetString("Category")),
                r.GetString("DistrictId"),
                r.GetString("DistrictId") is { } d && districts.TryGetValue(d, out var name) ? name : null,
                r.GetDateTimeOffset("AcceptedAt")!.Value))
            .OrderBy(e => e.AcceptedAt)
            .ThenBy(e => e.ApplicationId, StringComparer.Ordinal)
            .ToList();
        return Results.Ok(new AcceptanceList(cycle.CycleId, $"{cycle.Title}受理名单", entries));
    }
}
