using Microsoft.Azure.Functions.Worker;
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
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (catalog.FindHttp(context.FunctionDefinition.Name) is not { } function || context.GetHttpContext() is not { } http)
        {
            await next(context);
            return;
        }

        var answer = await gate.RunAsync(http, function, async () =>
        {
            await next(context);
            return context.GetInvocationResult().Value;
        });
        context.GetInvocationResult().Value = answer;
    }
}
