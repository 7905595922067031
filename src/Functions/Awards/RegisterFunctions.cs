using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Consultations;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Awards;

public sealed record BanRequest(string PolicyId, BanReason Reason, DateOnly StartsOn, string Cause, string DecisionReference, string? BanId = null);

public sealed record RevocationProposalRequest(string GroundCode, string Reason, DateOnly? OccurredOn = null);

public sealed record RevocationRequest(string ProposalId, DateOnly RevokedOn, string DecisionReference);

public sealed record RecoveryRequest(long Yuan, DateOnly RecoveredOn, string Reference);

public sealed record InspectionRequest(DateOnly VisitedOn, string Findings, string? FollowUps = null);

public sealed record ChangeRequest(ChangeKind Kind, string Description, DateOnly EffectiveOn);

public sealed record ChangeReviewRequest(ChangeReviewOutcome Outcome, string Note);

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

/// <summary>
/// After the award: the register of holders (office, supervisors, and the public list of valid
/// holders and of revocations), bans and the "may X apply" answer, revocation and money recovered,
/// periodic visits and change reports. Load, decide, save: the deciders are
/// <see cref="HolderDecider"/> and <see cref="ApplicationDecider"/> (revocation).
/// </summary>
public static class RegisterEndpoints
{
    public static void MapRegister(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/register").WithTags("Register");
        var readers = new[] { Roles.Office, Roles.Supervisor };

        api.MapGet(string.Empty, async (ReadModels readModels, CancellationToken ct) =>
            Results.Ok(await EntriesAsync(readModels, ct)))
            .RequireAuthorization(p => p.RequireRole(readers)).WithSummary("Every award in the register: valid, expired and revoked, with money paid and recovered.");

        api.MapGet("/mine", async (HttpContext http, ReadModels readModels, CancellationToken ct) =>
        {
            var subject = Caller.Subject(http.User);
            var rows = await readModels.PartitionAsync(HolderRegister.Partition, ct);
            return Results.Ok(rows.Where(r => r.GetString("OwnerSubject") == subject).Select(ToEntry));
        }).RequireAuthorization(Roles.Applicant)
          .WithSummary("The caller's own awards: status, validity, money, and the rules for using the title (Changde §31, Benxi §28, Xinzhou §21, Weihai §21).");

        api.MapGet("/due", async (ReadModels readModels, CancellationToken ct) =>
            Results.Ok((await readModels.PartitionAsync(HolderRegister.DuePartition, ct))
                .Where(r => !(r.GetBoolean("Done") ?? false))
                .OrderBy(r => r.GetString("DueOn"), StringComparer.Ordinal)
                .Select(r => new
                {
                    kind = r.GetString("Kind"),
                    applicationId = r.GetString("ApplicationId"),
                    applicantKey = r.GetString("ApplicantKey"),
                    name = r.GetString("Name"),
                    dueOn = r.GetString("DueOn"),
                    consultationId = r.GetString("ConsultationId"),
                    department = r.GetString("Department"),
                    details = r.GetString("Details"),
                })))
            .RequireAuthorization(p => p.RequireRole(readers))
            .WithSummary("The office's worklist: periodic visits due and not yet made, department consultations about holders due (the departments are asked by mail), and departments' adverse records about holders (kind adverse-record) to act on, e.g. by proposing revocation.");

        api.MapGet("/eligibility", async (string? applicantKey, string? policyId, string? cycleId, HttpContext http, Streams streams, AwardRegister register, TimeProvider clock, CancellationToken ct) =>
        {
            var key = HolderKey.Parse(applicantKey);
            if (!key.IsOk)
            {
                return Problems.For(http, key.Refusal!);
            }

            if (CycleId.Parse(cycleId) is not { IsOk: true } id)
            {
                return Problems.For(http, Refusal.Invalid("cycle.malformed", "请给出评选周期。", "Give the cycle.", "cycleId"));
            }

            var cycle = await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct);
            if (!cycle.Exists)
            {
                return Problems.For(http, Refusal.NotFound("cycle.not-found", "该评选周期不存在。", "No such cycle."));
            }

            if (policyId is not null && policyId != cycle.PolicyId)
            {
                return Problems.For(http, Refusal.Invalid("eligibility.policy-mismatch", $"评选周期{cycle.CycleId}依据的政策是{cycle.PolicyId}，不是{policyId}。", $"Cycle {cycle.CycleId} runs policy {cycle.PolicyId}, not {policyId}.", "policyId"));
            }

            var history = await register.HistoryAsync(cycle.Policy, key.Value.Value, ct);
            var answer = ReapplicationAnswer.For(cycle.Policy, history, cycle.CycleId, ShanghaiTime.DateOf(clock.GetUtcNow()));
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
        }).RequireAuthorization(p => p.RequireRole(readers))
          .WithSummary("May this applicant apply in this cycle? If not: why (the same reasons intake gives) and from when it may (mayApplyFrom), or never.");

        api.MapGet("/holders/{applicantKey}", async (string applicantKey, HttpContext http, HolderCommands holders, ReadModels readModels, StorageClients storage, CancellationToken ct) =>
        {
            var key = HolderKey.Parse(applicantKey);
            if (!key.IsOk)
            {
                return Problems.For(http, key.Refusal!);
            }

            var state = await holders.LoadAsync(key.Value, ct);
            var entries = (await EntriesAsync(readModels, ct)).Where(e => e.ApplicantKey == key.Value.Value).ToList();
            var bans = new List<object>();
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {AwardRegister.HolderPartition(key.Value.Value)} and RowKey ge {"ban-"} and RowKey lt {"ban."}");
            await foreach (var row in storage.Table(StorageClients.RegisterTable).QueryAsync<TableEntity>(filter, cancellationToken: ct))
            {
                bans.Add(new
                {
                    policyId = row.GetString("PolicyId"),
                    reason = row.GetString("Reason"),
                    startsOn = row.GetString("StartsOn"),
                    unit = row.GetString("Unit"),
                    length = row.GetInt32("Length"),
                    allQualityAwards = row.GetBoolean("AllQualityAwards") ?? false,
                    article = row.GetString("Article"),
                    cause = row.GetString("Cause"),
                    endsOn = row.GetString("Unit") == nameof(Domain.Policies.BanUnit.Years)
                        ? DateOnly.ParseExact(row.GetString("StartsOn"), "yyyy-MM-dd", CultureInfo.InvariantCulture).AddYears(row.GetInt32("Length") ?? 0).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                        : null,
                });
            }

            if (entries.Count == 0 && bans.Count == 0 && state.Version == 0)
            {
                return Problems.For(http, Refusal.NotFound("holder.not-found", "登记簿中没有该申报主体。", "The register knows no such applicant."));
            }

            return Results.Ok(new
            {
                applicantKey = key.Value.Value,
                awards = entries,
                bans,
                inspectionsDue = state.InspectionsDue,
                inspections = state.Inspections,
                consultationsDue = state.ConsultationsDue.Select(c => new { c.ApplicationId, c.DueOn, c.At, consultationId = ConsultationIds.ForHolder(c.ApplicationId, c.DueOn) }),
                adverseRecords = state.AdverseRecords,
                changes = state.Changes.Select(c => new { c.Reported.ChangeId, c.Reported.ApplicationId, c.Reported.Kind, c.Reported.Description, c.Reported.EffectiveOn, c.Reported.Article, reportedAt = c.Reported.At, review = c.Review }),
                recoveries = state.Recoveries,
                revocationProposals = state.Proposals.Select(p => new { p.Proposed.ProposalId, p.Proposed.ApplicationId, p.Proposed.GroundCode, p.Proposed.Article, p.Proposed.Reason, p.Proposed.OccurredOn, p.Proposed.DecidedBy, proposedAt = p.Proposed.At, approval = p.Approval }),
            });
        }).RequireAuthorization(p => p.RequireRole(readers)).WithSummary("One applicant in the register: awards, bans, visits due and done, consultations due (with their round), departments' adverse records, change reports, money recovered.");

        api.MapPost("/holders/{applicantKey}/bans", async (string applicantKey, HttpContext http, HolderCommands holders, Streams streams, ReadModels readModels, CancellationToken ct) =>
        {
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

            var policy = await PolicyAsync(request!.PolicyId, readModels, streams, ct);
            if (policy is null)
            {
                return Problems.For(http, Refusal.Invalid("policy.not-found", $"没有依据政策“{request.PolicyId}”的评选周期。", $"No cycle runs policy '{request.PolicyId}'.", "policyId"));
            }

            var banId = string.IsNullOrWhiteSpace(request.BanId) ? "ban-" + Guid.NewGuid().ToString("N") : request.BanId;
            var outcome = await holders.RunAsync(key.Value, new RecordBan(banId, request.Reason, request.StartsOn, request.Cause, request.DecisionReference), Caller.As(http.User, Roles.Office), policy, http.TraceIdentifier, ct);
            return outcome.Refused
                ? Problems.For(http, outcome.Refusal!)
                : Results.Ok(outcome.State.Bans.First(b => b.BanId == banId));
        }).RequireAuthorization(Roles.Office).Accepts<BanRequest>("application/json")
          .WithSummary("Record a ban the policy defines (false materials, fraud, after revocation) with its cause and decision; its length and article come from the policy. Intake refuses the applicant until it ends.");

        api.MapPost("/awards/{applicationId}/revocation-proposals", (string applicationId, HttpContext http, HolderCommands holders, ReadModels readModels, CancellationToken ct) =>
            OnHolderAsync<RevocationProposalRequest>(http, holders, readModels, applicationId, request => new ProposeRevocation("rev-" + Guid.NewGuid().ToString("N"), applicationId, request.GroundCode, request.Reason, request.OccurredOn), Roles.Office, ct))
            .RequireAuthorization(Roles.Office).Accepts<RevocationProposalRequest>("application/json")
            .WithSummary("Propose to revoke an award on one of the policy's grounds (checked against the window: Changde §30, Benxi §32 count what arose within 5 years). The body the policy names (revocation.decidedBy) decides.");

        api.MapPost("/awards/{applicationId}/revocation", async (string applicationId, HttpContext http, ApplicationCommands commands, HolderCommands holders, ReadModels readModels, CancellationToken ct) =>
        {
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
        }).RequireAuthorization(Roles.Office).Accepts<RevocationRequest>("application/json")
          .WithSummary("Record the deciding body's approval of a revocation proposal (its decision's reference): the award is revoked, the title marked revoked in the register and the application, the revocation announced, the policy's ban brought.");

        api.MapPost("/awards/{applicationId}/recoveries", (string applicationId, HttpContext http, HolderCommands holders, ReadModels readModels, CancellationToken ct) =>
            OnHolderAsync<RecoveryRequest>(http, holders, readModels, applicationId, request => new RecordRecovery(applicationId, request.Yuan, request.RecoveredOn, request.Reference), Roles.Office, ct))
            .RequireAuthorization(Roles.Office).Accepts<RecoveryRequest>("application/json")
            .WithSummary("Record money of a revoked award paid back: amount, date, receipt reference; never more than is owed.");

        api.MapPost("/awards/{applicationId}/inspections", (string applicationId, HttpContext http, HolderCommands holders, ReadModels readModels, CancellationToken ct) =>
            OnHolderAsync<InspectionRequest>(http, holders, readModels, applicationId, request => new RecordInspection("insp-" + Guid.NewGuid().ToString("N"), applicationId, request.VisitedOn, request.Findings, request.FollowUps), Roles.Office, ct))
            .RequireAuthorization(Roles.Office).Accepts<InspectionRequest>("application/json")
            .WithSummary("Record a visit to the holder (定期巡访, Changde §29): findings and follow-ups.");

        api.MapPost("/awards/{applicationId}/changes", (string applicationId, HttpContext http, HolderCommands holders, ReadModels readModels, CancellationToken ct) =>
            OnHolderAsync<ChangeRequest>(http, holders, readModels, applicationId, request => new ReportChange("chg-" + Guid.NewGuid().ToString("N"), applicationId, request.Kind, request.Description, request.EffectiveOn), Roles.Applicant, ct))
            .RequireAuthorization(Roles.Applicant).Accepts<ChangeRequest>("application/json")
            .WithSummary("The holder reports a major change of its quality model (Changde §42) or its legal form (Weihai §27(九)).");

        api.MapPost("/awards/{applicationId}/changes/{changeId}/review", (string applicationId, string changeId, HttpContext http, HolderCommands holders, ReadModels readModels, CancellationToken ct) =>
            OnHolderAsync<ChangeReviewRequest>(http, holders, readModels, applicationId, request => new ReviewChange(changeId, request.Outcome, request.Note), Roles.Office, ct))
            .RequireAuthorization(Roles.Office).Accepts<ChangeReviewRequest>("application/json")
            .WithSummary("The office reviews a change report: accepted, or revocation opened (then revoke on the policy's ground).");

        var pub = app.MapGroup("/api/public/register").WithTags("Public").AllowAnonymous();
        pub.MapGet(string.Empty, async (ReadModels readModels, CancellationToken ct) =>
            Results.Ok((await EntriesAsync(readModels, ct)).Where(e => e.Status == "valid").Select(Public)))
            .WithSummary("Valid holders: tier, year, validity, money paid and recovered, and the rules for using the title.");
        pub.MapGet("/revocations", async (ReadModels readModels, CancellationToken ct) =>
            Results.Ok((await RevocationsAsync(readModels, ct)).Select(Public)))
            .WithSummary("Revoked awards the policy says are published: ground, article, decision.");

        var pages = app.MapGroup(string.Empty).AllowAnonymous().ExcludeFromDescription();
        pages.MapGet("/register", async (ReadModels readModels, CancellationToken ct) => Html.Page("获奖者名录", RegisterPage(await EntriesAsync(readModels, ct))));
        pages.MapGet("/register/revocations", async (ReadModels readModels, CancellationToken ct) => Html.Page("撤销奖励公告", RevocationsPage(await RevocationsAsync(readModels, ct))));
    }

    /// <summary>Finds the award (404 if the register has none), then reads the body and runs the command on its holder.</summary>
    private static async Task<IResult> OnHolderAsync<TRequest>(HttpContext http, HolderCommands holders, ReadModels readModels, string applicationId, Func<TRequest, IHolderCommand> command, string role, CancellationToken ct)
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

        return Results.Ok(new { award = await EntryAsync(readModels, applicationId, ct), events = outcome.Appended.Select(e => new { e.Type, e.Version, Event = (object)e.Event }) });
    }

    private static object Public(RegisterEntry e) => new
    {
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
        e.RevocationReference,
    };

    /// <summary>The policy of the latest cycle that runs it (a cycle keeps its own copy of the policy).</summary>
    private static async Task<Domain.Policies.AwardPolicy?> PolicyAsync(string policyId, ReadModels readModels, Streams streams, CancellationToken ct)
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
        r.GetString("Category"),
        r.GetString("PolicyId"),
        r.GetString("AwardName"),
        r.GetString("CycleId"),
        r.GetString("Tier"),
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

    private static string RegisterPage(IReadOnlyList<RegisterEntry> all)
    {
        var valid = all.Where(e => e.Status == "valid").ToList();
        var body = new StringBuilder("<h1>获奖者名录</h1>");
        if (valid.Count == 0)
        {
            body.Append("<p class=\"note\">目前没有在有效期内的获奖者。</p>");
        }
        else
        {
            body.Append("<table id=\"holders\"><thead><tr><th>名称</th><th>奖项</th><th>获奖年度</th><th>有效期</th><th>奖励资金（元）</th><th>称号使用规定</th></tr></thead><tbody>");
            foreach (var e in valid)
            {
                var validity = e.ValidUntil is { } u
                    ? $"至{DateOnly.ParseExact(u, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(-1):yyyy年M月d日}"
                    : "长期";
                body.Append("<tr><td>").Append(Html.E(e.Name)).Append("</td><td>").Append(Html.E(e.AwardName)).Append(Html.E(e.TierZh.Replace("市长质量奖", string.Empty, StringComparison.Ordinal))).Append("</td><td>")
                    .Append(e.Year).Append("</td><td>").Append(Html.E(validity)).Append("</td><td>").Append(e.MoneyPaidYuan.ToString("N0", CultureInfo.InvariantCulture)).Append("</td><td>")
                    .Append(Html.E(e.UseOfTitle)).Append("（").Append(Html.E(e.UseOfTitleArticle)).Append("）</td></tr>");
            }

            body.Append("</tbody></table>");
        }

        return body.Append("<p><a href=\"/register/revocations\">撤销奖励公告</a></p>").ToString();
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
