using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using QualityAward.Domain;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Cycles;

[Description("Open a cycle (一届) of a city's award under a preset or the office's own policy.")]
public sealed record OpenCycleRequest(
    [property: Description("The edition's year, e.g. 2026.")] int Year,
    [property: Description("First day applications are accepted (Asia/Shanghai date).")] DateOnly SubmissionOpensOn,
    [property: Description("Last day applications are accepted; the window closes at the following midnight Asia/Shanghai.")] DateOnly SubmissionClosesOn,
    [property: Description("A preset: changde, benxi, jinan, xinzhou or weihai. Give this or policy.")] string? PolicyId = null,
    [property: Description("The office's own policy document (the shape of GET /api/policies/{policyId}). Give this or policyId.")] JsonElement? Policy = null,
    [property: Description("The cycle's id; default {policyId}-{year}.")] string? CycleId = null,
    [property: Description("The title people read; default {year}年度{award name}评选 (or 认定).")] string? Title = null,
    [property: Description("Open even though the regulation is a draft or has expired (the warnings are recorded).")] bool AcknowledgeWarnings = false,
    [property: Description("A rehearsal (演练) for training: on a clock the office moves (POST /api/cycles/{cycleId}/rehearsal/clock), never an edition of the award, never public as real. Only where the setting Rehearsals:Allowed is true.")] bool Rehearsal = false);

[Description("Move the last day of the submission window later.")]
public sealed record ExtendWindowRequest(
    [property: Description("The new last day (Asia/Shanghai date), later than the current one.")] DateOnly NewClosesOn,
    [property: Description("Why, as the applicants will read it.")] string Reason);

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
    int Version,
    [property: Description("For a rehearsal (演练): its clock; null for a real cycle.")] RehearsalView? Rehearsal)
{
    public static CycleView Of(CycleState c, DateTimeOffset now) => new(
        c.CycleId,
        c.Title,
        c.Year,
        c.PolicyId,
        c.Policy.AwardName,
        c.Policy.City.Name,
        Wire.Name(c.Status),
        c.SubmissionOpensOn,
        c.SubmissionClosesOn,
        c.SubmissionClosesAt,
        c.AcceptsSubmissionsAt(now),
        c.Warnings,
        c.Policy.Categories.Select(x => JsonNamingPolicy.CamelCase.ConvertName(x.ToString())).ToList(),
        c.Policy.Tiers.Select(x => JsonNamingPolicy.CamelCase.ConvertName(x.ToString())).ToList(),
        c.Policy.Stages.Select((s, i) => new StageView(i, JsonNamingPolicy.CamelCase.ConvertName(s.Kind.ToString()), s.Title ?? StageNames.Zh(s.Kind), s.Article, s.MinWorkingDays, s.List?.Slug())).ToList(),
        c.Version,
        c.Rehearsal ? new RehearsalView(now, (long)c.ClockOffset.TotalSeconds, c.ClockMoves) : null);
}

public sealed record CycleSummaryView(string CycleId, string Title, int Year, string PolicyId, string City, string AwardName, string OpensOn, string ClosesOn, string Status, bool SubmissionsClosed,
    [property: Description("A rehearsal (演练), not an edition of the award.")] bool Rehearsal);

public sealed record CalendarYearsView(IReadOnlyList<int> Years);

public sealed record CalendarYearLoadedView(int Year, int Holidays, int MakeUpWorkdays, string Source);

public sealed record PolicySummaryView(string Id, string City, string AwardName, string Title, string? Number, string Status, DateOnly? ValidFrom, DateOnly? ValidTo, bool InForceToday, IReadOnlyList<string> Warnings);

/// <summary>Cycles (editions), the policies they run, and the working-day calendar.</summary>
public sealed class CycleFunctions(CycleCommands cycles, ReadModels readModels, Streams streams, CalendarProvider calendars, IOptions<RehearsalOptions> rehearsals, TimeProvider clock, ILogger<CycleFunctions> logger)
{
    private const string Tag = "Cycles";

    [Function("ListPolicies")]
    [Public]
    [Api(Tag, "The five city presets, with their status today.", Returns = typeof(PolicySummaryView[]))]
    public IResult ListPolicies([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/policies")] HttpRequest req)
    {
        var today = ShanghaiTime.DateOf(clock.GetUtcNow());
        return Results.Ok(PolicyPresets.List().Select(p => Summary(p, today)));
    }

    [Function("GetPolicy")]
    [Public]
    [Api(Tag, "A preset policy as JSON (the commented source is at /api/policies/{policyId}/source).", Returns = typeof(AwardPolicy))]
    [Refuses(404, "policy.not-found")]
    public IResult GetPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/policies/{policyId}")] HttpRequest req, string policyId) =>
        PolicyPresets.TryGet(policyId, out var policy)
            ? Results.Text(PolicyLoader.ToJson(policy), "application/json")
            : Problems.For(req.HttpContext, PolicyNotFound(policyId));

    [Function("GetPolicySource")]
    [Public]
    [Api(Tag, "A preset's source, every number commented with its article: the starting point for a new city.", Produces = "application/json")]
    [Refuses(404, "policy.not-found")]
    public IResult GetPolicySource([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/policies/{policyId}/source")] HttpRequest req, string policyId) =>
        PolicyPresets.Ids.Contains(policyId)
            ? Results.Text(PolicyPresets.SourceText(policyId), "application/json; charset=utf-8")
            : Problems.For(req.HttpContext, PolicyNotFound(policyId));

    [Function("ValidatePolicy")]
    [Allow(Roles.Office)]
    [Api(Tag, "Check a city's own policy file; every problem names its JSON path.", BodyMediaTypes = ["application/json"], Returns = typeof(PolicySummaryView))]
    [Refuses(413, "request.too-large")]
    [Refuses(422, "policy.invalid")]
    public async Task<IResult> ValidatePolicy([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/policies/validate")] HttpRequest req, CancellationToken ct)
    {
        using var reader = new StreamReader(req.Body);
        var text = await ReadLimitedAsync(reader, ct);
        if (text is null)
        {
            return Problems.For(req.HttpContext, Refusal.Invalid("request.too-large", "政策文件超过1 MB。", "The policy exceeds 1 MB."), StatusCodes.Status413PayloadTooLarge);
        }

        var loaded = PolicyLoader.Load(text);
        return loaded.IsOk
            ? Results.Ok(Summary(loaded.Value, ShanghaiTime.DateOf(clock.GetUtcNow())))
            : Problems.For(req.HttpContext, loaded.Refusal!);
    }

    [Function("ListCycles")]
    [Public]
    [Api(Tag, "Every cycle (the call for applications is public).", Returns = typeof(CycleSummaryView[]))]
    public async Task<IResult> ListCycles([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/cycles")] HttpRequest req, CancellationToken ct)
    {
        var rows = await readModels.PartitionAsync(CycleIndex.Partition, ct);
        return Results.Ok(rows
            .OrderByDescending(r => r.GetInt32("Year"))
            .Select(r => new CycleSummaryView(r.RowKey, r.GetString("Title"), r.GetInt32("Year") ?? 0, r.GetString("PolicyId"), r.GetString("City"), r.GetString("AwardName"), r.GetString("OpensOn"), r.GetString("ClosesOn"), Wire.Name(r.GetString("Status")), r.GetBoolean("SubmissionsClosed") ?? false, r.GetBoolean("Rehearsal") ?? false)));
    }

    [Function("GetCycle")]
    [Public]
    [Api(Tag, "A cycle: its window, its policy's stages, its warnings.", Returns = typeof(CycleView))]
    [Refuses(404, "cycle.not-found")]
    [Refuses(422, "cycleId.malformed")]
    public async Task<IResult> GetCycle([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/cycles/{cycleId}")] HttpRequest req, string cycleId, CancellationToken ct)
    {
        var id = CycleId.Parse(cycleId);
        if (!id.IsOk)
        {
            return Problems.For(req.HttpContext, id.Refusal!);
        }

        var cycle = await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct);
        return cycle.Exists
            ? Results.Ok(CycleView.Of(cycle, clock.Now(cycle)))
            : Problems.For(req.HttpContext, Refusal.NotFound("cycle.not-found", "该评选周期不存在。", "No such cycle."));
    }

    [Function("OpenCycle")]
    [Allow(Roles.Office)]
    [Api(Tag, "Open a cycle from a preset (policyId) or the office's own policy (policy); submissions close by themselves at the window's deadline. Repeating the same opening answers 200; a different one for an existing id, 409.", Body = typeof(OpenCycleRequest), Returns = typeof(CycleView), Status = 201)]
    [Refuses(403, "rehearsal.not-allowed")]
    [Refuses(409, "cycle.exists", "cycle.policy-warning")]
    [Refuses(422, "policy.not-found", "policy.missing", "policy.invalid", "cycle.year-invalid", "cycle.title-invalid", "cycle.window-invalid", "cycle.window-past", "cycle.window-year", "calendar.year-missing")]
    public async Task<IResult> Open([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cycles")] HttpRequest req, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
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

        if (request!.Rehearsal && !rehearsals.Value.Allowed)
        {
            return Problems.For(http, Refusal.Forbidden(
                "rehearsal.not-allowed",
                "本系统未开放演练：演练周期只能在允许演练的部署中开启（设置 Rehearsals:Allowed）。",
                "Rehearsals are not allowed in this deployment (setting Rehearsals:Allowed)."));
        }

        var cycleId = request.CycleId ?? $"{policy.Value.Id}-{request.Year.ToString(CultureInfo.InvariantCulture)}{(request.Rehearsal ? "-rehearsal" : string.Empty)}";
        var title = request.Title ?? $"{request.Year}年度{policy.Value.AwardName}{(policy.Value.Offers(AwardTier.Recognition) ? "认定" : "评选")}";
        var command = new OpenCycle(cycleId, policy.Value, request.Year, title, request.SubmissionOpensOn, request.SubmissionClosesOn, request.AcknowledgeWarnings, request.Rehearsal);
        var outcome = await cycles.RunAsync(cycleId, command, Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
        if (outcome.Refused)
        {
            return Problems.For(http, outcome.Refusal!);
        }

        // The window's orchestration closes submissions at the deadline. Started on a retry too (the
        // same opening sent again changes nothing, answers 200, and finds the orchestration or starts it).
        await SubmissionWindowWorkflow.StartAsync(durable, cycleId, logger, ct);
        var view = CycleView.Of(outcome.State, clock.Now(outcome.State));
        return outcome.Appended.Count == 0 ? Results.Ok(view) : Results.Created($"/api/cycles/{cycleId}", view);
    }

    [Function("ExtendSubmissionWindow")]
    [Allow(Roles.Office)]
    [Api(Tag, "Extend the submission window: submissions then close at the new deadline (midnight Asia/Shanghai after the new last day).", Body = typeof(ExtendWindowRequest), Returns = typeof(CycleView))]
    [Refuses(404, "cycle.not-found")]
    [Refuses(409, "cycle.window-closed", "cycle.closed")]
    [Refuses(422, "cycle.extension-invalid", "cycle.reason-missing", "calendar.year-missing")]
    public async Task<IResult> ExtendSubmissionWindow([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cycles/{cycleId}/extend")] HttpRequest req, string cycleId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<ExtendWindowRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = await cycles.RunAsync(cycleId, new ExtendSubmissionWindow(request!.NewClosesOn, request.Reason), Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
        if (outcome.Refused)
        {
            return Problems.For(http, outcome.Refusal!);
        }

        // The window's orchestration reads the new deadline from the cycle; this wakes it to wait for that one.
        await SubmissionWindowWorkflow.ChangedAsync(durable, cycleId, "window-extended", logger, ct);
        return Results.Ok(CycleView.Of(outcome.State, clock.Now(outcome.State)));
    }

    [Function("GetCalendar")]
    [Public]
    [Api(Tag, "The years whose official holiday schedule is loaded.", Returns = typeof(CalendarYearsView))]
    public async Task<IResult> GetCalendar([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/calendar")] HttpRequest req, CancellationToken ct)
    {
        var calendar = await calendars.CurrentAsync(ct);
        return Results.Ok(new CalendarYearsView(calendar.Years));
    }

    [Function("LoadCalendarYear")]
    [Allow(Roles.Office)]
    [Api(Tag, "Load a year's holiday schedule (the State Council's notice), e.g. 2027 once it is published.", BodyMediaTypes = ["application/json"], Returns = typeof(CalendarYearLoadedView))]
    [Refuses(413, "request.too-large")]
    [Refuses(422, "calendar.date-invalid", "calendar.date-outside-year", "calendar.empty", "calendar.field-missing", "calendar.holiday-and-workday", "calendar.holiday-duplicate", "calendar.holiday-name-missing", "calendar.json", "calendar.negative-days", "calendar.no-holidays", "calendar.no-working-day", "calendar.notice-days", "calendar.shape", "calendar.source-missing", "calendar.workday-duplicate", "calendar.workday-not-weekend", "calendar.year-invalid", "calendar.year-mismatch")]
    public async Task<IResult> LoadCalendarYear([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/calendar/{year:int}")] HttpRequest req, string year, CancellationToken ct)
    {
        using var reader = new StreamReader(req.Body);
        var text = await ReadLimitedAsync(reader, ct);
        if (text is null)
        {
            return Problems.For(req.HttpContext, Refusal.Invalid("request.too-large", "文件超过1 MB。", "The file exceeds 1 MB."), StatusCodes.Status413PayloadTooLarge);
        }

        var number = int.Parse(year, CultureInfo.InvariantCulture);
        var loaded = await calendars.LoadYearAsync(number, text, ct);
        return loaded.IsOk
            ? Results.Ok(new CalendarYearLoadedView(number, loaded.Value.Holidays.Count, loaded.Value.MakeUpWorkdays.Count, loaded.Value.Source))
            : Problems.For(req.HttpContext, loaded.Refusal!);
    }

    private static Refusal PolicyNotFound(string policyId) =>
        Refusal.NotFound("policy.not-found", $"没有名为“{policyId}”的政策预设。", $"No preset '{policyId}'.");

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
        Wire.Name(p.Document.Status),
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
