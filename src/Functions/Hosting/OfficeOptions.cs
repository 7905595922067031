using System.ComponentModel.DataAnnotations;
using System.Net.Mail;
using QualityAward.Domain.Policies;

namespace QualityAward.Functions.Hosting;

/// <summary>Where the public reaches an office: the objection channel a notice prints, the contact a mail signs with.</summary>
public sealed class OfficeContact
{
    /// <summary>Postal address, e.g. 威海市环翠区新威路17号 市市场监督管理局质量发展科.</summary>
    public string? Address { get; set; }

    /// <summary>e.g. 0631-5233001.</summary>
    public string? Telephone { get; set; }

    public string? Email { get; set; }
}

/// <summary>
/// <c>Offices:{policyId}:Address|Telephone|Email</c>: the office's contact for each policy the
/// deployment runs. The office's name comes from the policy (the regulation names it); its address,
/// telephone and mail do not: the regulations do not give them and they change without the
/// regulation changing, so they are settings. An entry given is validated at start-up; a notice
/// is not published for a policy without one (a 公示 must say where to object).
/// </summary>
public sealed class OfficeOptions : IValidatableObject
{
    public const string Section = "Offices";

    public Dictionary<string, OfficeContact> Contacts { get; set; } = new(StringComparer.Ordinal);

    public OfficeContact? For(string policyId) => Contacts.TryGetValue(policyId, out var c) ? c : null;

    /// <summary>The contact as one zh-CN line: 地址…；电话…；电子邮箱….</summary>
    public static string Line(OfficeContact c) => $"地址：{c.Address}；电话：{c.Telephone}；电子邮箱：{c.Email}";

    /// <summary>The office's name and contact for a policy, or null when either is missing.</summary>
    public (OfficeRule Office, OfficeContact Contact)? Of(AwardPolicy policy) =>
        policy.Office is { } office && For(policy.Id) is { } contact ? (office, contact) : null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (policyId, c) in Contacts)
        {
            if (string.IsNullOrWhiteSpace(c.Address) || c.Address.Length > 100)
            {
                yield return new ValidationResult($"Offices:{policyId}:Address must be the office's postal address (at most 100 characters): notices print it as where to object.", [nameof(Contacts)]);
            }

            if (string.IsNullOrWhiteSpace(c.Telephone) || c.Telephone.Length > 40)
            {
                yield return new ValidationResult($"Offices:{policyId}:Telephone must be the office's telephone (at most 40 characters).", [nameof(Contacts)]);
            }

            if (!MailAddress.TryCreate(c.Email, out var mail) || mail.Address != c.Email)
            {
                yield return new ValidationResult($"Offices:{policyId}:Email must be the office's mail address.", [nameof(Contacts)]);
            }
        }
    }
}
