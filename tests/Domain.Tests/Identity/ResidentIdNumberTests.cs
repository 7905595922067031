using QualityAward.Domain.Identity;
using static QualityAward.Domain.Tests.Identity.CheckCharacters;
using static QualityAward.Domain.Tests.TestDates;

namespace QualityAward.Domain.Tests.Identity;

public class ResidentIdNumberTests
{
    [Fact]
    public void Parse_TheStandardsExample_IsAcceptedWithItsParts()
    {
        // GB 11643-1999's example: 北京市朝阳区, born 1949-12-31, sequence 002 (a woman), check X.
        var parsed = ResidentIdNumber.Parse("11010519491231002X");

        Assert.True(parsed.IsOk, parsed.Refusal?.En);
        Assert.Equal("11010519491231002X", parsed.Value.Value);
        Assert.Equal(D("1949-12-31"), parsed.Value.BirthDate);
        Assert.Equal("110105", parsed.Value.AreaCode);
        Assert.False(parsed.Value.IsMale);
    }

    [Fact]
    public void Parse_LowerCaseX_IsAcceptedAsUpperCase()
    {
        var parsed = ResidentIdNumber.Parse(" 11010519491231002x ");

        Assert.True(parsed.IsOk, parsed.Refusal?.En);
        Assert.Equal("11010519491231002X", parsed.Value.Value);
    }

    [Theory]
    // Built with the test's own MOD 11-2 arithmetic.
    [InlineData("371002", "1985-07-15", 11, true)]   // 威海环翠, odd sequence: a man
    [InlineData("140902", "2000-02-29", 124, false)] // 忻州忻府, a leap day, even sequence: a woman
    [InlineData("430702", "1960-01-01", 999, true)]
    public void Parse_NumberBuiltByTheStandard_IsAccepted(string area, string birth, int sequence, bool male)
    {
        var number = MakeResidentId(area, D(birth), sequence);

        var parsed = ResidentIdNumber.Parse(number);

        Assert.True(parsed.IsOk, $"{number}: {parsed.Refusal?.En}");
        Assert.Equal(D(birth), parsed.Value.BirthDate);
        Assert.Equal(male, parsed.Value.IsMale);
    }

    [Fact]
    public void CheckCharacter_AgreesWithTheIndependentAlgorithm()
    {
        Assert.Equal('X', ResidentIdNumber.CheckCharacter("11010519491231002"));
        Assert.Equal('X', ResidentIdCheck("11010519491231002"));
    }

    [Theory]
    [InlineData("110105194912310029", "id-number.check")]  // X mistyped as 9
    [InlineData("110105194912310020", "id-number.check")]
    [InlineData("11010519491231003X", "id-number.check")]  // sequence mistyped
    [InlineData("1101051949123100X", "id-number.length")]  // 17 characters
    [InlineData("110105491231002", "id-number.length")]    // the old 15-digit form
    [InlineData("11010519491231002XX", "id-number.length")]
    [InlineData("", "id-number.empty")]
    [InlineData(null, "id-number.empty")]
    [InlineData("1101051949123100XX", "id-number.character")] // X only at the end
    [InlineData("11010519491231002Y", "id-number.character")]
    [InlineData("A1010519491231002X", "id-number.character")]
    public void Parse_Wrong_IsRefusedWithCode(string? input, string code)
    {
        var parsed = ResidentIdNumber.Parse(input);

        Assert.False(parsed.IsOk, $"'{input}' was accepted");
        Assert.Equal(code, parsed.Refusal!.Code);
        Assert.Equal("idNumber", parsed.Refusal.Field);
    }

    [Theory]
    [InlineData("19490230")] // 30 February
    [InlineData("19491301")] // month 13
    [InlineData("19490000")] // day zero
    [InlineData("20230229")] // 2023 is not a leap year
    [InlineData("18991231")] // before 1900
    public void Parse_ImpossibleBirthDate_IsRefusedEvenWithRightCheck(string birth)
    {
        // The check character is made right, so only the date can be at fault.
        var first17 = $"110105{birth}002";
        var number = first17 + ResidentIdCheck(first17);

        var parsed = ResidentIdNumber.Parse(number);

        Assert.Equal("id-number.birth-date", parsed.Refusal?.Code);
        Assert.Contains(birth, parsed.Refusal!.En, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BirthAfterToday_IsRefused()
    {
        var number = MakeResidentId("371002", D("2026-11-24"), 11);

        Assert.Equal("id-number.birth-in-future", ResidentIdNumber.Parse(number, D("2026-11-23")).Refusal?.Code);
        Assert.True(ResidentIdNumber.Parse(number, D("2026-11-24")).IsOk);
        Assert.True(ResidentIdNumber.Parse(number).IsOk); // no today given: no such check
    }

    [Fact]
    public void Masked_HidesAllButTheFirstThreeAndLastFour()
    {
        var parsed = ResidentIdNumber.Parse("11010519491231002X").Value;

        Assert.Equal("110***********002X", parsed.Masked);
        Assert.Equal(parsed.Masked, parsed.ToString());
        Assert.DoesNotContain("19491231", parsed.ToString(), StringComparison.Ordinal);
    }
}
