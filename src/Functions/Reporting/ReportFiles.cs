using System.Globalization;
using System.Text;
using Parquet;
using Parquet.Schema;

namespace QualityAward.Functions.Reporting;

/// <summary>Writes a report table as Parquet (typed columns) and as CSV (UTF-8 with BOM, RFC 4180).</summary>
public static class ReportFiles
{
    /// <summary>Key-value metadata in every Parquet file: which schema version and table it holds.</summary>
    public const string SchemaVersionKey = "qualityaward.schema_version";

    public const string TableKey = "qualityaward.table";

    /// <summary>The Parquet field for a column: the type Power BI reads without a conversion step.</summary>
    public static DataField Field(ReportColumn c) => c.Type switch
    {
        ColumnType.String => new DataField<string>(c.Name, c.Nullable),
        ColumnType.Int32 => new DataField<int>(c.Name, c.Nullable),
        ColumnType.Int64 => new DataField<long>(c.Name, c.Nullable),
        ColumnType.Double => new DataField<double>(c.Name, c.Nullable),
        ColumnType.Boolean => new DataField<bool>(c.Name, c.Nullable),
        ColumnType.Decimal => new DecimalDataField(c.Name, ReportSchema.DecimalPrecision, ReportSchema.DecimalScale, isNullable: c.Nullable),
        ColumnType.Date => new DateTimeDataField(c.Name, DateTimeFormat.Date, isNullable: c.Nullable),
        ColumnType.Timestamp => new DateTimeDataField(c.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis, isNullable: c.Nullable),
        ColumnType.LocalDateTime => new DateTimeDataField(c.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: false, unit: DateTimeTimeUnit.Millis, isNullable: c.Nullable),
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };

    public static async Task<byte[]> ParquetAsync(ReportTable table, CancellationToken ct)
    {
        var fields = table.Columns.Select(Field).ToArray();
        using var buffer = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), buffer, cancellationToken: ct))
        {
            writer.CustomMetadata = new Dictionary<string, string>
            {
                [SchemaVersionKey] = ReportSchema.Version.ToString(CultureInfo.InvariantCulture),
                [TableKey] = table.Name,
            };
            using var group = writer.CreateRowGroup();
            for (var i = 0; i < fields.Length; i++)
            {
                await WriteColumnAsync(group, fields[i], table.Columns[i], table.Rows.Select(r => r[i]).ToArray(), ct);
            }
        }

        return buffer.ToArray();
    }

    private static Task WriteColumnAsync(ParquetRowGroupWriter group, DataField field, ReportColumn column, object?[] values, CancellationToken ct)
    {
        Check(column, values);
        return column.Type switch
        {
            ColumnType.String => group.WriteAsync(field, values.Select(v => (string?)v).ToArray()!),
            ColumnType.Int32 => WriteAsync(group, field, column, values.Select(v => (int?)v).ToArray(), ct),
            ColumnType.Int64 => WriteAsync(group, field, column, values.Select(v => (long?)v).ToArray(), ct),
            ColumnType.Double => WriteAsync(group, field, column, values.Select(v => (double?)v).ToArray(), ct),
            ColumnType.Boolean => WriteAsync(group, field, column, values.Select(v => (bool?)v).ToArray(), ct),
            ColumnType.Decimal => WriteAsync(group, field, column, values.Select(v => v is decimal d ? Math.Round(d, ReportSchema.DecimalScale) : (decimal?)null).ToArray(), ct),
            ColumnType.Date => WriteAsync(group, field, column, values.Select(v => v is DateOnly d ? d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) : (DateTime?)null).ToArray(), ct),
            ColumnType.Timestamp => WriteAsync(group, field, column, values.Select(v => v is DateTimeOffset t ? t.UtcDateTime : (DateTime?)null).ToArray(), ct),
            ColumnType.LocalDateTime => WriteAsync(group, field, column, values.Select(v => v is DateTime t ? DateTime.SpecifyKind(t, DateTimeKind.Unspecified) : (DateTime?)null).ToArray(), ct),
            _ => throw new ArgumentOutOfRangeException(nameof(column)),
        };
    }

    private static Task WriteAsync<T>(ParquetRowGroupWriter group, DataField field, ReportColumn column, T?[] values, CancellationToken ct)
        where T : struct =>
        column.Nullable
            ? group.WriteAsync<T>(field, new ReadOnlyMemory<T?>(values), cancellationToken: ct)
            : group.WriteAsync<T>(field, new ReadOnlyMemory<T>([.. values.Select(v => v!.Value)]), cancellationToken: ct);

    /// <summary>A missing value in a required column, or a value of the wrong type, is a bug in the builder: fail loudly.</summary>
    private static void Check(ReportColumn column, object?[] values)
    {
        var expected = column.Type switch
        {
            ColumnType.String => typeof(string),
            ColumnType.Int32 => typeof(int),
            ColumnType.Int64 => typeof(long),
            ColumnType.Double => typeof(double),
            ColumnType.Boolean => typeof(bool),
            ColumnType.Decimal => typeof(decimal),
            ColumnType.Date => typeof(DateOnly),
            ColumnType.Timestamp => typeof(DateTimeOffset),
            ColumnType.LocalDateTime => typeof(DateTime),
            _ => throw new ArgumentOutOfRangeException(nameof(column)),
        };
        foreach (var v in values)
        {
            if (v is null ? !column.Nullable : v.GetType() != expected)
            {
                throw new InvalidOperationException($"Column {column.Name} ({column.Type}{(column.Nullable ? ", nullable" : string.Empty)}) cannot hold {v?.GetType().Name ?? "null"}.");
            }
        }
    }

    public static byte[] Csv(ReportTable table)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', table.Columns.Select(c => Quote(c.Name))).Append("\r\n");
        foreach (var row in table.Rows)
        {
            text.AppendJoin(',', row.Select(Format).Select(Quote)).Append("\r\n");
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static string Format(object? value) => value switch
    {
        null => string.Empty,
        string s => Neutralise(s),
        bool b => b ? "true" : "false",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture),
        decimal m => Math.Round(m, ReportSchema.DecimalScale).ToString(CultureInfo.InvariantCulture),
        double f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>
    /// Text typed by applicants must not run as a spreadsheet formula when someone opens the CSV
    /// in Excel (CSV injection): text starting with = + - @ or a control character gets a leading
    /// apostrophe. Only the CSV is changed; the Parquet files (what Power BI reads) keep the text.
    /// </summary>
    public static string Neutralise(string s) =>
        s.Length > 0 && s[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + s : s;

    private static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{s.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : s;
}
