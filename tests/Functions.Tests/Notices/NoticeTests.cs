using System.Net;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QualityAward.Domain;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Notices;

/// <summary>
/// Benxi §16: accepted applications go under public notice for at least 5 working days. The
/// notice here starts on Thursday 2026-02-12, just before the Spring Festival (2026-02-15..23 off,
/// Saturday 2026-02-14 a make-up working day): 12, 13, 14, 24, 25 February are its five working days.
/// </summary>
public sealed class NoticeTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.FromHours(8));
    private readonly RecordedLogs _logs = new();
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        // The notices' orchestrations on the real engine: the Durable Task Framework's Azure Storage provider over Azurite.
        _app = await TestApp.StartAsync(azurite, Start, configure: b =>
        {
            b.Logging.AddProvider(_logs);
            TestApp.DurableOnAzurite(b);
        });
        await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "benxi", year = 2026, submissionOpensOn = "2026-01-05", submissionClosesOn = "2026-03-31", acknowledgeWarnings = true })).ExpectAsync(201);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<string> AcceptedAsync(string name)
    {
        var subject = "applicant-" + Guid.NewGuid().ToString("N");
        var applicant = _app.As(Roles.Applicant, subject: subject);
        var id = await Applicants.SubmitAsync(_app, applicant, subject, "benxi-2026", Forms.BenxiOrganisation(name));
        var pingshan = _app.As(Roles.Recommender, affiliation: "210500:pingshan");
        await (await pingshan.PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐。" })).ExpectAsync(200);
        var accepted = await (await _app.As(Roles.Office).PostJsonAsync($"/api/applications/{id}/accept", new { })).ExpectAsync(200);
        Assert.Equal("publicNotice", accepted.Str("stage"));
        return id;
    }

    private async Task<System.Text.Json.JsonElement> OpenAcceptanceNoticeAsync(string firstDay = "2026-02-12")
    {
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 12, 9, 0, 0, TimeSpan.FromHours(8)));
        return await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles/benxi-2026/notices", new { list = "acceptance", firstDay })).ExpectAsync(201);
    }

    private async Task<System.Text.Json.JsonElement> ApplicationAsync(string id) =>
        await (await _app.As(Roles.Office).GetAsync($"/api/applications/{id}")).ExpectAsync(200);

    [Fact]
    public async Task AcceptanceNotice_AcrossTheSpringFestival_EndsOnTheFifthWorkingDay_AndMovesEveryoneOn()
    {
        var a = await AcceptedAsync("本溪甲公司");
        var b = await AcceptedAsync("本溪乙公司");

        var notice = await OpenAcceptanceNoticeAsync();

        Assert.Equal("2026-02-25", notice.Str("lastDay"));
        Assert.Equal(5, notice.GetProperty("workingDays").GetInt32());
        Assert.Equal(new DateTimeOffset(2026, 2, 25, 16, 0, 0, TimeSpan.Zero), notice.GetProperty("closesAt").GetDateTimeOffset());
        Assert.Equal(2, notice.GetProperty("entries").GetArrayLength());
        var noticeId = notice.Str("noticeId");

        // The last day is still inside the notice: nothing closes at 23:59 Shanghai time.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 25, 23, 59, 0, TimeSpan.FromHours(8)));
        await _app.SettleAsync();
        Assert.Equal("open", (await (await _app.Anonymous().GetAsync($"/api/public/notices/{noticeId}")).ExpectAsync(200)).Str("status"));

        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 26, 0, 0, 1, TimeSpan.FromHours(8)));
        await _app.SettleAsync();

        Assert.Equal("closed", (await (await _app.Anonymous().GetAsync($"/api/public/notices/{noticeId}")).ExpectAsync(200)).Str("status"));
        Assert.Equal("materialReview", (await ApplicationAsync(a)).Str("stage"));
        Assert.Equal("materialReview", (await ApplicationAsync(b)).Str("stage"));
    }

    [Fact]
    public async Task ClosedNotice_WakesEachListedApplicationsOrchestration_WhichShowsItsNextStepWithoutANap()
    {
        var a = await AcceptedAsync("本溪丁公司");
        var b = await AcceptedAsync("本溪戊公司");
        var noticeId = (await OpenAcceptanceNoticeAsync()).Str("noticeId");
        await _app.SettleAsync();
        var before = (await WorkflowAsync(a)).GetProperty("orchestration").GetProperty("waitingFor").Str("code");

        // The period ends, and only the notice's orchestration is told that the clock moved: the
        // applications' orchestrations wait in their naps (hours), unless the close wakes them.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 26, 0, 0, 1, TimeSpan.FromHours(8)));
        var epoch = _app.Services.GetRequiredService<QualityAward.Functions.Workflow.ClockEpoch>().Advance();
        var instance = QualityAward.Functions.Workflow.Orchestrations.Notice(noticeId);
        await _app.Durable.RaiseEventAsync(instance, QualityAward.Functions.Workflow.Orchestrations.ClockMoved, epoch.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await _app.WaitForOrchestrationAsync(instance);

        foreach (var id in new[] { a, b })
        {
            Assert.Equal("materialReview", (await ApplicationAsync(id)).Str("stage"));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            var view = await WorkflowAsync(id);
            while (Shown(view) != view.GetProperty("standing").Str("waitsFor") && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
                view = await WorkflowAsync(id);
            }

            // Its status shows the step after the notice, as the record reads now.
            Assert.Equal(view.GetProperty("standing").Str("waitsFor"), Shown(view));
            Assert.NotEqual(before, Shown(view));
        }

        static string Shown(System.Text.Json.JsonElement view) => view.GetProperty("orchestration").GetProperty("waitingFor").Str("code");
    }

    private async Task<System.Text.Json.JsonElement> WorkflowAsync(string id) =>
        await (await _app.As(Roles.Office).GetAsync($"/api/applications/{id}/workflow")).ExpectAsync(200);

    [Fact]
    public async Task TerminatedNoticeOrchestration_IsStartedAfresh_ByPublishingTheNoticeAgain_AndStillClosesOnce()
    {
        var a = await AcceptedAsync("本溪丙公司");
        var notice = await OpenAcceptanceNoticeAsync();
        var noticeId = notice.Str("noticeId");
        var instance = QualityAward.Functions.Workflow.Orchestrations.Notice(noticeId);

        // An operator ends the orchestration (or it failed): the notice would never close.
        await _app.Durable.TerminateInstanceAsync(instance, "operator test");
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await _app.Durable.WaitForInstanceCompletionAsync(instance)).RuntimeStatus);

        // Publishing the same notice again is a retry (200, nothing appended) that sets it going.
        await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles/benxi-2026/notices", new { list = "acceptance", firstDay = "2026-02-12" })).ExpectAsync(200);
        Assert.Contains((await _app.Durable.GetInstanceAsync(instance))!.RuntimeStatus, new[] { OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running });

        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 26, 0, 0, 1, TimeSpan.FromHours(8)));
        await _app.SettleAsync();
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await _app.WaitForOrchestrationAsync(instance)).RuntimeStatus);
        Assert.Equal("closed", (await (await _app.Anonymous().GetAsync($"/api/public/notices/{noticeId}")).ExpectAsync(200)).Str("status"));
        Assert.Equal("materialReview", (await ApplicationAsync(a)).Str("stage"));
        var closes = (await _app.Services.GetRequiredService<QualityAward.Functions.Storage.EventStore>().ReadAsync(NoticeId.Parse(noticeId).Value.StreamId, default)).Count(e => e.Event is QualityAward.Domain.Notices.NoticeClosed);
        Assert.Equal(1, closes);
    }

    [Fact]
    public async Task Notice_ShorterThanThePolicysWorkingDays_IsRefused()
    {
        await AcceptedAsync("本溪丙公司");
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 12, 9, 0, 0, TimeSpan.FromHours(8)));

        var problem = await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles/benxi-2026/notices", new { list = "acceptance", firstDay = "2026-02-12", workingDays = 4 })).ExpectAsync(422);

        Assert.Equal("notice.too-short", problem.Str("code"));
        await (await _app.Anonymous().GetAsync("/api/public/notices/benxi-2026-acceptance")).ExpectAsync(404);
    }

    [Fact]
    public async Task AnonymousObjection_WithANameOrContact_OrWithoutAVisibleCharacter_IsRefused_AndStoresNothing()
    {
        var a = await AcceptedAsync("本溪庚公司");
        var noticeId = (await OpenAcceptanceNoticeAsync()).Str("noticeId");
        var before = await Hostile.StorageSnapshot.TakeAsync(_app);

        // What the probe sent: anonymous, yet with a name and a phone number.
        var identified = await (await _app.Anonymous().PostJsonAsync($"/api/public/notices/{noticeId}/objections", new { applicationId = a, realName = false, name = "张三", contact = "13800000000", text = "该公司存在质量问题。" })).ExpectAsync(422);
        Assert.Equal("objection.anonymous-identified", identified.Str("code"));
        Assert.Equal("name", identified.Str("field"));
        var en = _app.Anonymous();
        en.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        var english = await (await en.PostJsonAsync($"/api/public/notices/{noticeId}/objections", new { applicationId = a, realName = false, contact = "13800000000", text = "该公司存在质量问题。" })).ExpectAsync(422);
        Assert.Equal("contact", english.Str("field"));
        Assert.Contains("anonymous", english.Str("detail"), StringComparison.Ordinal);

        // Text made only of invisible characters: NUL, a right-to-left override, a zero-width space.
        var invisible = await (await _app.Anonymous().PostJsonAsync($"/api/public/notices/{noticeId}/objections", new { applicationId = a, realName = false, text = "\u0000\u202e\u200b" })).ExpectAsync(422);
        Assert.Equal("text.no-visible-character", invisible.Str("code"));
        Assert.Equal("text", invisible.Str("field"));
        Assert.Equal(string.Empty, (await Hostile.StorageSnapshot.TakeAsync(_app)).DifferenceFrom(before));

        // Anonymous without either: filed, and the office sees no name.
        await (await _app.Anonymous().PostJsonAsync($"/api/public/notices/{noticeId}/objections", new { applicationId = a, realName = false, text = "该公司存在质量问题。" })).ExpectAsync(201);
        var seen = Assert.Single((await (await _app.As(Roles.Office).GetAsync($"/api/notices/{noticeId}/objections")).ExpectAsync(200)).EnumerateArray());
        Assert.False(seen.GetProperty("realName").GetBoolean());
        Assert.False(seen.TryGetProperty("objectorName", out var name) && name.ValueKind != JsonValueKind.Null, seen.ToString());
        Assert.False(seen.TryGetProperty("objectorContact", out var contact) && contact.ValueKind != JsonValueKind.Null, seen.ToString());
    }

    [Fact]
    public async Task UpheldObjection_TakesTheEntryOff_TheNoticeWaitsForTheFinding_AndTheObjectorLearnsTheResult()
    {
        var a = await AcceptedAsync("本溪丁公司");
        var b = await AcceptedAsync("本溪戊公司");
        var published = await OpenAcceptanceNoticeAsync();
        var noticeId = published.Str("noticeId");
        int EntryOf(string name) => published.GetProperty("entries").EnumerateArray().Single(e => e.Str("name") == name).GetProperty("entry").GetInt32();

        // Neither the public API nor the page gives away an application id (internal keys).
        var publicJson = await (await _app.Anonymous().GetAsync($"/api/public/notices/{noticeId}")).Content.ReadAsStringAsync();
        var page = await (await _app.Anonymous().GetAsync($"/notices/{noticeId}")).Content.ReadAsStringAsync();
        foreach (var text in new[] { publicJson, page })
        {
            Assert.DoesNotContain(a, text, StringComparison.Ordinal);
            Assert.DoesNotContain(b, text, StringComparison.Ordinal);
        }

        Assert.Contains($"<option value=\"{EntryOf("本溪丁公司")}\">", page, StringComparison.Ordinal);

        // The public names the entry by its number on the list (序号), the only handle the list gives.
        var filed = await _app.Anonymous().PostJsonAsync($"/api/public/notices/{noticeId}/objections", new { entry = EntryOf("本溪丁公司"), realName = false, text = "该公司2025年发生重大质量事故，有报道为证。" });
        var code = (await filed.ExpectAsync(201)).Str("receiptCode");
        Assert.Null(filed.Headers.Location); // the code is a secret: no URL carries it

        // Reading the status before a finding changes nothing.
        var beforeLookup = await Hostile.StorageSnapshot.TakeAsync(_app);
        Assert.Equal("investigating", (await (await _app.Anonymous().PostJsonAsync("/api/public/objections/lookup", new { receiptCode = code })).ExpectAsync(200)).Str("status"));
        Assert.Equal(string.Empty, (await Hostile.StorageSnapshot.TakeAsync(_app)).DifferenceFrom(beforeLookup));

        // The period ends with the objection still open: the list cannot move on.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 26, 0, 0, 1, TimeSpan.FromHours(8)));
        await _app.SettleAsync();
        Assert.Equal("awaiting-findings", (await (await _app.Anonymous().GetAsync($"/api/public/notices/{noticeId}")).ExpectAsync(200)).Str("status"));
        Assert.Equal("publicNotice", (await ApplicationAsync(b)).Str("stage"));

        var objections = await (await _app.As(Roles.Office).GetAsync($"/api/notices/{noticeId}/objections")).ExpectAsync(200);
        var objectionId = Assert.Single(objections.EnumerateArray()).Str("objectionId");
        await (await _app.As(Roles.Office).PostJsonAsync($"/api/notices/{noticeId}/objections/{objectionId}/finding", new { upheld = true, finding = "经核查，该公司2025年确有重大质量事故，异议属实。" })).ExpectAsync(200);
        await _app.SettleAsync();

        var notice = await (await _app.Anonymous().GetAsync($"/api/public/notices/{noticeId}")).ExpectAsync(200);
        Assert.Equal("closed", notice.Str("status"));
        // The public list names its entries by number, never by application id; b keeps its number.
        var left = Assert.Single(notice.GetProperty("entries").EnumerateArray());
        Assert.Equal((EntryOf("本溪戊公司"), "本溪戊公司"), (left.GetProperty("entry").GetInt32(), left.Str("name")));
        Assert.False(left.TryGetProperty("applicationId", out _));
        Assert.Equal("disqualified", (await ApplicationAsync(a)).Str("status"));
        Assert.Equal("materialReview", (await ApplicationAsync(b)).Str("stage"));
        var told = await (await _app.Anonymous().PostJsonAsync("/api/public/objections/lookup", new { receiptCode = code })).ExpectAsync(200);
        Assert.Equal("decided", told.Str("status"));
        Assert.True(told.GetProperty("upheld").GetBoolean());
        var after = await (await _app.As(Roles.Office).GetAsync($"/api/notices/{noticeId}/objections")).ExpectAsync(200);
        Assert.True(after[0].GetProperty("objectorNotified").GetBoolean());
    }

    [Fact]
    public async Task FloodOfObjections_FromManyAddresses_IsDismissedInOneStep_AndTheNoticeCloses()
    {
        var a = await AcceptedAsync("本溪癸公司");
        var noticeId = (await OpenAcceptanceNoticeAsync()).Str("noticeId");

        // More objections than one address may file: each comes through the front end from its own address.
        var ids = new List<string>();
        for (var i = 1; i <= 12; i++)
        {
            var client = _app.Anonymous();
            client.DefaultRequestHeaders.Add("X-Forwarded-For", $"203.0.113.{i}");
            ids.Add((await (await client.PostJsonAsync($"/api/public/notices/{noticeId}/objections", new { applicationId = a, realName = false, text = $"无具体事实的异议{i}" })).ExpectAsync(201)).Str("objectionId"));
        }

        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 26, 0, 0, 1, TimeSpan.FromHours(8)));
        await _app.SettleAsync();
        Assert.Equal("awaiting-findings", (await (await _app.Anonymous().GetAsync($"/api/public/notices/{noticeId}")).ExpectAsync(200)).Str("status"));

        var result = await (await _app.As(Roles.Office).PostJsonAsync($"/api/notices/{noticeId}/objections/findings", new { objectionIds = ids, upheld = false, finding = "未提供具体事实和证据，不予受理。" })).ExpectAsync(200);

        Assert.Equal(12, result.GetProperty("recorded").GetInt32());
        await _app.SettleAsync();
        Assert.Equal("closed", (await (await _app.Anonymous().GetAsync($"/api/public/notices/{noticeId}")).ExpectAsync(200)).Str("status"));
        Assert.Equal("materialReview", (await ApplicationAsync(a)).Str("stage"));
        var objections = (await (await _app.As(Roles.Office).GetAsync($"/api/notices/{noticeId}/objections")).ExpectAsync(200)).EnumerateArray().ToList();
        Assert.All(objections, o => Assert.Equal("未提供具体事实和证据，不予受理。", o.Str("finding")));

        // Sent again (a retry after a lost answer): nothing more is recorded.
        var again = await (await _app.As(Roles.Office).PostJsonAsync($"/api/notices/{noticeId}/objections/findings", new { objectionIds = ids, upheld = false, finding = "未提供具体事实和证据，不予受理。" })).ExpectAsync(200);
        Assert.Equal(0, again.GetProperty("recorded").GetInt32());
    }

    [Fact]
    public async Task BulkFinding_WithOneBadId_RecordsNothing_AndNamesEveryBadId()
    {
        var a = await AcceptedAsync("本溪子公司");
        var noticeId = (await OpenAcceptanceNoticeAsync()).Str("noticeId");
        var ids = new List<string>();
        foreach (var text in new[] { "异议一", "异议二", "异议三" })
        {
            ids.Add((await (await _app.Anonymous().PostJsonAsync($"/api/public/notices/{noticeId}/objections", new { applicationId = a, realName = false, text })).ExpectAsync(201)).Str("objectionId"));
        }

        var office = _app.As(Roles.Office);
        await (await office.PostJsonAsync($"/api/notices/{noticeId}/objections/{ids[2]}/finding", new { upheld = false, finding = "经核查，异议不成立。" })).ExpectAsync(200);
        var before = await Hostile.StorageSnapshot.TakeAsync(_app);

        // An unknown id and one with another finding: 422, both named, and not even the good ones are recorded.
        var problem = await (await office.PostJsonAsync($"/api/notices/{noticeId}/objections/findings", new { objectionIds = new[] { ids[0], "obj-unknown", ids[1], ids[2] }, upheld = true, finding = "属实。" })).ExpectAsync(422);

        Assert.Equal("objection.bulk-refused", problem.Str("code"));
        Assert.Contains("obj-unknown", problem.Str("detail"));
        Assert.Contains(ids[2], problem.Str("detail"));
        Assert.Equal(["objectionIds[1]", "objectionIds[3]"], problem.GetProperty("problems").EnumerateArray().Select(p => p.Str("field")));
        Assert.Equal(["objection.not-found", "objection.decided"], problem.GetProperty("problems").EnumerateArray().Select(p => p.Str("code")));
        var difference = (await Hostile.StorageSnapshot.TakeAsync(_app)).DifferenceFrom(before);
        Assert.True(difference.Length == 0, $"a refused bulk finding changed storage:\n{difference}");
        Assert.Equal(2, (await (await office.GetAsync($"/api/notices/{noticeId}/objections")).ExpectAsync(200)).EnumerateArray().Count(o => !o.TryGetProperty("finding", out _)));
    }

    [Fact]
    public async Task Objection_AfterThePeriod_IsRefused()
    {
        var a = await AcceptedAsync("本溪己公司");
        var noticeId = (await OpenAcceptanceNoticeAsync()).Str("noticeId");
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 26, 8, 0, 0, TimeSpan.FromHours(8)));

        var problem = await (await _app.Anonymous().PostJsonAsync($"/api/public/notices/{noticeId}/objections", new { applicationId = a, realName = true, name = "王五", contact = "13700137000", text = "迟到的异议" })).ExpectAsync(409);

        Assert.Equal("notice.period-over", problem.Str("code"));
    }

    [Fact]
    public async Task ObjectionFinding_ByTheApplicantOrThePublic_IsNotPossible()
    {
        var a = await AcceptedAsync("本溪庚公司");
        var noticeId = (await OpenAcceptanceNoticeAsync()).Str("noticeId");
        await (await _app.Anonymous().PostJsonAsync($"/api/public/notices/{noticeId}/objections", new { applicationId = a, realName = false, text = "异议" })).ExpectAsync(201);

        await (await _app.Anonymous().GetAsync($"/api/notices/{noticeId}/objections")).ExpectAsync(401);
        await (await _app.As(Roles.Applicant).GetAsync($"/api/notices/{noticeId}/objections")).ExpectAsync(403);
        await (await _app.As(Roles.Applicant).PostJsonAsync($"/api/notices/{noticeId}/objections/obj-x/finding", new { upheld = false, finding = "无" })).ExpectAsync(403);
    }

    [Fact]
    public async Task NoticePage_IsChinese_EscapesNames_AndTakesAnObjectionWithoutJavaScript()
    {
        const string hostile = "<script>alert('x')</script>本溪辛公司";
        await AcceptedAsync(hostile);
        var noticeId = (await OpenAcceptanceNoticeAsync()).Str("noticeId");

        var page = await _app.Anonymous().GetAsync($"/notices/{noticeId}");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("lang=\"zh-CN\"", html);
        Assert.Contains("受理名单公示", html);
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;", html);
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp); // no script may run, whatever slipped through
        Assert.DoesNotContain("script-src", csp);

        var empty = await _app.Anonymous().PostAsync($"/forms/notices/{noticeId}/objections", new FormUrlEncodedContent(new Dictionary<string, string> { ["text"] = "", ["realName"] = "true", ["name"] = "", ["contact"] = "" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.Contains("请写明异议的事实和理由", await empty.Content.ReadAsStringAsync());

        // Post/redirect/get: the form answers 303, the page it leads to shows the code once; a refresh does not post again.
        using var browser = PageLookups.Browser(_app);
        var filed = await browser.PostAsync($"/forms/notices/{noticeId}/objections", new FormUrlEncodedContent(new Dictionary<string, string> { ["text"] = "有异议", ["realName"] = "true", ["name"] = "赵六", ["contact"] = "13600136000" }));
        Assert.Equal(HttpStatusCode.SeeOther, filed.StatusCode);
        Assert.Equal($"/notices/{noticeId}/filed", filed.Headers.Location?.OriginalString);

        // The code rides in a cookie for that one page: Secure although the app sees plain http (behind
        // the Functions host it always does; only Development leaves it off), HttpOnly, Strict.
        var set = PageLookups.SetCookie(filed, "receipt").ToLowerInvariant();
        Assert.Contains("secure", set);
        Assert.Contains("httponly", set);
        Assert.Contains("samesite=strict", set);
        Assert.Contains($"path=/notices/{noticeId}/filed", set);
        var first = await PageLookups.GetAsync(_app, $"/notices/{noticeId}/filed", PageLookups.CookieOf(filed, "receipt"));
        Assert.Matches("id=\"receipt\">[A-Z0-9]{12}<", await first.Content.ReadAsStringAsync());
        Assert.Contains("expires=thu, 01 jan 1970", PageLookups.SetCookie(first, "receipt").ToLowerInvariant()); // shown once: the page deletes it

        // A refresh: the browser no longer has the cookie.
        var again = await (await PageLookups.GetAsync(_app, $"/notices/{noticeId}/filed", cookie: null)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("id=\"receipt\"", again);
        Assert.Contains("查询码只显示一次", again);
    }

    [Fact]
    public async Task Notice_SurvivesARestartOfTheApp_AndClosesExactlyOnce()
    {
        var a = await AcceptedAsync("本溪壬公司");
        var noticeId = (await OpenAcceptanceNoticeAsync()).Str("noticeId");
        var prefix = _app.Prefix;

        // A redeploy in the middle of the period: the running process goes, a new one starts on the same storage.
        await _app.DisposeAsync();
        _app = await TestApp.StartAsync(azurite, new DateTimeOffset(2026, 2, 26, 0, 0, 1, TimeSpan.FromHours(8)), prefix: prefix, configure: TestApp.DurableOnAzurite);

        await _app.SettleAsync();
        await _app.SettleAsync();

        Assert.Equal("closed", (await (await _app.Anonymous().GetAsync($"/api/public/notices/{noticeId}")).ExpectAsync(200)).Str("status"));
        var history = await (await _app.As(Roles.Office).GetAsync($"/api/applications/{a}/history")).ExpectAsync(200);
        Assert.Single(history.EnumerateArray(), h => h.Str("type") == "NoticePassed");

        // The orchestration started before the restart is the one that finished it.
        var done = await _app.WaitForOrchestrationAsync(QualityAward.Functions.Workflow.Orchestrations.Notice(noticeId));
        Assert.Contains(a, done.ReadOutputAs<QualityAward.Functions.Notices.NoticeOutcome>()!.MovedOn);
    }

    private static MultipartFormDataContent Objection(string applicationId, params (string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(applicationId), "applicationId" },
            { new StringContent("该公司存在虚报材料问题，附证明材料。"), "text" },
            { new StringContent("true"), "realName" },
            { new StringContent("孙七"), "name" },
            { new StringContent("13500135000"), "contact" },
        };
        foreach (var (name, bytes) in files)
        {
            form.Add(new ByteArrayContent(bytes), "evidence", name);
        }

        return form;
    }

    private async Task<List<string>> EvidenceBlobsAsync(string noticeId) =>
        await _app.Storage.Container("documents").GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"objections/{noticeId}/", CancellationToken.None).Select(b => b.Name).ToListAsync();

    private static readonly byte[] PdfBytes = System.Text.Encoding.ASCII.GetBytes("%PDF-1.4\n" + new string('e', 50_000) + "\n%%EOF\n");
    private static readonly byte[] PngBytes = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

    [Fact]
    public async Task Objection_WithEvidenceFiles_StoresThem_ForTheOfficeOnly()
    {
        var a = await AcceptedAsync("本溪癸公司");
        var noticeId = (await OpenAcceptanceNoticeAsync()).Str("noticeId");

        await (await _app.Anonymous().PostAsync($"/api/public/notices/{noticeId}/objections", Objection(a, ("检测报告.pdf", PdfBytes), ("现场照片.png", PngBytes)))).ExpectAsync(201);

        var objection = Assert.Single((await (await _app.As(Roles.Office).GetAsync($"/api/notices/{noticeId}/objections")).ExpectAsync(200)).EnumerateArray());
        var evidence = objection.GetProperty("evidence").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(2, evidence.Length);
        var url = $"/api/notices/{noticeId}/objections/{objection.Str("objectionId")}/evidence/{evidence[0]}";
        var download = await _app.As(Roles.Office).GetAsync(url);
        Assert.Equal(PdfBytes, await download.Content.ReadAsByteArrayAsync());
        await (await _app.Anonymous().GetAsync(url)).ExpectAsync(401);
        await (await _app.As(Roles.Applicant).GetAsync(url)).ExpectAsync(403);
    }

    [Fact]
    public async Task EvidenceWhoseBlobIsGone_Is404ContentMissing_AndLogsTheBlob()
    {
        var a = await AcceptedAsync("本溪壬公司");
        var noticeId = (await OpenAcceptanceNoticeAsync()).Str("noticeId");
        await (await _app.Anonymous().PostAsync($"/api/public/notices/{noticeId}/objections", Objection(a, ("检测报告.pdf", PdfBytes)))).ExpectAsync(201);
        var objection = Assert.Single((await (await _app.As(Roles.Office).GetAsync($"/api/notices/{noticeId}/objections")).ExpectAsync(200)).EnumerateArray());
        var evidenceId = Assert.Single(objection.GetProperty("evidence").EnumerateArray()).GetString()!;
        var blobName = Assert.Single(await EvidenceBlobsAsync(noticeId));
        await _app.Storage.Container("documents").GetBlobClient(blobName).DeleteAsync();

        var problem = await (await _app.As(Roles.Office).GetAsync($"/api/notices/{noticeId}/objections/{objection.Str("objectionId")}/evidence/{evidenceId}")).ExpectAsync(404);

        Assert.Equal("document.content-missing", problem.Str("code"));
        var error = Assert.Single(_logs.Errors, e => e.Contains(blobName, StringComparison.Ordinal));
        Assert.Contains(objection.Str("objectionId"), error);
    }

    [Fact]
    public async Task Objection_WithAFileThatLiesAboutItsType_IsRefused_AndNothingStays()
    {
        var a = await AcceptedAsync("本溪子公司");
        var noticeId = (await OpenAcceptanceNoticeAsync()).Str("noticeId");

        var problem = await (await _app.Anonymous().PostAsync($"/api/public/notices/{noticeId}/objections", Objection(a, ("证据.pdf", PdfBytes), ("假的.pdf", "<html>not a pdf</html>"u8.ToArray())))).ExpectAsync(415);

        Assert.Equal("document.type-not-allowed", problem.Str("code"));
        Assert.Empty(await EvidenceBlobsAsync(noticeId));
        Assert.Empty((await (await _app.As(Roles.Office).GetAsync($"/api/notices/{noticeId}/objections")).ExpectAsync(200)).EnumerateArray());
    }

    [Fact]
    public async Task Objection_WithEvidence_AfterThePeriod_IsRefused_AndItsFilesAreDeleted()
    {
        var a = await AcceptedAsync("本溪丑公司");
        var noticeId = (await OpenAcceptanceNoticeAsync()).Str("noticeId");
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 26, 8, 0, 0, TimeSpan.FromHours(8)));

        await (await _app.Anonymous().PostAsync($"/api/public/notices/{noticeId}/objections", Objection(a, ("检测报告.pdf", PdfBytes)))).ExpectAsync(409);

        Assert.Empty(await EvidenceBlobsAsync(noticeId));
    }

    [Fact]
    public async Task NoticePage_TakesAnObjectionWithEvidence()
    {
        var a = await AcceptedAsync("本溪寅公司");
        var noticeId = (await OpenAcceptanceNoticeAsync()).Str("noticeId");

        var page = await _app.Anonymous().PostAsync($"/forms/notices/{noticeId}/objections", Objection(a, ("检测报告.pdf", PdfBytes)));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode); // after the 303, the receipt page
        Assert.Contains("查询码", await page.Content.ReadAsStringAsync());
        Assert.Single(await EvidenceBlobsAsync(noticeId));
    }
}
