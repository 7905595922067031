using System.Text.Json;
using Microsoft.Extensions.Configuration;
using QualityAward.Domain;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Cycles;

/// <summary>
/// Issue 18 item 1, decision 0022: a rehearsal (演练) runs on a clock its office moves forward —
/// its deadlines, notices and orchestrations follow that clock on the working-day calendar — while a
/// real cycle of the same award, open beside it, stays on real time. A rehearsal is never a public
/// notice, never in the register, marked wherever it shows, and only where the setting allows it.
/// </summary>
public sealed class RehearsalTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    /// <summary>Monday 5 January 2026, 09:00 in Shanghai.</summary>
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.FromHours(8));

    private const string Rehearsal = "benxi-2026-yanlian";

    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite, Start);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Office => _app.As(Roles.Office, subject: "office-1", name: "质量奖办公室");

    private async Task<JsonElement> OpenAsync(string? cycleId, bool rehearsal, int expect = 201) =>
        await (await Office.PostJsonAsync("/api/cycles", new { policyId = "benxi", year = 2026, cycleId, rehearsal, submissionOpensOn = "2026-01-05", submissionClosesOn = "2026-03-31", acknowledgeWarnings = true })).ExpectAsync(expect);

    private async Task<string> AcceptedAsync(string cycleId, string name)
    {
        var subject = "applicant-" + Guid.NewGuid().ToString("N");
        var id = await Applicants.SubmitAsync(_app, _app.As(Roles.Applicant, subject: subject), subject, cycleId, Forms.BenxiOrganisation(name));
        await (await _app.As(Roles.Recommender, affiliation: "210500:pingshan").PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐。" })).ExpectAsync(200);
        await (await Office.PostJsonAsync($"/api/applications/{id}/accept", new { })).ExpectAsync(200);
        return id;
    }

    [Fact]
    public async Task ARehearsalsNotice_ClosesWhenItsOfficeMovesItsClock_WhileTheRealCycleBesideItStaysOnRealTime()
    {
        // Benxi runs every two years (§4): a rehearsal is not an edition, so it opens beside the real 2026 one.
        await OpenAsync(null, rehearsal: false);
        var opened = await OpenAsync(Rehearsal, rehearsal: true);
        Assert.StartsWith("【演练】", opened.Str("title"));
        Assert.Equal(0, opened.GetProperty("rehearsal").GetProperty("offsetSeconds").GetInt64());
        Assert.False((await (await Office.GetAsync("/api/cycles/benxi-2026")).ExpectAsync(200)).TryGetProperty("rehearsal", out _));
        var listed = (await (await _app.Anonymous().GetAsync("/api/cycles")).ExpectAsync(200)).EnumerateArray().ToDictionary(c => c.Str("cycleId"), c => c.GetProperty("rehearsal").GetBoolean());
        Assert.True(listed[Rehearsal]);
        Assert.False(listed["benxi-2026"]);

        var trainee = await AcceptedAsync(Rehearsal, "演练甲公司");
        var real = await AcceptedAsync("benxi-2026", "本溪甲公司");
        var notice = await (await Office.PostJsonAsync($"/api/cycles/{Rehearsal}/notices", new { list = "acceptance", firstDay = "2026-01-05" })).ExpectAsync(201);
        var realNotice = await (await Office.PostJsonAsync("/api/cycles/benxi-2026/notices", new { list = "acceptance", firstDay = "2026-01-05" })).ExpectAsync(201);
        var noticeId = notice.Str("noticeId");

        // Not a public notice: left out of the public list, and marked where its address is opened.
        var publicIds = (await (await _app.Anonymous().GetAsync("/api/public/notices")).ExpectAsync(200)).EnumerateArray().Select(n => n.Str("noticeId")).ToList();
        Assert.DoesNotContain(noticeId, publicIds);
        Assert.Contains(realNotice.Str("noticeId"), publicIds);
        Assert.True((await (await _app.Anonymous().GetAsync($"/api/public/notices/{noticeId}")).ExpectAsync(200)).GetProperty("rehearsal").GetBoolean());
        Assert.Contains("演练公示", await (await _app.Anonymous().GetAsync($"/notices/{noticeId}")).Content.ReadAsStringAsync());
        Assert.DoesNotContain(noticeId, await (await _app.Anonymous().GetAsync("/notices")).Content.ReadAsStringAsync());

        // Five working days ahead: 6, 7, 8, 9 and 12 January. The notice (5–9 January) is over, and its orchestration closed it.
        var moved = await (await Office.PostJsonAsync($"/api/cycles/{Rehearsal}/rehearsal/clock", new { workingDays = 5 })).ExpectAsync(200);
        Assert.Equal(new DateTimeOffset(2026, 1, 12, 9, 0, 0, TimeSpan.FromHours(8)), moved.GetProperty("now").GetDateTimeOffset());
        Assert.True(moved.GetProperty("settled").GetBoolean());
        Assert.True(moved.GetProperty("orchestrations").GetInt32() >= 2, moved.ToString());
        Assert.Equal("closed", (await (await _app.Anonymous().GetAsync($"/api/public/notices/{noticeId}")).ExpectAsync(200)).Str("status"));
        Assert.Equal("materialReview", (await (await Office.GetAsync($"/api/applications/{trainee}")).ExpectAsync(200)).Str("stage"));
        var cycle = await (await Office.GetAsync($"/api/cycles/{Rehearsal}")).ExpectAsync(200);
        Assert.Equal(7 * 24 * 3600, cycle.GetProperty("rehearsal").GetProperty("offsetSeconds").GetInt64());

        // The real cycle saw none of it: its notice runs on, its application waits under it.
        Assert.Equal("open", (await (await _app.Anonymous().GetAsync($"/api/public/notices/{realNotice.Str("noticeId")}")).ExpectAsync(200)).Str("status"));
        Assert.Equal("publicNotice", (await (await Office.GetAsync($"/api/applications/{real}")).ExpectAsync(200)).Str("stage"));
    }

    [Fact]
    public async Task ARehearsalsClock_MovesForwardOnly_AndARealCyclesNotAtAll_AndOnlyTheOfficeMovesIt()
    {
        await OpenAsync(null, rehearsal: false);
        await OpenAsync(Rehearsal, rehearsal: true);
        const string clock = $"/api/cycles/{Rehearsal}/rehearsal/clock";

        Assert.Equal("cycle.not-rehearsal", (await (await Office.PostJsonAsync("/api/cycles/benxi-2026/rehearsal/clock", new { days = 1 })).ExpectAsync(409)).Str("code"));
        Assert.Equal("rehearsal.clock-backwards", (await (await Office.PostJsonAsync(clock, new { to = "2026-01-04T09:00:00+08:00" })).ExpectAsync(422)).Str("code"));
        Assert.Equal("rehearsal.move-invalid", (await (await Office.PostJsonAsync(clock, new { days = 1, workingDays = 1 })).ExpectAsync(422)).Str("code"));
        Assert.Equal("rehearsal.move-invalid", (await (await Office.PostJsonAsync(clock, new { days = 0 })).ExpectAsync(422)).Str("code"));
        await (await _app.As(Roles.Committee).PostJsonAsync(clock, new { days = 1 })).ExpectAsync(403);
        await (await _app.Anonymous().PostJsonAsync(clock, new { days = 1 })).ExpectAsync(401);

        var moved = await (await Office.PostJsonAsync(clock, new { to = "2026-02-01T10:00:00+08:00" })).ExpectAsync(200);
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 10, 0, 0, TimeSpan.FromHours(8)), moved.GetProperty("now").GetDateTimeOffset());
        moved = await (await Office.PostJsonAsync(clock, new { days = 2 })).ExpectAsync(200);
        Assert.Equal(new DateTimeOffset(2026, 2, 3, 10, 0, 0, TimeSpan.FromHours(8)), moved.GetProperty("now").GetDateTimeOffset());
        Assert.Equal(2, (await (await Office.GetAsync($"/api/cycles/{Rehearsal}")).ExpectAsync(200)).GetProperty("rehearsal").GetProperty("moves").GetInt32());
    }

    [Fact]
    public async Task ARehearsal_IsRefused_WhereTheDeploymentDoesNotAllowRehearsals()
    {
        await using var production = await TestApp.StartAsync(azurite, Start, configure: b =>
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Rehearsals:Allowed"] = "false" }));
        var refused = await (await production.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "benxi", year = 2026, cycleId = Rehearsal, rehearsal = true, submissionOpensOn = "2026-01-05", submissionClosesOn = "2026-03-31", acknowledgeWarnings = true })).ExpectAsync(403);
        Assert.Equal("rehearsal.not-allowed", refused.Str("code"));
        Assert.Contains("Rehearsals:Allowed", refused.Str("detail"));
        await (await production.As(Roles.Office).GetAsync($"/api/cycles/{Rehearsal}")).ExpectAsync(404);
    }
}
