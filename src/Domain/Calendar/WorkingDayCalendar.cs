using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace QualityAward.Domain.Calendar;

/// <summary>
/// One year's official schedule: the public holidays (放假) and the weekend days declared working
/// days (调休上班), as the State Council's annual notice states them.
/// </summary>
public sealed record CalendarYear
{
    private CalendarYear(int year, FrozenDictionary<DateOnly, string> holidays, FrozenSet<DateOnly> makeUpWorkdays, string source)
    {
        Year = year;
        Holidays = holidays;
        MakeUpWorkdays = makeUpWorkdays;
        Source = source;
    }

    public int Year { get; }

    /// <summary>Each holiday date with the holiday's name (春节, 国庆节…).</summary>
    public IReadOnlyDictionary<DateOnly, string> Holidays { get; }

    /// <summary>Saturdays and Sundays that are working days that year.</summary>
    public IReadOnlySet<DateOnly> MakeUpWorkdays { get; }

    /// <summary>The notice the facts come from, e.g. "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）".</summary>
    public string Source { get; }

    /// <summary>
    /// Build a year and check it is self-consistent: every date inside the year, a holiday never on
    /// a make-up working day, make-up working days only on weekends.
    /// </summary>
    public static Outcome<CalendarYear> Create(int year, IEnumerable<KeyValuePair<DateOnly, string>> holidays, IEnumerable<DateOnly> makeUpWorkdays, string source)
    {
        if (year is < 1949 or > 2200)
        {
            return Refusal.Invalid("calendar.year-invalid", $"年份{year}不在可接受的范围内。", $"Year {year} is out of range.", "year");
        }

        if (string.IsNullOrWhiteSpace(source))
        {
            return Refusal.Invalid("calendar.source-missing", "请注明日程安排的来源（国务院办公厅通知的文号）。", "Say where the schedule comes from (the State Council notice number).", "source");
        }

        var holidayMap = new Dictionary<DateOnly, string>();
        foreach (var (date, name) in holidays)
        {
            if (date.Year != year)
            {
                return Refusal.Invalid("calendar.date-outside-year", $"假日{date:yyyy-MM-dd}不在{year}年内。", $"Holiday {date:yyyy-MM-dd} is not in {year}.", "holidays");
            }

            if (string.IsNullOrWhiteSpace(name))
            {
                return Refusal.Invalid("calendar.holiday-name-missing", $"假日{date:yyyy-MM-dd}缺少名称。", $"Holiday {date:yyyy-MM-dd} has no name.", "holidays");
            }

            if (!holidayMap.TryAdd(date, name.Trim()))
            {
                return Refusal.Invalid("calendar.holiday-duplicate", $"假日{date:yyyy-MM-dd}重复出现。", $"Holiday {date:yyyy-MM-dd} is listed twice.", "holidays");
            }
        }

        var workdays = new HashSet<DateOnly>();
        foreach (var date in makeUpWorkdays)
        {
            if (date.Year != year)
            {
                return Refusal.Invalid("calendar.date-outside-year", $"调休上班日{date:yyyy-MM-dd}不在{year}年内。", $"Make-up working day {date:yyyy-MM-dd} is not in {year}.", "workdays");
            }

            if (!IsWeekend(date))
            {
                return Refusal.Invalid("calendar.workday-not-weekend", $"调休上班日{date:yyyy-MM-dd}是{Weekday(date)}，本来就是工作日。", $"Make-up working day {date:yyyy-MM-dd} is a {date.DayOfWeek}, already a working day.", "workdays");
            }

            if (holidayMap.ContainsKey(date))
            {
                return Refusal.Invalid("calendar.holiday-and-workday", $"{date:yyyy-MM-dd}既被列为假日又被列为调休上班日。", $"{date:yyyy-MM-dd} is listed both as a holiday and as a working day.", "workdays");
            }

            if (!workdays.Add(date))
            {
                return Refusal.Invalid("calendar.workday-duplicate", $"调休上班日{date:yyyy-MM-dd}重复出现。", $"Make-up working day {date:yyyy-MM-dd} is listed twice.", "workdays");
            }
        }

        return new CalendarYear(year, holidayMap.ToFrozenDictionary(), workdays.ToFrozenSet(), source.Trim());
    }

    internal static bool IsWeekend(DateOnly date) => date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    internal static string Weekday(DateOnly date) => date.DayOfWeek switch
    {
        DayOfWeek.Monday => "星期一",
        DayOfWeek.Tuesday => "星期二",
        DayOfWeek.Wednesday => "星期三",
        DayOfWeek.Thursday => "星期四",
        DayOfWeek.Friday => "星期五",
        DayOfWeek.Saturday => "星期六",
        _ => "星期日",
    };
}

/// <summary>
/// Working days in mainland China. Monday to Friday are working days unless the year's notice
/// makes them a holiday; Saturday and Sunday are rest days unless it makes them a working day.
/// Dates are calendar dates in Asia/Shanghai (<see cref="ShanghaiTime"/>). A date in a year whose
/// schedule has not been loaded is refused, naming the year: guessing would put a notice's end on
/// a holiday.
/// </summary>
public sealed class WorkingDayCalendar
{
    /// <summary>The longest run of consecutive non-working days any schedule has had is about 10; this bounds a search.</summary>
    private const int MaxRestRun = 31;

    private readonly FrozenDictionary<int, CalendarYear> _years;

    private WorkingDayCalendar(FrozenDictionary<int, CalendarYear> years) => _years = years;

    // Declared before MainlandChina: static initialisers run in text order, and loading starts from Empty.
    public static WorkingDayCalendar Empty { get; } = new(FrozenDictionary<int, CalendarYear>.Empty);

    /// <summary>The calendar shipped with the product (2024–2026, from the State Council notices).</summary>
    public static WorkingDayCalendar MainlandChina { get; } = LoadEmbedded();

    /// <summary>The years whose schedule is known, ascending.</summary>
    public IReadOnlyList<int> Years => [.. _years.Keys.Order()];

    public CalendarYear? Year(int year) => _years.GetValueOrDefault(year);

    public bool Covers(DateOnly date) => _years.ContainsKey(date.Year);

    /// <summary>A calendar with <paramref name="year"/> added, or replacing the same year.</summary>
    public WorkingDayCalendar WithYear(CalendarYear year)
    {
        var years = new Dictionary<int, CalendarYear>(_years) { [year.Year] = year };
        return new WorkingDayCalendar(years.ToFrozenDictionary());
    }

    public Outcome<bool> IsWorkingDay(DateOnly date)
    {
        if (!_years.TryGetValue(date.Year, out var year))
        {
            return MissingYear(date.Year);
        }

        if (year.Holidays.ContainsKey(date))
        {
            return false;
        }

        return !CalendarYear.IsWeekend(date) || year.MakeUpWorkdays.Contains(date);
    }

    /// <summary>The holiday's name when <paramref name="date"/> is a public holiday.</summary>
    public string? HolidayName(DateOnly date) =>
        _years.TryGetValue(date.Year, out var year) ? year.Holidays.GetValueOrDefault(date) : null;

    /// <summary>
    /// The date <paramref name="n"/> working days after <paramref name="start"/> (which itself is
    /// not counted). Zero gives <paramref name="start"/> back.
    /// </summary>
    public Outcome<DateOnly> AddWorkingDays(DateOnly start, int n)
    {
        if (n < 0)
        {
            return Refusal.Invalid("calendar.negative-days", "工作日数不能为负数。", "The number of working days cannot be negative.", "n");
        }

        var date = start;
        var counted = 0;
        while (counted < n)
        {
            date = date.AddDays(1);
            var working = IsWorkingDay(date);
            if (!working.IsOk)
            {
                return working.Refusal!;
            }

            if (working.Value)
            {
                counted++;
            }
        }

        return date;
    }

    /// <summary>
    /// The last day of a notice that must run "at least <paramref name="n"/> working days"
    /// (不少于N个工作日) from <paramref name="firstDay"/>: the n-th working day counting
    /// <paramref name="firstDay"/> itself when it is a working day. A notice published on a
    /// holiday starts counting on the next working day.
    /// </summary>
    public Outcome<DateOnly> NoticeLastDay(DateOnly firstDay, int n)
    {
        if (n < 1)
        {
            return Refusal.Invalid("calendar.notice-days", "公示期至少为1个工作日。", "A notice runs at least one working day.", "workingDays");
        }

        var first = IsWorkingDay(firstDay);
        if (!first.IsOk)
        {
            return first.Refusal!;
        }

        return first.Value
            ? AddWorkingDays(firstDay, n - 1)
            : AddWorkingDays(firstDay, n);
    }

    /// <summary>Working days in the closed range [<paramref name="from"/>, <paramref name="to"/>]; zero when <paramref name="to"/> is before <paramref name="from"/>.</summary>
    public Outcome<int> WorkingDaysBetween(DateOnly from, DateOnly to)
    {
        var count = 0;
        for (var date = from; date <= to; date = date.AddDays(1))
        {
            var working = IsWorkingDay(date);
            if (!working.IsOk)
            {
                return working.Refusal!;
            }

            if (working.Value)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary><paramref name="date"/> if it is a working day, else the first working day after it.</summary>
    public Outcome<DateOnly> NextWorkingDayOnOrAfter(DateOnly date)
    {
        for (var i = 0; i <= MaxRestRun; i++)
        {
            var day = date.AddDays(i);
            var working = IsWorkingDay(day);
            if (!working.IsOk)
            {
                return working.Refusal!;
            }

            if (working.Value)
            {
                return day;
            }
        }

        return Refusal.Invalid("calendar.no-working-day", $"{date:yyyy-MM-dd}之后{MaxRestRun}天内没有工作日，日程数据可能有误。", $"No working day within {MaxRestRun} days after {date:yyyy-MM-dd}; the schedule looks wrong.");
    }

    public static Refusal MissingYear(int year) => Refusal.Rule(
        "calendar.year-missing",
        $"尚未载入{year}年的节假日安排（国务院办公厅关于{year}年部分节假日安排的通知），无法计算工作日。请管理员载入该年日程。",
        $"The {year} holiday schedule (State Council notice for {year}) is not loaded, so working days cannot be computed. An administrator must load that year.",
        "year");

    /// <summary>
    /// Read one year in the run-time format:
    /// <c>{"year":2027,"source":"国办发明电〔2026〕…号","holidays":[{"name":"元旦","dates":["2027-01-01"]}],"workdays":["2027-…"]}</c>.
    /// </summary>
    public static Outcome<CalendarYear> ParseYear(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return Refusal.Invalid("calendar.empty", "日程内容为空。", "The schedule is empty.");
        }

        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 8 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Refusal.Invalid("calendar.shape", "日程应为一个JSON对象。", "The schedule must be a JSON object.");
            }

            if (!root.TryGetProperty("year", out var yearElement) || yearElement.ValueKind != JsonValueKind.Number || !yearElement.TryGetInt32(out var year))
            {
                return Refusal.Invalid("calendar.field-missing", "缺少整数字段 year。", "Missing integer field 'year'.", "year");
            }

            var source = root.TryGetProperty("source", out var s) ? SourceText(s) : null;
            return ReadYear(year, root, source ?? string.Empty);
        }
        catch (JsonException e)
        {
            return Refusal.Invalid("calendar.json", $"日程不是有效的JSON（第{e.LineNumber + 1}行）。", $"The schedule is not valid JSON (line {e.LineNumber + 1}): {e.Message}");
        }
    }

    /// <summary>The product's own data file format: <c>{"years":{"2026":{source,holidays,workdays}}}</c>.</summary>
    public static Outcome<WorkingDayCalendar> FromJson(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 8 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("years", out var years) || years.ValueKind != JsonValueKind.Object)
            {
                return Refusal.Invalid("calendar.field-missing", "缺少字段 years。", "Missing field 'years'.", "years");
            }

            var calendar = Empty;
            foreach (var entry in years.EnumerateObject())
            {
                if (!int.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var year))
                {
                    return Refusal.Invalid("calendar.year-invalid", $"“{entry.Name}”不是年份。", $"'{entry.Name}' is not a year.", "years");
                }

                if (entry.Value.ValueKind != JsonValueKind.Object)
                {
                    return Refusal.Invalid("calendar.shape", $"{year}年的日程应为一个JSON对象。", $"The {year} schedule must be a JSON object.", "years");
                }

                var source = entry.Value.TryGetProperty("source", out var s) ? SourceText(s) : null;
                var parsed = ReadYear(year, entry.Value, source ?? string.Empty);
                if (!parsed.IsOk)
                {
                    return parsed.Refusal!;
                }

                calendar = calendar.WithYear(parsed.Value);
            }

            return calendar;
        }
        catch (JsonException e)
        {
            return Refusal.Invalid("calendar.json", "日程不是有效的JSON。", $"The calendar is not valid JSON: {e.Message}");
        }
    }

    private static Outcome<CalendarYear> ReadYear(int year, JsonElement element, string source)
    {
        var holidays = new List<KeyValuePair<DateOnly, string>>();
        if (element.TryGetProperty("holidays", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                return Refusal.Invalid("calendar.shape", "holidays 应为数组。", "'holidays' must be an array.", "holidays");
            }

            foreach (var holiday in list.EnumerateArray())
            {
                if (holiday.ValueKind != JsonValueKind.Object)
                {
                    return Refusal.Invalid("calendar.shape", "holidays 的每一项应为含 name 和 dates 的对象。", "Each entry of 'holidays' must be an object with 'name' and 'dates'.", "holidays");
                }

                var name = holiday.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : string.Empty;
                if (!holiday.TryGetProperty("dates", out var dates) || dates.ValueKind != JsonValueKind.Array)
                {
                    return Refusal.Invalid("calendar.shape", $"假日“{name}”缺少 dates 数组。", $"Holiday '{name}' has no 'dates' array.", "holidays");
                }

                foreach (var d in dates.EnumerateArray())
                {
                    if (!TryDate(d, out var date))
                    {
                        return Refusal.Invalid("calendar.date-invalid", $"假日“{name}”中的日期“{d}”不是yyyy-MM-dd格式。", $"Date '{d}' in holiday '{name}' is not yyyy-MM-dd.", "holidays");
                    }

                    holidays.Add(new(date, name));
                }
            }
        }

        var workdays = new List<DateOnly>();
        if (element.TryGetProperty("workdays", out var wd))
        {
            if (wd.ValueKind != JsonValueKind.Array)
            {
                return Refusal.Invalid("calendar.shape", "workdays 应为数组。", "'workdays' must be an array.", "workdays");
            }

            foreach (var d in wd.EnumerateArray())
            {
                if (!TryDate(d, out var date))
                {
                    return Refusal.Invalid("calendar.date-invalid", $"调休上班日“{d}”不是yyyy-MM-dd格式。", $"Make-up working day '{d}' is not yyyy-MM-dd.", "workdays");
                }

                workdays.Add(date);
            }
        }

        if (holidays.Count == 0)
        {
            // Every year since 1999 has had holidays; an empty list is a mistake, not a fact.
            return Refusal.Invalid("calendar.no-holidays", $"{year}年的日程没有任何假日，请检查文件。", $"The {year} schedule lists no holidays; check the file.", "holidays");
        }

        return CalendarYear.Create(year, holidays, workdays, source);
    }

    private static bool TryDate(JsonElement element, out DateOnly date)
    {
        date = default;
        return element.ValueKind == JsonValueKind.String
            && DateOnly.TryParseExact(element.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    private static string? SourceText(JsonElement source) => source.ValueKind switch
    {
        JsonValueKind.String => source.GetString(),
        JsonValueKind.Object => string.Join(
            "",
            source.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null,
            source.TryGetProperty("number", out var n) && n.ValueKind == JsonValueKind.String ? $"（{n.GetString()}）" : null),
        _ => null,
    };

    private static WorkingDayCalendar LoadEmbedded()
    {
        using var stream = typeof(WorkingDayCalendar).Assembly.GetManifestResourceStream("QualityAward.Domain.Calendar.cn-workday-calendar.json")
            ?? throw new InvalidOperationException("The embedded working-day calendar is missing from the build.");
        using var reader = new StreamReader(stream);
        var calendar = FromJson(reader.ReadToEnd());
        return calendar.IsOk
            ? calendar.Value
            : throw new InvalidOperationException($"The embedded working-day calendar is inconsistent: {calendar.Refusal}");
    }
}
