using System.ComponentModel.DataAnnotations;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;
using System.Reflection;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using QualityAward.Functions.Hosting;

namespace QualityAward.LocalHost;

/// <summary>How the local host runs orchestrations (section <c>Durable</c>).</summary>
public sealed class LocalDurableOptions
{
    public const string Section = "Durable";

    /// <summary>
    /// <c>AzureStorage</c> (default): the Durable Task Framework's Azure Storage provider — the one
    /// Durable Functions uses in Azure — on the app's storage account (Azurite here), so a restart
    /// loses nothing. <c>InMemory</c>: the SDK's in-memory service, for tests that never restart the app.
    /// </summary>
    [RegularExpression("^(AzureStorage|InMemory)$")]
    public string Backend { get; set; } = "AzureStorage";

    /// <summary>
    /// The task hub (its queues, tables and lease blobs). Unset: one named from Storage:Prefix when
    /// there is one (so test apps never share one), else the <c>DurableTaskHub</c> setting that
    /// host.json's <c>hubName</c> (<c>%DurableTaskHub%</c>) reads in Azure, else <c>qualityaward</c>.
    /// </summary>
    public string? TaskHub { get; set; }

    /// <summary>The longest pause between polls of an empty queue (the provider backs off up to this).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:30")]
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a work item a killed worker held stays invisible before another takes it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan WorkItemVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a partition lease a killed worker held lasts before another takes it.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:01:00")]
    public TimeSpan LeaseInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The local host's stand-in for the Durable Functions extension: the function app's orchestrator
/// and activity functions run on the Durable Task SDK (the same <c>TaskOrchestrationContext</c> and
/// <c>DurableTaskClient</c> the isolated extension gives them), connected over gRPC to a sidecar
/// (<see cref="TaskHubGrpcServer"/>) that drives the Durable Task Framework's orchestration service.
/// </summary>
public static class LocalDurable
{
    /// <summary>The app setting host.json's <c>durableTask.hubName</c> names (<c>%DurableTaskHub%</c>): production and the staging slot each have their own hub.</summary>
    public const string HubNameSetting = "DurableTaskHub";

    public static void AddLocalDurable(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<LocalDurableOptions>().Bind(builder.Configuration.GetSection(LocalDurableOptions.Section)).ValidateWith<LocalDurableOptions, LocalDurableOptionsValidator>().ValidateOnStart();
        // The sidecar listens on a Unix domain socket of this app's own, not a TCP port: a port picked
        // free and bound a moment later can be taken in between (apps started side by side in the
        // tests did), while a socket path with a fresh name cannot.
        var socket = Path.Combine(Path.GetTempPath(), $"qualityaward-durable-{Guid.NewGuid():N}.sock");
        // The orchestration engine is the Functions host's part in Azure, and the worker's first
        // answer waits on none of it: here it starts when the app first uses its task hub (a client
        // call connects) or a moment after the app has started, whichever comes first, and a
        // connection waits until the sidecar listens.
        var start = new DurableStart();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Built when first needed (the worker's options as the engine starts, the client's on its
        // first use): building it cost the start's thread some 10 ms before the app listened.
        var channel = new Lazy<GrpcChannel>(() => SidecarChannel(socket, start, listening.Task));
        services.AddSingleton(start);

        // Before the worker's hosted service, so the sidecar listens when the worker connects.
        services.AddHostedService(sp => new DurableSidecar(socket, listening, sp));
        services.AddSingleton<ActivityBindings>();
        var before = services.Count;
        services.AddDurableTaskWorker(worker =>
        {
            worker.UseGrpc(o => o.Channel = channel.Value);
            worker.AddTasks(registry => Register(registry, FunctionCatalog.Instance));
        });
        StartWhenAsked(services, before, start);
        services.AddDurableTaskClient(client =>
        {
            client.UseGrpc(o => o.Channel = channel.Value);
            client.RegisterDirectly();
        });
    }

    /// <summary>The worker's hosted service (what <c>AddDurableTaskWorker</c> just added) built and started when <paramref name="start"/> says.</summary>
    private static void StartWhenAsked(IServiceCollection services, int from, DurableStart start)
    {
        for (var i = from; i < services.Count; i++)
        {
            if (services[i] is { ServiceType: var type, ImplementationFactory: { } factory } && type == typeof(IHostedService))
            {
                services[i] = ServiceDescriptor.Singleton<IHostedService>(sp => new StartedWhenAsked(() => (IHostedService)factory(sp), start, sp.GetRequiredService<ILogger<StartedWhenAsked>>()));
            }
        }
    }

    /// <summary>Every orchestrator and activity function, under its function name, as the extension indexes them.</summary>
    public static void Register(DurableTaskRegistry registry, FunctionCatalog catalog)
    {
        foreach (var orchestrator in catalog.Orchestrators)
        {
            var (input, output) = OrchestratorTypes(orchestrator);
            typeof(LocalDurable).GetMethod(nameof(AddOrchestrator), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(input, output)
                .Invoke(null, [registry, orchestrator]);
        }

        foreach (var activity in catalog.Activities)
        {
            registry.AddActivity(activity.Name, typeof(FunctionActivity<,>).MakeGenericType(activity.Input, activity.Output ?? typeof(object)));
        }
    }

    /// <summary>The input and output of the class-based orchestrator a function runs (its <c>TaskOrchestrator&lt;TInput, TOutput&gt;</c>).</summary>
    public static (Type Input, Type Output) OrchestratorTypes(OrchestratorFunction orchestrator)
    {
        for (var type = orchestrator.Orchestrator; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(TaskOrchestrator<,>))
            {
                return (type.GetGenericArguments()[0], type.GetGenericArguments()[1]);
            }
        }

        throw new InvalidOperationException($"Orchestrator function {orchestrator.Name} is not declared in a TaskOrchestrator<TInput, TOutput> class.");
    }

    /// <summary>Registered with its input type (else the input would arrive as a JsonElement), running the very [Function] method.</summary>
    private static void AddOrchestrator<TInput, TOutput>(DurableTaskRegistry registry, OrchestratorFunction orchestrator) =>
        registry.AddOrchestratorFunc<TInput, TOutput>(orchestrator.Name, (context, _) => (Task<TOutput>)orchestrator.Method.Invoke(null, [context])!);

    /// <summary>The orchestration service the settings name (made when the engine starts, owned by <see cref="DurableSidecar"/>).</summary>
    public static IOrchestrationService CreateService(IServiceProvider services)
    {
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<LocalDurableOptions>>().Value;
        var loggers = services.GetRequiredService<ILoggerFactory>();
        if (options.Backend == "InMemory")
        {
            return new InMemoryOrchestrationService(loggers);
        }

        var configuration = services.GetRequiredService<IConfiguration>();
        var connection = configuration[$"{StorageOptions.Section}:{nameof(StorageOptions.ConnectionString)}"]
            ?? throw new InvalidOperationException("The local host's Durable backend needs Storage:ConnectionString (Azurite).");
        var prefix = configuration[$"{StorageOptions.Section}:{nameof(StorageOptions.Prefix)}"] ?? string.Empty;
        return new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(connection == "UseDevelopmentStorage=true" ? AzuriteConnection : connection),
            TaskHubName = options.TaskHub ?? (prefix.Length > 0 ? $"qa{prefix}hub" : configuration[HubNameSetting] ?? "qualityaward"),
            PartitionCount = 1,
            MaxQueuePollingInterval = options.MaxQueuePollingInterval,
            WorkItemQueueVisibilityTimeout = options.WorkItemVisibilityTimeout,
            ControlQueueVisibilityTimeout = options.WorkItemVisibilityTimeout,
            LeaseInterval = options.LeaseInterval,
            LeaseRenewInterval = options.LeaseInterval / 3,
            LeaseAcquireInterval = options.LeaseInterval / 3,
            LoggerFactory = loggers,
        });
    }

    /// <summary>Azurite's well-known development account on its default ports (what UseDevelopmentStorage=true means).</summary>
    private const string AzuriteConnection = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";

    /// <summary>
    /// The sidecar service's full name in orchestrator_service.proto (no package). Spelt out: reading
    /// it from the generated descriptor builds the whole proto's reflection at start (0.2 s of CPU);
    /// a test holds the two equal.
    /// </summary>
    public const string SidecarService = "TaskHubSidecarService";

    /// <summary>
    /// The sidecar's read-only calls (an instance's status, a query, a wait), retried when the
    /// connection drops under them (<c>Unavailable</c>): asking again changes nothing. Calls that
    /// change an orchestration (start, raise, terminate, complete a work item) are not: one that
    /// reached the sidecar before the drop would happen twice; their callers decide.
    /// </summary>
    public static readonly IReadOnlyList<string> RetriedReads =
        ["GetInstance", "QueryInstances", "ListInstanceIds", "WaitForInstanceStart", "WaitForInstanceCompletion", "GetEntity", "QueryEntities"];

    private static readonly MethodConfig ReadsRetried = CreateReadsRetried();

    private static MethodConfig CreateReadsRetried()
    {
        var config = new MethodConfig
        {
            RetryPolicy = new Grpc.Net.Client.Configuration.RetryPolicy
            {
                MaxAttempts = 4,
                InitialBackoff = TimeSpan.FromMilliseconds(100),
                MaxBackoff = TimeSpan.FromSeconds(2),
                BackoffMultiplier = 2,
                RetryableStatusCodes = { StatusCode.Unavailable },
            },
        };
        foreach (var method in RetriedReads)
        {
            config.Names.Add(new MethodName { Service = SidecarService, Method = method });
        }

        return config;
    }

    /// <summary>
    /// A gRPC channel to the sidecar's Unix domain socket (the authority in the address is not used):
    /// a connection asks for the engine's start and waits until the sidecar listens.
    /// </summary>
    private static GrpcChannel SidecarChannel(string socket, DurableStart start, Task listening) =>
        GrpcChannel.ForAddress("http://durable-sidecar", new GrpcChannelOptions
        {
            ServiceConfig = new ServiceConfig { MethodConfigs = { ReadsRetried } },
            HttpHandler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, ct) =>
                {
                    start.Now();
                    await listening.WaitAsync(ct);
                    var connection = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await connection.ConnectAsync(new UnixDomainSocketEndPoint(socket), ct);
                        return new NetworkStream(connection, ownsSocket: true);
                    }
                    catch
                    {
                        connection.Dispose();
                        throw;
                    }
                },
            },
        });
}

/// <summary>The activity functions by name, for <see cref="FunctionActivity{TInput, TOutput}"/>.</summary>
public sealed class ActivityBindings
{
    private readonly Dictionary<string, ActivityFunction> _byName = FunctionCatalog.Instance.Activities.ToDictionary(a => a.Name, StringComparer.Ordinal);

    public ActivityFunction this[string name] => _byName[name];
}

/// <summary>
/// Runs an activity function as the worker does: its class created from the work item's services
/// (constructor injection), the [Function] method called with the input, its task awaited.
/// </summary>
public sealed class FunctionActivity<TInput, TOutput>(IServiceProvider services, ActivityBindings bindings) : Microsoft.DurableTask.TaskActivity<TInput, TOutput>
{
    public override async Task<TOutput> RunAsync(TaskActivityContext context, TInput input)
    {
        var function = bindings[context.Name];
        var target = function.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, function.Method.DeclaringType!);
        // The input, and what the worker binds beside it: a [DurableClient] (activities may start or
        // signal other orchestrations) and the cancellation token.
        var arguments = function.Method.GetParameters().Select(p =>
            p.ParameterType == typeof(CancellationToken) ? CancellationToken.None
            : p.ParameterType == typeof(Microsoft.DurableTask.Client.DurableTaskClient) ? services.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>()
            : (object?)input).ToArray();
        object? returned;
        try
        {
            returned = function.Method.Invoke(target, arguments);
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
                return function.Output is null ? default! : (TOutput)task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task)!;
            default:
                return (TOutput)returned!;
        }
    }
}

/// <summary>
/// When the local orchestration engine (the sidecar and the SDK's worker) starts: on the app's first
/// call to its task hub, or <see cref="AfterStart"/> after the app has started — the first answers
/// of a cold start do not share the machine with it.
/// </summary>
public sealed class DurableStart
{
    /// <summary>How long after the app has started the engine starts unasked (timers, orchestrations left running by the last run).</summary>
    public static readonly TimeSpan AfterStart = TimeSpan.FromSeconds(1);

    private readonly TaskCompletionSource _asked = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Asked => _asked.Task;

    public void Now() => _asked.TrySetResult();
}

/// <summary>
/// A hosted service built and started when the local engine starts (<see cref="DurableStart"/>);
/// stopped only if it was started, and disposed with the app (the container no longer makes it).
/// </summary>
public sealed partial class StartedWhenAsked(Func<IHostedService> create, DurableStart start, ILogger<StartedWhenAsked> logger) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task<IHostedService?> _started = Task.FromResult<IHostedService?>(null);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _started = Task.Run(async () =>
        {
            await start.Asked.WaitAsync(_stopping.Token);
            try
            {
                var service = create();
                await service.StartAsync(CancellationToken.None);
                return (IHostedService?)service;
            }
            catch (Exception ex)
            {
                // Said now, not only when the app stops and awaits this.
                LogNotStarted(logger, ex);
                throw;
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The local orchestration engine's worker did not start: no orchestration or activity will run")]
    private static partial void LogNotStarted(ILogger logger, Exception ex);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        IHostedService? service;
        try
        {
            service = await _started;
        }
        catch (OperationCanceledException)
        {
            return; // never asked to start
        }

        if (service is not null)
        {
            await service.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        var service = _started.IsCompletedSuccessfully ? _started.Result : null;
        switch (service)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }

        _stopping.Dispose();
    }
}

/// <summary>
/// The gRPC sidecar the SDK's worker and client talk to: a Kestrel host of its own (HTTP/2 on a
/// Unix domain socket) serving <see cref="TaskHubGrpcServer"/> over the orchestration service.
/// It starts in the background when <see cref="DurableStart"/> says (the app's first call to the task
/// hub, else a moment after the app has started), so the app listens and answers without waiting
/// for it (nor, with the Azure Storage backend, for the task hub's storage); the channel connects
/// once it listens (<paramref name="listening"/>).
/// </summary>
public sealed class DurableSidecar(string socket, TaskCompletionSource listening, IServiceProvider services) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private IHost? _host;

    /// <summary>
    /// The orchestration service, made when the engine starts and owned here rather than by the
    /// app's container: it stops when the sidecar has stopped and is disposed after it (the
    /// container disposed it as the app's services went, under a sidecar still running on it).
    /// </summary>
    private StoppedOnce? _service;
    private Task _starting = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var start = services.GetRequiredService<DurableStart>();
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() => _ = StartUnaskedAsync(start));
        _starting = Task.Run(async () =>
        {
            try
            {
                await start.Asked.WaitAsync(_stopping.Token);
            }
            catch (OperationCanceledException)
            {
                // Stopped before it was needed: nothing to start.
                listening.TrySetCanceled();
                return;
            }

            await StartHostAsync();
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StartUnaskedAsync(DurableStart start)
    {
        try
        {
            await Task.Delay(DurableStart.AfterStart, _stopping.Token);
            start.Now();
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task StartHostAsync()
    {
        try
        {
            var service = _service = new StoppedOnce(LocalDurable.CreateService(services));
            var loggers = services.GetRequiredService<ILoggerFactory>();
            await service.CreateIfNotExistsAsync();
            // A bare host: no settings files, environment or command line of its own (the default
            // builder's appsettings watcher enumerated every folder under the working directory,
            // a third of a second of the app's start), only Kestrel on the socket and gRPC.
            _host = new HostBuilder()
                .ConfigureLogging(logging =>
                {
                    logging.ClearProviders();
                    logging.Services.AddSingleton(loggers);
                })
                .ConfigureWebHost(web =>
                {
                    web.UseKestrel(k =>
                    {
                        k.ListenUnixSocket(socket, listen => listen.Protocols = HttpProtocols.Http2);
                        // A private socket between this app's own worker, client and sidecar: no
                        // slow-client protection. A starved 2-core machine reads slower than
                        // Kestrel's minimum data rates, and Kestrel then drops the whole HTTP/2
                        // connection (every call on it ends "the response ended prematurely").
                        k.Limits.MinRequestBodyDataRate = null;
                        k.Limits.MinResponseDataRate = null;
                        k.Limits.KeepAliveTimeout = Timeout.InfiniteTimeSpan;
                    });
                    web.ConfigureServices(services =>
                    {
                        services.AddRouting();
                        services.AddGrpc();
                        services.AddSingleton<IOrchestrationService>(service);
                        services.AddSingleton((IOrchestrationServiceClient)service.Inner);
                        services.AddSingleton<TaskHubGrpcServer>();
                    });
                    web.Configure(app =>
                    {
                        app.UseRouting();
                        app.UseEndpoints(endpoints => endpoints.MapGrpcService<TaskHubGrpcServer>());
                    });
                })
                .Build();
            await _host.StartAsync();
            listening.TrySetResult();
        }
        catch (Exception ex)
        {
            // Every connection to the sidecar fails with this, rather than waiting for ever.
            listening.TrySetException(ex);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _starting;
        if (_host is not null)
        {
            await _host.StopAsync(cancellationToken);
        }

        // The sidecar's dispatcher stops the service only once its work items are back (StoppedOnce).
        if (_service is not null)
        {
            await _service.StopAsync(isForced: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _starting;
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
            _host = null;
        }

        if (_service is not null)
        {
            await _service.StopAsync(isForced: true);
            (_service.Inner as IDisposable)?.Dispose();
            _service = null;
        }

        // The channel is left to the worker and the client, which may still be completing a work
        // item as the app stops (disposing it here made those completions fail); only the socket goes.
        File.Delete(socket);
        _stopping.Dispose();
    }
}

/// <summary>The validator of <see cref="LocalDurableOptions"/>, generated at compile time (see <c>OptionsValidation</c>).</summary>
[Microsoft.Extensions.Options.OptionsValidator]
public sealed partial class LocalDurableOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<LocalDurableOptions>;
