using Microsoft.DurableTask.Client;
using QualityAward.Domain;
using QualityAward.Functions.Hosting;

namespace QualityAward.Functions.Reporting;

/// <summary>The office refreshes the Power BI files on demand (the <c>ReportingExport</c> timer does it every hour).</summary>
public sealed class ReportingFunctions(ReportExporter exporter)
{
    [Function("ExportReportingNow")]
    [Allow(Roles.Office)]
    [Api("Reporting", "Refresh the Power BI files now (the ReportingExport timer does it every hour): from the events written since the previous export, or with full=true from every event (the files are the same; full is the repair after a restore).", Returns = typeof(ExportResult), Query = ["full"])]
    public async Task<IResult> ExportNow([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/reporting/export")] HttpRequest req, [DurableClient] DurableTaskClient durable, CancellationToken ct) =>
        Results.Ok(await exporter.ExportAsync(durable, string.Equals(req.QueryValue("full"), "true", StringComparison.OrdinalIgnoreCase), ct));
}
