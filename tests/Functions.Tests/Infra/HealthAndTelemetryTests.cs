using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Infra;

/// <summary>The readiness probe Azure's health check calls, and telemetry switched on by its setting.</summary>
public sealed class HealthAndTelemetryTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task Ready_WhenStorageAnswers_Is200_AndWhenATableIsGone_Is503()
    {
        await using var app = await TestApp.StartAsync(azurite);

        var ready = await app.Anonymous().GetAsync("/healthz/ready");
        Assert.Equal(200, (int)ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());

        await app.Storage.Table(StorageClients.EventsTable).DeleteAsync();
        var broken = await app.Anonymous().GetAsync("/healthz/ready");
        Assert.Equal(503, (int)broken.StatusCode);

        // Liveness does not depend on storage: the process is up.
        Assert.Equal(200, (int)(await app.Anonymous().GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Telemetry_IsOnlyWiredWhenTheApplicationInsightsSettingIsThere()
    {
        await using (var plain = await TestApp.StartAsync(azurite))
        {
            Assert.Null(plain.Services.GetService<TracerProvider>());
        }

        await using var monitored = await TestApp.StartAsync(azurite, configure: b =>
            b.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/");

        Assert.NotNull(monitored.Services.GetService<TracerProvider>());
        Assert.Equal(200, (int)(await monitored.Anonymous().GetAsync("/healthz")).StatusCode);
    }
}
