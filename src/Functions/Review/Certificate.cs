using System.Globalization;
using System.Text;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;

namespace QualityAward.Functions.Review;

/// <summary>
/// A winner's certificate as a minimal PDF 1.4 written by hand (no PDF package is available).
/// Chinese text uses the standard CID font approach: a Type0 font STSong-Light with the
/// predefined CMap UniGB-UCS2-H and the Adobe-GB1 character collection, so no font file is
/// embedded and every PDF reader with the Adobe Asian font pack (or its own CJK fallback) shows
/// it. Strings are UCS-2 big-endian hex; characters outside the BMP become '?'.
/// </summary>
public static class Certificate
{
    private const decimal PageWidth = 842; // A4 landscape, points
    private const decimal PageHeight = 595;

    public static byte[] Render(AwardPolicy policy, ApplicationState app, ApplicationAwarded award)
    {
        var tier = award.Tier == AwardTier.Recognition ? "认定" : EligibilityRules.TierZh(award.Tier);
        var lines = new List<(string Text, int Size)>
        {
            ("荣誉证书", 40),
            (app.Form.Name ?? app.ApplicationId, 28),
            ($"荣获{award.Year}年度{policy.AwardName}{(award.Tier == AwardTier.Award ? string.Empty : tier)}", 22),
            ($"奖励：{string.Join("、", award.Prizes)}" + (award.MoneyYuan > 0 ? $"，奖金{award.MoneyYuan.ToString(CultureInfo.InvariantCulture)}元" : string.Empty), 16),
            ($"{policy.Stage(StageKind.Approval)?.AnnouncedBy ?? policy.City.Name}　{award.AnnouncementReference}", 16),
            ($"{award.AwardedOn.Year}年{award.AwardedOn.Month}月{award.AwardedOn.Day}日", 16),
            ($"证书编号：{app.ApplicationId}", 10),
        };

        var content = new StringBuilder();
        content.Append("0.55 0.1 0.1 RG 4 w 30 30 782 535 re S\n");
        decimal y = 460;
        foreach (var (text, size) in lines)
        {
            var width = text.Length * (decimal)size; // every glyph is 1000 units wide (DW 1000)
            var x = Math.Max(40, (PageWidth - width) / 2);
            content.Append(CultureInfo.InvariantCulture, $"BT /F1 {size} Tf 1 0 0 1 {x:0.##} {y:0.##} Tm <{Hex(text)}> Tj ET\n");
            y -= size + 34;
        }

        var stream = Encoding.ASCII.GetBytes(content.ToString());
        var objects = new List<byte[]>
        {
            Ascii("<< /Type /Catalog /Pages 2 0 R >>"),
            Ascii("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
            Ascii($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PageWidth} {PageHeight}] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"),
            Concat(Ascii($"<< /Length {stream.Length} >>\nstream\n"), stream, Ascii("\nendstream")),
            Ascii("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>"),
            Ascii("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R /DW 1000 >>"),
            Ascii("<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"),
            Ascii($"<< /Title <{"FEFF" + Hex($"{policy.AwardName}证书")}> /Producer (QualityAward) >>"),
        };

        using var pdf = new MemoryStream();
        Write(pdf, "%PDF-1.4\n");
        pdf.Write([0x25, 0xE2, 0xE3, 0xCF, 0xD3, 0x0A]); // binary marker comment
        var offsets = new List<long>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(pdf.Position);
            Write(pdf, $"{i + 1} 0 obj\n");
            pdf.Write(objects[i]);
            Write(pdf, "\nendobj\n");
        }

        var xref = pdf.Position;
        var table = new StringBuilder();
        table.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            table.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        table.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R /Info {objects.Count} 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        Write(pdf, table.ToString());
        return pdf.ToArray();
    }

    /// <summary>UCS-2 big-endian code units in hex, as UniGB-UCS2-H reads them.</summary>
    public static string Hex(string text)
    {
        var hex = new StringBuilder(text.Length * 4);
        foreach (var c in text)
        {
            var unit = char.IsSurrogate(c) ? '?' : c;
            hex.Append(((int)unit).ToString("X4", CultureInfo.InvariantCulture));
        }

        return hex.ToString();
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    private static void Write(Stream s, string text) => s.Write(Encoding.ASCII.GetBytes(text));
}
