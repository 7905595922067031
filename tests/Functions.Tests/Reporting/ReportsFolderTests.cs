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

        var function = File.ReadAllText(Path.Combine(Reports, "powerquery", "ReportingTable.pq"));
        Assert.Contains("AzureStorage.Blobs(AccountUrl)", function);
        Assert.Contains("Parquet.Document", function);
        Assert.Contains("\"/latest/\"", function);
    }

    [Fact]
    public void TheGuide_NamesWhatIsNotExportedYet_InBothLanguages()
    {
        var guide = File.ReadAllText(Path.Combine(Reports, "README.md"));

        foreach (var missing in new[] { "fact_consultation", "fact_objection", "fact_inspection", "dim_reviewer" })
        {
            Assert.Equal(2, Regex.Matches(guide, $@"{missing}\): not exported yet: no events yet").Count);
            Assert.False(ReportSchema.Tables.ContainsKey(missing));
        }
    }

    [GeneratedRegex("^(dim|fact)_[a-z_]+$")]
    private static partial Regex TableQuery();
}
