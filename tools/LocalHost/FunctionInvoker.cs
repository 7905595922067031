using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using QualityAward.Functions.Hosting;

namespace QualityAward.LocalHost;

/// <summary>
/// Calls a <c>[Function]</c> method as the isolated worker does: a new instance of its class per
/// invocation from the invocation's services (constructor injection), its parameters bound from
/// the trigger — the <see cref="HttpRequest"/>, route values by name, the cancellation token, the
/// timer's <see cref="TimerInfo"/>, the queue message — and its task awaited for what it returns.
/// </summary>
public sealed class FunctionInvoker
{
    public Task<object?> InvokeHttpAsync(HttpContext http, HttpFunction function) =>
        InvokeAsync(function.Method, http.RequestServices, parameter => BindHttp(http, function, parameter));

    /// <summary>Run a timer function now, in a scope of its own, as its schedule would.</summary>
    public async Task<object?> InvokeTimerAsync(IServiceProvider services, TimerFunction function, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        return await InvokeAsync(function.Method, scope.ServiceProvider, parameter => parameter.ParameterType switch
        {
            var t when t == typeof(TimerInfo) => new TimerInfo(),
            var t when t == typeof(CancellationToken) => ct,
            var t when t == typeof(DurableTaskClient) => scope.ServiceProvider.GetRequiredService<DurableTaskClient>(),
            _ => throw Unbindable(function.Name, parameter),
        });
    }

    private async Task<object?> InvokeAsync(MethodInfo method, IServiceProvider services, Func<ParameterInfo, object?> bind)
    {
        // By reflection, as the activities are (microseconds a call): a compiled factory per class
        // cost the first request to each some 40 ms of expression compiling and JIT.
        var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, method.DeclaringType!);
        var arguments = method.GetParameters().Select(bind).ToArray();
        object? returned;
        try
        {
            returned = method.Invoke(target, arguments);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }

        switch (returned)
        {
            case Task task:
                await task;
                return method.ReturnType.IsGenericType ? method.ReturnType.GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
            case ValueTask valueTask:
                await valueTask;
                return null;
            default:
                return returned;
        }
    }

    private static object? BindHttp(HttpContext http, HttpFunction function, ParameterInfo parameter)
    {
        if (parameter.ParameterType == typeof(HttpRequest))
        {
            return http.Request;
        }

        if (parameter.ParameterType == typeof(CancellationToken))
        {
            return http.RequestAborted;
        }

        if (parameter.ParameterType == typeof(DurableTaskClient) && parameter.GetCustomAttribute<DurableClientAttribute>() is not null)
        {
            // What the Durable extension binds to [DurableClient]: a client of the app's task hub.
            return http.RequestServices.GetRequiredService<DurableTaskClient>();
        }

        if (parameter.ParameterType == typeof(string) && function.RouteParameters.Contains(parameter.Name!, StringComparer.OrdinalIgnoreCase))
        {
            return http.GetRouteValue(parameter.Name!) as string;
        }

        throw Unbindable(function.Name, parameter);
    }

    private static InvalidOperationException Unbindable(string function, ParameterInfo parameter) =>
        new($"Function {function}: parameter {parameter.Name} ({parameter.ParameterType.Name}) is not one the local host binds (HttpRequest, a route value, CancellationToken, [DurableClient] DurableTaskClient, TimerInfo, a queue message).");
}
