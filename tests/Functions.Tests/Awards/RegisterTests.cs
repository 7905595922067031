using System.Text.Json;
using QualityAward.Domain;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Awards;

/// <summary>
/// Benxi across the years, on a fake clock: an award conferred on 2026-06-30 (200,000 yuan, §25,
/// valid 5 years, §4), revoked in its fourth year for a major incident (§32(一), within 5 years),
/// the money recovered, barred from the next cycle only (§32), and back in the one after.
/// </summary>
public sealed class RegisterTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private const string KeyA = "91350100M000100Y43";
    private const string KeyB = "91440300708461136T";
    private const string KeyC = "914403001922038216";
    private static readonly DateOnly AwardedOn = new(2026, 6, 30);
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite, At(2026, 3, 2, 9, 0));
        await Holders.OpenCycleAsync(_app, "benxi", 2026, "2026-03-02", "2026-04-30");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static DateTimeOffset At(int y, int m, int d, int h, int min, int s = 0) => new(y, m, d, h, min, s, TimeSpan.FromHours(8));

    private async Task<string> AwardAsync(string name, string key)
    {
        var subject = "holder-" + Guid.NewGuid().ToString("N");
        _app.Clock.SetUtcNow(At(2026, 3, 10, 9, 0));
        var id = await Holders.AwardAsync(_app, "benxi-2026", subject, Forms.BenxiOrganisation(name, key), AwardedOn);
        return id;
    }

    private async Task<JsonElement> EligibilityAsync(string key, string cycleId) =>
        await (await _app.As(Roles.Office).GetAsync($"/api/register/eligibility?applicantKey={key}&policyId=benxi&cycleId={cycleId}")).ExpectAsync(200);

    private async Task<JsonElement[]> PublicRegisterAsync() =>
        (await (await _app.Anonymous().GetAsync("/api/public/register")).ExpectAsync(200)).EnumerateArray().ToArray();

    [Fact]
    public async Task Award_RevokedInYearFourForAnIncident_MoneyRecovered_BarredFromTheNextCycleOnly()
    {
        var id = await AwardAsync("本溪甲钢铁有限公司", KeyA);

        var listed = Assert.Single(await PublicRegisterAsync(), e => e.Str("name") == "本溪甲钢铁有限公司");
        Assert.Equal("valid", listed.Str("status"));
        Assert.Equal(2026, listed.GetProperty("year").GetInt32());
        Assert.Equal("2031-06-30", listed.Str("validUntil"));
        Assert.Equal(200_000, listed.GetProperty("moneyPaidYuan").GetInt64());
        Assert.Equal("§28", listed.Str("useOfTitleArticle"));
        Assert.Contains("注明获奖年度", listed.Str("useOfTitle"));
        var page = await (await _app.Anonymous().GetAsync("/register")).Content.ReadAsStringAsync();
        Assert.Contains("本溪甲钢铁有限公司", page);
        Assert.Contains("至2031年6月29日", page);

        // Year 4: the incident of 2029-08-15 revokes (§32(一): within 5 years of the award).
        _app.Clock.SetUtcNow(At(2029, 9, 1, 10, 0));
        var office = _app.As(Roles.Office);
        var proposed = await (await office.PostJsonAsync($"/api/register/awards/{id}/revocation-proposals", new
        {
            groundCode = "major-incident",
            reason = "2029年8月15日发生较大生产安全事故，经应急管理部门调查认定。",
            occurredOn = "2029-08-15",
        })).ExpectAsync(200);
        var proposalId = proposed.GetProperty("events")[0].GetProperty("event").Str("proposalId");
        Assert.Equal("市人民政府（领导小组办公室提请）", proposed.GetProperty("events")[0].GetProperty("event").Str("decidedBy"));
        Assert.Equal("valid", proposed.GetProperty("award").Str("status"));
        var revoked = await (await office.PostJsonAsync($"/api/register/awards/{id}/revocation", new
        {
            proposalId,
            revokedOn = "2029-09-01",
            decisionReference = "本政发〔2029〕12号",
        })).ExpectAsync(200);
        Assert.Equal("revoked", revoked.Str("status"));
        Assert.Equal(200_000, revoked.GetProperty("moneyToRecoverYuan").GetInt64());
        Assert.Equal("§32(一)", revoked.Str("revocationArticle"));

        // The title is revoked everywhere: the application, the public register, the announcement.
        Assert.Equal("revoked", (await (await office.GetAsync($"/api/applications/{id}")).ExpectAsync(200)).Str("status"));
        Assert.DoesNotContain(await PublicRegisterAsync(), e => e.Str("name") == "本溪甲钢铁有限公司");
        var announcement = await (await _app.Anonymous().GetAsync("/register/revocations")).Content.ReadAsStringAsync();
        Assert.Contains("本溪甲钢铁有限公司", announcement);
        Assert.Contains("发生重大质量安全、环保、卫生等事故", announcement);
        Assert.Contains("本政发〔2029〕12号", announcement);

        // Money back in two payments; never more than was paid.
        _app.Clock.SetUtcNow(At(2029, 11, 1, 10, 0));
        await (await office.PostJsonAsync($"/api/register/awards/{id}/recoveries", new { yuan = 150_000, recoveredOn = "2029-10-10", reference = "财政收据〔2029〕001" })).ExpectAsync(200);
        var tooMuch = await (await office.PostJsonAsync($"/api/register/awards/{id}/recoveries", new { yuan = 60_000, recoveredOn = "2029-10-20", reference = "财政收据〔2029〕002" })).ExpectAsync(422);
        Assert.Equal("recovery.amount-invalid", tooMuch.Str("code"));
        var paidBack = await (await office.PostJsonAsync($"/api/register/awards/{id}/recoveries", new { yuan = 50_000, recoveredOn = "2029-10-20", reference = "财政收据〔2029〕002" })).ExpectAsync(200);
        Assert.Equal(200_000, paidBack.GetProperty("award").GetProperty("moneyRecoveredYuan").GetInt64());

        // §32: not in the next cycle. The register says so, and intake refuses.
        _app.Clock.SetUtcNow(At(2030, 3, 2, 9, 0));
        await Holders.OpenCycleAsync(_app, "benxi", 2030, "2030-03-02", "2030-04-30");
        var no = await EligibilityAsync(KeyA, "benxi-2030");
        Assert.False(no.GetProperty("may").GetBoolean());
        Assert.Equal("eligibility.banned", Assert.Single(no.GetProperty("reasons").EnumerateArray()).Str("code"));
        Assert.False(no.GetProperty("never").GetBoolean());
        var subject = "reapplicant-" + Guid.NewGuid().ToString("N");
        var applicant = _app.As(Roles.Applicant, subject: subject);
        var draft = (await (await applicant.PostJsonAsync("/api/cycles/benxi-2030/applications", new { category = "organisation" })).ExpectAsync(201)).Str("applicationId");
        await (await applicant.PutJsonAsync($"/api/applications/{draft}/form", Forms.BenxiOrganisation("本溪甲钢铁有限公司", KeyA))).ExpectAsync(200);
        await Applicants.AttachReportAsync(_app, draft, subject);
        var refused = await (await applicant.PostAsync($"/api/applications/{draft}/submit", null)).Content.ReadAsStringAsync();
        Assert.Contains("eligibility.banned", refused);

        // The cycle after: allowed again, and the 2030 answer now says from when.
        _app.Clock.SetUtcNow(At(2032, 3, 2, 9, 0));
        await Holders.OpenCycleAsync(_app, "benxi", 2032, "2032-03-02", "2032-04-30");
        Assert.True((await EligibilityAsync(KeyA, "benxi-2032")).GetProperty("may").GetBoolean());
        Assert.Equal("2032-03-02", (await EligibilityAsync(KeyA, "benxi-2030")).Str("mayApplyFrom"));
        await Applicants.SubmitAsync(_app, _app.As(Roles.Applicant, subject: subject), subject, "benxi-2032", Forms.BenxiOrganisation("本溪甲钢铁有限公司", KeyA));
    }

    /// <summary>What the host does each day at 01:00 Shanghai time, and the orchestrations it started taking their steps.</summary>
    private async Task<string> SuperviseAsync()
    {
        var report = await _app.RunTimerAsync("HolderSupervision");
        await _app.SettleAsync();
        return report;
    }

    [Fact]
    public async Task Validity_EndsOnItsDay_ByTheDailySupervision()
    {
        await AwardAsync("本溪乙机械有限公司", KeyB);

        _app.Clock.SetUtcNow(At(2031, 6, 29, 23, 59));
        // The daily function missed for years: the four yearly consultations due so far are taken up at once, each once.
        Assert.Equal("4 started, 0 woken", await SuperviseAsync());
        Assert.Equal("0 started, 0 woken", await SuperviseAsync());
        Assert.Equal("valid", Assert.Single(await PublicRegisterAsync(), e => e.Str("name") == "本溪乙机械有限公司").Str("status"));

        _app.Clock.SetUtcNow(At(2031, 6, 30, 0, 0, 1));
        // The end of validity (§4); the fifth consultation would fall on the day it ends, so none is held.
        Assert.Equal("1 started, 0 woken", await SuperviseAsync());
        Assert.DoesNotContain(await PublicRegisterAsync(), e => e.Str("name") == "本溪乙机械有限公司");
        var all = (await (await _app.As(Roles.Supervisor).GetAsync("/api/register")).ExpectAsync(200)).EnumerateArray();
        Assert.Equal("expired", Assert.Single(all, e => e.Str("name") == "本溪乙机械有限公司").Str("status"));

        // §32 revokes for what arises within 5 years: an incident in the sixth year does not.
        var id = Assert.Single(all, e => e.Str("name") == "本溪乙机械有限公司").Str("applicationId");
        _app.Clock.SetUtcNow(At(2031, 8, 1, 10, 0));
        var late = await (await _app.As(Roles.Office).PostJsonAsync($"/api/register/awards/{id}/revocation-proposals", new { groundCode = "major-incident", reason = "2031年7月发生事故。", occurredOn = "2031-07-01" })).ExpectAsync(409);
        Assert.Equal("revocation.window-passed", late.Str("code"));
    }

    [Fact]
    public async Task FalseMaterialsBan_RecordedByTheOffice_RefusesIntake_AndEndsOnItsFifthAnniversary()
    {
        _app.Clock.SetUtcNow(At(2026, 4, 10, 10, 0));
        var office = _app.As(Roles.Office);
        var ban = await (await office.PostJsonAsync($"/api/register/holders/{KeyC}/bans", new
        {
            policyId = "benxi",
            reason = "falseMaterials",
            startsOn = "2026-04-10",
            cause = "申报材料中的检验报告系伪造",
            decisionReference = "本质奖办〔2026〕5号",
        })).ExpectAsync(200);
        Assert.Equal("§30", ban.Str("article"));
        Assert.Equal(5, ban.GetProperty("length").GetInt32());

        var subject = "banned-" + Guid.NewGuid().ToString("N");
        var applicant = _app.As(Roles.Applicant, subject: subject);
        var draft = (await (await applicant.PostJsonAsync("/api/cycles/benxi-2026/applications", new { category = "organisation" })).ExpectAsync(201)).Str("applicationId");
        await (await applicant.PutJsonAsync($"/api/applications/{draft}/form", Forms.BenxiOrganisation("本溪丙化工有限公司", KeyC))).ExpectAsync(200);
        await Applicants.AttachReportAsync(_app, draft, subject);
        Assert.Contains("eligibility.banned", await (await applicant.PostAsync($"/api/applications/{draft}/submit", null)).Content.ReadAsStringAsync());

        _app.Clock.SetUtcNow(At(2031, 4, 9, 23, 59));
        var lastDay = await EligibilityAsync(KeyC, "benxi-2026");
        Assert.False(lastDay.GetProperty("may").GetBoolean());
        Assert.Equal("2031-04-10", lastDay.Str("mayApplyFrom"));

        _app.Clock.SetUtcNow(At(2031, 4, 10, 0, 0, 1));
        Assert.True((await EligibilityAsync(KeyC, "benxi-2026")).GetProperty("may").GetBoolean());
    }

    /// <summary>Someone with write access to the tables, not to the events: removes rows of the register table, or adds one.</summary>
    private async Task DeleteRegisterRowsAsync(string key)
    {
        var table = _app.Storage.Table(QualityAward.Functions.Storage.StorageClients.RegisterTable);
        await foreach (var row in table.QueryAsync<Azure.Data.Tables.TableEntity>(r => r.PartitionKey == "holder-" + key))
        {
            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, Azure.ETag.All);
        }
    }

    [Fact]
    public async Task Ban_WhoseRegisterRowIsDeleted_StillRefusesIntake_AndARowAddedByHandBarsNobody()
    {
        _app.Clock.SetUtcNow(At(2026, 4, 10, 10, 0));
        await (await _app.As(Roles.Office).PostJsonAsync($"/api/register/holders/{KeyC}/bans", new
        {
            policyId = "benxi",
            reason = "falseMaterials",
            startsOn = "2026-04-10",
            cause = "申报材料中的检验报告系伪造",
            decisionReference = "本质奖办〔2026〕7号",
        })).ExpectAsync(200);

        // The ban is an event on the holder's stream, under the audit chain; the table row is a cache.
        await DeleteRegisterRowsAsync(KeyC);
        var table = _app.Storage.Table(QualityAward.Functions.Storage.StorageClients.RegisterTable);
        await table.UpsertEntityAsync(new Azure.Data.Tables.TableEntity("holder-" + KeyB, "ban-forged")
        {
            ["PolicyId"] = "benxi", ["Reason"] = "FalseMaterials", ["StartsOn"] = "2026-04-01", ["Unit"] = "Years", ["Length"] = 5,
            ["AllQualityAwards"] = false, ["Article"] = "§30", ["Cause"] = "伪造",
        });

        var answer = await EligibilityAsync(KeyC, "benxi-2026");
        Assert.False(answer.GetProperty("may").GetBoolean());
        Assert.Equal("eligibility.banned", Assert.Single(answer.GetProperty("reasons").EnumerateArray()).Str("code"));
        var subject = "banned-" + Guid.NewGuid().ToString("N");
        var applicant = _app.As(Roles.Applicant, subject: subject);
        var draft = (await (await applicant.PostJsonAsync("/api/cycles/benxi-2026/applications", new { category = "organisation" })).ExpectAsync(201)).Str("applicationId");
        await (await applicant.PutJsonAsync($"/api/applications/{draft}/form", Forms.BenxiOrganisation("本溪丙化工有限公司", KeyC))).ExpectAsync(200);
        await Applicants.AttachReportAsync(_app, draft, subject);
        var refused = await (await applicant.PostAsync($"/api/applications/{draft}/submit", null)).ExpectAsync(409);
        Assert.Contains("eligibility.banned", refused.ToString());

        Assert.True((await EligibilityAsync(KeyB, "benxi-2026")).GetProperty("may").GetBoolean());
    }

    [Fact]
    public async Task Revocation_WhoseRegisterRowsAreDeleted_StillBarsTheNextCycle_AndCanStillBeRecovered()
    {
        var id = await AwardAsync("本溪丁制药有限公司", KeyA);
        _app.Clock.SetUtcNow(At(2029, 9, 1, 10, 0));
        var office = _app.As(Roles.Office);
        var proposalId = (await (await office.PostJsonAsync($"/api/register/awards/{id}/revocation-proposals", new { groundCode = "major-incident", reason = "发生较大生产安全事故。", occurredOn = "2029-08-15" })).ExpectAsync(200))
            .GetProperty("events")[0].GetProperty("event").Str("proposalId");
        await (await office.PostJsonAsync($"/api/register/awards/{id}/revocation", new { proposalId, revokedOn = "2029-09-01", decisionReference = "本政发〔2029〕13号" })).ExpectAsync(200);

        await DeleteRegisterRowsAsync(KeyA);

        // The award, its revocation and the ban that follows are read from the events.
        await (await office.PostJsonAsync($"/api/register/awards/{id}/recoveries", new { yuan = 10_000, recoveredOn = "2029-09-01", reference = "财政收据〔2029〕003" })).ExpectAsync(200);
        _app.Clock.SetUtcNow(At(2030, 3, 2, 9, 0));
        await Holders.OpenCycleAsync(_app, "benxi", 2030, "2030-03-02", "2030-04-30");
        var no = await EligibilityAsync(KeyA, "benxi-2030");
        Assert.False(no.GetProperty("may").GetBoolean());
        Assert.Equal("eligibility.banned", Assert.Single(no.GetProperty("reasons").EnumerateArray()).Str("code"));
    }

    [Fact]
    public async Task Ban_ThePolicyDoesNotDefine_IsRefused_AndOnlyTheOfficeRecordsBans()
    {
        var body = new { policyId = "benxi", reason = "falseMaterials", startsOn = "2026-03-01", cause = "伪造材料", decisionReference = "本质奖办〔2026〕6号" };
        await (await _app.As(Roles.Supervisor).PostJsonAsync($"/api/register/holders/{KeyC}/bans", body)).ExpectAsync(403);
        await (await _app.As(Roles.Applicant).GetAsync("/api/register")).ExpectAsync(403);
        await (await _app.As(Roles.Applicant).GetAsync($"/api/register/eligibility?applicantKey={KeyC}&cycleId=benxi-2026")).ExpectAsync(403);
        await (await _app.Anonymous().GetAsync($"/api/register/holders/{KeyC}")).ExpectAsync(401);
        var future = await (await _app.As(Roles.Office).PostJsonAsync($"/api/register/holders/{KeyC}/bans", body with { startsOn = "2026-03-03" })).ExpectAsync(422);
        Assert.Equal("ban.date-invalid", future.Str("code"));
    }
}
