using Microsoft.Extensions.DependencyInjection;
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
        Assert.Contains(timers, t => t.Name == "HolderSupervision" && t.Schedule == "0 0 17 * * *"); // 01:00 Asia/Shanghai
        Assert.All(timers, t => Assert.Equal(6, t.Schedule.Split(' ').Length));
        Assert.All(timers, t => Cronos.CronExpression.Parse(t.Schedule, Cronos.CronFormat.IncludeSeconds));
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
