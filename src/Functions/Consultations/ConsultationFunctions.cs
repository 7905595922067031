using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Microsoft.DurableTask.Client;
using Microsoft.Net.Http.Headers;
using Microsoft.Extensions.Options;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Consultations;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Mail;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Consultations;

[Description("Open the consultation round (征求有关部门意见) of a consultation stage. The body is optional.")]
public sealed record OpenConsultationRequest(
    [property: Description("The policy's stage index (GET /api/cycles/{cycleId} lists the stages); default: the first consultation stage at which applications stand.")] int? StageIndex = null);

[Description("The office's decision on an adverse record (不良记录) a department reported in a consultation round.")]
public sealed record DismissAdverseRequest(
    [property: Description("The round the department answered in, e.g. changde-2026-c3.")] string ConsultationId,
    [property: Description("The department that reported the record, e.g. tax.")] Department Department,
    [property: Description("Why: for a dismissal, why the record does not stop the application; for upholding, the reason the applicant reads.")] string Reason);

public sealed record ConsultedApplicantView(string ApplicationId, string Name, string Category, string Sector);

public sealed record AnswerView(string ApplicationId, string Name, string Verdict, string VerdictText, string? Details, string? FileId = null);

public sealed record DepartmentView(
    string Department,
    string Name,
    string? Email,
    IReadOnlyList<string> ApplicationIds,
    bool Answered,
    DateTimeOffset? AnsweredAt,
    string? Respondent,
    bool Reminded,
    bool Overdue,
    IReadOnlyList<AnswerView> Answers);

public sealed record MailView(
    string Key,
    string? Department,
    string To,
    string Status,
    int Attempts,
    DateTimeOffset? SentAt,
    [property: Description("Whether the last attempt failed, in neutral words (zh-CN); the mail service's own error stays in the app's log.")] string? LastError);

public sealed record ConsultationView(
    string ConsultationId,
    string CycleId,
    int StageIndex,
    string Title,
    string Article,
    DateTimeOffset OpenedAt,
    DateOnly ReplyBy,
    DateTimeOffset DueAt,
    DateOnly RemindOn,
    string Status,
    string StatusText,
    IReadOnlyList<ConsultedApplicantView> Applicants,
    IReadOnlyList<DepartmentView> Departments,
    IReadOnlyList<string> OverdueDepartments,
    IReadOnlyList<MailView> Mails,
    IReadOnlyList<string> ClosedWithoutAnswersOf,
    string? CloseReason);

[Description("End a round whose reply period has run out without every department's answer.")]
public sealed record CloseConsultationRequest(
    [property: Description("Why the round ends without the late departments' answers (recorded with the round), at most 500 characters.")] string Reason);

/// <summary>
/// Department consultations (征求意见): the office opens a round for the applications at a
/// consultation stage; each department gets one mail with a signed link; the link's page (zh-CN,
/// no script) shows the applicants and takes the department's final answer; the office reads
/// every answer and decides on adverse records.
/// </summary>
public sealed partial class ConsultationFunctions(
    ConsultationCommands consultations,
    ApplicationCommands applications,
    Streams streams,
    MailLog mail,
    ReplyTokens tokens,
    Cycles.CycleClock clock,
    IOptionsMonitor<ConsultationOptions> options,
    StorageClients storage,
    IOptions<DocumentsOptions> documents,
    IOptions<OfficeOptions> offices,
    ILogger<ConsultationFunctions> logger)
{
    private const string Tag = "Consultations";
    private const string PagesTag = "Pages";

    [Function("OpenConsultationRound")]
    [Allow(Roles.Office)]
    [Api(Tag, "Open the consultation round for the applications standing at a consultation stage (stageIndex, or the first with applications): one mail per department, with a signed reply link. Applications that reached the stage after its round opened get a supplementary round ({roundId}-2, -3, …); with nobody new, the latest round is answered unchanged (200).", Body = typeof(OpenConsultationRequest), Returns = typeof(ConsultationView), Status = 201)]
    [Refuses(404, "cycle.not-found")]
    [Refuses(409, "consultation.not-in-policy", "consultation.not-configured", "consultation.department-not-configured", "consultation.too-many-rounds", "consultation.exists", "consultation.no-reply-period", "consultation.empty", "calendar.year-missing", "concurrency.conflict")]
    [Refuses(422, "cycleId.malformed", "cycleId.missing", "consultation.stage-invalid", "consultation.reminder-invalid")]
    public async Task<IResult> OpenConsultationRound([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cycles/{cycleId}/consultations")] HttpRequest req, string cycleId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        var request = new OpenConsultationRequest();
        if (req.ContentLength is > 0 || req.ContentType is not null)
        {
            var (body, problem) = await JsonBody.ReadAsync<OpenConsultationRequest>(http, ct);
            if (problem is not null)
            {
                return problem;
            }

            request = body!;
        }

        var outcome = await consultations.OpenAsync(cycleId, request.StageIndex, Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
        if (outcome.Refused)
        {
            return Problems.For(http, outcome.Refusal!);
        }

        // Opened now, or before (a retry after a crash between opening and starting): its orchestration runs once.
        await ConsultationWorkflow.StartAsync(durable, outcome.State.Opened!, logger, ct);
        var view = await ViewAsync(outcome.State, options.CurrentValue, ct);
        return outcome.Appended.Count == 0 ? Results.Ok(view) : Results.Created($"/api/cycles/{cycleId}/consultations/{view.ConsultationId}", view);
    }

    [Function("ListConsultationRounds")]
    [Allow(Roles.Office, Roles.Supervisor)]
    [Api(Tag, "The cycle's consultation rounds, with every department's answers.", Returns = typeof(ConsultationView[]))]
    [Refuses(404, "cycle.not-found")]
    public async Task<IResult> ListConsultationRounds([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/cycles/{cycleId}/consultations")] HttpRequest req, string cycleId, CancellationToken ct)
    {
        var id = CycleId.Parse(cycleId);
        var cycle = id.IsOk ? await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct) : Domain.Cycles.CycleState.Initial;
        if (!cycle.Exists)
        {
            return Problems.For(req.HttpContext, Refusal.NotFound("cycle.not-found", "该评选周期不存在。", "No such cycle."));
        }

        var views = new List<ConsultationView>();
        for (var i = 0; i < cycle.Policy.Stages.Count; i++)
        {
            if (cycle.Policy.Stages[i].Kind == StageKind.Consultation)
            {
                foreach (var round in await consultations.RoundsAsync(cycle.CycleId, i, ct))
                {
                    views.Add(await ViewAsync(round, options.CurrentValue, ct));
                }
            }
        }

        return Results.Ok(views);
    }

    [Function("GetConsultationRound")]
    [Allow(Roles.Office, Roles.Supervisor)]
    [Api(Tag, "A round: the applicants, each department's answers (adverse records with details), reminders, overdue departments and the mails' delivery.", Returns = typeof(ConsultationView))]
    [Refuses(404, "consultation.not-found")]
    public async Task<IResult> GetConsultationRound([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/cycles/{cycleId}/consultations/{consultationId}")] HttpRequest req, string cycleId, string consultationId, CancellationToken ct)
    {
        var round = await consultations.LoadAsync(consultationId, ct);
        return round is null || round.Opened!.CycleId != cycleId
            ? Problems.For(req.HttpContext, RoundNotFound())
            : Results.Ok(await ViewAsync(round, options.CurrentValue, ct));
    }

    [Function("ResendConsultationMail")]
    [Allow(Roles.Office)]
    [Api(Tag, "Send again a mail Graph refused for good or whose retries ran out (status failed), or whose delivery is unconfirmed, to the address configured now (after correcting it); the round's orchestration sends it. Answers the round.", Returns = typeof(ConsultationView))]
    [Refuses(404, "consultation.not-found", "consultation.mail-not-found")]
    [Refuses(409, "mail.not-failed")]
    public async Task<IResult> ResendConsultationMail([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cycles/{cycleId}/consultations/{consultationId}/mails/{mailKey}/resend")] HttpRequest req, string cycleId, string consultationId, string mailKey, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        var round = await consultations.LoadAsync(consultationId, ct);
        if (round is null || round.Opened!.CycleId != cycleId)
        {
            return Problems.For(http, RoundNotFound());
        }

        // Sent to the address configured when it goes: a mail refused for a wrong address goes to the corrected one.
        var config = options.CurrentValue;
        var actor = Caller.As(http.User, Roles.Office);
        var (outcome, _) = await mail.ResendAsync(round.Opened.ConsultationId, mailKey, actor.Subject, ct);
        if (outcome != ResendOutcome.Resent)
        {
            return outcome == ResendOutcome.NotFound
                ? Problems.For(http, Refusal.NotFound("consultation.mail-not-found", "本轮征求意见没有这封邮件。", "This round has no such mail."))
                : Problems.For(http, Refusal.Rule("mail.not-failed", "只有发送失败或结果不明的邮件可以重发；这封邮件已发出或正在发送。", "Only a mail that failed, or whose delivery is unconfirmed, can be sent again; this one is sent or on its way."));
        }

        var view = await ViewAsync(round, config, ct);
        await ConsultationWorkflow.ResendAsync(durable, round.Opened, logger, ct);
        return Results.Ok(view);
    }

    [Function("CloseConsultationRound")]
    [Allow(Roles.Office)]
    [Api(Tag, "End a round whose reply period has run out without the late departments' answers, with the reason; the applications without an open adverse record move on. The round records who did not answer.", Body = typeof(CloseConsultationRequest), Returns = typeof(ConsultationView))]
    [Refuses(404, "consultation.not-found")]
    [Refuses(409, "consultation.closed", "consultation.not-overdue", "concurrency.conflict")]
    [Refuses(422, "reason.missing", "reason.too-long")]
    public async Task<IResult> CloseConsultationRound([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cycles/{cycleId}/consultations/{consultationId}/close")] HttpRequest req, string cycleId, string consultationId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        var round = await consultations.LoadAsync(consultationId, ct);
        if (round is null || round.Opened!.CycleId != cycleId)
        {
            return Problems.For(http, RoundNotFound());
        }

        var (request, problem) = await JsonBody.ReadAsync<CloseConsultationRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = await consultations.RunAsync(consultationId, new CloseWithoutAnswers(request!.Reason), Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
        if (outcome.Refused)
        {
            return Problems.For(http, outcome.Refusal!);
        }

        await ConsultationWorkflow.ChangedAsync(durable, outcome.State.Opened!, "closed", logger, ct);
        return Results.Ok(await ViewAsync(outcome.State, options.CurrentValue, ct));
    }

    [Function("DismissAdverseRecord")]
    [Allow(Roles.Office)]
    [Api(Tag, "The office decides a department's adverse record does not stop the application, with its reason; the application then moves on (or refuse the application instead).", Body = typeof(DismissAdverseRequest), Returns = typeof(ApplicationView))]
    [Refuses(404, "application.not-found", "consultation.no-open-record")]
    [Refuses(409, "application.not-submitted", "application.ended", "concurrency.conflict")]
    [Refuses(422, "reason.missing", "reason.too-long")]
    public async Task<IResult> DismissAdverseRecord([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/adverse-records/dismiss")] HttpRequest req, string applicationId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<DismissAdverseRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (ApplicationId.Parse(applicationId) is { IsOk: false })
        {
            return Problems.For(http, ApplicationNotFound());
        }

        var command = new Domain.Applications.DismissAdverseRecord(request!.ConsultationId ?? string.Empty, request.Department, request.Reason ?? string.Empty);
        var outcome = await applications.RunAsync(applicationId, command, Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
        if (outcome.Refused)
        {
            return Problems.For(http, outcome.Refusal!);
        }

        // The round's orchestration moves the application on once the round is closed; the
        // application's own shows the record decided.
        await ConsultationWorkflow.ChangedAsync(durable, command.ConsultationId, "adverse-record-dismissed", logger, ct);
        await ApplicationWorkflow.ChangedAsync(durable, outcome.State, "adverse-record-dismissed", logger, ct, ApplicationWorkflow.WrittenAt(streams, outcome.State));
        return Results.Ok(ApplicationFunctions.View(outcome.State, http.User, await ApplicationFunctions.PolicyOfAsync(streams, outcome.State, ct)));
    }

    [Function("UpholdAdverseRecord")]
    [Allow(Roles.Office)]
    [Api(Tag, "The office upholds a department's adverse record: the application is disqualified, with the reason the applicant reads.", Body = typeof(DismissAdverseRequest), Returns = typeof(ApplicationView))]
    [Refuses(404, "application.not-found", "consultation.no-open-record")]
    [Refuses(409, "application.awarded", "application.not-in-process", "concurrency.conflict")]
    [Refuses(422, "reason.missing", "reason.too-long")]
    public async Task<IResult> UpholdAdverseRecord([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/adverse-records/uphold")] HttpRequest req, string applicationId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<DismissAdverseRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var app = ApplicationId.Parse(applicationId) is { IsOk: true } id ? await streams.LoadAsync(StreamKinds.Application, id.Value.StreamId, ct) : ApplicationState.Initial;
        if (AdverseRecordRules.PermUphold(app, request!.ConsultationId ?? string.Empty, request.Department, request.Reason) is { } no)
        {
            return Problems.For(http, no);
        }

        var command = new Disqualify(DisqualificationGround.AdverseRecord, AdverseRecordRules.DisqualificationReason(request.Department, request.Reason));
        var outcome = await applications.RunAsync(applicationId, command, Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
        if (outcome.Refused)
        {
            return Problems.For(http, outcome.Refusal!);
        }

        // The round's orchestration no longer waits for this application; the application's own
        // ends (and takes it off the proposed winners were it on them).
        await ConsultationWorkflow.ChangedAsync(durable, request.ConsultationId!, "adverse-record-upheld", logger, ct);
        await ApplicationWorkflow.ChangedAsync(durable, outcome.State, "adverse-record-upheld", logger, ct, ApplicationWorkflow.WrittenAt(streams, outcome.State));
        return Results.Ok(ApplicationFunctions.View(outcome.State, http.User, await ApplicationFunctions.PolicyOfAsync(streams, outcome.State, ct)));
    }

    [Function("DownloadReplyFile")]
    [Allow(Roles.Office, Roles.Supervisor)]
    [RateLimited(RateLimitGate.Downloads)]
    [Api(Tag, "A file a department attached to an adverse record (office and supervisors only).", Produces = "application/octet-stream")]
    [Refuses(404, "consultation.file-not-found", "document.content-missing")]
    public async Task<IResult> DownloadReplyFile([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/cycles/{cycleId}/consultations/{consultationId}/files/{department}/{applicationId}")] HttpRequest req, string cycleId, string consultationId, string department, string applicationId, CancellationToken ct)
    {
        var http = req.HttpContext;
        var noSuchFile = Refusal.NotFound("consultation.file-not-found", "文件不存在。", "No such file.");
        if (ConsultationMail.ParseSlug(department) is not { } dept || ConsultationIds.Parse(consultationId) is null || ApplicationId.Parse(applicationId) is { IsOk: false })
        {
            return Problems.For(http, noSuchFile);
        }

        // Only a file the department's answer names: a blob missing behind it is lost content, not "no such file".
        var round = await consultations.LoadAsync(consultationId, ct);
        if (round is null || round.Opened!.CycleId != cycleId || !round.Answers.TryGetValue(dept, out var answered)
            || !answered.Answers.Any(a => a.ApplicationId == applicationId && a.FileId is not null))
        {
            return Problems.For(http, noSuchFile);
        }

        var blob = storage.Container(StorageClients.DocumentsContainer).GetBlobClient(AnswerBlobName(consultationId, dept, applicationId));
        var content = await StoredFiles.OpenAsync(blob, ct);
        if (content is null)
        {
            LogAnswerFileMissing(logger, consultationId, dept, applicationId, blob.BlobContainerName, blob.Name);
            return Problems.For(http, StoredFiles.ContentMissing());
        }

        // Streamed from the blob as it is read, never buffered whole.
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "private, no-store";
        return Results.Stream(content.Content, content.Details.ContentType, fileDownloadName: AnswerFileId(applicationId) + (Domain.Applications.FileTypes.All.FirstOrDefault(t => t.ContentType == content.Details.ContentType)?.Extension ?? string.Empty));
    }

    // Mail scanners open every link: this GET reads and shows, and changes nothing.
    [Function("ShowReplyPage")]
    [Public]
    [Api(PagesTag, "A department's reply page, opened from the signed link in its mail (the link is the credential; no script, no referrer): the applicants and the answer form, or the answer already given. It changes nothing. A page with the reason for a link that is invalid (403), for another department (403), expired (409) or for an unknown round (404).", Produces = "text/html", Query = ["t!"])]
    public async Task<IResult> ShowReplyPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "consultations/{consultationId}/{department}")] HttpRequest req, string consultationId, string department, CancellationToken ct)
    {
        NoReferrer(req.HttpContext);
        var t = req.QueryValue("t");
        var (round, dept, refusal) = await OpenPageAsync(consultationId, department, t, ct);
        if (refusal is not null)
        {
            return ErrorPage(refusal);
        }

        var config = options.CurrentValue;
        var from = await SenderAsync(round!, ct);
        return round!.HasAnswered(dept!.Value)
            ? Html.Page("已答复", AnsweredPage(round, dept.Value, config, from, "贵单位已提交意见，意见提交后不能更改。"), site: from.AwardName)
            : Html.Page(round.Opened!.Title, FormPage(round, dept.Value, t!, config, from, null, null), site: from.AwardName);
    }

    [Function("SubmitReply")]
    [Public]
    [Api(PagesTag, "The reply page's form: the department's final answer on each applicant (none or adverse, with details), optionally a file per adverse record (f-{applicationId}, streamed through the document checks). In a multipart form the link's token t comes first and is checked before anything else is read or stored.", BodyMediaTypes = ["multipart/form-data", "application/x-www-form-urlencoded"], Produces = "text/html")]
    public async Task<IResult> SubmitReply([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "forms/consultations/{consultationId}/{department}")] HttpRequest req, string consultationId, string department, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        NoReferrer(http);
        if (!req.HasFormContentType)
        {
            return ErrorPage(Refusal.Invalid("consultation.form-invalid", "表单格式不正确。", "The form is malformed."));
        }

        var (form, files, formRefusal, formStatus) = await ReadAnswerFormAsync(http, consultationId, department, ct);
        if (formRefusal is not null)
        {
            return formStatus == 0 ? ErrorPage(formRefusal) : Html.Page("意见未提交", $"<h1>意见未提交</h1><p class=\"error\" role=\"alert\">{Html.E(formRefusal.Zh)}</p><p>请返回上一页重新提交。</p>", formStatus);
        }

        var token = form.GetValueOrDefault("t");
        var (round, dept, refusal) = await OpenPageAsync(consultationId, department, token, ct);
        if (refusal is not null || round is null || dept is null)
        {
            await DeleteAsync(files.Values);
            return ErrorPage(refusal ?? Refusal.NotFound("consultation.not-found", "征求意见不存在，请核对链接。", "No such consultation."));
        }

        if (ConsultationDecider.PermAnswer(round, dept.Value) is { } no)
        {
            await DeleteAsync(files.Values);
            return ErrorPage(no);
        }

        var ask = round.Ask(dept.Value)!;
        var answers = new List<ApplicantAnswer>();
        foreach (var id in ask.ApplicationIds)
        {
            var verdict = form.GetValueOrDefault("v-" + id);
            var details = form.GetValueOrDefault("d-" + id);
            if (verdict is "none" or "adverse")
            {
                var fileId = verdict == "adverse" && files.ContainsKey(id) ? AnswerFileId(id) : null;
                answers.Add(new ApplicantAnswer(id, verdict == "adverse" ? ConsultationVerdict.AdverseRecord : ConsultationVerdict.NoAdverseRecord, details, fileId));
            }
        }

        // A file sent with a "no adverse record" answer is not kept.
        await DeleteAsync(files.Where(f => answers.All(a => a.ApplicationId != f.Key || a.FileId is null)).Select(f => f.Value));
        var respondent = form.GetValueOrDefault("respondentName") ?? string.Empty;
        var outcome = await consultations.RunAsync(consultationId, new SubmitAnswers(dept.Value, answers, respondent), ConsultationCommands.DepartmentActor(consultationId, dept.Value, respondent), http.TraceIdentifier, ct);
        if (outcome.Refused)
        {
            await DeleteAsync(files.Values);
            var input = new FormCollection(form.ToDictionary(kv => kv.Key, kv => new Microsoft.Extensions.Primitives.StringValues(kv.Value)));
            return outcome.Refusal!.Kind == RefusalKind.Invalid
                ? Html.Page(round.Opened!.Title, FormPage(round, dept.Value, token!, options.CurrentValue, await SenderAsync(round, ct), outcome.Refusal, input), Problems.StatusOf(outcome.Refusal))
                : ErrorPage(outcome.Refusal);
        }

        // The round's orchestration reads the answer (and closes in on the round once all are in);
        // about an award holder, so does the holder's duty orchestration, which records an adverse one.
        await ConsultationWorkflow.ChangedAsync(durable, outcome.State.Opened!, "answered", logger, ct);
        var sender = await SenderAsync(outcome.State, ct);
        return Html.Page("意见已提交", AnsweredPage(outcome.State, dept.Value, options.CurrentValue, sender, "已收到贵单位的意见，谢谢。"), site: sender.AwardName);
    }

    private static string AnswerFileId(string applicationId) => "answer-" + applicationId;

    private static Refusal RoundNotFound() => Refusal.NotFound("consultation.not-found", "征求意见不存在。", "No such consultation.");

    private static Refusal ApplicationNotFound() => Refusal.NotFound("application.not-found", "申报不存在。", "No such application.");

    [LoggerMessage(Level = LogLevel.Error, Message = "The file {Department} attached to its answer on {ApplicationId} in consultation {ConsultationId} has no content: blob {BlobName} in container {Container} is missing, so its download answered 404. Restore the blob from its soft-deleted or earlier versions.")]
    private static partial void LogAnswerFileMissing(ILogger logger, string consultationId, Department department, string applicationId, string container, string blobName);

    private static string AnswerBlobName(string consultationId, Department department, string applicationId) =>
        $"consultations/{consultationId}/{ConsultationMail.Slug(department)}/{applicationId}";

    /// <summary>
    /// The answer form, plain or multipart. In a multipart form the link's token comes first (a
    /// hidden field at the top): it is checked before any file is stored, and each file (f-{id})
    /// streams through the same checks as application documents. Status 0 means "show the link's
    /// error page".
    /// </summary>
    private async Task<(Dictionary<string, string> Form, Dictionary<string, BlobClient> Files, Refusal? Refusal, int Status)> ReadAnswerFormAsync(
        HttpContext http, string consultationId, string department, CancellationToken ct)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new Dictionary<string, BlobClient>(StringComparer.Ordinal);
        if (!(http.Request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            foreach (var (key, value) in await http.Request.ReadFormAsync(ct))
            {
                form[key] = value.ToString();
            }

            return (form, files, null, 0);
        }

        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null; // each file is counted against Documents:MaxBytes as it streams
        }

        var boundary = Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) ? Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(type.Boundary).Value : null;
        if (string.IsNullOrEmpty(boundary))
        {
            return (form, files, Refusal.Invalid("consultation.form-invalid", "表单格式不正确。", "The form is malformed."), StatusCodes.Status400BadRequest);
        }

        var reader = new Microsoft.AspNetCore.WebUtilities.MultipartReader(boundary, http.Request.Body) { BodyLengthLimit = null };
        try
        {
            return await ReadAnswerPartsAsync(reader, consultationId, department, form, files, ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            // A broken or abandoned body: nothing it sent may stay stored.
            await DeleteAsync(files.Values);
            return (form, [], Refusal.Invalid("consultation.form-invalid", "表单内容不完整或格式不正确。", "The form is incomplete or malformed."), StatusCodes.Status400BadRequest);
        }
    }

    private async Task<(Dictionary<string, string> Form, Dictionary<string, BlobClient> Files, Refusal? Refusal, int Status)> ReadAnswerPartsAsync(
        Microsoft.AspNetCore.WebUtilities.MultipartReader reader, string consultationId, string department, Dictionary<string, string> form, Dictionary<string, BlobClient> files, CancellationToken ct)
    {
        Department? verified = null;
        var parts = 0;
        for (var section = await reader.ReadNextSectionAsync(ct); section is not null; section = await reader.ReadNextSectionAsync(ct))
        {
            if (!Microsoft.Net.Http.Headers.ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                continue;
            }

            var name = disposition.Name.Value ?? string.Empty;
            if (++parts > FormParts.MaxParts || (verified is null && name != "t"))
            {
                // The link's token is the form's first field: nothing else is read before it is checked.
                await DeleteAsync(files.Values);
                return (form, [], Refusal.Invalid("consultation.form-invalid", "表单格式不正确，请从邮件中的链接重新打开页面。", "The form is malformed; open the page again from the mail's link."), 0);
            }

            if (!disposition.IsFileDisposition())
            {
                if (name is not ("t" or "respondentName") && !name.StartsWith("v-", StringComparison.Ordinal) && !name.StartsWith("d-", StringComparison.Ordinal))
                {
                    continue;
                }

                var value = await FormParts.ReadFieldAsync(section.Body, FormParts.MaxFieldChars, ct);
                if (value is null)
                {
                    await DeleteAsync(files.Values);
                    return (form, [], Refusal.Invalid("consultation.field-too-long", "填写的内容过长。", "A field is too long."), StatusCodes.Status422UnprocessableEntity);
                }

                form[name] = value;
                if (name == "t")
                {
                    var (round, dept, refusal) = await OpenPageAsync(consultationId, department, value, ct);
                    if (refusal is not null || round is null || dept is null)
                    {
                        return (form, [], refusal ?? Refusal.NotFound("consultation.not-found", "征求意见不存在，请核对链接。", "No such consultation."), 0);
                    }

                    verified = dept;
                }

                continue;
            }

            var fileName = Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
            if (string.IsNullOrEmpty(fileName) || !name.StartsWith("f-", StringComparison.Ordinal))
            {
                continue;
            }

            var applicationId = name[2..];
            if (ApplicationId.Parse(applicationId) is { IsOk: false } || files.ContainsKey(applicationId))
            {
                continue;
            }

            var blob = storage.Container(StorageClients.DocumentsContainer).GetBlobClient(AnswerBlobName(consultationId, verified!.Value, applicationId));
            var stored = await DocumentFunctions.StoreFileAsync(
                blob,
                section.Body,
                null,
                (signature, candidates) => DocumentFunctions.EvidenceUploadOptions(fileName, signature, candidates, new Dictionary<string, string> { ["consultationid"] = consultationId, ["applicationid"] = applicationId }),
                documents.Value,
                logger,
                consultationId,
                ct);
            if (stored.File is null)
            {
                await DeleteAsync(files.Values);
                return (form, [], stored.Refusal, stored.Status);
            }

            files[applicationId] = blob;
        }

        return (form, files, null, 0);
    }

    private async Task DeleteAsync(IEnumerable<BlobClient> blobs)
    {
        foreach (var blob in blobs.ToList())
        {
            await DocumentFunctions.DeleteQuietlyAsync(blob, logger);
        }
    }

    /// <summary>The round and department of a page, if its link is valid for them.</summary>
    private async Task<(ConsultationState? Round, Department? Department, Refusal? Refusal)> OpenPageAsync(
        string consultationId, string departmentSlug, string? token, CancellationToken ct)
    {
        var notFound = Refusal.NotFound("consultation.not-found", "征求意见不存在，请核对链接。", "No such consultation.");
        if (ConsultationMail.ParseSlug(departmentSlug) is not { } department)
        {
            return (null, null, notFound);
        }

        // The link's signature first (nothing is read for a forged one); its expiry by the round's time.
        var signed = tokens.Read(token, consultationId, department);
        if (!signed.IsOk)
        {
            return (null, null, signed.Refusal);
        }

        var round = await consultations.LoadAsync(consultationId, ct);
        var grant = tokens.Verify(token, consultationId, department, await clock.NowAsync(round?.Opened?.CycleId, ct));
        if (!grant.IsOk)
        {
            return (null, null, grant.Refusal);
        }

        if (round is null)
        {
            return (null, null, notFound);
        }

        return round.Ask(department) is null
            ? (null, null, ConsultationDecider.PermAnswer(round, department))
            : (round, department, null);
    }

    private static IResult ErrorPage(Refusal refusal)
    {
        var title = refusal.Code switch
        {
            "consultation.already-answered" => "意见已提交",
            "consultation.link-expired" => "链接已失效",
            "consultation.not-found" => "征求意见不存在",
            _ => "链接无效",
        };
        return Html.Page(title, $"<h1>{Html.E(title)}</h1><p class=\"error\" id=\"error\" role=\"alert\">{Html.E(refusal.Zh)}</p><p class=\"note\">错误代码：{Html.E(refusal.Code)}</p>", Problems.StatusOf(refusal));
    }

    private static void NoReferrer(HttpContext http) => http.Response.Headers["Referrer-Policy"] = "no-referrer";

    /// <summary>Who asks and under what: the regulation by name with its article, the office and how to reach it.</summary>
    private sealed record Sender(string? AwardName, string Basis, string? Office, string? Contact);

    private async Task<Sender> SenderAsync(ConsultationState round, CancellationToken ct)
    {
        var o = round.Opened!;
        if (CycleId.Parse(o.CycleId) is not { IsOk: true } id || await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct) is not { Exists: true } cycle)
        {
            return new Sender(null, o.Article, null, null);
        }

        var policy = cycle.Policy;
        return new Sender(policy.AwardName, Regulation.Cite(policy.Document, o.Article), policy.Office?.Name, offices.Value.For(policy.Id) is { } c ? OfficeOptions.Line(c) : null);
    }

    private static string Header(ConsultationState round, Department department, ConsultationOptions config, Sender from)
    {
        var o = round.Opened!;
        var body = new StringBuilder()
            .Append("<h1>").Append(Html.E(o.Title)).Append("</h1>")
            .Append("<p>致：<strong id=\"department\">").Append(Html.E(config.Contact(department)?.Name ?? DepartmentNames.Zh(department))).Append("</strong></p>")
            .Append("<p>依据<span id=\"basis\">").Append(Html.E(from.Basis)).Append("</span>的规定，请就下列申报者近年有无不良记录逐一答复。答复期限：<strong id=\"reply-by\">")
            .Append(Html.Date(o.ReplyBy)).Append("</strong>（")
            .Append(o.ReplyWorkingDays).Append("个工作日）。</p>");
        if (from.Office is not null)
        {
            body.Append("<p id=\"sender\">征求意见单位：").Append(Html.E(from.Office)).Append(from.Contact is null ? string.Empty : "（" + Html.E(from.Contact) + "）").Append("</p>");
        }

        return body.ToString();
    }

    private static string FormPage(ConsultationState round, Department department, string token, ConsultationOptions config, Sender from, Refusal? error, IFormCollection? input)
    {
        var o = round.Opened!;
        var ask = round.Ask(department)!;
        var body = new StringBuilder(Header(round, department, config, from));
        if (error is not null)
        {
            body.Append("<p class=\"error\" id=\"error\" role=\"alert\">").Append(Html.E(error.Zh)).Append("</p>");
        }

        body.Append("<form method=\"post\" enctype=\"multipart/form-data\" action=\"/forms/consultations/").Append(Html.E(o.ConsultationId)).Append('/').Append(Html.E(ConsultationMail.Slug(department))).Append("\">")
            .Append("<input type=\"hidden\" name=\"t\" value=\"").Append(Html.E(token)).Append("\">")
            .Append("<table><thead><tr><th>序号</th><th>申报者</th><th>统一社会信用代码或身份证号码</th><th>答复</th></tr></thead><tbody>");
        var i = 0;
        foreach (var a in o.Applicants.Where(a => ask.ApplicationIds.Contains(a.ApplicationId)))
        {
            var id = a.ApplicationId;
            var verdict = input?["v-" + id].ToString();
            body.Append("<tr><td>").Append(++i).Append("</td><td>").Append(Html.E(a.Name)).Append("</td><td>").Append(Html.E(a.ApplicantKey)).Append("</td><td>")
                .Append("<label><input type=\"radio\" name=\"v-").Append(Html.E(id)).Append("\" value=\"none\"").Append(verdict == "none" ? " checked" : string.Empty).Append(" required> 无不良记录</label>")
                .Append("<label><input type=\"radio\" name=\"v-").Append(Html.E(id)).Append("\" value=\"adverse\"").Append(verdict == "adverse" ? " checked" : string.Empty).Append("> 有不良记录</label>")
                .Append("<label for=\"d-").Append(Html.E(id)).Append("\">不良记录的具体情况（有不良记录的必填）</label>")
                .Append("<textarea id=\"d-").Append(Html.E(id)).Append("\" name=\"d-").Append(Html.E(id)).Append("\" rows=\"3\" maxlength=\"").Append(ConsultationDecider.MaxDetailsLength).Append("\">")
                .Append(Html.E(input?["d-" + id].ToString())).Append("</textarea>")
                .Append("<label for=\"f-").Append(Html.E(id)).Append("\">证明文件（可选，PDF、Word、Excel、JPEG、PNG）</label><input type=\"file\" id=\"f-").Append(Html.E(id)).Append("\" name=\"f-").Append(Html.E(id)).Append("\"></td></tr>");
        }

        body.Append("</tbody></table>")
            .Append("<label for=\"respondentName\">经办人（姓名及联系电话）</label><input type=\"text\" id=\"respondentName\" name=\"respondentName\" maxlength=\"").Append(ConsultationDecider.MaxRespondentLength).Append("\" value=\"").Append(Html.E(input?["respondentName"].ToString())).Append("\">")
            .Append("<p class=\"note\">意见提交后即为贵单位的最终答复，不能更改。</p>")
            .Append("<p><button type=\"submit\">提交意见</button></p></form>");
        return body.ToString();
    }

    private static string AnsweredPage(ConsultationState round, Department department, ConsultationOptions config, Sender from, string message)
    {
        var answered = round.Answers[department];
        var names = round.Opened!.Applicants.ToDictionary(a => a.ApplicationId, a => a.Name, StringComparer.Ordinal);
        var body = new StringBuilder(Header(round, department, config, from))
            .Append("<p id=\"status\">").Append(Html.E(message)).Append("</p>")
            .Append("<p>提交时间：").Append(ShanghaiTime.ToShanghai(answered.At).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).Append("</p>")
            .Append("<table><thead><tr><th>申报者</th><th>答复</th><th>具体情况</th></tr></thead><tbody>");
        foreach (var a in answered.Answers)
        {
            body.Append("<tr><td>").Append(Html.E(names.GetValueOrDefault(a.ApplicationId, a.ApplicationId))).Append("</td><td>").Append(VerdictZh(a.Verdict)).Append("</td><td>").Append(Html.E(a.Details)).Append("</td></tr>");
        }

        return body.Append("</tbody></table>").ToString();
    }

    private static string VerdictZh(ConsultationVerdict verdict) => verdict == ConsultationVerdict.AdverseRecord ? "有不良记录" : "无不良记录";

    private static string Camel(Department department) => JsonNamingPolicy.CamelCase.ConvertName(department.ToString());

    private async Task<ConsultationView> ViewAsync(ConsultationState round, ConsultationOptions config, CancellationToken ct)
    {
        var o = round.Opened!;
        var names = o.Applicants.ToDictionary(a => a.ApplicationId, a => a.Name, StringComparer.Ordinal);
        var mails = await mail.ListAsync(o.ConsultationId, ct);
        return new ConsultationView(
            o.ConsultationId,
            o.CycleId,
            o.StageIndex,
            o.Title,
            o.Article,
            o.At,
            o.ReplyBy,
            o.DueAt,
            o.RemindOn,
            round.IsClosed ? "closed" : "open",
            round.ClosedWithoutAnswers is not null ? "逾期未答复，评审办公室已结束征求意见"
                : round.IsClosed ? "各部门均已答复" : round.Overdue.Count > 0 ? "有部门逾期未答复" : "等待部门答复",
            o.Applicants.Select(a => new ConsultedApplicantView(a.ApplicationId, a.Name, a.Category.ToString().ToLowerInvariant(), JsonNamingPolicy.CamelCase.ConvertName(a.Sector.ToString()))).ToList(),
            o.Departments.Select(d =>
            {
                var answered = round.Answers.GetValueOrDefault(d.Department);
                return new DepartmentView(
                    Camel(d.Department),
                    config.Contact(d.Department)?.Name ?? DepartmentNames.Zh(d.Department),
                    config.Contact(d.Department)?.Email,
                    d.ApplicationIds,
                    answered is not null,
                    answered?.At,
                    answered?.RespondentName,
                    round.Reminded.Contains(d.Department),
                    round.Overdue.Contains(d.Department),
                    answered?.Answers.Select(a => new AnswerView(a.ApplicationId, names.GetValueOrDefault(a.ApplicationId, a.ApplicationId), JsonNamingPolicy.CamelCase.ConvertName(a.Verdict.ToString()), VerdictZh(a.Verdict), a.Details, a.FileId)).ToList() ?? []);
            }).ToList(),
            round.Overdue.Where(d => !round.HasAnswered(d)).Select(Camel).ToList(),
            mails.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new MailView(m.Key, m.Tag is { } t && Enum.TryParse<Department>(t, out var dd) ? Camel(dd) : m.Tag, m.To, m.Status, m.Attempts, m.SentAt, m.LastError)).ToList(),
            round.ClosedWithoutAnswers?.Unanswered.Select(Camel).ToList() ?? [],
            round.ClosedWithoutAnswers?.Reason);
    }
}

/// <summary>Service registration of the consultation slice (one call from <see cref="AppBuilder"/>).</summary>
public static class ConsultationSetup
{
    public static void AddConsultations(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var configured = builder.Configuration.GetSection(ConsultationOptions.Section).Exists();
        var options = services.AddOptions<ConsultationOptions>().Bind(builder.Configuration.GetSection(ConsultationOptions.Section)).ValidateWith<ConsultationOptions, ConsultationOptionsValidator>();
        if (configured)
        {
            options.ValidateOnStart();
        }

        services.AddGraphMail(builder.Configuration, validateOnStart: configured);
        services.AddSingleton<MailLog>();
        services.AddSingleton<ReplyTokens>();
        services.AddSingleton<ConsultationCommands>();
        services.AddSingleton<ConsultationMail>();
        services.AddSingleton(new StorageNeeds([MailLog.TableName], []));
    }
}
