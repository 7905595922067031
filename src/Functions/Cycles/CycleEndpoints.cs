using System.Globalization;
using System.Text.Json;
using QualityAward.Domain;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Cycles;

public sealed record OpenCycleRequest(
    int Year,
    DateOnly SubmissionOpensOn,
    DateOnly SubmissionClosesOn,
    string? PolicyId = null,
    JsonElement? Policy = null,
    string? CycleId = null,
    string? Title = null,
    bool AcknowledgeWarnings = false);

public sealed record ExtendWindowRequest(DateOnly NewClosesOn, string Reason);

public sealed record StageView(int Index, string Kind, string Title, string Article, int? MinWorkingDays, string? List);

public sealed record CycleView(
    string CycleId,
    string Title,
    int Year,
    string PolicyId,
    string AwardName,
    string City,
    string Status,
    DateOnly SubmissionOpensOn,
    DateOnly SubmissionClosesOn,
    DateTimeOffset SubmissionClosesAt,
    bool AcceptingSubmissions,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Categories,
    IReadOnlyList<string> Tiers,
    IReadOnlyList<StageView> Stages,
    int Version)
{
    public static CycleView Of(CycleState c, DateTimeOffset now) => new(
        c.CycleId,
        c.Title,
        c.Year,
        c.PolicyId,
        c.Policy.AwardName,
        c.Policy.City.Name,
        c.Status.ToString(),
        c.SubmissionOpensOn,
        c.SubmissionClosesOn,
        c.SubmissionClosesAt,
        c.AcceptsSubmissionsAt(now),
        c.Warnings,
        c.Policy.Categories.Select(x => JsonNamingPolicy.CamelCase.ConvertName(x.ToString())).ToList(),
        c.Policy.Tiers.Select(x => JsonNamingPolicy.CamelCase.ConvertName(x.ToString())).ToList(),
        c.Policy.Stages.Select((s, i) => new StageView(i, JsonNamingPolicy.CamelCase.ConvertName(s.Kind.ToString()), s.Title ?? StageNames.Zh(s.Kind), s.Article, s.MinWorkingDays, s.List?.Slug())).ToList(),
        c.Version);
}

public sealed record CycleSummaryView(string CycleId, string Title, int Year, string PolicyId, string City, string AwardName, string OpensOn, string ClosesOn, string Status, bool SubmissionsClosed);

public sealed record PolicySummaryView(string Id, string City, string AwardName, string Title, string? Number, string Status, DateOnly? ValidFrom, DateOnly? ValidTo, bool InForceToday, IReadOnlyList<string> Warnings);

/// <summary>Cycles (editions), the policies they run, and the working-day calendar.</summary>
public static class CycleEndpoints
{
    public static void MapCycles(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Cycles");

        api.MapGet("/policies", (TimeProvider clock) =>
        {
            var today = ShanghaiTime.DateOf(clock.GetUtcNow());
            return Results.Ok(PolicyPresets.List().Select(p => Summary(p, today)));
        }).AllowAnonymous().WithSummary("The five city presets, with their status today.");

        api.MapGet("/policies/{policyId}", (string policyId, HttpContext http) =>
            PolicyPresets.TryGet(policyId, out var policy)
                ? Results.Text(PolicyLoader.ToJson(policy), "application/json")
                : Problems.For(http, Refusal.NotFound("policy.not-found", $"没有名为“{policyId}”的政策预设。", $"No preset '{policyId}'.")))
            .AllowAnonymous().WithSummary("A preset policy as JSON (the commented source is at /api/policies/{id}/source).");

        api.MapGet("/policies/{policyId}/source", (string policyId, HttpContext http) =>
            PolicyPresets.Ids.Contains(policyId)
                ? Results.Text(PolicyPresets.SourceText(policyId), "application/json; charset=utf-8")
                : Problems.For(http, Refusal.NotFound("policy.not-found", $"没有名为“{policyId}”的政策预设。", $"No preset '{policyId}'.")))
            .AllowAnonymous().WithSummary("A preset's source, every number commented with its article: the starting point for a new city.");

        api.MapPost("/policies/validate", async (HttpContext http, TimeProvider clock, CancellationToken ct) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var text = await ReadLimitedAsync(reader, ct);
            if (text is null)
            {
                return Problems.For(http, Refusal.Invalid("request.too-large", "政策文件超过1 MB。", "The policy exceeds 1 MB."), StatusCodes.Status413PayloadTooLarge);
            }

            var loaded = PolicyLoader.Load(text);
            return loaded.IsOk
                ? Results.Ok(Summary(loaded.Value, ShanghaiTime.DateOf(clock.GetUtcNow())))
                : Problems.For(http, loaded.Refusal!);
        }).RequireAuthorization(Roles.Office).WithSummary("Check a city's own policy file; every problem names its JSON path.");

        api.MapGet("/cycles", async (ReadModels readModels, CancellationToken ct) =>
        {
            var rows = await readModels.PartitionAsync(CycleIndex.Partition, ct);
            return Results.Ok(rows
                .OrderByDescending(r => r.GetInt32("Year"))
                .Select(r => new CycleSummaryView(r.RowKey, r.GetString("Title"), r.GetInt32("Year") ?? 0, r.GetString("PolicyId"), r.GetString("City"), r.GetString("AwardName"), r.GetString("OpensOn"), r.GetString("ClosesOn"), r.GetString("Status"), r.GetBoolean("SubmissionsClosed") ?? false)));
        }).AllowAnonymous().WithSummary("Every cycle (the call for applications is public).");

        api.MapGet("/cycles/{cycleId}", async (string cycleId, HttpContext http, Streams streams, TimeProvider clock, CancellationToken ct) =>
        {
            var id = CycleId.Parse(cycleId);
            if (!id.IsOk)
            {
                return Problems.For(http, id.Refusal!);
            }

            var cycle = await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct);
            return cycle.Exists
                ? Results.Ok(CycleView.Of(cycle, clock.GetUtcNow()))
                : Problems.For(http, Refusal.NotFound("cycle.not-found", "该评选周期不存在。", "No such cycle."));
        }).AllowAnonymous().WithSummary("A cycle: its window, its policy's stages, its warnings.");

        api.MapPost("/cycles", async (HttpContext http, CycleCommands cycles, TimeProvider clock, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<OpenCycleRequest>(http, ct);
            if (problem is not null)
            {
                return problem;
            }

            var policy = ResolvePolicy(request!);
            if (!policy.IsOk)
            {
                return Problems.For(http, policy.Refusal!);
            }

            var cycleId = request!.CycleId ?? $"{policy.Value.Id}-{request.Year.ToString(CultureInfo.InvariantCulture)}";
            var title = request.Title ?? $"{request.Year}年度{policy.Value.AwardName}{(policy.Value.Offers(AwardTier.Recognition) ? "认定" : "评选")}";
            var command = new OpenCycle(cycleId, policy.Value, request.Year, title, request.SubmissionOpensOn, request.SubmissionClosesOn, request.AcknowledgeWarnings);
            var outcome = await cycles.RunAsync(cycleId, command, Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
            if (outcome.Refused)
            {
                return Problems.For(http, outcome.Refusal!);
            }

            // The same opening sent again (a retry) changes nothing and answers 200 with the cycle.
            var view = CycleView.Of(outcome.State, clock.GetUtcNow());
            return outcome.Appended.Count == 0 ? Results.Ok(view) : Results.Created($"/api/cycles/{cycleId}", view);
        }).RequireAuthorization(Roles.Office).Accepts<OpenCycleRequest>("application/json")
          .WithSummary("Open a cycle from a preset (policyId) or the office's own policy (policy). Repeating the same opening answers 200; a different one for an existing id, 409.");

        api.MapPost("/cycles/{cycleId}/extend", async (string cycleId, HttpContext http, CycleCommands cycles, TimeProvider clock, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<ExtendWindowRequest>(http, ct);
            if (problem is not null)
            {
                return problem;
            }

            var outcome = await cycles.RunAsync(cycleId, new ExtendSubmissionWindow(request!.NewClosesOn, request.Reason), Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
            return outcome.Refused ? Problems.For(http, outcome.Refusal!) : Results.Ok(CycleView.Of(outcome.State, clock.GetUtcNow()));
        }).RequireAuthorization(Roles.Office).Accepts<ExtendWindowRequest>("application/json").WithSummary("Extend the submission window.");

        api.MapGet("/calendar", async (CalendarProvider calendars, CancellationToken ct) =>
        {
            var calendar = await calendars.CurrentAsync(ct);
            return Results.Ok(new { years = calendar.Years });
        }).AllowAnonymous().WithSummary("The years whose official holiday schedule is loaded.");

        api.MapPut("/calendar/{year:int}", async (int year, HttpContext http, CalendarProvider calendars, CancellationToken ct) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var text = await ReadLimitedAsync(reader, ct);
            if (text is null)
            {
                return Problems.For(http, Refusal.Invalid("request.too-large", "文件超过1 MB。", "The file exceeds 1 MB."), StatusCodes.Status413PayloadTooLarge);
            }

            var loaded = await calendars.LoadYearAsync(year, text, ct);
            return loaded.IsOk
                ? Results.Ok(new { year, holidays = loaded.Value.Holidays.Count, makeUpWorkdays = loaded.Value.MakeUpWorkdays.Count, source = loaded.Value.Source })
                : Problems.For(http, loaded.Refusal!);
        }).RequireAuthorization(Roles.Office).WithSummary("Load a year's holiday schedule (the State Council's notice), e.g. 2027 once it is published.");
    }

    private static Outcome<AwardPolicy> ResolvePolicy(OpenCycleRequest request)
    {
        if (request.Policy is { } custom)
        {
            return PolicyLoader.Load(custom.GetRawText());
        }

        if (request.PolicyId is { } id)
        {
            return PolicyPresets.TryGet(id, out var preset)
                ? preset
                : Refusal.Invalid("policy.not-found", $"没有名为“{id}”的政策预设（可选：{string.Join("、", PolicyPresets.Ids)}）。", $"No preset '{id}'.", "policyId");
        }

        return Refusal.Invalid("policy.missing", "请指定政策预设（policyId）或提交政策文件（policy）。", "Give a policyId or a policy.", "policyId");
    }

    private static PolicySummaryView Summary(AwardPolicy p, DateOnly today) => new(
        p.Id,
        p.City.Name,
        p.AwardName,
        p.Document.Title,
        p.Document.Number,
        p.Document.Status.ToString(),
        p.Document.ValidFrom,
        p.Document.ValidTo,
        p.InForceOn(today),
        CycleDecider.Warnings(p, today));

    private static async Task<string?> ReadLimitedAsync(StreamReader reader, CancellationToken ct)
    {
        var buffer = new char[JsonBody.MaxBytes + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await reader.ReadAsync(buffer.AsMemory(total, buffer.Length - total), ct)) > 0)
        {
            total += read;
        }

        return total > JsonBody.MaxBytes ? null : new string(buffer, 0, total);
    }
}
