namespace QualityAward.Domain.Applications;

/// <summary>
/// A check of a file's content as it streams past, chunk by chunk, never holding the file whole:
/// <see cref="Feed"/> each chunk in order, then <see cref="Complete"/> once the end is reached. The
/// first refusal is final; feeding more after it changes nothing.
/// </summary>
public interface IContentCheck
{
    /// <summary>Look at the next bytes; a refusal as soon as the content is known to be unacceptable.</summary>
    Refusal? Feed(ReadOnlySpan<byte> chunk);

    /// <summary>The content ended: the last word.</summary>
    Refusal? Complete();
}

/// <summary>
/// What staff may safely open on their desktops. The type comes from the first bytes
/// (<see cref="FileTypes.Sniff"/>); these checks look further, while the file streams in:
/// a PDF must carry no active content (JavaScript, launch actions, embedded files, additional
/// actions, rich media — also inside compressed object streams) and must not start as an HTML
/// page (a PDF/HTML polyglot); a DOCX or XLSX must carry no macros (VBA projects, Excel 4.0 macro
/// sheets, ActiveX controls), no entry whose name climbs out of its folder or is absolute, and must
/// not declare more than <see cref="ZipContentCheck.MaxUnpackedBytes"/> unpacked (a ZIP bomb) —
/// judged from its central directory, never decompressed.
/// </summary>
public static class ContentChecks
{
    /// <summary>The check for content of <paramref name="signature"/>, or null when the type needs none (images).</summary>
    public static IContentCheck? For(FileSignature signature, IReadOnlyCollection<FileType> allowed) => signature switch
    {
        FileSignature.Pdf => new PdfContentCheck(),
        FileSignature.Zip => new ZipContentCheck(allowed),
        _ => null,
    };

    internal static Refusal PdfActive(string what, string name) => Refusal.Invalid(
        "document.pdf-active-content",
        $"PDF文件含有可执行的活动内容（{what}，/{name}），为保护审阅人员的电脑不予接收。请将文件“打印”为PDF或另存为不含脚本、附件和自动动作的PDF后重新上传。",
        $"The PDF carries active content ({name}); it is refused to protect the staff who open it. Print it to PDF, or save it without scripts, attachments and automatic actions, and upload it again.",
        "body");

    internal static Refusal PdfUninspectable(string why) => Refusal.Invalid(
        "document.pdf-uninspectable",
        $"PDF文件的部分内容无法检查（{why}），不予接收。请将文件“打印”为PDF或另存为普通PDF后重新上传。",
        $"Part of the PDF cannot be inspected ({why}); it is refused. Print it to PDF or save it as a plain PDF and upload it again.",
        "body");

    internal static Refusal Polyglot(string marker) => Refusal.Invalid(
        "document.polyglot",
        $"文件以PDF开头，却在开头部分含有网页标记（{marker}），可被浏览器当作网页打开，不予接收。",
        $"The file starts as a PDF but carries web-page markup ({marker}) near its start, so a browser could open it as a page: refused.",
        "body");

    internal static Refusal OfficeMacros(string entry) => Refusal.Invalid(
        "document.office-macros",
        $"Office文件含有宏或控件（{entry}），为保护审阅人员的电脑不予接收。请另存为不含宏的.docx或.xlsx后重新上传。",
        $"The Office file carries macros or controls ({entry}); it is refused to protect the staff who open it. Save it as a .docx or .xlsx without macros and upload it again.",
        "body");

    internal static Refusal ZipEntryName(string entry) => Refusal.Invalid(
        "document.zip-entry-name",
        $"Office文件内部含有不安全的文件名（{entry}）：绝对路径、“..”、反斜杠、盘符、控制字符或重复的名称。不予接收。",
        $"The Office file holds an unsafe entry name ({entry}): absolute, '..', a backslash, a drive, control characters or a duplicate. Refused.",
        "body");

    internal static Refusal ZipUnpackedTooLarge(long declared) => Refusal.Invalid(
        "document.zip-unpacked-too-large",
        $"Office文件声明的解压后大小为{declared / (1024 * 1024)} MB，超过{ZipContentCheck.MaxUnpackedBytes / (1024 * 1024)} MB的上限（疑为压缩炸弹），不予接收。",
        $"The Office file declares {declared / (1024 * 1024)} MiB unpacked, over the limit of {ZipContentCheck.MaxUnpackedBytes / (1024 * 1024)} MiB (a ZIP bomb?): refused.",
        "body");

    /// <summary>A printable form of an entry name or marker for a message: ASCII controls shown as escapes, at most 80 characters.</summary>
    internal static string Shown(ReadOnlySpan<byte> bytes)
    {
        var text = System.Text.Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 80)]);
        return string.Concat(text.Select(c => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format ? $"\\u{(int)c:x4}" : c.ToString()));
    }
}
