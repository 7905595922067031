using System.ComponentModel;
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

[Description("A contact person.")]
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
[Description("The application form (申报表), the whole form each time. While a draft anything may be empty; submission checks what the cycle's policy requires and names every problem. Fields of the other category are ignored.")]
public sealed record ApplicationForm
{
    // Both categories.
    [Description("The organisation's registered name, or the individual's name.")]
    public string? Name { get; init; }

    /// <summary>The district (区县) whose body recommends the applicant; a district id of the policy.</summary>
    [Description("The district (区县) whose body recommends the applicant: one of the policy's district ids.")]
    public string? DistrictId { get; init; }

    [Description("Who the office contacts about the application.")]
    public ContactPerson? Contact { get; init; }

    /// <summary>Codes of the policy's declarations the applicant confirms.</summary>
    [Description("Codes of the declarations of the policy's eligibility rules that the applicant confirms.")]
    public IReadOnlyList<string> Declarations { get; init; } = [];

    /// <summary>申报材料真实性声明.</summary>
    [Description("The applicant declares the materials true (申报材料真实性声明).")]
    public bool AuthenticityDeclared { get; init; }

    /// <summary>申报材料不涉及国家秘密 (Changde §12, Xinzhou §15).</summary>
    [Description("The applicant declares the materials hold no state secrets (Changde §12, Xinzhou §15).")]
    public bool NoStateSecretsDeclared { get; init; }

    /// <summary>The recommender the application is addressed to (a district id, department id or association id).</summary>
    [Description("The body the application is addressed to for recommendation (a district, department or association id); only that body may recommend it.")]
    public string? RecommenderId { get; init; }

    [Description("What kind of body the recommender is: districtRegulator, districtQualityBody, cityDepartment or association, as the policy allows.")]
    public RecommenderKind? RecommenderKind { get; init; }

    /// <summary>Xinzhou §13: the internal publicity period (first and last day).</summary>
    [Description("First day of the internal publicity (单位内部公示) where the policy asks for one (Xinzhou §13).")]
    public DateOnly? InternalPublicityFrom { get; init; }

    [Description("Last day of the internal publicity (Xinzhou §13).")]
    public DateOnly? InternalPublicityTo { get; init; }

    /// <summary>The quality management model (质量管理模式) the application presents (Changde §10, §42).</summary>
    [Description("The quality management model (质量管理模式) the application presents (Changde §10, §42).")]
    public string? QualityModel { get; init; }

    /// <summary>Changde §10: within 6 years of an award, the applicant states the model is a different one.</summary>
    [Description("Within 6 years of an award, the applicant states the model is a different one (Changde §10).")]
    public bool DeclaresDifferentModel { get; init; }

    /// <summary>Preference codes the applicant claims (Jinan §11, Weihai §11); the office confirms them.</summary>
    [Description("Codes of the policy's preferences the applicant claims (Jinan §11, Weihai §11); the office confirms them.")]
    public IReadOnlyList<string> Preferences { get; init; } = [];

    // Organisations.
    [Description("Organisations: the unified social credit code (统一社会信用代码); the award register knows the organisation by it.")]
    public string? CreditCode { get; init; }

    [Description("Organisations: the registered address.")]
    public string? RegisteredAddress { get; init; }

    [Description("Organisations: the founding date; the policy's years-of-operation rule counts from it.")]
    public DateOnly? FoundedOn { get; init; }

    [Description("Organisations: primary, secondary or tertiary industry (一、二、三产业).")]
    public IndustrySector? IndustrySector { get; init; }

    /// <summary>GB/T 4754 industry code, e.g. C3670.</summary>
    [Description("Organisations: the GB/T 4754 industry code, e.g. C3670.")]
    public string? IndustryCode { get; init; }

    [Description("Organisations: large, medium, small, micro, or notApplicable for public bodies.")]
    public OrganisationSize? Size { get; init; }

    [Description("Organisations: enterprise, publicBody or other; decides which departments' lists apply (Xinzhou §17).")]
    public Sector? Sector { get; init; }

    /// <summary>Weihai §10(一): the organisation works in a "four new" field (四新).</summary>
    [Description("Organisations: works in a \"four new\" field (四新) (Weihai §10(一)).")]
    public bool FourNewField { get; init; }

    /// <summary>Xinzhou §9(一): the city government's approval to waive the years (文号).</summary>
    [Description("Organisations: the reference (文号) of the city government's approval to waive the years of operation (Xinzhou §9(一)).")]
    public string? YearsWaiverReference { get; init; }

    // Individuals.
    [Description("Individuals: the identity number; the award register knows the person by it.")]
    public string? IdNumber { get; init; }

    [Description("Individuals: the employer's name.")]
    public string? Employer { get; init; }

    [Description("Individuals: the employer's unified social credit code.")]
    public string? EmployerCreditCode { get; init; }

    [Description("Individuals: the employer's sector (enterprise, publicBody or other); decides which departments' lists apply (Xinzhou §17).")]
    public Sector? EmployerSector { get; init; }

    [Description("Individuals: years in quality-related work, checked against the policy's minimum.")]
    public int? YearsInQualityWork { get; init; }

    [Description("Individuals: of those, the years in the city, where the policy counts them.")]
    public int? YearsInQualityWorkInCity { get; init; }

    /// <summary>Weihai §12(五): a prize in a national, provincial or international quality skills contest.</summary>
    [Description("Individuals: a prize in a national, provincial or international quality skills contest (Weihai §12(五)).")]
    public string? SkillsPrize { get; init; }

    [Description("Individuals: the achievements the application rests on.")]
    public string? Achievements { get; init; }

    /// <summary>The key the register knows the applicant by: the credit code or the identity number.</summary>
    public string? ApplicantKey(ApplicantCategory category) =>
        category == ApplicantCategory.Organisation ? CreditCode : IdNumber;

    /// <summary>Which departments' lists apply (Xinzhou §17).</summary>
    public Sector SectorFor(ApplicantCategory category) =>
        (category == ApplicantCategory.Organisation ? Sector : EmployerSector) ?? Policies.Sector.Other;
}
