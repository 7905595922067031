using System.Globalization;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Awards;
using QualityAward.Functions.Cycles;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Review;

public sealed record SatisfactionRow(string ApplicationId, decimal Index);

public sealed record SatisfactionResult(string ApplicationId, decimal Index, string Outcome, string? Code, string? Message);

public sealed record ShortlistRequest(int Places);

public sealed record CompositeRequest(IReadOnlyDictionary<string, IReadOnlyList<string>>? Preferences);

public sealed record RankingEntry(int Rank, string ApplicationId, string? Name, string Category, decimal Score, IReadOnlyDictionary<string, decimal> StagePercents, IReadOnlyList<string> Preferences, DateTimeOffset SubmittedAt);

public sealed record CandidatesRequest(IReadOnlyDictionary<string, AwardTier>? Candidates);

public sealed record WinnerRequest(string ApplicationId, AwardTier Tier);

public sealed record WinnersRequest(IReadOnlyList<WinnerRequest>? Winners, VoteTally? Vote, string Minutes);

public sealed record DisqualifyRequest(DisqualificationGround Ground, string Reason);

public sealed record ApprovalRequest(string StepCode, string Reference);

public sealed record AnnounceRequest(string Reference, DateOnly AnnouncedOn);

/// <summary>
/// From the scores to the announcement: customer satisfaction import (Changde §21), the shortlist
/// for site review (Changde §19, Benxi §18), the composite ranking with the policy's tie-break and
/// confirmed preferences (Jinan §11), the candidate list (差额 where the policy says), the
/// committee's vote or the leading group's deliberation within the quotas, approvals by the
/// people the policy names, the announcement, and each winner's certificate.
/// </summary>
public static class DecisionEndpoints
{
    public static void MapDecisions(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Decision");

        api.MapPost("/cycles/{cycleId}/customer-satisfaction", async (string cycleId, HttpContext http, Streams streams, ApplicationCommands commands, CancellationToken ct) =>
        {
            var rows = await ReadSatisfactionAsync(http, ct);
            if (!rows.IsOk)
            {
                return rows.Refusal!.Code == "request.too-large"
                    ? Problems.For(http, rows.Refusal!, StatusCodes.Status413PayloadTooLarge)
                    : Problems.For(http, rows.Refusal!);
            }

            var actor = Caller.As(http.User, Roles.Office);
            var results = new List<SatisfactionResult>();
            foreach (var row in rows.Value)
            {
                if (ApplicationId.Parse(row.ApplicationId) is not { IsOk: true })
                {
                    results.Add(new SatisfactionResult(row.ApplicationId, row.Index, "refused", "application.not-found", Lang.Pick(http, "申报不存在。", "No such application.")));
                    continue;
                }

                var existing = await streams.LoadAsync(StreamKinds.Application, ApplicationId.Parse(row.ApplicationId).Value.StreamId, ct);
                if (!existing.Exists || existing.CycleId != cycleId)
                {
                    results.Add(new SatisfactionResult(row.ApplicationId, row.Index, "refused", "application.not-found", Lang.Pick(http, "本评选周期没有该申报。", "No such application in this cycle.")));
                    continue;
                }

                var outcome = await commands.RunAsync(row.ApplicationId, new RecordStageScore(StageKind.CustomerSatisfaction, row.Index, "customer-satisfaction-import"), actor, $"{http.TraceIdentifier}:{row.ApplicationId}", ct);
                results.Add(outcome.Refusal is { } r
                    ? new SatisfactionResult(row.ApplicationId, row.Index, "refused", r.Code, Lang.Pick(http, r.Zh, r.En))
                    : new SatisfactionResult(row.ApplicationId, row.Index, "recorded", null, null));
            }

            return Results.Ok(results);
        }).RequireAuthorization(Roles.Office)
          .WithSummary("Import the third party's customer satisfaction indexes (0-100, organisations only, Changde §21): CSV (applicationId,index) or JSON [{applicationId,index}]; each row answers recorded or refused with its reason.");

        api.MapPost("/cycles/{cycleId}/shortlist", (string cycleId, HttpContext http, Streams streams, ReadModels readModels, CycleCommands cycles, CancellationToken ct) =>
            OnCycleAsync<ShortlistRequest>(http, streams, cycleId, ct, async (request, cycle) =>
            {
                var scores = (await CycleApplicationsAsync(streams, readModels, cycleId, ct))
                    .Where(a => a.Status == ApplicationStatus.InProcess && a.Stage == StageKind.MaterialReview && a.Scores.ContainsKey(StageKind.MaterialReview))
                    .Select(a => Scored(cycle.Policy, a, a.Scores[StageKind.MaterialReview].Percent))
                    .ToList();
                var outcome = await cycles.RunAsync(cycleId, new DecideCycleShortlist(scores, request.Places), Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
                return Answer(http, outcome, state => state.Shortlist);
            }))
          .RequireAuthorization(Roles.Office).Accepts<ShortlistRequest>("application/json")
          .WithSummary("Shortlist for site review the top places by material score (Changde §19, Benxi §18); the others are told their rank.");

        api.MapPost("/cycles/{cycleId}/composite", (string cycleId, HttpContext http, Streams streams, ReadModels readModels, ApplicationCommands commands, CancellationToken ct) =>
            OnCycleAsync<CompositeRequest>(http, streams, cycleId, ct, async (request, cycle) =>
            {
                var preferences = request.Preferences ?? new Dictionary<string, IReadOnlyList<string>>();
                var actor = Caller.As(http.User, Roles.Office);
                foreach (var a in (await CycleApplicationsAsync(streams, readModels, cycleId, ct)).Where(a => a.Status == ApplicationStatus.InProcess && a.Stage == StageKind.CompositeEvaluation))
                {
                    var confirmed = preferences.TryGetValue(a.ApplicationId, out var p) ? p : [];
                    var outcome = await commands.RunAsync(a.ApplicationId, new ComputeComposite(confirmed), actor, $"{http.TraceIdentifier}:{a.ApplicationId}", ct);
                    if (outcome.Refused)
                    {
                        return Problems.For(http, outcome.Refusal! with { En = $"{a.ApplicationId}: {outcome.Refusal!.En}", Zh = $"{a.Form.Name ?? a.ApplicationId}：{outcome.Refusal!.Zh}" });
                    }
                }

                return Results.Ok(Ranking(cycle, await CycleApplicationsAsync(streams, readModels, cycleId, ct)));
            }))
          .RequireAuthorization(Roles.Office).Accepts<CompositeRequest>("application/json")
          .WithSummary("Compute every composite score with the policy's weights; the office confirms each applicant's preferences (Jinan §11). Answers the ranking.");

        api.MapGet("/cycles/{cycleId}/ranking", async (string cycleId, HttpContext http, Streams streams, ReadModels readModels, CancellationToken ct) =>
        {
            var cycle = await LoadCycleAsync(streams, cycleId, ct);
            return cycle is null ? CycleNotFound(http) : Results.Ok(Ranking(cycle, await CycleApplicationsAsync(streams, readModels, cycleId, ct)));
        }).RequireAuthorization(p => p.RequireRole(Roles.Office, Roles.Supervisor, Roles.Committee))
          .WithSummary("The composite ranking: score, then the policy's tie-break stages in order, then the earlier submission.");

        api.MapPost("/cycles/{cycleId}/candidates", (string cycleId, HttpContext http, Streams streams, ReadModels readModels, AwardRegister register, CycleCommands cycles, CancellationToken ct) =>
            OnCycleAsync<CandidatesRequest>(http, streams, cycleId, ct, async (request, cycle) =>
            {
                var scored = (await CycleApplicationsAsync(streams, readModels, cycleId, ct))
                    .Where(a => a.Status == ApplicationStatus.InProcess && a.Stage == StageKind.CompositeEvaluation && a.Composite is not null)
                    .ToList();
                var barred = new HashSet<string>(StringComparer.Ordinal);
                foreach (var a in scored)
                {
                    if (EligibilityRules.NominationBarred(cycle.Policy, await register.HistoryAsync(cycle.Policy, a.Form.ApplicantKey(a.Category), ct), AwardTier.Nomination))
                    {
                        barred.Add(a.ApplicationId);
                    }
                }

                var command = new NominateCandidates(scored.Select(a => Scored(cycle.Policy, a, a.Composite!.Score)).ToList(), request.Candidates ?? new Dictionary<string, AwardTier>(), barred);
                return Answer(http, await cycles.RunAsync(cycleId, command, Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct), state => state.Candidates);
            }))
          .RequireAuthorization(Roles.Office).Accepts<CandidatesRequest>("application/json")
          .WithSummary("The candidate list by composite rank (差额 where the policy says); the rest are told they were not selected.");

        api.MapPost("/cycles/{cycleId}/winners", (string cycleId, HttpContext http, Streams streams, AwardRegister register, CycleCommands cycles, CancellationToken ct) =>
            OnCycleAsync<WinnersRequest>(http, streams, cycleId, ct, async (request, cycle) =>
            {
                var winners = new List<WinnerEntry>();
                foreach (var w in request.Winners ?? [])
                {
                    var a = ApplicationId.Parse(w.ApplicationId) is { IsOk: true } id ? await streams.LoadAsync(StreamKinds.Application, id.Value.StreamId, ct) : ApplicationState.Initial;
                    if (!a.Exists || a.CycleId != cycleId)
                    {
                        return Problems.For(http, Refusal.Rule("cycle.not-a-candidate", $"“{w.ApplicationId}”不在候选名单中。", $"'{w.ApplicationId}' is not a candidate.", "winners"));
                    }

                    var (_, outsideQuota) = Prizes.Money(cycle.Policy, a.Category, w.Tier, await register.HistoryAsync(cycle.Policy, a.Form.ApplicantKey(a.Category), ct));
                    winners.Add(new WinnerEntry(a.ApplicationId, a.Category, w.Tier, outsideQuota));
                }

                // The reactions apply the proposal to each application. Where the policy consults departments on the
                // proposed winners (Xinzhou §17), they then stand at the consultation stage until the consultations
                // slice concludes it (ConcludeConsultation): that is the seam; nothing here asks departments.
                var outcome = await cycles.RunAsync(cycleId, new ProposeWinners(winners, request.Vote, request.Minutes ?? string.Empty), Caller.As(http.User, DeliberatingRole(cycle)), http.TraceIdentifier, ct);
                return Answer(http, outcome, state => state.Deliberation);
            },
            mayAct: cycle =>
            {
                var stage = cycle.Policy.Stage(StageKind.Deliberation);
                var role = DeliberatingRole(cycle);
                return http.User.IsInRole(role) ? null : Problems.For(http, Refusal.Forbidden(
                    "cycle.deliberating-body-only",
                    $"获奖建议名单由{stage?.Body ?? "评审办公室"}提出（{stage?.Article}）。",
                    $"The proposed winners are decided by {(role == Roles.Office ? "the office" : "the committee or leading group")}."));
            }))
          .RequireAuthorization(p => p.RequireRole(Roles.Committee, Roles.Office)).Accepts<WinnersRequest>("application/json")
          .WithSummary("The deciding body's result: the committee's equal-number vote (Changde §23) or the leading group's deliberation, within the quotas as the policy groups them; places may stay empty.");

        api.MapPost("/applications/{applicationId}/disqualify", async (string applicationId, HttpContext http, ApplicationCommands commands, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<DisqualifyRequest>(http, ct);
            return problem ?? await ApplicationEndpoints.RunAsync(http, commands, applicationId, new Disqualify(request!.Ground, request.Reason ?? string.Empty), Roles.Office, ct);
        }).RequireAuthorization(Roles.Office).Accepts<DisqualifyRequest>("application/json")
          .WithSummary("Disqualify an application in the process; a proposed winner leaves the list and its place stays empty.");

        api.MapPost("/applications/{applicationId}/approvals", async (string applicationId, HttpContext http, ApplicationCommands commands, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<ApprovalRequest>(http, ct);
            return problem ?? await ApplicationEndpoints.RunAsync(http, commands, applicationId, new GrantApproval(request!.StepCode ?? string.Empty, request.Reference ?? string.Empty), Roles.Office, ct);
        }).RequireAuthorization(Roles.Office).Accepts<ApprovalRequest>("application/json")
          .WithSummary("Record an approval step the policy names (e.g. committee director, mayor, city government), in order, with its reference.");

        api.MapPost("/cycles/{cycleId}/announce", async (string cycleId, HttpContext http, CycleCommands cycles, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<AnnounceRequest>(http, ct);
            return problem ?? Answer(http, await cycles.RunAsync(cycleId, new AnnounceAwards(request!.Reference ?? string.Empty, request.AnnouncedOn), Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct), state => state.Announcement);
        }).RequireAuthorization(Roles.Office).Accepts<AnnounceRequest>("application/json")
          .WithSummary("The government's announcement: every remaining proposed winner is awarded (tier, year, prizes, money as the policy says).");

        api.MapGet("/applications/{applicationId}/certificate", async (string applicationId, HttpContext http, Streams streams, CancellationToken ct) =>
        {
            var a = await ApplicationEndpoints.LoadVisibleAsync(applicationId, http.User, streams, ct);
            if (a is null || !(http.User.IsInRole(Roles.Office) || ApplicationEndpoints.IsOwner(http.User, a)))
            {
                return Problems.For(http, Refusal.NotFound("application.not-found", "申报不存在。", "No such application."));
            }

            if (a.Status != ApplicationStatus.Awarded || a.Award is not { } award)
            {
                return Problems.For(http, Refusal.Rule("certificate.not-awarded", "该申报未获奖，没有证书。", "The application has no award, so no certificate."));
            }

            var cycle = (await LoadCycleAsync(streams, a.CycleId, ct))!;
            var bytes = Certificate.Render(cycle.Policy, a, award);
            http.Response.Headers.CacheControl = "private, no-store";
            return Results.File(bytes, "application/pdf", $"certificate-{a.ApplicationId}.pdf");
        }).RequireAuthorization(p => p.RequireRole(Roles.Office, Roles.Applicant)).WithSummary("The winner's certificate (PDF): to its owner and the office.");
    }

    private static ScoredApplication Scored(AwardPolicy policy, ApplicationState a, decimal score) => new(
        a.ApplicationId,
        a.Category,
        score,
        a.SubmittedAt ?? DateTimeOffset.MaxValue,
        policy.Scoring.TieBreak.Select(stage => a.Scores.TryGetValue(stage, out var s) ? s.Percent : decimal.MinValue).ToList());

    private static IReadOnlyList<RankingEntry> Ranking(CycleState cycle, IReadOnlyList<ApplicationState> apps)
    {
        var scored = apps.Where(a => a.Composite is not null && a.Status is ApplicationStatus.InProcess or ApplicationStatus.Awarded).ToDictionary(a => a.ApplicationId, StringComparer.Ordinal);
        return Domain.Awards.Ranking.Rank(scored.Values.Select(a => Scored(cycle.Policy, a, a.Composite!.Score)))
            .Select(r =>
            {
                var a = scored[r.Entry.ApplicationId];
                return new RankingEntry(
                    r.Rank,
                    a.ApplicationId,
                    a.Form.Name,
                    a.Category.ToString().ToLowerInvariant(),
                    r.Entry.Score,
                    a.Scores.ToDictionary(s => s.Key.ToString(), s => s.Value.Percent),
                    a.Composite!.ConfirmedPreferences,
                    r.Entry.SubmittedAt);
            })
            .ToList();
    }

    private static async Task<CycleState?> LoadCycleAsync(Streams streams, string cycleId, CancellationToken ct)
    {
        if (CycleId.Parse(cycleId) is not { IsOk: true } id)
        {
            return null;
        }

        var cycle = await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct);
        return cycle.Exists ? cycle : null;
    }

    private static async Task<IReadOnlyList<ApplicationState>> CycleApplicationsAsync(Streams streams, ReadModels readModels, string cycleId, CancellationToken ct)
    {
        var rows = await readModels.PartitionAsync(ApplicationIndex.CyclePartition(cycleId), ct);
        var apps = new List<ApplicationState>(rows.Count);
        foreach (var row in rows.Where(r => r.GetString("Status") != nameof(ApplicationStatus.Draft)))
        {
            apps.Add(await streams.LoadAsync(StreamKinds.Application, ApplicationId.Parse(row.RowKey).Value.StreamId, ct));
        }

        return apps;
    }

    /// <summary>Reads the body, finds the cycle (404 if none), then does the rest with both.</summary>
    private static async Task<IResult> OnCycleAsync<TRequest>(HttpContext http, Streams streams, string cycleId, CancellationToken ct, Func<TRequest, CycleState, Task<IResult>> then, Func<CycleState, IResult?>? mayAct = null)
        where TRequest : class
    {
        var cycle = await LoadCycleAsync(streams, cycleId, ct);
        if (cycle is null)
        {
            return CycleNotFound(http);
        }

        // Whether the caller may act at all is answered before their body is looked at.
        if (mayAct?.Invoke(cycle) is { } denied)
        {
            return denied;
        }

        var (request, problem) = await JsonBody.ReadAsync<TRequest>(http, ct);
        return problem ?? await then(request!, cycle);
    }

    /// <summary>The role of the body that proposes the winners: the office where the policy has it decide, else the committee or leading group.</summary>
    private static string DeliberatingRole(CycleState cycle) =>
        cycle.Policy.Stage(StageKind.Deliberation)?.Method == DeliberationMethod.OfficeDecision ? Roles.Office : Roles.Committee;

    /// <summary>The refusal as a problem, or 200 with the part of the new state the caller asked about.</summary>
    private static IResult Answer<TState>(HttpContext http, CommandOutcome<TState> outcome, Func<TState, object?> view) =>
        outcome.Refused ? Problems.For(http, outcome.Refusal!) : Results.Ok(view(outcome.State));

    private static IResult CycleNotFound(HttpContext http) => Problems.For(http, Refusal.NotFound("cycle.not-found", "该评选周期不存在。", "No such cycle."));

    /// <summary>CSV lines <c>applicationId,index</c> (a header line is allowed) or a JSON array.</summary>
    private static async Task<Outcome<IReadOnlyList<SatisfactionRow>>> ReadSatisfactionAsync(HttpContext http, CancellationToken ct)
    {
        if (http.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            var (rows, problem) = await JsonBody.ReadAsync<List<SatisfactionRow>>(http, ct);
            return problem is null && rows is not null
                ? rows
                : Refusal.Invalid("satisfaction.json-invalid", "请提交形如[{\"applicationId\":…,\"index\":…}]的JSON数组。", "Send a JSON array of {applicationId, index}.");
        }

        if (http.Request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) != true)
        {
            return Refusal.Invalid("satisfaction.type", "请以text/csv或application/json提交测评结果。", "Send text/csv or application/json.");
        }

        // Read at most the limit and one character more: a larger file is refused without holding it all.
        using var reader = new StreamReader(http.Request.Body);
        var buffer = new char[JsonBody.MaxBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await reader.ReadAsync(buffer.AsMemory(length), ct)) > 0)
        {
            length += read;
        }

        if (length > JsonBody.MaxBytes)
        {
            return Refusal.Invalid("request.too-large", "文件超过1 MB。", "The file exceeds 1 MB.");
        }

        var text = new string(buffer, 0, length);

        var result = new List<SatisfactionRow>();
        var lines = text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < lines.Length; i++)
        {
            var cells = lines[i].TrimStart('\uFEFF').Split(',', StringSplitOptions.TrimEntries);
            if (i == 0 && cells.Length >= 2 && !decimal.TryParse(cells[1], NumberStyles.Number, CultureInfo.InvariantCulture, out _))
            {
                continue; // the header line
            }

            if (cells.Length != 2 || !decimal.TryParse(cells[1], NumberStyles.Number, CultureInfo.InvariantCulture, out var index))
            {
                return Refusal.Invalid("satisfaction.csv-invalid", $"第{i + 1}行应为“申报编号,测评指数”。", $"Line {i + 1} must be 'applicationId,index'.");
            }

            result.Add(new SatisfactionRow(cells[0], index));
        }

        return result;
    }
}
