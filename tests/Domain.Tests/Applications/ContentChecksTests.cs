using System.IO.Compression;
using System.Text;
using QualityAward.Domain.Applications;

namespace QualityAward.Domain.Tests.Applications;

/// <summary>
/// What staff may open: PDFs without active content, Office files without macros, unsafe names or
/// bombs — judged while the bytes stream past in chunks of any size, never holding the file.
/// </summary>
public sealed class ContentChecksTests
{
    private static readonly IReadOnlyCollection<FileType> All = FileTypes.All;

    /// <summary>Feed the bytes in chunks of <paramref name="chunk"/> (1 puts every byte in its own read), then complete.</summary>
    private static Refusal? Check(IContentCheck check, byte[] bytes, int chunk)
    {
        for (var at = 0; at < bytes.Length; at += chunk)
        {
            if (check.Feed(bytes.AsSpan(at, Math.Min(chunk, bytes.Length - at))) is { } early)
            {
                return early;
            }
        }

        return check.Complete();
    }

    private static Refusal? CheckPdf(string text, int chunk = 7) => Check(new PdfContentCheck(), Encoding.Latin1.GetBytes(text), chunk);

    private static string Pdf(string body) => "%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n" + body + "\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

    private const string Catalog = "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj";

    public static TheoryData<string, string> ActivePdfs => new()
    {
        { "an OpenAction that runs JavaScript", Catalog + "\n3 0 obj\n<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj" },
        { "the action type written with a name escape", Catalog + "\n3 0 obj\n<< /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> >>\nendobj" },
        { "JS alone, in a stream elsewhere", Catalog + "\n3 0 obj\n<< /JS 4 0 R >>\nendobj" },
        { "a launch action", Catalog + "\n3 0 obj\n<< /S /Launch /F (cmd.exe) >>\nendobj" },
        { "an embedded file", Catalog + "\n3 0 obj\n<< /Type /EmbeddedFile /Length 3 >>\nstream\nabc\nendstream\nendobj" },
        { "the embedded-files name tree", Catalog + "\n3 0 obj\n<< /Names << /EmbeddedFiles 5 0 R >> >>\nendobj" },
        { "additional actions on a page", Catalog + "\n3 0 obj\n<< /Type /Page /AA << /O 6 0 R >> >>\nendobj" },
        { "rich media", Catalog + "\n3 0 obj\n<< /Subtype /RichMedia >>\nendobj" },
        { "an object hidden after a stream with no endstream", Catalog + "\n3 0 obj\n<< /Length 4 >>\nstream\nabcd 4 0 obj << /S /JavaScript /JS (x) >> endobj" },
    };

    [Theory]
    [MemberData(nameof(ActivePdfs))]
    public void APdfWithActiveContent_IsRefused_InAnyChunking(string what, string body)
    {
        foreach (var chunk in new[] { 1, 2, 3, 5, 7, 64, 100_000 })
        {
            var refusal = CheckPdf(Pdf(body), chunk);
            Assert.True(refusal?.Code == "document.pdf-active-content", $"{what}, chunks of {chunk}: {refusal}");
        }
    }

    [Fact]
    public void APdfWhoseScriptSitsInACompressedObjectStream_IsRefused_AndOneWithoutIsNot()
    {
        foreach (var chunk in new[] { 1, 13, 4096 })
        {
            Assert.Equal("document.pdf-active-content", Check(new PdfContentCheck(), PdfWithObjectStream("<< /S /JavaScript /JS (app.alert(1)) >>", zlib: true), chunk)?.Code);
            Assert.Equal("document.pdf-active-content", Check(new PdfContentCheck(), PdfWithObjectStream("<< /AA << /O 9 0 R >> >>", zlib: false), chunk)?.Code);
            Assert.Null(Check(new PdfContentCheck(), PdfWithObjectStream("<< /Type /Page /Parent 2 0 R >>", zlib: true), chunk));
        }
    }

    [Fact]
    public void APdfWithAnObjectStreamThatCannotBeRead_IsRefused()
    {
        var bytes = PdfWithObjectStream("<< /Type /Page >>", zlib: true);
        var garbled = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(bytes).Replace("/Filter /FlateDecode", "/Filter /LZWDecode", StringComparison.Ordinal));

        Assert.Equal("document.pdf-uninspectable", Check(new PdfContentCheck(), garbled, 4096)?.Code);

        // Encrypted object streams do not inflate.
        Assert.Equal("document.pdf-uninspectable", Check(new PdfContentCheck(), PdfWithObjectStream("<< /Type /Page >>", zlib: true, scramble: true), 4096)?.Code);
    }

    public static TheoryData<string, string> HarmlessPdfs => new()
    {
        { "a plain document", Catalog },
        { "an OpenAction that only opens a page", Catalog + "\n3 0 obj\n<< /OpenAction [2 0 R /Fit] >>\nendobj" },
        { "the names as text in a string", Catalog + "\n3 0 obj\n<< /Title (/JavaScript /JS /Launch \\) /AA) >>\nendobj" },
        { "the names in a comment", Catalog + "\n% /JavaScript /AA\n" },
        { "short names in stream data", Catalog + "\n3 0 obj\n<< /Length 20 >>\nstream\nq /JS /AA cm Q BT ET\nendstream\nendobj" },
        { "names that only start like them", Catalog + "\n3 0 obj\n<< /JSON 1 /AAA 2 /Launcher 3 /JavaScripts 4 >>\nendobj" },
    };

    [Theory]
    [MemberData(nameof(HarmlessPdfs))]
    public void AHarmlessPdf_Passes(string what, string body)
    {
        foreach (var chunk in new[] { 1, 5, 100_000 })
        {
            Assert.True(CheckPdf(Pdf(body), chunk) is null, $"{what}, chunks of {chunk}");
        }
    }

    [Theory]
    [InlineData("%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF")]
    [InlineData("%PDF-1.4\n%<!DOCTYPE html>\n")]
    [InlineData("%PDF-1.4 <SVG onload=alert(1)>")]
    public void APdfThatStartsAsAWebPage_IsAPolyglot_AndRefused(string text)
    {
        Assert.Equal("document.polyglot", CheckPdf(text, 3)?.Code);
        Assert.Null(CheckPdf("%PDF-1.4\n% <header> <bodywork> <htmlx>\n" + Catalog));
    }

    [Fact]
    public void Html_AfterTheFirstKilobyte_IsNotThePolyglotsConcern()
    {
        Assert.Null(CheckPdf(Pdf(new string(' ', PdfContentCheck.HeadWindow) + "% <html>\n" + Catalog)));
    }

    // ---- Office files ----------------------------------------------------------------------

    private static byte[] Zip(params (string Name, int Size)[] entries)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            foreach (var (name, size) in entries)
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                for (var left = size; left > 0; left -= zeros.Length)
                {
                    entry.Write(zeros, 0, Math.Min(left, zeros.Length));
                }
            }
        }

        return stream.ToArray();
    }

    private static readonly (string, int)[] Docx = [("[Content_Types].xml", 100), ("_rels/.rels", 100), ("word/document.xml", 1000)];

    private static Refusal? CheckZip(byte[] bytes, int chunk = 4096) => Check(new ZipContentCheck(All), bytes, chunk);

    [Fact]
    public void AnOfficeFile_WithoutMacrosOrBadNames_Passes_InAnyChunking()
    {
        foreach (var chunk in new[] { 1, 17, 4096, 1 << 20 })
        {
            Assert.Null(CheckZip(Zip([.. Docx, ("word/media/image1.png", 5000), ("word/", 0)]), chunk));
        }
    }

    [Theory]
    [InlineData("word/vbaProject.bin")]
    [InlineData("xl/vbaProject.bin")]
    [InlineData("WORD/VBAPROJECT.BIN")]
    [InlineData("word/vbaProjectSignature.bin")]
    [InlineData("word/vbaData.xml")]
    [InlineData("xl/macrosheets/sheet1.xml")]
    [InlineData("word/activeX/activeX1.bin")]
    public void AnOfficeFile_WithMacrosOrControls_IsRefused(string entry)
    {
        Assert.Equal("document.office-macros", CheckZip(Zip([.. Docx, (entry, 10)]))?.Code);
    }

    [Theory]
    [InlineData("../../evil.exe")]
    [InlineData("word/../../evil.exe")]
    [InlineData("/etc/passwd")]
    [InlineData("C:/Windows/evil.dll")]
    [InlineData("word\\..\\evil.exe")]
    [InlineData("word//document2.xml")]
    [InlineData("word/./x.xml")]
    [InlineData("word/\u0001x.xml")]
    [InlineData("WORD/document.xml")]
    public void AnOfficeFile_WithAnUnsafeOrDuplicateEntryName_IsRefused(string entry)
    {
        Assert.Equal("document.zip-entry-name", CheckZip(Zip([.. Docx, (entry, 10)]))?.Code);
    }

    [Fact]
    public void AnOfficeFile_DeclaringMoreThanTheLimitUnpacked_IsAZipBomb_AndRefusedWithoutDecompressing()
    {
        // 200 MiB of zeros compress to about 200 KB.
        var bomb = Zip([.. Docx, ("word/media/big.bin", 200 * 1024 * 1024)]);
        Assert.True(bomb.Length < 1_000_000);

        var refusal = CheckZip(bomb, 64 * 1024);

        Assert.Equal("document.zip-unpacked-too-large", refusal?.Code);
        Assert.Contains("200", refusal!.Zh, StringComparison.Ordinal);
        Assert.Null(CheckZip(Zip([.. Docx, ("word/media/ok.bin", 100 * 1024 * 1024)]), 64 * 1024));
    }

    [Fact]
    public void AZipWhoseDirectoryCannotBeReadExactly_IsNoAcceptedType()
    {
        var good = Zip(Docx);
        var truncated = good[..^5];
        var prefixed = new byte[10].Concat(good).ToArray(); // the directory offsets no longer add up

        Assert.Equal("document.type-not-allowed", CheckZip(truncated)?.Code);
        Assert.Equal("document.type-not-allowed", CheckZip(prefixed)?.Code);
        Assert.Equal("document.type-not-allowed", CheckZip([.. "PK\u0003\u0004"u8, .. new byte[100]])?.Code);
    }

    [Fact]
    public void ForEachSignature_TheRightCheck()
    {
        Assert.IsType<PdfContentCheck>(ContentChecks.For(FileSignature.Pdf, All));
        Assert.IsType<ZipContentCheck>(ContentChecks.For(FileSignature.Zip, All));
        Assert.Null(ContentChecks.For(FileSignature.Png, All));
        Assert.Null(ContentChecks.For(FileSignature.Jpeg, All));
    }

    /// <summary>A PDF 1.5 whose object 3 lives in a compressed object stream (object 4).</summary>
    private static byte[] PdfWithObjectStream(string object3, bool zlib, bool scramble = false)
    {
        var objects = Encoding.ASCII.GetBytes("3 0 " + object3);
        using var compressed = new MemoryStream();
        using (Stream z = zlib ? new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true) : new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(objects);
        }

        var data = compressed.ToArray();
        if (scramble)
        {
            // As an encrypted file's object stream looks to a reader without the key.
            for (var i = 0; i < data.Length; i++)
            {
                data[i] ^= (byte)(0x5A + i);
            }
        }

        using var pdf = new MemoryStream();
        pdf.Write(Encoding.Latin1.GetBytes("%PDF-1.5\n%\u00e2\u00e3\u00cf\u00d3\n" + Catalog + $"\n4 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {data.Length} >>\nstream\n"));
        pdf.Write(data);
        pdf.Write(Encoding.ASCII.GetBytes("\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"));
        return pdf.ToArray();
    }
}
