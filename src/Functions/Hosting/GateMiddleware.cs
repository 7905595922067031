using Microsoft.Azure.Functions.Worker.Middleware;

namespace QualityAward.Functions.Hosting;

/// <summary>
/// The Functions host's way into <see cref="FunctionGate"/>: worker middleware (registered after
/// the ASP.NET Core integration, so the request's <see cref="HttpContext"/> is there) that runs
/// every HTTP function through the gate and hands back what the gate answers as the invocation's
/// result, which the integration then executes. Timer, queue and durable functions pass straight on.
/// </summary>
public sealed class GateMiddleware(FunctionGate gate, FunctionCatalog catalog) : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next) =>
        InvokeAsync(
            context,
            () => next(context),
            () => context.GetInvocationResult().Value,
            answer => context.GetInvocationResult().Value = answer);

    /// <summary>The middleware with the invocation's result reached through delegates (the worker keeps it in an internal feature).</summary>
    internal async Task InvokeAsync(FunctionContext context, Func<Task> next, Func<object?> result, Action<object?> answer)
    {
        if (catalog.FindHttp(context.FunctionDefinition.Name) is not { } function)
        {
            await next();
            return;
        }

        // An HTTP function without its request would run unchecked: refuse rather than pass it on.
        var http = context.GetHttpContext()
            ?? throw new InvalidOperationException($"HTTP function {function.Name} was invoked without its HttpContext: the ASP.NET Core integration must be configured before the gate.");
        answer(await gate.RunAsync(http, function, async () =>
        {
            await next();
            return result();
        }));
    }
}
