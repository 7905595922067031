using QualityAward.Domain.Cycles;

namespace QualityAward.Domain.Awards;

/// <summary>
/// The one ranking rule, used for shortlists and candidate lists. Higher score first; a tie is
/// broken by the policy's tie-break stages in order (each higher first), then by the earlier
/// submission, then by application id, so two runs over the same scores always agree.
/// </summary>
public static class Ranking
{
    public static IReadOnlyList<(ScoredApplication Entry, int Rank)> Rank(IEnumerable<ScoredApplication> entries) =>
        entries
            .OrderBy(e => e, Comparer)
            .Select((e, i) => (e, i + 1))
            .ToList();

    public static IComparer<ScoredApplication> Comparer { get; } = Comparer<ScoredApplication>.Create(Compare);

    private static int Compare(ScoredApplication? a, ScoredApplication? b)
    {
        if (ReferenceEquals(a, b))
        {
            return 0;
        }

        if (a is null || b is null)
        {
            return a is null ? 1 : -1;
        }

        var byScore = b.Score.CompareTo(a.Score);
        if (byScore != 0)
        {
            return byScore;
        }

        for (var i = 0; i < Math.Max(a.TieBreakScores.Count, b.TieBreakScores.Count); i++)
        {
            var x = i < a.TieBreakScores.Count ? a.TieBreakScores[i] : decimal.MinValue;
            var y = i < b.TieBreakScores.Count ? b.TieBreakScores[i] : decimal.MinValue;
            var byTie = y.CompareTo(x);
            if (byTie != 0)
            {
                return byTie;
            }
        }

        var bySubmission = a.SubmittedAt.CompareTo(b.SubmittedAt);
        return bySubmission != 0 ? bySubmission : string.CompareOrdinal(a.ApplicationId, b.ApplicationId);
    }
}
