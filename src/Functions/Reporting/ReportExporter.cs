using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask.Client;
using QualityAward.Domain;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Reporting;

public sealed record ExportedTable(string Table, int Rows, IReadOnlyList<string> Files);

public sealed record ExportResult(int SchemaVersion, DateOnly Day, DateTimeOffset ExportedAt, IReadOnlyList<ExportedTable> Tables);

/// <summary>
/// Writes the star schema to the <c>reporting</c> container:
/// <c>v{schema}/{table}/{yyyy-MM-dd}/{table}.parquet</c> and <c>.csv</c> (the day in Asia/Shanghai;
/// a later export the same day replaces that day's files) and the same under <c>latest/</c>,
/// which Power BI reads. Run hourly by the <c>ReportingExport</c> timer and on demand by the office.
/// </summary>
public sealed partial class ReportExporter(ReportBuilder builder, StorageClients storage, TimeProvider clock, ILogger<ReportExporter> logger)
{
    public const string Container = "reporting";

    /// <summary>Export every table; <paramref name="durable"/> is the app's task hub, whose orchestrations go to <c>fact_orchestration</c>.</summary>
    public async Task<ExportResult> ExportAsync(DurableTaskClient durable, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var day = ShanghaiTime.DateOf(now);
        var tables = await builder.BuildAsync(durable, ct);
        var container = storage.Container(Container);
        var exported = new List<ExportedTable>(tables.Count);
        foreach (var table in tables)
        {
            var parquet = await ReportFiles.ParquetAsync(table, ct);
            var csv = ReportFiles.Csv(table);
            var files = new List<string>(4);
            foreach (var folder in new[] { day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "latest" })
            {
                files.Add(await UploadAsync(container, PathOf(table.Name, folder, "parquet"), parquet, "application/vnd.apache.parquet", ct));
                files.Add(await UploadAsync(container, PathOf(table.Name, folder, "csv"), csv, "text/csv; charset=utf-8", ct));
            }

            exported.Add(new ExportedTable(table.Name, table.Rows.Count, files));
        }

        LogExported(logger, exported.Count, exported.Sum(t => t.Rows), day);
        return new ExportResult(ReportSchema.Version, day, now, exported);
    }

    public static string PathOf(string table, string folder, string extension) =>
        $"v{ReportSchema.Version}/{table}/{folder}/{table}.{extension}";

    private static async Task<string> UploadAsync(Azure.Storage.Blobs.BlobContainerClient container, string path, byte[] content, string contentType, CancellationToken ct)
    {
        await container.GetBlobClient(path).UploadAsync(
            new BinaryData(content),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } },
            ct);
        return path;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reporting export: {Tables} tables, {Rows} rows, day {Day}")]
    private static partial void LogExported(ILogger logger, int tables, int rows, DateOnly day);
}

/// <summary>ReportingExport: refresh the reporting files (hourly).</summary>
/// <summary>Refreshes the Power BI files in the reporting container (hourly).</summary>
public sealed partial class ReportingExportFunction(ReportExporter exporter, ILogger<ReportingExportFunction> logger)
{
    [Function("ReportingExport")]
    public async Task<string> Run([TimerTrigger("0 5 * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var result = await exporter.ExportAsync(durable, ct);
        var summary = $"{result.Tables.Count} reporting tables exported ({result.Tables.Sum(t => t.Rows)} rows)";
        LogExported(logger, summary);
        return summary;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ReportingExport: {Summary}")]
    private static partial void LogExported(ILogger logger, string summary);
}
