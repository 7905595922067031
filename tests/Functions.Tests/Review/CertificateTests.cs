using System.Text.RegularExpressions;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Review;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Review;

/// <summary>
/// The certificate as a person's PDF tools read it (poppler): its text, its one embedded font and
/// its QR code, decoded from the rendered page.
/// </summary>
public sealed partial class CertificateTests
{
    private static readonly Uri PublicBase = new("https://award.weihai.gov.cn/");

    private static ApplicationState Holder(string name, ApplicantCategory category = ApplicantCategory.Organisation) =>
        ApplicationState.Initial with { ApplicationId = "app-2914a27b0c", Category = category, Form = new ApplicationForm { Name = name } };

    private static ApplicationAwarded Award(AwardTier tier, string? number = "威质奖〔2026〕第001号", string? code = "weihai-2026-r001") =>
        new(tier, 2026, new DateOnly(2026, 9, 1), ["奖牌", "证书"], 0, false, "威政字〔2026〕9号", number, code, DateTimeOffset.UnixEpoch);

    private static CertificateSheet Sheet(string policyId, ApplicationState holder, ApplicationAwarded award)
    {
        var sheet = CertificateSheet.For(PolicyPresets.Get(policyId), holder, award, PublicBase);
        Assert.True(sheet.IsOk, sheet.Refusal?.En);
        return sheet.Value;
    }

    [Fact]
    public async Task Render_PrintsTheHolderTheAwardTheYearTheIssuerTheDateAndTheNumber()
    {
        var pdf = Certificate.Render(Sheet("weihai", Holder("威海甲精密机械有限公司"), Award(AwardTier.Recognition)));

        var text = Squeeze(await Poppler.TextAsync(pdf));

        Assert.Contains("荣誉证书", text);
        Assert.Contains("威海甲精密机械有限公司：", text);
        // The award as Weihai §2 names it, not "…认定"; what is handed over (奖牌、证书) is not printed.
        Assert.Contains("你单位荣获2026年度威海市市长质量奖。", text);
        Assert.Contains("特发此证，以资鼓励。", text);
        Assert.Contains("威海市人民政府", text);
        Assert.Contains("2026年9月1日", text);
        Assert.Contains("证书编号：威质奖〔2026〕第001号", text);
        Assert.Contains("验证码：weihai-2026-r001", text);
        Assert.DoesNotContain("奖励", text);
        Assert.DoesNotContain("认定", text);
        Assert.DoesNotContain("app-2914a27b0c", text);
    }

    [Fact]
    public async Task Render_KeepsDigitsAndLettersTogether()
    {
        // The hand-written PDF gave every glyph a full em, so "2026" read as "2 0 2 6".
        var pdf = Certificate.Render(Sheet("weihai", Holder("威海ABC精密机械有限公司"), Award(AwardTier.Recognition)));

        var text = await Poppler.TextAsync(pdf);

        Assert.Contains("2026年度", text);
        Assert.Contains("威海ABC精密机械有限公司", text);
        Assert.Contains("weihai-2026-r001", text);
        Assert.DoesNotMatch(SpreadApart(), text);
    }

    [Fact]
    public async Task Render_EmbedsOneSubsetOfTheCertificateFont()
    {
        var pdf = Certificate.Render(Sheet("weihai", Holder("威海甲精密机械有限公司"), Award(AwardTier.Recognition)));

        var fonts = (await Poppler.FontsAsync(pdf)).Split('\n', StringSplitOptions.RemoveEmptyEntries)[2..];

        // name, type, encoding, emb, sub, uni: a subset (ABCDEF+ tag) of the CJK TrueType font, with a ToUnicode map.
        var font = Assert.Single(fonts);
        Assert.Matches(@"^[A-Z]{6}\+LXGW ?WenKai\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes\s", font);
        Assert.DoesNotContain("STSong", System.Text.Encoding.Latin1.GetString(pdf));
    }

    [Fact]
    public async Task Render_QrCodeDecodesToThePublicVerificationPage()
    {
        var pdf = Certificate.Render(Sheet("weihai", Holder("威海甲精密机械有限公司"), Award(AwardTier.Recognition)));

        Assert.Equal("https://award.weihai.gov.cn/verify/weihai-2026-r001", await Poppler.QrCodeAsync(pdf));
    }

    [Fact]
    public async Task Render_ForAChangdeNominee_NamesTheNominationAndAddressesAPerson()
    {
        var pdf = Certificate.Render(Sheet("changde", Holder("张喆", ApplicantCategory.Individual), Award(AwardTier.Nomination, "常质奖提名〔2026〕第001号", "changde-2026-n001")));

        var text = Squeeze(await Poppler.TextAsync(pdf));

        Assert.Contains("张喆同志：", text);
        Assert.Contains("你荣获2026年度常德市市长质量奖提名奖。", text);
        Assert.Contains("常德市人民政府", text);
        Assert.Contains("证书编号：常质奖提名〔2026〕第001号", text);
    }

    [Fact]
    public async Task Render_UnderBenxi_PrintsTheValidityItsFiveYearsGive()
    {
        // Benxi §4: 有效期5年. Awarded on 2026-09-01, the last valid day is 2031-08-31.
        var pdf = Certificate.Render(Sheet("benxi", Holder("本溪钢铁集团有限公司"), Award(AwardTier.Award, "本质奖〔2026〕第001号", "benxi-2026-a001")));

        Assert.Contains("有效期：2026年9月1日至2031年8月31日", Squeeze(await Poppler.TextAsync(pdf)));
    }

    [Fact]
    public async Task Render_ALongName_WrapsWithinTheBorderWithoutLosingACharacter()
    {
        const string name = "威海市环翠区高新技术产业开发区精密机械制造与智能装备研究院股份有限公司第二分公司";
        var pdf = Certificate.Render(Sheet("weihai", Holder(name), Award(AwardTier.Recognition)));

        Assert.Contains(name + "：", Squeeze(await Poppler.TextAsync(pdf)));
    }

    [Fact]
    public void For_AnAwardWithoutANumber_IsRefused()
    {
        var sheet = CertificateSheet.For(PolicyPresets.Get("weihai"), Holder("威海甲精密机械有限公司"), Award(AwardTier.Recognition, null, null), PublicBase);

        Assert.Equal("certificate.unnumbered", sheet.Refusal?.Code);
    }

    [Fact]
    public void For_ANameTheFontCannotPrint_IsRefusedNamingTheCharacter()
    {
        // U+20000 (CJK Extension B) is outside the font: it would print as an empty box.
        var sheet = CertificateSheet.For(PolicyPresets.Get("weihai"), Holder("威海\U00020000科技有限公司"), Award(AwardTier.Recognition), PublicBase);

        Assert.Equal("certificate.glyph-missing", sheet.Refusal?.Code);
        Assert.Contains("\U00020000", sheet.Refusal!.Zh);
    }

    [Theory]
    [InlineData("https://award.weihai.gov.cn", "https://award.weihai.gov.cn/verify/weihai-2026-r001")]
    [InlineData("https://award.weihai.gov.cn/", "https://award.weihai.gov.cn/verify/weihai-2026-r001")]
    [InlineData("https://www.weihai.gov.cn/zlj/", "https://www.weihai.gov.cn/zlj/verify/weihai-2026-r001")]
    public void VerificationUrl_IsThePublicAddressThenVerifyThenTheCode(string baseUrl, string url)
    {
        Assert.Equal(url, Certificate.VerificationUrl(new Uri(baseUrl), "weihai-2026-r001").AbsoluteUri);
    }

    /// <summary>pdftotext breaks lines where the page does: compare texts without line breaks.</summary>
    private static string Squeeze(string text) => text.Replace("\n", string.Empty, StringComparison.Ordinal).Replace("\f", string.Empty, StringComparison.Ordinal);

    /// <summary>Digits or Latin letters with spaces between them, as in "2 0 2 6".</summary>
    [GeneratedRegex(@"[0-9A-Za-z] [0-9A-Za-z] [0-9A-Za-z]")]
    private static partial Regex SpreadApart();
}

public sealed class CertificateOptionsTests
{
    [Theory]
    [InlineData("https://award.weihai.gov.cn", true)]
    [InlineData("https://www.weihai.gov.cn/zlj/", true)]
    [InlineData("http://127.0.0.1:7071", true)]
    // A QR code is printed for good: no plain http to a public host, no query, no relative address.
    [InlineData("http://award.weihai.gov.cn", false)]
    [InlineData("https://award.weihai.gov.cn/?x=1", false)]
    [InlineData(null, false)]
    public void PublicBaseUrl_MustBeAnHttpsAddress(string? url, bool valid)
    {
        var options = new CertificateOptions { PublicBaseUrl = url is null ? null : new Uri(url) };

        Assert.Equal(valid, options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList().Count == 0);
    }
}
