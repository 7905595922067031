namespace QualityAward.Domain;

/// <summary>
/// zh-CN sentences joined into one message (issue 18 item 6): 甲；乙；丙。 Each sentence loses its own
/// closing full stop (or semicolon) before the join, so a message never reads "。；" or "。。".
/// </summary>
public static class ZhText
{
    private static readonly char[] Closers = ['。', '；', ';'];

    /// <summary>The sentences as one: clauses separated by "；", one full stop at the end; empty for none.</summary>
    public static string JoinSentences(IEnumerable<string> sentences)
    {
        var clauses = sentences.Select(Clause).Where(c => c.Length > 0).ToList();
        return clauses.Count == 0 ? string.Empty : string.Join("；", clauses) + "。";
    }

    /// <summary>The English beside it: clauses separated by "; ", one full stop at the end.</summary>
    public static string JoinSentencesEn(IEnumerable<string> sentences)
    {
        var clauses = sentences.Select(s => s.Trim().TrimEnd('.', ';').TrimEnd()).Where(c => c.Length > 0).ToList();
        return clauses.Count == 0 ? string.Empty : string.Join("; ", clauses) + ".";
    }

    /// <summary>A sentence without its closing "。" or "；" (and surrounding blanks), to stand inside a longer one.</summary>
    public static string Clause(string sentence) => sentence.Trim().TrimEnd(Closers).TrimEnd();
}
