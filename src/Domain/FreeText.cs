using System.Buffers;
using System.Globalization;
using System.Text;

namespace QualityAward.Domain;

/// <summary>
/// Free text people type — objections, reports, reasons, findings, opinions, summaries, notes,
/// names on forms — must say something a reader can see. Text made only of spaces, control
/// characters (NUL…), invisible formatting (zero-width spaces and joiners, direction overrides
/// such as U+202E, byte-order marks, tag characters), lone combining marks, unassigned or broken
/// (lone surrogate) code points and the blank-looking fillers (Hangul fillers, the blank Braille
/// pattern) is refused with one stable code, <see cref="Code"/>, wherever free text is taken.
/// Text that has at least one visible character is kept as given (trimmed as before).
/// </summary>
public static class FreeText
{
    /// <summary>The refusal code for text without a visible character.</summary>
    public const string Code = "text.no-visible-character";

    /// <summary>Code points that are letters or symbols by category but show nothing.</summary>
    private static readonly SearchValues<char> BlankLooking = SearchValues.Create("\u115F\u1160\u3164\uFFA0\u2800");

    /// <summary>Whether the text has at least one character a reader can see.</summary>
    public static bool HasVisibleCharacter(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) == OperationStatus.Done && IsVisible(rune))
            {
                return true;
            }

            rest = rest[used..];
        }

        return false;
    }

    /// <summary>
    /// The refusal for text that is given (not empty, not only spaces) but has no visible character;
    /// null otherwise. Whether the text is required at all is the caller's rule, with its own code.
    /// </summary>
    public static Refusal? Visible(string? text, string field) =>
        string.IsNullOrWhiteSpace(text) || HasVisibleCharacter(text) ? null : Refused(field);

    /// <summary>The refusal itself, for a caller that lists several problems at once.</summary>
    public static Refusal Refused(string field) => Refusal.Invalid(
        Code,
        "填写的内容没有任何可见的文字（只有空白、控制字符或零宽、方向控制等不可见字符），请填写实际内容。",
        "The text has no visible character (only spaces, control characters or invisible formatting such as zero-width or direction marks); write the actual content.",
        field);

    /// <summary>The same, as one problem among several (a form).</summary>
    public static FieldProblem Problem(string field)
    {
        var refusal = Refused(field);
        return new FieldProblem(field, refusal.Code, refusal.Zh, refusal.En);
    }

    private static bool IsVisible(Rune rune)
    {
        switch (Rune.GetUnicodeCategory(rune))
        {
            case UnicodeCategory.Control:
            case UnicodeCategory.Format:
            case UnicodeCategory.Surrogate:
            case UnicodeCategory.OtherNotAssigned:
            case UnicodeCategory.SpaceSeparator:
            case UnicodeCategory.LineSeparator:
            case UnicodeCategory.ParagraphSeparator:
            case UnicodeCategory.NonSpacingMark:
            case UnicodeCategory.SpacingCombiningMark:
            case UnicodeCategory.EnclosingMark:
                return false;
            default:
                return !rune.IsBmp || !BlankLooking.Contains((char)rune.Value);
        }
    }
}
