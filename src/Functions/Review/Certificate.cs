using System.Collections;
using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using QRCoder;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Policies;

namespace QualityAward.Functions.Review;

/// <summary>
/// What one certificate says: the holder, what it won (the award as the regulation names it), the
/// year, the issuing body and date, the validity where the policy limits it, the number the
/// announcement gave and the address of its public check.
/// </summary>
public sealed record CertificateSheet(
    string Holder,
    ApplicantCategory Category,
    string AwardTitle,
    int Year,
    string IssuedBy,
    DateOnly IssuedOn,
    DateOnly? ValidThrough,
    string? Number,
    string? VerificationCode,
    Uri? VerificationUrl)
{
    /// <summary>
    /// The sheet of an award, its QR code linking to <c>{publicBaseUrl}/verify/{code}</c>. Refused
    /// when the award has no number (announced before certificates were numbered) or when the font
    /// cannot print a character of it (a rare character outside the font would come out as a box).
    /// </summary>
    public static Outcome<CertificateSheet> For(AwardPolicy policy, ApplicationState app, ApplicationAwarded award, Uri publicBaseUrl)
    {
        if (award.CertificateNumber is null || award.VerificationCode is null)
        {
            return Refusal.Rule(
                "certificate.unnumbered",
                "该奖项公布时尚未编排证书编号，不能出具证书，请与评选办公室联系。",
                "The award was announced before certificates were numbered; no certificate can be issued.");
        }

        var sheet = Unlinked(policy, app, award) with { VerificationUrl = Certificate.VerificationUrl(publicBaseUrl, award.VerificationCode) };
        var missing = CertificateFont.Missing(string.Concat(sheet.Holder, sheet.AwardTitle, sheet.IssuedBy, sheet.Number));
        if (missing.Count > 0)
        {
            return Refusal.Rule(
                "certificate.glyph-missing",
                $"证书字体中没有“{string.Join("”“", missing)}”，证书无法正确印出，请与评选办公室联系。",
                $"The certificate font has no glyph for {string.Join(" ", missing)}; the certificate cannot be printed correctly.");
        }

        return sheet;
    }

    /// <summary>The sheet without the address of its check (no QR code).</summary>
    public static CertificateSheet Unlinked(AwardPolicy policy, ApplicationState app, ApplicationAwarded award) => new(
        app.Form.Name ?? app.ApplicationId,
        app.Category,
        // A schema-1 policy has no certificate rule: its award named as the register names it.
        policy.Certificate?.For(award.Tier)?.Title ?? policy.AwardName + (award.Tier == AwardTier.Nomination ? "提名奖" : string.Empty),
        award.Year,
        policy.Certificate?.IssuedBy ?? policy.City.Name + "人民政府",
        award.AwardedOn,
        // The validity ends before its anniversary (Benxi §4: 5 years); the last valid day is printed.
        policy.AfterAward.ValidityYears is { } years ? award.AwardedOn.AddYears(years).AddDays(-1) : null,
        award.CertificateNumber,
        award.VerificationCode,
        null);

    /// <summary>A rehearsal's certificate (演练): printed as a specimen that says it is not valid.</summary>
    public bool Rehearsal { get; init; }

    /// <summary>The sentences of the certificate's body, as printed.</summary>
    public IReadOnlyList<string> Body() =>
    [
        Category == ApplicantCategory.Individual
            ? $"你荣获{Year}年度{AwardTitle}。"
            : $"你单位荣获{Year}年度{AwardTitle}。",
        "特发此证，以资鼓励。",
        .. Rehearsal ? ["（演练样张：本证书用于培训演练，不具有效力。）"] : Array.Empty<string>(),
    ];

    /// <summary>How the holder is addressed on the first line.</summary>
    public string Salutation => Category == ApplicantCategory.Individual ? $"{Holder}同志：" : $"{Holder}：";
}

/// <summary>
/// A winner's certificate (荣誉证书) as a PDF made with PDFsharp: A4 landscape, every text in the
/// embedded certificate font (a subset of it, <see cref="CertificateFont"/>), the QR code drawn as
/// vector squares from QRCoder's module matrix.
/// </summary>
public static class Certificate
{
    private const double PageWidth = 842; // A4 landscape, points
    private const double PageHeight = 595;
    private const double Left = 110;
    private const double Right = PageWidth - 110;

    private static readonly XColor Red = XColor.FromArgb(0xA3, 0x1B, 0x1B);
    private static readonly XColor Ink = XColor.FromArgb(0x22, 0x22, 0x22);
    private static readonly XColor Grey = XColor.FromArgb(0x66, 0x66, 0x66);

    /// <summary>The public check of a certificate: <c>{publicBaseUrl}/verify/{code}</c>.</summary>
    public static Uri VerificationUrl(Uri publicBaseUrl, string code) =>
        new($"{publicBaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/')}/verify/{Uri.EscapeDataString(code)}");

    public static byte[] Render(CertificateSheet sheet)
    {
        CertificateFont.Register();
        using var document = new PdfDocument();
        document.Info.Title = sheet.Number is null ? $"{sheet.AwardTitle}证书" : $"{sheet.AwardTitle}证书 {sheet.Number}";
        document.Info.Author = sheet.IssuedBy;
        document.Info.Subject = sheet.Holder;
        document.Info.Creator = "QualityAward";
        var page = document.AddPage();
        page.Width = XUnit.FromPoint(PageWidth);
        page.Height = XUnit.FromPoint(PageHeight);
        using (var g = XGraphics.FromPdfPage(page))
        {
            Draw(g, sheet);
        }

        using var pdf = new MemoryStream();
        document.Save(pdf, closeStream: false);
        return pdf.ToArray();
    }

    private static XFont Font(double size, bool bold = false) =>
        new(CertificateFont.Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular, new XPdfFontOptions(PdfFontEncoding.Unicode));

    private static void Draw(XGraphics g, CertificateSheet sheet)
    {
        g.DrawRectangle(new XPen(Red, 4), 22, 22, PageWidth - 44, PageHeight - 44);
        g.DrawRectangle(new XPen(Red, 1), 32, 32, PageWidth - 64, PageHeight - 64);

        var ink = new XSolidBrush(Ink);
        g.DrawString("荣誉证书", Font(46, bold: true), new XSolidBrush(Red), new XPoint(PageWidth / 2, 118), XStringFormats.BaseLineCenter);

        // The holder, then the body indented by two characters, each wrapped within the margins.
        var y = 190.0;
        foreach (var line in Wrap(g, sheet.Salutation, Font(26), Right - Left))
        {
            g.DrawString(line, Font(26), ink, new XPoint(Left, y), XStringFormats.BaseLineLeft);
            y += 40;
        }

        y += 8;
        var body = Font(24);
        foreach (var sentence in sheet.Body())
        {
            var indent = 2 * g.MeasureString("国", body).Width;
            var first = true;
            foreach (var line in Wrap(g, sentence, body, Right - Left - indent, Right - Left))
            {
                g.DrawString(line, body, ink, new XPoint(first ? Left + indent : Left, y), XStringFormats.BaseLineLeft);
                first = false;
                y += 38;
            }
        }

        if (sheet.ValidThrough is { } through)
        {
            g.DrawString($"有效期：{Date(sheet.IssuedOn)}至{Date(through)}", Font(16), new XSolidBrush(Grey), new XPoint(Left + (2 * g.MeasureString("国", body).Width), y + 4), XStringFormats.BaseLineLeft);
        }

        // The issuing body and the date, right-aligned, with the place for its seal over them.
        var issuer = Font(22);
        var issuerWidth = g.MeasureString(sheet.IssuedBy, issuer).Width;
        g.DrawString(sheet.IssuedBy, issuer, ink, new XPoint(Right, 462), XStringFormats.BaseLineRight);
        g.DrawString(Date(sheet.IssuedOn), Font(20), ink, new XPoint(Right, 498), XStringFormats.BaseLineRight);
        var seal = new XPen(XColor.FromArgb(0xC8, 0x80, 0x80), 1) { DashStyle = XDashStyle.Dash };
        var centre = new XPoint(Right - (issuerWidth / 2), 466);
        g.DrawEllipse(seal, centre.X - 62, centre.Y - 62, 124, 124);

        // The number and the check: a QR code to the public verification page, where there is one.
        var small = Font(12);
        var grey = new XSolidBrush(Grey);
        var textLeft = 62.0;
        if (sheet.VerificationUrl is { } url)
        {
            DrawQr(g, url.AbsoluteUri, 56, 418, 96);
            textLeft = 162;
            g.DrawString("扫码查验证书", small, grey, new XPoint(textLeft, 498), XStringFormats.BaseLineLeft);
            g.DrawString(url.AbsoluteUri, Font(9), grey, new XPoint(textLeft, 514), XStringFormats.BaseLineLeft);
        }

        if (sheet.Number is not null)
        {
            g.DrawString($"证书编号：{sheet.Number}", Font(14), ink, new XPoint(textLeft, 446), XStringFormats.BaseLineLeft);
            g.DrawString($"验证码：{sheet.VerificationCode}", small, grey, new XPoint(textLeft, 470), XStringFormats.BaseLineLeft);
        }
    }

    /// <summary>The QR code as filled squares (one rectangle per run of dark modules), quiet zone included.</summary>
    private static void DrawQr(XGraphics g, string text, double x, double y, double size)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var rows = data.ModuleMatrix;
        var module = size / rows.Count;
        g.DrawRectangle(XBrushes.White, x, y, size, size);
        for (var r = 0; r < rows.Count; r++)
        {
            BitArray row = rows[r];
            var c = 0;
            while (c < row.Length)
            {
                if (!row[c])
                {
                    c++;
                    continue;
                }

                var start = c;
                while (c < row.Length && row[c])
                {
                    c++;
                }

                // A hair wider than the module, so neighbouring runs leave no seam when rasterised.
                g.DrawRectangle(XBrushes.Black, x + (start * module), y + (r * module), ((c - start) * module) + 0.05, module + 0.05);
            }
        }
    }

    /// <summary>Lines of at most the width, broken between characters (Chinese needs no spaces to break).</summary>
    private static IEnumerable<string> Wrap(XGraphics g, string text, XFont font, double firstWidth, double? restWidth = null)
    {
        var width = firstWidth;
        var line = new System.Text.StringBuilder();
        foreach (var element in Elements(text))
        {
            if (line.Length > 0 && g.MeasureString(line + element, font).Width > width)
            {
                yield return line.ToString();
                line.Clear();
                width = restWidth ?? firstWidth;
            }

            line.Append(element);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }

    private static IEnumerable<string> Elements(string text)
    {
        var e = StringInfo.GetTextElementEnumerator(text);
        while (e.MoveNext())
        {
            yield return e.GetTextElement();
        }
    }

    private static string Date(DateOnly d) => $"{d.Year}年{d.Month}月{d.Day}日";
}
