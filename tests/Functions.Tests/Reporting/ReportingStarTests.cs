using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Sas;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Consultations;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Reporting;
using QualityAward.Functions.Tests.Consultations;
using QualityAward.Functions.Tests.Infrastructure;
using QualityAward.Functions.Tests.Review;

namespace QualityAward.Functions.Tests.Reporting;

/// <summary>
/// The export as an analyst meets it. A Changde cycle is walked to the award through the real
/// app — a consultation round the departments answer, an acceptance notice with an objection,
/// panels that score (a re-score, a recusal), the candidate rating its site reviewers — then a
/// visit and a consultation about the holder fall due, the award is revoked and a ban recorded;
/// a Benxi award is revoked and its money partly paid back; a second Changde applicant is not
/// recommended. The office's export is then fetched exactly where reports/powerquery/ReportingTable.pq
/// reads it, with a read-only container SAS that cannot list, and read with DuckDB (npm
/// @duckdb/node-api: an independent Parquet reader, nothing of the writer's code). Checked:
/// DuckDB's column types, labels, stage order, Beijing dates and times, every relationship of
/// reports/README.md (unique one side, no orphan, rows that join, one path between any two
/// tables), the guide's DAX naming only exported columns, and no secret in any file.
/// </summary>
public sealed partial class ReportingStarTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private const string Cycle = "changde-2025";
    private const string WinnerName = "常德甲精密制造有限公司";
    private const string WinnerKey = "91350100M000100Y43";
    private const string WinnerOwner = "winner-owner";
    private const string BenxiKey = "91440300708461136T";

    private const string ObjectionText = "该公司2025年发生质量事故，有报道为证。";
    private const string Finding = "经核查，报道所称事故不属实，异议不成立。";
    private const string RecusalReason = "评分后查明该专家曾为申报单位提供咨询服务";
    private const string RescoreReason = "结果类评分与证据不符，请复评";
    private const string RatingComment = "严格按准则评审，廉洁自律";
    private const string HolderAdverse = "2026年5月因偷逃税款被处以罚款。";
    private const string BanCause = "申报材料中的检验报告系伪造";
    private const string Respondent = "李科长 0736-7000000";
    private const string Findings = "质量管理体系运行正常，巡访发现甲线记录缺失。";

    private readonly HashSet<int> _handled = [];
    private GraphStandIn _graph = null!;
    private TestApp _app = null!;
    private ReviewFlow _flow = null!;

    private static DateTimeOffset Bj(int y, int m, int d, int h, int min, int s = 0) => new(y, m, d, h, min, s, TimeSpan.FromHours(8));

    public async Task InitializeAsync()
    {
        _graph = await GraphStandIn.StartAsync();
        _app = await TestApp.StartAsync(azurite, Bj(2025, 3, 3, 9, 0), configure: ConsultationTests.Configure(_graph));
        _flow = new ReviewFlow(_app, Cycle, "changde");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _graph.DisposeAsync();
    }

    [Fact]
    public async Task ACycleWalkedToTheAward_ReadWithDuckDb_HasLabelsStageOrderBeijingDates_AndEveryRelationshipOfTheGuideJoins()
    {
        var (winner, declined) = await WalkAsync();
        await (await _app.As(Roles.Office).PostAsync("/api/reporting/export", null)).ExpectAsync(200);
        var dir = await DownloadAsTheQueriesDoAsync();
        try
        {
            var relationships = GuideRelationships();
            var duck = await DuckDbAsync(dir, Queries(winner, declined, relationships));

            ColumnTypes(duck);
            LabelNames(duck, winner, declined);
            StageOrder(duck, winner, declined, await CycleStagesAsync());
            BeijingTimes(duck);
            Relationships(duck, relationships);
            Facts(duck, winner);
            NoSecrets(duck);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // ---- the walk ---------------------------------------------------------------------------------

    private async Task<(string Winner, string Declined)> WalkAsync()
    {
        var office = _app.As(Roles.Office);
        await Holders.OpenCycleAsync(_app, "changde", 2025, "2025-03-03", "2025-04-30");
        await Holders.OpenCycleAsync(_app, "benxi", 2025, "2025-03-03", "2025-04-30");
        var benxi = await Holders.AwardAsync(_app, "benxi-2025", "benxi-owner", Forms.BenxiOrganisation("本溪甲钢铁有限公司", BenxiKey), new DateOnly(2025, 6, 30));

        const string declinedOwner = "declined-owner";
        var declined = await Applicants.SubmitAsync(_app, _app.As(Roles.Applicant, subject: declinedOwner), declinedOwner, Cycle, ConsultationTests.ChangdeForm("常德乙电子有限公司", ReviewFlow.CreditCodeFor(7)));
        await (await _app.As(Roles.Recommender, affiliation: "430700:wuling").PostJsonAsync($"/api/applications/{declined}/decline", new { reason = "近三年有行政处罚记录。" })).ExpectAsync(200);

        // Submitted at 00:30 Beijing time on 4 March: still 3 March in UTC.
        _app.Clock.SetUtcNow(Bj(2025, 3, 4, 0, 30));
        var winner = await Holders.AwardAsync(_app, Cycle, WinnerOwner, ConsultationTests.ChangdeForm(WinnerName, WinnerKey), new DateOnly(2025, 6, 30), DoStageAsync);

        // A year on: the visit and the consultation about the holder fall due; tax reports an adverse record.
        _app.Clock.SetUtcNow(Bj(2026, 6, 30, 1, 0, 0));
        await _app.RunTimerAsync("HolderSupervision");
        await _app.SettleAsync();
        var holderRound = ConsultationIds.ForHolder(winner, new DateOnly(2026, 6, 30));
        _app.Clock.SetUtcNow(Bj(2026, 7, 2, 10, 0));
        await ReportingProcessTests.AnswerAsync(_app, _graph, holderRound, "tax", new() { ["v-" + winner] = "adverse", ["d-" + winner] = HolderAdverse });
        await _app.SettleAsync();
        await (await office.PostJsonAsync($"/api/register/awards/{winner}/inspections", new { visitedOn = "2026-07-02", findings = Findings, followUps = "下次巡访核查记录整改情况。" })).ExpectAsync(200);

        // The award is revoked and a ban recorded; Benxi's award too, its money partly paid back.
        _app.Clock.SetUtcNow(Bj(2026, 7, 20, 10, 0));
        await RevokeAsync(winner, "serious-violation", "常政发〔2026〕9号");
        await (await office.PostJsonAsync($"/api/register/holders/{WinnerKey}/bans", new { policyId = "changde", reason = "falseMaterials", startsOn = "2026-07-20", cause = BanCause, decisionReference = "常质奖办〔2026〕3号" })).ExpectAsync(200);
        await RevokeAsync(benxi, "major-incident", "本政发〔2026〕12号");
        await (await office.PostJsonAsync($"/api/register/holders/{BenxiKey}/bans", new { policyId = "benxi", reason = "revocation", startsOn = "2026-07-20", cause = "奖励被撤销", decisionReference = "本质奖办〔2026〕5号" })).ExpectAsync(200);
        _app.Clock.SetUtcNow(Bj(2026, 7, 27, 10, 0));
        await (await office.PostJsonAsync($"/api/register/awards/{benxi}/recoveries", new { yuan = 150_000, recoveredOn = "2026-07-25", reference = "财政收据〔2026〕001" })).ExpectAsync(200);
        await _app.SettleAsync();
        return (winner, declined);
    }

    private async Task RevokeAsync(string applicationId, string ground, string reference)
    {
        var office = _app.As(Roles.Office);
        var proposed = await (await office.PostJsonAsync($"/api/register/awards/{applicationId}/revocation-proposals", new { groundCode = ground, reason = "获奖后发生严重违法违规情形，经查属实。", occurredOn = "2026-05-20" })).ExpectAsync(200);
        var proposalId = proposed.GetProperty("events")[0].GetProperty("event").Str("proposalId");
        await (await office.PostJsonAsync($"/api/register/awards/{applicationId}/revocation", new { proposalId, revokedOn = "2026-07-20", decisionReference = reference })).ExpectAsync(200);
    }

    /// <summary>The stages done through the real app rather than by the walk's commands.</summary>
    private async Task<bool> DoStageAsync(string id, int index, StageRule stage)
    {
        if (!_handled.Add(index))
        {
            return false;
        }

        switch (stage.Kind)
        {
            case StageKind.Consultation:
                _app.Clock.SetUtcNow(Bj(2025, 3, 10, 9, 0));
                var round = (await (await _app.As(Roles.Office).PostJsonAsync($"/api/cycles/{Cycle}/consultations", new { })).ExpectAsync(201)).Str("consultationId");
                _app.Clock.SetUtcNow(Bj(2025, 3, 11, 10, 0));
                foreach (var department in new[] { "ecologyenvironment", "emergencymanagement", "humanresourcessocialsecurity", "marketregulation", "tax" })
                {
                    await ReportingProcessTests.AnswerAsync(_app, _graph, round, department, new() { ["v-" + id] = "none" });
                }

                await _app.SettleAsync();
                return true;

            case StageKind.PublicNotice when stage.List == NoticeList.Acceptance:
                _app.Clock.SetUtcNow(Bj(2025, 3, 17, 9, 0));
                var notice = (await (await _app.As(Roles.Office).PostJsonAsync($"/api/cycles/{Cycle}/notices", new { list = "acceptance", firstDay = "2025-03-17" })).ExpectAsync(201)).Str("noticeId");
                _app.Clock.SetUtcNow(Bj(2025, 3, 17, 10, 0));
                var objection = (await (await _app.Anonymous().PostJsonAsync($"/api/public/notices/{notice}/objections", new { applicationId = id, realName = false, text = ObjectionText })).ExpectAsync(201)).Str("objectionId");
                _app.Clock.SetUtcNow(Bj(2025, 3, 19, 15, 0));
                await (await _app.As(Roles.Office).PostJsonAsync($"/api/notices/{notice}/objections/{objection}/finding", new { upheld = false, finding = Finding })).ExpectAsync(200);
                _app.Clock.SetUtcNow(Bj(2025, 3, 22, 0, 0, 1));
                await _app.SettleAsync();
                return true;

            case StageKind.MaterialReview:
                _app.Clock.SetUtcNow(Bj(2025, 4, 1, 9, 0));
                foreach (var expert in new[] { "cd-1", "cd-2", "cd-3" })
                {
                    await _flow.AddExpertAsync(expert, $"{expert}所在大学");
                }

                await _flow.FormPanelAsync("pm", "cd-1", "cd-1", "cd-2", "cd-3");
                await _flow.AssignAsync(id, "materialReview", "pm");
                await (await _flow.ScoreAsync("cd-1", id, "materialReview", 0.8m)).ExpectAsync(200);
                await (await _flow.ScoreAsync("cd-2", id, "materialReview", 0.6m)).ExpectAsync(200);
                await (await _flow.ScoreAsync("cd-3", id, "materialReview", 0.9m)).ExpectAsync(200);
                var item = (await _flow.SheetAsync()).Keys.First();
                _app.Clock.SetUtcNow(Bj(2025, 4, 1, 10, 0));
                await (await _flow.Reviewer("cd-1").PostJsonAsync($"/api/applications/{id}/reviews/materialReview/rescore", new { expertId = "cd-2", itemCodes = new[] { item }, reason = RescoreReason })).ExpectAsync(200);
                // A re-score changes only the item sent back (issue 16).
                await (await _flow.Reviewer("cd-2").PostJsonAsync($"/api/applications/{id}/reviews/materialReview/scores", new { items = new Dictionary<string, decimal> { [item] = (await _flow.ItemsAsync(0.7m))[item] } })).ExpectAsync(200);
                await (await _flow.Office.PostJsonAsync($"/api/applications/{id}/recusals", new { expertId = "cd-3", recuse = true, reason = RecusalReason })).ExpectAsync(200);
                await (await _flow.Reviewer("cd-1").PostJsonAsync($"/api/applications/{id}/reviews/materialReview/report", new { summary = "材料评审组报告：符合标准要求" })).ExpectAsync(200);
                await _app.SettleAsync();
                await Holders.RunAsync(_app, id, new ApplyShortlistDecision(true, 1), new Actor("office-test", Roles.Office, "评委会办公室"));
                return true;

            case StageKind.SiteReview:
                _app.Clock.SetUtcNow(Bj(2025, 4, 21, 9, 0));
                await _flow.FormPanelAsync("ps", "cd-2", "cd-1", "cd-2");
                await _flow.ReviewAsync(id, "siteReview", "ps", "cd-2", ["cd-1", "cd-2"], 0.85m);
                await (await _app.As(Roles.Applicant, subject: WinnerOwner).PostJsonAsync($"/api/applications/{id}/reviewer-ratings", new
                {
                    ratings = new object[] { new { expertId = "cd-1", rating = 4, comment = RatingComment }, new { expertId = "cd-2", rating = 5 } },
                })).ExpectAsync(200);
                return true;

            default:
                return false;
        }
    }

    private async Task<List<(int Index, string Kind, string Title)>> CycleStagesAsync() =>
        [.. (await (await _app.Anonymous().GetAsync($"/api/cycles/{Cycle}")).ExpectAsync(200)).GetProperty("stages").EnumerateArray()
            .Select(s => (s.GetProperty("index").GetInt32(), s.Str("kind"), s.Str("title")))];

    // ---- where Power Query reads -----------------------------------------------------------------

    /// <summary>
    /// Every table of the export, fetched from the address reports/powerquery/ReportingTable.pq
    /// builds (its expression evaluated here), with a SAS that may read the container's blobs and
    /// nothing else: no account-level access, no listing. Written to a fresh folder as {table}.parquet.
    /// </summary>
    private async Task<string> DownloadAsTheQueriesDoAsync()
    {
        var container = _app.Storage.Container(ReportExporter.Container);
        var sas = container.GenerateSasUri(BlobContainerSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1)).Query;
        using var http = new HttpClient();

        var listing = await http.GetAsync($"{container.Uri}?restype=container&comp=list&{sas.TrimStart('?')}");
        Assert.Equal(HttpStatusCode.Forbidden, listing.StatusCode);

        var dir = Directory.CreateTempSubdirectory("qa-duckdb-").FullName;
        var queries = Directory.EnumerateFiles(Path.Combine(Repository.Root, "reports", "powerquery"), "*.pq")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(n => n!.StartsWith("dim_", StringComparison.Ordinal) || n.StartsWith("fact_", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(ReportSchema.Tables.Keys.Order(), queries.Order());
        foreach (var table in queries)
        {
            var url = QueryUrl(container.Uri.ToString(), table!);
            var answer = await http.GetAsync(url + sas);
            Assert.True(answer.IsSuccessStatusCode, $"{table}: GET {url} answered {(int)answer.StatusCode}");
            await File.WriteAllBytesAsync(Path.Combine(dir, table + ".parquet"), await answer.Content.ReadAsByteArrayAsync());
        }

        return dir;
    }

    /// <summary>The blob address ReportingTable.pq builds for a table: its <c>Url = …</c> line, evaluated term by term.</summary>
    private static string QueryUrl(string containerUrl, string table)
    {
        var powerQuery = Path.Combine(Repository.Root, "reports", "powerquery");
        var function = File.ReadAllLines(Path.Combine(powerQuery, "ReportingTable.pq")).Single(l => l.TrimStart().StartsWith("Url = ", StringComparison.Ordinal));
        var version = Regex.Match(File.ReadAllText(Path.Combine(powerQuery, "SchemaVersion.pq")), @"^(\d+)\s+meta", RegexOptions.Multiline).Groups[1].Value;
        var expression = function.Trim()["Url = ".Length..].TrimEnd(',');
        var url = new System.Text.StringBuilder();
        foreach (Match term in Term().Matches(expression))
        {
            var t = term.Groups[1].Value.Trim();
            url.Append(t switch
            {
                """Text.TrimEnd(ReportingContainerUrl, "/")""" => containerUrl.TrimEnd('/'),
                "Number.ToText(SchemaVersion)" => version,
                "table" => table,
                _ when t.StartsWith('"') && t.EndsWith('"') => t[1..^1],
                _ => throw new Xunit.Sdk.XunitException($"ReportingTable.pq: a term this test cannot evaluate: {t}"),
            });
        }

        return url.ToString();
    }

    [GeneratedRegex("""\s*((?:"[^"]*"|[^&"])+)\s*(?:&|$)""")]
    private static partial Regex Term();

    // ---- DuckDB --------------------------------------------------------------------------------

    internal static async Task<Dictionary<string, List<Dictionary<string, string?>>>> DuckDbAsync(string dir, Dictionary<string, string> queries)
    {
        var script = Path.Combine(Repository.Root, "tests", "Functions.Tests", "Reporting", "duckdb", "query.mjs");
        var start = new ProcessStartInfo("node", [script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repository.Root,
        };
        using var node = Process.Start(start)!;
        await node.StandardInput.WriteAsync(JsonSerializer.Serialize(new { dir, queries }));
        node.StandardInput.Close();
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        Assert.True(node.ExitCode == 0, $"DuckDB failed ({node.ExitCode}): {await errors}");
        return JsonSerializer.Deserialize<Dictionary<string, List<Dictionary<string, string?>>>>(await output)!;
    }

    private static string Q(string name) => $"\"{name}\"";

    private static Dictionary<string, string> Queries(string winner, string declined, IReadOnlyList<Relationship> relationships)
    {
        var q = new Dictionary<string, string>();
        foreach (var (table, columns) in ReportSchema.Tables)
        {
            q[$"describe {table}"] = $"DESCRIBE {Q(table)}";
            q[$"count {table}"] = $"SELECT count(*) AS n FROM {Q(table)}";
            var text = columns.Where(c => c.Type == ColumnType.String).Select(c => $"coalesce({Q(c.Name)}, '')").ToList();
            q[$"text {table}"] = text.Count == 0
                ? "SELECT '' AS text"
                : $"SELECT coalesce(string_agg(concat_ws('|', {string.Join(", ", text)}), chr(10)), '') AS text FROM {Q(table)}";
            foreach (var c in columns.Where(c => c.BeijingOf is not null))
            {
                var expected = c.Type == ColumnType.Date
                    ? $"CAST(timezone('Asia/Shanghai', {Q(c.BeijingOf!)}) AS DATE)"
                    : $"timezone('Asia/Shanghai', {Q(c.BeijingOf!)})";
                q[$"beijing {table}.{c.Name}"] =
                    $"SELECT count(*) FILTER (WHERE {Q(c.Name)} IS DISTINCT FROM {expected}) AS wrong, count({Q(c.BeijingOf!)}) AS given FROM {Q(table)}";
            }
        }

        foreach (var label in ReportSchema.LabelTables)
        {
            q[$"label {label}"] = $"""
                SELECT count(*) AS n, count(DISTINCT code) AS codes, count(DISTINCT name_zh) AS zh, count(DISTINCT name_en) AS en,
                       count(DISTINCT sort_order) AS orders, min(sort_order) AS lo, max(sort_order) AS hi,
                       count(*) FILTER (WHERE NOT regexp_matches(name_zh, '\p{'{'}Han{'}'}')) AS not_chinese
                FROM {Q(label)}
                """;
        }

        foreach (var r in relationships)
        {
            q[$"one {r.Number}"] = $"SELECT count(*) AS n, count(DISTINCT {Q(r.OneColumn)}) AS distinct_keys, count({Q(r.OneColumn)}) AS keys FROM {Q(r.One)}";
            q[$"orphans {r.Number}"] = $"SELECT count(*) AS n FROM {Q(r.Many)} m LEFT JOIN {Q(r.One)} o ON m.{Q(r.ManyColumn)} = o.{Q(r.OneColumn)} WHERE m.{Q(r.ManyColumn)} IS NOT NULL AND o.{Q(r.OneColumn)} IS NULL";
            q[$"joined {r.Number}"] = $"SELECT count(*) AS n FROM {Q(r.Many)} m JOIN {Q(r.One)} o ON m.{Q(r.ManyColumn)} = o.{Q(r.OneColumn)}";
        }

        q["status labels"] = $"""
            SELECT a.application_id, s.name_zh AS status_zh, c.name_zh AS category_zh, z.name_zh AS size_zh, d.district_name
            FROM fact_application a JOIN dim_application_status s ON a.status = s.code JOIN dim_category c ON a.category = c.code
            LEFT JOIN dim_organisation_size z ON a.organisation_size = z.code LEFT JOIN dim_district d ON a.district_key = d.district_key
            WHERE a.application_id IN ('{winner}', '{declined}')
            """;
        q["departments"] = "SELECT department_id, name_zh FROM dim_department";
        q["stages"] = $"SELECT stage_key, stage_index, position, stage, stage_title, stage_label, stage_kind_zh FROM dim_stage WHERE cycle_id = '{Cycle}' ORDER BY stage_label";
        q["walk"] = $"""
            SELECT f.application_id, f.stage_index, s.stage_label, s.stage, f.stage_key, f.passed, f.ended_here, f.is_current, a.current_stage_key, a.current_stage_title
            FROM fact_stage_duration f JOIN dim_stage s ON f.stage_key = s.stage_key JOIN fact_application a ON f.application_id = a.application_id
            WHERE f.application_id IN ('{winner}', '{declined}')
            ORDER BY f.application_id, f.entered_at, f.stage_index
            """;
        q["pass rate"] = $"""
            SELECT s.stage_label, sum(CAST(f.passed AS INTEGER)) AS passed, sum(CAST(f.ended_here AS INTEGER)) AS ended
            FROM fact_stage_duration f JOIN dim_stage s ON f.stage_key = s.stage_key
            WHERE s.cycle_id = '{Cycle}' AND s.stage = 'recommendation' GROUP BY s.stage_label
            """;
        q["submitted"] = $"""
            SELECT CAST(submitted_on AS VARCHAR) AS on_day, CAST(CAST(submitted_at AS DATE) AS VARCHAR) AS utc_day,
                   strftime(submitted_at_beijing, '%Y-%m-%d %H:%M:%S') AS beijing
            FROM fact_application WHERE application_id = '{winner}'
            """;
        q["notices"] = "SELECT n.notice_id, s.stage_label, l.name_zh AS list_zh, n.objections FROM fact_notice n JOIN dim_stage s ON n.stage_key = s.stage_key JOIN dim_notice_list l ON n.list = l.code";
        q["replies"] = "SELECT about_holder, count(*) AS n, count(stage_key) AS keyed, sum(adverse_records) AS adverse FROM fact_consultation_reply GROUP BY about_holder ORDER BY about_holder";
        q["sheets"] = $"SELECT expert_id, stage, panel_key, CAST(recused AS VARCHAR) AS recused, CAST(counts AS VARCHAR) AS counts FROM fact_review_score WHERE application_id = '{winner}' ORDER BY stage, expert_id, submitted_at";
        q["assignments"] = $"SELECT panel_key, stage, members, members_recused, sheets_submitted, rescores_requested, report_signed_at IS NOT NULL AS signed FROM fact_panel_assignment WHERE application_id = '{winner}' ORDER BY stage";
        q["members"] = "SELECT panel_key, expert_id, is_leader FROM fact_panel_member ORDER BY panel_key, expert_id";
        q["recusals"] = "SELECT r.expert_id, b.name_zh FROM fact_recusal r JOIN dim_recusal_basis b ON r.basis = b.code";
        q["ratings"] = "SELECT expert_id, rating, has_comment FROM fact_conduct_rating ORDER BY expert_id";
        q["holder"] = $"SELECT consultation_id, departments_asked, departments_answered, adverse_records, CAST(due_on AS VARCHAR) AS due_on FROM fact_holder_consultation WHERE application_id = '{winner}'";
        q["bans"] = "SELECT b.policy_id, b.holder_key, r.name_zh, b.length_years, b.length_cycles, CAST(b.allowed_again_on AS VARCHAR) AS again FROM fact_ban b JOIN dim_ban_reason r ON b.reason = r.code ORDER BY b.policy_id";
        q["revocations"] = "SELECT r.policy_id, r.ground_text, b.name_zh FROM fact_revocation r JOIN dim_ban_reason b ON r.consequence = b.code ORDER BY r.policy_id";
        q["money"] = """
            SELECT w.year, sum(w.money_yuan) AS paid, sum(r.money_to_recover_yuan) AS to_recover, sum(c.yuan) AS recovered
            FROM fact_award w LEFT JOIN fact_revocation r ON w.application_id = r.application_id
            LEFT JOIN (SELECT application_id, sum(yuan) AS yuan FROM fact_recovery GROUP BY application_id) c ON w.application_id = c.application_id
            GROUP BY w.year
            """;
        return q;
    }

    // ---- checks --------------------------------------------------------------------------------

    private static string DuckType(ColumnType type) => type switch
    {
        ColumnType.String => "VARCHAR",
        ColumnType.Int32 => "INTEGER",
        ColumnType.Int64 => "BIGINT",
        ColumnType.Decimal => $"DECIMAL({ReportSchema.DecimalPrecision},{ReportSchema.DecimalScale})",
        ColumnType.Double => "DOUBLE",
        ColumnType.Boolean => "BOOLEAN",
        ColumnType.Date => "DATE",
        ColumnType.Timestamp => "TIMESTAMP WITH TIME ZONE",
        ColumnType.LocalDateTime => "TIMESTAMP",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>DuckDB sees each documented column with its type: dates are dates, instants carry their zone, Beijing times carry none.</summary>
    private static void ColumnTypes(Dictionary<string, List<Dictionary<string, string?>>> duck)
    {
        foreach (var (table, columns) in ReportSchema.Tables)
        {
            var seen = duck[$"describe {table}"].Select(r => (r["column_name"], r["column_type"])).ToList();
            Assert.Equal(columns.Select(c => ((string?)c.Name, (string?)DuckType(c.Type))), seen);
            Assert.True(long.Parse(duck[$"count {table}"][0]["n"]!) > 0, $"{table} is empty: the walk should give every table rows");
        }
    }

    private static void LabelNames(Dictionary<string, List<Dictionary<string, string?>>> duck, string winner, string declined)
    {
        foreach (var label in ReportSchema.LabelTables)
        {
            var r = duck[$"label {label}"][0];
            var n = r["n"];
            Assert.True(new[] { r["codes"], r["zh"], r["en"], r["orders"], r["hi"] }.All(v => v == n), $"{label}: codes, names and orders are one per row: {JsonSerializer.Serialize(r)}");
            Assert.Equal("1", r["lo"]);
            Assert.Equal("0", r["not_chinese"]);
        }

        // The words the app itself shows (refusals, pages, mails): one vocabulary.
        var apps = duck["status labels"].ToDictionary(r => r["application_id"]!);
        Assert.Equal(ApplicationDecider.StatusZh(ApplicationStatus.Revoked), apps[winner]["status_zh"]);
        Assert.Equal(ApplicationDecider.StatusZh(ApplicationStatus.Declined), apps[declined]["status_zh"]);
        Assert.Equal("组织", apps[winner]["category_zh"]);
        Assert.Equal("大型", apps[winner]["size_zh"]);
        Assert.Equal("武陵区", apps[winner]["district_name"]);
        Assert.All(duck["departments"], d => Assert.Equal(DepartmentNames.Zh(Enum.Parse<Department>(d["department_id"]!, ignoreCase: true)), d["name_zh"]));
    }

    /// <summary>The stage dimension is the cycle's procedure as its page shows it; the walk reads in that order; repeated codes stay apart.</summary>
    private static void StageOrder(Dictionary<string, List<Dictionary<string, string?>>> duck, string winner, string declined, List<(int Index, string Kind, string Title)> procedure)
    {
        var stages = duck["stages"];
        Assert.Equal(procedure.Select(p => p.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)), stages.Select(s => s["stage_index"]));
        Assert.Equal(procedure.Select(p => p.Title), stages.Select(s => s["stage_title"]));
        Assert.Equal(procedure.Select(p => $"{p.Index + 1:00} {p.Title}"), stages.Select(s => s["stage_label"]));
        Assert.Equal(procedure.Select(p => p.Kind), stages.Select(s => s["stage"]), StringComparer.OrdinalIgnoreCase);
        var notices = stages.Where(s => s["stage"] == "publicNotice").ToList();
        Assert.Equal(2, notices.Count);
        Assert.Equal(2, notices.Select(s => s["stage_label"]).Distinct().Count());
        Assert.All(notices, s => Assert.Equal("公示", s["stage_kind_zh"]));

        var walk = duck["walk"].Where(r => r["application_id"] == winner).ToList();
        var indexes = walk.Select(r => int.Parse(r["stage_index"]!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(indexes.Order(), indexes);
        Assert.Equal(indexes.Count, indexes.Distinct().Count());
        Assert.Equal(walk.Select(r => r["stage_label"]).Order(StringComparer.Ordinal), walk.Select(r => r["stage_label"]));
        Assert.Equal(2, walk.Count(r => r["stage"] == "publicNotice"));
        Assert.Equal("approval", walk[^1]["stage"]);
        Assert.All(walk, r => Assert.Equal(("true", "false"), (r["passed"], r["ended_here"])));
        Assert.Equal(["true"], walk.Where(r => r["is_current"] == "true").Select(r => r["is_current"]));
        Assert.Equal(walk[^1]["stage_key"], walk[^1]["current_stage_key"]);
        Assert.Equal(walk[^1]["stage_label"]![3..], walk[^1]["current_stage_title"]);

        var stopped = Assert.Single(duck["walk"], r => r["application_id"] == declined);
        Assert.Equal(("recommendation", "false", "true", "true"), (stopped["stage"], stopped["passed"], stopped["ended_here"], stopped["is_current"]));
        var rate = Assert.Single(duck["pass rate"]);
        Assert.Equal(("1", "1"), (rate["passed"], rate["ended"]));
    }

    /// <summary>Every Beijing column is its timestamp in Asia/Shanghai, as DuckDB's own time-zone database computes it.</summary>
    private static void BeijingTimes(Dictionary<string, List<Dictionary<string, string?>>> duck)
    {
        var given = 0L;
        foreach (var (table, columns) in ReportSchema.Tables)
        {
            foreach (var c in columns.Where(c => c.BeijingOf is not null))
            {
                var r = duck[$"beijing {table}.{c.Name}"][0];
                Assert.True(r["wrong"] == "0", $"{table}.{c.Name}: {r["wrong"]} rows are not the Asia/Shanghai {(c.Type == ColumnType.Date ? "date" : "time")} of {c.BeijingOf}");
                given += long.Parse(r["given"]!, System.Globalization.CultureInfo.InvariantCulture);
            }

            // Beside every timestamp but the two deadline instants (whose days are last_day and reply_by): its Beijing date.
            foreach (var t in columns.Where(c => c.Type == ColumnType.Timestamp && c.Name is not "closes_at" and not "due_at"))
            {
                Assert.Contains(columns, c => c.BeijingOf == t.Name && c.Type == ColumnType.Date);
            }
        }

        Assert.True(given > 100, $"only {given} timestamps were compared");
        var submitted = Assert.Single(duck["submitted"]);
        Assert.Equal(("2025-03-04", "2025-03-03", "2025-03-04 00:30:00"), (submitted["on_day"], submitted["utc_day"], submitted["beijing"]));
    }

    private static void Relationships(Dictionary<string, List<Dictionary<string, string?>>> duck, IReadOnlyList<Relationship> relationships)
    {
        foreach (var r in relationships)
        {
            var one = duck[$"one {r.Number}"][0];
            Assert.True(one["n"] == one["distinct_keys"] && one["n"] == one["keys"], $"#{r.Number} {r}: {r.One}[{r.OneColumn}] is not a unique, non-empty key: {JsonSerializer.Serialize(one)}");
            Assert.True(duck[$"orphans {r.Number}"][0]["n"] == "0", $"#{r.Number} {r}: {duck[$"orphans {r.Number}"][0]["n"]} orphans");
            Assert.True(long.Parse(duck[$"joined {r.Number}"][0]["n"]!, System.Globalization.CultureInfo.InvariantCulture) > 0, $"#{r.Number} {r}: no row joins");
        }

        // One path between any two tables: Power BI keeps every relationship active as written.
        var edges = relationships.GroupBy(r => r.One).ToDictionary(g => g.Key, g => g.Select(r => r.Many).ToList());
        var tables = relationships.SelectMany(r => new[] { r.One, r.Many }).Distinct().ToList();
        foreach (var from in tables)
        {
            var paths = new Dictionary<string, int>();
            void Walk(string table)
            {
                foreach (var next in edges.GetValueOrDefault(table) ?? [])
                {
                    paths[next] = paths.GetValueOrDefault(next) + 1;
                    Walk(next);
                }
            }

            Walk(from);
            var twice = paths.Where(p => p.Value > 1).Select(p => p.Key).ToList();
            Assert.True(twice.Count == 0, $"{from} filters {string.Join(", ", twice)} along more than one path");
        }

        Assert.Equal(relationships.Count, relationships.Select(r => (r.Many, r.ManyColumn)).Distinct().Count());
        Assert.All(ReportSchema.Tables.Keys, t => Assert.Contains(t, tables));
    }

    private static void Facts(Dictionary<string, List<Dictionary<string, string?>>> duck, string winner)
    {
        var notice = Assert.Single(duck["notices"]);
        Assert.Equal(("06 受理名单公示", "受理名单", "1"), (notice["stage_label"], notice["list_zh"], notice["objections"]));

        var replies = duck["replies"];
        Assert.Equal(("false", "5", "5", "0"), (replies[0]["about_holder"], replies[0]["n"], replies[0]["keyed"], replies[0]["adverse"]));
        Assert.Equal(("true", "5", "0", "1"), (replies[1]["about_holder"], replies[1]["n"], replies[1]["keyed"], replies[1]["adverse"]));
        var holder = Assert.Single(duck["holder"]);
        Assert.Equal((ConsultationIds.ForHolder(winner, new DateOnly(2026, 6, 30)), "5", "1", "1", "2026-06-30"), (holder["consultation_id"], holder["departments_asked"], holder["departments_answered"], holder["adverse_records"], holder["due_on"]));

        // cd-2's first sheet was sent back and replaced; cd-3 was recused: neither counts.
        var material = duck["sheets"].Where(s => s["stage"] == "materialReview").Select(s => (s["expert_id"], s["panel_key"], s["recused"], s["counts"])).ToList();
        Assert.Equal(
            [("cd-1", $"{Cycle}/pm", "false", "true"), ("cd-2", $"{Cycle}/pm", "false", "false"), ("cd-2", $"{Cycle}/pm", "false", "true"), ("cd-3", $"{Cycle}/pm", "true", "false")],
            material);
        Assert.All(duck["sheets"].Where(s => s["stage"] == "siteReview"), s => Assert.Equal(($"{Cycle}/ps", "true"), (s["panel_key"], s["counts"])));
        var assignments = duck["assignments"].Select(a => (a["panel_key"], a["stage"], a["members"], a["members_recused"], a["sheets_submitted"], a["rescores_requested"], a["signed"])).ToList();
        Assert.Equal([($"{Cycle}/pm", "materialReview", "3", "1", "3", "1", "true"), ($"{Cycle}/ps", "siteReview", "2", "0", "2", "0", "true")], assignments);
        Assert.Equal([($"{Cycle}/pm", "cd-1", "true"), ($"{Cycle}/pm", "cd-2", "false"), ($"{Cycle}/pm", "cd-3", "false"), ($"{Cycle}/ps", "cd-1", "false"), ($"{Cycle}/ps", "cd-2", "true")], duck["members"].Select(m => (m["panel_key"], m["expert_id"], m["is_leader"])));
        Assert.Equal(("cd-3", "办公室决定回避"), Assert.Single(duck["recusals"].Select(r => (r["expert_id"], r["name_zh"]))));
        Assert.Equal([("cd-1", "4", "true"), ("cd-2", "5", "false")], duck["ratings"].Select(r => (r["expert_id"], r["rating"], r["has_comment"])));

        var bans = duck["bans"];
        Assert.Equal(("benxi", BenxiKey, "奖励被撤销", null, "1", null), (bans[0]["policy_id"], bans[0]["holder_key"], bans[0]["name_zh"], bans[0]["length_years"], bans[0]["length_cycles"], bans[0]["again"]));
        Assert.Equal(("changde", WinnerKey, "隐瞒有关情况或者提供虚假材料", "5", null, "2031-07-20"), (bans[1]["policy_id"], bans[1]["holder_key"], bans[1]["name_zh"], bans[1]["length_years"], bans[1]["length_cycles"], bans[1]["again"]));

        Assert.Equal(
            [("benxi", "发生重大质量安全、环保、卫生等事故或较大及以上生产安全事故", "奖励被撤销"), ("changde", "自获奖之日起5年内存在严重违法、违规、违纪情形", "奖励被撤销")],
            duck["revocations"].Select(r => (r["policy_id"], r["ground_text"], r["name_zh"])));

        var money = Assert.Single(duck["money"]);
        Assert.Equal(("2025", "200000", "200000", "150000"), (money["year"], money["paid"], money["to_recover"], money["recovered"]));
    }

    /// <summary>What the office reads only in the app is in no exported value; what is exported is found the same way.</summary>
    private static void NoSecrets(Dictionary<string, List<Dictionary<string, string?>>> duck)
    {
        var text = string.Join("\n", ReportSchema.Tables.Keys.Select(t => duck[$"text {t}"][0]["text"]));
        Assert.Contains(WinnerName, text);
        Assert.Contains("常政发〔2026〕9号", text);
        foreach (var secret in new[]
        {
            ObjectionText, Finding, RecusalReason, RescoreReason, RatingComment, HolderAdverse, BanCause, Respondent, "李科长", Findings,
            "材料评审组报告", "陈五", "13700137000", "chenwu@example.com", "专家cd-1", "cd-1所在大学", "0631-5200000", "@example.gov.cn",
        })
        {
            Assert.DoesNotContain(secret, text);
        }
    }

    // ---- the guide -----------------------------------------------------------------------------

    internal sealed record Relationship(int Number, string Many, string ManyColumn, string One, string OneColumn)
    {
        public override string ToString() => $"{Many}[{ManyColumn}] → {One}[{OneColumn}]";
    }

    /// <summary>The table "关系 / Relationships" of reports/README.md.</summary>
    internal static List<Relationship> GuideRelationships()
    {
        var guide = File.ReadAllText(Path.Combine(Repository.Root, "reports", "README.md"));
        var list = RelationshipRow().Matches(guide)
            .Select(m => new Relationship(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value, m.Groups[5].Value))
            .ToList();
        Assert.Equal(Enumerable.Range(1, list.Count), list.Select(r => r.Number));
        foreach (var r in list)
        {
            Assert.True(ReportSchema.Tables.TryGetValue(r.Many, out var many) && many.Any(c => c.Name == r.ManyColumn), $"#{r.Number}: {r.Many}[{r.ManyColumn}] is not exported");
            Assert.True(ReportSchema.Tables.TryGetValue(r.One, out var one) && one.Any(c => c.Name == r.OneColumn), $"#{r.Number}: {r.One}[{r.OneColumn}] is not exported");
        }

        return list;
    }

    [GeneratedRegex(@"^\| (\d+) \| `([a-z_]+)\[([a-z_]+)\]` \| `([a-z_]+)\[([a-z_]+)\]` \|", RegexOptions.Multiline)]
    private static partial Regex RelationshipRow();

    [Fact]
    public void TheGuide_HasTheRelationships_AndItsMeasuresNameOnlyExportedColumnsAndDefinedMeasures()
    {
        Assert.True(GuideRelationships().Count >= 40);
        var guide = File.ReadAllText(Path.Combine(Repository.Root, "reports", "README.md"));
        var dax = string.Join("\n", DaxBlock().Matches(guide).Select(m => m.Groups[1].Value));
        var columns = ColumnReference().Matches(dax).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        Assert.True(columns.Count > 30, "the measures name the export's columns");
        foreach (var (table, column) in columns)
        {
            Assert.True(ReportSchema.Tables.TryGetValue(table, out var cs) && cs.Any(c => c.Name == column), $"The guide's DAX names {table}[{column}], which is not exported");
        }

        var defined = MeasureDefinition().Matches(dax).Select(m => m.Groups[1].Value.Trim()).ToHashSet();
        foreach (Match used in MeasureReference().Matches(dax))
        {
            Assert.Contains(used.Groups[1].Value, defined);
        }

        foreach (var needed in new[] { "fact_stage_duration[is_current]", "fact_stage_duration[passed]", "fact_review_score[total]", "fact_consultation_reply[reply_working_days]", "fact_award[money_yuan]" })
        {
            Assert.Contains(needed, dax);
        }
    }

    [GeneratedRegex(@"```dax\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex DaxBlock();

    [GeneratedRegex(@"\b((?:dim|fact)_[a-z_]+)\[([a-z_]+)\]")]
    private static partial Regex ColumnReference();

    [GeneratedRegex(@"^(\S[^=\n]*?) =", RegexOptions.Multiline)]
    private static partial Regex MeasureDefinition();

    [GeneratedRegex(@"(?<![a-z_])\[([^\]\[a-z_][^\]]*)\]")]
    private static partial Regex MeasureReference();
}
