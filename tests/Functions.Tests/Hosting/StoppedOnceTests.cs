using DurableTask.Core;
using Moq;
using QualityAward.LocalHost;

namespace QualityAward.Functions.Tests.Hosting;

/// <summary>
/// The local engine's orchestration service is stopped once, by the app's stop or by the sidecar's
/// dispatcher, whichever comes first; never before it has started (the Azure Storage provider's
/// stop fails then), and it does not start again once stopped.
/// </summary>
public sealed class StoppedOnceTests
{
    [Fact]
    public async Task StoppedByTheAppThenByTheDispatcher_StopsTheServiceOnce()
    {
        var inner = new Mock<IOrchestrationService>();
        var service = new StoppedOnce(inner.Object);

        await service.StartAsync();
        await service.StopNowAsync();
        await service.StopAsync();

        inner.Verify(s => s.StartAsync(), Times.Once);
        inner.Verify(s => s.StopAsync(true), Times.Once);
        inner.Verify(s => s.StopAsync(false), Times.Never);
        inner.Verify(s => s.StopAsync(), Times.Never);
    }

    [Fact]
    public async Task StoppedByTheDispatcherFirst_IsNotStoppedAgainByTheApp()
    {
        var inner = new Mock<IOrchestrationService>();
        var service = new StoppedOnce(inner.Object);

        await service.StartAsync();
        await service.StopAsync();
        await service.StopNowAsync();

        inner.Verify(s => s.StopAsync(false), Times.Once);
        inner.Verify(s => s.StopAsync(true), Times.Never);
    }

    [Fact]
    public async Task NeverStarted_IsNotStopped_AndDoesNotStartAfterTheAppHasStopped()
    {
        var inner = new Mock<IOrchestrationService>();
        var service = new StoppedOnce(inner.Object);

        await service.StopNowAsync();

        inner.Verify(s => s.StopAsync(It.IsAny<bool>()), Times.Never);
        await Assert.ThrowsAsync<InvalidOperationException>(service.StartAsync);
        inner.Verify(s => s.StartAsync(), Times.Never);
    }
}
