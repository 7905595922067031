using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Parquet;
using Parquet.Schema;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Reporting;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Reporting;

/// <summary>
/// The Power BI export: cycles and applications made through the API (and, for the stages the API
/// does not reach yet, events appended to the store), then the ReportingExport timer; the files
/// are read back with Parquet.Net and compared with reports/schema.md and with the events.
/// </summary>
public sealed partial class ReportingExportTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private static readonly DateTimeOffset Submitted = new(2026, 3, 10, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Recommending = new(2026, 3, 10, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset MaterialReview = new(2026, 3, 20, 8, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Scored = new(2026, 4, 2, 6, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Composite = new(2026, 6, 1, 6, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Awarded = new(2026, 9, 1, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Revoked = new(2027, 3, 1, 2, 0, 0, TimeSpan.Zero);

    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Export_WritesEveryDocumentedColumn_WithItsType_AndNothingElse()
    {
        await SeedAsync();

        await PostTimerAsync();

        var documented = DocumentedSchema();
        Assert.Equal(documented.Keys.Order(), ReportSchema.Tables.Keys.Order());
        foreach (var (table, columns) in documented)
        {
            var file = await ReadParquetAsync(table, "latest");
            var actual = file.Fields.Select(f => (f.Name, TypeName(f), f.IsNullable)).ToList();
            Assert.True(columns.SequenceEqual(actual), $"{table}: schema.md says\n  {string.Join("\n  ", columns)}\nthe Parquet file has\n  {string.Join("\n  ", actual)}");

            var csv = await ReadCsvAsync(table, "latest");
            Assert.Equal(columns.Select(c => c.Name), csv[0]);
            Assert.Equal(file.Rows.Count, csv.Count - 1);
        }
    }

    [Fact]
    public async Task Export_FiguresMatchTheEvents_AndLeaveOutPersonalData()
    {
        var (awardedId, draftId, individualId) = await SeedAsync();

        await PostTimerAsync();

        var applications = await ReadParquetAsync("fact_application", "latest");
        Assert.Equal(3, applications.Rows.Count);
        var awarded = applications.Row("application_id", awardedId);
        Assert.Equal("revoked", awarded["status"]);
        Assert.Equal(true, awarded["awarded"]);
        Assert.Equal("weihai/huancui", awarded["district_key"]);
        Assert.Equal("威海精工机械有限公司", awarded["applicant_name"]);
        Assert.Equal(Submitted.UtcDateTime, awarded["submitted_at"]);
        Assert.Equal(Awarded.UtcDateTime, awarded["ended_at"]);
        Assert.Equal("draft", applications.Row("application_id", draftId)["status"]);
        Assert.Null(applications.Row("application_id", individualId)["applicant_name"]);

        var stages = await ReadParquetAsync("fact_stage_duration", "latest");
        Assert.Equal(2, stages.Rows.Count);
        var recommendation = stages.Row("stage", "recommendation");
        Assert.Equal((MaterialReview - Recommending).TotalHours, (double)recommendation["duration_hours"]!, 4);
        Assert.Equal(MaterialReview.UtcDateTime, recommendation["left_at"]);
        Assert.Equal(Awarded.UtcDateTime, stages.Row("stage", "materialReview")["left_at"]);

        var scores = await ReadParquetAsync("fact_score", "latest");
        var material = scores.Row("score_kind", "stage");
        Assert.Equal(85.5m, material["points"]);
        Assert.Equal(100m, material["max_points"]);
        var composite = scores.Row("score_kind", "composite");
        Assert.Equal(88.25m, composite["points"]);
        Assert.Equal(2m, composite["preference_bonus"]);
        Assert.Null(composite["max_points"]);

        var award = (await ReadParquetAsync("fact_award", "latest")).Row("application_id", awardedId);
        Assert.Equal(500_000L, award["money_yuan"]);
        Assert.Equal("award", award["tier"]);
        Assert.Equal(true, award["revoked"]);
        Assert.Equal(new DateTime(2026, 9, 1), ((DateTime)award["awarded_on"]!).Date);

        var revocation = (await ReadParquetAsync("fact_revocation", "latest")).Row("application_id", awardedId);
        Assert.Equal("falseMaterials", revocation["consequence"]);
        Assert.Equal(500_000L, revocation["money_to_recover_yuan"]);

        var cycle = (await ReadParquetAsync("dim_cycle", "latest")).Row("cycle_id", "weihai-2026");
        Assert.Equal("weihai", cycle["policy_id"]);
        Assert.Equal(2026, cycle["year"]);
        Assert.Contains((await ReadParquetAsync("dim_district", "latest")).Rows, r => (string?)r["district_key"] == "weihai/huancui");
        Assert.Equal("制造业", (await ReadParquetAsync("dim_industry", "latest")).Row("industry_code", "C3670")["section_name"]);

        // The day's folder (Asia/Shanghai date of the fake clock) holds the same export.
        Assert.Equal(3, (await ReadParquetAsync("fact_application", "2026-03-02")).Rows.Count);

        // Contact details, identity numbers and individuals' names appear in no file.
        foreach (var table in ReportSchema.Tables.Keys)
        {
            var text = string.Join("\n", (await ReadCsvAsync(table, "latest")).Select(r => string.Join(",", r)));
            Assert.DoesNotContain("13800138000", text);
            Assert.DoesNotContain("zhangsan@example.com", text);
            Assert.DoesNotContain("李四", text);
            Assert.DoesNotContain("110101199003071237", text);
        }
    }

    [Fact]
    public async Task ExportEndpoint_IsForTheOffice_AndRefreshesLatest()
    {
        await (await _app.As(Roles.Applicant).PostAsync("/api/reporting/export", null)).ExpectAsync(403);
        await (await _app.Anonymous().PostAsync("/api/reporting/export", null)).ExpectAsync(401);
        await PostTimerAsync();
        Assert.Empty((await ReadParquetAsync("dim_cycle", "latest")).Rows);

        await SeedAsync();
        var result = await (await _app.As(Roles.Office).PostAsync("/api/reporting/export", null)).ExpectAsync(200);

        Assert.Equal(ReportSchema.Version, result.GetProperty("schemaVersion").GetInt32());
        Assert.Single((await ReadParquetAsync("dim_cycle", "latest")).Rows);
    }

    /// <summary>A Weihai cycle; an organisation that goes all the way to a revoked award; a draft; an individual's draft.</summary>
    private async Task<(string Awarded, string Draft, string Individual)> SeedAsync()
    {
        var office = _app.As(Roles.Office);
        await (await office.PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);
        var applicant = _app.As(Roles.Applicant);
        var ids = new List<string>();
        foreach (var category in new[] { "organisation", "organisation", "individual" })
        {
            ids.Add((await (await applicant.PostJsonAsync("/api/cycles/weihai-2026/applications", new { category })).ExpectAsync(201)).Str("applicationId"));
        }

        await (await applicant.PutJsonAsync($"/api/applications/{ids[0]}/form", Forms.WeihaiOrganisation())).ExpectAsync(200);
        await (await applicant.PutJsonAsync($"/api/applications/{ids[1]}/form", Forms.WeihaiOrganisation(name: "威海海洋食品有限公司", creditCode: "91371000MA3C000001"))).ExpectAsync(200);
        await (await applicant.PutJsonAsync($"/api/applications/{ids[2]}/form", new
        {
            name = "李四",
            idNumber = "110101199003071237",
            districtId = "huancui",
            contact = new { name = "李四", phone = "13800138000", email = "zhangsan@example.com" },
        })).ExpectAsync(200);

        // The API does not reach these stages yet: the events are appended as the deciders would.
        var store = _app.Services.GetRequiredService<EventStore>();
        var stream = ApplicationId.Parse(ids[0]).Value.StreamId;
        var version = (await store.ReadAsync(stream, CancellationToken.None)).Count;
        IDomainEvent[] events =
        [
            new ApplicationSubmitted("91350100M000100Y43", [], Submitted),
            new StageEntered(3, StageKind.Recommendation, Recommending),
            new StageEntered(8, StageKind.MaterialReview, MaterialReview),
            new StageScored(StageKind.MaterialReview, 85.5m, 100m, 85.5m, null, Scored),
            new CompositeScored(88.25m, 2m, ["four-new"], Composite),
            new ApplicationAwarded(AwardTier.Award, 2026, new DateOnly(2026, 9, 1), ["奖牌", "证书"], 500_000, false, "威政字〔2026〕1号", "威质奖〔2026〕第001号", "weihai-2026-r001", Awarded),
            new AwardRevoked("false-materials", BanReason.FalseMaterials, "提供虚假材料", new DateOnly(2027, 3, 1), 500_000, "威政字〔2027〕2号", Revoked),
        ];
        await store.AppendAsync(stream, version, events, new EventMetadata(Actor.System, null, null), CancellationToken.None);
        return (ids[0], ids[1], ids[2]);
    }

    private async Task PostTimerAsync()
    {
        Assert.Contains("reporting tables exported", await _app.RunTimerAsync("ReportingExport"));
    }

    /// <summary>The tables of reports/schema.md: each "## table" heading and the rows of the table under it.</summary>
    private static Dictionary<string, List<(string Name, string Type, bool Nullable)>> DocumentedSchema()
    {
        var result = new Dictionary<string, List<(string, string, bool)>>();
        List<(string, string, bool)>? current = null;
        foreach (var line in File.ReadLines(Path.Combine(Repository.Root, "reports", "schema.md")))
        {
            if (Heading().Match(line) is { Success: true } heading)
            {
                current = [];
                result[heading.Groups[1].Value] = current;
            }
            else if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                current = null;
            }
            else if (current is not null && ColumnRow().Match(line) is { Success: true } row)
            {
                current.Add((row.Groups[1].Value, row.Groups[2].Value, row.Groups[3].Value == "yes"));
            }
        }

        return result;
    }

    [GeneratedRegex(@"^## ((?:dim|fact)_[a-z_]+)\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\| ([a-z0-9_]+) \| ([a-z0-9(),]+) \| (yes|no) \|")]
    private static partial Regex ColumnRow();

    private static string TypeName(DataField f) => f switch
    {
        DecimalDataField d => $"decimal({d.Precision},{d.Scale})",
        DateTimeDataField { DateTimeFormat: DateTimeFormat.Date } => "date",
        DateTimeDataField { DateTimeFormat: DateTimeFormat.Timestamp, IsAdjustedToUTC: false } => "datetime",
        DateTimeDataField { DateTimeFormat: DateTimeFormat.Timestamp } => "timestamp",
        DateTimeDataField t => $"datetime:{t.DateTimeFormat}",
        _ when f.ClrType == typeof(DateOnly) => "date",
        _ when f.ClrType == typeof(string) || f.ClrType == typeof(ReadOnlyMemory<char>) => "string",
        _ when f.ClrType == typeof(int) => "int32",
        _ when f.ClrType == typeof(long) => "int64",
        _ when f.ClrType == typeof(double) => "double",
        _ when f.ClrType == typeof(bool) => "boolean",
        _ => f.ClrType.Name,
    };

    private Task<ParquetFile> ReadParquetAsync(string table, string folder) => ReadParquetAsync(_app, table, folder);

    private Task<List<string[]>> ReadCsvAsync(string table, string folder) => ReadCsvAsync(_app, table, folder);

    internal static async Task<byte[]> DownloadAsync(TestApp app, string table, string folder, string extension)
    {
        var blob = app.Storage.Container(ReportExporter.Container).GetBlobClient(ReportExporter.PathOf(table, folder, extension));
        return (await blob.DownloadContentAsync()).Value.Content.ToArray();
    }

    internal static async Task<ParquetFile> ReadParquetAsync(TestApp app, string table, string folder)
    {
        using var stream = new MemoryStream(await DownloadAsync(app, table, folder, "parquet"));
        await using var reader = await ParquetReader.CreateAsync(stream);
        Assert.Equal(ReportSchema.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), reader.CustomMetadata[ReportFiles.SchemaVersionKey]);
        Assert.Equal(table, reader.CustomMetadata[ReportFiles.TableKey]);
        var fields = reader.Schema.GetDataFields();
        var columns = new Dictionary<string, object?[]>();
        var count = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var n = checked((int)group.RowCount);
            foreach (var field in fields)
            {
                var values = await ReadColumnAsync(group, field, n);
                columns[field.Name] = [.. columns.GetValueOrDefault(field.Name) ?? [], .. values];
            }

            count += n;
        }

        var rows = Enumerable.Range(0, count)
            .Select(i => fields.ToDictionary(f => f.Name, f => columns[f.Name][i]))
            .ToList();
        return new ParquetFile(fields, rows);
    }

    private static async Task<object?[]> ReadColumnAsync(ParquetRowGroupReader group, DataField field, int n)
    {
        if (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>))
        {
            var text = new string?[n];
            await group.ReadAsync(field, text.AsMemory());
            return text;
        }

        return field.ClrType switch
        {
            var t when t == typeof(int) => await ReadAsync<int>(group, field, n),
            var t when t == typeof(long) => await ReadAsync<long>(group, field, n),
            var t when t == typeof(double) => await ReadAsync<double>(group, field, n),
            var t when t == typeof(bool) => await ReadAsync<bool>(group, field, n),
            var t when t == typeof(decimal) => await ReadAsync<decimal>(group, field, n),
            var t when t == typeof(DateTime) => await ReadAsync<DateTime>(group, field, n),
            var t when t == typeof(DateOnly) => await ReadAsync<DateOnly>(group, field, n),
            _ => throw new InvalidOperationException($"{field.Name}: unexpected type {field.ClrType}"),
        };
    }

    private static async Task<object?[]> ReadAsync<T>(ParquetRowGroupReader group, DataField field, int n)
        where T : struct
    {
        if (field.IsNullable)
        {
            var values = new T?[n];
            await group.ReadAsync<T>(field, new Memory<T?>(values));
            return [.. values.Select(v => (object?)v)];
        }

        var required = new T[n];
        await group.ReadAsync<T>(field, new Memory<T>(required));
        return [.. required.Select(v => (object?)v)];
    }

    internal static async Task<List<string[]>> ReadCsvAsync(TestApp app, string table, string folder)
    {
        var bytes = await DownloadAsync(app, table, folder, "csv");
        Assert.True(bytes.AsSpan().StartsWith(Encoding.UTF8.GetPreamble()), "CSV starts with a UTF-8 BOM (Excel and Power BI read Chinese text right)");
        return Csv.Parse(Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
    }

    internal sealed record ParquetFile(IReadOnlyList<DataField> Fields, IReadOnlyList<Dictionary<string, object?>> Rows)
    {
        public Dictionary<string, object?> Row(string column, string value) =>
            Rows.SingleOrDefault(r => (string?)r[column] == value) ?? throw new Xunit.Sdk.XunitException($"No single row with {column} = {value}");
    }
}

/// <summary>An RFC 4180 reader, enough to read the export back.</summary>
public static class Csv
{
    public static List<string[]> Parse(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add([.. row]);
                row.Clear();
                i++;
            }
            else
            {
                field.Append(c);
            }
        }

        return rows;
    }
}
