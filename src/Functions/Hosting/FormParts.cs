namespace QualityAward.Functions.Hosting;

/// <summary>
/// Limits for reading multipart forms section by section. Files stream and are counted against
/// Documents:MaxBytes; text fields are read only up to a length, and a form has at most so many
/// parts, so no form can make the server hold an unbounded amount of text.
/// </summary>
public static class FormParts
{
    /// <summary>The most parts any form of the app has is a department's answer: three per applicant.</summary>
    public const int MaxParts = 600;

    /// <summary>Longest text field (an objection or a department's details: 5,000 characters, with room for encoding).</summary>
    public const int MaxFieldChars = 12_000;

    /// <summary>The field's text, or null if it is longer than <paramref name="maxChars"/> (the rest is not read).</summary>
    public static async Task<string?> ReadFieldAsync(Stream body, int maxChars, CancellationToken ct)
    {
        using var reader = new StreamReader(body);
        var buffer = new char[maxChars + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await reader.ReadAsync(buffer.AsMemory(total), ct)) > 0)
        {
            total += read;
        }

        return total > maxChars ? null : new string(buffer, 0, total);
    }
}
