using System.ComponentModel.DataAnnotations;
using System.Net.Mail;
using System.Text;
using QualityAward.Domain.Policies;

namespace QualityAward.Functions.Consultations;

/// <summary>A department's mail address and the name mails address it by.</summary>
public sealed class DepartmentContact
{
    public string? Email { get; set; }

    /// <summary>e.g. 国家税务总局常德市税务局; the policy's generic name when empty.</summary>
    public string? Name { get; set; }
}

/// <summary>
/// Department consultations by mail: the departments' addresses, the mailbox that sends, where the
/// reply links point, and the key that signs them. Validated at start-up whenever the section is
/// present; without it the app runs and refuses to open a round, saying what is missing.
/// </summary>
public sealed class ConsultationOptions : IValidatableObject
{
    public const string Section = "Consultations";

    /// <summary>Keyed by the <see cref="Department"/> name, e.g. <c>Tax</c>, <c>EcologyEnvironment</c>.</summary>
    public Dictionary<string, DepartmentContact> Departments { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The sending mailbox (UPN) granted the Graph application permission Mail.Send.</summary>
    public string? Mailbox { get; set; }

    /// <summary>The app's public address the reply links start with, e.g. https://award.example.gov.cn.</summary>
    public Uri? ReplyBaseUrl { get; set; }

    /// <summary>HMAC-SHA256 key for reply links, at least 32 bytes. In Azure a Key Vault reference in app settings.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The office's address: overdue departments are reported here.</summary>
    public string? OfficeEmail { get; set; }

    /// <summary>Working days before the reply deadline that the reminder goes out.</summary>
    [Range(0, 20)]
    public int ReminderWorkingDays { get; set; } = 1;

    /// <summary>How long after the end of the reply deadline day a link still works (late answers).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "60.00:00:00")]
    public TimeSpan LinkGrace { get; set; } = TimeSpan.FromDays(10);

    /// <summary>
    /// How long the round's orchestration waits before sending a mail again when Graph failed
    /// without a Retry-After (5xx, no token, unreachable); doubled each attempt, at most an hour.
    /// A throttled send (429) waits what Graph's Retry-After says.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MailRetryInterval { get; set; } = TimeSpan.FromMinutes(1);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Mailbox) && ReplyBaseUrl is not null && !string.IsNullOrWhiteSpace(SigningKey);

    public DepartmentContact? Contact(Department department) =>
        Departments.TryGetValue(department.ToString(), out var c) && !string.IsNullOrWhiteSpace(c.Email) ? c : null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsEmail(Mailbox))
        {
            yield return new ValidationResult("Consultations:Mailbox must be the sending mailbox's address (UPN), e.g. award-office@example.gov.cn.", [nameof(Mailbox)]);
        }

        if (ReplyBaseUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && !url.IsLoopback) || url.Query.Length > 0)
        {
            yield return new ValidationResult("Consultations:ReplyBaseUrl must be the app's public https address, e.g. https://award.example.gov.cn.", [nameof(ReplyBaseUrl)]);
        }

        if (string.IsNullOrWhiteSpace(SigningKey) || Encoding.UTF8.GetByteCount(SigningKey) < 32)
        {
            yield return new ValidationResult("Consultations:SigningKey must be at least 32 bytes (in Azure, a Key Vault reference).", [nameof(SigningKey)]);
        }

        if (!IsEmail(OfficeEmail))
        {
            yield return new ValidationResult("Consultations:OfficeEmail must be the office's mail address: overdue departments are reported there.", [nameof(OfficeEmail)]);
        }

        if (Departments.Count == 0)
        {
            yield return new ValidationResult("Consultations:Departments must give each consulted department's Email (e.g. Consultations:Departments:Tax:Email).", [nameof(Departments)]);
        }

        foreach (var (key, contact) in Departments)
        {
            if (!Enum.TryParse<Department>(key, ignoreCase: true, out var d) || !Enum.IsDefined(d) || key.All(char.IsDigit))
            {
                yield return new ValidationResult($"Consultations:Departments:{key} is not a department ({string.Join(", ", Enum.GetNames<Department>())}).", [nameof(Departments)]);
            }
            else if (!IsEmail(contact.Email))
            {
                yield return new ValidationResult($"Consultations:Departments:{key}:Email is not a mail address.", [nameof(Departments)]);
            }
        }
    }

    private static bool IsEmail(string? text) =>
        !string.IsNullOrWhiteSpace(text) && MailAddress.TryCreate(text, out var address) && address.Address == text.Trim();
}
