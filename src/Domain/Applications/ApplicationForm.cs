using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Applications;

/// <summary>一、二、三产业.</summary>
public enum IndustrySector
{
    Primary,
    Secondary,
    Tertiary,
}

/// <summary>企业规模 (GB/T enterprise size classes), or not applicable for public bodies.</summary>
public enum OrganisationSize
{
    Large,
    Medium,
    Small,
    Micro,
    NotApplicable,
}

public sealed record ContactPerson
{
    public string? Name { get; init; }

    public string? Phone { get; init; }

    public string? Email { get; init; }
}

/// <summary>
/// The application form (申报表) as the applicant fills it. While a draft, anything may be empty;
/// <see cref="ApplicationFormRules.Check"/> says what submission needs. Fields that only one
/// category uses are ignored for the other.
/// </summary>
public sealed record ApplicationForm
{
    // Both categories.
    public string? Name { get; init; }

    /// <summary>The district (区县) whose body recommends the applicant; a district id of the policy.</summary>
    public string? DistrictId { get; init; }

    public ContactPerson? Contact { get; init; }

    /// <summary>Codes of the policy's declarations the applicant confirms.</summary>
    public IReadOnlyList<string> Declarations { get; init; } = [];

    /// <summary>申报材料真实性声明.</summary>
    public bool AuthenticityDeclared { get; init; }

    /// <summary>申报材料不涉及国家秘密 (Changde §12, Xinzhou §15).</summary>
    public bool NoStateSecretsDeclared { get; init; }

    /// <summary>The recommender the application is addressed to (a district id, department id or association id).</summary>
    public string? RecommenderId { get; init; }

    public RecommenderKind? RecommenderKind { get; init; }

    /// <summary>Xinzhou §13: the internal publicity period (first and last day).</summary>
    public DateOnly? InternalPublicityFrom { get; init; }

    public DateOnly? InternalPublicityTo { get; init; }

    /// <summary>The quality management model (质量管理模式) the application presents (Changde §10, §42).</summary>
    public string? QualityModel { get; init; }

    /// <summary>Changde §10: within 6 years of an award, the applicant states the model is a different one.</summary>
    public bool DeclaresDifferentModel { get; init; }

    /// <summary>Preference codes the applicant claims (Jinan §11, Weihai §11); the office confirms them.</summary>
    public IReadOnlyList<string> Preferences { get; init; } = [];

    // Organisations.
    public string? CreditCode { get; init; }

    public string? RegisteredAddress { get; init; }

    public DateOnly? FoundedOn { get; init; }

    public IndustrySector? IndustrySector { get; init; }

    /// <summary>GB/T 4754 industry code, e.g. C3670.</summary>
    public string? IndustryCode { get; init; }

    public OrganisationSize? Size { get; init; }

    public Sector? Sector { get; init; }

    /// <summary>Weihai §10(一): the organisation works in a "four new" field (四新).</summary>
    public bool FourNewField { get; init; }

    /// <summary>Xinzhou §9(一): the city government's approval to waive the years (文号).</summary>
    public string? YearsWaiverReference { get; init; }

    // Individuals.
    public string? IdNumber { get; init; }

    public string? Employer { get; init; }

    public string? EmployerCreditCode { get; init; }

    public Sector? EmployerSector { get; init; }

    public int? YearsInQualityWork { get; init; }

    public int? YearsInQualityWorkInCity { get; init; }

    /// <summary>Weihai §12(五): a prize in a national, provincial or international quality skills contest.</summary>
    public string? SkillsPrize { get; init; }

    public string? Achievements { get; init; }

    /// <summary>The key the register knows the applicant by: the credit code or the identity number.</summary>
    public string? ApplicantKey(ApplicantCategory category) =>
        category == ApplicantCategory.Organisation ? CreditCode : IdNumber;

    /// <summary>Which departments' lists apply (Xinzhou §17).</summary>
    public Sector SectorFor(ApplicantCategory category) =>
        (category == ApplicantCategory.Organisation ? Sector : EmployerSector) ?? Policies.Sector.Other;
}
