using Azure.Data.Tables;
using QualityAward.Domain;
using QualityAward.Domain.Calendar;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Hosting;

/// <summary>
/// The working-day calendar in use: the years shipped with the product plus any year the office
/// loaded (a new State Council notice, say for 2027). Loaded years live in the settings table, so
/// every instance sees them; each instance re-reads them at most once a minute.
/// </summary>
public sealed partial class CalendarProvider(StorageClients storage, TimeProvider clock, ILogger<CalendarProvider> logger)
{
    private const string Partition = "calendar";
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    // Read when a request first needs it, not when the provider is made: building the shipped
    // years is some 40 ms of a cold start that most first requests never use.
    private WorkingDayCalendar? _calendar;
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;

    private TableClient Table => storage.Table(StorageClients.SettingsTable);

    public async Task<WorkingDayCalendar> CurrentAsync(CancellationToken ct)
    {
        if (clock.GetUtcNow() - _loadedAt < RefreshEvery)
        {
            return _calendar!;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (clock.GetUtcNow() - _loadedAt >= RefreshEvery)
            {
                var calendar = WorkingDayCalendar.MainlandChina;
                await foreach (var row in Table.QueryAsync<TableEntity>(r => r.PartitionKey == Partition, cancellationToken: ct))
                {
                    var year = WorkingDayCalendar.ParseYear(row.GetString("Json"));
                    if (year.IsOk)
                    {
                        calendar = calendar.WithYear(year.Value);
                    }
                    else
                    {
                        LogBadStoredYear(logger, row.RowKey, year.Refusal!.En);
                    }
                }

                _calendar = calendar;
                _loadedAt = clock.GetUtcNow();
            }

            return _calendar!; // set before _loadedAt, here or by the caller before us
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Store a year's schedule (from the office) and use it at once on this instance.</summary>
    public async Task<Outcome<CalendarYear>> LoadYearAsync(int year, string json, CancellationToken ct)
    {
        var parsed = WorkingDayCalendar.ParseYear(json);
        if (!parsed.IsOk)
        {
            return parsed.Refusal!;
        }

        if (parsed.Value.Year != year)
        {
            return Refusal.Invalid("calendar.year-mismatch", $"文件中的年份为{parsed.Value.Year}，与地址中的{year}不一致。", $"The file is for {parsed.Value.Year}, not {year}.", "year");
        }

        await Table.UpsertEntityAsync(new TableEntity(Partition, year.ToString(System.Globalization.CultureInfo.InvariantCulture)) { ["Json"] = json }, TableUpdateMode.Replace, ct);
        await _gate.WaitAsync(ct);
        try
        {
            _calendar = (_calendar ?? WorkingDayCalendar.MainlandChina).WithYear(parsed.Value);
        }
        finally
        {
            _gate.Release();
        }

        LogYearLoaded(logger, year, parsed.Value.Source);
        return parsed.Value;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Stored calendar year {Year} does not parse and is ignored: {Problem}")]
    private static partial void LogBadStoredYear(ILogger logger, string year, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Working-day calendar for {Year} loaded ({Source})")]
    private static partial void LogYearLoaded(ILogger logger, int year, string source);
}
