using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Domain.Notices;
using QualityAward.Functions.Notices;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace QualityAward.Functions.Tests.Faults;

/// <summary>
/// The app dies in the middle of a public notice while objections pour in: Benxi's acceptance
/// notice of three applications, anonymous objectors filing eight at a time, each from its own
/// address (the public rate limit counts per address). The app is killed once a dozen receipts
/// have gone out; it restarts on the same storage, the objectors whose request got no answer file
/// again and the rest keep filing. The period ends, the office dismisses every objection in bulk,
/// the notice closes. Afterwards every objection that got a receipt is stored once and its
/// receipt works, none is stored twice, the notice closed once and each application moved on once.
/// </summary>
[Collection(Serial.Name)]
public sealed class NoticeCrashTests(Azurite azurite, ITestOutputHelper output) : IClassFixture<Azurite>
{
    private const string Cycle = "benxi-2026";
    private const int Objectors = 64;
    private const int BeforeKill = 40;
    private const int KillAfterReceipts = 12;
    private const int AtOnce = 8;
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    [Fact]
    public async Task AppKilledWhileObjectionsAreFiled_EveryReceiptIsStoredOnce_TheNoticeClosesOnce_AndMovesEachApplicationOnOnce()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var first = await TestApp.StartAsync(azurite, new DateTimeOffset(2026, 1, 5, 9, 0, 0, Shanghai), prefix: prefix, configure: TestApp.DurableOnAzurite);
        await (await first.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "benxi", year = 2026, submissionOpensOn = "2026-01-05", submissionClosesOn = "2026-03-31", acknowledgeWarnings = true })).ExpectAsync(201);
        var applications = new List<string>();
        foreach (var name in new[] { "本溪丑钢铁有限公司", "本溪寅药业有限公司", "本溪卯装备有限公司" })
        {
            applications.Add(await AcceptedAsync(first, name));
        }

        first.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 12, 9, 0, 0, Shanghai));
        var noticeId = (await (await first.As(Roles.Office).PostJsonAsync($"/api/cycles/{Cycle}/notices", new { list = "acceptance", firstDay = "2026-02-12" })).ExpectAsync(201)).Str("noticeId");

        // Objectors file eight at a time; the app is killed when the twelfth receipt is out.
        var attempts = new ConcurrentBag<Attempt>();
        var receipts = 0;
        var killNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var killed = false;
        var filing = Parallel.ForEachAsync(Enumerable.Range(1, BeforeKill), new ParallelOptions { MaxDegreeOfParallelism = AtOnce }, async (objector, _) =>
        {
            if (Volatile.Read(ref killed))
            {
                return;
            }

            var attempt = await FileAsync(first, 1, noticeId, applications, objector, attempt: 1);
            attempts.Add(attempt);
            if (attempt.ReceiptCode is not null && Interlocked.Increment(ref receipts) == KillAfterReceipts)
            {
                killNow.TrySetResult();
            }
        });
        var reached = await Task.WhenAny(killNow.Task, filing, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.Same(killNow.Task, reached);
        Volatile.Write(ref killed, true);
        await first.KillAsync();
        await filing;
        var beforeKill = attempts.ToList();
        var cutOff = beforeKill.Count(a => a.ReceiptCode is null);
        output.WriteLine($"Killed after {KillAfterReceipts} receipts: {beforeKill.Count} objections sent to the first process, " +
            $"{beforeKill.Count(a => a.ReceiptCode is not null)} answered 201, {cutOff} without a receipt ({Outcomes(beforeKill.Where(a => a.ReceiptCode is null))}).");
        Assert.True(cutOff > 0, "No objection was in flight when the app was killed: the kill did not land mid-stream.");

        // The restart on the same storage and task hub; the projection sweep finishes what the dead process left.
        await using var second = await TestApp.StartAsync(azurite, new DateTimeOffset(2026, 2, 12, 9, 5, 0, Shanghai), prefix: prefix, configure: TestApp.DurableOnAzurite);
        await SweepAsync(second);

        // Those without a receipt file again (nothing tells them it was taken); the others keep filing.
        var retried = beforeKill.Where(a => a.ReceiptCode is null).Select(a => a.Objector).ToHashSet();
        var pending = retried.Select(o => (Objector: o, Try: 2))
            .Concat(Enumerable.Range(1, Objectors).Where(o => beforeKill.All(a => a.Objector != o)).Select(o => (Objector: o, Try: 1)))
            .ToList();
        await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = AtOnce }, async (p, _) => attempts.Add(await FileAsync(second, 2, noticeId, applications, p.Objector, p.Try)));
        var all = attempts.ToList();
        var answered = all.Where(a => a.ReceiptCode is not null).ToList();
        Assert.All(all.Where(a => a.Process == 2), a => Assert.Equal(201, a.Status));

        // Every receipt works before the findings.
        foreach (var a in answered)
        {
            var status = await (await Lookup(second, a)).ExpectAsync(200);
            Assert.Equal("investigating", status.Str("status"));
        }

        // What is stored, by each attempt's own marker in its text.
        var filed = (await NoticeEventsAsync(second, noticeId)).Select(e => e.Event).OfType<ObjectionFiled>().ToList();
        int StoredOf(Attempt a) => filed.Count(f => f.Text.Contains(a.Marker, StringComparison.Ordinal));
        Assert.All(answered, a => Assert.Equal(1, filed.Count(f => f.ObjectionId == a.ObjectionId)));
        Assert.All(all, a => Assert.InRange(StoredOf(a), a.ReceiptCode is null ? 0 : 1, 1));
        Assert.Equal(filed.Count, filed.Select(f => f.ObjectionId).Distinct().Count());
        var storedWithoutAnswer = all.Where(a => a.ReceiptCode is null && StoredOf(a) == 1).ToList();
        Assert.Equal(filed.Count, answered.Count + storedWithoutAnswer.Count);

        // The period ends with every objection open: the notice waits for the findings.
        second.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 26, 0, 0, 1, Shanghai));
        await second.SettleAsync();
        Assert.Equal("awaiting-findings", (await (await second.Anonymous().GetAsync($"/api/public/notices/{noticeId}")).ExpectAsync(200)).Str("status"));

        // The office dismisses them all, 45 at a time; the last finding lets the notice close.
        var office = second.As(Roles.Office);
        var ids = (await (await office.GetAsync($"/api/notices/{noticeId}/objections")).ExpectAsync(200)).EnumerateArray().Select(o => o.Str("objectionId")).ToList();
        Assert.Equal(filed.Count, ids.Count);
        foreach (var chunk in ids.Chunk(45))
        {
            await (await office.PostJsonAsync($"/api/notices/{noticeId}/objections/findings", new { objectionIds = chunk, upheld = false, finding = "未提供具体事实和证据，不予受理。" })).ExpectAsync(200);
        }

        // The last finding wakes the notice's orchestration, which closes it and moves each listed application on.
        await second.SettleAsync();
        await second.WaitForOrchestrationAsync(QualityAward.Functions.Workflow.Orchestrations.Notice(noticeId));

        var settled = await AllEventsAsync(second, noticeId, applications);

        // Activities run at least once: the close and each application's move are run again, as
        // after a host that died before it recorded their completion.
        var steps = ActivatorUtilities.CreateInstance<NoticeSteps>(second.Services);
        var twice = 0;
        await steps.CloseAsync(noticeId);
        twice++;
        foreach (var application in applications)
        {
            Assert.Null(await steps.PassNoticeAsync(new NoticeEntryStep(noticeId, application), second.Durable));
            twice++;
        }

        // Everything the host would run again runs again: the projection sweep, the orchestrations' catch-up.
        await SweepAsync(second);
        await second.SettleAsync();
        Assert.Equal("closed", (await (await second.Anonymous().GetAsync($"/api/public/notices/{noticeId}")).ExpectAsync(200)).Str("status"));

        // Every receipt now shows the finding (and that is recorded once per objector, however often it is read).
        foreach (var a in answered)
        {
            var status = await (await Lookup(second, a)).ExpectAsync(200);
            Assert.Equal("decided", status.Str("status"));
            Assert.False(status.GetProperty("upheld").GetBoolean());
        }

        foreach (var a in answered.Take(5))
        {
            await (await Lookup(second, a)).ExpectAsync(200);
        }

        var final = await AllEventsAsync(second, noticeId, applications);
        var closes = final.Count(e => e.Type == "NoticeClosed");
        var passed = applications.ToDictionary(a => a, a => final.Count(e => e.StreamId == ApplicationId.Parse(a).Value.StreamId && e.Type == "NoticePassed"));
        var notified = final.Select(e => e.Event).OfType<ObjectorNotified>().GroupBy(n => n.ObjectionId).ToDictionary(g => g.Key, g => g.Count());
        var lost = answered.Count(a => filed.Count(f => f.ObjectionId == a.ObjectionId) != 1);
        output.WriteLine($"{all.Count} objections sent by {Objectors} objectors ({retried.Count} sent again after the restart): {answered.Count} receipts, each stored once and found by its code; " +
            $"{storedWithoutAnswer.Count} stored without an answer (the objector had no receipt and filed again), {all.Count(a => a.ReceiptCode is null) - storedWithoutAnswer.Count} unanswered and not stored; receipts lost or stored twice: {lost} of {answered.Count}.");
        output.WriteLine($"{filed.Count} objections stored, {ids.Count} dismissed; notice closed {closes} time(s); NoticePassed per application {string.Join(", ", passed.Values)}; " +
            $"{twice} activities run a second time; objectors told {notified.Count} (at most once each: {notified.Values.DefaultIfEmpty(0).Max()}); events {settled.Count} when closed, and the sweep and the steps run again added {final.Count - settled.Count - notified.Count} besides the objectors' notifications.");

        Assert.Equal(0, lost);
        Assert.Equal(applications.Count + 1, twice);
        Assert.Equal(1, closes);
        Assert.All(passed.Values, n => Assert.Equal(1, n));
        Assert.Equal(answered.Count, notified.Count);
        Assert.All(notified.Values, n => Assert.Equal(1, n));
        Assert.Equal(settled.Count + notified.Count, final.Count);
        foreach (var id in applications)
        {
            Assert.Equal("materialReview", (await (await office.GetAsync($"/api/applications/{id}")).ExpectAsync(200)).Str("stage"));
        }
    }

    private sealed record Attempt(int Objector, int Try, int Process, string Marker, int Status, string? ObjectionId, string? ReceiptCode, string? Error);

    private static async Task<string> AcceptedAsync(TestApp app, string name)
    {
        var subject = "applicant-" + Guid.NewGuid().ToString("N");
        var id = await Applicants.SubmitAsync(app, app.As(Roles.Applicant, subject: subject), subject, Cycle, Forms.BenxiOrganisation(name));
        await (await app.As(Roles.Recommender, affiliation: "210500:pingshan").PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐。" })).ExpectAsync(200);
        Assert.Equal("publicNotice", (await (await app.As(Roles.Office).PostJsonAsync($"/api/applications/{id}/accept", new { })).ExpectAsync(200)).Str("stage"));
        return id;
    }

    /// <summary>The objector's own client: its address as the front end forwards it.</summary>
    private static HttpClient Objector(TestApp app, int objector)
    {
        var client = app.Anonymous();
        client.Timeout = TimeSpan.FromSeconds(30);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", $"198.51.100.{objector}");
        return client;
    }

    private static async Task<Attempt> FileAsync(TestApp app, int process, string noticeId, IReadOnlyList<string> applications, int objector, int attempt)
    {
        var marker = $"〔异议人{objector:00}第{attempt}次〕";
        try
        {
            using var response = await Objector(app, objector).PostJsonAsync($"/api/public/notices/{noticeId}/objections", new { applicationId = applications[objector % applications.Count], realName = false, text = $"{marker}该公司产品质量投诉较多，请核查。" });
            var body = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            if (status != 201)
            {
                return new Attempt(objector, attempt, process, marker, status, null, null, body);
            }

            var receipt = System.Text.Json.JsonDocument.Parse(body).RootElement;
            return new Attempt(objector, attempt, process, marker, status, receipt.Str("objectionId"), receipt.Str("receiptCode"), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return new Attempt(objector, attempt, process, marker, 0, null, null, ex.GetType().Name);
        }
    }

    private static Task<HttpResponseMessage> Lookup(TestApp app, Attempt a) =>
        Objector(app, a.Objector).PostJsonAsync("/api/public/objections/lookup", new { receiptCode = a.ReceiptCode });

    private static string Outcomes(IEnumerable<Attempt> attempts) =>
        string.Join(", ", attempts.GroupBy(a => a.Status == 0 ? a.Error ?? "no answer" : a.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)).Select(g => $"{g.Count()}×{g.Key}"));

    private static async Task SweepAsync(TestApp app) =>
        await app.RunTimerAsync("ProjectionSweep");

    private static async Task<IReadOnlyList<StoredEvent>> NoticeEventsAsync(TestApp app, string noticeId) =>
        await app.Services.GetRequiredService<EventStore>().ReadAfterAsync(NoticeId.Parse(noticeId).Value.StreamId, 0, CancellationToken.None);

    private static async Task<List<StoredEvent>> AllEventsAsync(TestApp app, string noticeId, IEnumerable<string> applications)
    {
        var events = new List<StoredEvent>(await NoticeEventsAsync(app, noticeId));
        foreach (var id in applications)
        {
            events.AddRange(await app.Services.GetRequiredService<EventStore>().ReadAfterAsync(ApplicationId.Parse(id).Value.StreamId, 0, CancellationToken.None));
        }

        return events;
    }
}
