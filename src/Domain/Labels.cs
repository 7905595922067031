using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Review;

namespace QualityAward.Domain;

/// <summary>
/// The words people read for the codes the API, the events and the reports use: zh-CN and
/// English, one vocabulary. Where the domain already names a code in Chinese (statuses, stages,
/// departments, tiers, lists, ban reasons) this class reads that name rather than keeping a copy;
/// the other Chinese names are the ones the applicants' form shows.
/// </summary>
public static class Labels
{
    public static string Zh(ApplicationStatus status) => ApplicationDecider.StatusZh(status);

    public static string En(ApplicationStatus status) => status switch
    {
        ApplicationStatus.Draft => "Draft",
        ApplicationStatus.InProcess => "In process",
        ApplicationStatus.Awarded => "Awarded",
        ApplicationStatus.Withdrawn => "Withdrawn",
        ApplicationStatus.Declined => "Not recommended",
        ApplicationStatus.Refused => "Not accepted",
        ApplicationStatus.NotShortlisted => "Not shortlisted for site review",
        ApplicationStatus.NotSelected => "Not selected",
        ApplicationStatus.Disqualified => "Disqualified",
        ApplicationStatus.Revoked => "Award revoked",
        _ => "No such application",
    };

    public static string Zh(ApplicantCategory category) => category switch
    {
        ApplicantCategory.Organisation => "组织",
        ApplicantCategory.Individual => "个人",
        _ => throw new ArgumentOutOfRangeException(nameof(category)),
    };

    public static string En(ApplicantCategory category) => category switch
    {
        ApplicantCategory.Organisation => "Organisation",
        ApplicantCategory.Individual => "Individual",
        _ => throw new ArgumentOutOfRangeException(nameof(category)),
    };

    public static string Zh(OrganisationSize size) => size switch
    {
        OrganisationSize.Large => "大型",
        OrganisationSize.Medium => "中型",
        OrganisationSize.Small => "小型",
        OrganisationSize.Micro => "微型",
        OrganisationSize.NotApplicable => "不适用（机关事业单位等）",
        _ => throw new ArgumentOutOfRangeException(nameof(size)),
    };

    public static string En(OrganisationSize size) => size switch
    {
        OrganisationSize.Large => "Large",
        OrganisationSize.Medium => "Medium",
        OrganisationSize.Small => "Small",
        OrganisationSize.Micro => "Micro",
        OrganisationSize.NotApplicable => "Not applicable (public bodies and others)",
        _ => throw new ArgumentOutOfRangeException(nameof(size)),
    };

    public static string Zh(Sector sector) => sector switch
    {
        Sector.Enterprise => "企业",
        Sector.PublicBody => "机关事业单位",
        Sector.Other => "社会组织及其他",
        _ => throw new ArgumentOutOfRangeException(nameof(sector)),
    };

    public static string En(Sector sector) => sector switch
    {
        Sector.Enterprise => "Enterprise",
        Sector.PublicBody => "Government body or public institution",
        Sector.Other => "Social organisation or other",
        _ => throw new ArgumentOutOfRangeException(nameof(sector)),
    };

    public static string Zh(IndustrySector sector) => sector switch
    {
        IndustrySector.Primary => "第一产业",
        IndustrySector.Secondary => "第二产业",
        IndustrySector.Tertiary => "第三产业",
        _ => throw new ArgumentOutOfRangeException(nameof(sector)),
    };

    public static string En(IndustrySector sector) => sector switch
    {
        IndustrySector.Primary => "Primary industry",
        IndustrySector.Secondary => "Secondary industry",
        IndustrySector.Tertiary => "Tertiary industry",
        _ => throw new ArgumentOutOfRangeException(nameof(sector)),
    };

    public static string Zh(RecommenderKind kind) => kind switch
    {
        RecommenderKind.DistrictRegulator => "区县（市）市场监管部门",
        RecommenderKind.DistrictQualityBody => "区县（市）质量工作议事协调机构",
        RecommenderKind.CityDepartment => "市级行业主管部门",
        RecommenderKind.Association => "市级行业协会",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string En(RecommenderKind kind) => kind switch
    {
        RecommenderKind.DistrictRegulator => "District market regulator",
        RecommenderKind.DistrictQualityBody => "District quality coordination body",
        RecommenderKind.CityDepartment => "City department of the industry",
        RecommenderKind.Association => "City industry association",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string Zh(AwardTier tier) => EligibilityRules.TierZh(tier);

    public static string En(AwardTier tier) => tier switch
    {
        AwardTier.Award => "Mayor's Quality Award",
        AwardTier.Nomination => "Mayor's Quality Award nomination",
        AwardTier.Recognition => "Mayor's Quality Award recognition",
        _ => throw new ArgumentOutOfRangeException(nameof(tier)),
    };

    public static string Zh(NoticeList list) => list.Zh();

    public static string En(NoticeList list) => list switch
    {
        NoticeList.Acceptance => "Accepted applications",
        NoticeList.Candidates => "Candidates",
        NoticeList.ProposedWinners => "Proposed winners",
        _ => throw new ArgumentOutOfRangeException(nameof(list)),
    };

    public static string Zh(BanReason reason) => HolderDecider.ReasonZh(reason);

    public static string En(BanReason reason) => reason switch
    {
        BanReason.FalseMaterials => "Concealment or false materials",
        BanReason.Fraud => "Award obtained by deception, bribery or other improper means",
        BanReason.Revocation => "Award revoked",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    public static string Zh(StageKind kind) => StageNames.Zh(kind);

    public static string En(StageKind kind) => kind switch
    {
        StageKind.Call => "Call for applications",
        StageKind.InternalPublicity => "Internal publicity",
        StageKind.Submission => "Submission",
        StageKind.Recommendation => "Recommendation",
        StageKind.Consultation => "Department consultation",
        StageKind.FormalReview => "Formal review",
        StageKind.PublicNotice => "Public notice",
        StageKind.OpinionSurvey => "Public opinion survey",
        StageKind.MaterialReview => "Material review",
        StageKind.SiteReview => "Site review",
        StageKind.CustomerSatisfaction => "Customer satisfaction survey",
        StageKind.Presentation => "Presentation and defence",
        StageKind.CompositeEvaluation => "Composite evaluation",
        StageKind.Deliberation => "Deliberation",
        StageKind.Approval => "Approval",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string Zh(Department department) => DepartmentNames.Zh(department);

    public static string En(Department department) => department switch
    {
        Department.Tax => "Taxation",
        Department.EcologyEnvironment => "Ecology and environment",
        Department.EmergencyManagement => "Emergency management",
        Department.HumanResourcesSocialSecurity => "Human resources and social security",
        Department.MarketRegulation => "Market regulation",
        Department.PublicSecurity => "Public security",
        Department.DisciplineInspection => "Discipline inspection and supervision",
        Department.OrganisationPersonnel => "Organisation and personnel",
        Department.DefenceSecurity => "Defence and national security",
        _ => throw new ArgumentOutOfRangeException(nameof(department)),
    };

    public static string Zh(CycleStatus status) => status switch
    {
        CycleStatus.Open => "进行中",
        CycleStatus.Closed => "已结束",
        _ => "不存在",
    };

    public static string En(CycleStatus status) => status switch
    {
        CycleStatus.Open => "Open",
        CycleStatus.Closed => "Closed",
        _ => "No such cycle",
    };

    public static string Zh(PolicyStatus status) => status switch
    {
        PolicyStatus.Draft => "征求意见稿",
        PolicyStatus.InForce => "正式文件",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static string En(PolicyStatus status) => status switch
    {
        PolicyStatus.Draft => "Draft for comment",
        PolicyStatus.InForce => "Issued",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static string Zh(RecusalBasis basis) => basis switch
    {
        RecusalBasis.Declared => "评审员自行申报回避",
        RecusalBasis.Flagged => "系统提示利害关系，办公室决定回避",
        RecusalBasis.Proposed => "监督组提出，办公室决定回避",
        RecusalBasis.Office => "办公室决定回避",
        _ => throw new ArgumentOutOfRangeException(nameof(basis)),
    };

    public static string En(RecusalBasis basis) => basis switch
    {
        RecusalBasis.Declared => "Declared by the reviewer",
        RecusalBasis.Flagged => "Flagged by the system, decided by the office",
        RecusalBasis.Proposed => "Proposed by the supervision group, decided by the office",
        RecusalBasis.Office => "Decided by the office",
        _ => throw new ArgumentOutOfRangeException(nameof(basis)),
    };
}
