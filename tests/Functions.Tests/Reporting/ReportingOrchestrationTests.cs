using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using QualityAward.Domain;
using QualityAward.Functions.Awards;
using QualityAward.Functions.Notices;
using QualityAward.Functions.Reporting;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Reporting;

/// <summary>
/// fact_orchestration (issue 15 item 3, issue 21 item 7): a Benxi cycle walked to its acceptance
/// notice through the API — the submission window, two applications' orchestrations and the
/// notice's, one application objected to — plus a holder's duty that failed (started with no
/// input, as a bug would) for an individual holder, and two instances about another app's data in
/// the same task hub. The office exports; the Parquet files are read with DuckDB (an independent
/// reader): each of the app's orchestrations is there with its status, what it waits for, until
/// when in UTC and in Beijing time, its labels and its cycle; the failure with its reason; the
/// other app's instances and the individual's identity number nowhere.
/// </summary>
public sealed class ReportingOrchestrationTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    private const string IdentityNumber = "110101199003071237";

    [Fact]
    public async Task Orchestrations_AreExported_WithStatusWaitsBeijingDatesAndFailures_AndJoinTheStar()
    {
        await using var app = await TestApp.StartAsync(azurite, new DateTimeOffset(2026, 1, 5, 9, 0, 0, Shanghai));
        var office = app.As(Roles.Office);
        await (await office.PostJsonAsync("/api/cycles", new { policyId = "benxi", year = 2026, submissionOpensOn = "2026-01-05", submissionClosesOn = "2026-03-31", acknowledgeWarnings = true })).ExpectAsync(201);
        var a = await ReportingProcessTests.AcceptedBenxiAsync(app, "本溪甲公司");
        var b = await ReportingProcessTests.AcceptedBenxiAsync(app, "本溪乙公司");

        app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 12, 9, 0, 0, Shanghai));
        var noticeId = (await (await office.PostJsonAsync("/api/cycles/benxi-2026/notices", new { list = "acceptance", firstDay = "2026-02-12" })).ExpectAsync(201)).Str("noticeId");
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 12, 10, 0, 0, Shanghai));
        await (await app.Anonymous().PostJsonAsync($"/api/public/notices/{noticeId}/objections", new { applicationId = a, realName = false, text = "该公司产品抽检不合格。" })).ExpectAsync(201);
        await app.SettleAsync();

        // A holder's duty that fails at once, for an individual holder of A's award; and two instances about data this app does not hold.
        var duty = $"holder-{IdentityNumber}-inspection-2026-02-12-{a}";
        var foreign = new[] { "notice-weihai-2026-acceptance-1", "window-weihai-2026" };
        await app.Durable.ScheduleNewOrchestrationInstanceAsync(nameof(HolderDutyOrchestration), null, new StartOrchestrationOptions(duty));
        await app.Durable.ScheduleNewOrchestrationInstanceAsync(nameof(NoticeOrchestration), null, new StartOrchestrationOptions(foreign[0]));
        await app.Durable.ScheduleNewOrchestrationInstanceAsync(nameof(NoticeOrchestration), null, new StartOrchestrationOptions(foreign[1]));
        foreach (var id in foreign.Prepend(duty))
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            Assert.Equal(OrchestrationRuntimeStatus.Failed, (await app.Durable.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: false, wait.Token)).RuntimeStatus);
        }

        var exported = await (await office.PostAsync("/api/reporting/export", null)).ExpectAsync(200);
        Assert.Contains(exported.GetProperty("tables").EnumerateArray(), t => t.Str("table") == "fact_orchestration" && t.GetProperty("rows").GetInt32() == 5);

        var dir = Directory.CreateTempSubdirectory("qa-orchestrations-").FullName;
        try
        {
            foreach (var table in ReportSchema.Tables.Keys)
            {
                await File.WriteAllBytesAsync(Path.Combine(dir, table + ".parquet"), await ReportingExportTests.DownloadAsync(app, table, "latest", "parquet"));
            }

            var duck = await ReportingStarTests.DuckDbAsync(dir, new()
            {
                ["rows"] = """
                    SELECT o.instance_id, o.kind, k.name_zh AS kind_zh, o.orchestrator, o.runtime_status, s.name_zh AS status_zh, c.cycle_id AS cycle,
                           o.application_id, o.notice_id, o.consultation_id, o.waiting_for, o.waiting_for_zh, o.waiting_role,
                           strftime(o.until_at, '%Y-%m-%dT%H:%M:%SZ') AS until_utc, CAST(o.until_on AS VARCHAR) AS until_on,
                           strftime(o.until_at_beijing, '%Y-%m-%d %H:%M:%S') AS until_beijing, CAST(o.overdue AS VARCHAR) AS overdue,
                           o.problem_code, o.failure_type, o.failure, o.waiting_since_at IS NOT NULL AS has_since,
                           o.created_on = CAST(timezone('Asia/Shanghai', o.created_at) AS DATE) AND o.last_updated_at_beijing = timezone('Asia/Shanghai', o.last_updated_at) AS beijing_ok,
                           o.last_updated_at >= o.created_at AS ordered
                    FROM fact_orchestration o
                    LEFT JOIN dim_orchestration_kind k ON o.kind = k.code
                    LEFT JOIN dim_orchestration_status s ON o.runtime_status = s.code
                    LEFT JOIN dim_cycle c ON o.cycle_id = c.cycle_id
                    ORDER BY o.instance_id
                    """,
                ["by kind and status"] = """
                    SELECT k.name_zh AS kind, s.name_zh AS status, count(*) AS n
                    FROM fact_orchestration o JOIN dim_orchestration_kind k ON o.kind = k.code JOIN dim_orchestration_status s ON o.runtime_status = s.code
                    GROUP BY k.name_zh, k.sort_order, s.name_zh, s.sort_order ORDER BY k.sort_order, s.sort_order
                    """,
                ["text"] = "SELECT string_agg(concat_ws('|', instance_id, coalesce(application_id, ''), coalesce(failure, ''), coalesce(waiting_for_zh, '')), chr(10)) AS text FROM fact_orchestration",
            });

            var rows = duck["rows"].ToDictionary(r => r["instance_id"]!);
            var masked = $"holder-{OrchestrationFacts.IndividualKey}-inspection-2026-02-12-{a}";
            Assert.Equal(new[] { $"application-{a}", $"application-{b}", masked, $"notice-{noticeId}", "window-benxi-2026" }.Order(StringComparer.Ordinal), rows.Keys);
            Assert.All(rows.Values, r =>
            {
                Assert.Equal("benxi-2026", r["cycle"]);
                Assert.NotNull(r["kind_zh"]);
                Assert.NotNull(r["status_zh"]);
                Assert.Equal(("true", "true"), (r["beijing_ok"], r["ordered"]));
            });

            // The notice closes at midnight Beijing time after 25 February: 16:00 UTC on the 25th, the 26th in Beijing.
            var notice = rows[$"notice-{noticeId}"];
            Assert.Equal(("notice", "公示", nameof(NoticeOrchestration), "running", "运行中", noticeId), (notice["kind"], notice["kind_zh"], notice["orchestrator"], notice["runtime_status"], notice["status_zh"], notice["notice_id"]));
            Assert.Equal(("notice-period", "公示期内，受理异议"), (notice["waiting_for"], notice["waiting_for_zh"]));
            Assert.Equal(("2026-02-25T16:00:00Z", "2026-02-26", "2026-02-26 00:00:00"), (notice["until_utc"], notice["until_on"], notice["until_beijing"]));
            Assert.Null(notice["failure"]);

            // An objection to A is open: both entries of the notice wait for the office's finding, until the notice's end.
            var objected = rows[$"application-{a}"];
            Assert.Equal(("application", "running", a, "notice.objections-open", "office", "false"), (objected["kind"], objected["runtime_status"], objected["application_id"], objected["waiting_for"], objected["waiting_role"], objected["overdue"]));
            Assert.Equal("公示中尚有1件异议待调查处理。", objected["waiting_for_zh"]);
            Assert.Equal(("2026-02-25T16:00:00Z", "2026-02-26", "true"), (objected["until_utc"], objected["until_on"], objected["has_since"]));
            var listed = rows[$"application-{b}"];
            Assert.Equal(("running", "notice.objections-open", "office", "2026-02-26 00:00:00"), (listed["runtime_status"], listed["waiting_for"], listed["waiting_role"], listed["until_beijing"]));

            // The window takes submissions until midnight Beijing time after 31 March.
            var window = rows["window-benxi-2026"];
            Assert.Equal(("window", "申报受理期", "running", "submission-window"), (window["kind"], window["kind_zh"], window["runtime_status"], window["waiting_for"]));
            Assert.Equal(("2026-03-31T16:00:00Z", "2026-04-01", "2026-04-01 00:00:00"), (window["until_utc"], window["until_on"], window["until_beijing"]));
            Assert.Null(window["application_id"]);

            var failed = rows[masked];
            Assert.Equal(("holderDuty", "获奖后管理事项", "failed", "运行失败", a), (failed["kind"], failed["kind_zh"], failed["runtime_status"], failed["status_zh"], failed["application_id"]));
            Assert.False(string.IsNullOrWhiteSpace(failed["failure"]), "a failed orchestration says why");
            Assert.Contains(nameof(NullReferenceException), failed["failure_type"]);

            Assert.Equal(
                [("申报受理期", "运行中", "1"), ("申报评审进程", "运行中", "2"), ("公示", "运行中", "1"), ("获奖后管理事项", "运行失败", "1")],
                duck["by kind and status"].Select(r => (r["kind"], r["status"], r["n"])));

            var text = duck["text"][0]["text"]!;
            Assert.Contains(masked, text);
            Assert.DoesNotContain(IdentityNumber, text);
            Assert.DoesNotContain("weihai", text);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        // Nor in the CSV files.
        foreach (var table in ReportSchema.Tables.Keys)
        {
            var csv = string.Join("\n", (await ReportingExportTests.ReadCsvAsync(app, table, "latest")).Select(r => string.Join(",", r)));
            Assert.DoesNotContain(IdentityNumber, csv);
        }
    }
}
