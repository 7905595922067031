using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask.Client;
using QualityAward.Domain;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Reporting;

public sealed record ExportedTable(string Table, int Rows, IReadOnlyList<string> Files);

/// <summary>
/// What an export wrote, and what it read: <c>scope</c> <c>full</c> (every event row) or <c>changes</c>
/// (the rows written since <c>since</c>, merged into the copy kept by the previous export);
/// <c>streamsRead</c> streams had new or rewritten events, <c>streamsKept</c> came from the copy unread.
/// </summary>
public sealed record ExportResult(
    int SchemaVersion,
    DateOnly Day,
    DateTimeOffset ExportedAt,
    IReadOnlyList<ExportedTable> Tables,
    string Scope,
    DateTimeOffset? Since,
    int StreamsRead,
    int StreamsKept,
    int RowsRead);

/// <summary>
/// Writes the star schema to the <c>reporting</c> container:
/// <c>v{schema}/{table}/{yyyy-MM-dd}/{table}.parquet</c> and <c>.csv</c> (the day in Asia/Shanghai;
/// a later export the same day replaces that day's files) and the same under <c>latest/</c>,
/// which Power BI reads. Run hourly by the <c>ReportingExport</c> timer and on demand by the office.
/// </summary>
public sealed partial class ReportExporter(ReportBuilder builder, ExportStreams streams, StorageClients storage, TimeProvider clock, ILogger<ReportExporter> logger)
{
    public const string Container = "reporting";

    /// <summary>
    /// Export every table; <paramref name="durable"/> is the app's task hub, whose orchestrations go to
    /// <c>fact_orchestration</c>. Reads the events written since the previous export unless
    /// <paramref name="full"/> (or no copy of the previous export's streams is usable): the files are the same.
    /// </summary>
    public async Task<ExportResult> ExportAsync(DurableTaskClient durable, bool full, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var day = ShanghaiTime.DateOf(now);
        var input = await streams.ReadAsync(full, ct);
        var tables = await builder.BuildAsync(input.Streams, durable, ct);
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

        LogExported(logger, exported.Count, exported.Sum(t => t.Rows), day, input.Scope, input.StreamsRead, input.StreamsKept);
        return new ExportResult(ReportSchema.Version, day, now, exported, input.Scope, input.Since, input.StreamsRead, input.StreamsKept, input.RowsRead);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Reporting export: {Tables} tables, {Rows} rows, day {Day}; read {Scope}: {StreamsRead} streams read, {StreamsKept} kept from the previous export")]
    private static partial void LogExported(ILogger logger, int tables, int rows, DateOnly day, string scope, int streamsRead, int streamsKept);
}

/// <summary>ReportingExport: refreshes the Power BI files in the reporting container (hourly), reading only the events written since the previous export.</summary>
public sealed partial class ReportingExportFunction(ReportExporter exporter, ILogger<ReportingExportFunction> logger)
{
    [Function("ReportingExport")]
    public async Task<string> Run([TimerTrigger("0 5 * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var result = await exporter.ExportAsync(durable, full: false, ct);
        var summary = $"{result.Tables.Count} reporting tables exported ({result.Tables.Sum(t => t.Rows)} rows; {result.Scope}: {result.StreamsRead} streams read, {result.StreamsKept} kept)";
        LogExported(logger, summary);
        return summary;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ReportingExport: {Summary}")]
    private static partial void LogExported(ILogger logger, string summary);
}
