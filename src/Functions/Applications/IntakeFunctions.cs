using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Applications;

public sealed record RecommendRequest(string Opinion, string? GovernmentApprovalReference = null);

public sealed record AcceptRequest(string? Note = null);

public sealed record OpinionSurveyRequest(bool Favourable, string Summary);

public sealed record SecurityReviewRequest(bool Flagged, string Reason);

public sealed record AcceptanceListEntry(string ApplicationId, string Name, string Category, string? DistrictId, string? District, DateTimeOffset AcceptedAt);

public sealed record AcceptanceList(string CycleId, string Title, IReadOnlyList<AcceptanceListEntry> Entries);

/// <summary>
/// From submission to acceptance: the recommender's first review (推荐), the office's checks
/// (舆情调查, 国防安全 matters) and the formal review (受理审查) that accepts or refuses with a reason
/// the applicant reads (Changde §15). The accepted applications form the cycle's acceptance list.
/// </summary>
public static class IntakeEndpoints
{
    public static void MapIntake(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Recommendation and acceptance");

        api.MapPost("/applications/{applicationId}/recommend", (string applicationId, HttpContext http, ApplicationCommands commands, Streams streams, CancellationToken ct) =>
            ApplicationEndpoints.RunAsync<RecommendRequest>(http, commands, streams, applicationId, request => new Recommend(request.Opinion, request.GovernmentApprovalReference), Roles.Recommender, ct)).RequireAuthorization(Roles.Recommender).Accepts<RecommendRequest>("application/json")
          .WithSummary("Recommend an application addressed to the caller's body, with its opinion (and the district government's approval where the policy asks for it).");

        api.MapPost("/applications/{applicationId}/decline", (string applicationId, HttpContext http, ApplicationCommands commands, Streams streams, CancellationToken ct) =>
            ApplicationEndpoints.RunAsync<ReasonRequest>(http, commands, streams, applicationId, request => new DeclineRecommendation(request.Reason), Roles.Recommender, ct)).RequireAuthorization(Roles.Recommender).Accepts<ReasonRequest>("application/json")
          .WithSummary("Decline to recommend, with the reason the applicant will read.");

        api.MapPost("/applications/{applicationId}/opinion-survey", async (string applicationId, HttpContext http, ApplicationCommands commands, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<OpinionSurveyRequest>(http, ct);
            return problem ?? await ApplicationEndpoints.RunAsync(http, commands, applicationId, new RecordOpinionSurvey(request!.Favourable, request.Summary ?? string.Empty), Roles.Office, ct);
        }).RequireAuthorization(Roles.Office).Accepts<OpinionSurveyRequest>("application/json")
          .WithSummary("Record the public opinion survey (舆情调查) where the policy has it (Weihai §14).");

        api.MapPost("/applications/{applicationId}/security-review", async (string applicationId, HttpContext http, ApplicationCommands commands, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<SecurityReviewRequest>(http, ct);
            return problem ?? await ApplicationEndpoints.RunAsync(http, commands, applicationId, new FlagSecurityReview(request!.Flagged, request.Reason ?? string.Empty), Roles.Office, ct);
        }).RequireAuthorization(Roles.Office).Accepts<SecurityReviewRequest>("application/json")
          .WithSummary("Mark an application as touching defence or national security, consulted in a limited circle (Changde §14).");

        api.MapPost("/applications/{applicationId}/accept", async (string applicationId, HttpContext http, ApplicationCommands commands, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<AcceptRequest>(http, ct);
            return problem ?? await ApplicationEndpoints.RunAsync(http, commands, applicationId, new Accept(request!.Note), Roles.Office, ct);
        }).RequireAuthorization(Roles.Office).Accepts<AcceptRequest>("application/json")
          .WithSummary("Formal review: accept (受理). Bans and re-application rules are checked again against the award register.");

        api.MapPost("/applications/{applicationId}/refuse", async (string applicationId, HttpContext http, ApplicationCommands commands, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<ReasonRequest>(http, ct);
            return problem ?? await ApplicationEndpoints.RunAsync(http, commands, applicationId, new Refuse(request!.Reason ?? string.Empty), Roles.Office, ct);
        }).RequireAuthorization(Roles.Office).Accepts<ReasonRequest>("application/json")
          .WithSummary("Formal review: refuse (不予受理) with the reason the applicant reads (Changde §15).");

        api.MapGet("/cycles/{cycleId}/acceptance-list", async (string cycleId, HttpContext http, Streams streams, ReadModels readModels, CancellationToken ct) =>
        {
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
                    r.GetString("Category").ToLowerInvariant(),
                    r.GetString("DistrictId"),
                    r.GetString("DistrictId") is { } d && districts.TryGetValue(d, out var name) ? name : null,
                    r.GetDateTimeOffset("AcceptedAt")!.Value))
                .OrderBy(e => e.AcceptedAt)
                .ThenBy(e => e.ApplicationId, StringComparer.Ordinal)
                .ToList();
            return Results.Ok(new AcceptanceList(cycle.CycleId, $"{cycle.Title}受理名单", entries));
        }).RequireAuthorization(p => p.RequireRole(Roles.Office, Roles.Supervisor))
          .WithSummary("The applications accepted in a cycle and still in the process: the list that goes under public notice.");
    }
}
