using System.Reflection;
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
        var other = new List<(string, MethodInfo)>();
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
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
                else
                {
                    other.Add((function.Name, method));
                }
            }
        }

        Http = http.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        Timers = timers.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        Queues = queues.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        Others = other.OrderBy(f => f.Item1, StringComparer.Ordinal).Select(f => f.Item2).ToList();
        _http = Http.ToDictionary(f => f.Name, StringComparer.Ordinal);
    }

    public IReadOnlyList<HttpFunction> Http { get; }

    public IReadOnlyList<TimerFunction> Timers { get; }

    public IReadOnlyList<QueueFunction> Queues { get; }

    /// <summary>Functions with another trigger (orchestrations and activities).</summary>
    public IReadOnlyList<MethodInfo> Others { get; }

    public HttpFunction? FindHttp(string name) => _http.GetValueOrDefault(name);
}
