namespace QualityAward.Domain.Tests.Builders;

/// <summary>The people the tests act as.</summary>
public static class Actors
{
    public static Actor Applicant { get; } = new("applicant-1", Roles.Applicant, "申报者");

    public static Actor OtherApplicant { get; } = new("applicant-2", Roles.Applicant, "另一申报者");

    public static Actor Office { get; } = new("office-1", Roles.Office, "评审办公室");

    public static Actor Reviewer { get; } = new("reviewer-1", Roles.Reviewer, "评审员");

    /// <summary>A recommender of <paramref name="body"/> in the city of the preset <paramref name="policyId"/>: its affil is "{city code}:{body}".</summary>
    public static Actor RecommenderFor(string policyId, string? body) => RecommenderIn(Domain.Policies.PolicyPresets.Get(policyId).City.Code, body);

    public static Actor RecommenderIn(string cityCode, string? body) =>
        new("recommender-1", Roles.Recommender, "推荐单位", body is null ? null : $"{cityCode}:{body}");
}

/// <summary>
/// The calendar the tests run on. Cycles open 2026-03-01 and close at the end of 2026-05-31
/// (Shanghai); every instant is given in Shanghai time.
/// </summary>
public static class Dates
{
    public static DateOnly OpensOn { get; } = new(2026, 3, 1);

    public static DateOnly ClosesOn { get; } = new(2026, 5, 31);

    /// <summary>The day the application is submitted on: 2026-04-15.</summary>
    public static DateOnly SubmittedOn { get; } = new(2026, 4, 15);

    public static DateTimeOffset BeforeOpening { get; } = At(2026, 2, 20);

    public static DateTimeOffset InWindow { get; } = At(2026, 4, 15);

    /// <summary>The last minute of the window: 2026-05-31 23:59 +08:00.</summary>
    public static DateTimeOffset LastMinute { get; } = new(2026, 5, 31, 23, 59, 0, ShanghaiTime.Offset);

    /// <summary>The instant the window closes: 2026-06-01 00:00 +08:00.</summary>
    public static DateTimeOffset WindowClosed { get; } = new(2026, 6, 1, 0, 0, 0, ShanghaiTime.Offset);

    /// <summary>When the review stages run.</summary>
    public static DateTimeOffset Review { get; } = At(2026, 7, 1);

    public static DateOnly AwardedOn { get; } = new(2026, 12, 20);

    public static DateTimeOffset Awarding { get; } = At(2026, 12, 20);

    public static DateTimeOffset At(int year, int month, int day, int hour = 10) =>
        new(year, month, day, hour, 0, 0, ShanghaiTime.Offset);

    public static DateTimeOffset At(DateOnly date, int hour = 10) => At(date.Year, date.Month, date.Day, hour);
}
