using System.Net;
using QualityAward.Domain;
using QualityAward.Functions.Reporting;
using QualityAward.Functions.Tests.Consultations;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Reporting;

/// <summary>
/// The notice, objection and consultation facts: a Benxi acceptance notice with an upheld and a
/// dismissed objection, and a Changde consultation round with one adverse answer and one late
/// department, all made through the API; then <c>POST /api/reporting/export</c>, and the Parquet
/// files read back and compared with what happened. Nobody who objected, no respondent and no
/// department mailbox may appear in any exported file.
/// </summary>
public sealed class ReportingProcessTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    private const string ObjectorName = "钱七";
    private const string ObjectorContact = "13611112222";
    private const string ObjectionText = "该公司2025年发生重大质量事故，有报道为证。";
    private const string Finding = "经核查，该公司2025年确有重大质量事故，异议属实。";
    private const string Respondent = "李科长 0736-7000000";
    private const string AdverseDetails = "2025年3月因欠缴税款被处以罚款。";

    /// <summary>
    /// The notice runs 12 February to 25 February 2026 (5 working days across the Spring Festival:
    /// 12, 13, 14 (make-up Saturday), 24, 25). Objection 1, anonymous, against A on Thursday 12 Feb
    /// 10:00, upheld on 25 Feb 10:00: 312 hours but 4 working days. Objection 2, real-name, against
    /// B on 13 Feb 15:00, dismissed on 24 Feb 09:30: 2 working days (14 and 24 February).
    /// </summary>
    [Fact]
    public async Task NoticeAndObjections_AreExported_WithWorkingDaysOnTheCalendar_AndWithoutTheObjector()
    {
        await using var app = await TestApp.StartAsync(azurite, new DateTimeOffset(2026, 1, 5, 9, 0, 0, Shanghai));
        var office = app.As(Roles.Office);
        await (await office.PostJsonAsync("/api/cycles", new { policyId = "benxi", year = 2026, submissionOpensOn = "2026-01-05", submissionClosesOn = "2026-03-31", acknowledgeWarnings = true })).ExpectAsync(201);
        var a = await AcceptedBenxiAsync(app, "本溪甲公司");
        var b = await AcceptedBenxiAsync(app, "本溪乙公司");
        var c = await AcceptedBenxiAsync(app, "本溪丙公司");

        app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 12, 9, 0, 0, Shanghai));
        var noticeId = (await (await office.PostJsonAsync("/api/cycles/benxi-2026/notices", new { list = "acceptance", firstDay = "2026-02-12" })).ExpectAsync(201)).Str("noticeId");

        app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 12, 10, 0, 0, Shanghai));
        var upheld = await (await app.Anonymous().PostJsonAsync($"/api/public/notices/{noticeId}/objections", new { applicationId = a, realName = false, text = ObjectionText })).ExpectAsync(201);
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 13, 15, 0, 0, Shanghai));
        var dismissed = await (await app.Anonymous().PostJsonAsync($"/api/public/notices/{noticeId}/objections", new { applicationId = b, realName = true, name = ObjectorName, contact = ObjectorContact, text = "该公司产品抽检不合格。" })).ExpectAsync(201);

        app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 24, 9, 30, 0, Shanghai));
        await (await office.PostJsonAsync($"/api/notices/{noticeId}/objections/{dismissed.Str("objectionId")}/finding", new { upheld = false, finding = "经核查，抽检合格，异议不成立。" })).ExpectAsync(200);
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 25, 10, 0, 0, Shanghai));
        await (await office.PostJsonAsync($"/api/notices/{noticeId}/objections/{upheld.Str("objectionId")}/finding", new { upheld = true, finding = Finding })).ExpectAsync(200);

        // The anonymous objector reads the result with the receipt code: that is how an objector is told.
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 25, 11, 0, 0, Shanghai));
        Assert.Equal("decided", (await (await app.Anonymous().PostJsonAsync("/api/public/objections/lookup", new { receiptCode = upheld.Str("receiptCode") })).ExpectAsync(200)).Str("status"));

        app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 26, 0, 0, 1, Shanghai));
        await app.SettleAsync();
        Assert.Equal("closed", (await (await app.Anonymous().GetAsync($"/api/public/notices/{noticeId}")).ExpectAsync(200)).Str("status"));

        await (await office.PostAsync("/api/reporting/export", null)).ExpectAsync(200);

        var notice = Assert.Single((await ReportingExportTests.ReadParquetAsync(app, "fact_notice", "latest")).Rows);
        Assert.Equal(noticeId, notice["notice_id"]);
        Assert.Equal("benxi-2026", notice["cycle_id"]);
        Assert.Equal("benxi", notice["policy_id"]);
        Assert.Equal("acceptance", notice["list"]);
        Assert.Equal(new DateTime(2026, 2, 12), ((DateTime)notice["first_day"]!).Date);
        Assert.Equal(new DateTime(2026, 2, 25), ((DateTime)notice["last_day"]!).Date);
        Assert.Equal(5, notice["working_days"]);
        Assert.Equal(new DateTimeOffset(2026, 2, 12, 9, 0, 0, Shanghai).UtcDateTime, notice["opened_at"]);
        Assert.Equal(new DateTimeOffset(2026, 2, 26, 0, 0, 0, Shanghai).UtcDateTime, notice["closes_at"]);
        Assert.Equal(3, notice["entries_at_open"]);
        Assert.Equal(2, notice["entries_at_close"]);
        Assert.Equal(1, notice["entries_removed"]);
        Assert.Equal(2, notice["objections"]);
        Assert.Equal(1, notice["objections_upheld"]);
        Assert.Equal(0, notice["objections_open"]);
        Assert.Equal(new DateTimeOffset(2026, 2, 26, 0, 0, 1, Shanghai).UtcDateTime, notice["closed_at"]);

        var objections = await ReportingExportTests.ReadParquetAsync(app, "fact_objection", "latest");
        Assert.Equal(2, objections.Rows.Count);
        var first = objections.Row("objection_id", upheld.Str("objectionId"));
        Assert.Equal(noticeId, first["notice_id"]);
        Assert.Equal(a, first["application_id"]);
        Assert.Equal("本溪甲公司", first["applicant_name"]);
        Assert.Equal(false, first["real_name"]);
        Assert.Equal(new DateTimeOffset(2026, 2, 12, 10, 0, 0, Shanghai).UtcDateTime, first["filed_at"]);
        Assert.Equal(new DateTimeOffset(2026, 2, 25, 10, 0, 0, Shanghai).UtcDateTime, first["finding_at"]);
        Assert.Equal(true, first["upheld"]);
        Assert.Equal(true, first["entry_removed"]);
        Assert.Equal(4, first["working_days_to_finding"]);
        Assert.Equal(312d, (double)first["hours_to_finding"]!, 4);
        Assert.Equal(true, first["objector_notified"]);
        Assert.Equal(new DateTimeOffset(2026, 2, 25, 11, 0, 0, Shanghai).UtcDateTime, first["objector_notified_at"]);

        var second = objections.Row("objection_id", dismissed.Str("objectionId"));
        Assert.Equal(b, second["application_id"]);
        Assert.Equal(true, second["real_name"]);
        Assert.Equal(false, second["upheld"]);
        Assert.Equal(false, second["entry_removed"]);
        Assert.Equal(2, second["working_days_to_finding"]);
        Assert.Equal(258.5, (double)second["hours_to_finding"]!, 4);
        Assert.Equal(false, second["objector_notified"]);
        Assert.Null(second["objector_notified_at"]);

        // C was never objected to; A left the notice disqualified.
        Assert.DoesNotContain(objections.Rows, r => (string?)r["application_id"] == c);
        Assert.Equal("disqualified", (await ReportingExportTests.ReadParquetAsync(app, "fact_application", "latest")).Row("application_id", a)["status"]);

        await AssertNowhereAsync(app, "本溪甲公司", ObjectorName, ObjectorContact, ObjectionText, Finding);
    }

    /// <summary>
    /// Changde: the round opens Monday 2 March 2026 09:00; reply by 16 March. Three departments
    /// answer clean at 11:00 the same day (0 working days); tax reports an adverse record on A on
    /// Wednesday 4 March 10:00 (2 working days, 49 hours); emergency management is reminded on
    /// 13 March, reported overdue on 17 March and answers on 18 March 10:00 (12 working days).
    /// </summary>
    [Fact]
    public async Task ConsultationReplies_AreExported_PerDepartment_WithReplyTimes_AndWithoutMailAddressesOrRespondents()
    {
        await using var graph = await GraphStandIn.StartAsync();
        var opened = new DateTimeOffset(2026, 3, 2, 9, 0, 0, Shanghai);
        await using var app = await TestApp.StartAsync(azurite, opened, configure: ConsultationTests.Configure(graph));
        var office = app.As(Roles.Office);
        await (await office.PostJsonAsync("/api/cycles", new { policyId = "changde", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30", acknowledgeWarnings = true })).ExpectAsync(201);
        var a = await AtConsultationAsync(app, "常德丙化工有限公司");
        var b = await AtConsultationAsync(app, "常德丁电子有限公司");
        var round = await (await office.PostJsonAsync("/api/cycles/changde-2026/consultations", new { })).ExpectAsync(201);
        var roundId = round.Str("consultationId");

        app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 2, 11, 0, 0, Shanghai));
        foreach (var department in new[] { "ecologyenvironment", "humanresourcessocialsecurity", "marketregulation" })
        {
            await AnswerAsync(app, graph, roundId, department, new() { ["v-" + a] = "none", ["v-" + b] = "none" });
        }

        app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 4, 10, 0, 0, Shanghai));
        await AnswerAsync(app, graph, roundId, "tax", new() { ["v-" + a] = "adverse", ["d-" + a] = AdverseDetails, ["v-" + b] = "none" });

        app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 13, 9, 0, 1, Shanghai));
        await app.SettleAsync();
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 17, 0, 0, 1, Shanghai));
        await app.SettleAsync();
        Assert.Single(graph.Delivered, m => m.To == "office@example.gov.cn");
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 18, 10, 0, 0, Shanghai));
        await AnswerAsync(app, graph, roundId, "emergencymanagement", new() { ["v-" + a] = "none", ["v-" + b] = "none" });
        await app.SettleAsync();

        await (await office.PostAsync("/api/reporting/export", null)).ExpectAsync(200);

        var replies = await ReportingExportTests.ReadParquetAsync(app, "fact_consultation_reply", "latest");
        Assert.Equal(5, replies.Rows.Count);
        Assert.All(replies.Rows, r =>
        {
            Assert.Equal(roundId, r["consultation_id"]);
            Assert.Equal("changde-2026", r["cycle_id"]);
            Assert.Equal("changde", r["policy_id"]);
            Assert.Equal("consultation", r["stage"]);
            Assert.Equal(2, r["applicants_asked"]);
            Assert.Equal(opened.UtcDateTime, r["opened_at"]);
            Assert.Equal(new DateTime(2026, 3, 16), ((DateTime)r["reply_by"]!).Date);
            Assert.Equal(10, r["reply_working_days_allowed"]);
        });
        var departments = (await ReportingExportTests.ReadParquetAsync(app, "dim_department", "latest")).Rows.Select(r => (string?)r["department_id"]).ToList();
        Assert.All(replies.Rows, r => Assert.Contains((string?)r["department_id"], departments));

        var tax = replies.Row("department_id", "tax");
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 10, 0, 0, Shanghai).UtcDateTime, tax["answered_at"]);
        Assert.Equal(2, tax["reply_working_days"]);
        Assert.Equal(49d, (double)tax["reply_hours"]!, 4);
        Assert.Equal(1, tax["adverse_records"]);
        Assert.Equal(false, tax["reminded"]);
        Assert.Equal(false, tax["overdue"]);

        var ecology = replies.Row("department_id", "ecologyEnvironment");
        Assert.Equal(0, ecology["reply_working_days"]);
        Assert.Equal(2d, (double)ecology["reply_hours"]!, 4);
        Assert.Equal(0, ecology["adverse_records"]);
        Assert.Equal(false, ecology["overdue"]);

        var emergency = replies.Row("department_id", "emergencyManagement");
        Assert.Equal(12, emergency["reply_working_days"]);
        Assert.Equal(385d, (double)emergency["reply_hours"]!, 4);
        Assert.Equal(0, emergency["adverse_records"]);
        Assert.Equal(true, emergency["reminded"]);
        Assert.Equal(new DateTimeOffset(2026, 3, 13, 9, 0, 1, Shanghai).UtcDateTime, emergency["reminded_at"]);
        Assert.Equal(true, emergency["overdue"]);

        Assert.Equal(1, replies.Rows.Count(r => (int?)r["adverse_records"] > 0));
        Assert.Equal(1, replies.Rows.Count(r => (bool?)r["overdue"] == true));
        Assert.All(replies.Rows, r => Assert.Equal(false, r["closed_without_answer"]));

        await AssertNowhereAsync(app, "emergencyManagement", "@example.gov.cn", Respondent, "李科长", AdverseDetails);
    }

    /// <summary>
    /// None of <paramref name="secrets"/> in any exported table: not in the CSV files, not in any
    /// value of the Parquet files. <paramref name="exported"/>, which is exported, is found the same
    /// way, so the search is not looking at empty text.
    /// </summary>
    private static async Task AssertNowhereAsync(TestApp app, string exported, params string[] secrets)
    {
        var found = 0;
        foreach (var table in ReportSchema.Tables.Keys)
        {
            var csv = string.Join("\n", (await ReportingExportTests.ReadCsvAsync(app, table, "latest")).Select(r => string.Join(",", r)));
            var parquet = string.Join("\n", (await ReportingExportTests.ReadParquetAsync(app, table, "latest")).Rows.SelectMany(r => r.Values).OfType<string>());
            found += csv.Contains(exported, StringComparison.Ordinal) && parquet.Contains(exported, StringComparison.Ordinal) ? 1 : 0;
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, csv);
                Assert.DoesNotContain(secret, parquet);
            }
        }

        Assert.True(found > 0, $"'{exported}' should be in the export");
    }

    internal static async Task<string> AcceptedBenxiAsync(TestApp app, string name)
    {
        var subject = "applicant-" + Guid.NewGuid().ToString("N");
        var id = await Applicants.SubmitAsync(app, app.As(Roles.Applicant, subject: subject), subject, "benxi-2026", Forms.BenxiOrganisation(name));
        await (await app.As(Roles.Recommender, affiliation: "210500:pingshan").PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐。" })).ExpectAsync(200);
        Assert.Equal("publicNotice", (await (await app.As(Roles.Office).PostJsonAsync($"/api/applications/{id}/accept", new { })).ExpectAsync(200)).Str("stage"));
        return id;
    }

    private static async Task<string> AtConsultationAsync(TestApp app, string name)
    {
        var subject = "applicant-" + Guid.NewGuid().ToString("N");
        var form = new
        {
            name,
            districtId = "wuling",
            contact = new { name = "陈五", phone = "13700137000", email = "chenwu@example.com" },
            declarations = new[] { "no-major-incident", "no-violation", "excellence-model" },
            authenticityDeclared = true,
            noStateSecretsDeclared = true,
            recommenderId = "wuling",
            recommenderKind = "districtRegulator",
            qualityModel = "卓越绩效管理模式",
            creditCode = "91350100M000100Y43",
            registeredAddress = "常德市武陵区朗州路1号",
            foundedOn = "2012-03-01",
            industrySector = "secondary",
            industryCode = "C3130",
            size = "large",
            sector = "enterprise",
        };
        var id = await Applicants.SubmitAsync(app, app.As(Roles.Applicant, subject: subject), subject, "changde-2026", form);
        var recommended = await (await app.As(Roles.Recommender, affiliation: "430700:wuling").PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐。", governmentApprovalReference = "武政函〔2026〕8号" })).ExpectAsync(200);
        Assert.Equal("consultation", recommended.Str("stage"));
        return id;
    }

    /// <summary>The department answers on the page its mail links to, with the signed token from that mail.</summary>
    internal static async Task AnswerAsync(TestApp app, GraphStandIn graph, string roundId, string department, Dictionary<string, string> answers)
    {
        // The round's orchestration sends its mails: let it catch up first.
        await app.SettleAsync();
        var mail = Assert.Single(graph.Delivered, m => m.Link is { } link && link.Contains($"/consultations/{roundId}/{department}?t=", StringComparison.Ordinal) && !m.Subject.StartsWith("【提醒】", StringComparison.Ordinal));
        var token = Uri.UnescapeDataString(new Uri(mail.Link!).Query.Split("t=")[1]);
        var fields = new Dictionary<string, string>(answers) { ["t"] = token, ["respondentName"] = Respondent };
        var answered = await app.Anonymous().PostAsync($"/forms/consultations/{roundId}/{department}", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }
}
