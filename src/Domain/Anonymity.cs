namespace QualityAward.Domain;

/// <summary>
/// Anonymous means anonymous: an anonymous objection or report (举报) stores nothing that
/// identifies the person. One who asks for anonymity and still sends a name or a contact is
/// refused — not silently stripped — so they learn that what they sent was not kept and can
/// choose: leave it out, or file under their real name.
/// </summary>
public static class Anonymity
{
    /// <summary>Whether an anonymous filing carries a name or a contact (blanks count as absent).</summary>
    public static bool Identifies(string? name, string? contact) =>
        !string.IsNullOrWhiteSpace(name) || !string.IsNullOrWhiteSpace(contact);

    /// <summary>The refusal, <c>{kind}.anonymous-identified</c>, naming the field that identifies.</summary>
    public static Refusal Refused(string kind, string zhWhat, string enWhat, string? name) => Refusal.Invalid(
        $"{kind}.anonymous-identified",
        $"匿名{zhWhat}时不能填写姓名或联系方式：匿名即不保存任何能识别您身份的信息。请清空姓名和联系方式，或选择实名{zhWhat}。",
        $"An anonymous {enWhat} carries no name or contact: anonymous means nothing that identifies you is stored. Leave name and contact empty, or file it under your real name.",
        string.IsNullOrWhiteSpace(name) ? "contact" : "name");
}
