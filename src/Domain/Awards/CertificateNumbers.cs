using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Awards;

/// <summary>
/// Certificate numbers (证书编号) and verification codes. A number comes from its tier's pattern in
/// the policy, e.g. <c>威质奖〔{year}〕第{seq:3}号</c> gives 威质奖〔2027〕第001号; the sequence runs per
/// cycle and tier and is assigned once, by the announcement on the cycle stream
/// (<see cref="Assign"/>), so two awards of a cycle can never share a number. The verification
/// code (<c>weihai-2027-r001</c>) names the cycle, the tier and the place, so the public check
/// finds the award from the cycle's own events without an index.
/// </summary>
public static partial class CertificateNumbers
{
    public const int MaxPatternLength = 40;

    public const int MaxSequenceDigits = 6;

    [GeneratedRegex(@"\{(year|seq)(?::([0-9]{1,2}))?\}", RegexOptions.CultureInvariant)]
    private static partial Regex Token();

    [GeneratedRegex("[0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex DigitRun();

    [GeneratedRegex("^(?<cycle>[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)-(?<tier>[anr])(?<seq>[0-9]{3,6})$", RegexOptions.CultureInvariant)]
    private static partial Regex CodePattern();

    /// <summary>What is wrong with a pattern (zh-CN, English), or nothing.</summary>
    public static IReadOnlyList<(string Zh, string En)> Problems(string? pattern)
    {
        var problems = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(pattern) || pattern.Length > MaxPatternLength)
        {
            problems.Add(($"须填写，至多{MaxPatternLength}个字符", $"must be given, at most {MaxPatternLength} characters"));
            return problems;
        }

        var tokens = Token().Matches(pattern);
        if (tokens.Count(t => t.Groups[1].Value == "year") != 1 || tokens.Count(t => t.Groups[1].Value == "seq") != 1)
        {
            problems.Add(("须恰好含一个{year}和一个{seq}或{seq:N}", "must hold exactly one {year} and one {seq} or {seq:N}"));
        }

        foreach (Match t in tokens)
        {
            if (t.Groups[1].Value == "year" && t.Groups[2].Success)
            {
                problems.Add(("{year}不带位数", "{year} takes no width"));
            }

            if (t.Groups[2].Success && int.Parse(t.Groups[2].Value, CultureInfo.InvariantCulture) is < 1 or > MaxSequenceDigits)
            {
                problems.Add(($"序号位数应为1至{MaxSequenceDigits}", $"the sequence width must be 1 to {MaxSequenceDigits}"));
            }
        }

        var literal = Token().Replace(pattern, "\u0000");
        if (literal.Contains('{') || literal.Contains('}'))
        {
            problems.Add(("除{year}、{seq}外不能有花括号", "no braces other than {year} and {seq}"));
        }

        // Digits in the fixed text, or two tokens side by side, would let two different
        // (year, sequence) pairs print the same number, and a typed number could not be read back.
        if (literal.Any(IsDigit))
        {
            problems.Add(("固定文字中不能有数字（年度和序号之外）", "the fixed text must hold no digits (only the year and the sequence are numbers)"));
        }

        if (literal.Contains("\u0000\u0000", StringComparison.Ordinal))
        {
            problems.Add(("{year}与{seq}之间须有文字隔开", "{year} and {seq} must be separated by text"));
        }

        if (literal.Replace("\u0000", string.Empty, StringComparison.Ordinal).Trim().Length == 0)
        {
            problems.Add(("须有固定文字（如“威质奖”）", "needs fixed text (such as 威质奖)"));
        }

        return problems;
    }

    /// <summary>The number a pattern gives for a year and a place in the sequence (from 1).</summary>
    public static string Format(string pattern, int year, int sequence) =>
        Token().Replace(pattern, t => t.Groups[1].Value == "year"
            ? year.ToString("D4", CultureInfo.InvariantCulture)
            : sequence.ToString("D" + (t.Groups[2].Success ? t.Groups[2].Value : "1"), CultureInfo.InvariantCulture));

    /// <summary>
    /// The fixed text of a pattern with each number place as <c>#</c>. Two valid patterns with
    /// different skeletons never print the same number (their fixed text has no digits).
    /// </summary>
    public static string Skeleton(string pattern) => Token().Replace(pattern, "#");

    /// <summary>
    /// A number as people may type it, compared by its fixed text and the values of its numbers:
    /// brackets of any kind as 〔〕, full-width digits as digits, spaces dropped, leading zeros
    /// ignored (威质奖[2027]第1号 is 威质奖〔2027〕第001号).
    /// </summary>
    public static (string Skeleton, IReadOnlyList<long> Values) Key(string number)
    {
        var text = new StringBuilder(number.Length);
        foreach (var c in number.Normalize(NormalizationForm.FormKC))
        {
            switch (c)
            {
                case '[' or '(' or '【' or '［' or '（' or '〔' or '﹝':
                    text.Append('〔');
                    break;
                case ']' or ')' or '】' or '］' or '）' or '〕' or '﹞':
                    text.Append('〕');
                    break;
                default:
                    if (!char.IsWhiteSpace(c))
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        var normal = text.ToString();
        var values = DigitRun().Matches(normal).Select(m => long.TryParse(m.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1).ToList();
        return (DigitRun().Replace(normal, "#"), values);
    }

    public static bool SameNumber(string a, string b)
    {
        var (ka, va) = Key(a);
        var (kb, vb) = Key(b);
        return ka == kb && va.SequenceEqual(vb);
    }

    /// <summary>The public verification code of an award: its cycle, its tier's letter and its place.</summary>
    public static string Code(string cycleId, AwardTier tier, int sequence) =>
        $"{cycleId}-{Letter(tier)}{sequence.ToString("D3", CultureInfo.InvariantCulture)}";

    /// <summary>Reads a verification code back into its cycle, tier and place, or null if it is not one.</summary>
    public static (string CycleId, AwardTier Tier, int Sequence)? ReadCode(string? code)
    {
        var m = code is null ? Match.Empty : CodePattern().Match(code.Trim());
        if (!m.Success)
        {
            return null;
        }

        var tier = m.Groups["tier"].Value switch
        {
            "a" => AwardTier.Award,
            "n" => AwardTier.Nomination,
            _ => AwardTier.Recognition,
        };
        return (m.Groups["cycle"].Value, tier, int.Parse(m.Groups["seq"].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Numbers for the winners an announcement awards: per tier, 1, 2, 3 … in the order of the
    /// deciding body's list. Nothing when the cycle's policy has no certificate rule (schema 1).
    /// </summary>
    public static IReadOnlyList<CertificateEntry> Assign(AwardPolicy policy, string cycleId, int year, IReadOnlyList<WinnerEntry> winners)
    {
        if (policy.Certificate is not { } rule)
        {
            return [];
        }

        var entries = new List<CertificateEntry>();
        foreach (var group in winners.GroupBy(w => w.Tier))
        {
            var pattern = rule.For(group.Key)?.NumberPattern
                ?? throw new InvalidOperationException($"The policy validator should have required a certificate line for {group.Key}.");
            var sequence = 0;
            foreach (var w in group)
            {
                sequence++;
                entries.Add(new CertificateEntry(w.ApplicationId, w.Tier, sequence, Format(pattern, year, sequence), Code(cycleId, w.Tier, sequence)));
            }
        }

        return entries;
    }

    private static char Letter(AwardTier tier) => tier switch
    {
        AwardTier.Award => 'a',
        AwardTier.Nomination => 'n',
        AwardTier.Recognition => 'r',
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, null),
    };

    private static bool IsDigit(char c) => c is (>= '0' and <= '9') or (>= '０' and <= '９');
}
