using System.Buffers.Binary;
using PdfSharp.Fonts;

namespace QualityAward.Functions.Review;

/// <summary>
/// The certificate's typeface: LXGW WenKai Regular (霞鹜文楷, SIL Open Font License 1.1), a
/// TrueType font with glyf outlines, shipped inside this assembly so the app needs no installed
/// font in Azure. PDFsharp embeds a subset of it (only the glyphs a certificate uses) in every
/// PDF. Why this font and not another: docs/decisions/0014-certificates-font-numbers-and-public-check.md.
/// </summary>
public sealed class CertificateFont : IFontResolver
{
    /// <summary>The family name certificates ask PDFsharp for.</summary>
    public const string Family = "QualityAward Certificate";

    private const string FaceName = "LXGWWenKai-Regular";
    private const string ResourceName = "QualityAward.Functions.Review.Fonts.LXGWWenKai-Regular.ttf";

    private static readonly Lazy<byte[]> Bytes = new(Load);
    private static readonly Lazy<IReadOnlySet<int>> Characters = new(() => CharacterMap(Bytes.Value));
    private static readonly Lock Gate = new();

    private CertificateFont()
    {
    }

    /// <summary>PDFsharp wants one resolver instance for the whole process, set before any font is used.</summary>
    public static CertificateFont Instance { get; } = new();

    /// <summary>Register the resolver with PDFsharp (once; later calls find it registered).</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (!ReferenceEquals(GlobalFontSettings.FontResolver, Instance))
            {
                GlobalFontSettings.FontResolver = Instance;
            }
        }
    }

    /// <summary>The characters of a text the font has no glyph for (each once, in order).</summary>
    public static IReadOnlyList<string> Missing(string text)
    {
        var missing = new List<string>();
        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
        {
            var code = char.ConvertToUtf32(text, i);
            var ch = char.ConvertFromUtf32(code);
            if (!char.IsWhiteSpace(text, i) && !Characters.Value.Contains(code) && !missing.Contains(ch))
            {
                missing.Add(ch);
            }
        }

        return missing;
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool isBold, bool isItalic) =>
        string.Equals(familyName, Family, StringComparison.Ordinal)
            ? new FontResolverInfo(FaceName, isBold, isItalic)
            : null;

    public byte[]? GetFont(string faceName) =>
        string.Equals(faceName, FaceName, StringComparison.Ordinal) ? Bytes.Value : null;

    private static byte[] Load()
    {
        using var stream = typeof(CertificateFont).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The certificate font {ResourceName} is not in the assembly: the build lost it.");
        using var copy = new MemoryStream((int)stream.Length);
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// The Unicode characters of the font's cmap (the Windows Unicode subtables, formats 4 and 12),
    /// to tell before drawing whether every character of a holder's name can be printed.
    /// </summary>
    internal static IReadOnlySet<int> CharacterMap(byte[] font)
    {
        ReadOnlySpan<byte> f = font;
        int numTables = BinaryPrimitives.ReadUInt16BigEndian(f[4..]);
        var cmap = -1;
        for (var i = 0; i < numTables; i++)
        {
            var record = f[(12 + (16 * i))..];
            if (record[..4].SequenceEqual("cmap"u8))
            {
                cmap = (int)BinaryPrimitives.ReadUInt32BigEndian(record[8..]);
            }
        }

        if (cmap < 0)
        {
            throw new InvalidOperationException("The certificate font has no cmap table.");
        }

        var characters = new HashSet<int>();
        int subtables = BinaryPrimitives.ReadUInt16BigEndian(f[(cmap + 2)..]);
        for (var i = 0; i < subtables; i++)
        {
            var entry = f[(cmap + 4 + (8 * i))..];
            int platform = BinaryPrimitives.ReadUInt16BigEndian(entry);
            int encoding = BinaryPrimitives.ReadUInt16BigEndian(entry[2..]);
            if (platform != 3 || encoding is not (1 or 10))
            {
                continue;
            }

            var table = cmap + (int)BinaryPrimitives.ReadUInt32BigEndian(entry[4..]);
            int format = BinaryPrimitives.ReadUInt16BigEndian(f[table..]);
            if (format == 4)
            {
                int segments = BinaryPrimitives.ReadUInt16BigEndian(f[(table + 6)..]) / 2;
                var ends = table + 14;
                var starts = ends + (2 * segments) + 2;
                var deltas = starts + (2 * segments);
                var offsets = deltas + (2 * segments);
                for (var s = 0; s < segments; s++)
                {
                    int end = BinaryPrimitives.ReadUInt16BigEndian(f[(ends + (2 * s))..]);
                    int start = BinaryPrimitives.ReadUInt16BigEndian(f[(starts + (2 * s))..]);
                    int delta = BinaryPrimitives.ReadUInt16BigEndian(f[(deltas + (2 * s))..]);
                    int rangeOffset = BinaryPrimitives.ReadUInt16BigEndian(f[(offsets + (2 * s))..]);
                    for (var c = start; c <= end && c != 0xFFFF; c++)
                    {
                        var glyph = rangeOffset == 0
                            ? (c + delta) & 0xFFFF
                            : BinaryPrimitives.ReadUInt16BigEndian(f[(offsets + (2 * s) + rangeOffset + (2 * (c - start)))..]) is var g and not 0 ? (g + delta) & 0xFFFF : 0;
                        if (glyph != 0)
                        {
                            characters.Add(c);
                        }
                    }
                }
            }
            else if (format == 12)
            {
                var groups = (int)BinaryPrimitives.ReadUInt32BigEndian(f[(table + 12)..]);
                for (var g = 0; g < groups; g++)
                {
                    var group = f[(table + 16 + (12 * g))..];
                    var start = (int)BinaryPrimitives.ReadUInt32BigEndian(group);
                    var end = (int)BinaryPrimitives.ReadUInt32BigEndian(group[4..]);
                    var glyph = (int)BinaryPrimitives.ReadUInt32BigEndian(group[8..]);
                    for (var c = start; c <= end; c++)
                    {
                        if (glyph + (c - start) != 0)
                        {
                            characters.Add(c);
                        }
                    }
                }
            }
        }

        return characters;
    }
}
