namespace QualityAward.Domain.Applications;

/// <summary>What the first bytes of a file say it is.</summary>
public enum FileSignature
{
    Unknown,
    Pdf,
    Png,
    Jpeg,

    /// <summary>A ZIP container: DOCX and XLSX are both; which one (if either) shows in its entry names.</summary>
    Zip,
}

/// <summary>A type of file an application may carry.</summary>
/// <param name="Id">The id used in configuration (<c>Documents:AllowedTypes</c>).</param>
/// <param name="RequiredEntries">For ZIP-based types, the entries the container must hold.</param>
public sealed record FileType(string Id, FileSignature Signature, string Extension, string ContentType, string DisplayName, IReadOnlyList<string> RequiredEntries);

/// <summary>
/// The file types known to the award, recognised by content, never by name or declared type:
/// a file named ".pdf" that does not start with "%PDF-" is not a PDF.
/// </summary>
public static class FileTypes
{
    /// <summary>How many leading bytes <see cref="Sniff"/> needs to decide.</summary>
    public const int SignatureLength = 8;

    public static readonly FileType Pdf = new("pdf", FileSignature.Pdf, ".pdf", "application/pdf", "PDF", []);

    public static readonly FileType Png = new("png", FileSignature.Png, ".png", "image/png", "PNG", []);

    public static readonly FileType Jpeg = new("jpeg", FileSignature.Jpeg, ".jpg", "image/jpeg", "JPEG", []);

    public static readonly FileType Docx = new(
        "docx", FileSignature.Zip, ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word（.docx）", ["[Content_Types].xml", "word/document.xml"]);

    public static readonly FileType Xlsx = new(
        "xlsx", FileSignature.Zip, ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel（.xlsx）", ["[Content_Types].xml", "xl/workbook.xml"]);

    public static IReadOnlyList<FileType> All { get; } = [Pdf, Png, Jpeg, Docx, Xlsx];

    public static FileType? Find(string id) => All.FirstOrDefault(t => string.Equals(t.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The signature of content that starts with <paramref name="head"/> (the first <see cref="SignatureLength"/> bytes, or all of a shorter file).</summary>
    public static FileSignature Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("%PDF-"u8))
        {
            return FileSignature.Pdf;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return FileSignature.Png;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return FileSignature.Jpeg;
        }

        return head.StartsWith("PK\u0003\u0004"u8) ? FileSignature.Zip : FileSignature.Unknown;
    }

    /// <summary>
    /// Of the <paramref name="allowed"/> ZIP-based types, the one whose required entries are all in
    /// the container (entry names as the ZIP's central directory lists them); null if none is.
    /// </summary>
    public static FileType? FromZipEntries(IEnumerable<string> entryNames, IEnumerable<FileType> allowed)
    {
        var names = new HashSet<string>(entryNames, StringComparer.Ordinal);
        return allowed.FirstOrDefault(t => t.Signature == FileSignature.Zip && t.RequiredEntries.All(names.Contains));
    }

    /// <summary>"PDF、PNG、…": the types in a sentence.</summary>
    public static string ListZh(IEnumerable<FileType> types) => string.Join("、", types.Select(t => t.DisplayName));

    public static string ListEn(IEnumerable<FileType> types) => string.Join(", ", types.Select(t => t.DisplayName.Replace('（', ' ').Replace("）", string.Empty, StringComparison.Ordinal)));

    /// <summary>The refusal for content of a type that is not accepted.</summary>
    public static Refusal NotAllowed(IReadOnlyCollection<FileType> allowed) => Refusal.Invalid(
        "document.type-not-allowed",
        $"文件类型不符合要求：只接受{ListZh(allowed)}文件（按文件内容识别，与文件名无关）。",
        $"This type of file is not accepted: only {ListEn(allowed)} (recognised by content, not by name).",
        "body");
}
