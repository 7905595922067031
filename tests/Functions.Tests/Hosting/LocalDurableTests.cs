using QualityAward.LocalHost;

namespace QualityAward.Functions.Tests.Hosting;

/// <summary>The local host's channel to its Durable sidecar retries only reads, named as the sidecar's proto names them.</summary>
public sealed class LocalDurableTests
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Sidecar = Microsoft.DurableTask.Protobuf.TaskHubSidecarService.Descriptor;

    [Fact]
    public void TheRetriedReads_NameTheSidecarServiceAndItsMethods_AsTheProtoDoes()
    {
        Assert.Equal(LocalDurable.SidecarService, Sidecar.FullName);
        Assert.All(LocalDurable.RetriedReads, method => Assert.NotNull(Sidecar.FindMethodByName(method)));
    }

    [Fact]
    public void NoCallThatChangesAnOrchestration_IsRetried()
    {
        foreach (var changes in new[] { "StartInstance", "RaiseEvent", "TerminateInstance", "SuspendInstance", "ResumeInstance", "PurgeInstances", "CompleteActivityTask", "CompleteOrchestratorTask", "SignalEntity" })
        {
            Assert.NotNull(Sidecar.FindMethodByName(changes));
            Assert.DoesNotContain(changes, LocalDurable.RetriedReads);
        }
    }
}
