using System.Collections.Immutable;
using System.Text.RegularExpressions;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Awards;

/// <summary>
/// The register's key of an applicant: its unified social credit code or its identity number,
/// upper-case. Its stream is <c>holder-{key}</c>.
/// </summary>
public readonly partial record struct HolderKey
{
    private HolderKey(string value) => Value = value;

    public string Value { get; }

    public string StreamId => $"holder-{Value}";

    public static Outcome<HolderKey> Parse(string? value)
    {
        var normal = value is null ? string.Empty : Applications.ApplicationDecider.Normalise(value);
        return Pattern().IsMatch(normal)
            ? new HolderKey(normal)
            : Refusal.Invalid("holder.key-malformed", "申报主体标识应为统一社会信用代码或身份证号码。", "The applicant key is a credit code or an identity number.", "applicantKey");
    }

    [GeneratedRegex("^[0-9A-Z]{15,18}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public override string ToString() => Value;
}

/// <summary>An award the holder has, as its application and its cycle's policy tell it.</summary>
public sealed record HeldAward(
    string ApplicationId,
    AwardPolicy Policy,
    string OwnerSubject,
    ApplicantCategory Category,
    AwardTier Tier,
    DateOnly AwardedOn,
    bool Revoked,
    long MoneyPaidYuan,
    long MoneyToRecoverYuan)
{
    /// <summary>The first day the award is no longer valid (Benxi §4), or null when it does not end.</summary>
    public DateOnly? ValidUntil => Policy.AfterAward.ValidityYears is { } years ? AwardedOn.AddYears(years) : null;
}

public sealed record HolderChange(HolderChangeReported Reported, HolderChangeReviewed? Review);

public sealed record RevocationProposal(RevocationProposed Proposed, RevocationApproved? Approval)
{
    public bool IsOpen => Approval is null;
}

/// <summary>What the holder's stream says.</summary>
public sealed record HolderState
{
    public static HolderState Initial { get; } = new();

    public int Version { get; init; }

    public ImmutableList<HolderBanRecorded> Bans { get; init; } = [];

    /// <summary>Every application the applicant submitted, oldest first (see <see cref="HolderApplicationLinked"/>).</summary>
    public ImmutableList<HolderApplicationLinked> Applications { get; init; } = [];

    public ImmutableHashSet<string> ValidityEnded { get; init; } = [];

    public ImmutableList<InspectionDue> InspectionsDue { get; init; } = [];

    public ImmutableList<InspectionRecorded> Inspections { get; init; } = [];

    public ImmutableList<HolderConsultationDue> ConsultationsDue { get; init; } = [];

    public ImmutableList<HolderAdverseRecordReported> AdverseRecords { get; init; } = [];

    public ImmutableList<HolderChange> Changes { get; init; } = [];

    public ImmutableList<AwardMoneyRecovered> Recoveries { get; init; } = [];

    public ImmutableList<RevocationProposal> Proposals { get; init; } = [];

    public long RecoveredYuan(string applicationId) => Recoveries.Where(r => r.ApplicationId == applicationId).Sum(r => r.Yuan);

    public static HolderState Evolve(HolderState s, IHolderEvent e)
    {
        s = s with { Version = s.Version + 1 };
        return e switch
        {
            HolderBanRecorded b => s with { Bans = s.Bans.Add(b) },
            HolderApplicationLinked l => s with { Applications = s.Applications.Add(l) },
            AwardValidityEnded v => s with { ValidityEnded = s.ValidityEnded.Add(v.ApplicationId) },
            InspectionDue d => s with { InspectionsDue = s.InspectionsDue.Add(d) },
            InspectionRecorded i => s with { Inspections = s.Inspections.Add(i) },
            HolderConsultationDue c => s with { ConsultationsDue = s.ConsultationsDue.Add(c) },
            HolderAdverseRecordReported r => s with { AdverseRecords = s.AdverseRecords.Add(r) },
            HolderChangeReported r => s with { Changes = s.Changes.Add(new HolderChange(r, null)) },
            HolderChangeReviewed r => s with { Changes = s.Changes.Select(c => c.Reported.ChangeId == r.ChangeId ? c with { Review = r } : c).ToImmutableList() },
            AwardMoneyRecovered m => s with { Recoveries = s.Recoveries.Add(m) },
            RevocationProposed p => s with { Proposals = s.Proposals.Add(new RevocationProposal(p, null)) },
            RevocationApproved a => s with { Proposals = s.Proposals.Select(p => p.Proposed.ProposalId == a.ProposalId ? p with { Approval = a } : p).ToImmutableList() },
            _ => s,
        };
    }
}
