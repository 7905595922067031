using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QualityAward.Domain;
using QualityAward.Domain.Consultations;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Consultations;

/// <summary>
/// Changde §13-14: after the district's recommendation the office asks five departments (生态环境、
/// 人社、税务、市场监管、应急管理) about every applicant. The round opens on Monday 2026-03-02;
/// 10 working days end on 2026-03-16, the reminder goes on Friday 13 March. Mail goes through the
/// real Graph SDK to a loopback stand-in of Graph.
/// </summary>
public sealed partial class ConsultationTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private const string ReplyBase = "https://award.example.gov.cn";
    private const string RoundId = "changde-2026-c3";
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    internal static readonly Dictionary<string, string> Addresses = new()
    {
        ["ecologyenvironment"] = "sthjj@example.gov.cn",
        ["humanresourcessocialsecurity"] = "rsj@example.gov.cn",
        ["tax"] = "tax@example.gov.cn",
        ["marketregulation"] = "scjgj@example.gov.cn",
        ["emergencymanagement"] = "yjglj@example.gov.cn",
    };

    private readonly RecordedLogs _logs = new();
    private GraphStandIn _graph = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _graph = await GraphStandIn.StartAsync();
        _app = await StartAppAsync(Start);
        await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "changde", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30", acknowledgeWarnings = true })).ExpectAsync(201);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _graph.DisposeAsync();
    }

    private Task<TestApp> StartAppAsync(DateTimeOffset now, string? prefix = null, Action<WebApplicationBuilder>? also = null) =>
        TestApp.StartAsync(azurite, now, prefix: prefix, configure: b =>
        {
            Configure(_graph)(b);
            b.Logging.AddProvider(_logs);
            also?.Invoke(b);
        });

    public static Action<WebApplicationBuilder> Configure(GraphStandIn graph, string signingKey = "consultation-test-signing-key-0123456789abcdef") => builder =>
    {
        var settings = new Dictionary<string, string?>
        {
            ["Consultations:Mailbox"] = "award-office@example.gov.cn",
            ["Consultations:OfficeEmail"] = "office@example.gov.cn",
            ["Consultations:ReplyBaseUrl"] = ReplyBase,
            ["Consultations:SigningKey"] = signingKey,
            ["Consultations:ReminderWorkingDays"] = "1",
            ["Consultations:LinkGrace"] = "2.00:00:00",
            // Graph failing without a Retry-After: the round's orchestration tries again after 1 s, 2 s, 4 s ….
            ["Consultations:MailRetryInterval"] = "00:00:01",
            ["Consultations:Departments:Tax:Name"] = "常德市税务局",
            ["Graph:BaseUrl"] = graph.BaseUrl.ToString(),
            ["Graph:Credential"] = "Anonymous",
        };
        foreach (var (department, email) in Addresses)
        {
            var key = Enum.GetNames<QualityAward.Domain.Policies.Department>().Single(n => n.Equals(department, StringComparison.OrdinalIgnoreCase));
            settings[$"Consultations:Departments:{key}:Email"] = email;
        }

        builder.Configuration.AddInMemoryCollection(settings);
    };

    internal static object ChangdeForm(string name, string creditCode) => new
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
        creditCode,
        registeredAddress = "常德市武陵区朗州路1号",
        foundedOn = "2012-03-01",
        industrySector = "secondary",
        industryCode = "C3130",
        size = "large",
        sector = "enterprise",
    };

    /// <summary>Submitted and recommended: the application stands at the consultation stage.</summary>
    private async Task<string> AtConsultationAsync(string name)
    {
        var subject = "applicant-" + Guid.NewGuid().ToString("N");
        var applicant = _app.As(Roles.Applicant, subject: subject);
        var id = await Applicants.SubmitAsync(_app, applicant, subject, "changde-2026", ChangdeForm(name, "91350100M000100Y43"));
        var wuling = _app.As(Roles.Recommender, affiliation: "430700:wuling");
        var recommended = await (await wuling.PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐。", governmentApprovalReference = "武政函〔2026〕8号" })).ExpectAsync(200);
        Assert.Equal("consultation", recommended.Str("stage"));
        return id;
    }

    /// <summary>Open the round, and let its orchestration send the mails.</summary>
    private async Task<JsonElement> OpenAsync()
    {
        var round = await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles/changde-2026/consultations", new { })).ExpectAsync(201);
        await _app.SettleAsync();
        return round;
    }

    /// <summary>Wait (real time: Graph's Retry-After and the retries' backoff are durable timers) until Graph has had <paramref name="count"/> requests.</summary>
    private async Task GraphRequestsAsync(int count)
    {
        for (var waited = TimeSpan.Zero; _graph.Requests.Count < count; waited += TimeSpan.FromMilliseconds(50))
        {
            Assert.True(waited < TimeSpan.FromSeconds(60), $"Graph had {_graph.Requests.Count} requests, not {count}.");
            await Task.Delay(50);
        }
    }

    private async Task<JsonElement> RoundAsync() =>
        await (await _app.As(Roles.Office).GetAsync($"/api/cycles/changde-2026/consultations/{RoundId}")).ExpectAsync(200);

    private async Task<JsonElement> ApplicationAsync(string id) =>
        await (await _app.As(Roles.Office).GetAsync($"/api/applications/{id}")).ExpectAsync(200);

    private RecordedMail MailTo(string department) => Assert.Single(_graph.Delivered, m => m.To == Addresses[department] && !m.Subject.StartsWith("【提醒】", StringComparison.Ordinal));

    /// <summary>The path and query of the link in a department's mail: the app under test listens on loopback, not on the public address.</summary>
    private string LinkPath(string department)
    {
        var link = MailTo(department).Link!;
        Assert.StartsWith($"{ReplyBase}/consultations/{RoundId}/{department}?t=", link, StringComparison.Ordinal);
        return new Uri(link).PathAndQuery;
    }

    private string TokenOf(string department) => Uri.UnescapeDataString(LinkPath(department).Split("?t=")[1]);

    private async Task<int> EventCountAsync(params string[] applicationIds)
    {
        var store = _app.Services.GetRequiredService<EventStore>();
        var count = (await store.ReadAfterAsync(ConsultationIds.StreamId(RoundId), 0, CancellationToken.None)).Count;
        foreach (var id in applicationIds)
        {
            count += (await store.ReadAfterAsync(ApplicationId.Parse(id).Value.StreamId, 0, CancellationToken.None)).Count;
        }

        return count;
    }

    private Task<HttpResponseMessage> PostAnswerAsync(string department, string token, IDictionary<string, string> answers, string respondent = "李科长 0736-7000000")
    {
        var fields = new Dictionary<string, string>(answers) { ["t"] = token, ["respondentName"] = respondent };
        return _app.Anonymous().PostAsync($"/forms/consultations/{RoundId}/{department}", new FormUrlEncodedContent(fields));
    }

    private static Dictionary<string, string> Clean(params string[] ids) => ids.ToDictionary(id => "v-" + id, _ => "none");

    [Fact]
    public async Task Opening_SendsEachDepartmentOneChineseMail_ListingTheApplicants_WithItsSignedLink()
    {
        await AtConsultationAsync("常德甲制造有限公司");
        await AtConsultationAsync("常德乙食品有限公司");

        var round = await OpenAsync();

        Assert.Equal(RoundId, round.Str("consultationId"));
        Assert.Equal("2026-03-16", round.Str("replyBy"));
        Assert.Equal(5, round.GetProperty("departments").GetArrayLength());
        Assert.Equal(5, _graph.Delivered.Count);
        Assert.Equal(Addresses.Values.Order(), _graph.Delivered.Select(m => m.To).Order());
        Assert.All(_graph.Delivered, m =>
        {
            Assert.Equal("award-office@example.gov.cn", m.Mailbox);
            Assert.Contains("征求有关主管部门意见", m.Subject); // the stage in Changde §13's words
            Assert.Contains("请于2026年3月16日前答复", m.Subject);
            Assert.Contains("常德甲制造有限公司", m.Html);
            Assert.Contains("常德乙食品有限公司", m.Html);
            Assert.NotNull(m.Link);
            Assert.StartsWith($"{RoundId}/", m.MailId);
        });
        Assert.Equal("常德市税务局", MailTo("tax").ToName);
        Assert.Contains("常德市税务局", MailTo("tax").Html);
        Assert.Equal(5, _graph.Delivered.Select(m => m.Link).Distinct().Count());
        Assert.All((await RoundAsync()).GetProperty("mails").EnumerateArray(), m => Assert.Equal("sent", m.Str("status")));

        // Opening again sends nothing more.
        await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles/changde-2026/consultations", new { })).ExpectAsync(200);
        await _app.SettleAsync();
        Assert.Equal(5, _graph.Requests.Count);
    }

    [Fact]
    public async Task Link_GetShowsThePageAndChangesNothing_AnswersBlockTheAdverseApplication_UntilTheOfficeDismissesIt()
    {
        var a = await AtConsultationAsync("常德丙化工有限公司");
        var b = await AtConsultationAsync("常德丁电子有限公司");
        await OpenAsync();
        var before = await EventCountAsync(a, b);

        // A mail scanner (or the department) opens the link: the page, in Chinese, and nothing stored.
        var page = await _app.Anonymous().GetAsync(LinkPath("tax"));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("lang=\"zh-CN\"", html);
        Assert.Contains("常德丙化工有限公司", html);
        Assert.Contains("无不良记录", html);
        Assert.Contains("有不良记录", html);
        Assert.DoesNotContain("<script", html);
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
        await _app.Anonymous().GetAsync(LinkPath("tax"));
        Assert.Equal(before, await EventCountAsync(a, b));

        // Tax reports an adverse record on A; the other four find nothing.
        var taxAnswer = new Dictionary<string, string> { ["v-" + a] = "adverse", ["d-" + a] = "2025年3月因欠缴税款被处以罚款。", ["v-" + b] = "none" };
        var answered = await PostAnswerAsync("tax", TokenOf("tax"), taxAnswer);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Contains("已收到贵单位的意见", await answered.Content.ReadAsStringAsync());
        foreach (var department in Addresses.Keys.Where(d => d != "tax"))
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAnswerAsync(department, TokenOf(department), Clean(a, b))).StatusCode);
        }

        await _app.SettleAsync();

        var round = await RoundAsync();
        Assert.Equal("closed", round.Str("status"));
        var tax = Assert.Single(round.GetProperty("departments").EnumerateArray(), d => d.Str("department") == "tax");
        Assert.True(tax.GetProperty("answered").GetBoolean());
        Assert.Equal("李科长 0736-7000000", tax.Str("respondent"));
        var adverse = Assert.Single(tax.GetProperty("answers").EnumerateArray(), x => x.Str("verdict") == "adverseRecord");
        Assert.Equal(a, adverse.Str("applicationId"));
        Assert.Equal("2025年3月因欠缴税款被处以罚款。", adverse.Str("details"));

        // B moves on to the formal review and is accepted; A is held at the consultation.
        Assert.Equal("formalReview", (await ApplicationAsync(b)).Str("stage"));
        await (await _app.As(Roles.Office).PostJsonAsync($"/api/applications/{b}/accept", new { })).ExpectAsync(200);
        Assert.Equal("consultation", (await ApplicationAsync(a)).Str("stage"));
        await (await _app.As(Roles.Office).PostJsonAsync($"/api/applications/{a}/accept", new { })).ExpectAsync(409);

        // Only the office decides on the record.
        await (await _app.As(Roles.Applicant).PostJsonAsync($"/api/applications/{a}/adverse-records/dismiss", new { consultationId = RoundId, department = "tax", reason = "已补缴" })).ExpectAsync(403);
        await (await _app.As(Roles.Office).PostJsonAsync($"/api/applications/{a}/adverse-records/dismiss", new { consultationId = RoundId, department = "tax", reason = "经核实，罚款已缴清，情节轻微，不影响申报。" })).ExpectAsync(200);
        await _app.SettleAsync();

        Assert.Equal("formalReview", (await ApplicationAsync(a)).Str("stage"));
        await (await _app.As(Roles.Office).PostJsonAsync($"/api/applications/{a}/accept", new { })).ExpectAsync(200);
    }

    [Fact]
    public async Task ARoundConcluded_WakesTheApplicationsOrchestration_WhichShowsItsNextStepWithoutAClockMove()
    {
        var id = await AtConsultationAsync("常德壬机械有限公司");
        await OpenAsync();
        Assert.Contains("consultation", await OrchestrationCodeAsync(id));

        // Every department answers: the round closes and concludes the application, which moves on.
        foreach (var department in Addresses.Keys)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAnswerAsync(department, TokenOf(department), Clean(id))).StatusCode);
        }

        // No clock move, no settling: the conclusion itself wakes the application's orchestration
        // (before, it showed the consultation until its six-hour nap).
        var code = string.Empty;
        for (var waited = TimeSpan.Zero; code != "application.formal-review"; waited += TimeSpan.FromMilliseconds(200))
        {
            Assert.True(waited < TimeSpan.FromSeconds(30), $"The application's orchestration still shows {code} after its round concluded.");
            await Task.Delay(200);
            code = await OrchestrationCodeAsync(id);
        }

        Assert.Equal("formalReview", (await ApplicationAsync(id)).Str("stage"));
    }

    private async Task<string?> OrchestrationCodeAsync(string id)
    {
        var view = await (await _app.As(Roles.Office).GetAsync($"/api/applications/{id}/workflow")).ExpectAsync(200);
        return view.GetProperty("orchestration").TryGetProperty("waitingFor", out var waiting) && waiting.ValueKind == JsonValueKind.Object ? waiting.Str("code") : null;
    }

    [Fact]
    public async Task AdverseRecordUpheld_DisqualifiesTheApplication_WithTheReasonTheApplicantReads()
    {
        var a = await AtConsultationAsync("常德癸环保有限公司");
        await OpenAsync();
        var taxAnswer = new Dictionary<string, string> { ["v-" + a] = "adverse", ["d-" + a] = "2025年存在重大税收违法失信行为。" };
        Assert.Equal(HttpStatusCode.OK, (await PostAnswerAsync("tax", TokenOf("tax"), taxAnswer)).StatusCode);
        await _app.SettleAsync();
        var office = _app.As(Roles.Office);

        Assert.Equal("reason.missing", (await (await office.PostJsonAsync($"/api/applications/{a}/adverse-records/uphold", new { consultationId = RoundId, department = "tax", reason = " " })).ExpectAsync(422)).Str("code"));
        Assert.Equal("consultation.no-open-record", (await (await office.PostJsonAsync($"/api/applications/{a}/adverse-records/uphold", new { consultationId = RoundId, department = "ecologyEnvironment", reason = "核实" })).ExpectAsync(404)).Str("code"));
        await (await office.PostJsonAsync($"/api/applications/{a}/adverse-records/uphold", new { consultationId = RoundId, department = "tax", reason = "经核实属实，不符合第八条第四项。" })).ExpectAsync(200);

        var app = await ApplicationAsync(a);
        Assert.Equal("disqualified", app.Str("status"));
        Assert.Equal("税务部门反馈不良记录，经评审办公室核实：经核实属实，不符合第八条第四项。", app.Str("endReason"));
    }

    [Fact]
    public async Task ForgedExpiredOtherDepartmentsAndReplayedLinks_AreRefusedInChinese_AndStoreNothing()
    {
        var a = await AtConsultationAsync("常德戊纺织有限公司");
        await OpenAsync();
        var taxToken = TokenOf("tax");

        // One character of the signed payload changed.
        var forged = (taxToken[5] == 'A' ? "B" : "A") is var c ? taxToken[..5] + c + taxToken[6..] : taxToken;
        var before = await EventCountAsync(a);
        var forgedPage = await PostAnswerAsync("tax", forged, Clean(a));
        Assert.Equal(HttpStatusCode.Forbidden, forgedPage.StatusCode);
        Assert.Contains("链接无效", await forgedPage.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await _app.Anonymous().GetAsync($"/consultations/{RoundId}/tax?t={Uri.EscapeDataString(forged)}")).StatusCode);

        // The tax office's link on the ecology and environment bureau's form.
        var other = await PostAnswerAsync("ecologyenvironment", taxToken, Clean(a));
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Contains("其他单位", await other.Content.ReadAsStringAsync());
        Assert.Equal(before, await EventCountAsync(a));

        // The final answer, then the same POST again.
        Assert.Equal(HttpStatusCode.OK, (await PostAnswerAsync("tax", taxToken, Clean(a))).StatusCode);
        var after = await EventCountAsync(a);
        var replay = await PostAnswerAsync("tax", taxToken, new Dictionary<string, string> { ["v-" + a] = "adverse", ["d-" + a] = "改口" });
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        Assert.Contains("不能更改", await replay.Content.ReadAsStringAsync());
        Assert.Equal(after, await EventCountAsync(a));
        var shown = await (await _app.Anonymous().GetAsync(LinkPath("tax"))).Content.ReadAsStringAsync();
        Assert.Contains("贵单位已提交意见", shown);
        Assert.DoesNotContain("<form", shown);

        // After the deadline day (16 March) and the two days' grace, the link is dead.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 19, 0, 0, 1, TimeSpan.FromHours(8)));
        var expired = await PostAnswerAsync("marketregulation", TokenOf("marketregulation"), Clean(a));
        Assert.Equal(HttpStatusCode.Conflict, expired.StatusCode);
        Assert.Contains("链接已失效", await expired.Content.ReadAsStringAsync());
        Assert.Equal(after, await EventCountAsync(a));
    }

    [Fact]
    public async Task GraphThrottlingThenOutage_IsRetriedByTheOrchestration_AfterRetryAfter_AndEachMailGoesExactlyOnce()
    {
        await AtConsultationAsync("常德己建材有限公司");
        _graph.FailNextTo(Addresses.Values, 429, retryAfterSeconds: 3);

        await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles/changde-2026/consultations", new { })).ExpectAsync(201);
        await GraphRequestsAsync(5);

        Assert.Empty(_graph.Delivered);
        Assert.All((await RoundAsync()).GetProperty("mails").EnumerateArray(), m => Assert.Equal("pending", m.Str("status")));

        // Before Retry-After (Graph's seconds, waited with a durable timer) nothing is tried again:
        // each department's next request comes at least 3 s after its 429 (checked below, per
        // department, since a busy machine spreads the first five requests over seconds).

        // Then Graph is down (no Retry-After): the orchestration backs off and tries once more.
        // Each department's next request fails, whichever order a loaded machine sends them in.
        _graph.FailNextTo(Addresses.Values, 503);
        await GraphRequestsAsync(10);
        await _app.SettleAsync();

        Assert.Equal(15, _graph.Requests.Count);
        Assert.Equal(Addresses.Values.Order(), _graph.Delivered.Select(m => m.To).Order());
        Assert.All(Addresses.Values, to => Assert.Equal([429, 503, 202], _graph.Requests.Where(r => r.To == to).Select(r => r.Answered)));
        Assert.All(Addresses.Values, to =>
        {
            var waited = _graph.Requests.Single(r => r.To == to && r.Answered == 503).At - _graph.Requests.Single(r => r.To == to && r.Answered == 429).At;
            Assert.True(waited >= TimeSpan.FromSeconds(2.9), $"{to} was retried {waited} after its 429 (Retry-After 3 s)");
        });
        Assert.All((await RoundAsync()).GetProperty("mails").EnumerateArray(), m =>
        {
            Assert.Equal("sent", m.Str("status"));
            Assert.Equal(3, m.GetProperty("attempts").GetInt32());
        });
    }

    [Fact]
    public async Task AppStoppedWhileMailsAreOwed_SendsEachMailAfterTheRestart_NoDepartmentMoreThanTwice()
    {
        // Orchestrations on Azurite (a restart keeps them); the first process retries Graph only after 10 s.
        var prefix = _app.Prefix;
        await _app.DisposeAsync();
        _app = await StartAppAsync(Start, prefix, b =>
        {
            TestApp.DurableOnAzurite(b);
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Consultations:MailRetryInterval"] = "00:00:10" });
        });
        await AtConsultationAsync("常德庚医药有限公司");
        _graph.FailNext(5, 503);
        await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles/changde-2026/consultations", new { })).ExpectAsync(201);
        await GraphRequestsAsync(5);
        Assert.Empty(_graph.Delivered);

        // A redeploy: the process goes while every mail is still owed; a new one starts on the same storage.
        await _app.DisposeAsync();
        _app = await StartAppAsync(Start.AddMinutes(5), prefix, TestApp.DurableOnAzurite);

        // Every department gets its mail from the new process (each one's retry is a durable timer the restart kept).
        for (var waited = TimeSpan.Zero; _graph.Delivered.Select(m => m.To).Distinct().Count() < Addresses.Count; waited += TimeSpan.FromMilliseconds(100))
        {
            Assert.True(waited < TimeSpan.FromSeconds(90), $"Delivered to {_graph.Delivered.Select(m => m.To).Distinct().Count()} of {Addresses.Count} departments after the restart.");
            await Task.Delay(100);
        }

        await _app.SettleAsync();

        // The claim the mail log keeps: every department mailed, none more than twice (once, unless a
        // send was on the wire when the process went).
        Assert.Equal(Addresses.Values.Order(), _graph.Delivered.Select(m => m.To).Distinct().Order());
        Assert.All(_graph.Delivered.GroupBy(m => m.To), g => Assert.InRange(g.Count(), 1, 2));
    }

    [Fact]
    public async Task DepartmentsThatHaveNotAnswered_AreRemindedTheWorkingDayBefore_AndReportedToTheOfficeAfterTheDeadline()
    {
        var a = await AtConsultationAsync("常德辛机械有限公司");
        await OpenAsync();
        Assert.Equal(HttpStatusCode.OK, (await PostAnswerAsync("tax", TokenOf("tax"), Clean(a))).StatusCode);

        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 13, 8, 59, 0, TimeSpan.FromHours(8)));
        await _app.SettleAsync();
        Assert.DoesNotContain(_graph.Delivered, m => m.Subject.StartsWith("【提醒】", StringComparison.Ordinal));

        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 13, 9, 0, 1, TimeSpan.FromHours(8)));
        await _app.SettleAsync();
        var reminders = _graph.Delivered.Where(m => m.Subject.StartsWith("【提醒】", StringComparison.Ordinal)).ToList();
        Assert.Equal(Addresses.Where(x => x.Key != "tax").Select(x => x.Value).Order(), reminders.Select(m => m.To).Order());
        Assert.All(reminders, m => Assert.NotNull(m.Link));

        // The last reply day is still inside the period; the next midnight is not.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 16, 23, 59, 0, TimeSpan.FromHours(8)));
        await _app.SettleAsync();
        Assert.DoesNotContain(_graph.Delivered, m => m.To == "office@example.gov.cn");
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 17, 0, 0, 1, TimeSpan.FromHours(8)));
        await _app.SettleAsync();

        var office = Assert.Single(_graph.Delivered, m => m.To == "office@example.gov.cn");
        Assert.Contains("逾期", office.Subject);
        Assert.Contains("应急管理", office.Html);
        var round = await RoundAsync();
        Assert.Equal(4, round.GetProperty("overdueDepartments").GetArrayLength());
        Assert.DoesNotContain("tax", round.GetProperty("overdueDepartments").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("有部门逾期未答复", round.Str("statusText"));
    }

    [Fact]
    public async Task ConsultationSettings_WithAShortSigningKey_StopTheApp()
    {
        var failed = await Assert.ThrowsAnyAsync<Exception>(() => TestApp.StartAsync(azurite, Start, configure: Configure(_graph, signingKey: "too-short")));
        Assert.Contains("SigningKey", failed.ToString());
    }

    [Fact]
    public async Task AnAdverseAnswer_CarriesAnOptionalFile_ThatOnlyTheOfficeReads_AndAForgedLinkStoresNoFile()
    {
        var a = await AtConsultationAsync("常德戊机械有限公司");
        await OpenAsync();
        var pdf = System.Text.Encoding.ASCII.GetBytes("%PDF-1.4\n" + new string('p', 20_000) + "\n%%EOF\n");

        MultipartFormDataContent Form(string token)
        {
            var form = new MultipartFormDataContent
            {
                { new StringContent(token), "t" },
                { new StringContent("adverse"), "v-" + a },
                { new StringContent("2025年因安全生产违法被处罚款20万元。"), "d-" + a },
            };
            form.Add(new ByteArrayContent(pdf), "f-" + a, "行政处罚决定书.pdf");
            form.Add(new StringContent("王科长 0736-7000001"), "respondentName");
            return form;
        }

        var token = TokenOf("tax");
        var forged = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');
        var refused = await _app.Anonymous().PostAsync($"/forms/consultations/{RoundId}/tax", Form(forged));
        Assert.False(refused.IsSuccessStatusCode);
        var container = _app.Storage.Container("documents");
        Assert.Empty(await container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"consultations/{RoundId}/", CancellationToken.None).ToListAsync());

        var answered = await _app.Anonymous().PostAsync($"/forms/consultations/{RoundId}/tax", Form(token));
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);

        var round = await RoundAsync();
        var tax = round.GetProperty("departments").EnumerateArray().Single(d => d.Str("department") == "tax");
        var answer = tax.GetProperty("answers").EnumerateArray().Single(x => x.Str("applicationId") == a);
        Assert.Equal("answer-" + a, answer.Str("fileId"));
        var url = $"/api/cycles/changde-2026/consultations/{RoundId}/files/tax/{a}";
        Assert.Equal(pdf, await (await _app.As(Roles.Office).GetAsync(url)).Content.ReadAsByteArrayAsync());
        await (await _app.Anonymous().GetAsync(url)).ExpectAsync(401);
        await (await _app.As(Roles.Applicant).GetAsync(url)).ExpectAsync(403);

        // Only a file an answer names is served: not another department's (it has not answered), not under another cycle.
        Assert.Equal("consultation.file-not-found", (await (await _app.As(Roles.Office).GetAsync($"/api/cycles/changde-2026/consultations/{RoundId}/files/marketregulation/{a}")).ExpectAsync(404)).Str("code"));
        Assert.Equal("consultation.file-not-found", (await (await _app.As(Roles.Office).GetAsync($"/api/cycles/weihai-2026/consultations/{RoundId}/files/tax/{a}")).ExpectAsync(404)).Str("code"));

        // The named file's blob gone: the office is told the content is missing, the operator which blob.
        var blobName = $"consultations/{RoundId}/tax/{a}";
        await container.GetBlobClient(blobName).DeleteAsync();
        var missing = await (await _app.As(Roles.Office).GetAsync(url)).ExpectAsync(404);
        Assert.Equal("document.content-missing", missing.Str("code"));
        var error = Assert.Single(_logs.Errors, e => e.Contains(blobName, StringComparison.Ordinal));
        Assert.Contains(a, error);
    }
}
