using System.Globalization;

namespace QualityAward.Domain.Tests;

internal static class TestDates
{
    /// <summary>A date written as the regulations and the calendar file write it: yyyy-MM-dd.</summary>
    public static DateOnly D(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
