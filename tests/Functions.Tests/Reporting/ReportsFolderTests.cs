using System.Text.RegularExpressions;
using QualityAward.Functions.Reporting;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Reporting;

/// <summary>reports/: a Power Query per exported table, each loading that table's latest file, and the guide's "not exported yet" list.</summary>
public sealed partial class ReportsFolderTests
{
    private static readonly string Reports = Path.Combine(Repository.Root, "reports");

    [Fact]
    public void EveryExportedTable_HasAQuery_AndEveryTableQueryLoadsAnExportedTable()
    {
        var queries = Directory.EnumerateFiles(Path.Combine(Reports, "powerquery"), "*.pq")
            .Where(f => TableQuery().IsMatch(Path.GetFileNameWithoutExtension(f)))
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), File.ReadAllText);

        Assert.Equal(ReportSchema.Tables.Keys.Order(), queries.Keys.Order());
        foreach (var (table, text) in queries)
        {
            Assert.Contains($"ReportingTable(\"{table}\")", text);
        }

        // One blob read per table, from the container's address: no listing of the account or the container.
        var function = File.ReadAllText(Path.Combine(Reports, "powerquery", "ReportingTable.pq"));
        Assert.Contains("AzureStorage.BlobContents(Url)", function);
        Assert.Contains("ReportingContainerUrl", function);
        Assert.Contains("Parquet.Document", function);
        Assert.Contains("\"/latest/\"", function);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Reports, "powerquery"), "*.pq"))
        {
            Assert.DoesNotContain("AzureStorage.Blobs(", File.ReadAllText(file));
        }

        Assert.Matches($@"^\s*{ReportSchema.Version}\s+meta", File.ReadAllLines(Path.Combine(Reports, "powerquery", "SchemaVersion.pq")).Single(l => l.Contains("meta", StringComparison.Ordinal)));
    }

    [Fact]
    public void TheGuide_NoLongerCallsExportedTablesMissing_AndNamesTheNewOnesInBothLanguages()
    {
        var guide = File.ReadAllText(Path.Combine(Reports, "README.md"));
        var schema = File.ReadAllText(Path.Combine(Reports, "schema.md"));

        // Notices, objections, consultations, inspections and reviewers have events now: exported, and no longer called missing.
        foreach (var exported in new[] { "fact_notice", "fact_objection", "fact_consultation_reply", "fact_inspection", "dim_reviewer", "fact_review_score" })
        {
            Assert.True(ReportSchema.Tables.ContainsKey(exported));
            Assert.Contains($"## {exported}\n", schema.ReplaceLineEndings("\n"));
        }

        foreach (var done in new[] { "fact_notice", "fact_objection", "fact_consultation", "fact_consultation_reply", "fact_inspection", "dim_reviewer" })
        {
            Assert.DoesNotMatch($@"{done}\b[^\n]*not exported yet", guide + "\n" + schema);
        }

        foreach (var added in new[] { "fact_inspection", "dim_reviewer", "fact_review_score" })
        {
            Assert.Equal(2, Regex.Matches(guide, $"`{added}`").Count);
        }
    }

    [GeneratedRegex("^(dim|fact)_[a-z_]+$")]
    private static partial Regex TableQuery();
}

/// <summary>The CSV writer on its own: quoting, typed formats, and no formulas from applicants' text.</summary>
public sealed class ReportCsvTests
{
    [Fact]
    public void Csv_QuotesAndFormats_AndNeutralisesFormulas()
    {
        ReportColumn[] columns =
        [
            new("name", ColumnType.String, true), new("score", ColumnType.Decimal, false), new("on", ColumnType.Date, true), new("at", ColumnType.Timestamp, false),
            new("at_on", ColumnType.Date, false, "at"), new("at_beijing", ColumnType.LocalDateTime, false, "at"),
        ];
        var table = new ReportTable("t", columns, ReportSchema.Rows(columns,
        [
            ["=HYPERLINK(\"http://x\")", -1.5m, new DateOnly(2026, 3, 2), new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8))],
            ["威海, \"精工\"\n有限公司", 85.12345m, null, new DateTimeOffset(2026, 3, 2, 16, 30, 0, TimeSpan.Zero)],
        ]));

        var text = System.Text.Encoding.UTF8.GetString(ReportFiles.Csv(table)).TrimStart('\uFEFF');
        var rows = Csv.Parse(text);

        // The Beijing columns are computed from the instant: 16:30 UTC on 2 March is 00:30 on 3 March in Beijing.
        Assert.Equal(["name", "score", "on", "at", "at_on", "at_beijing"], rows[0]);
        Assert.Equal(["'=HYPERLINK(\"http://x\")", "-1.5", "2026-03-02", "2026-03-02T01:00:00.000Z", "2026-03-02", "2026-03-02T09:00:00.000"], rows[1]);
        Assert.Equal(["威海, \"精工\"\n有限公司", "85.1234", string.Empty, "2026-03-02T16:30:00.000Z", "2026-03-03", "2026-03-03T00:30:00.000"], rows[2]);
    }
}
