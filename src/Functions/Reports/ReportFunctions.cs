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

public sealed record ReportRequest(string Concerning, string Text, bool RealName, string? ApplicantKey = null, string? Name = null, string? Contact = null);

public sealed record ReportResultRequest(bool Upheld, string Result);

public sealed record ReportLookupRequest(string ReceiptCode);

public sealed record ReportReceipt(string ReportId, string ReceiptCode, string Message);

public sealed record ReportStatus(DateTimeOffset FiledAt, string Status, string StatusText, bool? Upheld, string? Result);

/// <summary>A report as the supervision group sees it (with the reporter), or as the office sees it (without).</summary>
public sealed record ReportView(string ReportId, string Concerning, string? ApplicantKey, string Text, bool RealName, string? ReporterName, string? ReporterContact, DateTimeOffset FiledAt, bool? Upheld, string? Result);

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
public static class ReportEndpoints
{
    public const string Partition = "reports";
    public const string ReceiptPartition = "report-receipts";

    public static void MapReports(this IEndpointRouteBuilder app)
    {
        var pub = app.MapGroup("/api/public/reports").WithTags("Public").AllowAnonymous();
        pub.MapPost(string.Empty, async (HttpContext http, Streams streams, TimeProvider clock, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<ReportRequest>(http, ct);
            if (problem is not null)
            {
                return problem;
            }

            var (outcome, reportId, receipt) = await FileAsync(request!, streams, clock, ct);
            // No Location: the receipt code is the report's only public handle and must not end up in a URL.
            return outcome.Refused
                ? Problems.For(http, outcome.Refusal!)
                : Results.Created((string?)null, new ReportReceipt(reportId, receipt, $"举报已受理。查询码：{receipt}，请妥善保存，凭码查询处理结果。"));
        }).Accepts<ReportRequest>("application/json").RequireRateLimiting(RateLimits.PublicWrites)
          .WithSummary("Report a holder or a breach to the supervision group, real-name (encouraged) or anonymous. Keep the receipt code to read the result.");

        // A POST with the code in the body, not GET /{code}: the code is a secret and paths end up in logs.
        pub.MapPost("/lookup", async (HttpContext http, ReadModels readModels, Streams streams, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<ReportLookupRequest>(http, ct);
            if (problem is not null)
            {
                return problem;
            }

            var report = await FindAsync(request!.ReceiptCode ?? string.Empty, readModels, streams, ct);
            if (report is null)
            {
                return Problems.For(http, Refusal.NotFound("report.receipt-unknown", "查询码不正确。", "Unknown receipt code."));
            }

            return Results.Ok(StatusOf(report));
        }).Accepts<ReportLookupRequest>("application/json").RequireRateLimiting(RateLimits.ReceiptLookups)
          .WithSummary("Follow a report with its receipt code ({\"receiptCode\": \"…\"}): under investigation, or the result.");

        var api = app.MapGroup("/api/reports").WithTags("Reports");
        api.MapGet(string.Empty, async (HttpContext http, ReadModels readModels, Streams streams, CancellationToken ct) =>
        {
            var supervisor = http.User.IsInRole(Roles.Supervisor);
            var views = new List<ReportView>();
            foreach (var row in await readModels.PartitionAsync(Partition, ct))
            {
                var r = await streams.LoadAsync(ReportStreams.Report, ReportStreams.StreamId(row.RowKey), ct);
                var f = r.Filed!;
                views.Add(new ReportView(f.ReportId, f.Concerning, f.ApplicantKey, f.Text, f.RealName, supervisor ? f.ReporterName : null, supervisor ? f.ReporterContact : null, f.At, r.Conclusion?.Upheld, r.Conclusion?.Result));
            }

            return Results.Ok(views.OrderByDescending(v => v.FiledAt));
        }).RequireAuthorization(p => p.RequireRole(Roles.Supervisor, Roles.Office))
          .WithSummary("Every report. The reporter's name and contact only for the supervision group.");

        api.MapPost("/{reportId}/result", async (string reportId, HttpContext http, Streams streams, TimeProvider clock, CancellationToken ct) =>
        {
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
            return outcome.Refused ? Problems.For(http, outcome.Refusal!) : Results.Ok(new { reportId, upheld = outcome.State.Conclusion!.Upheld, result = outcome.State.Conclusion.Result });
        }).RequireAuthorization(Roles.Supervisor).Accepts<ReportResultRequest>("application/json")
          .WithSummary("The supervision group records the result; the reporter reads it with the receipt code.");

        MapPages(app);
    }

    /// <summary>File a report (the API and the page both come here): the receipt code goes to the reporter only; the stream keeps its hash.</summary>
    private static async Task<(CommandOutcome<ReportState> Outcome, string ReportId, string Receipt)> FileAsync(ReportRequest request, Streams streams, TimeProvider clock, CancellationToken ct)
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

    private static void MapPages(IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup(string.Empty).AllowAnonymous().ExcludeFromDescription();
        pages.MapGet("/reports", () => Html.Page("举报", ReportForm(null, null)));
        pages.MapPost("/forms/reports", async (HttpContext http, Streams streams, TimeProvider clock, CancellationToken ct) =>
        {
            var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct) : null;
            var realName = form is not null && form["realName"].ToString() == "true";
            var input = new ReportRequest(form?["concerning"].ToString() ?? string.Empty, form?["text"].ToString() ?? string.Empty, realName, NullIfEmpty(form?["applicantKey"].ToString()), NullIfEmpty(form?["name"].ToString()), NullIfEmpty(form?["contact"].ToString()));
            var (outcome, _, receipt) = await FileAsync(input, streams, clock, ct);
            if (outcome.Refused)
            {
                return Html.Page("举报", ReportForm(outcome.Refusal!.Zh, input), Problems.StatusOf(outcome.Refusal));
            }

            return Html.Page("举报已受理", $"<h1>举报已受理</h1><p>您的举报已提交监督组。</p><p>查询码：<span class=\"receipt\" id=\"receipt\">{Html.E(receipt)}</span></p><p class=\"note\">请妥善保存查询码，凭码可在<a href=\"/reports/lookup\">举报查询</a>页面查看处理结果。查询码只显示这一次。</p>", StatusCodes.Status201Created);
        }).DisableAntiforgery().RequireRateLimiting(RateLimits.PublicWrites);

        pages.MapGet("/reports/lookup", () => Html.Page("举报查询", LookupForm(null)));
        pages.MapPost("/forms/reports/lookup", async (HttpContext http, ReadModels readModels, Streams streams, CancellationToken ct) =>
        {
            var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct) : null;
            var report = await FindAsync(form?["code"].ToString() ?? string.Empty, readModels, streams, ct);
            if (report is null)
            {
                return Html.Page("举报查询", LookupForm("查询码不正确，请核对后重新输入。"), StatusCodes.Status404NotFound);
            }

            var status = StatusOf(report);
            var body = new StringBuilder("<h1>举报处理情况</h1><table>")
                .Append("<tr><th>举报时间</th><td>").Append(Html.E(ShanghaiTime.ToShanghai(status.FiledAt).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))).Append("</td></tr>")
                .Append("<tr><th>状态</th><td id=\"status\">").Append(Html.E(status.StatusText)).Append("</td></tr>");
            if (status.Result is not null)
            {
                body.Append("<tr><th>处理结果</th><td id=\"result\">").Append(Html.E(status.Result)).Append("</td></tr>");
            }

            return Html.Page("举报处理情况", body.Append("</table>").ToString());
        }).DisableAntiforgery().RequireRateLimiting(RateLimits.ReceiptLookups);
    }

    private static string ReportForm(string? error, ReportRequest? input)
    {
        var body = new StringBuilder("<h1>向监督组举报</h1><p class=\"note\">对获奖者或评选工作中的违规行为，可以向监督组举报。提倡实名举报；举报人的姓名和联系方式只有监督组可见，依法予以保护。</p>");
        if (error is not null)
        {
            body.Append("<p class=\"error\" id=\"error\" role=\"alert\">").Append(Html.E(error)).Append("</p>");
        }

        return body.Append("<form method=\"post\" action=\"/forms/reports\">")
            .Append("<label for=\"concerning\">被举报的单位或个人</label><input type=\"text\" id=\"concerning\" name=\"concerning\" maxlength=\"200\" required value=\"").Append(Html.E(input?.Concerning)).Append("\">")
            .Append("<label for=\"applicantKey\">统一社会信用代码（如知道）</label><input type=\"text\" id=\"applicantKey\" name=\"applicantKey\" maxlength=\"18\" value=\"").Append(Html.E(input?.ApplicantKey)).Append("\">")
            .Append("<label for=\"text\">举报内容（事实和理由）</label><textarea id=\"text\" name=\"text\" rows=\"6\" maxlength=\"5000\" required>").Append(Html.E(input?.Text)).Append("</textarea>")
            .Append("<label><input type=\"checkbox\" name=\"realName\" value=\"true\"").Append(input is null || input.RealName ? " checked" : string.Empty).Append("> 实名举报</label>")
            .Append("<label for=\"name\">姓名或单位名称</label><input type=\"text\" id=\"name\" name=\"name\" maxlength=\"100\" value=\"").Append(Html.E(input?.Name)).Append("\">")
            .Append("<label for=\"contact\">联系方式</label><input type=\"text\" id=\"contact\" name=\"contact\" maxlength=\"200\" value=\"").Append(Html.E(input?.Contact)).Append("\">")
            .Append("<p><button type=\"submit\">提交举报</button></p></form><p><a href=\"/reports/lookup\">查询举报处理结果</a></p>").ToString();
    }

    private static string LookupForm(string? error) =>
        "<h1>举报查询</h1>"
        + (error is null ? string.Empty : $"<p class=\"error\" role=\"alert\">{Html.E(error)}</p>")
        + "<form method=\"post\" action=\"/forms/reports/lookup\"><label for=\"code\">查询码</label><input type=\"text\" id=\"code\" name=\"code\" maxlength=\"20\" autocomplete=\"off\" required><p><button type=\"submit\">查询</button></p></form>";

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static async Task<ReportState?> FindAsync(string receiptCode, ReadModels readModels, Streams streams, CancellationToken ct)
    {
        if (!ReceiptCodes.LooksValid(receiptCode) || await readModels.GetAsync(ReceiptPartition, ReceiptCodes.Hash(receiptCode), ct) is not { } row)
        {
            return null;
        }

        return await streams.LoadAsync(ReportStreams.Report, ReportStreams.StreamId(row.GetString("ReportId")), ct);
    }
}

/// <summary>Lists reports and maps receipt-code hashes to reports (read models; nothing that names a reporter).</summary>
public sealed class ReportIndex(ReadModels readModels) : IEventHandler
{
    public async Task HandleAsync(StoredEvent e, CancellationToken ct)
    {
        switch (e.Event)
        {
            case ReportFiled f:
                await readModels.UpsertAsync(new TableEntity(ReportEndpoints.Partition, f.ReportId) { ["FiledAt"] = f.At }, e.Version, ct);
                await readModels.UpsertAsync(new TableEntity(ReportEndpoints.ReceiptPartition, f.ReceiptCodeHash) { ["ReportId"] = f.ReportId }, 1, ct);
                break;
            case ReportConcluded:
                await readModels.UpsertAsync(new TableEntity(ReportEndpoints.Partition, e.StreamId["report-".Length..]) { ["Concluded"] = true }, e.Version, ct);
                break;
        }
    }
}
