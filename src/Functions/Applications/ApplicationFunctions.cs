using System.ComponentModel;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.DurableTask.Client;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Applications;

[Description("Start a draft application in a cycle.")]
public sealed record CreateApplicationRequest(
    [property: Description("organisation or individual; the cycle's policy must take that category (some awards take organisations only).")] ApplicantCategory Category);

[Description("A decision or step that needs a reason.")]
public sealed record ReasonRequest(
    [property: Description("Why, in words the people concerned will read (the applicant, for a withdrawal, a refusal or a declined recommendation); at most 2,000 characters.")] string Reason);

public sealed record DocumentView(
    string DocumentId,
    [property: Description("selfAssessmentReport, evidence, recommendationLetter or internalPublicityProof.")] string Kind,
    [property: Description("The file's safe name (the original name neutralised, with the extension of the type recognised from its content).")] string Name,
    [property: Description("The type recognised from the content, never the one the uploader sent.")] string ContentType,
    long Size,
    [property: Description("Lowercase hex SHA-256 of the stored content.")] string Sha256,
    [property: Description("The file holds trade secrets: listed and served only to its owner, the office, the supervision group and the reviewers assigned to the application.")] bool TradeSecret)
{
    public static DocumentView Of(DocumentRef d) => new(d.DocumentId, Wire.Name(d.Kind), d.SafeName, d.ContentType, d.Size, d.Sha256, d.TradeSecret);
}

public sealed record ApplicationView(
    string ApplicationId,
    string CycleId,
    [property: Description("organisation or individual.")] string Category,
    [property: Description("draft, inProcess, awarded, withdrawn, declined, refused, notShortlisted, notSelected, disqualified or revoked.")] string Status,
    [property: Description("The status in Chinese, as the applicant reads it: in process, what it waits for (待推荐, 待资格审查, 受理名单公示中 …).")] string StatusText,
    [property: Description("The stage of the policy the application is at, while in process.")] string? Stage,
    [property: Description("The stage in Chinese.")] string StageText,
    ApplicationForm Form,
    [property: Description("The attached files the caller may see (trade-secret files only for those who may see them).")] IReadOnlyList<DocumentView> Documents,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? SubmittedAt,
    [property: Description("Why the application ended (withdrawn, not recommended, refused, not shortlisted or selected, disqualified, revoked), as the applicant reads it.")] string? EndReason,
    [property: Description("The eligibility flags found at submission, for the office to check; only the office and the supervision group see them.")] IReadOnlyList<EligibilityFlag>? OfficeFlags,
    [property: Description("The award, once conferred.")] ApplicationAwarded? Award,
    [property: Description("The application's version: the number of events in its history.")] int Version);

public sealed record HistoryEntry(
    int Version,
    [property: Description("The event's type name.")] string Type,
    DateTimeOffset RecordedAt,
    [property: Description("The role the actor acted in (applicant, recommender, office, reviewer, supervisor, system).")] string ActorRole,
    [property: Description("Who acted: for the office and supervisors always; for the applicant only itself, the office and the recommending body.")] string? ActorName,
    [property: Description("What happened, one line in Chinese.")] string Summary);

public sealed record ApplicationListItem(string ApplicationId, string CycleId, string Category, string Status, string? Stage, string? Name, string? DistrictId, DateTimeOffset? SubmittedAt);

/// <summary>
/// Applicants' drafts and submissions, and who may read them. A caller who may not see an
/// application is told it does not exist (404 <c>application.not-found</c>), whatever else is wrong.
/// </summary>
public sealed class ApplicationFunctions(ApplicationCommands commands, ReadModels readModels, Streams streams, Review.ReviewCommands review, Cycles.FollowUps followUps)
{
    private const string Tag = "Applications";

    [Function("CreateDraft")]
    [Allow(Roles.Applicant)]
    [Api(Tag, "Start a draft. With an Idempotency-Key header, a retry returns the same draft.", Body = typeof(CreateApplicationRequest), Returns = typeof(ApplicationView), Status = 201, Headers = ["Idempotency-Key"])]
    [Refuses(400, "request.idempotency-key")]
    [Refuses(404, "cycle.not-found")]
    [Refuses(409, "application.exists", "application.window-closed", "application.category-not-accepted", "concurrency.conflict")]
    [Refuses(422, "cycleId.missing", "cycleId.malformed")]
    public async Task<IResult> CreateDraft([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cycles/{cycleId}/applications")] HttpRequest req, string cycleId, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<CreateApplicationRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (CycleId.Parse(cycleId) is { IsOk: false } badCycle)
        {
            return Problems.For(http, badCycle.Refusal!);
        }

        var actor = Caller.As(http.User, Roles.Applicant);
        var key = req.Headers["Idempotency-Key"].ToString();
        if (key.Length > 200)
        {
            return Problems.BadRequest(http, "request.idempotency-key", "Idempotency-Key 过长。", "The Idempotency-Key is too long.");
        }

        var applicationId = string.IsNullOrEmpty(key) ? ApplicationId.New(Guid.NewGuid()).Value : DeterministicId(actor.Subject, key);
        var outcome = await commands.RunAsync(applicationId, cycleId, new CreateDraft(applicationId, request!.Category), actor, key.Length > 0 ? key : http.TraceIdentifier, ct);
        return outcome.Refused
            ? Problems.For(http, outcome.Refusal!)
            : Results.Created($"/api/applications/{applicationId}", View(outcome.State, http.User, await PolicyOfAsync(streams, outcome.State, ct)));
    }

    [Function("ListApplications")]
    [SignedIn]
    [Api(
        Tag,
        "Applications the caller may see: an applicant's own; a recommender's addressed ones; the office's and supervisors' by cycle.",
        Returns = typeof(ApplicationListItem[]),
        Query = ["cycleId"],
        Description = "`cycleId` (query) is **required for the office, the supervision group and recommenders**: without it, or malformed, the answer is 422 `cycleId.missing` / `cycleId.malformed`. " +
            "A recommender sees the submitted applications of that cycle addressed to its own body. " +
            "For anyone else (an applicant) it is **optional**: the caller's own applications, of every cycle, or only of that cycle when it is given.")]
    [Refuses(422, "cycleId.missing", "cycleId.malformed")]
    public async Task<IResult> ListApplications([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/applications")] HttpRequest req, CancellationToken ct)
    {
        var http = req.HttpContext;
        var user = http.User;
        // As the minimal API bound it (QueryValue would not): an empty ?cycleId= is "" (no
        // application of an applicant matches it), a repeated one its values joined by commas.
        string? cycleId = req.Query["cycleId"];
        IReadOnlyList<Azure.Data.Tables.TableEntity> rows;
        if (user.IsInRole(Roles.Office) || user.IsInRole(Roles.Supervisor) || user.IsInRole(Roles.Recommender))
        {
            if (CycleId.Parse(cycleId) is { IsOk: false } bad)
            {
                return Problems.For(http, bad.Refusal!);
            }

            rows = await readModels.PartitionAsync(ApplicationIndex.CyclePartition(cycleId!), ct);
            if (!user.IsInRole(Roles.Office) && !user.IsInRole(Roles.Supervisor))
            {
                // A recommender sees the submitted applications addressed to its own body.
                var body = user.FindFirst(Caller.AffiliationClaim)?.Value;
                rows = rows.Where(r => RecommenderAuthority.Covers(body, r.GetString("CityCode"), r.GetString("RecommenderId")) && r.GetString("Status") != nameof(ApplicationStatus.Draft)).ToList();
            }
        }
        else
        {
            rows = await readModels.PartitionAsync(ApplicationIndex.OwnerPartition(Caller.Subject(user)!), ct);
            if (cycleId is not null)
            {
                rows = rows.Where(r => r.GetString("CycleId") == cycleId).ToList();
            }
        }

        return Results.Ok(rows.Select(r => new ApplicationListItem(
            r.RowKey, r.GetString("CycleId"), Wire.Name(r.GetString("Category")), Wire.Name(r.GetString("Status")), Wire.Name(r.GetString("Stage")), r.GetString("Name"), r.GetString("DistrictId"), r.GetDateTimeOffset("SubmittedAt"))));
    }

    [Function("GetApplication")]
    [SignedIn]
    [Api(Tag, "One application, if the caller may see it.", Returns = typeof(ApplicationView))]
    [Refuses(404, "application.not-found")]
    public async Task<IResult> GetApplication([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/applications/{applicationId}")] HttpRequest req, string applicationId, CancellationToken ct)
    {
        var http = req.HttpContext;

        // One read of the application and of its review: who may see it, and the reviewer's view recorded on them.
        using var once = streams.Store.ReadOnce();
        var app = await LoadVisibleAsync(applicationId, http.User, streams, ct);
        if (app is null)
        {
            return NotFound(http);
        }

        // A reviewer's view is recorded in the cycle's review trail (a refusal there means the access just ended).
        var reviewer = await Review.ReviewAccess.AssignedAsync(http.User, app, streams, ct);
        if (reviewer && (await review.RunAsync(app.CycleId, app.ApplicationId, new Domain.Review.RecordReviewerView(app.ApplicationId), Caller.As(http.User, Roles.Reviewer), http.TraceIdentifier, ct)).Refused)
        {
            return NotFound(http);
        }

        return Results.Ok(View(app, http.User, await PolicyOfAsync(streams, app, ct), reviewer));
    }

    [Function("SaveForm")]
    [Allow(Roles.Applicant)]
    [Api(Tag, "Save the draft form (the whole form each time).", Body = typeof(ApplicationForm), BodyExamples = "forms", Returns = typeof(ApplicationView))]
    [Refuses(404, "application.not-found")]
    [Refuses(409, "application.not-a-draft", "application.window-closed", "concurrency.conflict")]
    [Refuses(422, "application.form-invalid")]
    public async Task<IResult> SaveForm([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/applications/{applicationId}/form")] HttpRequest req, string applicationId, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (form, problem) = await JsonBody.ReadAsync<ApplicationForm>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        return await RunAsync(http, commands, applicationId, new SaveDraft(form!), Roles.Applicant, ct);
    }

    [Function("SubmitApplication")]
    [Allow(Roles.Applicant)]
    [Api(Tag, "Submit: checks everything the policy can check and says exactly what is missing.", Returns = typeof(ApplicationView))]
    [Refuses(404, "application.not-found")]
    [Refuses(409, "application.not-a-draft", "application.window-not-open", "application.window-closed", "eligibility.category", "eligibility.years-operating", "eligibility.years-in-quality-work", "eligibility.already-awarded", "eligibility.reapplication-too-soon", "eligibility.banned", "concurrency.conflict")]
    [Refuses(422, "application.incomplete")]
    public Task<IResult> SubmitApplication([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/submit")] HttpRequest req, string applicationId, [DurableClient] DurableTaskClient durable, CancellationToken ct) =>
        RunAsync(req.HttpContext, commands, applicationId, new Submit(), Roles.Applicant, ct, durable);

    [Function("WithdrawApplication")]
    [Allow(Roles.Applicant)]
    [Api(Tag, "Withdraw the application.", Body = typeof(ReasonRequest), Returns = typeof(ApplicationView))]
    [Refuses(404, "application.not-found")]
    [Refuses(409, "application.cannot-withdraw", "concurrency.conflict")]
    [Refuses(422, "reason.missing", "reason.too-long")]
    public async Task<IResult> WithdrawApplication([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/withdraw")] HttpRequest req, string applicationId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        var answer = await RunAsync<ReasonRequest>(http, commands, streams, applicationId, request => new Withdraw(request.Reason), Roles.Applicant, ct, durable);

        // A proposed winner that withdraws leaves the list now; its place stays empty (a refusal is
        // taken again, and shown, by the application's orchestration).
        await followUps.LeaveProposedWinnersAsync(applicationId, $"{http.TraceIdentifier}:leave", ct);
        return answer;
    }

    [Function("GetApplicationHistory")]
    [SignedIn]
    [Api(Tag, "The application's audit trail: who did what, when.", Returns = typeof(HistoryEntry[]), Description = "For its owner, the office and the supervision group. The owner does not see which reviewers read its files, nor the names of the people who acted (other than itself, the office and the recommending body).")]
    [Refuses(404, "application.not-found")]
    public async Task<IResult> GetApplicationHistory([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/applications/{applicationId}/history")] HttpRequest req, string applicationId, CancellationToken ct)
    {
        var http = req.HttpContext;
        var app = await LoadVisibleAsync(applicationId, http.User, streams, ct);
        if (app is null || !(http.User.IsInRole(Roles.Office) || http.User.IsInRole(Roles.Supervisor) || IsOwner(http.User, app)))
        {
            return NotFound(http);
        }

        var events = await streams.Store.ReadAsync(ApplicationId.Parse(applicationId).Value.StreamId, ct);
        var policy = await PolicyOfAsync(streams, app, ct);
        var staff = http.User.IsInRole(Roles.Office) || http.User.IsInRole(Roles.Supervisor);
        var me = Caller.Subject(http.User);

        // The applicant sees what happened to its application, but not who of the reviewers read
        // its files (experts stay anonymous to it), nor the names of the people who acted.
        return Results.Ok(events
            .Where(e => staff || e.Event is not DocumentRead || e.Metadata.Actor.Subject == me)
            .Select(e => new HistoryEntry(
                e.Version,
                e.Type,
                e.RecordedAt,
                e.Metadata.Actor.Role,
                staff ? e.Metadata.Actor.DisplayName ?? e.Metadata.Actor.Subject
                    : e.Metadata.Actor.Subject == me || e.Metadata.Actor.Role is Roles.Office or Roles.Recommender or Roles.System ? e.Metadata.Actor.DisplayName : null,
                HistoryText.Describe(e.Event, policy))));
    }

    /// <summary>Run a command for the caller in a role, and answer with the application as the caller may see it.</summary>
    /// <remarks>
    /// With <paramref name="durable"/>, the application's orchestration is told (started at submission).
    /// With <paramref name="read"/>, the command decides on the stream as the caller read it.
    /// </remarks>
    public static async Task<IResult> RunAsync(HttpContext http, ApplicationCommands commands, string applicationId, IApplicationCommand command, string role, CancellationToken ct, DurableTaskClient? durable = null, StreamRead<ApplicationState>? read = null)
    {
        if (ApplicationId.Parse(applicationId) is { IsOk: false })
        {
            return NotFound(http);
        }

        var outcome = await commands.RunAsync(applicationId, command, Caller.As(http.User, role), http.TraceIdentifier, ct, read);
        if (outcome.Refused)
        {
            return Problems.For(http, outcome.Refusal!);
        }

        var streams = http.RequestServices.GetRequiredService<Streams>();
        if (durable is not null && outcome.Appended.Count > 0)
        {
            // The orchestration is told how far this command wrote the application and read its cycle,
            // so its next look can take this instance's folds of them (decision 0026).
            await ApplicationWorkflow.ChangedAsync(durable, outcome.State, command.GetType().Name, http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger<ApplicationFunctions>(), ct, ApplicationWorkflow.WrittenAt(streams, outcome.State));
        }

        return Results.Ok(View(outcome.State, http.User, await PolicyOfAsync(streams, outcome.State, ct)));
    }

    /// <summary>
    /// As <see cref="RunAsync(HttpContext, ApplicationCommands, string, IApplicationCommand, string, CancellationToken)"/>,
    /// for commands with a body: a caller who may not see the application is answered 404 before the
    /// body is read, so what they send tells them nothing and a stranger's malformed body is not a 400.
    /// The stream is read once: the command decides on the application the caller was found to see,
    /// and appends only if nothing was appended since (else it is decided again on the newer record).
    /// </summary>
    public static async Task<IResult> RunAsync<TRequest>(HttpContext http, ApplicationCommands commands, Streams streams, string applicationId, Func<TRequest, IApplicationCommand> command, string role, CancellationToken ct, DurableTaskClient? durable = null)
        where TRequest : class
    {
        if (ApplicationId.Parse(applicationId) is not { IsOk: true } id)
        {
            return NotFound(http);
        }

        var read = await streams.ReadAsync(StreamKinds.Application, id.Value.StreamId, ct);
        if (!await MayReadAsync(read.State, http.User, streams, ct))
        {
            return NotFound(http);
        }

        var (request, problem) = await JsonBody.ReadAsync<TRequest>(http, ct);
        return problem ?? await RunAsync(http, commands, applicationId, command(request!), role, ct, durable, read);
    }

    /// <summary>The application if the caller may read it; null otherwise (answered as 404: nobody learns it exists).</summary>
    public static async Task<ApplicationState?> LoadVisibleAsync(string applicationId, ClaimsPrincipal user, Streams streams, CancellationToken ct)
    {
        var id = ApplicationId.Parse(applicationId);
        if (!id.IsOk)
        {
            return null;
        }

        var app = await streams.LoadAsync(StreamKinds.Application, id.Value.StreamId, ct);
        return await MayReadAsync(app, user, streams, ct) ? app : null;
    }

    /// <summary>Whether the caller may read the application (it exists, and is theirs, their role's, or assigned to them to review).</summary>
    private static async Task<bool> MayReadAsync(ApplicationState app, ClaimsPrincipal user, Streams streams, CancellationToken ct) =>
        app.Exists && (CanRead(user, app) || CanRead(user, app, await Review.ReviewAccess.AssignedAsync(user, app, streams, ct)));

    /// <summary><paramref name="assignedReviewer"/>: the cycle's review has the caller as a reviewer of it, not recused.</summary>
    public static bool CanRead(ClaimsPrincipal user, ApplicationState app, bool assignedReviewer = false) =>
        (assignedReviewer && user.IsInRole(Roles.Reviewer) && app.Status != ApplicationStatus.Draft)
        || user.IsInRole(Roles.Office)
        || user.IsInRole(Roles.Supervisor)
        || IsOwner(user, app)
        || (user.IsInRole(Roles.Recommender) && app.Status != ApplicationStatus.Draft
            && RecommenderAuthority.Covers(user.FindFirst(Caller.AffiliationClaim)?.Value, app.CityCode, app.Form.RecommenderId));

    public static bool IsOwner(ClaimsPrincipal user, ApplicationState app) =>
        user.IsInRole(Roles.Applicant) && Caller.Subject(user) == app.OwnerSubject;

    /// <summary>Files marked as trade secrets are listed and served only to the owner, the office and the supervision group.</summary>
    public static bool MaySeeTradeSecrets(ClaimsPrincipal user, ApplicationState app, bool assignedReviewer = false) =>
        user.IsInRole(Roles.Office) || user.IsInRole(Roles.Supervisor) || IsOwner(user, app) || (assignedReviewer && user.IsInRole(Roles.Reviewer));

    /// <summary>
    /// The copy of its policy the application's cycle keeps: its words name the stages. It is fixed
    /// when the cycle opens and never changes, so a cycle this instance has folded already is not read again.
    /// </summary>
    public static async Task<AwardPolicy> PolicyOfAsync(Streams streams, ApplicationState app, CancellationToken ct)
    {
        var streamId = CycleId.Parse(app.CycleId).Value.StreamId;
        return streams.Known(StreamKinds.Cycle, streamId) is { Exists: true } known
            ? known.Policy
            : (await streams.LoadAsync(StreamKinds.Cycle, streamId, ct)).Policy;
    }

    public static ApplicationView View(ApplicationState app, ClaimsPrincipal user, AwardPolicy policy, bool assignedReviewer = false)
    {
        var staff = user.IsInRole(Roles.Office) || user.IsInRole(Roles.Supervisor);
        return new ApplicationView(
            app.ApplicationId,
            app.CycleId,
            Wire.Name(app.Category),
            Wire.Name(app.Status),
            Progress.StatusZh(app, policy),
            Wire.Name(app.Stage),
            app.Stage is null ? StageNames.Zh(null) : policy.TitleAt(app.StageIndex, app.Stage),
            app.Form,
            app.Documents.Where(d => !d.TradeSecret || MaySeeTradeSecrets(user, app, assignedReviewer)).Select(DocumentView.Of).ToList(),
            app.CreatedAt,
            app.SubmittedAt,
            app.EndReason,
            staff ? app.Flags : null,
            app.Award,
            app.Version);
    }

    private static IResult NotFound(HttpContext http) =>
        Problems.For(http, Refusal.NotFound("application.not-found", "申报不存在。", "No such application."));

    /// <summary>The same person and key always name the same application: a retried create is a no-op.</summary>
    private static string DeterministicId(string subject, string key) =>
        "app-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{subject}\n{key}")))[..32];
}

/// <summary>One line of zh-CN per event, for the audit trail people read.</summary>
public static class HistoryText
{
    /// <summary><paramref name="policy"/>: the cycle's copy of its policy, whose words name the stages.</summary>
    public static string Describe(IDomainEvent e, AwardPolicy policy) => e switch
    {
        ApplicationDrafted d => $"创建{(d.Category == ApplicantCategory.Organisation ? "组织" : "个人")}申报草稿",
        DraftSaved => "保存申报表",
        DocumentAttached d => $"上传文件“{d.Document.SafeName}”" + (d.Document.TradeSecret ? "（含商业秘密）" : string.Empty),
        DocumentRemoved => "删除文件",
        DocumentRead d => $"下载查阅文件“{d.Name}”",
        ApplicationSubmitted => "提交申报",
        ApplicationWithdrawn d => $"撤回申报：{d.Reason}",
        StageEntered d => $"进入“{policy.TitleAt(d.StageIndex, d.Stage)}”环节",
        ApplicationRecommended d => $"推荐单位同意推荐：{d.Opinion}",
        RecommendationDeclined d => $"推荐单位不予推荐：{d.Reason}",
        SecurityReviewFlagged d => d.Flagged ? "标记为涉及国防、国家安全事项" : "取消涉及国防、国家安全事项的标记",
        AdverseRecordReported d => $"{DepartmentNames.Zh(d.Department)}反馈不良记录",
        AdverseRecordDismissed d => $"办公室处理{DepartmentNames.Zh(d.Department)}反馈的不良记录：{d.Reason}",
        ConsultationConcluded => "征求部门意见完毕",
        ApplicationAccepted => "予以受理",
        ApplicationRefused d => $"不予受理：{d.Reason}",
        NoticePassed d => $"{d.List.Zh()}公示期满",
        OpinionSurveyRecorded d => d.Favourable ? "舆情调查：无不良舆情" : $"舆情调查：{d.Summary}",
        StageScored d => $"{policy.TitleOf(d.Stage)}得分{d.Points}/{d.MaxPoints}",
        ShortlistDecided d => d.Shortlisted ? $"进入现场评审名单（第{d.Rank}名）" : $"未进入现场评审名单（第{d.Rank}名）",
        CompositeScored d => $"综合评价得分{d.Score}",
        CandidateNominated d => $"列入{EligibilityRules.TierZh(d.Tier)}候选名单",
        ApplicationNotSelected d => $"未入选：{d.Reason}",
        ProposedAsWinner d => $"列入{EligibilityRules.TierZh(d.Tier)}获奖建议名单",
        ApprovalGranted d => $"审批通过（{d.StepCode}，{d.Reference}）",
        ApplicationAwarded d => $"获得{d.Year}年度{EligibilityRules.TierZh(d.Tier)}（{d.AnnouncementReference}）",
        ApplicationDisqualified d => $"取消资格：{d.Reason}",
        AwardRevoked d => $"撤销奖励：{d.Reason}（{d.DecisionReference}）",
        StageReopened d => $"退回“{policy.TitleAt(d.StageIndex, d.Stage)}”环节：{d.Reason}",
        _ => e.GetType().Name,
    };
}
