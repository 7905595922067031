using QualityAward.Domain;

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

    /// <summary>A Beijing wall-clock date and time (Asia/Shanghai, no time zone), millisecond precision.</summary>
    LocalDateTime,
}

/// <summary>
/// A column of the export. <paramref name="BeijingOf"/> names the timestamp column a
/// <see cref="ColumnType.Date"/> or <see cref="ColumnType.LocalDateTime"/> column is computed
/// from (its Asia/Shanghai date, or its Beijing wall-clock time): the builders never supply those
/// values, <see cref="ReportSchema.Rows"/> fills them in.
/// </summary>
public sealed record ReportColumn(string Name, ColumnType Type, bool Nullable, string? BeijingOf = null);

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

    /// <summary>
    /// A timestamp the office reports on (<c>x_at</c>, UTC) followed by its Asia/Shanghai date
    /// (<c>x_on</c>) and, with <paramref name="time"/>, its Beijing wall-clock time
    /// (<c>x_at_beijing</c>): what a date slicer or an "after 17:00" filter needs, without adding 8 hours by hand.
    /// </summary>
    private static ReportColumn[] At(string name, bool nullable = false, bool time = false)
    {
        if (!name.EndsWith("_at", StringComparison.Ordinal))
        {
            throw new ArgumentException($"{name}: a timestamp the office reports on is named x_at.", nameof(name));
        }

        var on = new ReportColumn(name[..^3] + "_on", ColumnType.Date, nullable, name);
        return time
            ? [T(name, nullable), on, new ReportColumn(name + "_beijing", ColumnType.LocalDateTime, nullable, name)]
            : [T(name, nullable), on];
    }

    /// <summary>A label dimension: one row per code of a vocabulary, with its zh-CN and English names and its order.</summary>
    public static IReadOnlyList<ReportColumn> Label { get; } = [S("code"), S("name_zh"), S("name_en"), I("sort_order")];

    public static IReadOnlyList<ReportColumn> DimPolicy { get; } =
    [
        S("policy_id"), S("city_code"), S("city_name"), S("city_name_en"), S("award_name"), S("document_title"),
        S("document_number", true), S("document_status"), S("document_status_zh"), S("document_status_en"),
        D("issued_on", true), D("valid_from", true), D("valid_to", true), I("cycle_length_years", true),
    ];

    public static IReadOnlyList<ReportColumn> DimCycle { get; } =
    [
        S("cycle_id"), S("policy_id"), I("year"), S("title"), D("submission_opens_on"), D("submission_closes_on"),
        B("submissions_closed"), S("status"), S("status_zh"), S("status_en"), .. At("opened_at"), D("awards_announced_on", true),
        S("announcement_reference", true), B("is_rehearsal"),
    ];

    public static IReadOnlyList<ReportColumn> DimStage { get; } =
    [
        S("stage_key"), S("cycle_id"), S("policy_id"), I("stage_index"), I("position"), S("stage"), S("stage_title"),
        S("stage_label"), S("stage_kind_zh"), S("stage_kind_en"), I("stage_kind_order"), S("article"), S("notice_list", true),
        B("organisations_only"),
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
        S("current_stage_key", true), S("current_stage_title", true),
        S("district_key", true), S("district_id", true), S("recommender_kind", true), S("recommender_id", true),
        S("industry_code", true), S("industry_sector", true), S("organisation_size", true), S("sector"),
        S("applicant_name", true), S("credit_code", true), .. At("created_at"), .. At("submitted_at", true, time: true),
        .. At("ended_at", true), B("awarded"),
    ];

    public static IReadOnlyList<ReportColumn> FactStageDuration { get; } =
    [
        S("application_id"), S("cycle_id"), I("stage_index"), S("stage"), S("stage_key"), .. At("entered_at"), .. At("left_at", true),
        F("duration_hours", true), I("duration_working_days", true), B("is_current"), B("passed"), B("ended_here"),
    ];

    public static IReadOnlyList<ReportColumn> FactScore { get; } =
    [
        S("application_id"), S("cycle_id"), S("score_kind"), S("stage"), S("stage_key", true), M("points"), M("max_points", true), M("percent"),
        M("preference_bonus", true), .. At("scored_at"),
    ];

    public static IReadOnlyList<ReportColumn> FactAward { get; } =
    [
        S("application_id"), S("cycle_id"), S("policy_id"), S("category"), S("tier"), I("year"), D("awarded_on"),
        L("money_yuan"), B("outside_quota"), S("prizes"), S("announcement_reference"), B("revoked"),
    ];

    public static IReadOnlyList<ReportColumn> FactRevocation { get; } =
    [
        S("application_id"), S("cycle_id"), S("policy_id"), S("ground_code"), S("ground_text", true), S("consequence"), D("revoked_on"),
        L("money_to_recover_yuan"), S("decision_reference"),
    ];

    public static IReadOnlyList<ReportColumn> FactNotice { get; } =
    [
        S("notice_id"), S("cycle_id"), S("policy_id"), S("list"), S("stage_key", true), S("article"), D("first_day"), D("last_day"), I("working_days"),
        .. At("opened_at"), T("closes_at"), B("anonymous_allowed"), I("entries_at_open"), I("entries_at_close", true), I("entries_removed"),
        I("objections"), I("objections_upheld"), I("objections_open"), .. At("closed_at", true),
    ];

    public static IReadOnlyList<ReportColumn> FactObjection { get; } =
    [
        S("objection_id"), S("notice_id"), S("cycle_id"), S("policy_id"), S("list"), S("application_id", true), S("applicant_name", true),
        B("real_name"), I("evidence_files"), .. At("filed_at", time: true), .. At("finding_at", true, time: true), B("upheld", true), B("entry_removed"),
        I("working_days_to_finding", true), F("hours_to_finding", true), B("objector_notified"), .. At("objector_notified_at", true),
    ];

    public static IReadOnlyList<ReportColumn> FactConsultationReply { get; } =
    [
        S("consultation_id"), S("cycle_id"), S("policy_id"), I("stage_index"), S("stage"), S("stage_key", true), B("about_holder"), S("article"),
        S("department_id"), I("applicants_asked"), .. At("opened_at"), I("reply_working_days_allowed"), D("reply_by"), T("due_at"),
        .. At("answered_at", true, time: true), I("reply_working_days", true), F("reply_hours", true), I("adverse_records", true), B("reminded"),
        .. At("reminded_at", true), B("overdue"), B("closed_without_answer"),
    ];

    public static IReadOnlyList<ReportColumn> DimReviewer { get; } =
    [
        S("expert_id"), S("field"), S("industry_codes", true), B("employer_credit_code_known"), B("active"),
    ];

    public static IReadOnlyList<ReportColumn> FactInspection { get; } =
    [
        S("application_id"), S("cycle_id"), S("policy_id"), S("category"), S("holder_key", true), I("inspection_number"),
        D("due_on", true), .. At("due_recorded_at", true), S("inspection_id", true), D("visited_on", true), .. At("visit_recorded_at", true),
        I("days_late", true), B("follow_up"),
    ];

    public static IReadOnlyList<ReportColumn> FactReviewScore { get; } =
    [
        S("application_id"), S("cycle_id"), S("stage"), S("stage_key", true), S("expert_id"), S("panel_key", true), M("total"),
        .. At("submitted_at", time: true), B("recused"), B("counts"),
    ];

    public static IReadOnlyList<ReportColumn> DimPanel { get; } =
    [
        S("panel_key"), S("cycle_id"), S("panel_id"), S("name"), S("industry_group", true), S("leader_expert_id"), I("members"),
        .. At("formed_at"),
    ];

    public static IReadOnlyList<ReportColumn> FactPanelMember { get; } =
    [
        S("panel_key"), S("cycle_id"), S("expert_id"), B("is_leader"),
    ];

    public static IReadOnlyList<ReportColumn> FactPanelAssignment { get; } =
    [
        S("panel_key"), S("application_id"), S("cycle_id"), S("stage"), S("stage_key", true), .. At("assigned_at"), I("members"),
        I("members_recused"), I("sheets_submitted"), I("rescores_requested"), .. At("report_signed_at", true), M("panel_points", true),
        M("max_points", true), I("disagreements", true),
    ];

    public static IReadOnlyList<ReportColumn> FactRecusal { get; } =
    [
        S("application_id"), S("cycle_id"), S("expert_id"), S("basis"), .. At("recused_at"),
    ];

    public static IReadOnlyList<ReportColumn> FactConductRating { get; } =
    [
        S("application_id"), S("cycle_id"), S("expert_id"), I("rating"), B("has_comment"), .. At("rated_at"),
    ];

    public static IReadOnlyList<ReportColumn> FactHolderConsultation { get; } =
    [
        S("application_id"), S("cycle_id"), D("due_on"), .. At("due_recorded_at"), S("consultation_id", true), I("departments_asked", true),
        I("departments_answered", true), I("adverse_records"),
    ];

    public static IReadOnlyList<ReportColumn> FactBan { get; } =
    [
        S("ban_id"), S("policy_id"), S("holder_key", true), S("reason"), D("starts_on"), I("length_years", true), I("length_cycles", true),
        B("permanent"), D("allowed_again_on", true), B("all_quality_awards"), S("article"), S("decision_reference"), .. At("recorded_at"),
    ];

    public static IReadOnlyList<ReportColumn> FactRecovery { get; } =
    [
        S("application_id"), S("cycle_id"), L("yuan"), D("recovered_on"), S("reference"), .. At("recorded_at"),
    ];

    /// <summary>
    /// One row per orchestration instance of the app's task hub (issue 15 item 3): what it is
    /// about, its runtime status, what it waits for and until when (its custom status), and why it
    /// failed. Read from the task hub at export time, not from the events.
    /// </summary>
    public static IReadOnlyList<ReportColumn> FactOrchestration { get; } =
    [
        S("instance_id"), S("kind"), S("orchestrator"), S("cycle_id"), S("application_id", true), S("notice_id", true), S("consultation_id", true),
        S("runtime_status"), S("waiting_for", true), S("waiting_for_zh", true), S("waiting_for_en", true), S("waiting_role", true),
        .. At("waiting_since_at", true), .. At("until_at", true, time: true), B("overdue", true), S("problem_code", true), S("problem_zh", true),
        .. At("created_at", time: true), .. At("last_updated_at", time: true), S("failure_type", true), S("failure", true),
    ];

    /// <summary>The label dimensions, each named after its vocabulary.</summary>
    public static IReadOnlyList<string> LabelTables { get; } =
    [
        "dim_application_status", "dim_category", "dim_organisation_size", "dim_sector", "dim_industry_sector",
        "dim_recommender_kind", "dim_tier", "dim_notice_list", "dim_ban_reason", "dim_recusal_basis",
        "dim_orchestration_kind", "dim_orchestration_status",
    ];

    /// <summary>Every exported table and its columns, in export order.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<ReportColumn>> Tables { get; } = BuildTables();

    private static Dictionary<string, IReadOnlyList<ReportColumn>> BuildTables()
    {
        var tables = new Dictionary<string, IReadOnlyList<ReportColumn>>
        {
            ["dim_policy"] = DimPolicy,
            ["dim_cycle"] = DimCycle,
            ["dim_stage"] = DimStage,
            ["dim_district"] = DimDistrict,
            ["dim_industry"] = DimIndustry,
            ["dim_department"] = DimDepartment,
        };
        foreach (var label in LabelTables)
        {
            tables[label] = Label;
        }

        tables["fact_application"] = FactApplication;
        tables["fact_stage_duration"] = FactStageDuration;
        tables["fact_score"] = FactScore;
        tables["fact_award"] = FactAward;
        tables["fact_revocation"] = FactRevocation;
        tables["fact_recovery"] = FactRecovery;
        tables["fact_notice"] = FactNotice;
        tables["fact_objection"] = FactObjection;
        tables["fact_consultation_reply"] = FactConsultationReply;
        tables["dim_reviewer"] = DimReviewer;
        tables["dim_panel"] = DimPanel;
        tables["fact_panel_member"] = FactPanelMember;
        tables["fact_panel_assignment"] = FactPanelAssignment;
        tables["fact_review_score"] = FactReviewScore;
        tables["fact_recusal"] = FactRecusal;
        tables["fact_conduct_rating"] = FactConductRating;
        tables["fact_inspection"] = FactInspection;
        tables["fact_holder_consultation"] = FactHolderConsultation;
        tables["fact_ban"] = FactBan;
        tables["fact_orchestration"] = FactOrchestration;
        return tables;
    }

    /// <summary>
    /// The full rows of a table from the builder's rows, which hold a value for every column
    /// except the Beijing date and time columns: those are computed here from their timestamp.
    /// </summary>
    public static List<object?[]> Rows(IReadOnlyList<ReportColumn> columns, IEnumerable<object?[]> given)
    {
        var sources = columns.Where(c => c.BeijingOf is null).Select(c => c.Name).ToList();
        var rows = new List<object?[]>();
        foreach (var values in given)
        {
            if (values.Length != sources.Count)
            {
                throw new InvalidOperationException($"A row has {values.Length} values for {sources.Count} columns ({string.Join(", ", sources)}).");
            }

            var row = new object?[columns.Count];
            var next = 0;
            for (var i = 0; i < columns.Count; i++)
            {
                var c = columns[i];
                row[i] = c.BeijingOf is { } source
                    ? Beijing(c, values[sources.IndexOf(source)])
                    : values[next++];
            }

            rows.Add(row);
        }

        return rows;
    }

    private static object? Beijing(ReportColumn column, object? instant) => instant switch
    {
        null => null,
        DateTimeOffset at when column.Type == ColumnType.Date => ShanghaiTime.DateOf(at),
        DateTimeOffset at => ShanghaiTime.ToShanghai(at).DateTime,
        _ => throw new InvalidOperationException($"{column.Name} is computed from {column.BeijingOf}, which holds {instant.GetType().Name}, not an instant."),
    };
}
