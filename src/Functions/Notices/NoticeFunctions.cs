using System.ComponentModel;
using System.Globalization;
using System.Text;
using QualityAward.Domain;
using QualityAward.Domain.Notices;
using QualityAward.Domain.Policies;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Notices;

[Description("Publish the applications standing at one of the policy's public-notice stages (公示).")]
public sealed record OpenNoticeRequest(
    [property: Description("Which list: acceptance (受理名单), candidates (候选名单) or proposed-winners (获奖建议名单); the policy must have a notice stage for it.")] string List,
    [property: Description("The first day of the notice (Asia/Shanghai date), today or later. A notice published on a holiday starts counting on the next working day.")] DateOnly FirstDay,
    [property: Description("How many working days it runs, on the official holiday calendar; default and minimum the policy's (e.g. Benxi §16: at least 5), at most 60. Where the regulation fixes the length, exactly that.")] int? WorkingDays = null);

[Description("An objection (异议) to a notice during its period: the facts and reasons, real-name or, where the policy allows, anonymous.")]
public sealed record ObjectionRequest(
    [property: Description("The facts and reasons, at most 5,000 characters.")] string Text,
    [property: Description("Real-name (实名): name and contact are then required. false is anonymous, refused where the policy takes real-name objections only.")] bool RealName,
    [property: Description("The objector's name or organisation (at most 100 characters); required when realName.")] string? Name = null,
    [property: Description("How to reach the objector (at most 200 characters); required when realName. Seen only by the office and the supervision group.")] string? Contact = null,
    [property: Description("The office's own tools only: the application the objection concerns (the public list does not show application ids; give entry instead).")] string? ApplicationId = null,
    [property: Description("The entry on the list the objection concerns: its number (entries[].entry, 序号); none for the list as a whole.")] int? Entry = null);

[Description("The office's finding on one objection after investigating it.")]
public sealed record FindingRequest(
    [property: Description("true: the objection is founded; the entry it concerns is taken off the list (Changde §24).")] bool Upheld,
    [property: Description("The finding as the objector will read it with their receipt code (Changde §40), at most 5,000 characters.")] string Finding);

[Description("One finding for several open objections at once; all or nothing.")]
public sealed record BulkFindingRequest(
    [property: Description("The objections (at most 45), each listed once.")] IReadOnlyList<string> ObjectionIds,
    [property: Description("true: founded; each entry concerned is taken off the list (Changde §24).")] bool Upheld,
    [property: Description("The finding every objector listed will read (Changde §40), at most 5,000 characters.")] string Finding);

public sealed record BulkFindingResult(int Recorded, PublicNotice Notice);

[Description("Follow an objection with the receipt code given when it was filed.")]
public sealed record ReceiptLookupRequest(
    [property: Description("The 12-character receipt code (case, spaces and hyphens ignored).")] string ReceiptCode);

/// <summary>A published notice in the list of notices.</summary>
public sealed record NoticeSummaryView(string NoticeId, string? CycleId, string? Title, string? FirstDay, string? LastDay, bool Closed);

/// <summary>
/// One line of a public list. No application id: those are internal keys (they open the office's
/// and the applicant's records). An entry is named by its number on the list as published (序号),
/// which stays the same when an upheld objection takes another entry off.
/// </summary>
public sealed record PublicEntry(
    [property: Description("The entry's number on the list as published (序号, from 1); an objection names it as entry.")] int Entry,
    string Name,
    string Category,
    string District,
    string? Tier,
    [property: Description("For an individual: the work unit (工作单位) as the application gave it.")] string? Employer = null);

[Description("A public notice (公示): its list, its period on the official calendar, its status.")]
public sealed record PublicNotice(
    string NoticeId,
    string CycleId,
    [property: Description("acceptance, candidates or proposed-winners.")] string List,
    string Title,
    [property: Description("First day (Asia/Shanghai date).")] DateOnly FirstDay,
    [property: Description("Last day: the workingDays-th working day, counting the first day if it is one.")] DateOnly LastDay,
    int WorkingDays,
    [property: Description("When the period ends: the midnight after the last day, Asia/Shanghai.")] DateTimeOffset ClosesAt,
    [property: Description("The article of the policy that prescribes the notice.")] string Article,
    [property: Description("upcoming, open (objections taken), awaiting-findings (period over, objections under investigation) or closed.")] string Status,
    [property: Description("The status as people read it (zh-CN).")] string StatusText,
    [property: Description("Whether the policy takes anonymous objections.")] bool AnonymousAllowed,
    [property: Description("The entries still on the list (an upheld objection takes its entry off).")] IReadOnlyList<PublicEntry> Entries,
    [property: Description("The day it was published (Asia/Shanghai date).")] DateOnly PublishedOn,
    [property: Description("Once closed: the result as the notice prints it (zh-CN): objections received, founded, entries taken off.")] string? Result,
    [property: Description("The cycle's title, e.g. 2026年度威海市市长质量奖.")] string? CycleTitle = null,
    [property: Description("The award and its city, e.g. 威海市市长质量奖.")] string? AwardName = null,
    [property: Description("The issuing body: the office the regulation charges with the notice (policy office.name).")] string? IssuedBy = null,
    [property: Description("Where and how to object: the office's address, telephone and mail (settings Offices:{policyId}).")] ObjectionChannel? ObjectionChannel = null,
    [property: Description("The article with the regulation's name, as the notice prints it (《…》第十六条).")] string? Basis = null,
    [property: Description("The period the policy sets, in its terms: 公示期为5个工作日 where it fixes the length, 公示期不少于5个工作日 where it sets a floor.")] string? PeriodRule = null,
    [property: Description("A rehearsal's notice (演练): for training, not a real public notice; it is left out of the public list.")] bool Rehearsal = false);

/// <summary>Where to object to a notice: the office the regulation names, and its contact from the settings.</summary>
public sealed record ObjectionChannel(string Office, string? Article, string Address, string Telephone, string Email);

public sealed record ObjectionReceipt(
    string ObjectionId,
    [property: Description("The objector's only way to follow the objection: shown once, stored only as a hash.")] string ReceiptCode,
    string Message);

public sealed record ObjectionStatus(
    string NoticeTitle,
    DateTimeOffset FiledAt,
    [property: Description("investigating or decided.")] string Status,
    string StatusText,
    [property: Description("Once decided: whether the objection was founded.")] bool? Upheld,
    [property: Description("Once decided: the office's finding (Changde §40).")] string? Finding);

public sealed record ObjectionView(string ObjectionId, string? ApplicationId, string? ApplicationName, bool RealName, string? ObjectorName, string? ObjectorContact, string Text, DateTimeOffset FiledAt, bool? Upheld, string? Finding, bool ObjectorNotified, [property: Description("The evidence files' ids (GET …/evidence/{evidenceId}).")] IReadOnlyList<string> Evidence);

/// <summary>
/// Public notices (公示): the office publishes a list for at least the policy's working days; anyone
/// reads it and may object during the period; the office investigates and records a finding; the
/// objector follows it with a receipt code. JSON under /api, zh-CN pages under /notices.
/// </summary>
public sealed class NoticeFunctions(
    NoticeCommands notices,
    ObjectionLookup lookup,
    Streams streams,
    ReadModels readModels,
    StorageClients storage,
    IOptions<DocumentsOptions> documents,
    IOptions<OfficeOptions> offices,
    ILoggerFactory loggers,
    Cycles.CycleClock cycleClock,
    TimeProvider clock)
{
    private readonly ILogger _log = loggers.CreateLogger<NoticeFunctions>();

    private const string Tag = "Notices";
    private const string PublicTag = "Public";
    private const string PagesTag = "Pages";

    [Function("PublishNotice")]
    [Allow(Roles.Office)]
    [Api(Tag, "Publish the applications standing at a notice stage (acceptance, candidates, proposed-winners) from firstDay for the policy's working days (or more). Publishing the same notice again answers 200.", Body = typeof(OpenNoticeRequest), Returns = typeof(PublicNotice), Status = 201)]
    [Refuses(404, "cycle.not-found")]
    [Refuses(409, "notice.objection-channel-missing", "notice.not-in-policy", "notice.exists", "notice.empty", "calendar.year-missing", "concurrency.conflict")]
    [Refuses(422, "cycleId.malformed", "cycleId.missing", "notice.list-unknown", "notice.too-short", "notice.exact-length", "notice.too-long", "notice.first-day-past")]
    public async Task<IResult> PublishNotice([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/cycles/{cycleId}/notices")] HttpRequest req, string cycleId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<OpenNoticeRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (ParseList(request!.List) is not { } list)
        {
            return Problems.For(http, Refusal.Invalid("notice.list-unknown", "公示名单应为 acceptance（受理名单）、candidates（候选名单）或 proposed-winners（获奖建议名单）。", "list is acceptance, candidates or proposed-winners.", "list"));
        }

        // A 公示 says where to object: no notice for a policy whose office has no contact in the settings.
        if (CycleId.Parse(cycleId) is { IsOk: true } cid && await streams.LoadAsync(StreamKinds.Cycle, cid.Value.StreamId, ct) is { Exists: true } cycle
            && offices.Value.For(cycle.PolicyId) is null)
        {
            var office = cycle.Policy.Office?.Name ?? cycle.Policy.City.Name + "评审办公室";
            return Problems.For(http, Refusal.Rule(
                "notice.objection-channel-missing",
                $"公示不能发布：公示须写明受理异议的地址、电话和电子邮箱，但尚未配置{office}的联系方式（设置项 Offices:{cycle.PolicyId}:Address、Telephone、Email）。",
                $"The notice cannot be published: it must say where to object, and no address, telephone and mail are configured for the {cycle.Policy.City.NameEn} award office (settings Offices:{cycle.PolicyId}:Address, Telephone, Email)."));
        }

        var outcome = await notices.OpenAsync(cycleId, list, request.FirstDay, request.WorkingDays, Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
        if (outcome.Refused)
        {
            return Problems.For(http, outcome.Refusal!);
        }

        // The notice's orchestration runs it to its close (started once; a retry finds it running).
        await NoticeWorkflow.StartAsync(durable, outcome.State, _log, ct);

        var view = await PublicViewAsync(outcome.State, ct);
        return outcome.Appended.Count == 0 ? Results.Ok(view) : Results.Created($"/api/public/notices/{view.NoticeId}", view);
    }

    [Function("ListObjections")]
    [Allow(Roles.Office, Roles.Supervisor)]
    [Api(Tag, "Every objection to a notice, with the objector's identity (office and supervisors only).", Returns = typeof(ObjectionView[]))]
    [Refuses(404, "notice.not-found")]
    public async Task<IResult> ListObjections([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/notices/{noticeId}/objections")] HttpRequest req, string noticeId, CancellationToken ct)
    {
        var notice = await LoadAsync(noticeId, ct);
        if (notice is null)
        {
            return NotFound(req.HttpContext);
        }

        var names = notice.Opened!.Entries.ToDictionary(e => e.ApplicationId, e => e.Name, StringComparer.Ordinal);
        return Results.Ok(notice.Objections.Select(o => new ObjectionView(
            o.Filed.ObjectionId,
            o.Filed.ApplicationId,
            o.Filed.ApplicationId is { } a && names.TryGetValue(a, out var n) ? n : null,
            o.Filed.RealName,
            o.Filed.ObjectorName,
            o.Filed.ObjectorContact,
            o.Filed.Text,
            o.Filed.At,
            o.Finding?.Upheld,
            o.Finding?.Finding,
            o.ObjectorNotified,
            o.Filed.EvidenceDocumentIds)));
    }

    [Function("RecordFinding")]
    [Allow(Roles.Office)]
    [Api(Tag, "Record the investigation's finding. An upheld objection takes its entry off the list (Changde §24).", Body = typeof(FindingRequest), Returns = typeof(PublicNotice))]
    [Refuses(404, "notice.not-found", "objection.not-found")]
    [Refuses(409, "objection.decided", "concurrency.conflict")]
    [Refuses(422, "objection.finding-missing")]
    public async Task<IResult> RecordFinding([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/notices/{noticeId}/objections/{objectionId}/finding")] HttpRequest req, string noticeId, string objectionId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<FindingRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = await notices.RunAsync(noticeId, new RecordObjectionFinding(objectionId, request!.Upheld, request.Finding ?? string.Empty), Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
        if (outcome.Refused)
        {
            return Problems.For(http, outcome.Refusal!);
        }

        // The notice's orchestration applies an upheld finding and closes once none is open.
        await NoticeWorkflow.ChangedAsync(durable, noticeId, "finding", _log, ct);
        return Results.Ok(View(outcome.State, await cycleClock.NowAsync(outcome.State.Opened!.CycleId, ct)));
    }

    [Function("RecordFindings")]
    [Allow(Roles.Office)]
    [Api(Tag, "Record one finding for several open objections at once (at most 45), e.g. to dismiss a flood as inadmissible: all or nothing; a refusal names every objection that cannot take it.", Body = typeof(BulkFindingRequest), Returns = typeof(BulkFindingResult))]
    [Refuses(404, "notice.not-found")]
    [Refuses(409, "objection.bulk-refused", "concurrency.conflict")]
    [Refuses(422, "objection.ids-missing", "objection.too-many-at-once", "objection.finding-missing", "objection.bulk-refused")]
    public async Task<IResult> RecordFindings([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/notices/{noticeId}/objections/findings")] HttpRequest req, string noticeId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<BulkFindingRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var command = new RecordObjectionFindings(request!.ObjectionIds ?? [], request.Upheld, request.Finding ?? string.Empty);
        var outcome = await notices.RunAsync(noticeId, command, Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
        if (outcome.Refused)
        {
            return Problems.For(http, outcome.Refusal!);
        }

        await NoticeWorkflow.ChangedAsync(durable, noticeId, "findings", _log, ct);
        return Results.Ok(new BulkFindingResult(outcome.Appended.Count(e => e.Event is ObjectionFindingRecorded), View(outcome.State, await cycleClock.NowAsync(outcome.State.Opened!.CycleId, ct))));
    }

    [Function("ListPublicNotices")]
    [Public]
    [Api(PublicTag, "Every published notice, newest first.", Returns = typeof(NoticeSummaryView[]))]
    public async Task<IResult> ListPublicNotices([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/public/notices")] HttpRequest req, CancellationToken ct)
    {
        var rows = await PublicRowsAsync(ct);
        return Results.Ok(rows.OrderByDescending(r => r.GetString("FirstDay")).Select(r => new NoticeSummaryView(
            r.RowKey,
            r.GetString("CycleId"),
            r.GetString("Title"),
            r.GetString("FirstDay"),
            r.GetString("LastDay"),
            r.GetBoolean("Closed") ?? false)));
    }

    /// <summary>The notices the public list shows: a rehearsal's are not public notices (decision 0022).</summary>
    private async Task<IReadOnlyList<Azure.Data.Tables.TableEntity>> PublicRowsAsync(CancellationToken ct) =>
        [.. (await readModels.PartitionAsync(NoticeIndex.Partition, ct)).Where(r => r.GetBoolean("Rehearsal") != true)];

    [Function("GetPublicNotice")]
    [Public]
    [Api(PublicTag, "A notice: its list, its period (working days, on the official calendar), its status.", Returns = typeof(PublicNotice))]
    [Refuses(404, "notice.not-found")]
    public async Task<IResult> GetPublicNotice([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/public/notices/{noticeId}")] HttpRequest req, string noticeId, CancellationToken ct)
    {
        var notice = await LoadAsync(noticeId, ct);
        return notice is null ? NotFound(req.HttpContext) : Results.Ok(await PublicViewAsync(notice, ct));
    }

    [Function("FileObjection")]
    [Public]
    [RateLimited(RateLimitGate.PublicWrites)]
    [Api(PublicTag, "Object to a notice during its period, real-name or (where the policy allows) anonymous: JSON, or multipart/form-data with the same fields and up to 10 evidence files (PDF, Word, Excel, JPEG, PNG). Keep the receipt code to follow it.", Body = typeof(ObjectionRequest), BodyMediaTypes = ["multipart/form-data", "application/x-www-form-urlencoded"], Returns = typeof(ObjectionReceipt), Status = 201)]
    [Refuses(400, "request.json-invalid", "objection.form-invalid", "document.upload-incomplete")]
    [Refuses(404, "notice.not-found", "notice.entry-not-found")]
    [Refuses(409, "notice.not-open", "notice.not-started", "notice.period-over", "objection.real-name-required", "concurrency.conflict")]
    [Refuses(413, "document.too-large")]
    [Refuses(415, "document.type-not-allowed", "document.pdf-active-content", "document.pdf-uninspectable", "document.polyglot", "document.office-macros", "document.zip-entry-name", "document.zip-unpacked-too-large")]
    [Refuses(422, "objection.anonymous-identified", "text.no-visible-character", "objection.text-invalid", "objection.identity-missing", "objection.identity-too-long", "objection.too-many-files", "objection.form-invalid", "objection.field-too-long", "document.empty")]
    public async Task<IResult> FileObjection([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/public/notices/{noticeId}/objections")] HttpRequest req, string noticeId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (outcome, objectionId, receipt, _) = await FileAsync(noticeId, http, ct);
        if (!outcome.Refused)
        {
            // An open objection holds the close: the notice's orchestration hears of it.
            await NoticeWorkflow.ChangedAsync(durable, noticeId, "objection", _log, ct);
        }

        // No Location: the only address of an objection's status is its receipt code, a secret that must not end up in a URL.
        return outcome.Refused
            ? Problems.For(http, outcome.Refusal!, outcome.Status)
            : Results.Created((string?)null, new ObjectionReceipt(objectionId, receipt, ReceiptMessage(receipt)));
    }

    [Function("DownloadEvidence")]
    [Allow(Roles.Office, Roles.Supervisor)]
    [RateLimited(RateLimitGate.Downloads)]
    [Api(Tag, "An objection's evidence file (office and supervisors only).", Produces = "application/octet-stream")]
    [Refuses(404, "notice.not-found", "document.content-missing")]
    public async Task<IResult> DownloadEvidence([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/notices/{noticeId}/objections/{objectionId}/evidence/{evidenceId}")] HttpRequest req, string noticeId, string objectionId, string evidenceId, CancellationToken ct)
    {
        var http = req.HttpContext;
        var notice = await LoadAsync(noticeId, ct);
        var objection = notice?.Objections.FirstOrDefault(o => o.Filed.ObjectionId == objectionId);
        if (objection is null || !objection.Filed.EvidenceDocumentIds.Contains(evidenceId))
        {
            return NotFound(http);
        }

        var blob = storage.Container(StorageClients.DocumentsContainer).GetBlobClient(ObjectionEvidence.Prefix(noticeId, objectionId) + evidenceId);
        var content = await StoredFiles.OpenAsync(blob, ct);
        if (content is null)
        {
            ObjectionEvidence.LogMissing(loggers.CreateLogger<NoticeFunctions>(), noticeId, objectionId, evidenceId, blob.BlobContainerName, blob.Name);
            return Problems.For(http, StoredFiles.ContentMissing());
        }

        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "private, no-store";
        return Results.Stream(content.Content, content.Details.ContentType, fileDownloadName: evidenceId + Extension(content.Details.ContentType));
    }

    // A POST, not GET /objections/{code}: the code is a secret (paths end up in logs), and
    // reading a finding records that the objector was told (Changde §40), a change of state.
    [Function("LookUpObjection")]
    [Public]
    [RateLimited(RateLimitGate.ReceiptLookups)]
    [Api(PublicTag, "Follow an objection with its receipt code ({\"receiptCode\": \"…\"}): under investigation, or the finding (Changde §40); reading a finding records that the objector was told.", Body = typeof(ReceiptLookupRequest), Returns = typeof(ObjectionStatus))]
    [Refuses(404, "objection.receipt-unknown")]
    public async Task<IResult> LookUpObjection([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/public/objections/lookup")] HttpRequest req, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<ReceiptLookupRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var status = await lookup.FindAsync(request!.ReceiptCode ?? string.Empty, ct);
        return status is null
            ? Problems.For(http, Refusal.NotFound("objection.receipt-unknown", "查询码不正确。", "Unknown receipt code."))
            : Results.Ok(status);
    }

    [Function("ShowNoticesPage")]
    [Public]
    [Api(PagesTag, "The page of public notices (公示公告), newest first.", Produces = "text/html")]
    public async Task<IResult> ShowNoticesPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "notices")] HttpRequest req, CancellationToken ct)
    {
        var rows = await PublicRowsAsync(ct);
        var body = new StringBuilder("<h1>公示公告</h1>");
        var today = ShanghaiTime.DateOf(clock.GetUtcNow());
        if (rows.Count == 0)
        {
            body.Append("<p class=\"note\">目前没有公示。</p>");
        }
        else
        {
            body.Append("<table><thead><tr><th>公示</th><th>公示期</th><th>状态</th></tr></thead><tbody>");
            foreach (var r in rows.OrderByDescending(r => r.GetString("FirstDay")))
            {
                body.Append("<tr><td><a href=\"/notices/").Append(Html.E(r.RowKey)).Append("\">").Append(Html.E(r.GetString("Title"))).Append("</a></td><td>")
                    .Append(Html.E(FullDate(r.GetString("FirstDay")))).Append("至").Append(Html.E(FullDate(r.GetString("LastDay")))).Append("</td><td>")
                    .Append((r.GetBoolean("Closed") ?? false) ? "已结束" : DateOnly.TryParseExact(r.GetString("FirstDay"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first) && first > today ? "尚未开始" : "公示中").Append("</td></tr>");
            }

            body.Append("</tbody></table>");
        }

        body.Append("<nav><p><a href=\"/objections\">查询异议处理结果</a></p></nav>");
        return Html.Page("公示公告", body.ToString(), site: await Html.SiteAsync(readModels, ct));
    }

    [Function("ShowNoticePage")]
    [Public]
    [Api(PagesTag, "A notice's page: its list and period, and while it runs the objection form (multipart, with evidence files). 404 page for an unknown notice.", Produces = "text/html")]
    public async Task<IResult> ShowNoticePage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "notices/{noticeId}")] HttpRequest req, string noticeId, CancellationToken ct)
    {
        var notice = await LoadAsync(noticeId, ct);
        if (notice is null)
        {
            return await NoticeMissingPageAsync(ct);
        }

        var view = await PublicViewAsync(notice, ct);
        return Html.Page(view.Title, NoticePage(view, null, null), site: view.AwardName);
    }

    [Function("FileObjectionFromPage")]
    [Public]
    [RateLimited(RateLimitGate.PublicWrites)]
    [Api(PagesTag, "The notice page's objection form: 303 to the page that shows the receipt code once, or the notice page again with the refusal and what was typed.", BodyMediaTypes = ["multipart/form-data", "application/x-www-form-urlencoded"], Produces = "text/html", Status = 303)]
    public async Task<IResult> FileObjectionFromPage([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "forms/notices/{noticeId}/objections")] HttpRequest req, string noticeId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var http = req.HttpContext;
        var notice = await LoadAsync(noticeId, ct);
        if (notice is null || !req.HasFormContentType)
        {
            return await NoticeMissingPageAsync(ct);
        }

        var (outcome, _, receipt, input) = await FileAsync(noticeId, http, ct);
        if (outcome.Refused)
        {
            var view = await PublicViewAsync(notice, ct);
            return Html.Page(view.Title, NoticePage(view, outcome.Refusal!.Zh, input), outcome.Status, view.AwardName);
        }

        await NoticeWorkflow.ChangedAsync(durable, noticeId, "objection", _log, ct);

        // Post/redirect/get: the receipt code travels to the page in a cookie for that page alone
        // (never in the address, which ends up in logs and history), and is shown once.
        ReceiptCookie.Set(http, $"/notices/{noticeId}/filed", receipt);
        return Html.SeeOther($"/notices/{noticeId}/filed");
    }

    [Function("ShowObjectionFiledPage")]
    [Public]
    [Api(PagesTag, "Where the objection form leads (303): the receipt code, shown once.", Produces = "text/html")]
    public async Task<IResult> ShowObjectionFiledPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "notices/{noticeId}/filed")] HttpRequest req, string noticeId, CancellationToken ct)
    {
        var notice = await LoadAsync(noticeId, ct);
        if (notice is null)
        {
            return await NoticeMissingPageAsync(ct);
        }

        var view = await PublicViewAsync(notice, ct);
        var receipt = ReceiptCookie.Take(req.HttpContext, $"/notices/{noticeId}/filed");
        return Html.Page("异议已受理", receipt is null
            ? $"<h1>异议已受理</h1><p>查询码只显示一次，已经显示过。请凭您保存的查询码在<a href=\"/objections\">异议查询</a>页面查看处理结果。</p><p><a href=\"/notices/{Html.E(noticeId)}\">返回《{Html.E(view.Title)}》</a></p>"
            : $"<h1>异议已受理</h1><p>您对《{Html.E(view.Title)}》提出的异议已经登记。</p><p>查询码：<span class=\"receipt\" id=\"receipt\">{Html.E(receipt)}</span></p><p class=\"note\">请妥善保存查询码，凭码可在<a href=\"/objections\">异议查询</a>页面查看调查处理结果。查询码只显示这一次。</p>",
            site: view.AwardName);
    }

    [Function("ShowObjectionLookupPage")]
    [Public]
    [Api(PagesTag, "The page where an objector enters the receipt code (异议查询).", Produces = "text/html")]
    public async Task<IResult> ShowObjectionLookupPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "objections")] HttpRequest req, CancellationToken ct) =>
        Html.Page("异议查询", ObjectionLookup.Form(null), site: await Html.SiteAsync(readModels, ct));

    [Function("LookUpObjectionFromPage")]
    [Public]
    [RateLimited(RateLimitGate.ReceiptLookups)]
    [Api(PagesTag, "The lookup page's form (field code): 303 to /objections/result, the code carried in a short-lived HttpOnly SameSite=Strict cookie (never in the address); the form again (404) when the code cannot be one; a 403 page for a post from another site.", BodyMediaTypes = ["application/x-www-form-urlencoded"], Produces = "text/html", Status = 303)]
    public Task<IResult> LookUpObjectionFromPage([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "forms/objections/lookup")] HttpRequest req, CancellationToken ct) =>
        ObjectionLookup.AcceptAsync(req, readModels, ct);

    /// <summary>
    /// Rate-limited like the form: the cookie holds the code itself, so without the limit a forged
    /// cookie would be an unmetered way to guess codes.
    /// </summary>
    [Function("ShowObjectionLookupResult")]
    [Public]
    [RateLimited(RateLimitGate.ReceiptLookups)]
    [Api(PagesTag, "Where the lookup form leads (303): the objection's status and, once decided, the finding (Changde §40); reading a finding records that the objector was told. The form again with the error (404) for an unknown code, or with a note when no lookup is pending (the cookie lives 10 minutes).", Produces = "text/html")]
    public async Task<IResult> ShowObjectionLookupResult([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "objections/result")] HttpRequest req, CancellationToken ct)
    {
        var code = LookupCookie.Get(req.HttpContext);
        if (code is null)
        {
            return Html.Page("异议查询", ObjectionLookup.Form(null, LookupPage.NoPending), site: await Html.SiteAsync(readModels, ct));
        }

        var status = await lookup.FindAsync(code, ct);
        if (status is null)
        {
            return Html.Page("异议查询", ObjectionLookup.Form(LookupPage.WrongCode), StatusCodes.Status404NotFound, await Html.SiteAsync(readModels, ct));
        }

        var body = new StringBuilder("<h1>异议处理情况</h1><table>")
            .Append("<tr><th scope=\"row\">公示</th><td>").Append(Html.E(status.NoticeTitle)).Append("</td></tr>")
            .Append("<tr><th scope=\"row\">提出时间</th><td>").Append(Html.E(ShanghaiTime.ToShanghai(status.FiledAt).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))).Append("</td></tr>")
            .Append("<tr><th scope=\"row\">状态</th><td id=\"status\">").Append(Html.E(status.StatusText)).Append("</td></tr>");
        if (status.Finding is not null)
        {
            body.Append("<tr><th scope=\"row\">调查结论</th><td id=\"finding\">").Append(Html.E(status.Finding)).Append("</td></tr>");
        }

        body.Append("</table><p><a href=\"/objections\">查询其他异议</a></p>");
        return Html.Page("异议处理情况", body.ToString(), site: await Html.SiteAsync(readModels, ct));
    }

    private static string NoticePage(PublicNotice n, string? error, ObjectionRequest? input)
    {
        var individuals = n.Entries.Any(e => e.Category == "individual");
        var body = new StringBuilder()
            .Append("<h1>").Append(Html.E(n.Title)).Append("</h1>");
        if (n.Rehearsal)
        {
            body.Append("<p class=\"warning\" role=\"note\">演练公示：本页用于培训演练，不是正式公示，不具有公示效力。</p>");
        }

        if (n.CycleTitle is not null)
        {
            body.Append("<p>").Append(Html.E(n.CycleTitle)).Append("</p>");
        }

        body.Append("<dl class=\"facts\">");
        if (n.IssuedBy is not null)
        {
            body.Append("<dt>发布单位</dt><dd id=\"issued-by\">").Append(Html.E(n.IssuedBy)).Append("</dd>");
        }

        body.Append("<dt>发布日期</dt><dd id=\"published-on\">").Append(Html.Date(n.PublishedOn)).Append("</dd>")
            .Append("<dt>公示期</dt><dd id=\"period\">").Append(Html.Date(n.FirstDay)).Append("至").Append(Html.Date(n.LastDay))
            .Append("（").Append(n.WorkingDays).Append("个工作日，依据").Append(Html.E(n.Basis ?? n.Article)).Append(n.PeriodRule is { } rule ? "；" + Html.E(rule) : string.Empty).Append("）</dd>")
            .Append("<dt>状态</dt><dd><strong id=\"status\">").Append(Html.E(n.StatusText)).Append("</strong></dd></dl>");
        if (n.Result is not null)
        {
            body.Append("<p id=\"result\"><strong>公示结果：</strong>").Append(Html.E(n.Result)).Append("</p>");
        }

        body.Append("<table><thead><tr><th scope=\"col\">序号</th><th scope=\"col\">名称</th><th scope=\"col\">类别</th>")
            .Append(individuals ? "<th scope=\"col\">工作单位</th>" : string.Empty).Append("<th scope=\"col\">所在区县</th></tr></thead><tbody>");
        foreach (var e in n.Entries)
        {
            body.Append("<tr><td>").Append(e.Entry).Append("</td><td>").Append(Html.E(e.Name)).Append("</td><td>")
                .Append(e.Category == "individual" ? "个人" : "组织").Append("</td>");
            if (individuals)
            {
                body.Append("<td>").Append(Html.E(e.Employer)).Append("</td>");
            }

            body.Append("<td>").Append(Html.E(e.District)).Append("</td></tr>");
        }

        body.Append("</tbody></table>");
        if (n.ObjectionChannel is { } ch)
        {
            body.Append("<h2>异议受理</h2><p id=\"objection-channel\">对公示名单有异议的，请在公示期内（").Append(Html.Date(n.FirstDay)).Append("至").Append(Html.Date(n.LastDay))
                .Append("）向").Append(Html.E(ch.Office)).Append("提出，写明事实和理由，并提供相应证明材料")
                .Append(n.AnonymousAllowed ? "；提倡实名提出" : "；只受理实名异议").Append("。</p><dl class=\"facts\">")
                .Append("<dt>地址</dt><dd>").Append(Html.E(ch.Address)).Append("</dd>")
                .Append("<dt>电话</dt><dd>").Append(Html.E(ch.Telephone)).Append("</dd>")
                .Append("<dt>电子邮箱</dt><dd>").Append(Html.E(ch.Email)).Append("</dd>")
                .Append("<dt>网上提交</dt><dd>公示期内可在本页下方提交</dd></dl>");
        }

        if (n.IssuedBy is not null)
        {
            body.Append("<p style=\"text-align:right\">").Append(Html.E(n.IssuedBy)).Append("<br>").Append(Html.Date(n.PublishedOn)).Append("</p>");
        }

        if (n.Status != "open")
        {
            return body.Append("<p class=\"note noprint\">公示期外不受理异议。</p>").ToString();
        }

        body.Append("<h2 class=\"noprint\">网上提出异议</h2><p class=\"note\">对公示名单有异议的，可在公示期内提出，请写明事实和理由。")
            .Append(n.AnonymousAllowed ? "提倡实名提出。" : "本公示只受理实名异议。").Append("</p>");
        if (error is not null)
        {
            body.Append("<p class=\"error\" id=\"error\" role=\"alert\">").Append(Html.E(error)).Append("</p>");
        }

        body.Append("<form method=\"post\" enctype=\"multipart/form-data\" action=\"/forms/notices/").Append(Html.E(n.NoticeId)).Append("/objections\">")
            .Append("<label for=\"entry\">异议对象</label><select id=\"entry\" name=\"entry\"><option value=\"\">（整个名单）</option>");
        foreach (var e in n.Entries)
        {
            var selected = input?.Entry == e.Entry ? " selected" : string.Empty;
            body.Append("<option value=\"").Append(e.Entry).Append('"').Append(selected).Append('>').Append(e.Entry).Append(". ").Append(Html.E(e.Name)).Append("</option>");
        }

        body.Append("</select>")
            .Append("<label for=\"text\">异议内容（事实和理由）</label><textarea id=\"text\" name=\"text\" rows=\"6\" maxlength=\"5000\" required>").Append(Html.E(input?.Text)).Append("</textarea>")
            .Append("<label><input type=\"checkbox\" name=\"realName\" value=\"true\"").Append(input is null || input.RealName ? " checked" : string.Empty).Append(n.AnonymousAllowed ? string.Empty : " disabled checked").Append("> 实名提出</label>");
        if (!n.AnonymousAllowed)
        {
            body.Append("<input type=\"hidden\" name=\"realName\" value=\"true\">");
        }

        body.Append("<label for=\"name\">姓名或单位名称</label><input type=\"text\" id=\"name\" name=\"name\" maxlength=\"100\" value=\"").Append(Html.E(input?.Name)).Append("\">")
            .Append("<label for=\"contact\">联系方式</label><input type=\"text\" id=\"contact\" name=\"contact\" maxlength=\"200\" value=\"").Append(Html.E(input?.Contact)).Append("\">")
            .Append("<label for=\"evidence\">证明材料（可选，至多").Append(NoticeDecider.MaxEvidenceFiles).Append("个文件：PDF、Word、Excel、JPEG、PNG）</label><input type=\"file\" id=\"evidence\" name=\"evidence\" multiple>")
            .Append("<p><button type=\"submit\">提交异议</button></p></form>");
        return body.ToString();
    }

    private sealed record FiledOutcome(bool Refused, Refusal? Refusal, int Status);

    /// <summary>
    /// An objection from JSON, a plain form, or a multipart form with evidence files (the input is
    /// given back for the page to show again). Files are stored (and checked) as they arrive; a
    /// refused objection deletes them.
    /// </summary>
    private async Task<(FiledOutcome Outcome, string ObjectionId, string Receipt, ObjectionRequest? Input)> FileAsync(string noticeId, HttpContext http, CancellationToken ct)
    {
        var logger = loggers.CreateLogger(typeof(ObjectionEvidence).FullName!);
        if (NoticeId.Parse(noticeId) is { IsOk: false })
        {
            return (new FiledOutcome(true, Refusal.NotFound("notice.not-found", "公示不存在。", "No such notice."), StatusCodes.Status404NotFound), string.Empty, string.Empty, null);
        }

        ObjectionRequest? input;
        string objectionId;
        IReadOnlyList<string> evidence = [];
        IReadOnlyList<Azure.Storage.Blobs.BlobClient> blobs = [];
        if (http.Request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true)
        {
            if (await notices.PermObjectAsync(noticeId, ct) is { } closed)
            {
                return (new FiledOutcome(true, closed, Problems.StatusOf(closed)), string.Empty, string.Empty, null);
            }

            if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = null; // each file is counted against Documents:MaxBytes as it streams
            }

            var (upload, refusal, status) = await ObjectionEvidence.ReadAsync(http.Request, noticeId, storage, documents.Value, logger, ct);
            if (upload is null)
            {
                return (new FiledOutcome(true, refusal, status), string.Empty, string.Empty, null);
            }

            (input, objectionId, evidence, blobs) = (upload.Request, upload.ObjectionId, upload.Evidence, upload.Blobs);
        }
        else if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(ct);
            input = new ObjectionRequest(form["text"].ToString(), form["realName"] == "true", NullIfEmpty(form["name"].ToString()), NullIfEmpty(form["contact"].ToString()), NullIfEmpty(form["applicationId"].ToString()), EntryOf(form["entry"].ToString()));
            objectionId = NoticeCommands.NewObjectionId();
        }
        else
        {
            var (request, problem) = await JsonBody.ReadAsync<ObjectionRequest>(http, ct);
            if (problem is not null)
            {
                return (new FiledOutcome(true, Refusal.Invalid("request.json-invalid", "请求不是有效的JSON。", "The request is not valid JSON."), StatusCodes.Status400BadRequest), string.Empty, string.Empty, null);
            }

            input = request!;
            objectionId = NoticeCommands.NewObjectionId();
        }

        // The public names an entry by its number; the record keeps the application it is.
        var applicationId = input.ApplicationId;
        if (input.Entry is { } entry)
        {
            var notice = await LoadAsync(noticeId, ct);
            applicationId = notice?.Opened is { } opened && entry >= 1 && entry <= opened.Entries.Count && notice.Entries.Any(e => e.ApplicationId == opened.Entries[entry - 1].ApplicationId)
                ? opened.Entries[entry - 1].ApplicationId
                : null;
            if (applicationId is null && notice is not null)
            {
                await ObjectionEvidence.DeleteAsync(blobs, logger);
                var missing = Refusal.NotFound("notice.entry-not-found", $"名单上没有序号为{entry}的条目。", $"The list has no entry {entry}.");
                return (new FiledOutcome(true, missing, StatusCodes.Status404NotFound), objectionId, string.Empty, input);
            }
        }

        var (outcome, id, receipt) = await notices.FileObjectionAsync(noticeId, objectionId, applicationId, input.RealName, NullIfEmpty(input.Name), NullIfEmpty(input.Contact), input.Text ?? string.Empty, evidence, ct);
        if (outcome.Refused)
        {
            await ObjectionEvidence.DeleteAsync(blobs, logger);
            return (new FiledOutcome(true, outcome.Refusal, Problems.StatusOf(outcome.Refusal!)), id, receipt, input);
        }

        return (new FiledOutcome(false, null, StatusCodes.Status201Created), id, receipt, input);
    }

    private static string Extension(string? contentType) => Domain.Applications.FileTypes.All.FirstOrDefault(t => t.ContentType == contentType)?.Extension ?? string.Empty;

    private static readonly LookupPage ObjectionLookup = new("异议查询", "/objections", "/forms/objections/lookup", "/objections/result");

    public static PublicNotice View(NoticeState notice, DateTimeOffset now)
    {
        var o = notice.Opened!;
        var (status, text) = notice.IsClosed ? ("closed", "公示已结束")
            : now < ShanghaiTime.StartOf(o.FirstDay) ? ("upcoming", "尚未开始")
            : now < o.ClosesAt ? ("open", "公示中")
            : ("awaiting-findings", "公示期满，异议调查中");
        return new PublicNotice(
            o.NoticeId,
            o.CycleId,
            o.List.Slug(),
            o.Title,
            o.FirstDay,
            o.LastDay,
            o.WorkingDays,
            o.ClosesAt,
            o.Article,
            status,
            text,
            o.AnonymousAllowed,
            notice.Entries.Select(e => new PublicEntry(EntryNumber(o, e.ApplicationId) ?? 0, e.Name, Wire.Name(e.Category), e.District, e.Tier?.ToString().ToLowerInvariant(), e.Employer)).ToList(),
            ShanghaiTime.DateOf(o.At),
            notice.IsClosed ? Result(notice) : null,
            Rehearsal: o.Rehearsal);
    }

    /// <summary>A closed notice's result: objections received, founded, and which entries were taken off (by number).</summary>
    private static string Result(NoticeState notice)
    {
        var o = notice.Opened!;
        var removed = o.Entries.Select((e, i) => (e.ApplicationId, Number: i + 1)).Where(x => notice.Entries.All(e => e.ApplicationId != x.ApplicationId)).Select(x => x.Number.ToString(CultureInfo.InvariantCulture)).ToList();
        var filed = notice.Objections.Count;
        var upheld = notice.Objections.Count(x => x.Finding?.Upheld == true);
        var text = filed == 0
            ? "公示期内未收到异议，名单不变。"
            : $"公示期内收到异议{filed}件，经调查核实，异议成立{upheld}件" + (removed.Count > 0 ? $"，序号{string.Join("、", removed)}已从名单中撤下。" : "，名单不变。");
        return text + (notice.Entries.Count > 0 ? $"以上{notice.Entries.Count}项经公示确定。" : "名单经公示后无人确定。");
    }

    /// <summary>The notice with what the public reads beside the list: cycle title, award, issuing body, objection channel.</summary>
    private async Task<PublicNotice> PublicViewAsync(NoticeState notice, CancellationToken ct)
    {
        var view = View(notice, await cycleClock.NowAsync(notice.Opened!.CycleId, ct));
        if (CycleId.Parse(view.CycleId) is not { IsOk: true } id || await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct) is not { Exists: true } cycle)
        {
            return view;
        }

        var policy = cycle.Policy;
        var channel = policy.Office is { } office && offices.Value.For(policy.Id) is { } c
            ? new ObjectionChannel(office.Name, office.Article, c.Address!, c.Telephone!, c.Email!)
            : null;
        return view with { CycleTitle = cycle.Title, AwardName = policy.AwardName, IssuedBy = policy.Office?.Name, ObjectionChannel = channel, Basis = Regulation.Cite(policy.Document, view.Article),
            PeriodRule = policy.Stages.FirstOrDefault(s => s.Kind == StageKind.PublicNotice && s.List == notice.Opened!.List)?.PeriodRuleZh() };
    }

    private static string FullDate(string? isoDate) =>
        DateOnly.TryParseExact(isoDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? Html.Date(d) : isoDate ?? string.Empty;

    /// <summary>An application's number on the list as published (from 1), or null if it was not on it.</summary>
    private static int? EntryNumber(Domain.Notices.NoticeOpened opened, string applicationId)
    {
        for (var i = 0; i < opened.Entries.Count; i++)
        {
            if (opened.Entries[i].ApplicationId == applicationId)
            {
                return i + 1;
            }
        }

        return null;
    }

    private async Task<NoticeState?> LoadAsync(string noticeId, CancellationToken ct)
    {
        var id = NoticeId.Parse(noticeId);
        if (!id.IsOk)
        {
            return null;
        }

        var notice = await streams.LoadAsync(StreamKinds.Notice, id.Value.StreamId, ct);
        return notice.Exists ? notice : null;
    }

    private static NoticeList? ParseList(string? slug) =>
        Enum.GetValues<NoticeList>().Cast<NoticeList?>().FirstOrDefault(l => l!.Value.Slug() == slug);

    private static string ReceiptMessage(string receipt) => $"异议已受理。查询码：{receipt}，请妥善保存，凭码查询处理结果。";

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    /// <summary>The entry number a form names; 0 (no such entry) for anything that is not a number.</summary>
    private static int? EntryOf(string? s) =>
        string.IsNullOrWhiteSpace(s) ? null : int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static IResult NotFound(HttpContext http) => Problems.For(http, Refusal.NotFound("notice.not-found", "公示不存在。", "No such notice."));

    /// <summary>The page for a notice that does not exist (or a form posted to one), with the way back to the list.</summary>
    private async Task<IResult> NoticeMissingPageAsync(CancellationToken ct) =>
        Html.Page("公示不存在", "<h1>公示不存在</h1><p><a href=\"/notices\">返回公示列表</a></p>", StatusCodes.Status404NotFound, await Html.SiteAsync(readModels, ct));
}

/// <summary>Finds an objection by its receipt code and tells the objector the result, recording that they were told (Changde §40).</summary>
public sealed class ObjectionLookup(ReadModels readModels, Streams streams, NoticeCommands notices)
{
    public async Task<ObjectionStatus?> FindAsync(string receiptCode, CancellationToken ct)
    {
        if (!ReceiptCodes.LooksValid(receiptCode))
        {
            return null;
        }

        var row = await readModels.GetAsync(NoticeIndex.ReceiptPartition, ReceiptCodes.Hash(receiptCode), ct);
        if (row is null)
        {
            return null;
        }

        var noticeId = row.GetString("NoticeId");
        var objectionId = row.GetString("ObjectionId");
        var notice = await streams.LoadAsync(StreamKinds.Notice, NoticeId.Parse(noticeId).Value.StreamId, ct);
        var objection = notice.Objections.First(o => o.Filed.ObjectionId == objectionId);
        if (objection.Finding is { } finding)
        {
            if (!objection.ObjectorNotified)
            {
                await notices.RunAsync(noticeId, new MarkObjectorNotified(objectionId), new Actor("objector:" + objectionId, "public", "异议人"), "notified-" + objectionId, ct);
            }

            return new ObjectionStatus(notice.Opened!.Title, objection.Filed.At, "decided", finding.Upheld ? "经调查，异议属实" : "经调查，异议不成立", finding.Upheld, finding.Finding);
        }

        return new ObjectionStatus(notice.Opened!.Title, objection.Filed.At, "investigating", "正在调查核实", null, null);
    }
}
