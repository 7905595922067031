using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Consultations;
using QualityAward.Functions.Awards;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Consultations;
using QualityAward.Functions.Tests.Infrastructure;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Tests.Awards;

/// <summary>
/// Changde: an organisation awarded on 2025-06-30; the office's 12-month interval makes the
/// consultation about it due on 2026-06-30, which the daily HolderSupervision function takes up.
/// The five departments of the policy's §13 list are asked through the consultation mail (Graph
/// stand-in) with signed links; the tax office answers with an adverse record, which the holder's
/// duty orchestration records: the office sees it on the holder and on its worklist, and acts on
/// it by proposing revocation.
/// </summary>
public sealed class HolderConsultationTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private const string Key = "91350100M000100Y43";
    private GraphStandIn _graph = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _graph = await GraphStandIn.StartAsync();
        _app = await TestApp.StartAsync(azurite, new DateTimeOffset(2025, 3, 3, 9, 0, 0, TimeSpan.FromHours(8)), configure: ConsultationTests.Configure(_graph));
        await Holders.OpenCycleAsync(_app, "changde", 2025, "2025-03-03", "2025-04-30");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _graph.DisposeAsync();
    }

    /// <summary>What the host does each day at 01:00 Shanghai time, and the orchestrations it started or woke taking their steps.</summary>
    private async Task<string> SuperviseAsync()
    {
        var report = await _app.RunTimerAsync("HolderSupervision");
        await _app.SettleAsync();
        return report;
    }

    private async Task<JsonElement> HolderAsync() =>
        await (await _app.As(Roles.Office).GetAsync($"/api/register/holders/{Key}")).ExpectAsync(200);

    private async Task<List<JsonElement>> DueAsync() =>
        (await (await _app.As(Roles.Office).GetAsync("/api/register/due")).ExpectAsync(200)).EnumerateArray().ToList();

    [Fact]
    public async Task ConsultationDue_AsksEachDepartmentOnce_AdverseAnswerReachesTheOffice_AnswerIsFinal()
    {
        var owner = "holder-" + Guid.NewGuid().ToString("N");
        var id = await Holders.AwardAsync(_app, "changde-2025", owner, ConsultationTests.ChangdeForm("常德获奖精密制造有限公司", Key), new DateOnly(2025, 6, 30));
        var roundId = ConsultationIds.ForHolder(id, new DateOnly(2026, 6, 30));
        bool AboutHolder(RecordedMail m) => m.Html.Contains("常德获奖精密制造有限公司", StringComparison.Ordinal) && m.Html.Contains("严重违法违规", StringComparison.Ordinal);

        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 6, 29, 23, 59, 0, TimeSpan.FromHours(8)));
        Assert.Equal("0 started, 0 woken", await SuperviseAsync());
        await _app.SettleAsync();
        Assert.DoesNotContain(_graph.Delivered, AboutHolder);

        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 6, 30, 0, 0, 1, TimeSpan.FromHours(8)));
        // The consultation, and the yearly visit (Changde §29, office interval 12 months).
        Assert.Equal("2 started, 0 woken", await SuperviseAsync());
        await _app.SettleAsync();

        // One mail per department of Changde §13 (国防、国家安全 only for flagged applicants), each with its own link.
        var mails = _graph.Delivered.Where(AboutHolder).ToList();
        Assert.Equal(["ecologyenvironment", "emergencymanagement", "humanresourcessocialsecurity", "marketregulation", "tax"], mails.Select(m => m.Link!.Split('/')[5].Split('?')[0]).Order(StringComparer.Ordinal));
        Assert.Equal(5, mails.Select(m => m.To).Distinct().Count());
        Assert.All(mails, m => Assert.StartsWith($"https://award.example.gov.cn/consultations/{roundId}/", m.Link, StringComparison.Ordinal));
        Assert.All(mails, m => Assert.Contains("请于2026年7月14日前答复", m.Subject));
        var consultationDue = Assert.Single((await HolderAsync()).GetProperty("consultationsDue").EnumerateArray());
        Assert.Equal(roundId, consultationDue.Str("consultationId"));

        // The daily function again the same day: the duty's orchestration waits for the departments, so it is only woken; nothing more is sent or recorded.
        var sent = _graph.Requests.Count;
        Assert.Equal("0 started, 1 woken", await SuperviseAsync());
        var store = _app.Services.GetRequiredService<EventStore>();
        Assert.Single(await store.ReadAfterAsync($"holder-{Key}", 0, CancellationToken.None), e => e.Type == "HolderConsultationDue");
        Assert.Single(await store.ReadAfterAsync(ConsultationIds.StreamId(roundId), 0, CancellationToken.None), e => e.Type == "ConsultationOpened");
        Assert.Equal(sent, _graph.Requests.Count);
        var instance = HolderDutyOrchestration.InstanceId(Key, new HolderDuty(id, HolderDutyKind.Consultation, new DateOnly(2026, 6, 30), null));
        var waiting = JsonSerializer.Deserialize<WaitingFor>((await _app.Durable.GetInstanceAsync(instance, getInputsAndOutputs: true))!.SerializedCustomStatus!, Json.Options)!;
        Assert.Equal("department-answers", waiting.Code);
        Assert.Equal(new DateTimeOffset(2026, 7, 15, 0, 0, 0, TimeSpan.FromHours(8)), waiting.Until);

        // The tax office answers through its link: the same reply page as for applications.
        var link = new Uri(Assert.Single(mails, m => m.Link!.Contains("/tax?t=", StringComparison.Ordinal)).Link!);
        var page = await (await _app.Anonymous().GetAsync(link.PathAndQuery)).Content.ReadAsStringAsync();
        Assert.Contains("常德获奖精密制造有限公司", page);
        var token = Uri.UnescapeDataString(link.Query.Split("?t=")[1]);
        var form = new Dictionary<string, string> { ["t"] = token, ["respondentName"] = "王科长", ["v-" + id] = "adverse", ["d-" + id] = "2026年5月因重大税收违法行为被列入失信名单。" };
        var answered = await _app.Anonymous().PostAsync($"/forms/consultations/{roundId}/tax", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        await _app.SettleAsync();

        var record = Assert.Single((await HolderAsync()).GetProperty("adverseRecords").EnumerateArray());
        Assert.Equal("tax", record.Str("department"));
        Assert.Equal(roundId, record.Str("consultationId"));
        Assert.Equal("2026年5月因重大税收违法行为被列入失信名单。", record.Str("details"));
        var worklist = Assert.Single(await DueAsync(), d => d.Str("kind") == "adverse-record");
        Assert.Equal(id, worklist.Str("applicationId"));
        Assert.Equal("tax", worklist.Str("department"));

        // The answer is final.
        form["v-" + id] = "none";
        var again = await _app.Anonymous().PostAsync($"/forms/consultations/{roundId}/tax", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("不能更改", await again.Content.ReadAsStringAsync());
        await _app.SettleAsync();
        Assert.Single((await HolderAsync()).GetProperty("adverseRecords").EnumerateArray());

        // A clean answer records nothing on the holder; the round is not an application round.
        var clean = new Uri(Assert.Single(mails, m => m.Link!.Contains("/marketregulation?t=", StringComparison.Ordinal)).Link!);
        var cleanForm = new Dictionary<string, string> { ["t"] = Uri.UnescapeDataString(clean.Query.Split("?t=")[1]), ["v-" + id] = "none" };
        Assert.Equal(HttpStatusCode.OK, (await _app.Anonymous().PostAsync($"/forms/consultations/{roundId}/marketregulation", new FormUrlEncodedContent(cleanForm))).StatusCode);
        await _app.SettleAsync();
        Assert.Single((await HolderAsync()).GetProperty("adverseRecords").EnumerateArray());
        Assert.Equal("awarded", (await (await _app.As(Roles.Office).GetAsync($"/api/applications/{id}")).ExpectAsync(200)).Str("status"));

        // The office acts: it proposes revocation, which takes the record off its worklist.
        await (await _app.As(Roles.Office).PostJsonAsync($"/api/register/awards/{id}/revocation-proposals", new { groundCode = "serious-violation", reason = "税务部门反馈获奖后被列入重大税收违法失信名单。", occurredOn = "2026-05-20" })).ExpectAsync(200);
        Assert.DoesNotContain(await DueAsync(), d => d.Str("kind") == "adverse-record");
    }

    [Fact]
    public async Task AdverseAnswer_ReachesTheHoldersRecordAtOnce_TheDutyOrchestrationIsWokenNotLeftToItsNap()
    {
        var owner = "holder-" + Guid.NewGuid().ToString("N");
        var id = await Holders.AwardAsync(_app, "changde-2025", owner, ConsultationTests.ChangdeForm("常德获奖精密制造有限公司", Key), new DateOnly(2025, 6, 30));
        var roundId = ConsultationIds.ForHolder(id, new DateOnly(2026, 6, 30));
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 6, 30, 0, 0, 1, TimeSpan.FromHours(8)));
        Assert.Equal("2 started, 0 woken", await SuperviseAsync());
        await _app.SettleAsync(); // the round's own orchestration, started by the duty's, mails the departments
        var instance = HolderDutyOrchestration.InstanceId(Key, new HolderDuty(id, HolderDutyKind.Consultation, new DateOnly(2026, 6, 30), null));
        var waiting = JsonSerializer.Deserialize<WaitingFor>((await _app.Durable.GetInstanceAsync(instance, getInputsAndOutputs: true))!.SerializedCustomStatus!, Json.Options)!;
        Assert.Equal("department-answers", waiting.Code);
        Assert.NotNull(waiting.Seen); // waiting: its next look on its own is a nap (hours) away

        // The tax office answers; nobody moves the clock or runs the daily function.
        var mail = Assert.Single(_graph.Delivered, m => m.Link is { } l && l.Contains($"/consultations/{roundId}/tax?t=", StringComparison.Ordinal));
        var link = new Uri(mail.Link!);
        var form = new Dictionary<string, string> { ["t"] = Uri.UnescapeDataString(link.Query.Split("?t=")[1]), ["respondentName"] = "王科长", ["v-" + id] = "adverse", ["d-" + id] = "2026年5月因重大税收违法行为被列入失信名单。" };
        Assert.Equal(HttpStatusCode.OK, (await _app.Anonymous().PostAsync($"/forms/consultations/{roundId}/tax", new FormUrlEncodedContent(form))).StatusCode);

        // The answer woke the holder's duty orchestration, which puts it on the holder's record.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var records = (await HolderAsync()).GetProperty("adverseRecords").EnumerateArray().ToList();
        while (records.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            records = (await HolderAsync()).GetProperty("adverseRecords").EnumerateArray().ToList();
        }

        var record = Assert.Single(records);
        Assert.Equal("tax", record.Str("department"));
        Assert.Equal(roundId, record.Str("consultationId"));
    }
}
