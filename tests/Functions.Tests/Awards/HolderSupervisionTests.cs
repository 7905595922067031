using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Awards;

/// <summary>
/// The daily HolderSupervision timer function: Weihai, recognised on 2026-06-30, has a visit
/// (§26, office interval 12 months) and a department consultation due each anniversary. Each duty
/// gets one orchestration, however often the function runs and whenever it runs after the day.
/// </summary>
public sealed class HolderSupervisionTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
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

    private async Task<List<OrchestrationMetadata>> DutiesAsync()
    {
        var all = new List<OrchestrationMetadata>();
        await foreach (var instance in _app.Durable.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "holder-" }))
        {
            all.Add(instance);
        }

        return all.OrderBy(i => i.InstanceId, StringComparer.Ordinal).ToList();
    }

    private async Task<string[]> HolderEventsAsync() =>
        (await _app.Services.GetRequiredService<EventStore>().ReadAsync($"holder-{Key}", CancellationToken.None))
            .Where(e => e.Type is "InspectionDue" or "HolderConsultationDue").Select(e => e.Type).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task RunTwiceTheSameDay_StartsEachDutyOnce()
    {
        var id = await Holders.AwardAsync(_app, "weihai-2026", "holder-" + Guid.NewGuid().ToString("N"), Forms.WeihaiOrganisation(), new DateOnly(2026, 6, 30));
        _app.Clock.SetUtcNow(At(2027, 6, 30, 1, 0));

        // Twice back to back (a host retry), before the first run's orchestrations have taken a step, then again once they have.
        var first = await _app.RunTimerAsync("HolderSupervision");
        var second = await _app.RunTimerAsync("HolderSupervision");
        await _app.SettleAsync();
        var started = await DutiesAsync();
        Assert.Equal("0 started, 0 woken", await _app.RunTimerAsync("HolderSupervision"));
        await _app.SettleAsync();

        Assert.Equal("2 started, 0 woken", first);
        Assert.StartsWith("0 started, ", second, StringComparison.Ordinal);
        Assert.Equal(
            [$"holder-{Key}-consultation-2027-06-30-{id}", $"holder-{Key}-inspection-2027-06-30-{id}"],
            started.Select(i => i.InstanceId));
        var after = await DutiesAsync();
        Assert.Equal(started.Select(i => (i.InstanceId, i.CreatedAt)), after.Select(i => (i.InstanceId, i.CreatedAt)));
        Assert.All(after, i => Assert.Equal(OrchestrationRuntimeStatus.Completed, i.RuntimeStatus));
        Assert.Equal(["HolderConsultationDue", "InspectionDue"], await HolderEventsAsync());
    }

    [Fact]
    public async Task ADayTheFunctionMissed_IsTakenUpOnTheNextRun()
    {
        var id = await Holders.AwardAsync(_app, "weihai-2026", "holder-" + Guid.NewGuid().ToString("N"), Forms.WeihaiOrganisation(), new DateOnly(2026, 6, 30));

        // The host was down on the anniversary and the day after.
        _app.Clock.SetUtcNow(At(2027, 7, 2, 1, 0));
        Assert.Equal("2 started, 0 woken", await _app.RunTimerAsync("HolderSupervision"));
        await _app.SettleAsync();

        var due = (await (await _app.As(Roles.Office).GetAsync("/api/register/due")).ExpectAsync(200)).EnumerateArray()
            .Where(d => d.Str("applicationId") == id).Select(d => $"{d.Str("kind")} {d.Str("dueOn")}").Order(StringComparer.Ordinal);
        Assert.Equal(["consultation 2027-06-30", "inspection 2027-06-30"], due);
    }
}
