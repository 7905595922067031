using QualityAward.Domain.Applications;

namespace QualityAward.Domain.Tests.Applications;

public class FileTypesTests
{
    [Theory]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0x2E, 0x37 }, FileSignature.Pdf)] // %PDF-1.7
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, FileSignature.Png)]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46 }, FileSignature.Jpeg)]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00 }, FileSignature.Zip)]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46 }, FileSignature.Unknown)] // "%PDF" without the dash
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A }, FileSignature.Unknown)] // a PNG signature cut short
    [InlineData(new byte[] { 0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0 }, FileSignature.Unknown)] // an empty ZIP: no entries, no Office file
    [InlineData(new byte[] { 0x20, 0x25, 0x50, 0x44, 0x46, 0x2D }, FileSignature.Unknown)] // " %PDF-": not at the start
    [InlineData(new byte[] { 0x68, 0x65, 0x6C, 0x6C, 0x6F }, FileSignature.Unknown)] // "hello"
    [InlineData(new byte[0], FileSignature.Unknown)]
    public void Sniff_RecognisesTheTypeByItsFirstBytes(byte[] head, FileSignature expected)
    {
        Assert.Equal(expected, FileTypes.Sniff(head));
    }

    [Fact]
    public void FromZipEntries_TellsDocxFromXlsx_AndRefusesOtherZips()
    {
        Assert.Equal(FileTypes.Docx, FileTypes.FromZipEntries(["[Content_Types].xml", "_rels/.rels", "word/document.xml"], FileTypes.All));
        Assert.Equal(FileTypes.Xlsx, FileTypes.FromZipEntries(["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"], FileTypes.All));
        Assert.Null(FileTypes.FromZipEntries(["readme.txt", "word/notes.xml"], FileTypes.All));
        Assert.Null(FileTypes.FromZipEntries(["word/document.xml"], FileTypes.All)); // no [Content_Types].xml: not OOXML
        Assert.Null(FileTypes.FromZipEntries(["[Content_Types].xml", "word/document.xml"], [FileTypes.Pdf, FileTypes.Xlsx])); // DOCX not allowed
    }

    [Fact]
    public void NotAllowed_NamesTheAllowedTypesInChinese()
    {
        var refusal = FileTypes.NotAllowed([FileTypes.Pdf, FileTypes.Docx]);

        Assert.Equal("document.type-not-allowed", refusal.Code);
        Assert.Contains("PDF、Word（.docx）", refusal.Zh, StringComparison.Ordinal);
    }
}
