using QualityAward.Domain.Calendar;
using static QualityAward.Domain.Tests.TestDates;

namespace QualityAward.Domain.Tests.Calendar;

/// <summary>Years the calendar does not know, and loading a year at run time.</summary>
public partial class WorkingDayCalendarTests
{
    // TEST DATA, not the real 2027 schedule (its notice was not published when the file was made):
    // 元旦 on Fri 2027-01-01 and a made-up 调休 Saturday 2027-01-09 are enough to tell the
    // calendar used the loaded year.
    private const string Fictional2027 = """
        {
          // run-time format: one year
          "year": 2027,
          "source": { "title": "测试用日程（非真实）", "number": "测试〔2026〕1号" },
          "holidays": [ { "name": "元旦", "dates": [ "2027-01-01" ] } ],
          "workdays": [ "2027-01-09" ],
        }
        """;

    [Theory]
    [InlineData("2027-01-04")]
    [InlineData("2027-06-30")]
    public void IsWorkingDay_InYearNotLoaded_IsRefusedNamingTheYear(string date)
    {
        var working = Calendar.IsWorkingDay(D(date));

        Assert.False(working.IsOk);
        var refusal = working.Refusal!;
        Assert.Equal("calendar.year-missing", refusal.Code);
        Assert.Equal(RefusalKind.Rule, refusal.Kind);
        Assert.Contains("2027", refusal.En, StringComparison.Ordinal);
        Assert.Contains("2027", refusal.Zh, StringComparison.Ordinal);
    }

    [Fact]
    public void IsWorkingDay_BeforeFirstYear_IsRefusedNamingTheYear()
    {
        var refusal = Calendar.IsWorkingDay(D("2023-12-29")).Refusal;

        Assert.Equal("calendar.year-missing", refusal?.Code);
        Assert.Contains("2023", refusal!.En, StringComparison.Ordinal);
    }

    [Fact]
    public void AddWorkingDays_RunningIntoYearNotLoaded_IsRefusedNamingThatYear()
    {
        // Wed 2026-12-30 + 1 is Thu 12-31; the second working day would be in 2027.
        Assert.Equal(D("2026-12-31"), Calendar.AddWorkingDays(D("2026-12-30"), 1).Value);

        var result = Calendar.AddWorkingDays(D("2026-12-30"), 2);

        Assert.Equal("calendar.year-missing", result.Refusal?.Code);
        Assert.Contains("2027", result.Refusal!.En, StringComparison.Ordinal);
    }

    [Fact]
    public void NoticeLastDay_RunningIntoYearNotLoaded_IsRefused()
    {
        var result = Calendar.NoticeLastDay(D("2026-12-28"), 5);

        Assert.Equal("calendar.year-missing", result.Refusal?.Code);
    }

    [Fact]
    public void WithYear_LoadedAtRunTime_MakesThatYearWork()
    {
        var year = WorkingDayCalendar.ParseYear(Fictional2027);
        Assert.True(year.IsOk, year.Refusal?.En);

        var extended = Calendar.WithYear(year.Value);

        Assert.Equal([2024, 2025, 2026, 2027], extended.Years);
        Assert.False(extended.IsWorkingDay(D("2027-01-01")).Value); // the loaded holiday
        Assert.True(extended.IsWorkingDay(D("2027-01-09")).Value);  // the loaded 调休 Saturday
        Assert.False(extended.IsWorkingDay(D("2027-01-10")).Value); // an ordinary Sunday
        // Wed 2026-12-30: Thu 31, then 2027-01-01 is a holiday, so Mon 01-04.
        Assert.Equal(D("2027-01-04"), extended.AddWorkingDays(D("2026-12-30"), 2).Value);
        Assert.Equal("元旦", extended.HolidayName(D("2027-01-01")));
        Assert.Equal("测试用日程（非真实）（测试〔2026〕1号）", extended.Year(2027)!.Source);
    }

    [Fact]
    public void WithYear_LeavesTheOriginalCalendarUnchanged()
    {
        _ = Calendar.WithYear(WorkingDayCalendar.ParseYear(Fictional2027).Value);

        Assert.False(Calendar.Covers(D("2027-01-04")));
        Assert.Equal("calendar.year-missing", Calendar.IsWorkingDay(D("2027-01-04")).Refusal?.Code);
    }

    [Fact]
    public void WithYear_SameYearAgain_ReplacesIt()
    {
        var first = WorkingDayCalendar.ParseYear(Fictional2027).Value;
        var corrected = WorkingDayCalendar.ParseYear(Fictional2027.Replace("\"2027-01-09\"", "", StringComparison.Ordinal)).Value;

        var calendar = Calendar.WithYear(first).WithYear(corrected);

        Assert.False(calendar.IsWorkingDay(D("2027-01-09")).Value);
    }

    [Fact]
    public void FromJson_ProductFormatWithSeveralYears_LoadsEach()
    {
        const string json = """
            {
              "years": {
                "2027": { "source": "测试〔2026〕1号", "holidays": [ { "name": "元旦", "dates": [ "2027-01-01" ] } ], "workdays": [] },
                "2028": { "source": "测试〔2027〕1号", "holidays": [ { "name": "元旦", "dates": [ "2028-01-03" ] } ] }
              }
            }
            """;

        var loaded = WorkingDayCalendar.FromJson(json);

        Assert.True(loaded.IsOk, loaded.Refusal?.En);
        Assert.Equal([2027, 2028], loaded.Value.Years);
        Assert.False(loaded.Value.IsWorkingDay(D("2028-01-03")).Value);
        Assert.Equal("calendar.year-missing", loaded.Value.IsWorkingDay(D("2026-03-04")).Refusal?.Code);
    }

    [Fact]
    public void Empty_KnowsNoYear()
    {
        Assert.Empty(WorkingDayCalendar.Empty.Years);
        Assert.Equal("calendar.year-missing", WorkingDayCalendar.Empty.IsWorkingDay(D("2026-03-04")).Refusal?.Code);
    }

    public static TheoryData<string?, string, string?> MalformedYears => new()
    {
        // input, refusal code, field
        { null, "calendar.empty", null },
        { "   ", "calendar.empty", null },
        { "{ \"year\": 2027, ", "calendar.json", null },
        { "[2027]", "calendar.shape", null },
        { "\"2027\"", "calendar.shape", null },
        { """{ "source": "x", "holidays": [] }""", "calendar.field-missing", "year" },
        { """{ "year": "2027", "source": "x", "holidays": [ { "name": "元旦", "dates": [ "2027-01-01" ] } ] }""", "calendar.field-missing", "year" },
        { """{ "year": 2027.5, "source": "x", "holidays": [ { "name": "元旦", "dates": [ "2027-01-01" ] } ] }""", "calendar.field-missing", "year" },
        { """{ "year": 1800, "source": "x", "holidays": [ { "name": "元旦", "dates": [ "1800-01-01" ] } ] }""", "calendar.year-invalid", "year" },
        { """{ "year": 2027, "holidays": [ { "name": "元旦", "dates": [ "2027-01-01" ] } ] }""", "calendar.source-missing", "source" },
        { """{ "year": 2027, "source": "  ", "holidays": [ { "name": "元旦", "dates": [ "2027-01-01" ] } ] }""", "calendar.source-missing", "source" },
        { """{ "year": 2027, "source": "x", "holidays": [] }""", "calendar.no-holidays", "holidays" },
        { """{ "year": 2027, "source": "x" }""", "calendar.no-holidays", "holidays" },
        { """{ "year": 2027, "source": "x", "holidays": {} }""", "calendar.shape", "holidays" },
        { """{ "year": 2027, "source": "x", "holidays": [ "2027-01-01" ] }""", "calendar.shape", "holidays" },
        { """{ "year": 2027, "source": "x", "holidays": [ { "name": "元旦" } ] }""", "calendar.shape", "holidays" },
        { """{ "year": 2027, "source": "x", "holidays": [ { "name": "元旦", "dates": [ "2027-1-1" ] } ] }""", "calendar.date-invalid", "holidays" },
        { """{ "year": 2027, "source": "x", "holidays": [ { "name": "春节", "dates": [ "2027-02-30" ] } ] }""", "calendar.date-invalid", "holidays" },
        { """{ "year": 2027, "source": "x", "holidays": [ { "name": "元旦", "dates": [ 20270101 ] } ] }""", "calendar.date-invalid", "holidays" },
        { """{ "year": 2027, "source": "x", "holidays": [ { "name": "元旦", "dates": [ "2026-01-01" ] } ] }""", "calendar.date-outside-year", "holidays" },
        { """{ "year": 2027, "source": "x", "holidays": [ { "name": " ", "dates": [ "2027-01-01" ] } ] }""", "calendar.holiday-name-missing", "holidays" },
        { """{ "year": 2027, "source": "x", "holidays": [ { "dates": [ "2027-01-01" ] } ] }""", "calendar.holiday-name-missing", "holidays" },
        { """{ "year": 2027, "source": "x", "holidays": [ { "name": "元旦", "dates": [ "2027-01-01", "2027-01-01" ] } ] }""", "calendar.holiday-duplicate", "holidays" },
        { """{ "year": 2027, "source": "x", "holidays": [ { "name": "元旦", "dates": [ "2027-01-01" ] } ], "workdays": "2027-01-09" }""", "calendar.shape", "workdays" },
        { """{ "year": 2027, "source": "x", "holidays": [ { "name": "元旦", "dates": [ "2027-01-01" ] } ], "workdays": [ "09/01/2027" ] }""", "calendar.date-invalid", "workdays" },
        // Mon 2027-01-04 is a working day already: listing it as 调休 is a mistake.
        { """{ "year": 2027, "source": "x", "holidays": [ { "name": "元旦", "dates": [ "2027-01-01" ] } ], "workdays": [ "2027-01-04" ] }""", "calendar.workday-not-weekend", "workdays" },
        { """{ "year": 2027, "source": "x", "holidays": [ { "name": "元旦", "dates": [ "2027-01-01" ] } ], "workdays": [ "2028-01-08" ] }""", "calendar.date-outside-year", "workdays" },
        { """{ "year": 2027, "source": "x", "holidays": [ { "name": "元旦", "dates": [ "2027-01-02" ] } ], "workdays": [ "2027-01-02" ] }""", "calendar.holiday-and-workday", "workdays" },
        { """{ "year": 2027, "source": "x", "holidays": [ { "name": "元旦", "dates": [ "2027-01-01" ] } ], "workdays": [ "2027-01-09", "2027-01-09" ] }""", "calendar.workday-duplicate", "workdays" },
    };

    [Theory]
    [MemberData(nameof(MalformedYears))]
    public void ParseYear_Malformed_IsRefusedWithCode(string? json, string code, string? field)
    {
        var parsed = WorkingDayCalendar.ParseYear(json);

        Assert.False(parsed.IsOk, "a malformed year was accepted");
        Assert.Equal(code, parsed.Refusal!.Code);
        Assert.Equal(RefusalKind.Invalid, parsed.Refusal.Kind);
        Assert.Equal(field, parsed.Refusal.Field);
        Assert.False(string.IsNullOrWhiteSpace(parsed.Refusal.Zh));
        Assert.False(string.IsNullOrWhiteSpace(parsed.Refusal.En));
    }

    [Fact]
    public void ParseYear_SourceObjectWithNonTextTitle_IsRefusedNotThrown()
    {
        const string json = """{ "year": 2027, "source": { "title": 7 }, "holidays": [ { "name": "元旦", "dates": [ "2027-01-01" ] } ] }""";

        var parsed = WorkingDayCalendar.ParseYear(json);

        Assert.Equal("calendar.source-missing", parsed.Refusal?.Code);
    }

    public static TheoryData<string, string> MalformedCalendars => new()
    {
        { "", "calendar.json" },
        { "{ \"years\": ", "calendar.json" },
        { "[]", "calendar.field-missing" },
        { "{}", "calendar.field-missing" },
        { """{ "years": [] }""", "calendar.field-missing" },
        { """{ "years": { "twenty": { "source": "x", "holidays": [ { "name": "元旦", "dates": [ "2027-01-01" ] } ] } } }""", "calendar.year-invalid" },
        { """{ "years": { "2027": 5 } }""", "calendar.shape" },
        // A date filed under the wrong year.
        { """{ "years": { "2027": { "source": "x", "holidays": [ { "name": "元旦", "dates": [ "2028-01-01" ] } ] } } }""", "calendar.date-outside-year" },
        { """{ "years": { "2027": { "holidays": [ { "name": "元旦", "dates": [ "2027-01-01" ] } ] } } }""", "calendar.source-missing" },
    };

    [Theory]
    [MemberData(nameof(MalformedCalendars))]
    public void FromJson_Malformed_IsRefusedWithCode(string json, string code)
    {
        var loaded = WorkingDayCalendar.FromJson(json);

        Assert.False(loaded.IsOk, "a malformed calendar was accepted");
        Assert.Equal(code, loaded.Refusal!.Code);
    }

    [Fact]
    public void CalendarYear_Create_RejectsMakeUpDayOnWeekday()
    {
        var created = CalendarYear.Create(
            2027,
            [new(D("2027-01-01"), "元旦")],
            [D("2027-01-05")], // Tuesday
            "测试");

        Assert.Equal("calendar.workday-not-weekend", created.Refusal?.Code);
    }
}
