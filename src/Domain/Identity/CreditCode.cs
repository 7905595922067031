namespace QualityAward.Domain.Identity;

/// <summary>
/// The 18-character unified social credit code (统一社会信用代码, GB 32100-2015):
/// registration authority (1), organisation type (1), administrative area of the registering
/// authority (6, GB/T 2260), subject identifier (9, the organisation code of GB 11714 with its own
/// check character), check character (1). The alphabet leaves out I, O, S, V and Z.
/// </summary>
public readonly record struct CreditCode
{
    /// <summary>The 31 characters of GB 32100 in value order: '0' is 0, 'A' is 10, 'Y' is 30.</summary>
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    private static readonly int[] OrganisationWeights = [3, 7, 9, 10, 5, 8, 4, 2];

    private CreditCode(string value) => Value = value;

    /// <summary>The code in canonical form (upper case, no spaces).</summary>
    public string Value { get; }

    /// <summary>登记管理部门代码: 1 机构编制, 5 民政, 9 工商/市场监管, Y 其他…</summary>
    public char Authority => Value[0];

    /// <summary>The six-digit administrative area of the registering authority (e.g. 371000 威海市).</summary>
    public string AreaCode => Value.Substring(2, 6);

    /// <summary>The nine-character organisation code (GB 11714) inside the credit code.</summary>
    public string OrganisationCode => Value.Substring(8, 9);

    public override string ToString() => Value;

    /// <summary>
    /// Read a code as a person typed it: surrounding spaces are ignored and lower-case letters are
    /// accepted; anything else wrong is refused, saying what is wrong and where.
    /// </summary>
    public static Outcome<CreditCode> Parse(string? input)
    {
        var text = (input ?? string.Empty).Trim().ToUpperInvariant();
        if (text.Length == 0)
        {
            return Refusal.Invalid("credit-code.empty", "请填写统一社会信用代码。", "Enter the unified social credit code.", "creditCode");
        }

        if (text.Length != 18)
        {
            return Refusal.Invalid("credit-code.length", $"统一社会信用代码应为18位，当前为{text.Length}位。", $"A unified social credit code has 18 characters, not {text.Length}.", "creditCode");
        }

        for (var i = 0; i < 18; i++)
        {
            if (Alphabet.IndexOf(text[i], StringComparison.Ordinal) < 0)
            {
                var hint = text[i] is 'I' or 'O' or 'S' or 'V' or 'Z' ? "（代码中不使用字母I、O、S、V、Z）" : string.Empty;
                return Refusal.Invalid("credit-code.character", $"第{i + 1}位“{text[i]}”不是统一社会信用代码允许的字符{hint}。", $"Character {i + 1} ('{text[i]}') is not allowed in a credit code (no I, O, S, V or Z).", "creditCode");
            }
        }

        for (var i = 2; i < 8; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return Refusal.Invalid("credit-code.area", $"第3至8位应为登记机关行政区划码（6位数字），第{i + 1}位是“{text[i]}”。", $"Characters 3–8 are the six-digit area code; character {i + 1} is '{text[i]}'.", "creditCode");
            }
        }

        var expected = CheckCharacter(text.AsSpan(0, 17));
        if (text[17] != expected)
        {
            return Refusal.Invalid("credit-code.check", $"统一社会信用代码校验位不符：第18位应为“{expected}”，填写的是“{text[17]}”。请核对是否有错字。", $"The check character should be '{expected}', not '{text[17]}'; a character is probably mistyped.", "creditCode");
        }

        var organisation = text.AsSpan(8, 9);
        if (OrganisationCheckCharacter(organisation[..8]) is { } orgCheck && organisation[8] != orgCheck)
        {
            return Refusal.Invalid("credit-code.organisation-check", $"第9至17位（组织机构代码）校验位不符：第17位应为“{orgCheck}”，填写的是“{organisation[8]}”。", $"The organisation code (characters 9–17) should end in '{orgCheck}', not '{organisation[8]}'.", "creditCode");
        }

        return new CreditCode(text);
    }

    /// <summary>The GB 32100 check character for the first 17 characters.</summary>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != 17)
        {
            throw new ArgumentException("Seventeen characters are needed.", nameof(first17));
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var value = Alphabet.IndexOf(first17[i]);
            if (value < 0)
            {
                throw new ArgumentException($"'{first17[i]}' is not in the GB 32100 alphabet.", nameof(first17));
            }

            sum += value * Weights[i];
        }

        var check = (31 - (sum % 31)) % 31;
        return Alphabet[check];
    }

    /// <summary>
    /// The GB 11714 check character of an organisation code body (8 characters of 0-9/A-Z), or
    /// null when the body holds a letter GB 11714 does not value (then there is nothing to check).
    /// </summary>
    public static char? OrganisationCheckCharacter(ReadOnlySpan<char> body)
    {
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            var c = body[i];
            int value = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'A' and <= 'Z' => c - 'A' + 10,
                _ => -1,
            };
            if (value < 0)
            {
                return null;
            }

            sum += value * OrganisationWeights[i];
        }

        var check = 11 - (sum % 11);
        return check switch
        {
            10 => 'X',
            11 => '0',
            _ => (char)('0' + check),
        };
    }
}
