using QualityAward.Domain.Applications;
using QualityAward.Domain.Identity;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Tests.Builders;

/// <summary>Complete, valid application forms for a policy, to be changed one field at a time.</summary>
public static class Forms
{
    /// <summary>A valid unified social credit code (its check characters verified by <see cref="CreditCode"/>).</summary>
    public const string CreditCodeValue = "91350100M000100Y43";

    /// <summary>A valid resident identity number, born 1975-06-15 (check character computed).</summary>
    public static string IdNumber { get; } = WithCheck("37100219750615123");

    /// <summary>A second valid identity number.</summary>
    public static string OtherIdNumber { get; } = WithCheck("37100219800101456");

    public static ApplicationForm Valid(AwardPolicy policy, ApplicantCategory category)
    {
        var district = policy.City.Districts[0].Id;
        var recommendation = policy.Stage(StageKind.Recommendation);
        var allowed = recommendation?.Recommenders ?? [];
        RecommenderKind? kind = recommendation is null
            ? null
            : allowed.Count == 0
                ? RecommenderKind.DistrictRegulator
                : allowed.FirstOrDefault(k => k is RecommenderKind.DistrictRegulator or RecommenderKind.DistrictQualityBody, allowed[0]);
        var recommenderId = kind is RecommenderKind.DistrictRegulator or RecommenderKind.DistrictQualityBody ? district : "city-industry-bureau";
        var declarations = category == ApplicantCategory.Organisation
            ? policy.Eligibility.Organisation?.Declarations ?? []
            : policy.Eligibility.Individual?.Declarations ?? [];
        var publicity = policy.Has(StageKind.InternalPublicity);

        var form = new ApplicationForm
        {
            Name = category == ApplicantCategory.Organisation ? "示例精密机械有限公司" : "王质量",
            DistrictId = district,
            Contact = new ContactPerson { Name = "李联系", Phone = "13800138000", Email = "contact@example.cn" },
            Declarations = [.. declarations.Select(d => d.Code)],
            AuthenticityDeclared = true,
            NoStateSecretsDeclared = true,
            RecommenderId = kind is null ? null : recommenderId,
            RecommenderKind = kind,
            // Two whole working weeks in March 2026, before the submission day (Xinzhou §13).
            InternalPublicityFrom = publicity ? new DateOnly(2026, 3, 2) : null,
            InternalPublicityTo = publicity ? new DateOnly(2026, 3, 13) : null,
            QualityModel = "精益六西格玛质量管理模式",
        };

        return category == ApplicantCategory.Organisation
            ? form with
            {
                CreditCode = CreditCodeValue,
                RegisteredAddress = "示范路1号",
                FoundedOn = new DateOnly(2010, 1, 1),
                IndustrySector = IndustrySector.Secondary,
                IndustryCode = "C3670",
                Size = OrganisationSize.Medium,
                Sector = Sector.Enterprise,
            }
            : form with
            {
                IdNumber = IdNumber,
                Employer = "示例精密机械有限公司",
                EmployerCreditCode = CreditCodeValue,
                EmployerSector = Sector.Enterprise,
                YearsInQualityWork = 15,
                YearsInQualityWorkInCity = 12,
                Achievements = "主持建立企业质量管理体系，推动产品合格率持续提升。",
            };
    }

    /// <summary>A founding date that makes the organisation exactly <paramref name="years"/> whole years old on the submission day.</summary>
    public static DateOnly FoundedYearsBefore(int years, int extraDays = 0) => Dates.SubmittedOn.AddYears(-years).AddDays(extraDays);

    public static DocumentRef SelfAssessment { get; } = Document("doc-self-assessment", DocumentKind.SelfAssessmentReport);

    public static DocumentRef Document(string id, DocumentKind kind = DocumentKind.Evidence) => new()
    {
        DocumentId = id,
        Kind = kind,
        OriginalName = $"{id}.pdf",
        SafeName = $"{id}.pdf",
        ContentType = "application/pdf",
        Size = 2048,
        Sha256 = new string('a', 64),
        BlobName = $"documents/{id}",
        TradeSecret = false,
    };

    private static string WithCheck(string first17) => first17 + ResidentIdNumber.CheckCharacter(first17);
}
