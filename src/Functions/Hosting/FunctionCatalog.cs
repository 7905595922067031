using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Azure.Functions.Worker;

namespace QualityAward.Functions.Hosting;

/// <summary>An HTTP function: its <c>[HttpTrigger]</c> route and methods, who may call it, its rate limit and its documentation.</summary>
public sealed record HttpFunction(
    string Name,
    MethodInfo Method,
    string Route,
    IReadOnlyList<string> Methods,
    AccessAttribute? Access,
    string? RateLimit,
    ApiAttribute? Api,
    IReadOnlyList<RefusesAttribute> Refuses)
{
    /// <summary>The route parameters, as the template names them.</summary>
    public IReadOnlyList<string> RouteParameters { get; } = RoutePatternFactory.Parse(Route).Parameters.Select(p => p.Name).ToList();
}

/// <summary>A timer function: its <c>[TimerTrigger]</c> schedule (six-field CRON, UTC).</summary>
public sealed record TimerFunction(string Name, MethodInfo Method, string Schedule);

/// <summary>A queue function: its <c>[QueueTrigger]</c> queue and connection setting.</summary>
public sealed record QueueFunction(string Name, MethodInfo Method, string Queue, string? Connection);

/// <summary>
/// An orchestrator function (<c>[OrchestrationTrigger]</c>): a thin static method that runs the
/// class-based orchestrator declaring it (a <c>TaskOrchestrator&lt;TInput, TOutput&gt;</c>, which gives
/// the input type the local host registers it with).
/// </summary>
public sealed record OrchestratorFunction(string Name, MethodInfo Method, Type Orchestrator);

/// <summary>An activity function (<c>[ActivityTrigger]</c>): its input and output types.</summary>
public sealed record ActivityFunction(string Name, MethodInfo Method, Type Input, Type? Output);

/// <summary>
/// Every function of the app, read from its <c>[Function]</c> methods: the one declaration that the
/// Functions host (through the generated <c>functions.metadata</c>), the gate, the local host, the
/// OpenAPI document and the tests all read.
/// </summary>
public sealed class FunctionCatalog
{
    public static FunctionCatalog Instance { get; } = new(typeof(FunctionCatalog).Assembly);

    private readonly Dictionary<string, HttpFunction> _http;

    public FunctionCatalog(Assembly assembly)
    {
        var http = new List<HttpFunction>();
        var timers = new List<TimerFunction>();
        var queues = new List<QueueFunction>();
        var orchestrators = new List<OrchestratorFunction>();
        var activities = new List<ActivityFunction>();
        var other = new List<(string, MethodInfo)>();
        // Read at start-up (the local host maps its endpoints from it): the compiler's own types
        // (async state machines, closures) declare no function, and IsDefined reads an attribute
        // without constructing it.
        foreach (var type in assembly.GetTypes())
        {
            if (type.Name.StartsWith('<') || type.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false))
            {
                continue;
            }

            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (!method.IsDefined(typeof(FunctionAttribute), inherit: false) || method.GetCustomAttribute<FunctionAttribute>() is not { } function)
                {
                    continue;
                }

                var parameters = method.GetParameters();
                if (parameters.Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null) is { } trigger)
                {
                    http.Add(new HttpFunction(
                        function.Name,
                        method,
                        trigger.Route ?? function.Name,
                        (trigger.Methods ?? []).Select(m => m.ToUpperInvariant()).ToList(),
                        method.GetCustomAttribute<AccessAttribute>(),
                        method.GetCustomAttribute<RateLimitedAttribute>()?.Policy,
                        method.GetCustomAttribute<ApiAttribute>(),
                        method.GetCustomAttributes<RefusesAttribute>().ToList()));
                }
                else if (parameters.Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).FirstOrDefault(a => a is not null) is { } timer)
                {
                    timers.Add(new TimerFunction(function.Name, method, timer.Schedule));
                }
                else if (parameters.Select(p => p.GetCustomAttribute<QueueTriggerAttribute>()).FirstOrDefault(a => a is not null) is { } queue)
                {
                    queues.Add(new QueueFunction(function.Name, method, queue.QueueName, queue.Connection));
                }
                else if (parameters.Any(p => p.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null))
                {
                    orchestrators.Add(new OrchestratorFunction(function.Name, method, method.DeclaringType!));
                }
                else if (parameters.FirstOrDefault(p => p.GetCustomAttribute<ActivityTriggerAttribute>() is not null) is { } activityInput)
                {
                    var returns = method.ReturnType;
                    var output = returns == typeof(Task) || returns == typeof(void) ? null
                        : returns.IsGenericType && returns.GetGenericTypeDefinition() == typeof(Task<>) ? returns.GetGenericArguments()[0]
                        : returns;
                    activities.Add(new ActivityFunction(function.Name, method, activityInput.ParameterType, output));
                }
                else
                {
                    other.Add((function.Name, method));
                }
            }
        }

        Http = http.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        Timers = timers.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        Queues = queues.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        Orchestrators = orchestrators.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        Activities = activities.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        Others = other.OrderBy(f => f.Item1, StringComparer.Ordinal).Select(f => f.Item2).ToList();
        _http = Http.ToDictionary(f => f.Name, StringComparer.Ordinal);
    }

    public IReadOnlyList<HttpFunction> Http { get; }

    public IReadOnlyList<TimerFunction> Timers { get; }

    public IReadOnlyList<QueueFunction> Queues { get; }

    public IReadOnlyList<OrchestratorFunction> Orchestrators { get; }

    public IReadOnlyList<ActivityFunction> Activities { get; }

    /// <summary>Functions with a trigger none of the above (there should be none: a test says so).</summary>
    public IReadOnlyList<MethodInfo> Others { get; }

    public HttpFunction? FindHttp(string name) => _http.GetValueOrDefault(name);
}
