using Microsoft.DurableTask.Client;
using QualityAward.Domain;
using QualityAward.Functions.Hosting;

namespace QualityAward.Functions.Reporting;

/// <summary>The office refreshes the Power BI files on demand (the <c>ReportingExport</c> timer does it every hour).</summary>
public sealed class ReportingFunctions(ReportExporter exporter)
{
    [Function("ExportReportingNow")]
    [Allow(Roles.Office)]
    [Api("Reporting", "Refresh the Power BI files now (the ReportingExport timer does it every hour).", Returns = typeof(ExportResult))]
    public async Task<IResult> ExportNow([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/reporting/export")] HttpRequest req, [DurableClient] DurableTaskClient durable, CancellationToken ct) =>
        Results.Ok(await exporter.ExportAsync(durable, ct));
}
