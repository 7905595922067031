using System.Globalization;

namespace QualityAward.Domain.Tests.Identity;

/// <summary>
/// The check-character algorithms written again from the standards, independent of the
/// production code (no shared tables): a test that used the code's own tables would agree with
/// any mistake in them.
/// </summary>
internal static class CheckCharacters
{
    /// <summary>GB 32100-2015 §4.2: the 31 code characters; a character's value is its position.</summary>
    public const string CreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    /// <summary>
    /// GB 32100-2015 Appendix B: the weight of position i (0-based) is 3^i mod 31;
    /// C18 = 31 - (Σ Ci·Wi mod 31), where 31 means 0.
    /// </summary>
    public static char CreditCodeCheck(string first17)
    {
        var sum = 0;
        var weight = 1;
        foreach (var c in first17)
        {
            sum += CreditAlphabet.IndexOf(c, StringComparison.Ordinal) * weight;
            weight = weight * 3 % 31;
        }

        return CreditAlphabet[(31 - (sum % 31)) % 31];
    }

    /// <summary>
    /// GB 11714-1997: weights 3, 7, 9, 10, 5, 8, 4, 2; digits are worth 0-9 and letters A-Z 10-35;
    /// C9 = 11 - (Σ mod 11), where 10 is written X and 11 is written 0.
    /// </summary>
    public static char OrganisationCodeCheck(string first8)
    {
        int[] weights = [3, 7, 9, 10, 5, 8, 4, 2];
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            var c = first8[i];
            var value = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            sum += value * weights[i];
        }

        return (11 - (sum % 11)) switch
        {
            10 => 'X',
            11 => '0',
            var d => (char)('0' + d),
        };
    }

    /// <summary>
    /// GB 11643-1999 / ISO 7064 MOD 11-2: with the check character at position 1 counted from the
    /// right, position i weighs 2^(i-1) mod 11 and the weighted sum of all 18 is 1 mod 11.
    /// </summary>
    public static char ResidentIdCheck(string first17)
    {
        var sum = 0;
        for (var k = 0; k < 17; k++)
        {
            var weight = 1;
            for (var e = 0; e < 17 - k; e++)
            {
                weight = weight * 2 % 11;
            }

            sum += (first17[k] - '0') * weight;
        }

        var check = ((1 - sum) % 11 + 11) % 11;
        return check == 10 ? 'X' : check.ToString(CultureInfo.InvariantCulture)[0];
    }

    /// <summary>An 18-character credit code with both check characters right.</summary>
    public static string MakeCreditCode(char authority, char type, string area, string organisationBody)
    {
        var first17 = $"{authority}{type}{area}{organisationBody}{OrganisationCodeCheck(organisationBody)}";
        return first17 + CreditCodeCheck(first17);
    }

    /// <summary>An 18-character resident identity number with its check character right.</summary>
    public static string MakeResidentId(string area, DateOnly birth, int sequence)
    {
        var first17 = string.Create(CultureInfo.InvariantCulture, $"{area}{birth:yyyyMMdd}{sequence:000}");
        return first17 + ResidentIdCheck(first17);
    }
}
