using System.Text.RegularExpressions;

namespace QualityAward.Domain.Applications;

/// <summary>
/// Whom a recommender (推荐单位) speaks for. District and body ids repeat across cities — "xihu" is
/// Benxi's 溪湖区 and Changde's 西湖管理区, "gaoxin" and "jingkai" are in several — so a recommender's
/// authority names its city as well as its body: the token's <c>affil</c> claim is
/// <c>{city code}:{body id}</c>, the city's 6-digit administrative division code (the policy's
/// <c>city.code</c>, which stays the same across the city's editions and policies) and the id the
/// policy's districts and the form's <c>recommenderId</c> use: <c>210500:xihu</c> (Benxi 溪湖区),
/// <c>430700:xihu</c> (Changde 西湖管理区), <c>371000:huancui</c> (Weihai 环翠区). An <c>affil</c>
/// without a city, or of another city, speaks for nothing. This is the one check every recommender
/// permission uses (list, read, recommend, decline).
/// </summary>
public readonly partial record struct RecommenderAuthority(string CityCode, string BodyId)
{
    public const char Separator = ':';

    /// <summary>The authority an <c>affil</c> claim states, or null when it names no city or no body.</summary>
    public static RecommenderAuthority? Parse(string? affiliation)
    {
        var match = affiliation is null ? Match.Empty : Pattern().Match(affiliation);
        return match.Success ? new RecommenderAuthority(match.Groups["city"].Value, match.Groups["body"].Value) : null;
    }

    /// <summary>Does an <c>affil</c> claim speak for an application of the city <paramref name="cityCode"/> addressed to <paramref name="recommenderId"/>?</summary>
    public static bool Covers(string? affiliation, string? cityCode, string? recommenderId) =>
        Parse(affiliation) is { } authority
        && string.Equals(authority.CityCode, cityCode, StringComparison.Ordinal)
        && string.Equals(authority.BodyId, recommenderId, StringComparison.Ordinal);

    /// <summary>The body an <c>affil</c> claim names (what the events record as the recommender), or null.</summary>
    public static string? BodyOf(string? affiliation) => Parse(affiliation)?.BodyId;

    public override string ToString() => $"{CityCode}{Separator}{BodyId}";

    [GeneratedRegex("^(?<city>[0-9]{6}):(?<body>[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
