using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QualityAward.Functions.Hosting;

namespace QualityAward.LocalHost;

/// <summary>
/// Builds the local host: the function app's services (the same <see cref="AppServices"/> the
/// worker registers), an endpoint per HTTP function at its <c>[HttpTrigger]</c> route and methods
/// running through the same <see cref="FunctionGate"/>, and — unless <c>Workflow:RunLocalTriggers</c>
/// is false (tests drive them by hand) — the timer functions on their schedules; the
/// orchestrator and activity functions run on the Durable Task SDK (<see cref="LocalDurable"/>).
/// With <c>LocalMailbox:Enabled</c> it also serves the local mailbox (<see cref="LocalMailbox"/>).
/// </summary>
public static class LocalFunctionsHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The function and event catalogues are read by reflection (some 50 ms): on another core
        // while the builder is made; whoever needs one first waits for it.
        _ = Task.Run(() => (FunctionCatalog.Instance, QualityAward.Functions.Storage.EventCatalog.Instance));
        // Settings files sit beside the binaries: found whatever directory the host starts in.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // The Functions host takes bodies up to 100 MB (its own limit); uploads set their own
            // limit per request (Documents:MaxBytes), as they do in the worker.
            k.Limits.MaxRequestBodySize = 100 * 1024 * 1024;
        });
        configure?.Invoke(builder);
        // The local host: also the tests' host, so the development key is accepted in Testing too.
        builder.AddQualityAward(localHost: true);
        builder.Services.AddOptions<LocalTriggerOptions>().Bind(builder.Configuration.GetSection(LocalTriggerOptions.Section));
        builder.Services.AddSingleton<FunctionInvoker>();
        builder.AddLocalDurable();
        if (builder.Configuration.GetValue($"{LocalTriggerOptions.Section}:{nameof(LocalTriggerOptions.RunLocalTriggers)}", true))
        {
            builder.Services.AddHostedService<LocalTriggers>();
        }

        var mailbox = builder.Configuration.GetValue($"{LocalMailboxOptions.Section}:{nameof(LocalMailboxOptions.Enabled)}", false);
        if (mailbox)
        {
            builder.Services.AddSingleton<LocalMailbox>();
        }

        var app = builder.Build();
        // The gate signs callers in (FunctionGate), as it does in the worker, where no authentication
        // middleware runs: without this WebApplication adds ASP.NET Core's to every request, which
        // authenticated each one a second time, anonymous ones too (building the bearer handlers on
        // a cold start's first read). The key is the one UseAuthentication sets to say it has run;
        // CredentialTests fails should it change.
        ((IApplicationBuilder)app).Properties[AuthenticationMiddlewareSet] = true;
        MapHttpFunctions(app);
        if (mailbox)
        {
            // Graph:BaseUrl points here (scripts/run.sh sets it): mails stay on this machine.
            app.MapLocalMailbox();
            app.Lifetime.ApplicationStarted.Register(() => LocalMailbox.LogAddresses(app));
        }

        return app;
    }

    private const string AuthenticationMiddlewareSet = "__AuthenticationMiddlewareSet";

    /// <summary>One endpoint per HTTP function, as the Functions host routes them (host.json's route prefix is empty).</summary>
    private static void MapHttpFunctions(WebApplication app)
    {
        var catalog = app.Services.GetRequiredService<FunctionCatalog>();
        foreach (var function in catalog.Http)
        {
            app.MapMethods("/" + function.Route, function.Methods, (HttpContext http) => InvokeAsync(http, function))
                .WithDisplayName(function.Name)
                .ExcludeFromDescription();
        }
    }

    private static async Task InvokeAsync(HttpContext http, HttpFunction function)
    {
        var gate = http.RequestServices.GetRequiredService<FunctionGate>();
        var invoker = http.RequestServices.GetRequiredService<FunctionInvoker>();
        var answer = await gate.RunAsync(http, function, () => invoker.InvokeHttpAsync(http, function));
        await answer.ExecuteAsync(http);
    }
}
