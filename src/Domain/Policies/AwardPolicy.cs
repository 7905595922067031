namespace QualityAward.Domain.Policies;

/// <summary>Who may apply (申报主体).</summary>
public enum ApplicantCategory
{
    /// <summary>组织 / 单位: a legal person or other organisation.</summary>
    Organisation,

    /// <summary>个人: a natural person.</summary>
    Individual,
}

/// <summary>What can be won.</summary>
public enum AwardTier
{
    /// <summary>市长质量奖.</summary>
    Award,

    /// <summary>市长质量奖提名奖.</summary>
    Nomination,

    /// <summary>认定 (Weihai): a single recognition tier.</summary>
    Recognition,
}

/// <summary>The steps of the process. Their order in a policy is the order they run in.</summary>
public enum StageKind
{
    /// <summary>发布申报通知: the call for applications.</summary>
    Call,

    /// <summary>单位内部公示: the applicant's own internal publicity before it submits (Xinzhou §13).</summary>
    InternalPublicity,

    /// <summary>提交申报材料.</summary>
    Submission,

    /// <summary>推荐: the recommender's first review and recommendation.</summary>
    Recommendation,

    /// <summary>征求有关部门意见: departments asked about the applicants.</summary>
    Consultation,

    /// <summary>受理审查 / 资格审查: the formal review that accepts or refuses.</summary>
    FormalReview,

    /// <summary>公示: a list under public notice.</summary>
    PublicNotice,

    /// <summary>舆情调查: public opinion survey (Weihai §14).</summary>
    OpinionSurvey,

    /// <summary>材料评审: scored review of the materials.</summary>
    MaterialReview,

    /// <summary>现场评审: scored site review.</summary>
    SiteReview,

    /// <summary>顾客满意度测评: customer satisfaction survey by a third party (Changde §21).</summary>
    CustomerSatisfaction,

    /// <summary>陈述答辩: presentation and defence.</summary>
    Presentation,

    /// <summary>综合评价: composite score and the candidate list.</summary>
    CompositeEvaluation,

    /// <summary>审议: the committee or leading group decides the proposed winners.</summary>
    Deliberation,

    /// <summary>审定报批: approval by the people the regulation names, then the announcement.</summary>
    Approval,
}

/// <summary>Who recommends an application (推荐单位).</summary>
public enum RecommenderKind
{
    /// <summary>区县（市）市场监管部门.</summary>
    DistrictRegulator,

    /// <summary>区县质量工作议事协调机构 (Jinan §14, Weihai §13).</summary>
    DistrictQualityBody,

    /// <summary>市级行业主管部门.</summary>
    CityDepartment,

    /// <summary>市行业协会 (Benxi §15).</summary>
    Association,
}

/// <summary>Government departments that can be consulted (征求意见).</summary>
public enum Department
{
    Tax,
    EcologyEnvironment,
    EmergencyManagement,
    HumanResourcesSocialSecurity,
    MarketRegulation,
    PublicSecurity,
    DisciplineInspection,
    OrganisationPersonnel,
    /// <summary>国防、国家安全 matters, consulted only for flagged applications (Changde §14).</summary>
    DefenceSecurity,
}

/// <summary>Whose departments: Xinzhou §17 asks different departments for public bodies and for enterprises.</summary>
public enum Sector
{
    /// <summary>企业 and their heads / staff.</summary>
    Enterprise,

    /// <summary>机关事业单位 and their staff.</summary>
    PublicBody,

    /// <summary>社会组织 and other organisations.</summary>
    Other,
}

/// <summary>How a body decides the proposed winners.</summary>
public enum DeliberationMethod
{
    /// <summary>等额投票: a vote with as many places as winners (Changde §23).</summary>
    EqualNumberVote,

    /// <summary>审议: deliberation by the leading group.</summary>
    Deliberation,

    /// <summary>The office forms the list itself (Xinzhou §17).</summary>
    OfficeDecision,
}

/// <summary>How the candidate list relates to the number of places.</summary>
public enum CandidateListRule
{
    /// <summary>The regulation fixes nothing.</summary>
    NotFixed,

    /// <summary>差额: strictly more candidates than places (Changde §22).</summary>
    LargerThanQuota,
}

/// <summary>How a panel's individual scores become one score.</summary>
public enum PanelScoreRule
{
    Mean,

    /// <summary>Drop the highest and the lowest, then average (needs at least 3 scores).</summary>
    TrimmedMean,
}

/// <summary>What a ban counts in.</summary>
public enum BanUnit
{
    Years,

    /// <summary>Editions of this city's award opened after the ban began.</summary>
    Cycles,

    /// <summary>For ever (Jinan §6, Weihai §6 for re-application).</summary>
    Permanent,
}

/// <summary>Why a ban or a refusal to re-apply exists.</summary>
public enum BanReason
{
    /// <summary>隐瞒有关情况或者提供虚假材料.</summary>
    FalseMaterials,

    /// <summary>以欺骗、贿赂等不正当手段获奖.</summary>
    Fraud,

    /// <summary>The award was revoked on another ground.</summary>
    Revocation,
}

/// <summary>A city's regulation, as data. Every number in it cites its article in the preset file.</summary>
public sealed record AwardPolicy
{
    public required int SchemaVersion { get; init; }

    /// <summary>Stable id, e.g. <c>weihai</c>; cycles are named after it (<c>weihai-2026</c>).</summary>
    public required string Id { get; init; }

    public required CityInfo City { get; init; }

    public required PolicyDocument Document { get; init; }

    /// <summary>The award's name as people read it, e.g. 威海市市长质量奖.</summary>
    public required string AwardName { get; init; }

    public required IReadOnlyList<ApplicantCategory> Categories { get; init; }

    public required IReadOnlyList<AwardTier> Tiers { get; init; }

    public required CycleRule Cycle { get; init; }

    public required IReadOnlyList<QuotaRule> Quotas { get; init; }

    /// <summary>达不到条件可以空缺: places may stay empty.</summary>
    public required bool EmptyPlacesAllowed { get; init; }

    public required EligibilityRule Eligibility { get; init; }

    public required IReadOnlyList<StageRule> Stages { get; init; }

    public required ScoringRule Scoring { get; init; }

    public required IReadOnlyList<PrizeRule> Prizes { get; init; }

    public required MoneyRule Money { get; init; }

    public required IReadOnlyList<ReapplicationRule> Reapplication { get; init; }

    public required IReadOnlyList<BanRule> Bans { get; init; }

    public required RevocationRule Revocation { get; init; }

    public required AfterAwardRule AfterAward { get; init; }

    public required ObjectionRule Objections { get; init; }

    /// <summary>
    /// The certificate (荣誉证书) and how it is numbered. Required from schema version 2; a cycle
    /// opened under a schema-1 policy keeps its copy without one, and its awards have no number.
    /// </summary>
    public CertificateRule? Certificate { get; init; }

    /// <summary>
    /// The office the regulation charges with the award's day-to-day work: it publishes the notices,
    /// takes objections and writes to departments. Required of a new policy; a cycle opened before
    /// it was recorded keeps its copy without one. Its address, telephone and mail are settings
    /// (<c>Offices:{policyId}</c>), not policy: the regulation does not give them.
    /// </summary>
    public OfficeRule? Office { get; init; }

    public StageRule? Stage(StageKind kind) => Stages.FirstOrDefault(s => s.Kind == kind);

    /// <summary>
    /// The name people read for the policy's (first) stage of a kind: the regulation's own words
    /// (<see cref="StageRule.Title"/>: 资格审查 where it says 资格审查), else the domain's name of the kind.
    /// </summary>
    public string TitleOf(StageKind? kind) =>
        kind is { } k && Stage(k) is { } stage ? stage.TitleOrKind() : Awards.StageNames.Zh(kind);

    /// <summary>The name people read for the stage at a position (an application's <c>StageIndex</c>), checked against its kind.</summary>
    public string TitleAt(int stageIndex, StageKind? kind) =>
        stageIndex >= 0 && stageIndex < Stages.Count && Stages[stageIndex].Kind == kind ? Stages[stageIndex].TitleOrKind() : TitleOf(kind);

    public bool Has(StageKind kind) => Stages.Any(s => s.Kind == kind);

    public bool Allows(ApplicantCategory category) => Categories.Contains(category);

    public bool Offers(AwardTier tier) => Tiers.Contains(tier);

    /// <summary>Is the regulation in force on a date? (Validity open at either end is not bounded there.)</summary>
    public bool InForceOn(DateOnly date) =>
        Document.Status == PolicyStatus.InForce
        && (Document.ValidFrom is not { } from || date >= from)
        && (Document.ValidTo is not { } to || date <= to);
}

public sealed record CityInfo
{
    /// <summary>The city's 6-digit administrative division code, e.g. 371000.</summary>
    public required string Code { get; init; }

    public required string Name { get; init; }

    public required string NameEn { get; init; }

    /// <summary>Districts, counties and zones whose bodies recommend applicants.</summary>
    public required IReadOnlyList<DistrictInfo> Districts { get; init; }
}

public sealed record DistrictInfo
{
    /// <summary>Stable id used in forms and recommender claims, e.g. <c>huancui</c>.</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>The 6-digit division code, where the zone has one of its own.</summary>
    public string? Code { get; init; }
}

public enum PolicyStatus
{
    /// <summary>征求意见稿: published for comment, not yet in force.</summary>
    Draft,

    /// <summary>In force within its validity dates.</summary>
    InForce,
}

public sealed record PolicyDocument
{
    public required string Title { get; init; }

    /// <summary>发文字号, e.g. 威政发〔2023〕16号.</summary>
    public string? Number { get; init; }

    public required PolicyStatus Status { get; init; }

    public DateOnly? IssuedOn { get; init; }

    public DateOnly? ValidFrom { get; init; }

    public DateOnly? ValidTo { get; init; }

    /// <summary>The article that sets the validity.</summary>
    public string? ValidityArticle { get; init; }

    public string? Replaces { get; init; }
}

public sealed record CycleRule
{
    /// <summary>Years between editions; null where the regulation does not fix it (Changde).</summary>
    public int? LengthYears { get; init; }

    public string? Article { get; init; }
}

public sealed record QuotaRule
{
    public required AwardTier Tier { get; init; }

    /// <summary>The categories counted together against <see cref="Max"/>.</summary>
    public required IReadOnlyList<ApplicantCategory> Categories { get; init; }

    public required int Max { get; init; }

    public required string Article { get; init; }
}

public sealed record EligibilityRule
{
    /// <summary>Registered (organisations) or working (individuals) in the city.</summary>
    public required string RegisteredInCityArticle { get; init; }

    public OrganisationEligibility? Organisation { get; init; }

    public IndividualEligibility? Individual { get; init; }
}

public sealed record OrganisationEligibility
{
    /// <summary>Minimum whole years operating at the date of submission; null if none.</summary>
    public int? MinYearsOperating { get; init; }

    /// <summary>The shorter minimum for "four new" fields (四新, Weihai §10(一)).</summary>
    public int? FourNewMinYearsOperating { get; init; }

    /// <summary>The city government may waive the years (Xinzhou §9(一)).</summary>
    public bool GovernmentMayWaiveYears { get; init; }

    /// <summary>Years without major incidents (clean-record window).</summary>
    public required int CleanRecordYears { get; init; }

    public required string Article { get; init; }

    /// <summary>What the applicant must declare; the departments' answers check it.</summary>
    public required IReadOnlyList<DeclarationRule> Declarations { get; init; }
}

public sealed record IndividualEligibility
{
    /// <summary>Minimum whole years in quality work; null if none.</summary>
    public int? MinYearsInQualityWork { get; init; }

    /// <summary>Those years must be in this city (Jinan §12(二), Weihai §12(二)).</summary>
    public bool QualityWorkInCity { get; init; }

    /// <summary>The employer's clean-record window in years; null if the regulation has none.</summary>
    public int? EmployerCleanRecordYears { get; init; }

    public required string Article { get; init; }

    public required IReadOnlyList<DeclarationRule> Declarations { get; init; }
}

/// <summary>A statement the applicant must make on the form, in the regulation's words.</summary>
public sealed record DeclarationRule
{
    public required string Code { get; init; }

    public required string Text { get; init; }

    public required string Article { get; init; }
}

/// <summary>One step of the process, with the parameters its kind takes.</summary>
public sealed record StageRule
{
    public required StageKind Kind { get; init; }

    public required string Article { get; init; }

    /// <summary>For <see cref="StageKind.PublicNotice"/>: which list.</summary>
    public NoticeList? List { get; init; }

    /// <summary>Notices and internal publicity: the minimum length in working days.</summary>
    public int? MinWorkingDays { get; init; }

    /// <summary>The regulation says "公示期为5个工作日" (exactly), not "不少于".</summary>
    public bool ExactWorkingDays { get; init; }

    /// <summary>For <see cref="StageKind.Recommendation"/>: who may recommend.</summary>
    public IReadOnlyList<RecommenderKind>? Recommenders { get; init; }

    /// <summary>For <see cref="StageKind.Recommendation"/>: a district / county government approves the recommendation.</summary>
    public bool GovernmentApproval { get; init; }

    /// <summary>For <see cref="StageKind.Consultation"/>: which departments, for whom.</summary>
    public IReadOnlyList<ConsultRule>? Consult { get; init; }

    /// <summary>For <see cref="StageKind.Consultation"/>: the working days a department has to answer.</summary>
    public int? ReplyWorkingDays { get; init; }

    /// <summary>For <see cref="StageKind.FormalReview"/>: a refusal is explained to the applicant (Changde §15).</summary>
    public bool RefusalExplained { get; init; }

    /// <summary>For review stages: done by a commissioned third party (Jinan §8, §15).</summary>
    public bool ByThirdParty { get; init; }

    /// <summary>For scored stages: 组长负责制, the team leader signs the panel report.</summary>
    public bool TeamLeader { get; init; }

    /// <summary>For <see cref="StageKind.MaterialReview"/>: a shortlist for site review by material score.</summary>
    public bool Shortlist { get; init; }

    /// <summary>For <see cref="StageKind.CustomerSatisfaction"/> and others: organisations only.</summary>
    public bool OrganisationsOnly { get; init; }

    /// <summary>For <see cref="StageKind.SiteReview"/>: candidates rate the reviewers' conduct (Changde §37).</summary>
    public bool CandidatesRateReviewers { get; init; }

    /// <summary>For <see cref="StageKind.CompositeEvaluation"/>.</summary>
    public CandidateListRule? CandidateList { get; init; }

    /// <summary>For <see cref="StageKind.Deliberation"/>: e.g. 评委会, 市质量强市领导小组.</summary>
    public string? Body { get; init; }

    public DeliberationMethod? Method { get; init; }

    /// <summary>For <see cref="StageKind.Approval"/>: the approvals in order, then the announcement.</summary>
    public IReadOnlyList<ApprovalStep>? Approvals { get; init; }

    /// <summary>For <see cref="StageKind.Approval"/>: who announces, e.g. 市人民政府.</summary>
    public string? AnnouncedBy { get; init; }

    /// <summary>A short zh-CN name for pages, in the regulation's own words (the presets' titles are pinned by StageTitleTests).</summary>
    public string? Title { get; init; }

    /// <summary>The stage's name as people read it: <see cref="Title"/>, else the domain's name of its kind.</summary>
    public string TitleOrKind() => Title ?? Awards.StageNames.Zh(Kind);

    /// <summary>
    /// The period the policy sets for a notice or an internal publicity, in its own terms:
    /// 公示期为5个工作日 where it fixes the length (<see cref="ExactWorkingDays"/>: Jinan §17, Weihai §15),
    /// 公示期不少于5个工作日 where it sets a floor; null for a stage without a period.
    /// </summary>
    public string? PeriodRuleZh() => MinWorkingDays is { } n
        ? ExactWorkingDays ? $"公示期为{n}个工作日" : $"公示期不少于{n}个工作日"
        : null;

    public bool AppliesTo(ApplicantCategory category) => !OrganisationsOnly || category == ApplicantCategory.Organisation;
}

public sealed record ConsultRule
{
    /// <summary>Which applicants this line covers; empty means every applicant.</summary>
    public required IReadOnlyList<Sector> Sectors { get; init; }

    public required IReadOnlyList<Department> Departments { get; init; }

    /// <summary>Only applications the office flags (Changde §14: defence and national security).</summary>
    public bool OnlyFlagged { get; init; }
}

public sealed record ApprovalStep
{
    /// <summary>Stable code, e.g. <c>committee-director</c>, <c>mayor</c>, <c>city-government</c>.</summary>
    public required string Code { get; init; }

    /// <summary>zh-CN, e.g. 评委会主任审核.</summary>
    public required string Title { get; init; }
}

public sealed record ScoringRule
{
    /// <summary>The standard the sheets follow, as people cite it (e.g. GB/T 19580).</summary>
    public required string Standard { get; init; }

    public required string Article { get; init; }

    /// <summary>Score sheets per category.</summary>
    public required IReadOnlyList<ScoreSheet> Sheets { get; init; }

    public required PanelScoreRule PanelRule { get; init; }

    /// <summary>
    /// The fewest reviewers (not recused, not replaced) whose scores a panel report may rest on.
    /// No regulation fixes a panel's size; unset, it is what the rule needs (3 for the trimmed mean, else 1).
    /// </summary>
    public int? MinPanelScores { get; init; }

    public int MinimumPanelScores => MinPanelScores ?? (PanelRule == PanelScoreRule.TrimmedMean ? 3 : 1);

    /// <summary>A reviewer's total further than this from the panel score is flagged for the team leader.</summary>
    public required decimal DisagreementThreshold { get; init; }

    /// <summary>How stage results weigh in the composite score (weights sum to 1).</summary>
    public required IReadOnlyList<CompositeWeight> Composite { get; init; }

    /// <summary>Where the weights come from: the regulation fixes none in any of the five cities.</summary>
    public required string CompositeBasis { get; init; }

    /// <summary>Ties in the ranking are broken by these stages' scores, in order, then by submission time.</summary>
    public required IReadOnlyList<StageKind> TieBreak { get; init; }

    /// <summary>Jinan §11 / Weihai §11 preferences: points added to the composite for flagged applicants.</summary>
    public IReadOnlyList<PreferenceRule> Preferences { get; init; } = [];

    public ScoreSheet SheetFor(ApplicantCategory category) =>
        Sheets.FirstOrDefault(s => s.Category == category)
        ?? throw new InvalidOperationException($"No score sheet for {category}: the policy loader should have refused this policy.");
}

public sealed record ScoreSheet
{
    public required ApplicantCategory Category { get; init; }

    public required string Source { get; init; }

    public required IReadOnlyList<ScoreItem> Items { get; init; }

    public int MaxTotal => Items.Sum(i => i.Max);
}

public sealed record ScoreItem
{
    public required string Code { get; init; }

    public required string Name { get; init; }

    public required int Max { get; init; }
}

public sealed record CompositeWeight
{
    public required StageKind Stage { get; init; }

    public required decimal Weight { get; init; }
}

public sealed record PreferenceRule
{
    public required string Code { get; init; }

    public required string Text { get; init; }

    /// <summary>Composite points (out of 100) added when the office confirms the flag; 0 records it only.</summary>
    public required decimal Bonus { get; init; }

    public required string Article { get; init; }
}

public sealed record PrizeRule
{
    public required AwardTier Tier { get; init; }

    public required ApplicantCategory Category { get; init; }

    /// <summary>证书, 奖杯, 奖牌, 奖章 …</summary>
    public required IReadOnlyList<string> Items { get; init; }

    public required string Article { get; init; }
}

public sealed record MoneyRule
{
    /// <summary>Where money is set elsewhere (Jinan, Weihai: a separate city rule) or not given (Changde).</summary>
    public required string Basis { get; init; }

    public required IReadOnlyList<MoneyAmount> Amounts { get; init; }

    /// <summary>
    /// What the register prints for a tier and category without an amount here, in the
    /// regulation's terms: 按市政府有关规定（§17） where a separate city rule sets the money,
    /// 不设奖励资金 where none is given. Required of a new policy that leaves any amount unset, so
    /// no page prints a misleading 0.
    /// </summary>
    public string? NotSetZh { get; init; }

    /// <summary>A former nominee who wins the award gets the difference (Benxi §25).</summary>
    public bool NomineeUpgradePaysDifference { get; init; }

    /// <summary>A repeat winner gets the plaque and certificate only, outside the quota (Benxi §12).</summary>
    public bool RepeatWinnerWithoutMoney { get; init; }

    public string? RepeatWinnerArticle { get; init; }

    /// <summary>Top-ups for a holder who later wins a higher award (Benxi §25).</summary>
    public IReadOnlyList<TopUpRule> TopUps { get; init; } = [];

    public long AmountFor(AwardTier tier, ApplicantCategory category) =>
        Amounts.FirstOrDefault(a => a.Tier == tier && a.Category == category)?.Yuan ?? 0;
}

public sealed record MoneyAmount
{
    public required AwardTier Tier { get; init; }

    public required ApplicantCategory Category { get; init; }

    public required long Yuan { get; init; }

    public required string Article { get; init; }
}

public sealed record TopUpRule
{
    /// <summary>e.g. <c>china-quality-award</c>.</summary>
    public required string Code { get; init; }

    public required string Text { get; init; }

    public required long Yuan { get; init; }

    public required string Article { get; init; }
}

/// <summary>When a past winner or nominee may apply again.</summary>
public sealed record ReapplicationRule
{
    /// <summary>The tier held.</summary>
    public required AwardTier AfterTier { get; init; }

    public required BanUnit Unit { get; init; }

    /// <summary>Years or cycles; ignored for <see cref="BanUnit.Permanent"/>.</summary>
    public int Length { get; init; }

    /// <summary>Changde §10: only the same quality model is barred; the applicant declares a different one.</summary>
    public bool SameModelOnly { get; init; }

    /// <summary>Benxi §12: a nominee is never nominated again (it may still win the award).</summary>
    public bool NoRepeatOfTier { get; init; }

    public required string Article { get; init; }
}

public sealed record BanRule
{
    public required BanReason Reason { get; init; }

    public required BanUnit Unit { get; init; }

    public int Length { get; init; }

    /// <summary>Benxi §31: barred from every quality award, not only this one.</summary>
    public bool AllQualityAwards { get; init; }

    /// <summary>The ban is published (向社会公开).</summary>
    public bool Published { get; init; }

    public required string Article { get; init; }
}

public sealed record RevocationRule
{
    /// <summary>Years after the award within which incidents revoke it; null = any time.</summary>
    public int? WindowYears { get; init; }

    public required string Article { get; init; }

    /// <summary>Grounds per category; a revocation names one of them.</summary>
    public required IReadOnlyList<RevocationGround> Grounds { get; init; }

    /// <summary>Who decides, e.g. 市人民政府 on the office's proposal.</summary>
    public required string DecidedBy { get; init; }

    public required bool RecoverMoney { get; init; }

    public required bool Published { get; init; }
}

public sealed record RevocationGround
{
    public required string Code { get; init; }

    public required ApplicantCategory Category { get; init; }

    public required string Text { get; init; }

    public required string Article { get; init; }

    /// <summary>The ban this ground brings, by reason (fraud, false materials, other).</summary>
    public required BanReason Consequence { get; init; }

    /// <summary>Only within the revocation window (Changde §30, Benxi §32); false = any time.</summary>
    public bool WithinWindowOnly { get; init; }
}

public sealed record AfterAwardRule
{
    /// <summary>Years an award stays valid (Benxi §4: 5); null = no end.</summary>
    public int? ValidityYears { get; init; }

    public string? ValidityArticle { get; init; }

    /// <summary>Rules for using the title, in the regulation's words.</summary>
    public required string UseOfTitle { get; init; }

    public required string UseOfTitleArticle { get; init; }

    /// <summary>Months between periodic visits (定期巡访); null if the regulation has none.</summary>
    public int? InspectionIntervalMonths { get; init; }

    public string? InspectionArticle { get; init; }

    /// <summary>Months between department consultations about holders (office setting).</summary>
    public int? HolderConsultationIntervalMonths { get; init; }

    /// <summary>Holders must report a major change of their quality model (Changde §42).</summary>
    public bool ChangeReportRequired { get; init; }

    public string? ChangeReportArticle { get; init; }

    public required string SharingDutyArticle { get; init; }
}

public sealed record ObjectionRule
{
    public required bool AnonymousAllowed { get; init; }

    /// <summary>提倡实名举报 (Xinzhou §25).</summary>
    public bool RealNameEncouraged { get; init; }

    /// <summary>The objector is told the result (Changde §40).</summary>
    public required bool ResultToObjector { get; init; }

    public required string Article { get; init; }
}

/// <summary>The office as the regulation names it, e.g. 威海市质量强市领导小组办公室 (Weihai §8).</summary>
public sealed record OfficeRule
{
    public required string Name { get; init; }

    /// <summary>The articles that name it and have it publish notices and take objections.</summary>
    public required string Article { get; init; }
}

/// <summary>The certificate the government issues to each winner, as the regulation names it.</summary>
public sealed record CertificateRule
{
    /// <summary>颁发机关 as printed under the text, e.g. 威海市人民政府.</summary>
    public required string IssuedBy { get; init; }

    /// <summary>The article that has the certificate issued (e.g. Weihai §16).</summary>
    public required string Article { get; init; }

    /// <summary>One line per tier offered: its name and its number pattern.</summary>
    public required IReadOnlyList<CertificateTierRule> Tiers { get; init; }

    public CertificateTierRule? For(AwardTier tier) => Tiers.FirstOrDefault(t => t.Tier == tier);
}

public sealed record CertificateTierRule
{
    public required AwardTier Tier { get; init; }

    /// <summary>What the holder won, in the regulation's words, e.g. 常德市市长质量奖提名奖.</summary>
    public required string Title { get; init; }

    /// <summary>
    /// The certificate number, e.g. <c>威质奖〔{year}〕第{seq:3}号</c>: <c>{year}</c> is the cycle's
    /// year, <c>{seq:N}</c> the place in the cycle's sequence of this tier, at least N digits
    /// (see <see cref="CertificateNumbers"/>).
    /// </summary>
    public required string NumberPattern { get; init; }
}
