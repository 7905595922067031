using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QualityAward.Domain.Identity;
using static QualityAward.Domain.Tests.Identity.CheckCharacters;

namespace QualityAward.Domain.Tests.Identity;

/// <summary>
/// Any code built by the standards is accepted, and a single mistyped character is always caught:
/// both check systems work modulo a prime with weights that are never zero, so one substitution
/// always changes the sum.
/// </summary>
public class IdentityProperties
{
    private const string IdCharacters = "0123456789X";

    private static readonly Gen<char> CreditChar = Gen.Elements(CreditAlphabet.ToCharArray());
    private static readonly Gen<char> Digit = Gen.Elements("0123456789".ToCharArray());

    private static Gen<string> CreditCodes =>
        from authority in CreditChar
        from type in CreditChar
        from area in Gen.ArrayOf(Digit, 6)
        from body in Gen.ArrayOf(CreditChar, 8)
        select MakeCreditCode(authority, type, new string(area), new string(body));

    private static Gen<string> ResidentIds =>
        from area in Gen.Choose(110000, 659999)
        from days in Gen.Choose(0, new DateOnly(2026, 11, 23).DayNumber - new DateOnly(1900, 1, 1).DayNumber)
        from sequence in Gen.Choose(0, 999)
        select MakeResidentId(area.ToString(System.Globalization.CultureInfo.InvariantCulture), new DateOnly(1900, 1, 1).AddDays(days), sequence);

    private static Gen<string> WithOneCharacterChanged(Gen<string> codes, string alphabet) =>
        from code in codes
        from position in Gen.Choose(0, code.Length - 1)
        from replacement in Gen.Elements(alphabet.ToCharArray()).Where(c => c != code[position])
        select string.Concat(code.AsSpan(0, position), replacement.ToString(), code.AsSpan(position + 1));

    [Property(MaxTest = 500)]
    public Property CreditCode_BuiltByTheStandard_IsAccepted() =>
        Prop.ForAll(CreditCodes.ToArbitrary(), code =>
        {
            var parsed = CreditCode.Parse(code);

            Assert.True(parsed.IsOk, $"{code}: {parsed.Refusal?.En}");
            Assert.Equal(code, parsed.Value.Value);
        });

    [Property(MaxTest = 500)]
    public Property CreditCode_WithAnyOneCharacterChanged_IsRefused() =>
        Prop.ForAll(WithOneCharacterChanged(CreditCodes, CreditAlphabet + "IOSVZ").ToArbitrary(), code =>
        {
            var parsed = CreditCode.Parse(code);

            Assert.False(parsed.IsOk, $"{code} was accepted");
            Assert.Contains(parsed.Refusal!.Code, new[] { "credit-code.check", "credit-code.character", "credit-code.area" });
        });

    [Property(MaxTest = 500)]
    public Property ResidentId_BuiltByTheStandard_IsAccepted() =>
        Prop.ForAll(ResidentIds.ToArbitrary(), number =>
        {
            var parsed = ResidentIdNumber.Parse(number);

            Assert.True(parsed.IsOk, $"{number}: {parsed.Refusal?.En}");
            Assert.Equal(number[6..14], parsed.Value.BirthDate.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture));
        });

    [Property(MaxTest = 500)]
    public Property ResidentId_WithAnyOneCharacterChanged_IsRefused() =>
        Prop.ForAll(WithOneCharacterChanged(ResidentIds, IdCharacters).ToArbitrary(), number =>
        {
            var parsed = ResidentIdNumber.Parse(number);

            Assert.False(parsed.IsOk, $"{number} was accepted");
            Assert.Contains(parsed.Refusal!.Code, new[] { "id-number.check", "id-number.character", "id-number.birth-date" });
        });
}
