using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
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

public sealed record OpenConsultationRequest(int? StageIndex = null);

public sealed record DismissAdverseRequest(string ConsultationId, Department Department, string Reason);

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

public sealed record MailView(string Key, string? Department, string To, string Status, int Attempts, DateTimeOffset? SentAt, string? LastError);

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

public sealed record CloseConsultationRequest(string Reason);

/// <summary>
/// Department consultations (征求意见): the office opens a round for the applications at a
/// consultation stage; each department gets one mail with a signed link; the link's page (zh-CN,
/// no script) shows the applicants and takes the department's final answer; the office reads
/// every answer and decides on adverse records.
/// </summary>
public static partial class ConsultationEndpoints
{
    public static void MapConsultations(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Consultations");
        api.MapPost("/cycles/{cycleId}/consultations", async (string cycleId, HttpContext http, ConsultationCommands consultations, MailOutbox mail, IOptionsMonitor<ConsultationOptions> options, CancellationToken ct) =>
        {
            var request = new OpenConsultationRequest();
            if (http.Request.ContentLength is > 0 || http.Request.ContentType is not null)
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

            var view = await ViewAsync(outcome.State, mail, options.CurrentValue, ct);
            return outcome.Appended.Count == 0 ? Results.Ok(view) : Results.Created($"/api/cycles/{cycleId}/consultations/{view.ConsultationId}", view);
        }).RequireAuthorization(Roles.Office).Accepts<OpenConsultationRequest>("application/json")
          .WithSummary("Open the consultation round for the applications standing at a consultation stage (stageIndex, or the first with applications): one mail per department, with a signed reply link. Applications that reached the stage after its round opened get a supplementary round ({roundId}-2, -3, …); with nobody new, the latest round is answered unchanged.");

        api.MapGet("/cycles/{cycleId}/consultations", async (string cycleId, HttpContext http, Streams streams, ConsultationCommands consultations, MailOutbox mail, IOptionsMonitor<ConsultationOptions> options, CancellationToken ct) =>
        {
            var id = CycleId.Parse(cycleId);
            var cycle = id.IsOk ? await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct) : Domain.Cycles.CycleState.Initial;
            if (!cycle.Exists)
            {
                return Problems.For(http, Refusal.NotFound("cycle.not-found", "该评选周期不存在。", "No such cycle."));
            }

            var views = new List<ConsultationView>();
            for (var i = 0; i < cycle.Policy.Stages.Count; i++)
            {
                if (cycle.Policy.Stages[i].Kind == StageKind.Consultation)
                {
                    foreach (var round in await consultations.RoundsAsync(cycle.CycleId, i, ct))
                    {
                        views.Add(await ViewAsync(round, mail, options.CurrentValue, ct));
                    }
                }
            }

            return Results.Ok(views);
        }).RequireAuthorization(p => p.RequireRole(Roles.Office, Roles.Supervisor)).WithSummary("The cycle's consultation rounds, with every department's answers.");

        api.MapGet("/cycles/{cycleId}/consultations/{consultationId}", async (string cycleId, string consultationId, HttpContext http, ConsultationCommands consultations, MailOutbox mail, IOptionsMonitor<ConsultationOptions> options, CancellationToken ct) =>
        {
            var round = await consultations.LoadAsync(consultationId, ct);
            return round is null || round.Opened!.CycleId != cycleId
                ? Problems.For(http, Refusal.NotFound("consultation.not-found", "征求意见不存在。", "No such consultation."))
                : Results.Ok(await ViewAsync(round, mail, options.CurrentValue, ct));
        }).RequireAuthorization(p => p.RequireRole(Roles.Office, Roles.Supervisor))
          .WithSummary("A round: the applicants, each department's answers (adverse records with details), reminders, overdue departments and the mails' delivery.");

        api.MapPost("/cycles/{cycleId}/consultations/{consultationId}/mails/{mailKey}/resend", async (string cycleId, string consultationId, string mailKey, HttpContext http, ConsultationCommands consultations, MailOutbox mail, IOptionsMonitor<ConsultationOptions> options, CancellationToken ct) =>
        {
            var round = await consultations.LoadAsync(consultationId, ct);
            if (round is null || round.Opened!.CycleId != cycleId)
            {
                return Problems.For(http, Refusal.NotFound("consultation.not-found", "征求意见不存在。", "No such consultation."));
            }

            // The address configured now: a mail refused for a wrong address goes to the corrected one.
            var config = options.CurrentValue;
            var actor = Caller.As(http.User, Roles.Office);
            var (outcome, _) = await mail.ResendAsync(
                round.Opened.ConsultationId,
                mailKey,
                m => Enum.TryParse<Department>(m.Tag, out var department) ? config.Contact(department)?.Email : config.OfficeEmail,
                actor.Subject,
                ct);
            return outcome switch
            {
                ResendOutcome.NotFound => Problems.For(http, Refusal.NotFound("consultation.mail-not-found", "本轮征求意见没有这封邮件。", "This round has no such mail.")),
                ResendOutcome.NotFailed => Problems.For(http, Refusal.Rule("mail.not-failed", "只有发送失败的邮件可以重发；这封邮件已发出或正在发送。", "Only a mail that failed can be sent again; this one is sent or on its way.")),
                _ => Results.Ok(await ViewAsync(round, mail, config, ct)),
            };
        }).RequireAuthorization(Roles.Office)
          .WithSummary("Send again a mail Graph refused for good (status failed), to the address configured now (after correcting it); answers the round.");

        api.MapPost("/cycles/{cycleId}/consultations/{consultationId}/close", async (string cycleId, string consultationId, HttpContext http, ConsultationCommands consultations, MailOutbox mail, IOptionsMonitor<ConsultationOptions> options, CancellationToken ct) =>
        {
            var round = await consultations.LoadAsync(consultationId, ct);
            if (round is null || round.Opened!.CycleId != cycleId)
            {
                return Problems.For(http, Refusal.NotFound("consultation.not-found", "征求意见不存在。", "No such consultation."));
            }

            var (request, problem) = await JsonBody.ReadAsync<CloseConsultationRequest>(http, ct);
            if (problem is not null)
            {
                return problem;
            }

            var outcome = await consultations.RunAsync(consultationId, new CloseWithoutAnswers(request!.Reason), Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
            return outcome.Refused ? Problems.For(http, outcome.Refusal!) : Results.Ok(await ViewAsync(outcome.State, mail, options.CurrentValue, ct));
        }).RequireAuthorization(Roles.Office).Accepts<CloseConsultationRequest>("application/json")
          .WithSummary("End a round whose reply period has run out without the late departments' answers, with the reason; the applications without an open adverse record move on. The round records who did not answer.");

        api.MapPost("/applications/{applicationId}/adverse-records/dismiss", async (string applicationId, HttpContext http, ApplicationCommands commands, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<DismissAdverseRequest>(http, ct);
            return problem ?? await ApplicationEndpoints.RunAsync(http, commands, applicationId, new DismissAdverseRecord(request!.ConsultationId ?? string.Empty, request.Department, request.Reason ?? string.Empty), Roles.Office, ct);
        }).RequireAuthorization(Roles.Office).Accepts<DismissAdverseRequest>("application/json")
          .WithSummary("The office decides a department's adverse record does not stop the application, with its reason; the application then moves on (or refuse the application instead).");

        api.MapPost("/applications/{applicationId}/adverse-records/uphold", async (string applicationId, HttpContext http, ApplicationCommands commands, Streams streams, CancellationToken ct) =>
        {
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
            return await ApplicationEndpoints.RunAsync(http, commands, applicationId, command, Roles.Office, ct);
        }).RequireAuthorization(Roles.Office).Accepts<DismissAdverseRequest>("application/json")
          .WithSummary("The office upholds a department's adverse record: the application is disqualified, with the reason the applicant reads.");

        MapPages(app);
    }

    private static void MapPages(IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup(string.Empty).AllowAnonymous().ExcludeFromDescription();

        // Mail scanners open every link: this GET reads and shows, and changes nothing.
        pages.MapGet("/consultations/{consultationId}/{department}", async (string consultationId, string department, string? t, HttpContext http, ConsultationCommands consultations, ReplyTokens tokens, IOptionsMonitor<ConsultationOptions> options, CancellationToken ct) =>
        {
            NoReferrer(http);
            var (round, dept, refusal) = await OpenPageAsync(consultationId, department, t, consultations, tokens, ct);
            if (refusal is not null)
            {
                return ErrorPage(refusal);
            }

            return round!.HasAnswered(dept!.Value)
                ? Html.Page("已答复", AnsweredPage(round, dept.Value, options.CurrentValue, "贵单位已提交意见，意见提交后不能更改。"))
                : Html.Page(round.Opened!.Title, FormPage(round, dept.Value, t!, options.CurrentValue, null, null));
        });

        pages.MapPost("/forms/consultations/{consultationId}/{department}", async (string consultationId, string department, HttpContext http, ConsultationCommands consultations, ReplyTokens tokens, IOptionsMonitor<ConsultationOptions> options, StorageClients storage, IOptions<DocumentsOptions> documents, ILoggerFactory loggers, CancellationToken ct) =>
        {
            NoReferrer(http);
            if (!http.Request.HasFormContentType)
            {
                return ErrorPage(Refusal.Invalid("consultation.form-invalid", "表单格式不正确。", "The form is malformed."));
            }

            var logger = loggers.CreateLogger(typeof(ConsultationEndpoints).FullName!);
            var (form, files, formRefusal, formStatus) = await ReadAnswerFormAsync(http, consultationId, department, consultations, tokens, storage, documents.Value, logger, ct);
            if (formRefusal is not null)
            {
                return formStatus == 0 ? ErrorPage(formRefusal) : Html.Page("意见未提交", $"<h1>意见未提交</h1><p class=\"error\" role=\"alert\">{Html.E(formRefusal.Zh)}</p><p>请返回上一页重新提交。</p>", formStatus);
            }

            var token = form.GetValueOrDefault("t");
            var (round, dept, refusal) = await OpenPageAsync(consultationId, department, token, consultations, tokens, ct);
            if (refusal is not null || round is null || dept is null)
            {
                await DeleteAsync(files.Values, logger);
                return ErrorPage(refusal ?? Refusal.NotFound("consultation.not-found", "征求意见不存在，请核对链接。", "No such consultation."));
            }

            if (ConsultationDecider.PermAnswer(round, dept.Value) is { } no)
            {
                await DeleteAsync(files.Values, logger);
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
            await DeleteAsync(files.Where(f => answers.All(a => a.ApplicationId != f.Key || a.FileId is null)).Select(f => f.Value), logger);
            var respondent = form.GetValueOrDefault("respondentName") ?? string.Empty;
            var outcome = await consultations.RunAsync(consultationId, new SubmitAnswers(dept.Value, answers, respondent), ConsultationCommands.DepartmentActor(consultationId, dept.Value, respondent), http.TraceIdentifier, ct);
            if (outcome.Refused)
            {
                await DeleteAsync(files.Values, logger);
                var input = new FormCollection(form.ToDictionary(kv => kv.Key, kv => new Microsoft.Extensions.Primitives.StringValues(kv.Value)));
                return outcome.Refusal!.Kind == RefusalKind.Invalid
                    ? Html.Page(round.Opened!.Title, FormPage(round, dept.Value, token!, options.CurrentValue, outcome.Refusal, input), Problems.StatusOf(outcome.Refusal))
                    : ErrorPage(outcome.Refusal);
            }

            return Html.Page("意见已提交", AnsweredPage(outcome.State, dept.Value, options.CurrentValue, "已收到贵单位的意见，谢谢。"));
        }).DisableAntiforgery();

        app.MapGet("/api/cycles/{cycleId}/consultations/{consultationId}/files/{department}/{applicationId}", async (string cycleId, string consultationId, string department, string applicationId, HttpContext http, ConsultationCommands consultations, StorageClients storage, ILoggerFactory loggers, CancellationToken ct) =>
        {
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
                LogAnswerFileMissing(loggers.CreateLogger(typeof(ConsultationEndpoints).FullName!), consultationId, dept, applicationId, blob.BlobContainerName, blob.Name);
                return Problems.For(http, StoredFiles.ContentMissing());
            }

            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.CacheControl = "private, no-store";
            return Results.Stream(content.Content, content.Details.ContentType, fileDownloadName: AnswerFileId(applicationId) + (Domain.Applications.FileTypes.All.FirstOrDefault(t => t.ContentType == content.Details.ContentType)?.Extension ?? string.Empty));
        }).RequireAuthorization(p => p.RequireRole(Roles.Office, Roles.Supervisor)).RequireRateLimiting(RateLimits.Downloads).WithTags("Consultations")
          .WithSummary("A file a department attached to an adverse record (office and supervisors only).");
    }

    private static string AnswerFileId(string applicationId) => "answer-" + applicationId;

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
    private static async Task<(Dictionary<string, string> Form, Dictionary<string, BlobClient> Files, Refusal? Refusal, int Status)> ReadAnswerFormAsync(
        HttpContext http, string consultationId, string department, ConsultationCommands consultations, ReplyTokens tokens, StorageClients storage, DocumentsOptions documents, ILogger logger, CancellationToken ct)
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
            return await ReadAnswerPartsAsync(reader, consultationId, department, consultations, tokens, storage, documents, logger, form, files, ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            // A broken or abandoned body: nothing it sent may stay stored.
            await DeleteAsync(files.Values, logger);
            return (form, [], Refusal.Invalid("consultation.form-invalid", "表单内容不完整或格式不正确。", "The form is incomplete or malformed."), StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<(Dictionary<string, string> Form, Dictionary<string, BlobClient> Files, Refusal? Refusal, int Status)> ReadAnswerPartsAsync(
        Microsoft.AspNetCore.WebUtilities.MultipartReader reader, string consultationId, string department, ConsultationCommands consultations, ReplyTokens tokens, StorageClients storage, DocumentsOptions documents, ILogger logger,
        Dictionary<string, string> form, Dictionary<string, BlobClient> files, CancellationToken ct)
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
                await DeleteAsync(files.Values, logger);
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
                    await DeleteAsync(files.Values, logger);
                    return (form, [], Refusal.Invalid("consultation.field-too-long", "填写的内容过长。", "A field is too long."), StatusCodes.Status422UnprocessableEntity);
                }

                form[name] = value;
                if (name == "t")
                {
                    var (round, dept, refusal) = await OpenPageAsync(consultationId, department, value, consultations, tokens, ct);
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
            var stored = await DocumentEndpoints.StoreFileAsync(
                blob,
                section.Body,
                null,
                (signature, candidates) => DocumentEndpoints.EvidenceUploadOptions(fileName, signature, candidates, new Dictionary<string, string> { ["consultationid"] = consultationId, ["applicationid"] = applicationId }),
                documents,
                logger,
                consultationId,
                ct);
            if (stored.File is null)
            {
                await DeleteAsync(files.Values, logger);
                return (form, [], stored.Refusal, stored.Status);
            }

            files[applicationId] = blob;
        }

        return (form, files, null, 0);
    }

    private static async Task DeleteAsync(IEnumerable<BlobClient> blobs, ILogger logger)
    {
        foreach (var blob in blobs.ToList())
        {
            await DocumentEndpoints.DeleteQuietlyAsync(blob, logger);
        }
    }

    /// <summary>The round and department of a page, if its link is valid for them.</summary>
    private static async Task<(ConsultationState? Round, Department? Department, Refusal? Refusal)> OpenPageAsync(
        string consultationId, string departmentSlug, string? token, ConsultationCommands consultations, ReplyTokens tokens, CancellationToken ct)
    {
        var notFound = Refusal.NotFound("consultation.not-found", "征求意见不存在，请核对链接。", "No such consultation.");
        if (ConsultationMail.ParseSlug(departmentSlug) is not { } department)
        {
            return (null, null, notFound);
        }

        var grant = tokens.Verify(token, consultationId, department);
        if (!grant.IsOk)
        {
            return (null, null, grant.Refusal);
        }

        var round = await consultations.LoadAsync(consultationId, ct);
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

    private static string Header(ConsultationState round, Department department, ConsultationOptions config)
    {
        var o = round.Opened!;
        return new StringBuilder()
            .Append("<h1>").Append(Html.E(o.Title)).Append("</h1>")
            .Append("<p>致：<strong id=\"department\">").Append(Html.E(config.Contact(department)?.Name ?? DepartmentNames.Zh(department))).Append("</strong></p>")
            .Append("<p>依据").Append(Html.E(o.Article)).Append("，请就下列申报者近年有无不良记录逐一答复。答复期限：<strong id=\"reply-by\">")
            .Append(o.ReplyBy.ToString("yyyy年M月d日", CultureInfo.InvariantCulture)).Append("</strong>（")
            .Append(o.ReplyWorkingDays).Append("个工作日）。</p>")
            .ToString();
    }

    private static string FormPage(ConsultationState round, Department department, string token, ConsultationOptions config, Refusal? error, IFormCollection? input)
    {
        var o = round.Opened!;
        var ask = round.Ask(department)!;
        var body = new StringBuilder(Header(round, department, config));
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

    private static string AnsweredPage(ConsultationState round, Department department, ConsultationOptions config, string message)
    {
        var answered = round.Answers[department];
        var names = round.Opened!.Applicants.ToDictionary(a => a.ApplicationId, a => a.Name, StringComparer.Ordinal);
        var body = new StringBuilder(Header(round, department, config))
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

    public static async Task<ConsultationView> ViewAsync(ConsultationState round, MailOutbox mail, ConsultationOptions config, CancellationToken ct)
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
        var options = services.AddOptions<ConsultationOptions>().Bind(builder.Configuration.GetSection(ConsultationOptions.Section)).ValidateDataAnnotations();
        if (configured)
        {
            options.ValidateOnStart();
        }

        services.AddGraphMail(builder.Configuration, validateOnStart: configured);
        services.AddSingleton<MailOutbox>();
        services.AddSingleton<ReplyTokens>();
        services.AddSingleton<ConsultationCommands>();
        services.AddSingleton<ConsultationMail>();
        services.AddSingleton<ConsultationTimers>();
        services.AddSingleton<IEventHandler>(sp => sp.GetRequiredService<ConsultationMail>());
        services.AddSingleton<IEventHandler>(sp => sp.GetRequiredService<ConsultationTimers>());
        services.AddSingleton<IMailComposer>(sp => sp.GetRequiredService<ConsultationMail>());
        services.AddSingleton<ITimerHandler>(sp => sp.GetRequiredService<MailOutbox>());
        services.AddSingleton<ITimerHandler>(sp => sp.GetRequiredService<ConsultationTimers>());
        services.AddSingleton<IReaction, ConsultationReactions>();
        services.AddSingleton(new StorageNeeds([MailOutbox.TableName], [], []));
    }
}
