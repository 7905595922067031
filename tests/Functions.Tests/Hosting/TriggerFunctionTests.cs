using Microsoft.Extensions.DependencyInjection;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Hosting;

/// <summary>The timer functions, run the way the host runs them (through the local host's invoker).</summary>
public sealed class TriggerFunctionTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public void TimerSchedules_AreSixFieldCron_InUtc()
    {
        var timers = _app.Services.GetRequiredService<FunctionCatalog>().Timers;

        Assert.Contains(timers, t => t.Name == "Backup" && t.Schedule == "0 0 18 * * *"); // 02:00 Asia/Shanghai
        Assert.Contains(timers, t => t.Name == "HolderSupervision" && t.Schedule == "0 0 17 * * *"); // 01:00 Asia/Shanghai
        Assert.All(timers, t => Assert.Equal(6, t.Schedule.Split(' ').Length));
        Assert.All(timers, t => Cronos.CronExpression.Parse(t.Schedule, Cronos.CronFormat.IncludeSeconds));
    }

    [Fact]
    public void TheHomeMadeEngine_IsGone_NoTimerRows_NoReactionsQueue_NoOutbox()
    {
        // Deadlines and waits are Durable orchestrations; what follows an event is taken by the function that appended it.
        var catalog = _app.Services.GetRequiredService<FunctionCatalog>();
        Assert.Empty(catalog.Queues);
        Assert.DoesNotContain(catalog.Timers, t => t.Name is "Timers" or "OutboxSweep");
        var types = typeof(FunctionCatalog).Assembly.GetTypes().Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in new[] { "TimerStore", "ITimerHandler", "IReaction", "ReactionQueue", "ReactionRunner", "OutboxDispatcher", "MailOutbox" })
        {
            Assert.DoesNotContain(gone, types);
        }

        Assert.NotEmpty(catalog.Orchestrators);
    }

    [Fact]
    public async Task ProjectionSweep_WithNothingPending_RunsNothing()
    {
        Assert.Equal("0 pending projections run", await _app.RunTimerAsync("ProjectionSweep"));
    }

    [Fact]
    public async Task TriggerNames_AreNotHttpRoutes()
    {
        // The custom handler's trigger endpoints (POST /Timers …) are gone: the host calls the worker over gRPC.
        var response = await _app.Anonymous().PostAsync("/Timers", new StringContent("{}"));

        Assert.Equal(404, (int)response.StatusCode);
    }
}
