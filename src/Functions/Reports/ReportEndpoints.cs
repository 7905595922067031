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

            string? key = null;
            if (!string.IsNullOrWhiteSpace(request!.ApplicantKey))
            {
                var parsed = HolderKey.Parse(request.ApplicantKey);
                if (!parsed.IsOk)
                {
                    return Problems.For(http, parsed.Refusal!);
                }

                key = parsed.Value.Value;
            }

            var reportId = "rpt-" + Guid.NewGuid().ToString("N");
            var receipt = ReceiptCodes.New();
            var command = new FileReport(reportId, ReceiptCodes.Hash(receipt), request.Concerning, key, request.Text, request.RealName, request.Name, request.Contact);
            var actor = new Actor(request.RealName ? "reporter:" + reportId : "anonymous", "public");
            var outcome = await streams.RunAsync(ReportStreams.Report, ReportStreams.StreamId(reportId), s => ValueTask.FromResult(ReportDecider.Decide(command, s, actor, clock.GetUtcNow())), new EventMetadata(actor, reportId, null), ct);
            return outcome.Refused
                ? Problems.For(http, outcome.Refusal!)
                : Results.Created($"/api/public/reports/{receipt}", new ReportReceipt(reportId, receipt, $"举报已受理。查询码：{receipt}，请妥善保存，凭码查询处理结果。"));
        }).Accepts<ReportRequest>("application/json")
          .WithSummary("Report a holder or a breach to the supervision group, real-name (encouraged) or anonymous. Keep the receipt code to read the result.");

        pub.MapGet("/{receiptCode}", async (string receiptCode, HttpContext http, ReadModels readModels, Streams streams, CancellationToken ct) =>
        {
            var report = await FindAsync(receiptCode, readModels, streams, ct);
            if (report is null)
            {
                return Problems.For(http, Refusal.NotFound("report.receipt-unknown", "查询码不正确。", "Unknown receipt code."));
            }

            return Results.Ok(report.Conclusion is { } c
                ? new ReportStatus(report.Filed!.At, "concluded", c.Upheld ? "经调查，举报属实" : "经调查，举报不属实", c.Upheld, c.Result)
                : new ReportStatus(report.Filed!.At, "investigating", "正在调查核实", null, null));
        }).WithSummary("Follow a report with its receipt code: under investigation, or the result.");

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
    }

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
