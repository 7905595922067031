using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using QualityAward.Domain;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Audit;
using QualityAward.Functions.Awards;
using QualityAward.Functions.Backup;
using QualityAward.Functions.Consultations;
using QualityAward.Functions.Cycles;
using QualityAward.Functions.Notices;
using QualityAward.Functions.Reporting;
using QualityAward.Functions.Reports;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;
using Scalar.AspNetCore;

namespace QualityAward.Functions.Hosting;

/// <summary>
/// The app's services, for both hosts: the Functions worker (Program) and the local host
/// (tools/LocalHost). Options are bound and validated at start-up; missing settings stop the app.
/// </summary>
public static class AppServices
{
    /// <summary>
    /// The app's services. <paramref name="localHost"/>: the caller is the local host (tools/LocalHost,
    /// never deployed), which also accepts the development token key in the Testing environment.
    /// </summary>
    public static IHostApplicationBuilder AddQualityAward(this IHostApplicationBuilder builder, bool localHost = false)
    {
        var services = builder.Services;
        services.AddOptions<StorageOptions>().Bind(builder.Configuration.GetSection(StorageOptions.Section)).ValidateWith<StorageOptions, StorageOptionsValidator>().ValidateOnStart();
        services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection(AuthOptions.Section)).ValidateWith<AuthOptions, AuthOptionsValidator>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>>(new DevKeyRule(builder.Environment, localHost));
        services.AddOptions<DocumentsOptions>().Bind(builder.Configuration.GetSection(DocumentsOptions.Section)).ValidateWith<DocumentsOptions, DocumentsOptionsValidator>().ValidateOnStart();
        services.AddOptions<AuditOptions>().Bind(builder.Configuration.GetSection(AuditOptions.Section)).ValidateWith<AuditOptions, AuditOptionsValidator>().ValidateOnStart();

        services.TryAddSingletonTimeProvider();
        if (services.All(d => d.ServiceType != typeof(WallClock)))
        {
            services.AddSingleton(new WallClock(TimeProvider.System));
        }

        // Made here, from the settings as they stand, so that the creations (unless the deployment
        // made the tables and containers) can start before the host is built (StartCreatingNow, below).
        var storageSettings = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var storage = new StorageClients(Microsoft.Extensions.Options.Options.Create(storageSettings));
        services.AddSingleton(storage);
        // From a factory, so registering does not build the catalogue (reflection over every event
        // type) on the start's thread: the local host has it built on another core meanwhile.
        services.AddSingleton(_ => EventCatalog.Instance);
        services.AddSingleton(sp => new AuditKey(sp.GetRequiredService<IOptions<AuditOptions>>()));
        services.AddSingleton<EventStore>();
        services.AddSingleton<StateLoader>();
        services.AddSingleton<Projections>();
        services.AddSingleton<Streams>();
        services.AddSingleton<ReadModels>();
        services.AddSingleton<CalendarProvider>();
        services.AddSingleton<AwardRegister>();
        services.AddSingleton<ApplicationCommands>();
        services.AddSingleton<CycleCommands>();
        services.AddSingleton<NoticeCommands>();
        services.AddSingleton<ObjectionLookup>();
        services.AddSingleton<ReportBuilder>();
        services.AddOptions<ReportingOptions>().Bind(builder.Configuration.GetSection(ReportingOptions.Section)).ValidateWith<ReportingOptions, ReportingOptionsValidator>().ValidateOnStart();
        services.AddSingleton<ExportStreams>();
        services.AddSingleton<ReportExporter>();
        services.AddSingleton<TableBackup>();
        services.AddSingleton<HolderCommands>();
        services.AddSingleton<AuditAnchors>();
        services.AddSingleton<AuditVerifier>();
        services.AddSingleton<DirectUploadSweeper>();
        services.AddOptions<Review.CertificateOptions>().Bind(builder.Configuration.GetSection(Review.CertificateOptions.Section)).ValidateWith<Review.CertificateOptions, CertificateOptionsValidator>().ValidateOnStart();
        services.AddSingleton<CertificateVerifier>();
        services.AddOptions<OfficeOptions>().Configure(o =>
        {
            foreach (var office in builder.Configuration.GetSection(OfficeOptions.Section).GetChildren())
            {
                o.Contacts[office.Key] = office.Get<OfficeContact>() ?? new OfficeContact();
            }
        }).ValidateWith<OfficeOptions, OfficeOptionsValidator>().ValidateOnStart();

        // Read models kept from stored events (projected after each append, at least once each).
        services.AddSingleton<IProjection, CycleIndex>();
        services.AddSingleton<IProjection, ApplicationIndex>();
        services.AddSingleton<IProjection>(sp => sp.GetRequiredService<AwardRegister>());
        services.AddSingleton<IProjection, NoticeIndex>();
        services.AddSingleton<IProjection, HolderRegister>();
        services.AddSingleton<IProjection, ReportIndex>();

        services.AddSingleton<Review.ReviewCommands>();

        // Where applications stand, and the steps the system owes them (taken by the functions that append, and by each application's orchestration).
        services.AddSingleton<Standings>();
        services.AddSingleton<CycleRows>();
        services.AddSingleton<FollowUps>();

        // Department consultations by mail (Microsoft Graph) and signed reply links.
        builder.AddConsultations();

        services.AddSingleton(new StorageNeeds(
            [StorageClients.EventsTable, StorageClients.IndexTable, StorageClients.RegisterTable, StorageClients.SettingsTable],
            [StorageClients.DocumentsContainer]));
        services.AddSingleton(new StorageNeeds([], [ReportExporter.Container, ExportStreams.Container, TableBackup.Container, AuditAnchors.Container]));
        services.AddHostedService<StorageInitializer>();
        if (!storage.CreatedByDeployment)
        {
            // Local runs and tests: the app makes its tables and containers beside its start. In
            // Azure the deployment made them (infra/bicep), and no start asks for them again.
            StartCreatingNow(services, storage, storageSettings);
        }

        services.AddOptions<DemoOptions>().Bind(builder.Configuration.GetSection(DemoOptions.Section));
        services.AddOptions<Cycles.RehearsalOptions>().Bind(builder.Configuration.GetSection(Cycles.RehearsalOptions.Section));
        if (builder.Configuration.GetValue<bool>($"{DemoOptions.Section}:{nameof(DemoOptions.Enabled)}"))
        {
            services.AddHostedService<DemoSeeder>();
        }

        AddAuthentication(builder, AuthOptions.DevKeyAllowed(builder.Environment, localHost));
        WithoutKeyRingAtStart(services);
        services.AddOptions<RateLimitOptions>().Bind(builder.Configuration.GetSection(RateLimitOptions.Section)).ValidateWith<RateLimitOptions, RateLimitOptionsValidator>().ValidateOnStart();
        services.AddOptions<ForwardedHeadersSettings>().Bind(builder.Configuration.GetSection(ForwardedHeadersSettings.Section)).ValidateWith<ForwardedHeadersSettings, ForwardedHeadersSettingsValidator>().ValidateOnStart();
        services.AddSingleton<TrustedProxies>();
        services.AddExceptionHandler<MalformedBodyHandler>();
        services.AddExceptionHandler<StorageUnavailable>();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            var english = Lang.IsEnglish(ctx.HttpContext);
            ctx.ProblemDetails.Title ??= Problems.TitleOf(ctx.ProblemDetails.Status ?? 500, english);
            if (ctx.ProblemDetails.Status is 401 && ctx.ProblemDetails.Detail is null)
            {
                ctx.ProblemDetails.Detail = english ? "Sign in with a valid bearer token." : "请使用有效的访问令牌登录。";
            }
            else if (ctx.ProblemDetails.Status is 403 && ctx.ProblemDetails.Detail is null)
            {
                ctx.ProblemDetails.Detail = english ? "Your role may not do this." : "您的角色无权进行此操作。";
            }
        });
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddHealthChecks().AddCheck<StorageReadinessCheck>("storage", tags: [Telemetry.ReadyTag]);
        builder.AddTelemetry();

        // Every HTTP function passes through the gate (GateMiddleware in the Functions host, the
        // local host's endpoints in tools/LocalHost).
        services.AddSingleton(FunctionCatalog.Instance);
        services.AddSingleton<RateLimitGate>();
        services.AddSingleton<FunctionGate>();
        services.AddSingleton<ClockEpoch>();
        services.AddSingleton<Cycles.CycleClock>();
        services.AddSingleton<OpenApiDocument>();
        services.AddMetrics();
        return builder;
    }

    /// <summary>
    /// The bearer handlers. Outside the environments that allow it (<paramref name="devKeyAllowed"/>)
    /// the development key is never handed to a handler, whatever the settings say (the app does not
    /// start then anyway: <see cref="DevKeyRule"/>).
    /// </summary>
    private static void AddAuthentication(IHostApplicationBuilder builder, bool devKeyAllowed)
    {
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        if (!devKeyAllowed)
        {
            auth.DevSigningKey = null;
        }

        var authentication = builder.Services
            .AddAuthentication(WebSignIn.CallerScheme)
            // The zh-CN pages read their session cookie (unless the request carries a bearer token);
            // everything else, /api/* included, only the API's bearer tokens.
            .AddPolicyScheme(WebSignIn.CallerScheme, null, o => o.ForwardDefaultSelector = ctx =>
                WebSession.UsesCookie(ctx.Request.Path) && string.IsNullOrEmpty(ctx.Request.Headers.Authorization)
                    ? WebSignIn.SessionScheme
                    : JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.IncludeErrorDetails = false;
                o.Events = new JwtBearerEvents { OnTokenValidated = TokenRules.OnTokenValidated, OnChallenge = TokenRules.OnChallenge };
                if (!string.IsNullOrWhiteSpace(auth.Authority))
                {
                    // Microsoft Entra ID; the authority's host decides the cloud (global or 21Vianet).
                    o.Authority = auth.Authority;
                    o.Audience = auth.Audience;
                    o.RequireHttpsMetadata = !(Uri.TryCreate(auth.Authority, UriKind.Absolute, out var authority) && WebSignInOptions.IsLoopbackHttp(authority));
                    o.TokenValidationParameters.RoleClaimType = Caller.RolesClaim;
                    o.TokenValidationParameters.NameClaimType = Caller.NameClaim;
                }
                else if (!string.IsNullOrWhiteSpace(auth.DevSigningKey))
                {
                    o.TokenValidationParameters = new TokenValidationParameters
                    {
                        ValidIssuer = AuthOptions.DevIssuer,
                        ValidAudience = AuthOptions.DevAudience,
                        IssuerSigningKey = DevTokens.Key(auth.DevSigningKey),
                        RoleClaimType = Caller.RolesClaim,
                        NameClaimType = Caller.NameClaim,
                        ClockSkew = TimeSpan.FromMinutes(1),
                    };
                }
            })
            .AddJwtBearer(WebSignIn.SessionScheme, o =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = WebSignIn.SessionValidation(auth);
                o.IncludeErrorDetails = false;
                o.Events = new JwtBearerEvents
                {
                    OnTokenValidated = TokenRules.OnTokenValidated,
                    OnChallenge = TokenRules.OnChallenge,
                    // Only the session cookie, only on the page paths: never the Authorization header.
                    OnMessageReceived = ctx =>
                    {
                        ctx.Token = WebSession.UsesCookie(ctx.Request.Path) && ctx.Request.Cookies.TryGetValue(WebSession.Cookie, out var token) && token.Length > 0
                            ? token
                            : null;
                        if (ctx.Token is null)
                        {
                            ctx.NoResult();
                        }

                        return Task.CompletedTask;
                    },
                };
            });
        if (auth.Web.IsConfigured && !string.IsNullOrWhiteSpace(auth.Authority))
        {
            authentication.AddOpenIdConnect(WebSignIn.Scheme, o => WebSignIn.Configure(o, auth));
        }
    }

    /// <summary>
    /// Starts the tables' and containers' creations as soon as the settings are known, on the thread
    /// pool: their requests, and the storage SDK's first use that a cold start's first request would
    /// otherwise pay, overlap building and starting the host. <see cref="StorageInitializer"/> reports
    /// on them once the host starts. Settings that do not validate start nothing: the start stops on
    /// them (ValidateOnStart).
    /// </summary>
    private static void StartCreatingNow(IServiceCollection services, StorageClients storage, StorageOptions settings)
    {
        if (new StorageOptionsValidator().Validate(null, settings).Failed)
        {
            return;
        }

        storage.StartCreating(StorageNeeds.All(services.Select(d => d.ImplementationInstance).OfType<StorageNeeds>()));
    }

    /// <summary>
    /// The name of ASP.NET Core's hosted service that loads (or creates, under the home directory) the
    /// default data-protection key ring at every start.
    /// </summary>
    public const string KeyRingLoader = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

    /// <summary>
    /// Without <see cref="KeyRingLoader"/>: nothing here protects data with the default key ring (the
    /// sign-in's state and nonce use the session key, <see cref="SessionKeyProtection"/>; sessions are
    /// signed tokens), yet loading it cost each cold start some 45 ms before the app listened. Should
    /// anything ask for it one day, the ring still loads then, on first use.
    /// </summary>
    private static void WithoutKeyRingAtStart(IServiceCollection services)
    {
        var loader = services.FirstOrDefault(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.FullName == KeyRingLoader);
        if (loader is not null)
        {
            services.Remove(loader);
        }
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (services.All(d => d.ServiceType != typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}

/// <summary>
/// Makes sure every table and container is being created once the host starts (the creations began
/// as the services were registered, <c>StartCreatingNow</c>; again here, idempotent, for what was
/// registered later or when the settings did not validate then), lets the app listen meanwhile, and
/// says when they are done or failed: a request waits only for the table or container it uses, and
/// only while that one is still being created (<see cref="StorageClients"/>). Where the deployment
/// made them (Storage:CreatedByDeployment, in Azure), creates nothing and says instead whether
/// storage answers and has them. Nothing before the server listens waits on storage.
/// </summary>
public sealed partial class StorageInitializer(StorageClients storage, IEnumerable<StorageNeeds> needs, ILogger<StorageInitializer> logger) : IHostedService
{
    /// <summary>
    /// Returns at once, every creation registered (so a request that comes before it is done waits
    /// for it) and running on the thread pool, the app going on to listen meanwhile. Where the
    /// deployment made them, asks (as the readiness probe does) whether storage answers and they
    /// are there, and says so.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // EnsureCreatedAsync registers the creations (StartCreating) before its first wait, so they
        // are registered when this returns.
        _ = storage.CreatedByDeployment ? Task.Run(CheckAsync, CancellationToken.None) : ReportAsync(StorageNeeds.All(needs));
        return Task.CompletedTask;
    }

    private async Task CheckAsync()
    {
        HealthCheckResult result;
        try
        {
            result = await new StorageReadinessCheck(storage).CheckHealthAsync(new HealthCheckContext());
        }
        catch (Exception ex)
        {
            // A settings mistake the clients find when first built (a malformed address): said at start too.
            result = HealthCheckResult.Unhealthy("Storage could not be asked.", ex);
        }

        if (result.Status == HealthStatus.Healthy)
        {
            LogMadeByDeployment(logger, storage.Tables.AccountName);
        }
        else
        {
            // The probe's description says which: storage not answering, or a table or container missing.
            LogDeploymentsStorageNotReady(logger, result.Description, result.Exception);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task ReportAsync(StorageNeeds all)
    {
        try
        {
            await storage.EnsureCreatedAsync(all, CancellationToken.None);
            LogReady(logger, storage.Tables.AccountName);
        }
        catch (Exception ex)
        {
            // The requests that need a table or container try its creation again. (Also a settings
            // mistake the clients find when first built, such as a malformed connection string:
            // said here, at start, as well as by every request.)
            LogNotReady(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage account {Account} ready (tables and containers exist)")]
    private static partial void LogReady(ILogger logger, string account);

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage account {Account} answers (its tables and containers are the deployment's)")]
    private static partial void LogMadeByDeployment(ILogger logger, string account);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage at start-up: {Description} The deployment makes the tables and containers (Storage:CreatedByDeployment) and the app creates none: a missing one needs infra/bicep deployed again, or a restore; until then the requests that need it fail")]
    private static partial void LogDeploymentsStorageNotReady(ILogger logger, string? description, Exception? ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage: creating the tables and containers at start-up failed; requests will try again")]
    private static partial void LogNotReady(ILogger logger, Exception ex);
}
