using System.Collections.Immutable;

namespace QualityAward.Domain;

/// <summary>
/// Who read what on the Shanghai day of the latest recorded read. A read is recorded at most once
/// per reader, thing read and Shanghai calendar day: the audit trail still says who read what on
/// which day, and a loop of downloads or views cannot grow a stream. Only that one day is kept, so
/// the state stays as small as one day's readers, however long the stream.
/// </summary>
public sealed record DailyReads
{
    public static DailyReads None { get; } = new();

    /// <summary>The Shanghai date of the latest recorded read (default when none).</summary>
    public DateOnly Day { get; init; }

    /// <summary>The (reader, thing read) pairs recorded on <see cref="Day"/>.</summary>
    public ImmutableHashSet<(string Reader, string Item)> Seen { get; init; } = [];

    /// <summary>Has this reader's read of this item been recorded already on the Shanghai day of <paramref name="at"/>?</summary>
    public bool Recorded(string reader, string item, DateTimeOffset at) =>
        ShanghaiTime.DateOf(at) == Day && Seen.Contains((reader, item));

    /// <summary>
    /// The reads after one recorded at <paramref name="at"/>. A new day starts afresh; a read dated
    /// before the latest day (a clock that stepped back) changes nothing, so at worst a read is
    /// recorded twice, never lost.
    /// </summary>
    public DailyReads With(string reader, string item, DateTimeOffset at)
    {
        var day = ShanghaiTime.DateOf(at);
        if (day == Day)
        {
            return this with { Seen = Seen.Add((reader, item)) };
        }

        return day > Day ? new DailyReads { Day = day, Seen = [(reader, item)] } : this;
    }
}
