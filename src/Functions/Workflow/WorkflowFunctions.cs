namespace QualityAward.Functions.Workflow;

/// <summary>
/// The read models' safety net: events whose projection a crash or an outage interrupted are
/// projected again. (Deadlines and waits are Durable orchestrations; see <see cref="Orchestrations"/>.)
/// A failure propagates, so the host records it and the next run tries again.
/// </summary>
public sealed partial class WorkflowFunctions(Projections projections, ILogger<WorkflowFunctions> logger)
{
    /// <summary>Projects what a crash or an outage left pending (every two minutes).</summary>
    [Function("ProjectionSweep")]
    public async Task<string> SweepProjections([TimerTrigger("30 */2 * * * *")] TimerInfo timer, CancellationToken ct)
    {
        var projected = await projections.SweepAsync(ct);
        if (projected > 0)
        {
            LogSwept(logger, projected);
        }

        return $"{projected} pending projections run";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ProjectionSweep: {Count} pending projections run")]
    private static partial void LogSwept(ILogger logger, int count);
}
