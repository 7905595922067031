using System.ComponentModel.DataAnnotations;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Hosting;

namespace QualityAward.Functions.Tests.Hosting;

/// <summary>How pages and mails cite a regulation, and the office contact a notice prints (issue 19).</summary>
public sealed class PublicationTests
{
    [Theory]
    [InlineData("§13-14", "第十三条至第十四条")]
    [InlineData("§15, §23", "第十五条、第二十三条")]
    [InlineData("§10(五)", "第十条第（五）项")]
    [InlineData("§20", "第二十条")]
    [InlineData("§7(二), §15", "第七条第（二）项、第十五条")]
    public void Articles_ReadAsChineseArticleNumbers(string article, string expected) =>
        Assert.Equal(expected, Regulation.Articles(article));

    [Fact]
    public void Cite_NamesTheRegulationWithItsNumber()
    {
        var weihai = PolicyPresets.Get("weihai");
        Assert.Equal("《威海市市长质量奖认定办法》（威政发〔2023〕16号）第十五条", Regulation.Cite(weihai.Document, "§15"));
    }

    [Fact]
    public void EveryPreset_NamesItsOffice_AndSaysHowTheRegisterStatesUnsetMoney()
    {
        foreach (var id in new[] { "weihai", "benxi", "changde", "jinan", "xinzhou" })
        {
            var policy = PolicyPresets.Get(id);
            Assert.False(string.IsNullOrWhiteSpace(policy.Office?.Name), id);
            var unset = policy.Tiers.Any(t => policy.Categories.Any(c => !policy.Money.Amounts.Any(a => a.Tier == t && a.Category == c)));
            Assert.True(!unset || !string.IsNullOrWhiteSpace(policy.Money.NotSetZh), id);
        }

        Assert.Equal("按市政府有关规定（§17）", PolicyPresets.Get("weihai").Money.NotSetZh);
    }

    [Theory]
    [InlineData(null, "0631-5233001", "office@weihai.example.gov.cn", "Address")]
    [InlineData("威海市新威路17号", "", "office@weihai.example.gov.cn", "Telephone")]
    [InlineData("威海市新威路17号", "0631-5233001", "not a mail", "Email")]
    public void OfficeContact_Incomplete_StopsTheApp(string? address, string telephone, string email, string missing)
    {
        var options = new OfficeOptions { Contacts = { ["weihai"] = new OfficeContact { Address = address, Telephone = telephone, Email = email } } };
        var problems = options.Validate(new ValidationContext(options)).ToList();
        Assert.Contains(problems, p => p.ErrorMessage!.StartsWith($"Offices:weihai:{missing}", StringComparison.Ordinal));
    }

    [Fact]
    public void OfficeContact_Complete_IsOne_Line()
    {
        var contact = new OfficeContact { Address = "威海市新威路17号", Telephone = "0631-5233001", Email = "office@weihai.example.gov.cn" };
        var options = new OfficeOptions { Contacts = { ["weihai"] = contact } };
        Assert.Empty(options.Validate(new ValidationContext(options)));
        Assert.Equal("地址：威海市新威路17号；电话：0631-5233001；电子邮箱：office@weihai.example.gov.cn", OfficeOptions.Line(contact));
    }
}
