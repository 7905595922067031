using System.Buffers;
using System.Globalization;
using System.Text;

namespace QualityAward.Domain.Applications;

/// <summary>
/// Turns the name a browser sent with an upload into one that is safe to offer back in a
/// download: no path, nothing invisible that could disguise the type (a right-to-left override
/// makes "report‮fdp.exe" look like "reportexe.pdf"), no characters that file systems refuse,
/// at most <see cref="MaxLength"/> characters, never empty, and the extension of the type the
/// content was found to be, whatever the name claimed. The original name is kept separately, for
/// people; this one is the only one ever used as a file name.
/// </summary>
public static class FileNames
{
    public const int MaxLength = 100;

    /// <summary>The base name used when nothing usable is left of the original.</summary>
    public const string Fallback = "file";

    private const int MaxExtensionLength = 10;

    // Characters Windows refuses in file names (browsers replace them anyway; we do it first so the
    // name in the audit trail is the name the person gets).
    private static readonly SearchValues<char> Refused = SearchValues.Create("<>:\"|?*");

    private static readonly SearchValues<char> AsciiLettersAndDigits =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

    private static readonly HashSet<string> DeviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL",
        "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    /// <summary>
    /// The safe name for a file whose content is of the type with <paramref name="extension"/>
    /// (".pdf", ".docx", …): the last path part of <paramref name="original"/>, cleaned, with its
    /// own extension (if it has one) replaced.
    /// </summary>
    public static string Neutralise(string? original, string extension)
    {
        if (extension.Length is < 2 or > MaxExtensionLength + 1 || extension[0] != '.' || !extension.Skip(1).All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"'{extension}' is not an extension like '.pdf'.", nameof(extension));
        }

        var name = Clean(LastPathPart(original ?? string.Empty));
        var stem = TrimDotsAndSpaces(StripExtension(name));
        if (stem.Length == 0)
        {
            stem = Fallback;
        }

        if (DeviceNames.Contains(stem.Split('.')[0].TrimEnd()))
        {
            stem = "_" + stem;
        }

        stem = TrimDotsAndSpaces(Truncate(stem, MaxLength - extension.Length));
        return (stem.Length == 0 ? Fallback : stem) + extension.ToLowerInvariant();
    }

    /// <summary>Is this character one that is dropped from names: a control, or an invisible format or direction mark?</summary>
    public static bool IsInvisible(Rune rune) =>
        Rune.IsControl(rune)
        || rune.Value is 0x200E or 0x200F or 0x061C or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069)
        || Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format
        || rune == Rune.ReplacementChar;

    private static string LastPathPart(string name)
    {
        var cut = name.LastIndexOfAny(['/', '\\']);
        return cut >= 0 ? name[(cut + 1)..] : name;
    }

    /// <summary>Drops invisible characters and lone surrogates, collapses whitespace to one space, replaces refused characters.</summary>
    private static string Clean(string name)
    {
        var builder = new StringBuilder(name.Length);
        var pendingSpace = false;
        foreach (var rune in name.Normalize(NormalizationForm.FormC).EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune))
            {
                pendingSpace = true;
                continue;
            }

            if (IsInvisible(rune))
            {
                continue;
            }

            if (pendingSpace && builder.Length > 0)
            {
                builder.Append(' ');
            }

            pendingSpace = false;
            if (rune.IsBmp && Refused.Contains((char)rune.Value))
            {
                builder.Append('_');
            }
            else
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.ToString();
    }

    /// <summary>Removes a trailing ".ext" when it looks like an extension (1–10 letters or digits); ".pdf" alone is all extension.</summary>
    private static string StripExtension(string name)
    {
        var dot = name.LastIndexOf('.');
        if (dot < 0)
        {
            return name;
        }

        var ext = name.AsSpan(dot + 1);
        var looksLikeExtension = ext.Length is >= 1 and <= MaxExtensionLength && !ext.ContainsAnyExcept(AsciiLettersAndDigits);
        return looksLikeExtension ? name[..dot] : name;
    }

    private static string TrimDotsAndSpaces(string name) => name.Trim('.', ' ');

    /// <summary>At most <paramref name="max"/> UTF-16 units, never cutting a character in two.</summary>
    private static string Truncate(string name, int max)
    {
        if (name.Length <= max)
        {
            return name;
        }

        var length = 0;
        foreach (var rune in name.EnumerateRunes())
        {
            if (length + rune.Utf16SequenceLength > max)
            {
                break;
            }

            length += rune.Utf16SequenceLength;
        }

        return name[..length];
    }
}
