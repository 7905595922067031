using QualityAward.Domain.Applications;

namespace QualityAward.Domain.Tests.Applications;

public class FileNamesTests
{
    [Theory]
    // Path parts are dropped, whichever separator a browser or a script sent.
    [InlineData("../../etc/passwd.pdf", ".pdf", "passwd.pdf")]
    [InlineData(@"C:\Users\张三\Desktop\自评报告.pdf", ".pdf", "自评报告.pdf")]
    [InlineData("a/b\\c/报告.docx", ".docx", "报告.docx")]
    // The extension is the detected type's, whatever the name claimed.
    [InlineData("scan.pdf", ".png", "scan.png")]
    [InlineData("invoice.exe", ".pdf", "invoice.pdf")]
    [InlineData("报告", ".pdf", "报告.pdf")]
    [InlineData("REPORT.PDF", ".pdf", "REPORT.pdf")]
    [InlineData("report.final.pdf", ".pdf", "report.final.pdf")]
    // Something that is not an extension (a space, or too long) stays part of the name.
    [InlineData("质量报告 v1.2 final", ".pdf", "质量报告 v1.2 final.pdf")]
    [InlineData("notes.averyveryverylongsuffix", ".pdf", "notes.averyveryverylongsuffix.pdf")]
    // Whitespace collapses to one space; dots and spaces at the ends go.
    [InlineData("  自我  评价\t报告\r\n.pdf", ".pdf", "自我 评价 报告.pdf")]
    [InlineData("...hidden.pdf", ".pdf", "hidden.pdf")]
    [InlineData("name. . .pdf", ".pdf", "name.pdf")]
    // Characters file systems refuse are replaced.
    [InlineData("a<b>c:d\"e|f?g*h.pdf", ".pdf", "a_b_c_d_e_f_g_h.pdf")]
    // Windows device names would not open.
    [InlineData("CON.pdf", ".pdf", "_CON.pdf")]
    [InlineData("nul", ".pdf", "_nul.pdf")]
    public void Neutralise_GivesASafeNameWithTheDetectedExtension(string original, string extension, string expected)
    {
        Assert.Equal(expected, FileNames.Neutralise(original, extension));
    }

    [Theory]
    // A right-to-left override makes "report‮fdp.exe" display as "reportexe.pdf": removed, and the extension is the real one.
    [InlineData("report\u202Efdp.exe", "reportfdp.pdf")]
    [InlineData("\u202Ereport.pdf", "report.pdf")]
    [InlineData("a\u200Eb\u200Fc.pdf", "abc.pdf")]
    [InlineData("a\u202Ab\u202Bc\u202Cd\u202De.pdf", "abcde.pdf")]
    [InlineData("a\u2066b\u2067c\u2068d\u2069e.pdf", "abcde.pdf")]
    // Control characters, zero-width and byte-order marks, and a lone surrogate go too.
    [InlineData("a\u0000b\u0007c\u001Bd\u007Fe\u0090f.pdf", "abcdef.pdf")]
    [InlineData("\uFEFFa\u200Bb.pdf", "ab.pdf")]
    [InlineData("a\uD800b.pdf", "ab.pdf")]
    public void Neutralise_RemovesInvisibleAndDirectionCharacters(string original, string expected)
    {
        Assert.Equal(expected, FileNames.Neutralise(original, ".pdf"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(".pdf")]
    [InlineData("...")]
    [InlineData("/")]
    [InlineData("dir/")]
    [InlineData("\u202E\u200B")]
    public void Neutralise_NeverGivesAnEmptyName(string? original)
    {
        Assert.Equal(FileNames.Fallback + ".pdf", FileNames.Neutralise(original, ".pdf"));
    }

    [Fact]
    public void Neutralise_KeepsAtMostAHundredCharacters_WithTheExtension()
    {
        var name = FileNames.Neutralise(new string('质', 300) + ".docx", ".docx");

        Assert.Equal(FileNames.MaxLength, name.Length);
        Assert.EndsWith("质.docx", name, StringComparison.Ordinal);
    }

    [Fact]
    public void Neutralise_NeverCutsACharacterInTwo()
    {
        // 𝒜 (U+1D49C) is two UTF-16 units: 99 of them do not fit in 96 units; the cut falls between two.
        var name = FileNames.Neutralise(string.Concat(Enumerable.Repeat("𝒜", 99)), ".pdf");

        Assert.True(name.Length <= FileNames.MaxLength);
        Assert.Equal(".pdf", name[^4..]);
        Assert.Equal(48, name[..^4].EnumerateRunes().Count());
        Assert.DoesNotContain(name.EnumerateRunes(), r => r == System.Text.Rune.ReplacementChar);
    }

    [Fact]
    public void Neutralise_ATruncatedNameEndsWithoutDotsOrSpaces()
    {
        var name = FileNames.Neutralise(new string('a', 95) + "  ... more", ".pdf");

        Assert.Equal(new string('a', 95) + ".pdf", name);
    }

    [Theory]
    [InlineData("pdf")]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("./x")]
    [InlineData(".p df")]
    public void Neutralise_WithAnExtensionThatIsNotOne_IsABug(string extension)
    {
        Assert.Throws<ArgumentException>(() => FileNames.Neutralise("a.pdf", extension));
    }

    [FsCheck.Xunit.Property(MaxTest = 1000)]
    public bool Neutralise_AnyInput_IsShortNonEmptyAndFreeOfPathsAndInvisibles(string? original)
    {
        var name = FileNames.Neutralise(original, ".pdf");
        return name.Length is > 4 and <= FileNames.MaxLength
            && name.EndsWith(".pdf", StringComparison.Ordinal)
            && name.IndexOfAny(['/', '\\']) < 0
            && !name.EnumerateRunes().Any(FileNames.IsInvisible)
            && name[0] is not ('.' or ' ');
    }
}
