namespace QualityAward.Domain;

/// <summary>
/// Dates in Asia/Shanghai. Mainland China has kept UTC+8 without daylight saving since 1991, so
/// a fixed offset is exact for every instant this product handles and needs no time-zone
/// database on the host. Instants are stored in UTC; dates people read are Shanghai dates.
/// </summary>
public static class ShanghaiTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>The Shanghai calendar date of an instant.</summary>
    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime);

    /// <summary>The instant a Shanghai date begins (00:00 +08:00).</summary>
    public static DateTimeOffset StartOf(DateOnly date) =>
        new(date.ToDateTime(TimeOnly.MinValue), Offset);

    /// <summary>The instant a Shanghai date ends: the start of the next day (exclusive bound).</summary>
    public static DateTimeOffset EndOf(DateOnly date) => StartOf(date.AddDays(1));

    /// <summary>The instant, shown as Shanghai local time.</summary>
    public static DateTimeOffset ToShanghai(DateTimeOffset instant) => instant.ToOffset(Offset);

    /// <summary>Whole years from <paramref name="from"/> to <paramref name="to"/> (anniversary rule).</summary>
    public static int WholeYearsBetween(DateOnly from, DateOnly to)
    {
        var years = to.Year - from.Year;
        if (to < from.AddYears(years))
        {
            years--;
        }

        return years;
    }
}
