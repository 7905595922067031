using DurableTask.Core;
using Moq;
using QualityAward.LocalHost;

namespace QualityAward.Functions.Tests.Hosting;

/// <summary>
/// The local engine's orchestration service is stopped once, by the app's stop or by the sidecar's
/// dispatcher, whichever comes first; never before it has started (the Azure Storage provider's
/// stop fails then); once stopped it neither starts again nor hands out work.
/// </summary>
public sealed class StoppedOnceTests
{
    [Fact]
    public async Task StoppedByTheAppThenByTheDispatcher_StopsTheServiceOnce()
    {
        var inner = new Mock<IOrchestrationService>();
        var service = new StoppedOnce(inner.Object);

        await service.StartAsync();
        await service.StopAsync(isForced: true);
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
        await service.StopAsync(isForced: true);

        inner.Verify(s => s.StopAsync(false), Times.Once);
        inner.Verify(s => s.StopAsync(true), Times.Never);
    }

    [Fact]
    public async Task NeverStarted_IsNotStopped_AndDoesNotStartAfterTheAppHasStopped()
    {
        var inner = new Mock<IOrchestrationService>();
        var service = new StoppedOnce(inner.Object);

        await service.StopAsync(isForced: true);

        inner.Verify(s => s.StopAsync(It.IsAny<bool>()), Times.Never);
        await service.StartAsync(); // the dispatcher's late start: no exception (it runs in an async void callback)
        inner.Verify(s => s.StartAsync(), Times.Never);

        // A dispatcher still asking for work waits until it is cancelled, without asking the service.
        using var cancel = new CancellationTokenSource();
        var asking = service.LockNextTaskActivityWorkItem(TimeSpan.FromSeconds(30), cancel.Token);
        Assert.False(asking.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => asking);
        inner.Verify(s => s.LockNextTaskActivityWorkItem(It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()), Times.Never);
    }
}
