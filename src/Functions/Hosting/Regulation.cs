using System.Text;
using System.Text.RegularExpressions;
using QualityAward.Domain.Policies;

namespace QualityAward.Functions.Hosting;

/// <summary>
/// A regulation cited as a Chinese reader expects it: 《威海市市长质量奖认定办法》（威政发〔2023〕16号）第十三条至第十四条,
/// not 依据§13-14. Policies keep articles as §13-14, §10(五), §15, §23; pages and mails print them here.
/// </summary>
public static partial class Regulation
{
    /// <summary>《title》（number）: the regulation by name, with its document number where it has one.</summary>
    public static string Name(PolicyDocument document) =>
        $"《{document.Title}》" + (document.Number is { Length: > 0 } n ? $"（{n}）" : string.Empty) + (document.Status == PolicyStatus.Draft && !document.Title.Contains("征求意见稿", StringComparison.Ordinal) ? "（征求意见稿）" : string.Empty);

    /// <summary>The regulation by name followed by its articles.</summary>
    public static string Cite(PolicyDocument document, string article) => Name(document) + Articles(article);

    /// <summary>§13-14 → 第十三条至第十四条; §15, §23 → 第十五条、第二十三条; §10(五) → 第十条第（五）项.</summary>
    public static string Articles(string article)
    {
        var text = ArticlePattern().Replace(article, m =>
        {
            var result = new StringBuilder("第").Append(Numeral(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))).Append('条');
            if (m.Groups[2].Success)
            {
                result.Append("第（").Append(m.Groups[2].Value).Append("）项");
            }

            if (m.Groups[3].Success)
            {
                result.Append("至第").Append(Numeral(int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture))).Append('条');
            }

            return result.ToString();
        });
        return text.Replace(", ", "、", StringComparison.Ordinal).Replace(",", "、", StringComparison.Ordinal);
    }

    /// <summary>1..99 in Chinese numerals as articles are numbered: 十三, 二十, 二十三.</summary>
    public static string Numeral(int n)
    {
        const string digits = "零一二三四五六七八九";
        if (n is < 1 or > 99)
        {
            return n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var tens = n / 10;
        var ones = n % 10;
        return (tens switch { 0 => string.Empty, 1 => "十", _ => $"{digits[tens]}十" }) + (ones == 0 ? string.Empty : digits[ones].ToString());
    }

    [GeneratedRegex(@"§(\d+)(?:\(([^)]+)\))?(?:-(\d+))?")]
    private static partial Regex ArticlePattern();
}
