namespace QualityAward.Functions.Reporting;

/// <summary>The type of a column as Parquet stores it (and as reports/schema.md names it).</summary>
public enum ColumnType
{
    /// <summary>UTF-8 text.</summary>
    String,

    Int32,

    Int64,

    /// <summary>decimal(18,4): scores and percentages.</summary>
    Decimal,

    Double,

    Boolean,

    /// <summary>A calendar date (Asia/Shanghai), no time.</summary>
    Date,

    /// <summary>An instant in UTC, millisecond precision.</summary>
    Timestamp,
}

public sealed record ReportColumn(string Name, ColumnType Type, bool Nullable);

/// <summary>One table of the star schema: its columns in order, and its rows (one value per column).</summary>
public sealed record ReportTable(string Name, IReadOnlyList<ReportColumn> Columns, IReadOnlyList<object?[]> Rows);

/// <summary>
/// The reporting star schema. Documented column by column in <c>reports/schema.md</c>; a test
/// compares that document with the exported Parquet files, so neither can drift. Raise
/// <see cref="Version"/> when a column is removed, renamed or changes type (files go to a new
/// <c>v{n}/</c> folder, so old reports keep working on the old one).
/// </summary>
public static class ReportSchema
{
    public const int Version = 1;

    public const int DecimalPrecision = 18;

    public const int DecimalScale = 4;

    private static ReportColumn S(string name, bool nullable = false) => new(name, ColumnType.String, nullable);

    private static ReportColumn I(string name, bool nullable = false) => new(name, ColumnType.Int32, nullable);

    private static ReportColumn L(string name, bool nullable = false) => new(name, ColumnType.Int64, nullable);

    private static ReportColumn M(string name, bool nullable = false) => new(name, ColumnType.Decimal, nullable);

    private static ReportColumn F(string name, bool nullable = false) => new(name, ColumnType.Double, nullable);

    private static ReportColumn B(string name, bool nullable = false) => new(name, ColumnType.Boolean, nullable);

    private static ReportColumn D(string name, bool nullable = false) => new(name, ColumnType.Date, nullable);

    private static ReportColumn T(string name, bool nullable = false) => new(name, ColumnType.Timestamp, nullable);

    public static IReadOnlyList<ReportColumn> DimPolicy { get; } =
    [
        S("policy_id"), S("city_code"), S("city_name"), S("city_name_en"), S("award_name"), S("document_title"),
        S("document_number", true), S("document_status"), D("issued_on", true), D("valid_from", true), D("valid_to", true),
        I("cycle_length_years", true),
    ];

    public static IReadOnlyList<ReportColumn> DimCycle { get; } =
    [
        S("cycle_id"), S("policy_id"), I("year"), S("title"), D("submission_opens_on"), D("submission_closes_on"),
        B("submissions_closed"), S("status"), T("opened_at"), D("awards_announced_on", true), S("announcement_reference", true),
    ];

    public static IReadOnlyList<ReportColumn> DimDistrict { get; } =
    [
        S("district_key"), S("policy_id"), S("district_id"), S("district_name"), S("district_code", true),
    ];

    public static IReadOnlyList<ReportColumn> DimIndustry { get; } =
    [
        S("industry_code"), S("section_code"), S("section_name", true),
    ];

    public static IReadOnlyList<ReportColumn> DimDepartment { get; } =
    [
        S("department_id"), S("name_zh"), S("name_en"),
    ];

    public static IReadOnlyList<ReportColumn> FactApplication { get; } =
    [
        S("application_id"), S("cycle_id"), S("policy_id"), S("category"), S("status"), S("current_stage", true),
        S("district_key", true), S("district_id", true), S("recommender_kind", true), S("recommender_id", true),
        S("industry_code", true), S("industry_sector", true), S("organisation_size", true), S("sector"),
        S("applicant_name", true), S("credit_code", true), T("created_at"), T("submitted_at", true), T("ended_at", true),
        B("awarded"),
    ];

    public static IReadOnlyList<ReportColumn> FactStageDuration { get; } =
    [
        S("application_id"), S("cycle_id"), I("stage_index"), S("stage"), T("entered_at"), T("left_at", true),
        F("duration_hours", true),
    ];

    public static IReadOnlyList<ReportColumn> FactScore { get; } =
    [
        S("application_id"), S("cycle_id"), S("score_kind"), S("stage"), M("points"), M("max_points", true), M("percent"),
        M("preference_bonus", true), T("scored_at"),
    ];

    public static IReadOnlyList<ReportColumn> FactAward { get; } =
    [
        S("application_id"), S("cycle_id"), S("policy_id"), S("category"), S("tier"), I("year"), D("awarded_on"),
        L("money_yuan"), B("outside_quota"), S("prizes"), S("announcement_reference"), B("revoked"),
    ];

    public static IReadOnlyList<ReportColumn> FactRevocation { get; } =
    [
        S("application_id"), S("cycle_id"), S("policy_id"), S("ground_code"), S("consequence"), D("revoked_on"),
        L("money_to_recover_yuan"), S("decision_reference"),
    ];

    public static IReadOnlyList<ReportColumn> FactNotice { get; } =
    [
        S("notice_id"), S("cycle_id"), S("policy_id"), S("list"), S("article"), D("first_day"), D("last_day"), I("working_days"),
        T("opened_at"), T("closes_at"), B("anonymous_allowed"), I("entries_at_open"), I("entries_at_close", true), I("entries_removed"),
        I("objections"), I("objections_upheld"), I("objections_open"), T("closed_at", true),
    ];

    public static IReadOnlyList<ReportColumn> FactObjection { get; } =
    [
        S("objection_id"), S("notice_id"), S("cycle_id"), S("policy_id"), S("list"), S("application_id", true), S("applicant_name", true),
        B("real_name"), I("evidence_files"), T("filed_at"), T("finding_at", true), B("upheld", true), B("entry_removed"),
        I("working_days_to_finding", true), F("hours_to_finding", true), B("objector_notified"), T("objector_notified_at", true),
    ];

    public static IReadOnlyList<ReportColumn> FactConsultationReply { get; } =
    [
        S("consultation_id"), S("cycle_id"), S("policy_id"), I("stage_index"), S("stage"), S("article"), S("department_id"),
        I("applicants_asked"), T("opened_at"), I("reply_working_days_allowed"), D("reply_by"), T("due_at"), T("answered_at", true),
        I("reply_working_days", true), F("reply_hours", true), I("adverse_records", true), B("reminded"), T("reminded_at", true),
        B("overdue"), B("closed_without_answer"),
    ];

    public static IReadOnlyList<ReportColumn> DimReviewer { get; } =
    [
        S("expert_id"), S("field"), S("industry_codes", true), B("employer_credit_code_known"), B("active"),
    ];

    public static IReadOnlyList<ReportColumn> FactInspection { get; } =
    [
        S("application_id"), S("cycle_id"), S("policy_id"), S("category"), S("holder_key", true), I("inspection_number"),
        D("due_on", true), T("due_recorded_at", true), S("inspection_id", true), D("visited_on", true), T("visit_recorded_at", true),
        I("days_late", true), B("follow_up"),
    ];

    public static IReadOnlyList<ReportColumn> FactReviewScore { get; } =
    [
        S("application_id"), S("cycle_id"), S("stage"), S("expert_id"), M("total"), T("submitted_at"), B("recused"),
    ];

    /// <summary>Every exported table and its columns, in export order.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<ReportColumn>> Tables { get; } = new Dictionary<string, IReadOnlyList<ReportColumn>>
    {
        ["dim_policy"] = DimPolicy,
        ["dim_cycle"] = DimCycle,
        ["dim_district"] = DimDistrict,
        ["dim_industry"] = DimIndustry,
        ["dim_department"] = DimDepartment,
        ["fact_application"] = FactApplication,
        ["fact_stage_duration"] = FactStageDuration,
        ["fact_score"] = FactScore,
        ["fact_award"] = FactAward,
        ["fact_revocation"] = FactRevocation,
        ["fact_notice"] = FactNotice,
        ["fact_objection"] = FactObjection,
        ["fact_consultation_reply"] = FactConsultationReply,
        ["dim_reviewer"] = DimReviewer,
        ["fact_inspection"] = FactInspection,
        ["fact_review_score"] = FactReviewScore,
    };
}
