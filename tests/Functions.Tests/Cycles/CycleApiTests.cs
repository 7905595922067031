using System.Net;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Domain.Cycles;
using QualityAward.Functions.Cycles;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Tests.Cycles;

public sealed class CycleApiTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task OpenCycle_AsOffice_FromPreset_IsCreatedWithThePolicysStages()
    {
        var office = _app.As(Roles.Office);

        var created = await (await office.PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);

        Assert.Equal("weihai-2026", created.Str("cycleId"));
        var read = await (await _app.Anonymous().GetAsync("/api/cycles/weihai-2026")).ExpectAsync(200);
        Assert.Equal("威海市", read.Str("city"));
        Assert.True(read.GetProperty("acceptingSubmissions").GetBoolean());
        var stages = read.GetProperty("stages").EnumerateArray().Select(s => s.Str("kind")).ToList();
        Assert.Contains("opinionSurvey", stages); // Weihai §14
        Assert.DoesNotContain("customerSatisfaction", stages); // Changde §21 only
        Assert.Equal(["recognition"], read.GetProperty("tiers").EnumerateArray().Select(t => t.GetString()!).ToArray()); // Weihai: 认定 only
        // The submission window closes at the end of its last day in Shanghai (2026-04-30 24:00 +08:00).
        Assert.Equal(new DateTimeOffset(2026, 4, 30, 16, 0, 0, TimeSpan.Zero), read.GetProperty("submissionClosesAt").GetDateTimeOffset());
    }

    private async Task<JsonElement> CycleAsync(string cycleId) => await (await _app.Anonymous().GetAsync($"/api/cycles/{cycleId}")).ExpectAsync(200);

    private async Task<List<StoredEvent>> ClosingsAsync(string cycleId) =>
        (await _app.Services.GetRequiredService<EventStore>().ReadAsync($"cycle-{cycleId}", CancellationToken.None)).Where(e => e.Type == "SubmissionsClosed").ToList();

    private async Task<WaitingFor> WindowStatusAsync(string cycleId) =>
        JsonSerializer.Deserialize<WaitingFor>((await _app.Durable.GetInstanceAsync(Orchestrations.SubmissionWindow(cycleId), getInputsAndOutputs: true))!.SerializedCustomStatus!, Json.Options)!;

    [Fact]
    public async Task SubmissionWindow_ClosesOnceAtMidnightShanghaiAfterItsLastDay()
    {
        await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);
        await _app.SettleAsync();
        var waiting = await WindowStatusAsync("weihai-2026");
        Assert.Equal(("submission-window", new DateTimeOffset(2026, 4, 30, 16, 0, 0, TimeSpan.Zero)), (waiting.Code, waiting.Until));

        // The last second of the last day (23:59:59 Shanghai time): still open.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 30, 15, 59, 59, TimeSpan.Zero));
        await _app.SettleAsync();
        Assert.True((await CycleAsync("weihai-2026")).GetProperty("acceptingSubmissions").GetBoolean());
        Assert.Empty(await ClosingsAsync("weihai-2026"));

        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 30, 16, 0, 1, TimeSpan.Zero));
        await _app.SettleAsync();
        var done = await _app.WaitForOrchestrationAsync(Orchestrations.SubmissionWindow("weihai-2026"));
        Assert.Equal("closed", done.ReadOutputAs<SubmissionWindowOutcome>()!.Ended);
        Assert.False((await CycleAsync("weihai-2026")).GetProperty("acceptingSubmissions").GetBoolean());

        // Time passing further, and the same opening sent again, change nothing: it closed once.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 5, 2, 9, 0, 0, TimeSpan.Zero));
        await _app.SettleAsync();
        await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(200);
        await _app.SettleAsync();
        Assert.Equal(new DateTimeOffset(2026, 4, 30, 16, 0, 1, TimeSpan.Zero), ((SubmissionsClosed)Assert.Single(await ClosingsAsync("weihai-2026")).Event).At);
    }

    [Fact]
    public async Task SubmissionWindow_Extended_ClosesAtTheNewDeadline_NotTheFirst()
    {
        var office = _app.As(Roles.Office);
        await (await office.PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);
        await _app.SettleAsync();
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 28, 10, 0, 0, TimeSpan.FromHours(8)));
        var extended = await (await office.PostJsonAsync("/api/cycles/weihai-2026/extend", new { newClosesOn = "2026-05-15", reason = "应部分申报单位请求，延长受理期限。" })).ExpectAsync(200);
        var newDeadline = new DateTimeOffset(2026, 5, 15, 16, 0, 0, TimeSpan.Zero);
        Assert.Equal(newDeadline, extended.GetProperty("submissionClosesAt").GetDateTimeOffset());

        // Woken by the extension, the orchestration waits for the deadline the cycle now has.
        await _app.SettleAsync();
        Assert.Equal(newDeadline, (await WindowStatusAsync("weihai-2026")).Until);

        // The first deadline passes: submissions are still taken.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 30, 16, 0, 1, TimeSpan.Zero));
        await _app.SettleAsync();
        Assert.True((await CycleAsync("weihai-2026")).GetProperty("acceptingSubmissions").GetBoolean());
        Assert.Empty(await ClosingsAsync("weihai-2026"));
        Assert.Equal(("submission-window", newDeadline), ((await WindowStatusAsync("weihai-2026")).Code, (await WindowStatusAsync("weihai-2026")).Until));

        // The new one passes: closed, once.
        _app.Clock.SetUtcNow(newDeadline.AddSeconds(1));
        await _app.SettleAsync();
        await _app.WaitForOrchestrationAsync(Orchestrations.SubmissionWindow("weihai-2026"));
        Assert.False((await CycleAsync("weihai-2026")).GetProperty("acceptingSubmissions").GetBoolean());
        Assert.Equal(newDeadline.AddSeconds(1), ((SubmissionsClosed)Assert.Single(await ClosingsAsync("weihai-2026")).Event).At);
    }

    [Fact]
    public async Task OpenCycle_RepeatedIdentically_ChangesNothing_ButADifferentOpeningIsAConflict()
    {
        var office = _app.As(Roles.Office);
        var body = new { policyId = "changde", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30", acknowledgeWarnings = true };
        await (await office.PostJsonAsync("/api/cycles", body)).ExpectAsync(201);

        var retry = await (await office.PostJsonAsync("/api/cycles", body)).ExpectAsync(200);
        Assert.Equal(1, retry.GetProperty("version").GetInt32());

        var other = await office.PostJsonAsync("/api/cycles", new { policyId = "changde", year = 2026, submissionOpensOn = "2026-03-09", submissionClosesOn = "2026-04-30", acknowledgeWarnings = true });
        var problem = await other.ExpectAsync(409);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.Equal("cycle.exists", problem.Str("code"));
    }

    [Fact]
    public async Task OpenCycle_UnderAnExpiredRegulation_NeedsTheWarningAcknowledged()
    {
        // Jinan's regulation was in force 2018-12-07 .. 2021-12-06: a cycle under it must warn.
        var office = _app.As(Roles.Office);
        var body = new { policyId = "jinan", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" };

        var refused = await (await office.PostJsonAsync("/api/cycles", body)).ExpectAsync(409);
        Assert.Contains("2021", refused.Str("detail"));

        var created = await (await office.PostJsonAsync("/api/cycles", new { policyId = "jinan", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30", acknowledgeWarnings = true })).ExpectAsync(201);
        Assert.NotEmpty(created.GetProperty("warnings").EnumerateArray());
    }

    [Theory]
    [InlineData(Roles.Applicant)]
    [InlineData(Roles.Reviewer)]
    [InlineData(Roles.Supervisor)]
    public async Task OpenCycle_ByAnyoneButTheOffice_IsForbiddenAndStoresNothing(string role)
    {
        var response = await _app.As(role).PostJsonAsync("/api/cycles", new { policyId = "benxi", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" });

        await response.ExpectAsync(403);
        await (await _app.Anonymous().GetAsync("/api/cycles/benxi-2026")).ExpectAsync(404);
    }

    [Fact]
    public async Task OpenCycle_Anonymously_Is401()
    {
        var response = await _app.Anonymous().PostJsonAsync("/api/cycles", new { policyId = "benxi", year = 2026 });

        await response.ExpectAsync(401);
    }

    [Fact]
    public async Task OpenCycle_WithAnUnknownPreset_IsAProblemInChinese_AndInEnglishWhenAsked()
    {
        var office = _app.As(Roles.Office);
        var body = new { policyId = "atlantis", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" };

        var zh = await (await office.PostJsonAsync("/api/cycles", body)).ExpectAsync(422);
        Assert.Equal("policy.not-found", zh.Str("code"));
        Assert.Contains("政策预设", zh.Str("detail"));

        office.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        var en = await (await office.PostJsonAsync("/api/cycles", body)).ExpectAsync(422);
        Assert.Contains("No preset", en.Str("detail"));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("{\"policyId\": 5, \"year\": \"two thousand\"}")]
    public async Task OpenCycle_WithMalformedJson_Is400AndStoresNothing(string body)
    {
        var response = await _app.As(Roles.Office).PostAsync("/api/cycles", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await response.ExpectAsync(400);
        var list = await (await _app.Anonymous().GetAsync("/api/cycles")).ExpectAsync(200);
        Assert.Empty(list.EnumerateArray());
    }

    [Fact]
    public async Task Calendar_A2027ScheduleLoadedByTheOffice_IsKnownFromThenOn()
    {
        // The 2027 notice was not published when the product shipped: the office loads it.
        var before = await (await _app.Anonymous().GetAsync("/api/calendar")).ExpectAsync(200);
        Assert.DoesNotContain(2027, before.GetProperty("years").EnumerateArray().Select(y => y.GetInt32()));
        var schedule = """{"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知（测试）", "holidays": [{"name": "元旦", "dates": ["2027-01-01"]}], "workdays": []}""";

        var loaded = await _app.As(Roles.Office).PutAsync("/api/calendar/2027", new StringContent(schedule, System.Text.Encoding.UTF8, "application/json"));

        await loaded.ExpectAsync(200);
        var after = await (await _app.Anonymous().GetAsync("/api/calendar")).ExpectAsync(200);
        Assert.Contains(2027, after.GetProperty("years").EnumerateArray().Select(y => y.GetInt32()));
    }

    [Fact]
    public async Task Calendar_AScheduleForAnotherYearThanTheAddress_IsRefused()
    {
        var schedule = """{"year": 2028, "holidays": [{"name": "元旦", "dates": ["2028-01-01"]}]}""";

        var response = await _app.As(Roles.Office).PutAsync("/api/calendar/2027", new StringContent(schedule, System.Text.Encoding.UTF8, "application/json"));

        await response.ExpectAsync(422);
        var after = await (await _app.Anonymous().GetAsync("/api/calendar")).ExpectAsync(200);
        Assert.DoesNotContain(2027, after.GetProperty("years").EnumerateArray().Select(y => y.GetInt32()));
        Assert.DoesNotContain(2028, after.GetProperty("years").EnumerateArray().Select(y => y.GetInt32()));
    }

    [Fact]
    public async Task Policies_ListTheFivePresets_WithTheirStatus()
    {
        var list = await (await _app.Anonymous().GetAsync("/api/policies")).ExpectAsync(200);

        var ids = list.EnumerateArray().Select(p => p.Str("id")).Order().ToArray();
        Assert.Equal(["benxi", "changde", "jinan", "weihai", "xinzhou"], ids);
        var jinan = list.EnumerateArray().Single(p => p.Str("id") == "jinan");
        Assert.False(jinan.GetProperty("inForceToday").GetBoolean());
    }
}
