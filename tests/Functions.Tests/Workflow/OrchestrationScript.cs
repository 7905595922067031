using Microsoft.DurableTask;
using Moq;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Tests.Durable;

/// <summary>
/// A <see cref="TaskOrchestrationContext"/> stand-in (Moq) that answers an orchestrator's calls as
/// a test scripts them and records, in order, what the orchestrator asked for: each activity with
/// its input, each durable timer (as the delay from the orchestration's time), each event waited
/// for, its custom status and whether it continued as new. One script is one generation.
/// </summary>
public sealed class OrchestrationScript
{
    public static readonly DateTime OrchestrationTime = new(2026, 3, 2, 1, 0, 0, DateTimeKind.Utc);

    private readonly TaskCompletionSource _never = new();
    private Task _timer;
    private readonly Dictionary<string, Task<string?>> _events = new(StringComparer.Ordinal);

    public OrchestrationScript(DateTimeOffset appNow, long epoch = 1)
    {
        _timer = _never.Task;
        Context.SetupGet(c => c.CurrentUtcDateTime).Returns(OrchestrationTime);
        Context.SetupGet(c => c.InstanceId).Returns("test-instance");
        Activity(WorkflowClock.ReadClock, _ => new ClockReading(appNow, epoch));
        Context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()))
            .Returns((DateTime at, CancellationToken _) =>
            {
                Calls.Add($"timer +{at - OrchestrationTime}");
                return _timer;
            });
        Context.Setup(c => c.WaitForExternalEvent<string?>(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string name, CancellationToken _) =>
            {
                Calls.Add($"wait {name}");
                return _events.TryGetValue(name, out var e) ? e : new TaskCompletionSource<string?>().Task;
            });
        Context.Setup(c => c.WaitForExternalEvent<Wake?>(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string name, CancellationToken _) =>
            {
                Calls.Add($"wait {name}");
                return _events.TryGetValue(name, out var e) ? e.ContinueWith(t => t.Result is { } what ? new Wake(what) : null, TaskScheduler.Default) : new TaskCompletionSource<Wake?>().Task;
            });
        Context.Setup(c => c.SetCustomStatus(It.IsAny<object?>())).Callback((object? status) => Statuses.Add((WaitingFor)status!));
        Context.Setup(c => c.ContinueAsNew(It.IsAny<object?>(), It.IsAny<bool>())).Callback((object? input, bool _) =>
        {
            Calls.Add("continue-as-new");
            ContinuedWith = input;
        });
    }

    public Mock<TaskOrchestrationContext> Context { get; } = new() { CallBase = true };

    /// <summary>What the orchestrator did, in order.</summary>
    public List<string> Calls { get; } = [];

    public List<WaitingFor> Statuses { get; } = [];

    public object? ContinuedWith { get; private set; }

    /// <summary>The status it shows last (what the office reads while it waits, or once it ended).</summary>
    public WaitingFor Status => Statuses[^1];

    /// <summary>Answer activity <paramref name="name"/> with <paramref name="answer"/> (given its input).</summary>
    public OrchestrationScript Activity<T>(string name, Func<object?, T> answer)
    {
        Context.Setup(c => c.CallActivityAsync<T>(It.Is<TaskName>(n => n.Name == name), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns((TaskName n, object? input, TaskOptions? _) =>
            {
                Calls.Add(input is string s ? $"{n.Name}({s})" : input is null ? n.Name : $"{n.Name}({input})");
                return Task.FromResult(answer(input));
            });
        return this;
    }

    /// <summary>Activity <paramref name="name"/> fails for the inputs <paramref name="fails"/> picks (its retries ran out), answers the rest.</summary>
    public OrchestrationScript FailingActivity<T>(string name, Func<object?, bool> fails, Func<object?, T> answer)
    {
        Context.Setup(c => c.CallActivityAsync<T>(It.Is<TaskName>(n => n.Name == name), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns((TaskName n, object? input, TaskOptions? _) =>
            {
                Calls.Add($"{n.Name}({input})");
                return fails(input)
                    ? Task.FromException<T>(new TaskFailedException(n.Name, 7, new TaskFailureDetails(typeof(InvalidOperationException).FullName!, "retries ran out", null, null, null)))
                    : Task.FromResult(answer(input));
            });
        return this;
    }

    /// <summary>The timer wins the wait.</summary>
    public OrchestrationScript TimerFires()
    {
        _timer = Task.CompletedTask;
        return this;
    }

    /// <summary>An event (a wake-up) wins the wait.</summary>
    public OrchestrationScript EventArrives(string name, string? payload = null)
    {
        _events[name] = Task.FromResult(payload);
        return this;
    }

    /// <summary>Which activities were called, in order (without timers, waits and the clock).</summary>
    public IReadOnlyList<string> ActivitiesCalled => Calls.Where(c => !c.StartsWith("timer", StringComparison.Ordinal) && !c.StartsWith("wait", StringComparison.Ordinal) && c != "continue-as-new" && !c.StartsWith(WorkflowClock.ReadClock, StringComparison.Ordinal)).ToList();
}
