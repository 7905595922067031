using System.Globalization;

namespace QualityAward.Domain.Identity;

/// <summary>
/// The 18-digit citizen identity number (公民身份号码, GB 11643-1999): address code (6), date of
/// birth (8, yyyyMMdd), sequence (3, odd for men), check character (ISO 7064 MOD 11-2, 0-9 or X).
/// </summary>
public readonly record struct ResidentIdNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    private ResidentIdNumber(string value, DateOnly birthDate)
    {
        Value = value;
        BirthDate = birthDate;
    }

    /// <summary>The number in canonical form (a final x is upper-cased).</summary>
    public string Value { get; }

    public DateOnly BirthDate { get; }

    public string AreaCode => Value[..6];

    /// <summary>The sequence code's parity: odd is male, even is female.</summary>
    public bool IsMale => (Value[16] - '0') % 2 == 1;

    /// <summary>For pages and logs: the area's first three digits and the last four, the rest hidden.</summary>
    public string Masked => Mask(Value);

    public override string ToString() => Masked;

    /// <summary>Hide all but the first three and last four characters of any identity number.</summary>
    public static string Mask(string value) =>
        value.Length <= 7 ? new string('*', value.Length) : string.Concat(value.AsSpan(0, 3), new string('*', value.Length - 7), value.AsSpan(value.Length - 4));

    /// <summary>Read a number and check its structure and check character.</summary>
    public static Outcome<ResidentIdNumber> Parse(string? input) => Parse(input, null);

    /// <summary>As <see cref="Parse(string?)"/>, and refuse a date of birth after <paramref name="today"/>.</summary>
    public static Outcome<ResidentIdNumber> Parse(string? input, DateOnly? today)
    {
        var text = (input ?? string.Empty).Trim();
        if (text.Length == 0)
        {
            return Refusal.Invalid("id-number.empty", "请填写居民身份证号码。", "Enter the resident identity number.", "idNumber");
        }

        if (text.Length != 18)
        {
            return Refusal.Invalid("id-number.length", $"居民身份证号码应为18位，当前为{text.Length}位。", $"A resident identity number has 18 characters, not {text.Length}.", "idNumber");
        }

        if (text[17] == 'x')
        {
            text = string.Concat(text.AsSpan(0, 17), "X");
        }

        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return Refusal.Invalid("id-number.character", $"居民身份证号码前17位应为数字，第{i + 1}位是“{text[i]}”。", $"The first 17 characters are digits; character {i + 1} is '{text[i]}'.", "idNumber");
            }
        }

        if (!char.IsAsciiDigit(text[17]) && text[17] != 'X')
        {
            return Refusal.Invalid("id-number.character", $"居民身份证号码第18位应为数字或X，当前为“{text[17]}”。", $"The last character is a digit or X, not '{text[17]}'.", "idNumber");
        }

        if (!DateOnly.TryParseExact(text.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth) || birth.Year < 1900)
        {
            return Refusal.Invalid("id-number.birth-date", $"第7至14位应为出生日期（年月日），“{text.Substring(6, 8)}”不是有效日期。", $"Characters 7–14 are the date of birth; '{text.Substring(6, 8)}' is not a valid date.", "idNumber");
        }

        if (today is { } now && birth > now)
        {
            return Refusal.Invalid("id-number.birth-in-future", $"号码中的出生日期{birth:yyyy-MM-dd}晚于今天。", $"The date of birth {birth:yyyy-MM-dd} is in the future.", "idNumber");
        }

        var expected = CheckCharacter(text.AsSpan(0, 17));
        if (text[17] != expected)
        {
            return Refusal.Invalid("id-number.check", $"居民身份证号码校验位不符：第18位应为“{expected}”，填写的是“{text[17]}”。请核对是否有错字。", $"The check character should be '{expected}', not '{text[17]}'; a digit is probably mistyped.", "idNumber");
        }

        return new ResidentIdNumber(text, birth);
    }

    /// <summary>The ISO 7064 MOD 11-2 check character for the first 17 digits.</summary>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != 17)
        {
            throw new ArgumentException("Seventeen digits are needed.", nameof(first17));
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * Weights[i];
        }

        return CheckCharacters[sum % 11];
    }
}
