using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Functions.Reporting;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Reporting;

/// <summary>
/// The export proportional to change (issue 20): an export reads the events written since the
/// previous one into the copy it kept, and writes the same files as a full rebuild
/// (<c>?full=true</c>). The app runs with no overlap before the previous export's newest row
/// (<c>Reporting:ChangeOverlap</c> 0), so "since" is exactly that within a test's few seconds.
/// </summary>
public sealed class ReportingIncrementalTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await TestApp.StartAsync(azurite, configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Reporting:ChangeOverlap"] = "00:00:00" }));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Applicant => _app.As(Roles.Applicant, subject: "applicant-incremental");

    [Fact]
    public async Task Export_AfterAChange_ReadsOnlyTheChangedStream_AndWritesWhatAFullRebuildWrites()
    {
        var drafts = await SeedAsync();
        var first = await ExportAsync();
        Assert.Equal("full", first.Str("scope"));
        var streams = first.GetProperty("streamsRead").GetInt32();
        Assert.True(streams >= 4, $"{streams} streams");

        // One applicant saves another name: one stream moves on.
        await (await Applicant.PutJsonAsync($"/api/applications/{drafts[0]}/form", Forms.WeihaiOrganisation(name: "威海改名机械有限公司"))).ExpectAsync(200);
        var changed = await ExportAsync();
        var incremental = await LatestCsvAsync();

        Assert.Equal("changes", changed.Str("scope"));
        Assert.Equal(1, changed.GetProperty("streamsRead").GetInt32());
        Assert.Equal(streams - 1, changed.GetProperty("streamsKept").GetInt32());
        Assert.Contains(await ReportingExportTests.ReadCsvAsync(_app, "fact_application", "latest"), r => r.Contains("威海改名机械有限公司"));

        var full = await ExportAsync(full: true);
        Assert.Equal("full", full.Str("scope"));
        Assert.Equal(streams, full.GetProperty("streamsRead").GetInt32());
        AssertSameFiles(await LatestCsvAsync(), incremental);
    }

    [Fact]
    public async Task Export_WithNothingWrittenSince_ReadsNoStream_AndAStreamRewrittenBehindItsBackIsReadWhole()
    {
        var drafts = await SeedAsync();
        var first = await ExportAsync();
        var streams = first.GetProperty("streamsRead").GetInt32();

        var quiet = await ExportAsync();
        Assert.Equal("changes", quiet.Str("scope"));
        Assert.Equal(0, quiet.GetProperty("streamsRead").GetInt32());
        Assert.Equal(streams, quiet.GetProperty("streamsKept").GetInt32());

        // A stored row rewritten in place (as a restore or a repair would): the copy no longer matches it.
        var stream = ApplicationId.Parse(drafts[1]).Value.StreamId;
        var events = _app.Storage.Table(StorageClients.EventsTable);
        var row = (await events.GetEntityAsync<TableEntity>(stream, EventStore.Key(2))).Value;
        var rewritten = new TableEntity(stream, EventStore.Key(2)) { ["Data"] = row.GetString("Data").Replace("威海海洋食品有限公司", "威海重写食品有限公司", StringComparison.Ordinal) };
        await events.UpdateEntityAsync(rewritten, ETag.All, TableUpdateMode.Merge);

        var after = await ExportAsync();
        Assert.Equal(1, after.GetProperty("streamsRead").GetInt32());
        var incremental = await LatestCsvAsync();
        var applications = await ReportingExportTests.ReadCsvAsync(_app, "fact_application", "latest");
        Assert.True(applications.Any(r => r.Contains("威海重写食品有限公司")), string.Join("\n", applications.Select(r => string.Join(",", r))) + "\n" + row.GetString("Type"));

        await ExportAsync(full: true);
        AssertSameFiles(await LatestCsvAsync(), incremental);
    }

    /// <summary>A Weihai cycle and three organisations' drafts with their forms saved.</summary>
    private async Task<List<string>> SeedAsync()
    {
        await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);
        var applicant = Applicant;
        var ids = new List<string>();
        foreach (var (name, code) in new[] { ("威海精工机械有限公司", "91350100M000100Y43"), ("威海海洋食品有限公司", "91371000MA3C000001"), ("威海第三有限公司", "91440300708461136T") })
        {
            var id = (await (await applicant.PostJsonAsync("/api/cycles/weihai-2026/applications", new { category = "organisation" })).ExpectAsync(201)).Str("applicationId");
            await (await applicant.PutJsonAsync($"/api/applications/{id}/form", Forms.WeihaiOrganisation(name: name, creditCode: code))).ExpectAsync(200);
            ids.Add(id);
        }

        return ids;
    }

    private async Task<JsonElement> ExportAsync(bool full = false) =>
        await (await _app.As(Roles.Office).PostAsync(full ? "/api/reporting/export?full=true" : "/api/reporting/export", null)).ExpectAsync(200);

    /// <summary>Every table's latest CSV, by table.</summary>
    private async Task<Dictionary<string, string>> LatestCsvAsync()
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var container = _app.Storage.Container(ReportExporter.Container);
        foreach (var table in ReportSchema.Tables.Keys)
        {
            files[table] = (await container.GetBlobClient(ReportExporter.PathOf(table, "latest", "csv")).DownloadContentAsync()).Value.Content.ToString();
        }

        return files;
    }

    /// <summary>
    /// The same files, table by table; <c>fact_orchestration</c> comes from the task hub on every
    /// export, not from the streams, so it is left out.
    /// </summary>
    private static void AssertSameFiles(Dictionary<string, string> full, Dictionary<string, string> incremental)
    {
        Assert.Equal(full.Keys.Order(), incremental.Keys.Order());
        foreach (var (table, csv) in full.Where(f => f.Key != "fact_orchestration"))
        {
            Assert.True(csv == incremental[table], $"{table} differs:\n{csv}\n---\n{incremental[table]}");
        }
    }
}
