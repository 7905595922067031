using System.ComponentModel;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Consultations;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Cycles;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Awards;

[Description("Record a ban the policy defines against an applicant.")]
public sealed record BanRequest(
    [property: Description("The policy the ban is recorded under (a preset id such as weihai); the latest cycle running it supplies the rule.")] string PolicyId,
    [property: Description("falseMaterials, fraud or revocation: one the policy defines; its length and article come from the policy.")] BanReason Reason,
    [property: Description("The day the ban starts (Asia/Shanghai date), not in the future.")] DateOnly StartsOn,
    [property: Description("What the applicant did (at most 5,000 characters).")] string Cause,
    [property: Description("The decision's reference (文号, at most 200 characters).")] string DecisionReference,
    [property: Description("An id for the ban, so a retry records it once; default a new one.")] string? BanId = null);

[Description("Propose to revoke an award on one of the policy's grounds.")]
public sealed record RevocationProposalRequest(
    [property: Description("The policy's code of the revocation ground, for the award's category.")] string GroundCode,
    [property: Description("Why (at most 5,000 characters).")] string Reason,
    [property: Description("When the ground arose (Asia/Shanghai date), after the award and not in the future; default today. Changde §30, Benxi §32 count only what arose within 5 years of the award.")] DateOnly? OccurredOn = null);

[Description("The deciding body's approval of a revocation proposal.")]
public sealed record RevocationRequest(
    [property: Description("The proposal approved (from the revocation proposal's answer).")] string ProposalId,
    [property: Description("The day the award is revoked (Asia/Shanghai date), after the award and not in the future.")] DateOnly RevokedOn,
    [property: Description("The revocation decision's reference (文号, at most 200 characters).")] string DecisionReference);

[Description("Money of a revoked award paid back.")]
public sealed record RecoveryRequest(
    [property: Description("The amount in yuan: above 0 and at most what is still owed.")] long Yuan,
    [property: Description("The day it was paid back (Asia/Shanghai date), not in the future.")] DateOnly RecoveredOn,
    [property: Description("The receipt's reference (at most 200 characters).")] string Reference);

[Description("A visit to the holder (定期巡访, Changde §29).")]
public sealed record InspectionRequest(
    [property: Description("The day of the visit (Asia/Shanghai date), after the award and not in the future.")] DateOnly VisitedOn,
    [property: Description("What the visit found (at most 5,000 characters).")] string Findings,
    [property: Description("What the holder is to do next, if anything (at most 5,000 characters).")] string? FollowUps = null);

[Description("The holder reports a major change (Changde §42, Weihai §27(九)).")]
public sealed record ChangeRequest(
    [property: Description("qualityModel (质量管理模式发生重大变化, Changde §42) or legalForm (注销、重组、被收购, Weihai §27(九)).")] ChangeKind Kind,
    [property: Description("What changed (at most 5,000 characters).")] string Description,
    [property: Description("When it takes effect (Asia/Shanghai date), at most a year ahead.")] DateOnly EffectiveOn);

[Description("The office's review of a change report.")]
public sealed record ChangeReviewRequest(
    [property: Description("accepted, or revocationOpened (then propose revocation on the policy's ground).")] ChangeReviewOutcome Outcome,
    [property: Description("The office's note (at most 5,000 characters).")] string Note);

/// <summary>One award in the register, as the office and the public read it.</summary>
public sealed record RegisterEntry(
    string ApplicationId,
    string? ApplicantKey,
    string Name,
    string Category,
    string PolicyId,
    string AwardName,
    string CycleId,
    string Tier,
    string TierZh,
    int Year,
    string AwardedOn,
    string? ValidUntil,
    string Status,
    long MoneyPaidYuan,
    long MoneyToRecoverYuan,
    long MoneyRecoveredYuan,
    string UseOfTitle,
    string UseOfTitleArticle,
    string? RevokedOn,
    string? RevocationGround,
    string? RevocationArticle,
    string? RevocationDecidedBy,
    string? RevocationReference);

public sealed record EligibilityView(
    string ApplicantKey,
    string PolicyId,
    string CycleId,
    bool May,
    IReadOnlyList<object> Reasons,
    DateOnly? MayApplyFrom,
    bool Never,
    IReadOnlyList<string> Until,
    IReadOnlyList<EligibilityFlag> Flags);


/// <summary>An award as the public register shows it: no applicant key, no money still to recover.</summary>
public sealed record PublicRegisterEntry(
    string Name,
    string AwardName,
    string Tier,
    string TierZh,
    int Year,
    string AwardedOn,
    string? ValidUntil,
    string Status,
    long MoneyPaidYuan,
    long MoneyRecoveredYuan,
    string UseOfTitle,
    string UseOfTitleArticle,
    string? RevokedOn,
    string? RevocationGround,
    string? RevocationArticle,
    string? RevocationDecidedBy,
    string? RevocationReference);

/// <summary>One item of the office's worklist after the award.</summary>
public sealed record RegisterDueView(
    [property: Description("inspection (a periodic visit), consultation (departments to ask about the holder) or adverse-record (a department's adverse answer to act on).")] string? Kind,
    string? ApplicationId,
    string? ApplicantKey,
    string? Name,
    [property: Description("The day it falls due (yyyy-MM-dd).")] string? DueOn,
    [property: Description("The consultation round, for a consultation or an adverse record.")] string? ConsultationId,
    [property: Description("The department, for an adverse record.")] string? Department,
    [property: Description("The department's answer, for an adverse record.")] string? Details);

/// <summary>A ban in the register, as recorded under its policy.</summary>
public sealed record HolderBanView(
    string? PolicyId,
    string? Reason,
    string? StartsOn,
    [property: Description("years, or permanent.")] string? Unit,
    int? Length,
    [property: Description("The ban covers every quality award of the city, not only this one.")] bool AllQualityAwards,
    string? Article,
    string? Cause,
    [property: Description("The first day the applicant may apply again (yyyy-MM-dd); none for a permanent ban.")] string? EndsOn);

/// <summary>A consultation of departments about the holder, due.</summary>
public sealed record HolderConsultationDueView(
    string ApplicationId,
    DateOnly DueOn,
    DateTimeOffset At,
    [property: Description("The consultation round the departments are asked in.")] string ConsultationId);

/// <summary>A change the holder reported, and the office's review of it if done.</summary>
public sealed record HolderChangeView(string ChangeId, string ApplicationId, ChangeKind Kind, string Description, DateOnly EffectiveOn, string Article, DateTimeOffset ReportedAt, HolderChangeReviewed? Review);

/// <summary>A revocation proposal, and the deciding body's approval if given.</summary>
public sealed record RevocationProposalView(string ProposalId, string ApplicationId, string GroundCode, string Article, string Reason, DateOnly? OccurredOn, string DecidedBy, DateTimeOffset ProposedAt, RevocationApproved? Approval);

/// <summary>One applicant in the register.</summary>
public sealed record HolderView(
    string ApplicantKey,
    IReadOnlyList<RegisterEntry> Awards,
    IReadOnlyList<HolderBanView> Bans,
    IReadOnlyList<InspectionDue> InspectionsDue,
    IReadOnlyList<InspectionRecorded> Inspections,
    IReadOnlyList<HolderConsultationDueView> ConsultationsDue,
    IReadOnlyList<HolderAdverseRecordReported> AdverseRecords,
    IReadOnlyList<HolderChangeView> Changes,
    IReadOnlyList<AwardMoneyRecovered> Recoveries,
    IReadOnlyList<RevocationProposalView> RevocationProposals);

/// <summary>An event the holder command recorded.</summary>
public sealed record HolderEventView(string Type, int Version, object Event);

/// <summary>The award as the register now shows it, and what the command recorded (none when the same command was recorded before).</summary>
public sealed record HolderRecordedView(RegisterEntry? Award, IReadOnlyList<HolderEventView> Events);

/// <summary>
/// After the award: the register of holders (office, supervisors, and the public list of valid
/// holders and of revocations), bans and the "may X apply" answer, revocation and money recovered,
/// periodic visits and change reports. Load, decide, save: the deciders are
/// <see cref="HolderDecider"/> and <see cref="ApplicationDecider"/> (revocation).
/// </summary>
public sealed class RegisterFunctions(ReadModels readModels, Streams streams, AwardRegister register, HolderCommands holders, ApplicationCommands commands, StorageClients storage, TimeProvider clock)
{
    private const string Tag = "Register";

    [Function("GetRegister")]
    [Allow(Roles.Office, Roles.Supervisor)]
    [Api(Tag, "Every award in the register: valid, expired and revoked, with money paid and recovered.", Returns = typeof(RegisterEntry[]))]
    public async Task<IResult> GetRegister([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/register/")] HttpRequest req, CancellationToken ct) =>
        Results.Ok(await EntriesAsync(readModels, ct));

    [Function("ListMyAwards")]
    [Allow(Roles.Applicant)]
    [Api(Tag, "The caller's own awards: status, validity, money, and the rules for using the title (Changde §31, Benxi §28, Xinzhou §21, Weihai §21).", Returns = typeof(RegisterEntry[]))]
    public async Task<IResult> ListMyAwards([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/register/mine")] HttpRequest req, CancellationToken ct)
    {
        var subject = Caller.Subject(req.HttpContext.User);
        var rows = await readModels.PartitionAsync(HolderRegister.Partition, ct);
        return Results.Ok(rows.Where(r => r.GetString("OwnerSubject") == subject).Select(ToEntry));
    }

    [Function("ListRegisterDue")]
    [Allow(Roles.Office, Roles.Supervisor)]
    [Api(Tag, "The office's worklist: periodic visits due and not yet made, department consultations about holders due (the departments are asked by mail), and departments' adverse records about holders (kind adverse-record) to act on, e.g. by proposing revocation.", Returns = typeof(RegisterDueView[]))]
    public async Task<IResult> ListRegisterDue([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/register/due")] HttpRequest req, CancellationToken ct) =>
        Results.Ok((await readModels.PartitionAsync(HolderRegister.DuePartition, ct))
            .Where(r => !(r.GetBoolean("Done") ?? false))
            .OrderBy(r => r.GetString("DueOn"), StringComparer.Ordinal)
            .Select(r => new RegisterDueView(
                r.GetString("Kind"),
                r.GetString("ApplicationId"),
                r.GetString("ApplicantKey"),
                r.GetString("Name"),
                r.GetString("DueOn"),
                r.GetString("ConsultationId"),
                Wire.Name(r.GetString("Department")),
                r.GetString("Details"))));

    [Function("CheckEligibility")]
    [Allow(Roles.Office, Roles.Supervisor)]
    [Api(Tag, "May this applicant apply in this cycle? If not: why (the same reasons intake gives) and from when it may (mayApplyFrom), or never.", Returns = typeof(EligibilityView), Query = ["applicantKey!", "cycleId!", "policyId"])]
    [Refuses(404, "cycle.not-found")]
    [Refuses(422, "holder.key-malformed", "cycle.malformed", "eligibility.policy-mismatch")]
    public async Task<IResult> CheckEligibility([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/register/eligibility")] HttpRequest req, CancellationToken ct)
    {
        var http = req.HttpContext;
        var key = HolderKey.Parse(req.QueryValue("applicantKey"));
        if (!key.IsOk)
        {
            return Problems.For(http, key.Refusal!);
        }

        if (CycleId.Parse(req.QueryValue("cycleId")) is not { IsOk: true } id)
        {
            return Problems.For(http, Refusal.Invalid("cycle.malformed", "请给出评选周期。", "Give the cycle.", "cycleId"));
        }

        var cycle = await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct);
        if (!cycle.Exists)
        {
            return Problems.For(http, Refusal.NotFound("cycle.not-found", "该评选周期不存在。", "No such cycle."));
        }

        var policyId = req.QueryValue("policyId");
        if (policyId is not null && policyId != cycle.PolicyId)
        {
            return Problems.For(http, Refusal.Invalid("eligibility.policy-mismatch", $"评选周期{cycle.CycleId}依据的政策是{cycle.PolicyId}，不是{policyId}。", $"Cycle {cycle.CycleId} runs policy {cycle.PolicyId}, not {policyId}.", "policyId"));
        }

        var history = await register.HistoryAsync(cycle.Policy, key.Value.Value, ct);
        var answer = ReapplicationAnswer.For(cycle.Policy, history, cycle.CycleId, ShanghaiTime.DateOf(clock.Now(cycle)));
        var english = Lang.IsEnglish(http);
        return Results.Ok(new EligibilityView(
            key.Value.Value,
            cycle.PolicyId,
            cycle.CycleId,
            answer.May,
            answer.Reasons.Select(r => (object)new { code = r.Code, message = english ? r.En : r.Zh }).ToList(),
            answer.MayApplyFrom,
            answer.Never,
            answer.UntilZh,
            answer.Flags));
    }

    [Function("GetHolder")]
    [Allow(Roles.Office, Roles.Supervisor)]
    [Api(Tag, "One applicant in the register: awards, bans, visits due and done, consultations due (with their round), departments' adverse records, change reports, money recovered.", Returns = typeof(HolderView))]
    [Refuses(404, "holder.not-found")]
    [Refuses(422, "holder.key-malformed")]
    public async Task<IResult> GetHolder([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/register/holders/{applicantKey}")] HttpRequest req, string applicantKey, CancellationToken ct)
    {
        var http = req.HttpContext;
        var key = HolderKey.Parse(applicantKey);
        if (!key.IsOk)
        {
            return Problems.For(http, key.Refusal!);
        }

        var state = await holders.LoadAsync(key.Value, ct);
        var entries = (await EntriesAsync(readModels, ct)).Where(e => e.ApplicantKey == key.Value.Value).ToList();
        var bans = new List<HolderBanView>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {AwardRegister.HolderPartition(key.Value.Value)} and RowKey ge {"ban-"} and RowKey lt {"ban."}");
        await foreach (var row in storage.Table(StorageClients.RegisterTable).QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            bans.Add(new HolderBanView(
                row.GetString("PolicyId"),
                Wire.Name(row.GetString("Reason")),
                row.GetString("StartsOn"),
                Wire.Name(row.GetString("Unit")),
                row.GetInt32("Length"),
                row.GetBoolean("AllQualityAwards") ?? false,
                row.GetString("Article"),
                row.GetString("Cause"),
                row.GetString("Unit") == nameof(Domain.Policies.BanUnit.Years)
                    ? DateOnly.ParseExact(row.GetString("StartsOn"), "yyyy-MM-dd", CultureInfo.InvariantCulture).AddYears(row.GetInt32("Length") ?? 0).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                    : null));
        }

        if (entries.Count == 0 && bans.Count == 0 && state.Version == 0)
        {
            return Problems.For(http, Refusal.NotFound("holder.not-found", "登记簿中没有该申报主体。", "The register knows no such applicant."));
        }

        return Results.Ok(new HolderView(
            key.Value.Value,
            entries,
            bans,
            state.InspectionsDue,
            state.Inspections,
            state.ConsultationsDue.Select(c => new HolderConsultationDueView(c.ApplicationId, c.DueOn, c.At, ConsultationIds.ForHolder(c.ApplicationId, c.DueOn))).ToList(),
            state.AdverseRecords,
            state.Changes.Select(c => new HolderChangeView(c.Reported.ChangeId, c.Reported.ApplicationId, c.Reported.Kind, c.Reported.Description, c.Reported.EffectiveOn, c.Reported.Article, c.Reported.At, c.Review)).ToList(),
            state.Recoveries,
            state.Proposals.Select(p => new RevocationProposalView(p.Proposed.ProposalId, p.Proposed.ApplicationId, p.Proposed.GroundCode, p.Proposed.Article, p.Proposed.Reason, p.Proposed.OccurredOn, p.Proposed.DecidedBy, p.Proposed.At, p.Approval)).ToList()));
    }

    [Function("RecordBan")]
    [Allow(Roles.Office)]
    [Api(Tag, "Record a ban the policy defines (false materials, fraud, after revocation) with its cause and decision; its length and article come from the policy. Intake refuses the applicant until it ends.", Body = typeof(BanRequest), Returns = typeof(HolderBanRecorded))]
    [Refuses(409, "concurrency.conflict")]
    [Refuses(422, "holder.key-malformed", "policy.not-found", "ban.not-in-policy", "ban.date-invalid", "cause.missing", "cause.too-long", "reference.missing")]
    public async Task<IResult> Ban([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/register/holders/{applicantKey}/bans")] HttpRequest req, string applicantKey, CancellationToken ct)
    {
        var http = req.HttpContext;
        var key = HolderKey.Parse(applicantKey);
        if (!key.IsOk)
        {
            return Problems.For(http, key.Refusal!);
        }

        var (request, problem) = await JsonBody.ReadAsync<BanRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var policy = await PolicyAsync(request!.PolicyId, ct);
        if (policy is null)
        {
            return Problems.For(http, Refusal.Invalid("policy.not-found", $"没有依据政策“{request.PolicyId}”的评选周期。", $"No cycle runs policy '{request.PolicyId}'.", "policyId"));
        }

        var banId = string.IsNullOrWhiteSpace(request.BanId) ? "ban-" + Guid.NewGuid().ToString("N") : request.BanId;
        var outcome = await holders.RunAsync(key.Value, new RecordBan(banId, request.Reason, request.StartsOn, request.Cause, request.DecisionReference), Caller.As(http.User, Roles.Office), policy, http.TraceIdentifier, ct);
        return outcome.Refused
            ? Problems.For(http, outcome.Refusal!)
            : Results.Ok(outcome.State.Bans.First(b => b.BanId == banId));
    }

    [Function("ProposeRevocation")]
    [Allow(Roles.Office)]
    [Api(Tag, "Propose to revoke an award on one of the policy's grounds (checked against the window: Changde §30, Benxi §32 count what arose within 5 years). The body the policy names (revocation.decidedBy) decides.", Body = typeof(RevocationProposalRequest), Returns = typeof(HolderRecordedView))]
    [Refuses(404, "holder.award-not-found")]
    [Refuses(409, "holder.award-revoked", "revocation.proposal-open", "revocation.window-passed", "concurrency.conflict")]
    [Refuses(422, "revocation.ground-unknown", "revocation.date-invalid", "reason.missing", "reason.too-long")]
    public Task<IResult> Propose([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/register/awards/{applicationId}/revocation-proposals")] HttpRequest req, string applicationId, CancellationToken ct) =>
        OnHolderAsync<RevocationProposalRequest>(req.HttpContext, applicationId, request => new ProposeRevocation("rev-" + Guid.NewGuid().ToString("N"), applicationId, request.GroundCode, request.Reason, request.OccurredOn), Roles.Office, ct);

    [Function("RecordRevocation")]
    [Allow(Roles.Office)]
    [Api(Tag, "Record the deciding body's approval of a revocation proposal (its decision's reference): the award is revoked, the title marked revoked in the register and the application, the revocation announced, the policy's ban brought.", Body = typeof(RevocationRequest), Returns = typeof(RegisterEntry))]
    [Refuses(404, "holder.award-not-found", "revocation.proposal-not-found")]
    [Refuses(409, "revocation.not-awarded", "revocation.window-passed", "revocation.already-decided", "concurrency.conflict")]
    [Refuses(422, "revocation.ground-unknown", "revocation.date-invalid", "revocation.reference-missing", "reason.missing", "reason.too-long", "reference.missing")]
    public async Task<IResult> Revoke([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/register/awards/{applicationId}/revocation")] HttpRequest req, string applicationId, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<RevocationRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var (app, _) = await holders.ApplicationAsync(applicationId, ct);
        if (app?.Award is null || app.ApplicantKey is null)
        {
            return Problems.For(http, Refusal.NotFound("holder.award-not-found", "登记簿中没有该奖项。", "The register holds no such award."));
        }

        var key = HolderKey.Parse(app.ApplicantKey).Value;
        var proposal = (await holders.LoadAsync(key, ct)).Proposals.FirstOrDefault(p => p.Proposed.ProposalId == request!.ProposalId && p.Proposed.ApplicationId == applicationId);
        if (proposal is null)
        {
            return Problems.For(http, Refusal.NotFound("revocation.proposal-not-found", "没有该奖项的这一撤销建议，请先提出撤销建议。", "No such revocation proposal for this award; propose it first."));
        }

        // The award is revoked on its application first (the decider checks the ground, the window
        // and the dates again); the approval then closes the proposal. A retry after a failure in
        // between finds the award revoked already and only closes the proposal.
        var actor = Caller.As(http.User, Roles.Office);
        var p = proposal.Proposed;
        var revoked = await commands.RunAsync(applicationId, new RevokeAward(p.GroundCode, p.Reason, request!.RevokedOn, request.DecisionReference, p.OccurredOn), actor, http.TraceIdentifier, ct);
        if (revoked.Refused)
        {
            return Problems.For(http, revoked.Refusal!);
        }

        var approved = await holders.RunAsync(key, new RecordRevocationApproval(p.ProposalId, request.RevokedOn, request.DecisionReference), actor, null, http.TraceIdentifier, ct);
        return approved.Refused ? Problems.For(http, approved.Refusal!) : Results.Ok(await EntryAsync(readModels, applicationId, ct));
    }

    [Function("RecordRecovery")]
    [Allow(Roles.Office)]
    [Api(Tag, "Record money of a revoked award paid back: amount, date, receipt reference; never more than is owed.", Body = typeof(RecoveryRequest), Returns = typeof(HolderRecordedView))]
    [Refuses(404, "holder.award-not-found")]
    [Refuses(409, "recovery.not-revoked", "concurrency.conflict")]
    [Refuses(422, "recovery.amount-invalid", "recovery.date-invalid", "reference.missing")]
    public Task<IResult> Recover([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/register/awards/{applicationId}/recoveries")] HttpRequest req, string applicationId, CancellationToken ct) =>
        OnHolderAsync<RecoveryRequest>(req.HttpContext, applicationId, request => new RecordRecovery(applicationId, request.Yuan, request.RecoveredOn, request.Reference), Roles.Office, ct);

    [Function("RecordInspection")]
    [Allow(Roles.Office)]
    [Api(Tag, "Record a visit to the holder (定期巡访, Changde §29): findings and follow-ups.", Body = typeof(InspectionRequest), Returns = typeof(HolderRecordedView))]
    [Refuses(404, "holder.award-not-found")]
    [Refuses(409, "concurrency.conflict")]
    [Refuses(422, "inspection.date-invalid", "findings.missing", "findings.too-long", "followUps.too-long")]
    public Task<IResult> Inspect([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/register/awards/{applicationId}/inspections")] HttpRequest req, string applicationId, CancellationToken ct) =>
        OnHolderAsync<InspectionRequest>(req.HttpContext, applicationId, request => new RecordInspection("insp-" + Guid.NewGuid().ToString("N"), applicationId, request.VisitedOn, request.Findings, request.FollowUps), Roles.Office, ct);

    [Function("ReportHolderChange")]
    [Allow(Roles.Applicant)]
    [Api(Tag, "The holder reports a major change of its quality model (Changde §42) or its legal form (Weihai §27(九)).", Body = typeof(ChangeRequest), Returns = typeof(HolderRecordedView))]
    [Refuses(404, "holder.award-not-found")]
    [Refuses(409, "holder.award-revoked", "change.not-in-policy", "concurrency.conflict")]
    [Refuses(422, "change.date-invalid", "description.missing", "description.too-long")]
    public Task<IResult> ReportHolderChange([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/register/awards/{applicationId}/changes")] HttpRequest req, string applicationId, CancellationToken ct) =>
        OnHolderAsync<ChangeRequest>(req.HttpContext, applicationId, request => new ReportChange("chg-" + Guid.NewGuid().ToString("N"), applicationId, request.Kind, request.Description, request.EffectiveOn), Roles.Applicant, ct);

    [Function("ReviewHolderChange")]
    [Allow(Roles.Office)]
    [Api(Tag, "The office reviews a change report: accepted, or revocation opened (then revoke on the policy's ground).", Body = typeof(ChangeReviewRequest), Returns = typeof(HolderRecordedView))]
    [Refuses(404, "holder.award-not-found", "change.not-found")]
    [Refuses(409, "change.already-reviewed", "concurrency.conflict")]
    [Refuses(422, "note.missing", "note.too-long")]
    public Task<IResult> ReviewHolderChange([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/register/awards/{applicationId}/changes/{changeId}/review")] HttpRequest req, string applicationId, string changeId, CancellationToken ct) =>
        OnHolderAsync<ChangeReviewRequest>(req.HttpContext, applicationId, request => new ReviewChange(changeId, request.Outcome, request.Note), Roles.Office, ct);

    [Function("GetPublicRegister")]
    [Public]
    [Api("Public", "Valid holders: tier, year, validity, money paid and recovered, and the rules for using the title.", Returns = typeof(PublicRegisterEntry[]))]
    public async Task<IResult> GetPublicRegister([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/public/register/")] HttpRequest req, CancellationToken ct) =>
        Results.Ok((await EntriesAsync(readModels, ct)).Where(e => e.Status == "valid").Select(Public));

    [Function("GetPublicRevocations")]
    [Public]
    [Api("Public", "Revoked awards the policy says are published: ground, article, decision.", Returns = typeof(PublicRegisterEntry[]))]
    public async Task<IResult> GetPublicRevocations([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/public/register/revocations")] HttpRequest req, CancellationToken ct) =>
        Results.Ok((await RevocationsAsync(readModels, ct)).Select(Public));

    [Function("ShowRegisterPage")]
    [Public]
    [Api("Pages", "获奖者名录: the valid holders, as a zh-CN page.", Produces = "text/html")]
    public async Task<IResult> ShowRegisterPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "register")] HttpRequest req, CancellationToken ct)
    {
        var entries = await EntriesAsync(readModels, ct);
        return Html.Page("获奖者名录", RegisterPage(entries, await PoliciesAsync(entries, ct)), site: await Html.SiteAsync(readModels, ct));
    }

    [Function("ShowRevocationsPage")]
    [Public]
    [Api("Pages", "撤销奖励公告: the published revocations, as a zh-CN page.", Produces = "text/html")]
    public async Task<IResult> ShowRevocationsPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "register/revocations")] HttpRequest req, CancellationToken ct) =>
        Html.Page("撤销奖励公告", RevocationsPage(await RevocationsAsync(readModels, ct)), site: await Html.SiteAsync(readModels, ct));

    /// <summary>Each cycle's own copy of its policy (what the award was given under), by cycle id.</summary>
    private async Task<IReadOnlyDictionary<string, Domain.Policies.AwardPolicy>> PoliciesAsync(IEnumerable<RegisterEntry> entries, CancellationToken ct)
    {
        var policies = new Dictionary<string, Domain.Policies.AwardPolicy>(StringComparer.Ordinal);
        foreach (var cycleId in entries.Select(e => e.CycleId).Distinct(StringComparer.Ordinal))
        {
            if (CycleId.Parse(cycleId) is { IsOk: true } id && await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct) is { Exists: true } cycle)
            {
                policies[cycleId] = cycle.Policy;
            }
        }

        return policies;
    }

    /// <summary>Finds the award (404 if the register has none), then reads the body and runs the command on its holder.</summary>
    private async Task<IResult> OnHolderAsync<TRequest>(HttpContext http, string applicationId, Func<TRequest, IHolderCommand> command, string role, CancellationToken ct)
        where TRequest : class
    {
        var (app, _) = await holders.ApplicationAsync(applicationId, ct);
        if (app?.Award is null || app.ApplicantKey is null)
        {
            return Problems.For(http, Refusal.NotFound("holder.award-not-found", "登记簿中没有该奖项。", "The register holds no such award."));
        }

        var (request, problem) = await JsonBody.ReadAsync<TRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = await holders.RunAsync(HolderKey.Parse(app.ApplicantKey).Value, command(request!), Caller.As(http.User, role), null, http.TraceIdentifier, ct);
        if (outcome.Refused)
        {
            return Problems.For(http, outcome.Refusal!);
        }

        return Results.Ok(new HolderRecordedView(await EntryAsync(readModels, applicationId, ct), outcome.Appended.Select(e => new HolderEventView(e.Type, e.Version, e.Event)).ToList()));
    }

    private static PublicRegisterEntry Public(RegisterEntry e) => new(
        e.Name,
        e.AwardName,
        e.Tier,
        e.TierZh,
        e.Year,
        e.AwardedOn,
        e.ValidUntil,
        e.Status,
        e.MoneyPaidYuan,
        e.MoneyRecoveredYuan,
        e.UseOfTitle,
        e.UseOfTitleArticle,
        e.RevokedOn,
        e.RevocationGround,
        e.RevocationArticle,
        e.RevocationDecidedBy,
        e.RevocationReference);

    /// <summary>The policy of the latest cycle that runs it (a cycle keeps its own copy of the policy).</summary>
    private async Task<Domain.Policies.AwardPolicy?> PolicyAsync(string policyId, CancellationToken ct)
    {
        var row = (await readModels.PartitionAsync(Cycles.CycleIndex.Partition, ct))
            .Where(r => r.GetString("PolicyId") == policyId)
            .OrderByDescending(r => r.GetString("OpensOn"), StringComparer.Ordinal)
            .FirstOrDefault();
        if (row is null || CycleId.Parse(row.RowKey) is not { IsOk: true } id)
        {
            return null;
        }

        var cycle = await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct);
        return cycle.Exists ? cycle.Policy : null;
    }

    public static async Task<IReadOnlyList<RegisterEntry>> EntriesAsync(ReadModels readModels, CancellationToken ct) =>
        (await readModels.PartitionAsync(HolderRegister.Partition, ct)).Select(ToEntry)
            .OrderByDescending(e => e.Year).ThenBy(e => e.Tier, StringComparer.Ordinal).ThenBy(e => e.Name, StringComparer.Ordinal).ToList();

    private static async Task<IReadOnlyList<RegisterEntry>> RevocationsAsync(ReadModels readModels, CancellationToken ct) =>
        (await readModels.PartitionAsync(HolderRegister.Partition, ct))
            .Where(r => r.GetString("Status") == "revoked" && (r.GetBoolean("RevocationPublished") ?? false))
            .Select(ToEntry).OrderByDescending(e => e.RevokedOn, StringComparer.Ordinal).ToList();

    private static async Task<RegisterEntry?> EntryAsync(ReadModels readModels, string applicationId, CancellationToken ct) =>
        await readModels.GetAsync(HolderRegister.Partition, applicationId, ct) is { } row ? ToEntry(row) : null;

    private static RegisterEntry ToEntry(TableEntity r) => new(
        r.RowKey,
        r.GetString("ApplicantKey"),
        r.GetString("Name") ?? string.Empty,
        Wire.Name(r.GetString("Category")),
        r.GetString("PolicyId"),
        r.GetString("AwardName"),
        r.GetString("CycleId"),
        Wire.Name(r.GetString("Tier")),
        r.GetString("TierZh"),
        r.GetInt32("Year") ?? 0,
        r.GetString("AwardedOn"),
        r.GetString("ValidUntil"),
        r.GetString("Status"),
        r.GetInt64("MoneyPaidYuan") ?? 0,
        r.GetInt64("MoneyToRecoverYuan") ?? 0,
        r.GetInt64("MoneyRecoveredYuan") ?? 0,
        r.GetString("UseOfTitle"),
        r.GetString("UseOfTitleArticle"),
        r.GetString("RevokedOn"),
        r.GetString("RevocationGround"),
        r.GetString("RevocationArticle"),
        r.GetString("RevocationDecidedBy"),
        r.GetString("RevocationReference"));

    private static string RegisterPage(IReadOnlyList<RegisterEntry> all, IReadOnlyDictionary<string, Domain.Policies.AwardPolicy> policies)
    {
        var valid = all.Where(e => e.Status == "valid").ToList();
        var body = new StringBuilder("<h1>获奖者名录</h1>");
        if (valid.Count == 0)
        {
            body.Append("<p class=\"note\">目前没有在有效期内的获奖者。</p>");
        }
        else
        {
            // The rule for using the title, once per award (it is the same for every holder of it).
            foreach (var rule in valid.GroupBy(e => (e.AwardName, e.UseOfTitle, e.UseOfTitleArticle)).Select(g => g.Key))
            {
                body.Append("<p class=\"title-rule\"><strong>").Append(Html.E(rule.AwardName)).Append("称号使用规定：</strong>").Append(Html.E(rule.UseOfTitle)).Append("（").Append(Html.E(rule.UseOfTitleArticle)).Append("）</p>");
            }

            body.Append("<table id=\"holders\"><thead><tr><th scope=\"col\">名称</th><th scope=\"col\">奖项</th><th scope=\"col\">获奖年度</th><th scope=\"col\">授奖日期</th><th scope=\"col\">授奖机关</th><th scope=\"col\">有效期</th><th scope=\"col\">奖励资金</th></tr></thead><tbody>");
            foreach (var e in valid)
            {
                policies.TryGetValue(e.CycleId, out var policy);
                var validity = e.ValidUntil is { } u
                    ? $"至{Html.Date(DateOnly.ParseExact(u, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(-1))}"
                    : "长期";
                var awardedOn = DateOnly.TryParseExact(e.AwardedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var on) ? Html.Date(on) : e.AwardedOn;
                body.Append("<tr><td>").Append(Html.E(e.Name)).Append("</td><td>").Append(Html.E(e.AwardName)).Append(Html.E(e.TierZh.Replace("市长质量奖", string.Empty, StringComparison.Ordinal))).Append("</td><td>")
                    .Append(e.Year).Append("</td><td>").Append(Html.E(awardedOn)).Append("</td><td>").Append(Html.E(IssuedBy(policy))).Append("</td><td>")
                    .Append(Html.E(validity)).Append("</td><td>").Append(Html.E(Money(e, policy))).Append("</td></tr>");
            }

            body.Append("</tbody></table>");
        }

        return body.Append("<nav><p><a href=\"/register/revocations\">撤销奖励公告</a></p></nav>").ToString();
    }

    /// <summary>The body that gives the award: the certificate's issuer, else the body that announces it.</summary>
    private static string IssuedBy(Domain.Policies.AwardPolicy? policy) =>
        policy?.Certificate?.IssuedBy ?? policy?.Stage(StageKind.Approval)?.AnnouncedBy ?? string.Empty;

    /// <summary>
    /// Money as the policy sets it: the amount for the tier and category, or the policy's words
    /// where it sets none (按市政府有关规定, 不设奖励资金), with what the office recorded as paid.
    /// Never a bare 0.
    /// </summary>
    private static string Money(RegisterEntry e, Domain.Policies.AwardPolicy? policy)
    {
        var tier = Enum.TryParse<AwardTier>(e.Tier, true, out var t) ? t : (AwardTier?)null;
        var category = Enum.TryParse<ApplicantCategory>(e.Category, true, out var c) ? c : (ApplicantCategory?)null;
        var amount = policy?.Money.Amounts.FirstOrDefault(a => a.Tier == tier && a.Category == category);
        var paid = e.MoneyPaidYuan > 0 ? $"已发放{e.MoneyPaidYuan.ToString("N0", CultureInfo.InvariantCulture)}元" : null;
        if (amount is not null && amount.Yuan > 0)
        {
            return $"{amount.Yuan.ToString("N0", CultureInfo.InvariantCulture)}元（{amount.Article}）";
        }

        var text = policy?.Money.NotSetZh ?? (policy is null ? null : "按有关规定");
        return (text, paid) switch
        {
            (null, null) => "—",
            (null, _) => paid!,
            (_, null) => text,
            _ => $"{text}；{paid}",
        };
    }

    private static string RevocationsPage(IReadOnlyList<RegisterEntry> revoked)
    {
        var body = new StringBuilder("<h1>撤销奖励公告</h1>");
        if (revoked.Count == 0)
        {
            return body.Append("<p class=\"note\">目前没有撤销的奖励。</p>").ToString();
        }

        body.Append("<table id=\"revocations\"><thead><tr><th>名称</th><th>奖项及年度</th><th>撤销日期</th><th>撤销情形</th><th>决定</th><th>应追回奖励资金（元）</th><th>已追回（元）</th></tr></thead><tbody>");
        foreach (var e in revoked)
        {
            body.Append("<tr><td>").Append(Html.E(e.Name)).Append("</td><td>").Append(e.Year).Append("年度").Append(Html.E(e.TierZh)).Append("</td><td>")
                .Append(Html.E(e.RevokedOn)).Append("</td><td>").Append(Html.E(e.RevocationGround)).Append("（").Append(Html.E(e.RevocationArticle)).Append("）</td><td>")
                .Append(Html.E(e.RevocationDecidedBy)).Append(' ').Append(Html.E(e.RevocationReference)).Append("</td><td>")
                .Append(e.MoneyToRecoverYuan.ToString("N0", CultureInfo.InvariantCulture)).Append("</td><td>").Append(e.MoneyRecoveredYuan.ToString("N0", CultureInfo.InvariantCulture)).Append("</td></tr>");
        }

        return body.Append("</tbody></table>").ToString();
    }
}
