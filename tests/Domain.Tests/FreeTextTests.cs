using QualityAward.Domain.Notices;
using QualityAward.Domain.Reports;

namespace QualityAward.Domain.Tests;

/// <summary>Free text must have a visible character: one rule, one code, wherever people type text.</summary>
public sealed class FreeTextTests
{
    [Theory]
    // NUL, a right-to-left override and a zero-width space: what the probe sent as an objection.
    [InlineData("\u0000\u202e\u200b")]
    // Zero-width joiner, non-joiner, word joiner, byte-order mark.
    [InlineData("\u200d\u200c\u2060\ufeff")]
    // Direction marks and isolates.
    [InlineData("\u200e\u200f\u2066\u2069")]
    // Lone combining marks (acute accent, enclosing circle) and a variation selector.
    [InlineData("\u0301\u20dd\ufe0f")]
    // Hangul fillers and the blank Braille pattern: letters and symbols that show nothing.
    [InlineData("\u3164\u115f\u2800")]
    // Tag characters (U+E0041, U+E007F).
    [InlineData("\U000E0041\U000E007F")]
    // Unassigned code point and a noncharacter.
    [InlineData("\u0378\uffff")]
    public void TextWithoutAVisibleCharacter_IsRefusedWithOneCode(string text)
    {
        Assert.False(FreeText.HasVisibleCharacter(text));
        var refusal = FreeText.Visible(text, "text");
        Assert.Equal(("text.no-visible-character", RefusalKind.Invalid, "text"), (refusal!.Code, refusal.Kind, refusal.Field));
        Assert.Contains("可见", refusal.Zh, StringComparison.Ordinal);
        Assert.Contains("visible", refusal.En, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("异议")]
    [InlineData("x")]
    [InlineData("\u200b有\u200b")]
    [InlineData("e\u0301")]
    [InlineData("😀")]
    [InlineData("１")]
    // A private-use character: some systems map rare hanzi there.
    [InlineData("\ue000")]
    public void TextWithAVisibleCharacter_Passes(string text)
    {
        Assert.True(FreeText.HasVisibleCharacter(text));
        Assert.Null(FreeText.Visible(text, "text"));
    }

    [Fact]
    public void LoneSurrogates_AreNotVisible()
    {
        // (Not an [InlineData]: attribute strings are stored as UTF-8, which cannot hold a lone surrogate.)
        Assert.False(FreeText.HasVisibleCharacter(new string(['\ud800', '\u200b', '\udc00'])));
        Assert.Equal(FreeText.Code, FreeText.Visible(new string(['\udc00']), "text")?.Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    // No-break, ideographic and em spaces, line and paragraph separators: white space, which the
    // callers' own "missing" rules refuse with their codes.
    [InlineData("\u00a0\u3000\u2003\u2028\u2029")]
    public void AbsentOrBlankText_IsLeftToTheCallersOwnMissingRule(string? text)
    {
        Assert.False(FreeText.HasVisibleCharacter(text));
        Assert.Null(FreeText.Visible(text, "text"));
    }

    [Fact]
    public void Deciders_UseTheRule_ForObjections_Reports_AndReasons()
    {
        const string invisible = "\u0000\u202e\u200b";
        var report = ReportDecider.Decide(new FileReport("rep-1", "h", "威海精工", null, invisible, false, null, null), ReportState.Initial, Actor.System, DateTimeOffset.UnixEpoch);
        Assert.Equal(FreeText.Code, Assert.Single(report.Refusal!.Problems).Code);

        var concerning = ReportDecider.Decide(new FileReport("rep-1", "h", invisible, null, "事实", false, null, null), ReportState.Initial, Actor.System, DateTimeOffset.UnixEpoch);
        Assert.Equal(("concerning", FreeText.Code), (concerning.Refusal!.Problems[0].Field, concerning.Refusal.Problems[0].Code));

        var filed = ReportState.Evolve(ReportState.Initial, new ReportFiled("rep-1", "h", "威海精工", null, "事实", false, null, null, DateTimeOffset.UnixEpoch));
        var result = ReportDecider.Decide(new ConcludeReport(false, "\u200b\u200b"), filed, new Actor("sup", Roles.Supervisor), DateTimeOffset.UnixEpoch);
        Assert.Equal(FreeText.Code, result.Refusal!.Code);
    }
}
