using System.ComponentModel;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using QualityAward.Domain;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Reports;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Notices;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Reports;

[Description("A report (举报) to the supervision group (Changde §39, Xinzhou §25).")]
public sealed record ReportRequest(
    [property: Description("The holder, applicant or body the report concerns (up to 200 characters).")] string Concerning,
    [property: Description("The facts and reasons (up to 5000 characters).")] string Text,
    [property: Description("A real-name report (encouraged); then name and contact are required. Only the supervision group sees them (Xinzhou §25). An anonymous report keeps no name even if one is sent.")] bool RealName,
    [property: Description("The unified social credit code (or identity number) of whom it concerns, if known.")] string? ApplicantKey = null,
    [property: Description("The reporter's name or organisation (real-name reports; up to 100 characters).")] string? Name = null,
    [property: Description("How the supervision group reaches the reporter (real-name reports; up to 200 characters).")] string? Contact = null);

[Description("The supervision group's finding on a report, which the reporter reads with the receipt code (Changde §40).")]
public sealed record ReportResultRequest(
    [property: Description("Whether the report was found true.")] bool Upheld,
    [property: Description("What was found and done, as the reporter will read it (up to 5000 characters).")] string Result);

[Description("Follow a report by its receipt code (sent in the body, never in a URL).")]
public sealed record ReportLookupRequest(
    [property: Description("The 12-character receipt code given when the report was filed; not case-sensitive.")] string ReceiptCode);

public sealed record ReportReceipt(
    string ReportId,
    [property: Description("The report's only public handle, shown this once; the app keeps only its hash.")] string ReceiptCode,
    string Message);

public sealed record ReportStatus(
    DateTimeOffset FiledAt,
    [property: Description("investigating or concluded.")] string Status,
    [property: Description("The status in Chinese, for people.")] string StatusText,
    bool? Upheld,
    string? Result);

/// <summary>A report as the supervision group sees it (with the reporter), or as the office sees it (without).</summary>
[Description("A report; the reporter's name and contact are given to the supervision group only (Xinzhou §25).")]
public sealed record ReportView(string ReportId, string Concerning, string? ApplicantKey, string Text, bool RealName, string? ReporterName, string? ReporterContact, DateTimeOffset FiledAt, bool? Upheld, string? Result);

[Description("The result recorded on a report.")]
public sealed record ReportResultView(string ReportId, bool Upheld, string Result);

public static class ReportStreams
{
    public static readonly StreamKind<ReportState, IReportEvent> Report = new("report", ReportState.Initial, ReportState.Evolve);

    public static string StreamId(string reportId) => $"report-{reportId}";
}

/// <summary>
/// Reports (举报) from the public to the supervision group, real-name or anonymous, with a receipt
/// code (<see cref="ReceiptCodes"/>) to follow the result. Only the supervision group sees who
/// reported (Xinzhou §25: reporters are protected); the office sees the report without the reporter.
/// </summary>
public sealed class ReportFunctions(Streams streams, ReadModels readModels, TimeProvider clock)
{
    public const string Partition = "reports";
    public const string ReceiptPartition = "report-receipts";

    private const string PublicTag = "Public";
    private const string Tag = "Reports";
    private const string Pages = "Pages";

    [Function("FileReport")]
    [Public]
    [RateLimited(RateLimitGate.PublicWrites)]
    [Api(PublicTag, "Report a holder or a breach to the supervision group, real-name (encouraged) or anonymous. Keep the receipt code to read the result.", Body = typeof(ReportRequest), Returns = typeof(ReportReceipt), Status = 201)]
    [Refuses(422, "report.invalid", "report.anonymous-identified", "report.contact-missing", "text.no-visible-character", "holder.key-malformed")]
    public async Task<IResult> FileReport([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/public/reports/")] HttpRequest req, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<ReportRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var (outcome, reportId, receipt) = await FileAsync(request!, ct);
        // No Location: the receipt code is the report's only public handle and must not end up in a URL.
        return outcome.Refused
            ? Problems.For(http, outcome.Refusal!)
            : Results.Created((string?)null, new ReportReceipt(reportId, receipt, $"举报已受理。查询码：{receipt}，请妥善保存，凭码查询处理结果。"));
    }

    // A POST with the code in the body, not GET /{code}: the code is a secret and paths end up in logs.
    [Function("LookUpReport")]
    [Public]
    [RateLimited(RateLimitGate.ReceiptLookups)]
    [Api(PublicTag, "Follow a report with its receipt code ({\"receiptCode\": \"…\"}): under investigation, or the result.", Body = typeof(ReportLookupRequest), Returns = typeof(ReportStatus))]
    [Refuses(404, "report.receipt-unknown")]
    public async Task<IResult> LookUpReport([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/public/reports/lookup")] HttpRequest req, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<ReportLookupRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var report = await FindAsync(request!.ReceiptCode ?? string.Empty, ct);
        return report is null
            ? Problems.For(http, Refusal.NotFound("report.receipt-unknown", "查询码不正确。", "Unknown receipt code."))
            : Results.Ok(StatusOf(report));
    }

    [Function("ListReports")]
    [Allow(Roles.Supervisor, Roles.Office)]
    [Api(Tag, "Every report. The reporter's name and contact only for the supervision group.", Returns = typeof(ReportView[]))]
    public async Task<IResult> ListReports([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/reports/")] HttpRequest req, CancellationToken ct)
    {
        var supervisor = req.HttpContext.User.IsInRole(Roles.Supervisor);
        var views = new List<ReportView>();
        foreach (var row in await readModels.PartitionAsync(Partition, ct))
        {
            var r = await streams.LoadAsync(ReportStreams.Report, ReportStreams.StreamId(row.RowKey), ct);
            var f = r.Filed!;
            views.Add(new ReportView(f.ReportId, f.Concerning, f.ApplicantKey, f.Text, f.RealName, supervisor ? f.ReporterName : null, supervisor ? f.ReporterContact : null, f.At, r.Conclusion?.Upheld, r.Conclusion?.Result));
        }

        return Results.Ok(views.OrderByDescending(v => v.FiledAt));
    }

    [Function("RecordReportResult")]
    [Allow(Roles.Supervisor)]
    [Api(Tag, "The supervision group records the result; the reporter reads it with the receipt code.", Body = typeof(ReportResultRequest), Returns = typeof(ReportResultView))]
    [Refuses(403, "report.supervisors-only")]
    [Refuses(404, "report.not-found")]
    [Refuses(409, "report.concluded")]
    [Refuses(422, "report.result-missing")]
    public async Task<IResult> RecordReportResult([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/reports/{reportId}/result")] HttpRequest req, string reportId, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<ReportResultRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (!reportId.StartsWith("rpt-", StringComparison.Ordinal) || reportId.Length > 40 || !reportId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            return Problems.For(http, Refusal.NotFound("report.not-found", "没有该举报。", "No such report."));
        }

        var actor = Caller.As(http.User, Roles.Supervisor);
        var command = new ConcludeReport(request!.Upheld, request.Result);
        var outcome = await streams.RunAsync(ReportStreams.Report, ReportStreams.StreamId(reportId), s => ValueTask.FromResult(ReportDecider.Decide(command, s, actor, clock.GetUtcNow())), new EventMetadata(actor, http.TraceIdentifier, null), ct);
        return outcome.Refused ? Problems.For(http, outcome.Refusal!) : Results.Ok(new ReportResultView(reportId, outcome.State.Conclusion!.Upheld, outcome.State.Conclusion.Result));
    }

    [Function("ShowReportPage")]
    [Public]
    [Api(Pages, "The page to report to the supervision group (举报), real-name or anonymous.", Produces = "text/html")]
    public async Task<IResult> ShowReportPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports")] HttpRequest req, CancellationToken ct)
    {
        var site = await Html.SiteAsync(readModels, ct);
        return Html.Page("举报", ReportForm(site, null, null), site: site);
    }

    [Function("FileReportFromPage")]
    [Public]
    [RateLimited(RateLimitGate.PublicWrites)]
    [Api(Pages, "File a report from the page: 303 to the page that shows the receipt code once, or the form again with what is missing (422).", BodyMediaTypes = ["application/x-www-form-urlencoded"], Produces = "text/html", Status = 303)]
    public async Task<IResult> FileReportFromPage([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "forms/reports")] HttpRequest req, CancellationToken ct)
    {
        var form = req.HasFormContentType ? await req.ReadFormAsync(ct) : null;
        var realName = form is not null && form["realName"].ToString() == "true";
        var input = new ReportRequest(form?["concerning"].ToString() ?? string.Empty, form?["text"].ToString() ?? string.Empty, realName, NullIfEmpty(form?["applicantKey"].ToString()), NullIfEmpty(form?["name"].ToString()), NullIfEmpty(form?["contact"].ToString()));
        var (outcome, _, receipt) = await FileAsync(input, ct);
        if (outcome.Refused)
        {
            var site = await Html.SiteAsync(readModels, ct);
            return Html.Page("举报", ReportForm(site, outcome.Refusal!.Zh, input), Problems.StatusOf(outcome.Refusal), site);
        }

        // Post/redirect/get: the code goes to the next page in a cookie for that page alone, never in the address.
        ReceiptCookie.Set(req.HttpContext, "/reports/filed", receipt);
        return Html.SeeOther("/reports/filed");
    }

    [Function("ShowReportFiledPage")]
    [Public]
    [Api(Pages, "Where the report form leads (303): the receipt code, shown once.", Produces = "text/html")]
    public async Task<IResult> ShowReportFiledPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/filed")] HttpRequest req, CancellationToken ct)
    {
        var receipt = ReceiptCookie.Take(req.HttpContext, "/reports/filed");
        return Html.Page("举报已受理", receipt is null
            ? "<h1>举报已受理</h1><p>查询码只显示一次，已经显示过。请凭您保存的查询码在<a href=\"/reports/lookup\">举报查询</a>页面查看处理结果。</p>"
            : $"<h1>举报已受理</h1><p>您的举报已提交监督组。</p><p>查询码：<span class=\"receipt\" id=\"receipt\">{Html.E(receipt)}</span></p><p class=\"note\">请妥善保存查询码，凭码可在<a href=\"/reports/lookup\">举报查询</a>页面查看处理结果。查询码只显示这一次。</p>",
            site: await Html.SiteAsync(readModels, ct));
    }

    [Function("ShowReportLookupPage")]
    [Public]
    [Api(Pages, "The page to follow a report with its receipt code.", Produces = "text/html")]
    public async Task<IResult> ShowReportLookupPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/lookup")] HttpRequest req, CancellationToken ct) =>
        Html.Page("举报查询", ReportLookup.Form(null), site: await Html.SiteAsync(readModels, ct));

    [Function("LookUpReportFromPage")]
    [Public]
    [RateLimited(RateLimitGate.ReceiptLookups)]
    [Api(Pages, "Follow a report from the page (field code): 303 to /reports/result, the code carried in a short-lived HttpOnly SameSite=Strict cookie (never in the address); the form again (404) when the code cannot be one; a 403 page for a post from another site.", BodyMediaTypes = ["application/x-www-form-urlencoded"], Produces = "text/html", Status = 303)]
    public Task<IResult> LookUpReportFromPage([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "forms/reports/lookup")] HttpRequest req, CancellationToken ct) =>
        ReportLookup.AcceptAsync(req, readModels, ct);

    /// <summary>Rate-limited like the form: the cookie holds the code itself, so a forged one must not be an unmetered way to guess.</summary>
    [Function("ShowReportLookupResult")]
    [Public]
    [RateLimited(RateLimitGate.ReceiptLookups)]
    [Api(Pages, "Where the report lookup form leads (303): the report's status and result; the form again with the error (404) for an unknown code, or with a note when no lookup is pending (the cookie lives 10 minutes).", Produces = "text/html")]
    public async Task<IResult> ShowReportLookupResult([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/result")] HttpRequest req, CancellationToken ct)
    {
        var code = LookupCookie.Get(req.HttpContext);
        if (code is null)
        {
            return Html.Page("举报查询", ReportLookup.Form(null, LookupPage.NoPending), site: await Html.SiteAsync(readModels, ct));
        }

        var report = await FindAsync(code, ct);
        if (report is null)
        {
            return Html.Page("举报查询", ReportLookup.Form(LookupPage.WrongCode), StatusCodes.Status404NotFound, await Html.SiteAsync(readModels, ct));
        }

        var status = StatusOf(report);
        var body = new StringBuilder("<h1>举报处理情况</h1><table>")
            .Append("<tr><th scope=\"row\">举报时间</th><td>").Append(Html.E(ShanghaiTime.ToShanghai(status.FiledAt).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))).Append("</td></tr>")
            .Append("<tr><th scope=\"row\">状态</th><td id=\"status\">").Append(Html.E(status.StatusText)).Append("</td></tr>");
        if (status.Result is not null)
        {
            body.Append("<tr><th scope=\"row\">处理结果</th><td id=\"result\">").Append(Html.E(status.Result)).Append("</td></tr>");
        }

        body.Append("</table><p><a href=\"/reports/lookup\">查询其他举报</a></p>");
        return Html.Page("举报处理情况", body.ToString(), site: await Html.SiteAsync(readModels, ct));
    }

    /// <summary>File a report (the API and the page both come here): the receipt code goes to the reporter only; the stream keeps its hash.</summary>
    private async Task<(CommandOutcome<ReportState> Outcome, string ReportId, string Receipt)> FileAsync(ReportRequest request, CancellationToken ct)
    {
        string? key = null;
        if (!string.IsNullOrWhiteSpace(request.ApplicantKey))
        {
            var parsed = HolderKey.Parse(request.ApplicantKey);
            if (!parsed.IsOk)
            {
                return (new CommandOutcome<ReportState>(ReportState.Initial, [], parsed.Refusal), string.Empty, string.Empty);
            }

            key = parsed.Value.Value;
        }

        var reportId = "rpt-" + Guid.NewGuid().ToString("N");
        var receipt = ReceiptCodes.New();
        var command = new FileReport(reportId, ReceiptCodes.Hash(receipt), request.Concerning, key, request.Text, request.RealName, request.Name, request.Contact);
        var actor = new Actor(request.RealName ? "reporter:" + reportId : "anonymous", "public");
        var outcome = await streams.RunAsync(ReportStreams.Report, ReportStreams.StreamId(reportId), s => ValueTask.FromResult(ReportDecider.Decide(command, s, actor, clock.GetUtcNow())), new EventMetadata(actor, reportId, null), ct);
        return (outcome, reportId, receipt);
    }

    private static ReportStatus StatusOf(ReportState report) => report.Conclusion is { } c
        ? new ReportStatus(report.Filed!.At, "concluded", c.Upheld ? "经调查，举报属实" : "经调查，举报不属实", c.Upheld, c.Result)
        : new ReportStatus(report.Filed!.At, "investigating", "正在调查核实", null, null);

    private static string ReportForm(string? site, string? error, ReportRequest? input)
    {
        var award = site ?? "市长质量奖";
        var body = new StringBuilder("<h1>向").Append(Html.E(award)).Append("监督组举报</h1><p class=\"note\">对").Append(Html.E(award)).Append("获奖者或评选工作中的违规行为，可以向监督组举报。提倡实名举报；举报人的姓名和联系方式只有监督组可见，依法予以保护。</p>");
        if (error is not null)
        {
            body.Append("<p class=\"error\" id=\"error\" role=\"alert\">").Append(Html.E(error)).Append("</p>");
        }

        return body.Append("<form method=\"post\" action=\"/forms/reports\">")
            .Append("<label for=\"concerning\">被举报的单位或个人</label><input type=\"text\" id=\"concerning\" name=\"concerning\" maxlength=\"200\" required value=\"").Append(Html.E(input?.Concerning)).Append("\">")
            .Append("<label for=\"applicantKey\">统一社会信用代码（单位）或居民身份证号码（个人），如知道</label><input type=\"text\" id=\"applicantKey\" name=\"applicantKey\" maxlength=\"18\" autocomplete=\"off\" aria-describedby=\"applicantKey-note\" value=\"").Append(Html.E(input?.ApplicantKey)).Append("\">")
            .Append("<p class=\"note\" id=\"applicantKey-note\">均为18位；身份证号码末位可以是X。</p>")
            .Append("<label for=\"text\">举报内容（事实和理由）</label><textarea id=\"text\" name=\"text\" rows=\"6\" maxlength=\"5000\" required>").Append(Html.E(input?.Text)).Append("</textarea>")
            .Append("<label><input type=\"checkbox\" name=\"realName\" value=\"true\"").Append(input is null || input.RealName ? " checked" : string.Empty).Append("> 实名举报</label>")
            .Append("<label for=\"name\">姓名或单位名称</label><input type=\"text\" id=\"name\" name=\"name\" maxlength=\"100\" value=\"").Append(Html.E(input?.Name)).Append("\">")
            .Append("<label for=\"contact\">联系方式</label><input type=\"text\" id=\"contact\" name=\"contact\" maxlength=\"200\" value=\"").Append(Html.E(input?.Contact)).Append("\">")
            .Append("<p><button type=\"submit\">提交举报</button></p></form><p><a href=\"/reports/lookup\">查询举报处理结果</a></p>").ToString();
    }

    private static readonly LookupPage ReportLookup = new("举报查询", "/reports/lookup", "/forms/reports/lookup", "/reports/result");

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private async Task<ReportState?> FindAsync(string receiptCode, CancellationToken ct)
    {
        if (!ReceiptCodes.LooksValid(receiptCode) || await readModels.GetAsync(ReceiptPartition, ReceiptCodes.Hash(receiptCode), ct) is not { } row)
        {
            return null;
        }

        return await streams.LoadAsync(ReportStreams.Report, ReportStreams.StreamId(row.GetString("ReportId")), ct);
    }
}

/// <summary>Lists reports and maps receipt-code hashes to reports (read models; nothing that names a reporter).</summary>
public sealed class ReportIndex(ReadModels readModels) : IProjection
{
    public bool Handles(IDomainEvent e) => e is ReportFiled or ReportConcluded;

    public async Task HandleAsync(ProjectionBatch batch, CancellationToken ct)
    {
        foreach (var e in batch.Events)
        {
            await HandleAsync(e, ct);
        }
    }

    private async Task HandleAsync(StoredEvent e, CancellationToken ct)
    {
        switch (e.Event)
        {
            case ReportFiled f:
                await readModels.UpsertAsync(new TableEntity(ReportFunctions.Partition, f.ReportId) { ["FiledAt"] = f.At }, e.Version, ct);
                await readModels.UpsertAsync(new TableEntity(ReportFunctions.ReceiptPartition, f.ReceiptCodeHash) { ["ReportId"] = f.ReportId }, 1, ct);
                break;
            case ReportConcluded:
                await readModels.UpsertAsync(new TableEntity(ReportFunctions.Partition, e.StreamId["report-".Length..]) { ["Concluded"] = true }, e.Version, ct);
                break;
        }
    }
}
