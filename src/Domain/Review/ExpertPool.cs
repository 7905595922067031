using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace QualityAward.Domain.Review;

/// <summary>An expert's particulars in the pool (评审员专家库). The expert id is the reviewer's sign-in subject.</summary>
public sealed record ExpertDetails(
    string Name,
    string Employer,
    string? EmployerCreditCode,
    string Field,
    IReadOnlyList<string> IndustryCodes,
    string Contact);

public interface IExpertEvent : IDomainEvent
{
    string ExpertId { get; }
}

[EventType("ExpertRegistered", 1)]
public sealed record ExpertRegistered(string ExpertId, ExpertDetails Details, DateTimeOffset At) : IExpertEvent;

[EventType("ExpertUpdated", 1)]
public sealed record ExpertUpdated(string ExpertId, ExpertDetails Details, DateTimeOffset At) : IExpertEvent;

[EventType("ExpertRemoved", 1)]
public sealed record ExpertRemoved(string ExpertId, string Reason, DateTimeOffset At) : IExpertEvent;

public interface IExpertCommand;

public sealed record RegisterExpert(string ExpertId, ExpertDetails Details) : IExpertCommand;

public sealed record UpdateExpert(string ExpertId, ExpertDetails Details) : IExpertCommand;

public sealed record RemoveExpert(string ExpertId, string Reason) : IExpertCommand;

public sealed record Expert(string ExpertId, ExpertDetails Details, bool Active);

/// <summary>The whole pool, one stream: a city's pool holds hundreds of experts, not millions.</summary>
public sealed record ExpertPoolState
{
    public static ExpertPoolState Initial { get; } = new();

    public const string StreamId = "expert-pool";

    public int Version { get; init; }

    public ImmutableDictionary<string, Expert> Experts { get; init; } = ImmutableDictionary<string, Expert>.Empty.WithComparers(StringComparer.Ordinal);

    public Expert? Active(string expertId) => Experts.TryGetValue(expertId, out var e) && e.Active ? e : null;

    public static ExpertPoolState Evolve(ExpertPoolState s, IExpertEvent e) => e switch
    {
        ExpertRegistered d => s with { Version = s.Version + 1, Experts = s.Experts.SetItem(d.ExpertId, new Expert(d.ExpertId, d.Details, true)) },
        ExpertUpdated d => s with { Version = s.Version + 1, Experts = s.Experts.SetItem(d.ExpertId, s.Experts[d.ExpertId] with { Details = d.Details }) },
        ExpertRemoved d => s with { Version = s.Version + 1, Experts = s.Experts.SetItem(d.ExpertId, s.Experts[d.ExpertId] with { Active = false }) },
        _ => throw new InvalidOperationException($"Unknown expert event {e.GetType().Name}"),
    };
}

/// <summary>The office keeps the pool. Experts are never deleted from the record: a removal keeps who scored what readable.</summary>
public static partial class ExpertPoolDecider
{
    public const int MaxText = 200;

    [GeneratedRegex("^[A-Z0-9]{1,10}$", RegexOptions.CultureInvariant)]
    private static partial Regex IndustryCode();

    public static Decision<IExpertEvent> Decide(IExpertCommand command, ExpertPoolState state, Actor actor, DateTimeOffset now)
    {
        if (actor.Role != Roles.Office)
        {
            return Refusal.Forbidden("expert.office-only", "只有评审办公室可以管理专家库。", "Only the award office manages the expert pool.");
        }

        switch (command)
        {
            case RegisterExpert c:
                if (IdRules.Check(c.ExpertId, "expertId", "专家编号") is { IsOk: false } bad)
                {
                    return bad.Refusal!;
                }

                if (state.Experts.TryGetValue(c.ExpertId, out var existing))
                {
                    return Same(existing.Details, Normalise(c.Details)) && existing.Active
                        ? Decision<IExpertEvent>.Nothing
                        : Refusal.Rule("expert.exists", $"专家编号“{c.ExpertId}”已被使用。", $"The expert id '{c.ExpertId}' is taken.", "expertId");
                }

                return Check(c.Details) ?? Decision<IExpertEvent>.Accept(new ExpertRegistered(c.ExpertId, Normalise(c.Details), now));
            case UpdateExpert c:
                if (state.Active(c.ExpertId) is not { } expert)
                {
                    return NotFound();
                }

                return Check(c.Details) ?? (Same(expert.Details, Normalise(c.Details)) ? Decision<IExpertEvent>.Nothing : Decision<IExpertEvent>.Accept(new ExpertUpdated(c.ExpertId, Normalise(c.Details), now)));
            case RemoveExpert c:
                if (!state.Experts.TryGetValue(c.ExpertId, out var removed))
                {
                    return NotFound();
                }

                if (string.IsNullOrWhiteSpace(c.Reason) || c.Reason.Length > 2_000)
                {
                    return Refusal.Invalid("reason.missing", "请说明理由。", "Give a reason.", "reason");
                }

                if (FreeText.Visible(c.Reason, "reason") is { } invisible)
                {
                    return invisible;
                }

                return removed.Active ? Decision<IExpertEvent>.Accept(new ExpertRemoved(c.ExpertId, c.Reason.Trim(), now)) : Decision<IExpertEvent>.Nothing;
            default:
                throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name);
        }
    }

    public static Refusal NotFound() => Refusal.NotFound("expert.not-found", "专家库中没有该专家。", "No such expert in the pool.");

    private static Refusal? Check(ExpertDetails d)
    {
        if (string.IsNullOrWhiteSpace(d.Name) || d.Name.Length > MaxText)
        {
            return Refusal.Invalid("expert.name-missing", "请填写专家姓名。", "Give the expert's name.", "name");
        }

        if (string.IsNullOrWhiteSpace(d.Employer) || d.Employer.Length > MaxText)
        {
            return Refusal.Invalid("expert.employer-missing", "请填写专家的工作单位（用于利益冲突核查）。", "Give the expert's employer (used to check conflicts of interest).", "employer");
        }

        if (d.EmployerCreditCode is { Length: > 0 } code && !Identity.CreditCode.Parse(code).IsOk)
        {
            return Refusal.Invalid("expert.credit-code-invalid", "工作单位的统一社会信用代码不正确。", "The employer's credit code is not valid.", "employerCreditCode");
        }

        if (string.IsNullOrWhiteSpace(d.Field) || d.Field.Length > MaxText)
        {
            return Refusal.Invalid("expert.field-missing", "请填写专业领域。", "Give the expert's field.", "field");
        }

        if (d.IndustryCodes is null || d.IndustryCodes.Count > 20 || d.IndustryCodes.Any(c => c is null || !IndustryCode().IsMatch(c)))
        {
            return Refusal.Invalid("expert.industry-codes-invalid", "行业代码应为国民经济行业分类代码（如C3670），至多20个。", "Industry codes are GB/T 4754 codes such as C3670, at most 20.", "industryCodes");
        }

        if (string.IsNullOrWhiteSpace(d.Contact) || d.Contact.Length > MaxText)
        {
            return Refusal.Invalid("expert.contact-missing", "请填写联系方式。", "Give a contact.", "contact");
        }

        return FreeText.Visible(d.Name, "name") ?? FreeText.Visible(d.Employer, "employer") ?? FreeText.Visible(d.Field, "field") ?? FreeText.Visible(d.Contact, "contact");
    }

    private static bool Same(ExpertDetails a, ExpertDetails b) =>
        a.Name == b.Name && a.Employer == b.Employer && a.EmployerCreditCode == b.EmployerCreditCode
        && a.Field == b.Field && a.Contact == b.Contact && a.IndustryCodes.SequenceEqual(b.IndustryCodes);

    private static ExpertDetails Normalise(ExpertDetails d) => d with
    {
        Name = d.Name.Trim(),
        Employer = d.Employer.Trim(),
        EmployerCreditCode = string.IsNullOrWhiteSpace(d.EmployerCreditCode) ? null : d.EmployerCreditCode.Trim().ToUpperInvariant(),
        Field = d.Field.Trim(),
        Contact = d.Contact.Trim(),
        IndustryCodes = [.. d.IndustryCodes],
    };
}
