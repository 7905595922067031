using System.Text.Json;
using QualityAward.Domain;
using QualityAward.Domain.Awards;
using QualityAward.Functions.Awards;
using QualityAward.Functions.Tests.Infrastructure;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Tests.Awards;

/// <summary>
/// Weihai after the recognition of 2026-06-30: yearly visits (§26, office interval 12 months) and
/// yearly department consultations fall due by the daily HolderSupervision function; the office
/// records a visit; the holder reports it was taken over (§27(九)); the office opens revocation and
/// revokes on that ground, which ends its duties.
/// </summary>
public sealed class HolderFollowUpTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private const string Key = "91350100M000100Y43";
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite, new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.FromHours(8)));
        await Holders.OpenCycleAsync(_app, "weihai", 2026, "2026-03-02", "2026-04-30");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static DateTimeOffset At(int y, int m, int d, int h, int min, int s = 0) => new(y, m, d, h, min, s, TimeSpan.FromHours(8));

    /// <summary>What the host does each day at 01:00 Shanghai time, and the orchestrations it started taking their steps.</summary>
    private async Task<string> SuperviseAsync()
    {
        var report = await _app.RunTimerAsync("HolderSupervision");
        await _app.SettleAsync();
        return report;
    }

    private async Task<System.Text.Json.JsonElement> HolderAsync() =>
        await (await _app.As(Roles.Office).GetAsync($"/api/register/holders/{Key}")).ExpectAsync(200);

    [Fact]
    public async Task VisitsAndConsultationsFallDueYearly_ChangeReportLeadsToRevocation_WhichStopsThem()
    {
        var owner = "holder-" + Guid.NewGuid().ToString("N");
        var id = await Holders.AwardAsync(_app, "weihai-2026", owner, Forms.WeihaiOrganisation(), new DateOnly(2026, 6, 30));
        var mine = Assert.Single((await (await _app.As(Roles.Applicant, subject: owner).GetAsync("/api/register/mine")).ExpectAsync(200)).EnumerateArray());
        Assert.Equal("§21", mine.Str("useOfTitleArticle"));
        Assert.Contains("被撤销市长质量奖的单位和个人，不得再使用该称号", mine.Str("useOfTitle"));
        Assert.Empty((await (await _app.As(Roles.Applicant).GetAsync("/api/register/mine")).ExpectAsync(200)).EnumerateArray());

        // The last minute of the first year: nothing is due yet.
        _app.Clock.SetUtcNow(At(2027, 6, 29, 23, 59));
        Assert.Equal("0 started, 0 woken", await SuperviseAsync());
        Assert.Empty((await HolderAsync()).GetProperty("inspectionsDue").EnumerateArray());
        _app.Clock.SetUtcNow(At(2027, 6, 30, 0, 0, 1));
        Assert.Equal("2 started, 0 woken", await SuperviseAsync());
        Assert.Equal("0 started, 0 woken", await SuperviseAsync());

        // Weihai's process has no consultation stage naming the departments: the consultation is recorded due, and its orchestration says why no round was opened.
        var consultation = await _app.WaitForOrchestrationAsync(HolderDutyOrchestration.InstanceId(Key, new HolderDuty(id, HolderDutyKind.Consultation, new DateOnly(2027, 6, 30), null)));
        var status = JsonSerializer.Deserialize<WaitingFor>(consultation.SerializedCustomStatus!, Json.Options)!;
        Assert.Equal(("round-not-opened", "consultation.not-in-policy"), (status.Code, status.Problem));
        Assert.Contains("请办公室以其他方式了解获奖者情况", status.ProblemZh);
        var holder = await HolderAsync();
        Assert.Equal("2027-06-30", Assert.Single(holder.GetProperty("inspectionsDue").EnumerateArray()).Str("dueOn"));
        Assert.Equal("2027-06-30", Assert.Single(holder.GetProperty("consultationsDue").EnumerateArray()).Str("dueOn"));

        var office = _app.As(Roles.Office);
        var due = (await (await office.GetAsync("/api/register/due")).ExpectAsync(200)).EnumerateArray().Select(d => (d.Str("kind"), d.Str("dueOn"))).ToList();
        Assert.Equal([("consultation", "2027-06-30"), ("inspection", "2027-06-30")], due.OrderBy(d => d.Item1));

        _app.Clock.SetUtcNow(At(2027, 7, 6, 10, 0));
        await (await office.PostJsonAsync($"/api/register/awards/{id}/inspections", new { visitedOn = "2027-07-05", findings = "质量管理体系运行正常，质量经验分享会已举办两次。", followUps = "下次巡访核查新生产线的质量控制。" })).ExpectAsync(200);
        Assert.Equal("consultation", Assert.Single((await (await office.GetAsync("/api/register/due")).ExpectAsync(200)).EnumerateArray()).Str("kind"));
        var future = await (await office.PostJsonAsync($"/api/register/awards/{id}/inspections", new { visitedOn = "2027-07-07", findings = "未来的巡访。" })).ExpectAsync(422);
        Assert.Equal("inspection.date-invalid", future.Str("code"));

        // Only the holder reports its change; anyone else learns nothing.
        var change = new { kind = "legalForm", description = "本公司已被某集团整体收购，原法人主体将于2027年9月注销。", effectiveOn = "2027-09-01" };
        await (await _app.As(Roles.Applicant).PostJsonAsync($"/api/register/awards/{id}/changes", change)).ExpectAsync(404);
        var reported = await (await _app.As(Roles.Applicant, subject: owner).PostJsonAsync($"/api/register/awards/{id}/changes", change)).ExpectAsync(200);
        var changeId = reported.GetProperty("events")[0].GetProperty("event").Str("changeId");
        await (await office.PostJsonAsync($"/api/register/awards/{id}/changes/{changeId}/review", new { outcome = "revocationOpened", note = "主体发生本质性变化，启动撤销程序。" })).ExpectAsync(200);
        var reviewed = Assert.Single((await HolderAsync()).GetProperty("changes").EnumerateArray());
        Assert.Equal("revocationOpened", reviewed.GetProperty("review").Str("outcome"));
        Assert.Equal("§27(九)", reviewed.Str("article"));

        _app.Clock.SetUtcNow(At(2027, 10, 8, 10, 0));
        var proposal = await (await office.PostJsonAsync($"/api/register/awards/{id}/revocation-proposals", new { groundCode = "u09-entity-change", reason = "主体被收购并注销，市长质量奖难以存续。" })).ExpectAsync(200);
        var proposalId = proposal.GetProperty("events")[0].GetProperty("event").Str("proposalId");
        Assert.Equal("revocation.proposal-open", (await (await office.PostJsonAsync($"/api/register/awards/{id}/revocation-proposals", new { groundCode = "u10-other", reason = "其他。" })).ExpectAsync(409)).Str("code"));
        await (await office.PostJsonAsync($"/api/register/awards/{id}/revocation", new { proposalId = "rev-unknown", revokedOn = "2027-10-08", decisionReference = "威政字〔2027〕30号" })).ExpectAsync(404);
        var revoked = await (await office.PostJsonAsync($"/api/register/awards/{id}/revocation", new { proposalId, revokedOn = "2027-10-08", decisionReference = "威政字〔2027〕30号" })).ExpectAsync(200);
        Assert.Equal("威政字〔2027〕30号", Assert.Single((await HolderAsync()).GetProperty("revocationProposals").EnumerateArray()).GetProperty("approval").Str("decisionReference"));
        Assert.Equal("revoked", revoked.Str("status"));
        Assert.Equal("市政府（市强市办提请）", revoked.Str("revocationDecidedBy"));

        // Weihai gave no money under this policy (§17): nothing to recover.
        Assert.Equal("recovery.amount-invalid", (await (await office.PostJsonAsync($"/api/register/awards/{id}/recoveries", new { yuan = 1, recoveredOn = "2027-10-08", reference = "收据1" })).ExpectAsync(422)).Str("code"));
        await (await office.PostJsonAsync($"/api/register/awards/{id}/inspections", new { visitedOn = "2027-10-08", findings = "撤销后回访。" })).ExpectAsync(200);

        // A year on, the revoked award has no duties.
        _app.Clock.SetUtcNow(At(2028, 7, 1, 0, 0, 1));
        Assert.Equal("0 started, 0 woken", await SuperviseAsync());
        Assert.DoesNotContain((await HolderAsync()).GetProperty("inspectionsDue").EnumerateArray(), d => d.Str("dueOn") == "2028-06-30");
    }
}
