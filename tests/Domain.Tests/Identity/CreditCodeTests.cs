using QualityAward.Domain.Identity;
using static QualityAward.Domain.Tests.Identity.CheckCharacters;

namespace QualityAward.Domain.Tests.Identity;

public class CreditCodeTests
{
    [Theory]
    // The example code widely published with GB 32100-2015.
    [InlineData("91350100M000100Y43")]
    // Codes printed on public business licences (华为技术有限公司; 深圳市腾讯计算机系统有限公司).
    [InlineData("914403001922038216")]
    [InlineData("91440300708461136T")]
    public void Parse_PublishedCode_IsAccepted(string code)
    {
        var parsed = CreditCode.Parse(code);

        Assert.True(parsed.IsOk, parsed.Refusal?.En);
        Assert.Equal(code, parsed.Value.Value);
    }

    [Theory]
    // Built with the test's own GB 32100 / GB 11714 arithmetic: 9 市场监管 / 1 企业 in 威海 371000.
    [InlineData('9', '1', "371000", "MA3C8D2K")]
    // 1 机构编制 / 1 机关, 济南 370100; this body's GB 11714 check is X (remainder 10).
    [InlineData('1', '1', "370100", "00424562")]
    // 5 民政 / 1 社会团体, 忻州 140900.
    [InlineData('5', '1', "140900", "5012345Y")]
    // Y 其他 / 1, 常德 430700; this body's GB 11714 check is 0 (remainder 11).
    [InlineData('Y', '1', "430700", "12345671")]
    public void Parse_CodeBuiltByTheStandard_IsAccepted(char authority, char type, string area, string body)
    {
        var code = MakeCreditCode(authority, type, area, body);

        var parsed = CreditCode.Parse(code);

        Assert.True(parsed.IsOk, $"{code}: {parsed.Refusal?.En}");
        Assert.Equal(authority, parsed.Value.Authority);
        Assert.Equal(area, parsed.Value.AreaCode);
        Assert.Equal(code[8..17], parsed.Value.OrganisationCode);
    }

    [Fact]
    public void OrganisationCheck_ForBody12345678_Is8()
    {
        // Worked by hand: 1·3+2·7+3·9+4·10+5·5+6·8+7·4+8·2 = 201; 201 mod 11 = 3; 11-3 = 8.
        Assert.Equal('8', OrganisationCodeCheck("12345678"));
        Assert.Equal('8', CreditCode.OrganisationCheckCharacter("12345678"));
    }

    [Fact]
    public void CheckCharacter_AgreesWithTheIndependentAlgorithm()
    {
        Assert.Equal('3', CreditCode.CheckCharacter("91350100M000100Y4"));
        Assert.Equal(CreditCodeCheck("91350100M000100Y4"), CreditCode.CheckCharacter("91350100M000100Y4"));
    }

    [Theory]
    [InlineData("  91350100M000100Y43 ")] // spaces around
    [InlineData("91350100m000100y43")]   // lower case, as people type it
    public void Parse_TypedLoosely_IsAcceptedInCanonicalForm(string input)
    {
        var parsed = CreditCode.Parse(input);

        Assert.True(parsed.IsOk, parsed.Refusal?.En);
        Assert.Equal("91350100M000100Y43", parsed.Value.Value);
        Assert.Equal("91350100M000100Y43", parsed.Value.ToString());
    }

    [Theory]
    [InlineData("91350100M000100Y44", "credit-code.check")] // last character wrong
    [InlineData("91350100M000100Y4A", "credit-code.check")]
    [InlineData("91350100M000100Y34", "credit-code.check")] // two neighbours swapped
    [InlineData("91350101M000100Y43", "credit-code.check")] // one area digit mistyped
    [InlineData("91350100M00010Y43", "credit-code.length")] // 17 characters
    [InlineData("91350100M000100Y433", "credit-code.length")] // 19 characters
    [InlineData("350100M000100Y4", "credit-code.length")] // an old 15-digit registration number's length
    [InlineData("", "credit-code.empty")]
    [InlineData("   ", "credit-code.empty")]
    [InlineData(null, "credit-code.empty")]
    [InlineData("91350100I000100Y43", "credit-code.character")] // I is not in the alphabet
    [InlineData("91350100O000100Y43", "credit-code.character")] // O
    [InlineData("91350100Z000100Y43", "credit-code.character")] // Z
    [InlineData("91350100S000100Y43", "credit-code.character")] // S
    [InlineData("91350100V000100Y43", "credit-code.character")] // V
    [InlineData("91350100M000100Y4i", "credit-code.character")] // lower-case i is still I
    [InlineData("91350100M-00100Y43", "credit-code.character")]
    [InlineData("9135０100M000100Y43", "credit-code.character")] // a full-width digit
    [InlineData("9135A100M000100Y43", "credit-code.area")]     // a letter in the area code
    public void Parse_Wrong_IsRefusedWithCode(string? input, string code)
    {
        var parsed = CreditCode.Parse(input);

        Assert.False(parsed.IsOk, $"'{input}' was accepted");
        Assert.Equal(code, parsed.Refusal!.Code);
        Assert.Equal(RefusalKind.Invalid, parsed.Refusal.Kind);
        Assert.Equal("creditCode", parsed.Refusal.Field);
    }

    [Fact]
    public void Parse_WrongCheck_SaysWhichCharacterIsExpected()
    {
        var refusal = CreditCode.Parse("91350100M000100Y44").Refusal!;

        Assert.Contains("'3'", refusal.En, StringComparison.Ordinal);
        Assert.Contains("“3”", refusal.Zh, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_IllegalLetter_NamesItsPosition()
    {
        var refusal = CreditCode.Parse("91350100O000100Y43").Refusal!;

        Assert.Contains("Character 9", refusal.En, StringComparison.Ordinal);
        Assert.Contains("第9位", refusal.Zh, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OrganisationCheckWrongButOverallCheckRight_IsRefused()
    {
        // Body M000100Y has GB 11714 check 4; put 5 there and make the GB 32100 check fit.
        var first17 = "91350100M000100Y5";
        var code = first17 + CreditCodeCheck(first17);

        var parsed = CreditCode.Parse(code);

        Assert.Equal("credit-code.organisation-check", parsed.Refusal?.Code);
    }
}
