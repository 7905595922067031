using System.Collections.Immutable;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Cycles;

public enum CycleStatus
{
    None,
    Open,
    Closed,
}

/// <summary>A cycle as its events make it.</summary>
public sealed record CycleState
{
    public static CycleState Initial { get; } = new();

    public int Version { get; init; }

    public CycleStatus Status { get; init; }

    public bool Exists => Status != CycleStatus.None;

    public string CycleId { get; init; } = string.Empty;

    public string PolicyId { get; init; } = string.Empty;

    /// <summary>The policy this cycle runs (the copy taken when it opened).</summary>
    public AwardPolicy Policy { get; init; } = null!;

    public int Year { get; init; }

    public string Title { get; init; } = string.Empty;

    public DateOnly SubmissionOpensOn { get; init; }

    public DateOnly SubmissionClosesOn { get; init; }

    public bool SubmissionsClosed { get; init; }

    public ImmutableList<string> Warnings { get; init; } = [];

    public DateTimeOffset? OpenedAt { get; init; }

    /// <summary>A rehearsal (演练): never an edition of the award, never public as real, on a clock of its own.</summary>
    public bool Rehearsal { get; init; }

    /// <summary>How far a rehearsal's clock runs ahead of real time (zero for a real cycle).</summary>
    public TimeSpan ClockOffset { get; init; }

    /// <summary>How many times the office moved a rehearsal's clock.</summary>
    public int ClockMoves { get; init; }

    public ImmutableDictionary<string, NoticeList> Notices { get; init; } = ImmutableDictionary<string, NoticeList>.Empty;

    public CycleShortlistDecided? Shortlist { get; init; }

    public CandidatesNominated? Candidates { get; init; }

    public ImmutableList<WinnerEntry> ProposedWinners { get; init; } = [];

    public WinnersProposed? Deliberation { get; init; }

    public AwardsAnnounced? Announcement { get; init; }

    /// <summary>The cohort decisions withdrawn and not yet taken again.</summary>
    public ImmutableHashSet<CycleDecision> Withdrawn { get; init; } = [];

    /// <summary>Submissions are taken from the start of the opening day to the end of the closing day, Shanghai time.</summary>
    public DateTimeOffset SubmissionOpensAt => ShanghaiTime.StartOf(SubmissionOpensOn);

    public DateTimeOffset SubmissionClosesAt => ShanghaiTime.EndOf(SubmissionClosesOn);

    /// <summary>The ids of the notices published of a list (a supplementary round has an id of its own).</summary>
    public IReadOnlyList<string> NoticesOf(NoticeList list) =>
        Notices.Where(n => n.Value == list).Select(n => n.Key).Order(StringComparer.Ordinal).ToList();

    public bool AcceptsSubmissionsAt(DateTimeOffset now) =>
        Status == CycleStatus.Open && !SubmissionsClosed && now >= SubmissionOpensAt && now < SubmissionClosesAt;

    public static CycleState Fold(IEnumerable<ICycleEvent> events) => events.Aggregate(Initial, Evolve);

    public static CycleState Evolve(CycleState s, ICycleEvent e)
    {
        var next = e switch
        {
            CycleOpened d => s with
            {
                Status = CycleStatus.Open,
                CycleId = d.CycleId,
                PolicyId = d.PolicyId,
                Policy = PolicyLoader.LoadStored(d.PolicyJson) is { IsOk: true } loaded
                    ? loaded.Value
                    : throw new InvalidOperationException($"The policy stored with cycle {d.CycleId} no longer loads: this build cannot read it."),
                Year = d.Year,
                Title = d.Title,
                SubmissionOpensOn = d.SubmissionOpensOn,
                SubmissionClosesOn = d.SubmissionClosesOn,
                Warnings = [.. d.Warnings],
                OpenedAt = d.At,
                Rehearsal = d.Rehearsal,
            },
            RehearsalClockMoved d => s with { ClockOffset = d.Offset, ClockMoves = s.ClockMoves + 1 },
            SubmissionWindowExtended d => s with { SubmissionClosesOn = d.NewClosesOn },
            Cycles.SubmissionsClosed => s with { SubmissionsClosed = true },
            NoticePublished d => s with { Notices = s.Notices.SetItem(d.NoticeId, d.List) },
            CycleShortlistDecided d => s with { Shortlist = d, Withdrawn = s.Withdrawn.Remove(CycleDecision.Shortlist) },
            CandidatesNominated d => s with { Candidates = d, Withdrawn = s.Withdrawn.Remove(CycleDecision.Candidates) },
            WinnersProposed d => s with { Deliberation = d, ProposedWinners = [.. d.Winners], Withdrawn = s.Withdrawn.Remove(CycleDecision.Winners) },
            ProposedWinnerRemoved d => s with { ProposedWinners = s.ProposedWinners.RemoveAll(w => w.ApplicationId == d.ApplicationId) },
            CycleDecisionWithdrawn { Decision: CycleDecision.Shortlist } => s with { Shortlist = null, Withdrawn = s.Withdrawn.Add(CycleDecision.Shortlist) },
            CycleDecisionWithdrawn { Decision: CycleDecision.Candidates } => s with { Candidates = null, Withdrawn = s.Withdrawn.Add(CycleDecision.Candidates) },
            CycleDecisionWithdrawn { Decision: CycleDecision.Winners } => s with { Deliberation = null, ProposedWinners = [], Withdrawn = s.Withdrawn.Add(CycleDecision.Winners) },
            AwardsAnnounced d => s with { Announcement = d },
            CycleClosed => s with { Status = CycleStatus.Closed },
            _ => throw new InvalidOperationException($"Unknown cycle event {e.GetType().Name}"),
        };

        return next with { Version = s.Version + 1 };
    }
}
