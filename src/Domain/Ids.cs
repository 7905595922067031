using System.Text.RegularExpressions;

namespace QualityAward.Domain;

/// <summary>Shared validation for the string ids used as storage keys.</summary>
internal static partial class IdRules
{
    // Lowercase letters, digits and hyphens: safe as a table partition key, a blob path part and
    // a URL segment, and readable in logs.
    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    public static partial Regex Slug();

    public static Outcome<string> Check(string? value, string what, string zhWhat)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Refusal.Invalid($"{what}.missing", $"缺少{zhWhat}。", $"The {what} is missing.", what);
        }

        return Slug().IsMatch(value)
            ? value
            : Refusal.Invalid(
                $"{what}.malformed",
                $"{zhWhat}“{Truncate(value)}”格式不正确：只能包含小写字母、数字和连字符，长度1至64。",
                $"The {what} '{Truncate(value)}' is malformed: use lowercase letters, digits and hyphens, 1 to 64 characters.",
                what);
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}

/// <summary>One edition (一届) of a city's award, e.g. <c>weihai-2026</c>.</summary>
public readonly record struct CycleId
{
    private CycleId(string value) => Value = value;

    public string Value { get; }

    public static Outcome<CycleId> Parse(string? value)
    {
        var checkedValue = IdRules.Check(value, "cycleId", "评选周期编号");
        return checkedValue.IsOk ? new CycleId(checkedValue.Value) : checkedValue.Refusal!;
    }

    /// <summary>The conventional id of a city's edition opened in a year.</summary>
    public static CycleId For(string policyId, int year) => Parse($"{policyId}-{year}").Value;

    public string StreamId => $"cycle-{Value}";

    public override string ToString() => Value;
}

/// <summary>An application (申报), e.g. <c>app-5d1c…</c>.</summary>
public readonly record struct ApplicationId
{
    private ApplicationId(string value) => Value = value;

    public string Value { get; }

    public static Outcome<ApplicationId> Parse(string? value)
    {
        var checkedValue = IdRules.Check(value, "applicationId", "申报编号");
        if (!checkedValue.IsOk)
        {
            return checkedValue.Refusal!;
        }

        return checkedValue.Value.StartsWith("app-", StringComparison.Ordinal)
            ? new ApplicationId(checkedValue.Value)
            : Refusal.Invalid("applicationId.malformed", "申报编号应以“app-”开头。", "An application id starts with 'app-'.", "applicationId");
    }

    public static ApplicationId New(Guid guid) => new($"app-{guid:N}");

    public string StreamId => $"application-{Value}";

    public override string ToString() => Value;
}

/// <summary>A public notice (公示), e.g. <c>notice-weihai-2026-acceptance</c>.</summary>
public readonly record struct NoticeId
{
    private NoticeId(string value) => Value = value;

    public string Value { get; }

    public static Outcome<NoticeId> Parse(string? value)
    {
        var checkedValue = IdRules.Check(value, "noticeId", "公示编号");
        return checkedValue.IsOk ? new NoticeId(checkedValue.Value) : checkedValue.Refusal!;
    }

    public static NoticeId For(CycleId cycle, NoticeList list, int round = 1) =>
        Parse(round == 1 ? $"{cycle.Value}-{list.Slug()}" : $"{cycle.Value}-{list.Slug()}-{round}").Value;

    public string StreamId => $"notice-{Value}";

    public override string ToString() => Value;
}

/// <summary>The roles people act in. A token carries one or more; a command is done in one.</summary>
public static class Roles
{
    public const string Applicant = "applicant";
    public const string Recommender = "recommender";
    public const string Office = "office";
    public const string Reviewer = "reviewer";
    public const string Committee = "committee";
    public const string Supervisor = "supervisor";

    /// <summary>The workflow itself (reactions, timers), never a person.</summary>
    public const string System = "system";

    public static IReadOnlyList<string> People { get; } = [Applicant, Recommender, Office, Reviewer, Committee, Supervisor];
}

/// <summary>
/// Who did something: the subject of a token and the role it acted in. <see cref="Affiliation"/>
/// is the body a recommender speaks for (a district or department id).
/// </summary>
public sealed record Actor(string Subject, string Role, string? DisplayName = null, string? Affiliation = null)
{
    public static Actor System { get; } = new("system", Roles.System, "系统");

    public override string ToString() => $"{Role}:{Subject}";
}
