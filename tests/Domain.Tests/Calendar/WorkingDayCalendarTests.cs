using QualityAward.Domain.Calendar;
using static QualityAward.Domain.Tests.TestDates;

namespace QualityAward.Domain.Tests.Calendar;

/// <summary>
/// The shipped calendar against the facts in cn-workday-calendar.json (State Council notices
/// 国办发明电〔2023〕7号, 〔2024〕12号, 〔2025〕7号). Every expected date below was worked out by
/// hand from that file, not from the code under test.
/// </summary>
public partial class WorkingDayCalendarTests
{
    private static readonly WorkingDayCalendar Calendar = WorkingDayCalendar.MainlandChina;

    [Fact]
    public void MainlandChina_CoversTheThreePublishedYears()
    {
        Assert.Equal([2024, 2025, 2026], Calendar.Years);
    }

    [Theory]
    // 2026 春节: 2026-02-15 (Sun) .. 2026-02-23 (Mon) are all holidays, weekdays included.
    [InlineData("2026-02-15")]
    [InlineData("2026-02-16")]
    [InlineData("2026-02-17")]
    [InlineData("2026-02-18")]
    [InlineData("2026-02-19")]
    [InlineData("2026-02-20")]
    [InlineData("2026-02-21")]
    [InlineData("2026-02-22")]
    [InlineData("2026-02-23")]
    // 2026 元旦 2026-01-01 (Thu) .. 01-03; 2025 国庆节、中秋节 runs to 2025-10-08 (Wed).
    [InlineData("2026-01-01")]
    [InlineData("2026-01-02")]
    [InlineData("2025-10-08")]
    // 2024 劳动节 2024-05-01 .. 05-05; 2026 国庆节 2026-10-01 .. 10-07.
    [InlineData("2024-05-03")]
    [InlineData("2026-10-07")]
    public void IsWorkingDay_OnPublicHoliday_IsFalse(string date)
    {
        var working = Calendar.IsWorkingDay(D(date));

        Assert.True(working.IsOk, working.Refusal?.En);
        Assert.False(working.Value);
    }

    [Theory]
    // The make-up working days (调休上班) listed under "workdays": weekend days that are working days.
    [InlineData("2026-02-14")] // Sat before 春节 2026
    [InlineData("2026-02-28")] // Sat after 春节 2026
    [InlineData("2026-01-04")] // Sun after 元旦 2026
    [InlineData("2026-05-09")] // Sat after 劳动节 2026
    [InlineData("2026-09-20")] // Sun before 中秋节 2026
    [InlineData("2026-10-10")] // Sat after 国庆节 2026
    [InlineData("2025-10-11")] // Sat after 国庆节 2025
    [InlineData("2024-02-04")] // Sun before 春节 2024
    [InlineData("2024-02-18")] // Sun after 春节 2024
    public void IsWorkingDay_OnMakeUpWeekendDay_IsTrue(string date)
    {
        var working = Calendar.IsWorkingDay(D(date));

        Assert.True(working.IsOk, working.Refusal?.En);
        Assert.True(working.Value);
    }

    [Theory]
    [InlineData("2026-03-07")] // Sat, nothing declared
    [InlineData("2026-03-08")] // Sun
    [InlineData("2025-06-14")] // Sat
    [InlineData("2024-12-29")] // Sun
    public void IsWorkingDay_OnOrdinaryWeekend_IsFalse(string date)
    {
        Assert.False(Calendar.IsWorkingDay(D(date)).Value);
    }

    [Theory]
    [InlineData("2026-02-24")] // Tue, first working day after 春节 2026
    [InlineData("2026-02-13")] // Fri before 春节 2026
    [InlineData("2026-11-23")] // Mon, nothing declared
    [InlineData("2024-12-31")] // Tue, last day of the 2024 file
    public void IsWorkingDay_OnOrdinaryWeekday_IsTrue(string date)
    {
        Assert.True(Calendar.IsWorkingDay(D(date)).Value);
    }

    [Theory]
    [InlineData("2026-02-17", "春节")]
    [InlineData("2026-10-01", "国庆节")]
    [InlineData("2025-10-06", "国庆节、中秋节")]
    public void HolidayName_OnHoliday_NamesIt(string date, string name)
    {
        Assert.Equal(name, Calendar.HolidayName(D(date)));
    }

    [Theory]
    [InlineData("2026-02-14")] // a make-up working day is not a holiday
    [InlineData("2026-03-07")] // an ordinary weekend is not a holiday
    [InlineData("2027-01-01")] // an unknown year has no names
    public void HolidayName_OnNonHoliday_IsNull(string date)
    {
        Assert.Null(Calendar.HolidayName(D(date)));
    }

    [Theory]
    // Fri 2026-02-13 + 1 = Sat 02-14 (调休); + 2 jumps 02-15..02-23 (春节) to Tue 02-24.
    [InlineData("2026-02-13", 1, "2026-02-14")]
    [InlineData("2026-02-13", 2, "2026-02-24")]
    // From inside the holiday: the next working day is Tue 02-24, then 25, 26, 27, Sat 28 (调休).
    [InlineData("2026-02-18", 1, "2026-02-24")]
    [InlineData("2026-02-18", 5, "2026-02-28")]
    // Wed 2026-09-30 + 1 jumps 国庆节 10-01..10-07 to Thu 10-08; + 3 is Sat 10-10 (调休).
    [InlineData("2026-09-30", 1, "2026-10-08")]
    [InlineData("2026-09-30", 3, "2026-10-10")]
    // Across a year end: Wed 2025-12-31, 元旦 2026-01-01..03, Sun 01-04 (调休).
    [InlineData("2025-12-31", 1, "2026-01-04")]
    // An ordinary week: Fri 2026-03-06 + 1 skips the weekend.
    [InlineData("2026-03-06", 1, "2026-03-09")]
    public void AddWorkingDays_AcrossHolidaysAndMakeUpDays_CountsOnlyWorkingDays(string start, int n, string expected)
    {
        var result = Calendar.AddWorkingDays(D(start), n);

        Assert.True(result.IsOk, result.Refusal?.En);
        Assert.Equal(D(expected), result.Value);
    }

    [Fact]
    public void AddWorkingDays_AcrossSpringFestival_SkipsHolidays()
    {
        // Thu 2026-02-12 + 3: Fri 13, Sat 14 (调休), then 春节 to Mon 23, so Tue 24.
        var result = Calendar.AddWorkingDays(D("2026-02-12"), 3);

        Assert.Equal(D("2026-02-24"), result.Value);
    }

    [Theory]
    [InlineData("2026-02-15")] // a holiday
    [InlineData("2026-03-04")] // a working day
    public void AddWorkingDays_Zero_ReturnsStart(string start)
    {
        Assert.Equal(D(start), Calendar.AddWorkingDays(D(start), 0).Value);
    }

    [Fact]
    public void AddWorkingDays_Negative_IsRefused()
    {
        var result = Calendar.AddWorkingDays(D("2026-03-04"), -1);

        Assert.False(result.IsOk);
        Assert.Equal("calendar.negative-days", result.Refusal!.Code);
    }

    [Theory]
    // Published Wed 2026-02-11: 11, 12, 13, Sat 14 (调休) = 4 days, 春节 02-15..23, Tue 24 is the 5th.
    [InlineData("2026-02-11", 5, "2026-02-24")]
    // Published on a holiday (Mon 2026-02-16): counting starts Tue 24: 24, 25, 26, 27, Sat 28 (调休).
    [InlineData("2026-02-16", 5, "2026-02-28")]
    // Published on an ordinary Saturday: counting starts Monday. Sat 2026-03-07 → Mon 09 .. Fri 13.
    [InlineData("2026-03-07", 5, "2026-03-13")]
    // Published Mon 2025-12-29: 29, 30, 31, 元旦 2026-01-01..03, Sun 01-04 (调休) 4th, Mon 01-05 5th.
    [InlineData("2025-12-29", 5, "2026-01-05")]
    // Published Mon 2026-09-28: 28, 29, 30, 国庆节 10-01..07, Thu 10-08, Fri 10-09.
    [InlineData("2026-09-28", 5, "2026-10-09")]
    // Published Thu 2024-02-08: 8, 9, 春节 02-10..17, Sun 18 (调休), 19, 20.
    [InlineData("2024-02-08", 5, "2024-02-20")]
    // A one-day notice on a working day ends the same day.
    [InlineData("2026-03-04", 1, "2026-03-04")]
    public void NoticeLastDay_AtLeastNWorkingDays_EndsOnTheNthWorkingDay(string firstDay, int n, string expected)
    {
        var result = Calendar.NoticeLastDay(D(firstDay), n);

        Assert.True(result.IsOk, result.Refusal?.En);
        Assert.Equal(D(expected), result.Value);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void NoticeLastDay_LessThanOneDay_IsRefused(int n)
    {
        var result = Calendar.NoticeLastDay(D("2026-03-04"), n);

        Assert.Equal("calendar.notice-days", result.Refusal?.Code);
    }

    [Theory]
    // 2026-02-11 .. 2026-02-24 holds exactly the 5 working days of the notice above.
    [InlineData("2026-02-11", "2026-02-24", 5)]
    // The whole Spring Festival break holds none.
    [InlineData("2026-02-15", "2026-02-23", 0)]
    // A reversed range is empty.
    [InlineData("2026-03-09", "2026-03-06", 0)]
    // One ordinary week.
    [InlineData("2026-03-09", "2026-03-15", 5)]
    public void WorkingDaysBetween_CountsTheClosedRange(string from, string to, int expected)
    {
        Assert.Equal(expected, Calendar.WorkingDaysBetween(D(from), D(to)).Value);
    }

    [Theory]
    [InlineData("2026-02-15", "2026-02-24")] // inside 春节 → first day after it
    [InlineData("2026-02-14", "2026-02-14")] // a make-up Saturday is itself a working day
    [InlineData("2026-03-07", "2026-03-09")] // ordinary Saturday → Monday
    public void NextWorkingDayOnOrAfter_FindsTheFirstWorkingDay(string date, string expected)
    {
        Assert.Equal(D(expected), Calendar.NextWorkingDayOnOrAfter(D(date)).Value);
    }
}
