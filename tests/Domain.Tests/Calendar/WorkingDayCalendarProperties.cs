using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QualityAward.Domain.Calendar;

namespace QualityAward.Domain.Tests.Calendar;

/// <summary>
/// Laws the working-day arithmetic must obey on any date of the shipped calendar. Start dates
/// stay in 2024-01-01 .. 2026-10-31 and counts at most 30, so every result stays in a covered year
/// (30 working days from 2026-10-31 end in mid-December 2026).
/// </summary>
public class WorkingDayCalendarProperties
{
    private static readonly WorkingDayCalendar Calendar = WorkingDayCalendar.MainlandChina;
    private static readonly DateOnly First = new(2024, 1, 1);
    private static readonly DateOnly Last = new(2026, 10, 31);

    private static Gen<DateOnly> Dates =>
        Gen.Choose(0, Last.DayNumber - First.DayNumber).Select(offset => First.AddDays(offset));

    private static Arbitrary<(DateOnly Start, int N)> StartAndCount(int min, int max) =>
        (from start in Dates
         from n in Gen.Choose(min, max)
         select (start, n)).ToArbitrary();

    private static bool Working(DateOnly date) => Calendar.IsWorkingDay(date).Value;

    [Property(MaxTest = 300)]
    public Property AddWorkingDays_NeverLandsOnNonWorkingDay() =>
        Prop.ForAll(StartAndCount(1, 30), t =>
        {
            var result = Calendar.AddWorkingDays(t.Start, t.N);

            Assert.True(result.IsOk, result.Refusal?.En);
            Assert.True(Working(result.Value), $"{t.Start:yyyy-MM-dd} + {t.N} = {result.Value:yyyy-MM-dd}, not a working day");
        });

    [Property(MaxTest = 300)]
    public Property AddWorkingDays_CountsExactlyNWorkingDaysAfterStart() =>
        Prop.ForAll(StartAndCount(0, 30), t =>
        {
            var result = Calendar.AddWorkingDays(t.Start, t.N).Value;

            Assert.True(result >= t.Start);
            Assert.Equal(t.N, Calendar.WorkingDaysBetween(t.Start.AddDays(1), result).Value);
        });

    [Property(MaxTest = 200)]
    public Property AddWorkingDays_InTwoSteps_EqualsOneStep() =>
        Prop.ForAll(StartAndCount(0, 15), t =>
        {
            var once = Calendar.AddWorkingDays(t.Start, 2 * t.N).Value;
            var twice = Calendar.AddWorkingDays(Calendar.AddWorkingDays(t.Start, t.N).Value, t.N).Value;

            Assert.Equal(once, twice);
        });

    [Property(MaxTest = 300)]
    public Property NoticeLastDay_IsStrictlyIncreasingInN() =>
        Prop.ForAll(StartAndCount(1, 29), t =>
        {
            var shorter = Calendar.NoticeLastDay(t.Start, t.N).Value;
            var longer = Calendar.NoticeLastDay(t.Start, t.N + 1).Value;

            Assert.True(longer > shorter, $"from {t.Start:yyyy-MM-dd}: {t.N} days end {shorter:yyyy-MM-dd}, {t.N + 1} days end {longer:yyyy-MM-dd}");
        });

    [Property(MaxTest = 300)]
    public Property NoticeLastDay_IsTheEarliestDayWithNWorkingDaysCounted() =>
        Prop.ForAll(StartAndCount(1, 30), t =>
        {
            var end = Calendar.NoticeLastDay(t.Start, t.N).Value;

            Assert.True(Working(end), $"notice from {t.Start:yyyy-MM-dd} for {t.N} days ends on a rest day {end:yyyy-MM-dd}");
            Assert.Equal(t.N, Calendar.WorkingDaysBetween(t.Start, end).Value);
            Assert.Equal(t.N - 1, Calendar.WorkingDaysBetween(t.Start, end.AddDays(-1)).Value);
        });

    [Property(MaxTest = 300)]
    public Property NextWorkingDayOnOrAfter_SkipsOnlyRestDays() =>
        Prop.ForAll(Dates.ToArbitrary(), date =>
        {
            var next = Calendar.NextWorkingDayOnOrAfter(date).Value;

            Assert.True(Working(next));
            Assert.Equal(0, Calendar.WorkingDaysBetween(date, next.AddDays(-1)).Value);
            Assert.Equal(Working(date), next == date);
        });
}
