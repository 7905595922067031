using System.ComponentModel;
using System.Globalization;
using Microsoft.DurableTask.Client;
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

[Description("One applicant's customer satisfaction index from the third-party survey (Changde §21).")]
public sealed record SatisfactionRow(
    [property: Description("The application (app-…) of the cycle.")] string ApplicationId,
    [property: Description("The index, 0 to 100, at most two decimals.")] decimal Index);

public sealed record SatisfactionResult(string ApplicationId, decimal Index, string Outcome, string? Code, string? Message);

[Description("Decide the shortlist for site review (Changde §19, Benxi §18).")]
public sealed record ShortlistRequest(
    [property: Description("How many applicants go to the site review, by material score: 1 to the number scored.")] int Places);

[Description("Compute the composite scores of the applications at the composite evaluation.")]
public sealed record CompositeRequest(
    [property: Description("The preferences (倾斜事项) the office confirmed, by application id: the policy's preference codes (Jinan §11). An application not named has none.")] IReadOnlyDictionary<string, IReadOnlyList<string>>? Preferences);

public sealed record RankingEntry(
    int Rank,
    string ApplicationId,
    string? Name,
    string Category,
    decimal Score,
    IReadOnlyDictionary<string, decimal> StagePercents,
    IReadOnlyList<string> Preferences,
    DateTimeOffset SubmittedAt,
    [property: Description("The version of the application's record this entry shows (read from the cycle's index, which is written right after each change: an older version than the application's own means the index has not caught up yet).")] int Version);

[Description("The candidate list, by composite rank.")]
public sealed record CandidatesRequest(
    [property: Description("The tier each candidate stands for (award, nomination, recognition), by application id; 差额 (more candidates than places) where the policy says.")] IReadOnlyDictionary<string, AwardTier>? Candidates);

[Description("One proposed winner.")]
public sealed record WinnerRequest(
    [property: Description("A candidate's application id.")] string ApplicationId,
    [property: Description("The tier it was a candidate for.")] AwardTier Tier);

[Description("The deciding body's result: the proposed winners.")]
public sealed record WinnersRequest(
    [property: Description("The proposed winners, within the quotas as the policy groups them; places may stay empty.")] IReadOnlyList<WinnerRequest>? Winners,
    [property: Description("The vote, where the policy has the committee vote (Changde §23): members present and each candidate's votes in favour; each winner needs more than half.")] VoteTally? Vote,
    [property: Description("The minutes of the deliberation.")] string Minutes);

[Description("Disqualify an application in the process.")]
public sealed record DisqualifyRequest(
    [property: Description("objectionUpheld, adverseRecord, falseMaterials (brings the policy's ban: Changde §28, Benxi §30) or other.")] DisqualificationGround Ground,
    [property: Description("Why, as the applicant will read it (at most 2,000 characters).")] string Reason);

[Description("An approval step the policy names, granted.")]
public sealed record ApprovalRequest(
    [property: Description("The policy's code of the step; steps are granted in the policy's order.")] string StepCode,
    [property: Description("The approval's document or minutes reference (at most 200 characters).")] string Reference);

[Description("The government's announcement of the awards.")]
public sealed record AnnounceRequest(
    [property: Description("The announcing document's reference (文号).")] string Reference,
    [property: Description("The day it was announced (Asia/Shanghai date), not in the future.")] DateOnly AnnouncedOn);

[Description("Send an application back to a decision stage, with the reason, once the cycle's decision there is withdrawn.")]
public sealed record ReopenRequest(
    [property: Description("The decision stage to go back to: materialReview (the shortlist), compositeEvaluation (the candidate list) or deliberation (the proposed winners); an application the decision ended comes back where it ended.")] StageKind Stage,
    [property: Description("Why, as the application's audit trail records it and the applicant reads it (at most 2,000 characters, at least one visible character).")] string Reason);

/// <summary>
/// From the scores to the announcement: customer satisfaction import (Changde §21), the shortlist
/// for site review (Changde §19, Benxi §18), the composite ranking with the policy's tie-break and
/// confirmed preferences (Jinan §11), the candidate list (差额 where the policy says), the
/// committee's vote or the leading group's deliberation within the quotas, approvals by the
/// people the policy names, the announcement, and each winner's certificate.
/// </summary>
public sealed class DecisionFunctions(Streams streams, ReadModels readModels, CycleRows cycleRows, ApplicationCommands commands, CycleCommands cycles, AwardRegister register, FollowUps followUps, ILoggerFactory loggers, Microsoft.Extensions.Options.IOptions<CertificateOptions> certificates)
{
    private readonly ILogger _log = loggers.CreateLogger<DecisionFunctions>();

    private const string Tag = "Decision";

    [Function("ImportCustomerSatisfaction")]
    [Allow(Roles.Office)]
    [Api(Tag, "Import the third party's customer satisfaction indexes (0-100, organisations only, Changde §21): CSV (applicationId,index) or JSON [{applicationId,index}]; each row answers recorded or refused with its reason.", BodyMediaTypes = ["text/csv", "application/json"], Returns = typeof(SatisfactionResult[]),
        Description = "CSV: one `applicationId,index` line per applicant (a header line is allowed), UTF-8, at most 1 MB. JSON: an array of `{\"applicationId\": \"app-…\", \"index\": 86.5}`. A row that cannot be recorded does not stop the others.")]
    [Refuses(413, "request.too-large")]
    [Refuses(422, "satisfaction.type", "satisfaction.json-invalid", "satisfaction.csv-invalid")]
    public async Task<IResult> ImportCustomerSatisfaction([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cycles/{cycleId}/customer-satisfaction")] HttpRequest req, string cycleId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
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
            if (outcome.Appended.Count > 0)
            {
                await ApplicationWorkflow.ChangedAsync(durable, outcome.State, "satisfaction", _log, ct);
            }
        }

        return Results.Ok(results);
    }

    [Function("DecideShortlist")]
    [Allow(Roles.Office)]
    [Api(Tag, "Shortlist for site review the top places by material score (Changde §19, Benxi §18); the others are told their rank.", Body = typeof(ShortlistRequest), Returns = typeof(CycleShortlistDecided))]
    [Refuses(404, "cycle.not-found")]
    [Refuses(409, "cycle.closed", "cycle.no-shortlist", "cycle.shortlist-decided", "cycle.window-still-open", "cycle.nothing-to-rank", "cycle.notice-open", "cycle.objections-open", "concurrency.conflict")]
    [Refuses(422, "cycle.places-invalid")]
    public Task<IResult> DecideShortlist([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cycles/{cycleId}/shortlist")] HttpRequest req, string cycleId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        return OnCycleAsync<ShortlistRequest>(http, cycleId, ct, async (request, cycle) =>
        {
            var scores = (await CycleApplicationsAsync(cycleId, ct))
                .Where(a => a.Status == ApplicationStatus.InProcess && a.Stage == StageKind.MaterialReview && a.Scores.ContainsKey(StageKind.MaterialReview))
                .Select(a => Scored(cycle.Policy, a, a.Scores[StageKind.MaterialReview].Percent))
                .ToList();
            var outcome = await cycles.RunAsync(cycleId, new DecideCycleShortlist(scores, request.Places), Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
            return await DecidedAsync(http, outcome, state => state.Shortlist, durable, ct);
        });
    }

    [Function("ComputeComposite")]
    [Allow(Roles.Office)]
    [Api(Tag, "Compute every composite score with the policy's weights; the office confirms each applicant's preferences (Jinan §11). Answers the ranking.", Body = typeof(CompositeRequest), Returns = typeof(RankingEntry[]))]
    [Refuses(404, "cycle.not-found")]
    [Refuses(409, "score.stage-missing", "concurrency.conflict")]
    [Refuses(422, "score.preference-unknown")]
    public Task<IResult> Composite([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cycles/{cycleId}/composite")] HttpRequest req, string cycleId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        return OnCycleAsync<CompositeRequest>(http, cycleId, ct, async (request, cycle) =>
        {
            var preferences = request.Preferences ?? new Dictionary<string, IReadOnlyList<string>>();
            var actor = Caller.As(http.User, Roles.Office);
            var computed = new List<ApplicationState>();
            foreach (var a in (await CycleApplicationsAsync(cycleId, ct)).Where(a => a.Status == ApplicationStatus.InProcess && a.Stage == StageKind.CompositeEvaluation))
            {
                var confirmed = preferences.TryGetValue(a.ApplicationId, out var p) ? p : [];
                var outcome = await commands.RunAsync(a.ApplicationId, new ComputeComposite(confirmed), actor, $"{http.TraceIdentifier}:{a.ApplicationId}", ct);
                if (outcome.Refused)
                {
                    return Problems.For(http, outcome.Refusal! with { En = $"{a.ApplicationId}: {outcome.Refusal!.En}", Zh = $"{a.Form.Name ?? a.ApplicationId}：{outcome.Refusal!.Zh}" });
                }

                computed.Add(outcome.State);
                await ApplicationWorkflow.ChangedAsync(durable, outcome.State, "composite", _log, ct);
            }

            // The answer is a view: the cycle's index (one query), with the records just computed over their rows.
            var rows = (await cycleRows.SubmittedAsync(cycleId, ct)).ToDictionary(r => r.ApplicationId, StringComparer.Ordinal);
            foreach (var a in computed)
            {
                rows[a.ApplicationId] = CycleRow.Of(a);
            }

            return Results.Ok(Ranking(cycle, rows.Values));
        });
    }

    [Function("GetRanking")]
    [Allow(Roles.Office, Roles.Supervisor, Roles.Committee)]
    [Api(Tag, "The composite ranking: score, then the policy's tie-break stages in order, then the earlier submission. Read from the cycle's index (one query whatever the number of applications); each entry says which version of the application's record it shows.", Returns = typeof(RankingEntry[]))]
    [Refuses(404, "cycle.not-found")]
    public async Task<IResult> GetRanking([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/cycles/{cycleId}/ranking")] HttpRequest req, string cycleId, CancellationToken ct)
    {
        var cycle = await LoadCycleAsync(cycleId, ct);
        return cycle is null ? CycleNotFound(req.HttpContext) : Results.Ok(Ranking(cycle, await cycleRows.SubmittedAsync(cycleId, ct)));
    }

    [Function("ProposeCandidates")]
    [Allow(Roles.Office)]
    [Api(Tag, "The candidate list by composite rank (差额 where the policy says); the rest are told they were not selected.", Body = typeof(CandidatesRequest), Returns = typeof(CandidatesNominated))]
    [Refuses(404, "cycle.not-found")]
    [Refuses(409, "cycle.closed", "cycle.no-candidates", "cycle.candidates-decided", "cycle.out-of-order", "cycle.candidate-unknown", "cycle.no-repeat-nomination", "cycle.candidates-not-by-score", "concurrency.conflict")]
    [Refuses(422, "cycle.candidates-empty", "cycle.tier-invalid")]
    public Task<IResult> ProposeCandidates([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cycles/{cycleId}/candidates")] HttpRequest req, string cycleId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        return OnCycleAsync<CandidatesRequest>(http, cycleId, ct, async (request, cycle) =>
        {
            var scored = (await CycleApplicationsAsync(cycleId, ct))
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
            return await DecidedAsync(http, await cycles.RunAsync(cycleId, command, Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct), state => state.Candidates, durable, ct);
        });
    }

    [Function("RecordWinners")]
    [Allow(Roles.Committee, Roles.Office)]
    [Api(Tag, "The deciding body's result: the committee's equal-number vote (Changde §23) or the leading group's deliberation, within the quotas as the policy groups them; places may stay empty. Only the body the policy names: the committee role, or the office where the policy has it decide (Xinzhou §17).", Body = typeof(WinnersRequest), Returns = typeof(WinnersProposed))]
    [Refuses(403, "cycle.deliberating-body-only")]
    [Refuses(404, "cycle.not-found")]
    [Refuses(409, "cycle.closed", "cycle.winners-proposed", "cycle.out-of-order", "cycle.not-a-candidate", "cycle.tier-mismatch", "cycle.not-competitive", "award.quota-exceeded", "cycle.vote-not-carried", "cycle.notice-open", "cycle.objections-open", "concurrency.conflict")]
    [Refuses(422, "cycle.winner-repeated", "cycle.minutes-missing", "cycle.vote-missing", "cycle.vote-invalid")]
    public Task<IResult> RecordWinners([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cycles/{cycleId}/winners")] HttpRequest req, string cycleId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        return OnCycleAsync<WinnersRequest>(
            http,
            cycleId,
            ct,
            async (request, cycle) =>
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

                // The proposal is applied to each application before the answer. Where the policy consults departments on the
                // proposed winners (Xinzhou §17), they then stand at the consultation stage until the consultations
                // slice concludes it (ConcludeConsultation): that is the seam; nothing here asks departments.
                var outcome = await cycles.RunAsync(cycleId, new ProposeWinners(winners, request.Vote, request.Minutes ?? string.Empty), Caller.As(http.User, DeliberatingRole(cycle)), http.TraceIdentifier, ct);
                return await DecidedAsync(http, outcome, state => state.Deliberation, durable, ct);
            },
            mayAct: cycle =>
            {
                var stage = cycle.Policy.Stage(StageKind.Deliberation);
                var role = DeliberatingRole(cycle);
                return http.User.IsInRole(role) ? null : Problems.For(http, Refusal.Forbidden(
                    "cycle.deliberating-body-only",
                    $"获奖建议名单由{stage?.Body ?? "评审办公室"}提出（{stage?.Article}）。",
                    $"The proposed winners are decided by {(role == Roles.Office ? "the office" : "the committee or leading group")}."));
            });
    }

    [Function("DisqualifyApplication")]
    [Allow(Roles.Office)]
    [Api(Tag, "Disqualify an application in the process; a proposed winner leaves the list and its place stays empty.", Body = typeof(DisqualifyRequest), Returns = typeof(ApplicationView))]
    [Refuses(404, "application.not-found")]
    [Refuses(409, "application.awarded", "application.not-in-process", "concurrency.conflict")]
    [Refuses(422, "reason.missing", "reason.too-long")]
    public async Task<IResult> DisqualifyApplication([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/disqualify")] HttpRequest req, string applicationId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<DisqualifyRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var answer = await ApplicationFunctions.RunAsync(http, commands, applicationId, new Disqualify(request!.Ground, request.Reason ?? string.Empty), Roles.Office, ct, durable);

        // A proposed winner leaves the list now; its place stays empty (a refusal is taken again, and
        // shown, by the application's orchestration).
        await followUps.LeaveProposedWinnersAsync(applicationId, $"{http.TraceIdentifier}:leave", ct);
        return answer;
    }

    [Function("RecordApproval")]
    [Allow(Roles.Office)]
    [Api(Tag, "Record an approval step the policy names (e.g. committee director, mayor, city government), in order, with its reference.", Body = typeof(ApprovalRequest), Returns = typeof(ApplicationView))]
    [Refuses(404, "application.not-found")]
    [Refuses(409, "application.not-submitted", "application.ended", "application.stage-not-in-policy", "application.out-of-order", "approval.out-of-order", "concurrency.conflict")]
    [Refuses(422, "approval.unknown-step", "approval.reference-missing")]
    public async Task<IResult> RecordApproval([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/approvals")] HttpRequest req, string applicationId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<ApprovalRequest>(http, ct);
        return problem ?? await ApplicationFunctions.RunAsync(http, commands, applicationId, new GrantApproval(request!.StepCode ?? string.Empty, request.Reference ?? string.Empty), Roles.Office, ct, durable);
    }

    [Function("AnnounceAwards")]
    [Allow(Roles.Office)]
    [Api(Tag, "The government's announcement: every remaining proposed winner is awarded (tier, year, prizes, money as the policy says). The same announcement again changes nothing.", Body = typeof(AnnounceRequest), Returns = typeof(AwardsAnnounced))]
    [Refuses(404, "cycle.not-found")]
    [Refuses(409, "cycle.closed", "cycle.announced", "cycle.out-of-order", "cycle.notice-open", "cycle.objections-open", "cycle.winners-not-approved", "concurrency.conflict")]
    [Refuses(422, "cycleId.malformed", "cycle.reference-missing", "cycle.date-future")]
    public async Task<IResult> Announce([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cycles/{cycleId}/announce")] HttpRequest req, string cycleId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<AnnounceRequest>(http, ct);
        return problem ?? await DecidedAsync(http, await cycles.RunAsync(cycleId, new AnnounceAwards(request!.Reference ?? string.Empty, request.AnnouncedOn), Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct), state => state.Announcement, durable, ct);
    }

    // ---- corrections before the announcement (issue 16, docs/decisions/0015) ----

    [Function("WithdrawCycleDecision")]
    [Allow(Roles.Office)]
    [Api(Tag, "Withdraw the cycle's latest cohort decision (shortlist, candidates or winners), with the reason, so that it can be taken again. No regulation provides for it, so the conservative rule: only the latest decision, only before the list it made is published (a published list changes only through the objections its notice takes: Changde §24, Benxi §22, Jinan §17, Xinzhou §17, Weihai §15) and never after the announcement, when only revocation applies (Changde §28/§30, Benxi §31-32, Jinan §29-30, Xinzhou §26, Weihai §27-28). The applications it moved on go back to where it was taken, those it ended come back; each records why.", Body = typeof(ReasonRequest), Returns = typeof(CycleDecisionWithdrawn))]
    [Refuses(404, "cycle.not-found")]
    [Refuses(409, "cycle.closed", "cycle.announced", "cycle.nothing-to-withdraw", "cycle.later-decision-stands", "cycle.list-published", "concurrency.conflict")]
    [Refuses(422, "cycle.decision-unknown", "cycle.reason-missing", FreeText.Code)]
    public Task<IResult> WithdrawCycleDecision([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cycles/{cycleId}/decisions/{decision}/withdraw")] HttpRequest req, string cycleId, string decision, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        return OnCycleAsync<ReasonRequest>(http, cycleId, ct, async (request, _) =>
        {
            if (!Enum.TryParse<CycleDecision>(decision, ignoreCase: true, out var which) || !Enum.IsDefined(which) || !decision.All(char.IsAsciiLetter))
            {
                return Problems.For(http, Refusal.Invalid("cycle.decision-unknown", "可撤回的决定是shortlist（现场评审名单）、candidates（候选名单）或winners（获奖建议名单）。", "The decisions that can be withdrawn are shortlist, candidates and winners.", "decision"));
            }

            var outcome = await cycles.RunAsync(cycleId, new WithdrawCycleDecision(which, request.Reason ?? string.Empty), Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
            return await DecidedAsync(http, outcome, _ => outcome.Appended.Select(e => e.Event).OfType<CycleDecisionWithdrawn>().Single(), durable, ct);
        });
    }

    [Function("ReopenStage")]
    [Allow(Roles.Office)]
    [Api(Tag, "Send an application back to a decision stage, with the reason: where the withdrawal of the cycle's decision did not bring it back itself. Refused while the cycle's decision at that stage stands (withdraw it first), for an application that ended otherwise, and after the announcement (only revocation applies then).", Body = typeof(ReopenRequest), Returns = typeof(ApplicationView))]
    [Refuses(404, "application.not-found")]
    [Refuses(409, "application.announced", "application.reopen-where-ended", "application.decision-stands", "application.cannot-reopen", "application.stage-not-reached", "concurrency.conflict")]
    [Refuses(422, "application.stage-not-reopenable", "reason.missing", "reason.too-long", FreeText.Code)]
    public async Task<IResult> ReopenStage([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/reopen")] HttpRequest req, string applicationId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<ReopenRequest>(http, ct);
        return problem ?? await ApplicationFunctions.RunAsync(http, commands, applicationId, new ReopenStage(request!.Stage, request.Reason ?? string.Empty), Roles.Office, ct, durable);
    }

    [Function("DownloadCertificate")]
    [Allow(Roles.Office, Roles.Applicant)]
    [Api(Tag, "The winner's certificate (PDF, 荣誉证书): its number from the policy's pattern, and a QR code linking to its public check (/verify/{code}). To its owner and the office.", Produces = "application/pdf")]
    [Refuses(404, "application.not-found")]
    [Refuses(409, "certificate.not-awarded", "certificate.unnumbered", "certificate.glyph-missing")]
    public async Task<IResult> DownloadCertificate([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/applications/{applicationId}/certificate")] HttpRequest req, string applicationId, CancellationToken ct)
    {
        var http = req.HttpContext;
        var a = await ApplicationFunctions.LoadVisibleAsync(applicationId, http.User, streams, ct);
        if (a is null || !(http.User.IsInRole(Roles.Office) || ApplicationFunctions.IsOwner(http.User, a)))
        {
            return Problems.For(http, Refusal.NotFound("application.not-found", "申报不存在。", "No such application."));
        }

        if (a.Status != ApplicationStatus.Awarded || a.Award is not { } award)
        {
            return Problems.For(http, Refusal.Rule("certificate.not-awarded", "该申报未获奖，没有证书。", "The application has no award, so no certificate."));
        }

        var cycle = (await LoadCycleAsync(a.CycleId, ct))!;
        var sheet = CertificateSheet.For(cycle.Policy, a, award, certificates.Value.PublicBaseUrl!);
        if (!sheet.IsOk)
        {
            return Problems.For(http, sheet.Refusal!);
        }

        http.Response.Headers.CacheControl = "private, no-store";
        return Results.File(Certificate.Render(sheet.Value with { Rehearsal = cycle.Rehearsal }), "application/pdf", $"certificate-{award.VerificationCode}.pdf");
    }

    private static ScoredApplication Scored(AwardPolicy policy, ApplicationState a, decimal score) => new(
        a.ApplicationId,
        a.Category,
        score,
        a.SubmittedAt ?? DateTimeOffset.MaxValue,
        policy.Scoring.TieBreak.Select(stage => a.Scores.TryGetValue(stage, out var s) ? s.Percent : decimal.MinValue).ToList());

    /// <summary>The same entry as <see cref="Scored(AwardPolicy, ApplicationState, decimal)"/>, from an index row: the shortlist and candidates decide on the records, the ranking shows the rows, both in the one order.</summary>
    private static ScoredApplication Scored(AwardPolicy policy, CycleRow a, decimal score) => new(
        a.ApplicationId,
        a.Category,
        score,
        a.SubmittedAt ?? DateTimeOffset.MaxValue,
        policy.Scoring.TieBreak.Select(stage => a.Scores.Percents.TryGetValue(stage, out var p) ? p : decimal.MinValue).ToList());

    private static IReadOnlyList<RankingEntry> Ranking(CycleState cycle, IEnumerable<CycleRow> rows)
    {
        var scored = rows.Where(a => a.Scores.Composite is not null && a.Status is ApplicationStatus.InProcess or ApplicationStatus.Awarded).ToDictionary(a => a.ApplicationId, StringComparer.Ordinal);
        return Domain.Awards.Ranking.Rank(scored.Values.Select(a => Scored(cycle.Policy, a, a.Scores.Composite!.Value)))
            .Select(r =>
            {
                var a = scored[r.Entry.ApplicationId];
                return new RankingEntry(
                    r.Rank,
                    a.ApplicationId,
                    a.Name,
                    Wire.Name(a.Category),
                    r.Entry.Score,
                    a.Scores.Percents.ToDictionary(s => s.Key.ToString(), s => s.Value),
                    a.Scores.Preferences,
                    r.Entry.SubmittedAt,
                    a.Version);
            })
            .ToList();
    }

    private async Task<CycleState?> LoadCycleAsync(string cycleId, CancellationToken ct)
    {
        if (CycleId.Parse(cycleId) is not { IsOk: true } id)
        {
            return null;
        }

        var cycle = await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct);
        return cycle.Exists ? cycle : null;
    }

    private async Task<IReadOnlyList<ApplicationState>> CycleApplicationsAsync(string cycleId, CancellationToken ct)
    {
        var rows = await readModels.PartitionAsync(ApplicationIndex.CyclePartition(cycleId), ct);
        var apps = new List<ApplicationState>(rows.Count);
        foreach (var row in rows.Where(r => r.GetString("Status") != nameof(ApplicationStatus.Draft)))
        {
            apps.Add(await streams.LoadAsync(StreamKinds.Application, ApplicationId.Parse(row.RowKey).Value.StreamId, ct));
        }

        return apps;
    }

    /// <summary>Finds the cycle (404 if none), asks whether the caller may act, reads the body, then does the rest with both.</summary>
    private async Task<IResult> OnCycleAsync<TRequest>(HttpContext http, string cycleId, CancellationToken ct, Func<TRequest, CycleState, Task<IResult>> then, Func<CycleState, IResult?>? mayAct = null)
        where TRequest : class
    {
        var cycle = await LoadCycleAsync(cycleId, ct);
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

    /// <summary>
    /// A cycle decision taken: each application it names moves on now, before the answer, so the
    /// office can act at once on what it is told (issue 16, case 5: the candidates' notice right
    /// after the candidates). A step refused here is taken again by the application's orchestration,
    /// which shows the refusal on the office's worklist; none is dropped.
    /// </summary>
    private async Task<IResult> DecidedAsync(HttpContext http, CommandOutcome<CycleState> outcome, Func<CycleState, object?> view, DurableTaskClient durable, CancellationToken ct)
    {
        if (outcome.Refused)
        {
            return Problems.For(http, outcome.Refusal!);
        }

        var (_, touched) = await followUps.ApplyDecisionAsync(outcome, ct);
        await ApplicationWorkflow.ChangedAsync(durable, touched, "cycle-decision", _log, ct);
        return Results.Ok(view(outcome.State));
    }

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
