using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Eligibility;

/// <summary>A past award of this city's prize to the same applicant (by credit code or identity number).</summary>
public sealed record PastAward
{
    public required string CycleId { get; init; }

    public required AwardTier Tier { get; init; }

    public required DateOnly AwardedOn { get; init; }

    public bool Revoked { get; init; }

    public string? QualityModel { get; init; }
}

/// <summary>A ban in the register: who may not apply, why, from when, for how long.</summary>
public sealed record BanRecord
{
    public required BanReason Reason { get; init; }

    public required DateOnly StartsOn { get; init; }

    public required BanUnit Unit { get; init; }

    public required int Length { get; init; }

    public bool AllQualityAwards { get; init; }

    public required string Article { get; init; }

    /// <summary>What happened, in words, for the refusal message.</summary>
    public required string Cause { get; init; }
}

/// <summary>One edition of this city's award, for counting bans in cycles.</summary>
public sealed record CycleSummary(string CycleId, DateOnly OpensOn, int? Year = null);

/// <summary>What the register knows of an applicant when it applies.</summary>
public sealed record ApplicantHistory
{
    public static ApplicantHistory Empty { get; } = new();

    public IReadOnlyList<PastAward> Awards { get; init; } = [];

    public IReadOnlyList<BanRecord> Bans { get; init; } = [];

    /// <summary>Every edition of this city's award, the current one included (only read to count editions after an award or a ban: see <see cref="CountsEditions"/>).</summary>
    public IReadOnlyList<CycleSummary> CityCycles { get; init; } = [];

    /// <summary>
    /// Whether any rule reads <see cref="CityCycles"/> for this applicant: only a past award or a ban
    /// is counted in editions (Benxi §32, Xinzhou §26 and the policies' reapplication rules). Without
    /// either, the register need not list the city's editions.
    /// </summary>
    public bool CountsEditions => Awards.Count > 0 || Bans.Count > 0;
}
