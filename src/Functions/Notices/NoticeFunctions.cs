using System.Globalization;
using System.Text;
using QualityAward.Domain;
using QualityAward.Domain.Notices;
using QualityAward.Domain.Policies;
using Microsoft.Extensions.Options;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Notices;

public sealed record OpenNoticeRequest(string List, DateOnly FirstDay, int? WorkingDays = null);

public sealed record ObjectionRequest(string Text, bool RealName, string? Name = null, string? Contact = null, string? ApplicationId = null);

public sealed record FindingRequest(bool Upheld, string Finding);

public sealed record BulkFindingRequest(IReadOnlyList<string> ObjectionIds, bool Upheld, string Finding);

public sealed record BulkFindingResult(int Recorded, PublicNotice Notice);

public sealed record ReceiptLookupRequest(string ReceiptCode);

public sealed record PublicEntry(string ApplicationId, string Name, string Category, string District, string? Tier);

public sealed record PublicNotice(
    string NoticeId,
    string CycleId,
    string List,
    string Title,
    DateOnly FirstDay,
    DateOnly LastDay,
    int WorkingDays,
    DateTimeOffset ClosesAt,
    string Article,
    string Status,
    string StatusText,
    bool AnonymousAllowed,
    IReadOnlyList<PublicEntry> Entries);

public sealed record ObjectionReceipt(string ObjectionId, string ReceiptCode, string Message);

public sealed record ObjectionStatus(string NoticeTitle, DateTimeOffset FiledAt, string Status, string StatusText, bool? Upheld, string? Finding);

public sealed record ObjectionView(string ObjectionId, string? ApplicationId, string? ApplicationName, bool RealName, string? ObjectorName, string? ObjectorContact, string Text, DateTimeOffset FiledAt, bool? Upheld, string? Finding, bool ObjectorNotified, IReadOnlyList<string> Evidence);

/// <summary>
/// Public notices (公示): the office publishes a list for at least the policy's working days; anyone
/// reads it and may object during the period; the office investigates and records a finding; the
/// objector follows it with a receipt code. JSON under /api, zh-CN pages under /notices.
/// </summary>
public static class NoticeEndpoints
{
    public static void MapNotices(this IEndpointRouteBuilder app)
    {
        var office = app.MapGroup("/api").WithTags("Notices");
        office.MapPost("/cycles/{cycleId}/notices", async (string cycleId, HttpContext http, NoticeCommands notices, TimeProvider clock, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<OpenNoticeRequest>(http, ct);
            if (problem is not null)
            {
                return problem;
            }

            if (ParseList(request!.List) is not { } list)
            {
                return Problems.For(http, Refusal.Invalid("notice.list-unknown", "公示名单应为 acceptance（受理名单）、candidates（候选名单）或 proposed-winners（获奖建议名单）。", "list is acceptance, candidates or proposed-winners.", "list"));
            }

            var outcome = await notices.OpenAsync(cycleId, list, request.FirstDay, request.WorkingDays, Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
            if (outcome.Refused)
            {
                return Problems.For(http, outcome.Refusal!);
            }

            var view = View(outcome.State, clock.GetUtcNow());
            return outcome.Appended.Count == 0 ? Results.Ok(view) : Results.Created($"/api/public/notices/{view.NoticeId}", view);
        }).RequireAuthorization(Roles.Office).Accepts<OpenNoticeRequest>("application/json")
          .WithSummary("Publish the applications standing at a notice stage (acceptance, candidates, proposed-winners) from firstDay for the policy's working days (or more).");

        office.MapGet("/notices/{noticeId}/objections", async (string noticeId, HttpContext http, Streams streams, CancellationToken ct) =>
        {
            var notice = await LoadAsync(noticeId, streams, ct);
            if (notice is null)
            {
                return NotFound(http);
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
        }).RequireAuthorization(p => p.RequireRole(Roles.Office, Roles.Supervisor)).WithSummary("Every objection to a notice, with the objector's identity (office and supervisors only).");

        office.MapPost("/notices/{noticeId}/objections/{objectionId}/finding", async (string noticeId, string objectionId, HttpContext http, NoticeCommands notices, TimeProvider clock, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<FindingRequest>(http, ct);
            if (problem is not null)
            {
                return problem;
            }

            var outcome = await notices.RunAsync(noticeId, new RecordObjectionFinding(objectionId, request!.Upheld, request.Finding ?? string.Empty), Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
            return outcome.Refused ? Problems.For(http, outcome.Refusal!) : Results.Ok(View(outcome.State, clock.GetUtcNow()));
        }).RequireAuthorization(Roles.Office).Accepts<FindingRequest>("application/json")
          .WithSummary("Record the investigation's finding. An upheld objection takes its entry off the list (Changde §24).");

        office.MapPost("/notices/{noticeId}/objections/findings", async (string noticeId, HttpContext http, NoticeCommands notices, TimeProvider clock, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<BulkFindingRequest>(http, ct);
            if (problem is not null)
            {
                return problem;
            }

            var command = new RecordObjectionFindings(request!.ObjectionIds ?? [], request.Upheld, request.Finding ?? string.Empty);
            var outcome = await notices.RunAsync(noticeId, command, Caller.As(http.User, Roles.Office), http.TraceIdentifier, ct);
            return outcome.Refused
                ? Problems.For(http, outcome.Refusal!)
                : Results.Ok(new BulkFindingResult(outcome.Appended.Count(e => e.Event is ObjectionFindingRecorded), View(outcome.State, clock.GetUtcNow())));
        }).RequireAuthorization(Roles.Office).Accepts<BulkFindingRequest>("application/json")
          .WithSummary($"Record one finding for several open objections at once (at most {NoticeDecider.MaxFindingsAtOnce}), e.g. to dismiss a flood as inadmissible: all or nothing; a refusal names every objection that cannot take it.");

        var pub = app.MapGroup("/api/public").WithTags("Public").AllowAnonymous();
        pub.MapGet("/notices", async (ReadModels readModels, CancellationToken ct) =>
        {
            var rows = await readModels.PartitionAsync(NoticeIndex.Partition, ct);
            return Results.Ok(rows.OrderByDescending(r => r.GetString("FirstDay")).Select(r => new
            {
                noticeId = r.RowKey,
                cycleId = r.GetString("CycleId"),
                title = r.GetString("Title"),
                firstDay = r.GetString("FirstDay"),
                lastDay = r.GetString("LastDay"),
                closed = r.GetBoolean("Closed") ?? false,
            }));
        }).WithSummary("Every published notice, newest first.");

        pub.MapGet("/notices/{noticeId}", async (string noticeId, HttpContext http, Streams streams, TimeProvider clock, CancellationToken ct) =>
        {
            var notice = await LoadAsync(noticeId, streams, ct);
            return notice is null ? NotFound(http) : Results.Ok(View(notice, clock.GetUtcNow()));
        }).WithSummary("A notice: its list, its period (working days, on the official calendar), its status.");

        pub.MapPost("/notices/{noticeId}/objections", async (string noticeId, HttpContext http, NoticeCommands notices, StorageClients storage, IOptions<DocumentsOptions> documents, ILoggerFactory loggers, CancellationToken ct) =>
        {
            var (outcome, objectionId, receipt) = await FileAsync(noticeId, http, notices, storage, documents.Value, loggers, ct);
            // No Location: the only address of an objection's status is its receipt code, a secret that must not end up in a URL.
            return outcome.Refused
                ? Problems.For(http, outcome.Refusal!, outcome.Status)
                : Results.Created((string?)null, new ObjectionReceipt(objectionId, receipt, ReceiptMessage(receipt)));
        }).Accepts<ObjectionRequest>("application/json", "multipart/form-data").DisableAntiforgery().RequireRateLimiting(RateLimits.PublicWrites)
          .WithSummary("Object to a notice during its period, real-name or (where the policy allows) anonymous: JSON, or multipart/form-data with the same fields and up to 10 evidence files (PDF, Word, Excel, JPEG, PNG). Keep the receipt code to follow it.");

        office.MapGet("/notices/{noticeId}/objections/{objectionId}/evidence/{evidenceId}", async (string noticeId, string objectionId, string evidenceId, HttpContext http, Streams streams, StorageClients storage, ILoggerFactory loggers, CancellationToken ct) =>
        {
            var notice = await LoadAsync(noticeId, streams, ct);
            var objection = notice?.Objections.FirstOrDefault(o => o.Filed.ObjectionId == objectionId);
            if (objection is null || !objection.Filed.EvidenceDocumentIds.Contains(evidenceId))
            {
                return NotFound(http);
            }

            var blob = storage.Container(StorageClients.DocumentsContainer).GetBlobClient(ObjectionEvidence.Prefix(noticeId, objectionId) + evidenceId);
            var content = await StoredFiles.OpenAsync(blob, ct);
            if (content is null)
            {
                ObjectionEvidence.LogMissing(loggers.CreateLogger(typeof(NoticeEndpoints).FullName!), noticeId, objectionId, evidenceId, blob.BlobContainerName, blob.Name);
                return Problems.For(http, StoredFiles.ContentMissing());
            }

            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.CacheControl = "private, no-store";
            return Results.Stream(content.Content, content.Details.ContentType, fileDownloadName: evidenceId + Extension(content.Details.ContentType));
        }).RequireAuthorization(p => p.RequireRole(Roles.Office, Roles.Supervisor)).RequireRateLimiting(RateLimits.Downloads).WithSummary("An objection's evidence file (office and supervisors only).");

        // A POST, not GET /objections/{code}: the code is a secret (paths end up in logs), and
        // reading a finding records that the objector was told (Changde §40), a change of state.
        pub.MapPost("/objections/lookup", async (HttpContext http, ObjectionLookup lookup, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<ReceiptLookupRequest>(http, ct);
            if (problem is not null)
            {
                return problem;
            }

            var status = await lookup.FindAsync(request!.ReceiptCode ?? string.Empty, ct);
            return status is null
                ? Problems.For(http, Refusal.NotFound("objection.receipt-unknown", "查询码不正确。", "Unknown receipt code."))
                : Results.Ok(status);
        }).Accepts<ReceiptLookupRequest>("application/json").RequireRateLimiting(RateLimits.ReceiptLookups)
          .WithSummary("Follow an objection with its receipt code ({\"receiptCode\": \"…\"}): under investigation, or the finding (Changde §40); reading a finding records that the objector was told.");

        MapPages(app);
    }

    private static void MapPages(IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup(string.Empty).AllowAnonymous().ExcludeFromDescription();
        pages.MapGet("/notices", async (ReadModels readModels, CancellationToken ct) =>
        {
            var rows = await readModels.PartitionAsync(NoticeIndex.Partition, ct);
            var body = new StringBuilder("<h1>公示公告</h1>");
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
                        .Append(Html.E(r.GetString("FirstDay"))).Append(" 至 ").Append(Html.E(r.GetString("LastDay"))).Append("</td><td>")
                        .Append((r.GetBoolean("Closed") ?? false) ? "已结束" : "公示中").Append("</td></tr>");
                }

                body.Append("</tbody></table>");
            }

            body.Append("<p><a href=\"/objections\">查询异议处理结果</a></p>");
            return Html.Page("公示公告", body.ToString());
        });

        pages.MapGet("/notices/{noticeId}", async (string noticeId, Streams streams, TimeProvider clock, CancellationToken ct) =>
        {
            var notice = await LoadAsync(noticeId, streams, ct);
            return notice is null
                ? Html.Page("公示不存在", "<h1>公示不存在</h1><p><a href=\"/notices\">返回公示列表</a></p>", StatusCodes.Status404NotFound)
                : Html.Page(notice.Opened!.Title, NoticePage(View(notice, clock.GetUtcNow()), null, null));
        });

        pages.MapPost("/forms/notices/{noticeId}/objections", async (string noticeId, HttpContext http, NoticeCommands notices, Streams streams, StorageClients storage, IOptions<DocumentsOptions> documents, ILoggerFactory loggers, TimeProvider clock, CancellationToken ct) =>
        {
            var notice = await LoadAsync(noticeId, streams, ct);
            if (notice is null || !http.Request.HasFormContentType)
            {
                return Html.Page("公示不存在", "<h1>公示不存在</h1>", StatusCodes.Status404NotFound);
            }

            var (outcome, _, receipt, input) = await FileWithInputAsync(noticeId, http, notices, storage, documents.Value, loggers, ct);
            if (outcome.Refused)
            {
                return Html.Page(notice.Opened!.Title, NoticePage(View(notice, clock.GetUtcNow()), outcome.Refusal!.Zh, input), outcome.Status);
            }

            return Html.Page("异议已受理", $"<h1>异议已受理</h1><p>您对《{Html.E(notice.Opened!.Title)}》提出的异议已经登记。</p><p>查询码：<span class=\"receipt\" id=\"receipt\">{Html.E(receipt)}</span></p><p class=\"note\">请妥善保存查询码，凭码可在<a href=\"/objections\">异议查询</a>页面查看调查处理结果。查询码只显示这一次。</p>", StatusCodes.Status201Created);
        }).DisableAntiforgery().RequireRateLimiting(RateLimits.PublicWrites);

        pages.MapGet("/objections", () => Html.Page("异议查询", LookupForm(null)));

        pages.MapPost("/forms/objections/lookup", async (HttpContext http, ObjectionLookup lookup, CancellationToken ct) =>
        {
            var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct) : null;
            var status = await lookup.FindAsync(form?["code"].ToString() ?? string.Empty, ct);
            if (status is null)
            {
                return Html.Page("异议查询", LookupForm("查询码不正确，请核对后重新输入。"), StatusCodes.Status404NotFound);
            }

            var body = new StringBuilder("<h1>异议处理情况</h1><table>")
                .Append("<tr><th>公示</th><td>").Append(Html.E(status.NoticeTitle)).Append("</td></tr>")
                .Append("<tr><th>提出时间</th><td>").Append(Html.E(ShanghaiTime.ToShanghai(status.FiledAt).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))).Append("</td></tr>")
                .Append("<tr><th>状态</th><td id=\"status\">").Append(Html.E(status.StatusText)).Append("</td></tr>");
            if (status.Finding is not null)
            {
                body.Append("<tr><th>调查结论</th><td id=\"finding\">").Append(Html.E(status.Finding)).Append("</td></tr>");
            }

            return Html.Page("异议处理情况", body.Append("</table>").ToString());
        }).DisableAntiforgery().RequireRateLimiting(RateLimits.ReceiptLookups);
    }

    private static string NoticePage(PublicNotice n, string? error, ObjectionRequest? input)
    {
        var body = new StringBuilder()
            .Append("<h1>").Append(Html.E(n.Title)).Append("</h1>")
            .Append("<p>公示期：").Append(n.FirstDay.ToString("yyyy年M月d日", CultureInfo.InvariantCulture)).Append("至").Append(n.LastDay.ToString("yyyy年M月d日", CultureInfo.InvariantCulture))
            .Append("（").Append(n.WorkingDays).Append("个工作日，依据").Append(Html.E(n.Article)).Append("）。状态：<strong id=\"status\">").Append(Html.E(n.StatusText)).Append("</strong></p>")
            .Append("<table><thead><tr><th>序号</th><th>名称</th><th>类别</th><th>所在区县</th></tr></thead><tbody>");
        var i = 0;
        foreach (var e in n.Entries)
        {
            body.Append("<tr><td>").Append(++i).Append("</td><td>").Append(Html.E(e.Name)).Append("</td><td>")
                .Append(e.Category == "individual" ? "个人" : "组织").Append("</td><td>").Append(Html.E(e.District)).Append("</td></tr>");
        }

        body.Append("</tbody></table>");
        if (n.Status != "open")
        {
            return body.Append("<p class=\"note\">公示期外不受理异议。</p>").ToString();
        }

        body.Append("<h2>提出异议</h2><p class=\"note\">对公示名单有异议的，可在公示期内提出，请写明事实和理由。")
            .Append(n.AnonymousAllowed ? "提倡实名提出。" : "本公示只受理实名异议。").Append("</p>");
        if (error is not null)
        {
            body.Append("<p class=\"error\" id=\"error\" role=\"alert\">").Append(Html.E(error)).Append("</p>");
        }

        body.Append("<form method=\"post\" enctype=\"multipart/form-data\" action=\"/forms/notices/").Append(Html.E(n.NoticeId)).Append("/objections\">")
            .Append("<label for=\"applicationId\">异议对象</label><select id=\"applicationId\" name=\"applicationId\"><option value=\"\">（整个名单）</option>");
        foreach (var e in n.Entries)
        {
            var selected = input?.ApplicationId == e.ApplicationId ? " selected" : string.Empty;
            body.Append("<option value=\"").Append(Html.E(e.ApplicationId)).Append('"').Append(selected).Append('>').Append(Html.E(e.Name)).Append("</option>");
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

    private static async Task<(FiledOutcome Outcome, string ObjectionId, string Receipt)> FileAsync(
        string noticeId, HttpContext http, NoticeCommands notices, StorageClients storage, DocumentsOptions documents, ILoggerFactory loggers, CancellationToken ct)
    {
        var (outcome, objectionId, receipt, _) = await FileWithInputAsync(noticeId, http, notices, storage, documents, loggers, ct);
        return (outcome, objectionId, receipt);
    }

    /// <summary>
    /// An objection from JSON, a plain form, or a multipart form with evidence files. Files are
    /// stored (and checked) as they arrive; a refused objection deletes them.
    /// </summary>
    private static async Task<(FiledOutcome Outcome, string ObjectionId, string Receipt, ObjectionRequest? Input)> FileWithInputAsync(
        string noticeId, HttpContext http, NoticeCommands notices, StorageClients storage, DocumentsOptions documents, ILoggerFactory loggers, CancellationToken ct)
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

            var (upload, refusal, status) = await ObjectionEvidence.ReadAsync(http.Request, noticeId, storage, documents, logger, ct);
            if (upload is null)
            {
                return (new FiledOutcome(true, refusal, status), string.Empty, string.Empty, null);
            }

            (input, objectionId, evidence, blobs) = (upload.Request, upload.ObjectionId, upload.Evidence, upload.Blobs);
        }
        else if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(ct);
            input = new ObjectionRequest(form["text"].ToString(), form["realName"] == "true", NullIfEmpty(form["name"].ToString()), NullIfEmpty(form["contact"].ToString()), NullIfEmpty(form["applicationId"].ToString()));
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

        var (outcome, id, receipt) = await notices.FileObjectionAsync(noticeId, objectionId, input.ApplicationId, input.RealName, NullIfEmpty(input.Name), NullIfEmpty(input.Contact), input.Text ?? string.Empty, evidence, ct);
        if (outcome.Refused)
        {
            await ObjectionEvidence.DeleteAsync(blobs, logger);
            return (new FiledOutcome(true, outcome.Refusal, Problems.StatusOf(outcome.Refusal!)), id, receipt, input);
        }

        return (new FiledOutcome(false, null, StatusCodes.Status201Created), id, receipt, input);
    }

    private static string Extension(string? contentType) => Domain.Applications.FileTypes.All.FirstOrDefault(t => t.ContentType == contentType)?.Extension ?? string.Empty;

    private static string LookupForm(string? error) =>
        "<h1>异议查询</h1>"
        + (error is null ? string.Empty : $"<p class=\"error\" role=\"alert\">{Html.E(error)}</p>")
        + "<form method=\"post\" action=\"/forms/objections/lookup\"><label for=\"code\">查询码</label><input type=\"text\" id=\"code\" name=\"code\" maxlength=\"20\" autocomplete=\"off\" required><p><button type=\"submit\">查询</button></p></form>";

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
            notice.Entries.Select(e => new PublicEntry(e.ApplicationId, e.Name, e.Category.ToString().ToLowerInvariant(), e.District, e.Tier?.ToString().ToLowerInvariant())).ToList());
    }

    private static async Task<NoticeState?> LoadAsync(string noticeId, Streams streams, CancellationToken ct)
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

    private static IResult NotFound(HttpContext http) => Problems.For(http, Refusal.NotFound("notice.not-found", "公示不存在。", "No such notice."));
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
