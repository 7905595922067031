using System.Diagnostics;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace QualityAward.Functions.Tests.Infrastructure;

/// <summary>
/// Reads a PDF the way a person's tools do, with Debian's poppler-utils (pdftotext, pdffonts,
/// pdftoppm; scripts/test.sh installs them): its text, its fonts, its first page as pixels, and a
/// QR code found in those pixels (ZXing).
/// </summary>
public static class Poppler
{
    public static async Task<string> TextAsync(byte[] pdf) => await RunAsync("pdftotext", pdf, "-enc UTF-8 {0} -");

    /// <summary>pdffonts' table: name, type, encoding, emb, sub, uni, object.</summary>
    public static async Task<string> FontsAsync(byte[] pdf) => await RunAsync("pdffonts", pdf, "{0}");

    /// <summary>The first page rendered at <paramref name="dpi"/> in grey, as (width, height, one byte per pixel).</summary>
    public static async Task<(int Width, int Height, byte[] Pixels)> GreyPageAsync(byte[] pdf, int dpi)
    {
        var dir = Directory.CreateTempSubdirectory("qa-pdf-");
        try
        {
            var input = Path.Combine(dir.FullName, "in.pdf");
            await File.WriteAllBytesAsync(input, pdf);
            await ExecAsync("pdftoppm", $"-gray -r {dpi} -f 1 -l 1 -singlefile {input} {Path.Combine(dir.FullName, "page")}");
            return ReadPgm(await File.ReadAllBytesAsync(Path.Combine(dir.FullName, "page.pgm")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>The text of the QR code on the first page, or null if none is found.</summary>
    public static async Task<string?> QrCodeAsync(byte[] pdf, int dpi = 200)
    {
        var (width, height, pixels) = await GreyPageAsync(pdf, dpi);
        var source = new RGBLuminanceSource(pixels, width, height, RGBLuminanceSource.BitmapFormat.Gray8);
        var result = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)), new Dictionary<DecodeHintType, object> { [DecodeHintType.TRY_HARDER] = true });
        return result?.Text;
    }

    private static async Task<string> RunAsync(string tool, byte[] pdf, string arguments)
    {
        var path = Path.Combine(Path.GetTempPath(), $"qa-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try
        {
            return await ExecAsync(tool, string.Format(System.Globalization.CultureInfo.InvariantCulture, arguments, path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<string> ExecAsync(string tool, string arguments)
    {
        var start = new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["LANG"] = "C.UTF-8";
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{tool} is not installed: `apt-get install -y poppler-utils` (scripts/test.sh does it).", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{tool} {arguments} exited with {process.ExitCode}: {await error}");
            }

            return await output;
        }
    }

    /// <summary>A binary PGM (P5, maxval 255): header of four tokens, then one byte per pixel.</summary>
    private static (int, int, byte[]) ReadPgm(byte[] pgm)
    {
        var tokens = new List<string>();
        var i = 0;
        while (tokens.Count < 4)
        {
            while (char.IsWhiteSpace((char)pgm[i]))
            {
                i++;
            }

            var start = i;
            while (!char.IsWhiteSpace((char)pgm[i]))
            {
                i++;
            }

            tokens.Add(System.Text.Encoding.ASCII.GetString(pgm, start, i - start));
        }

        if (tokens[0] != "P5" || tokens[3] != "255")
        {
            throw new InvalidOperationException($"pdftoppm wrote {tokens[0]} with maxval {tokens[3]}, not an 8-bit P5 grey map.");
        }

        int width = int.Parse(tokens[1], System.Globalization.CultureInfo.InvariantCulture), height = int.Parse(tokens[2], System.Globalization.CultureInfo.InvariantCulture);
        return (width, height, pgm[(i + 1)..(i + 1 + (width * height))]);
    }
}
