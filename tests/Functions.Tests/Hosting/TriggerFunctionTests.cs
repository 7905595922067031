using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Hosting;

/// <summary>The timer and queue functions, run the way the host runs them (through the local host's invoker).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TriggerFunctionTests(Azurite azurite) : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public void TimerSchedules_AreSixFieldCron_InUtc()
    {
        var timers = _app.Services.GetRequiredService<FunctionCatalog>().Timers;

        Assert.Contains(timers, t => t.Name == "Backup" && t.Schedule == "0 0 18 * * *"); // 02:00 Asia/Shanghai
        Assert.All(timers, t => Assert.Equal(6, t.Schedule.Split(' ').Length));
        Assert.All(timers, t => Cronos.CronExpression.Parse(t.Schedule, Cronos.CronFormat.IncludeSeconds));
    }

    [Fact]
    public async Task TimersFunction_FiresTheSubmissionDeadline_OnceWhenDue()
    {
        var office = _app.As(Roles.Office);
        await (await office.PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);

        // Not yet due: nothing happens.
        Assert.Contains("0 timers fired", await _app.FireTimersAsync());

        // The last day ends at midnight Shanghai time (16:00 UTC): one second later the timer is due.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 30, 16, 0, 1, TimeSpan.Zero));
        Assert.Contains("1 timers fired", await _app.FireTimersAsync());
        Assert.Contains("0 timers fired", await _app.FireTimersAsync());

        var cycle = await (await _app.Anonymous().GetAsync("/api/cycles/weihai-2026")).ExpectAsync(200);
        Assert.False(cycle.GetProperty("acceptingSubmissions").GetBoolean());
        var history = await _app.Services.GetRequiredService<QualityAward.Functions.Storage.EventStore>().ReadAsync("cycle-weihai-2026", CancellationToken.None);
        Assert.Single(history, e => e.Type == "SubmissionsClosed");
    }

    [Fact]
    public async Task ReactionsFunction_WithAMessageNamingNoEvent_Throws_SoTheHostRetries()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => _app.DeliverAsync("Reactions", """{"streamId": "cycle-none", "version": 7}"""));
    }

    [Fact]
    public async Task TriggerNames_AreNotHttpRoutes()
    {
        // The custom handler's trigger endpoints (POST /Timers …) are gone: the host calls the worker over gRPC.
        var response = await _app.Anonymous().PostAsync("/Timers", new StringContent("{}"));

        Assert.Equal(404, (int)response.StatusCode);
    }
}
