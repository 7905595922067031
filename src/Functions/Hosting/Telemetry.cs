using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Hosting;

/// <summary>
/// Telemetry through OpenTelemetry to Application Insights, only when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (the Functions host sets it from the app
/// setting); with a user-assigned identity the exporter signs in with it, so the Application
/// Insights resource can refuse local (key) authentication.
/// </summary>
public static class Telemetry
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public const string ReadyTag = "ready";

    public static void AddTelemetry(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration[ConnectionStringSetting];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return;
        }

        var clientId = builder.Configuration[$"{StorageOptions.Section}:{nameof(StorageOptions.ManagedIdentityClientId)}"];
        TokenCredential? credential = string.IsNullOrWhiteSpace(clientId)
            ? null
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        void Configure(AzureMonitorExporterOptions o)
        {
            o.ConnectionString = connectionString;
            if (credential is not null)
            {
                o.Credential = credential;
            }
        }

        // host.json's telemetryMode is OpenTelemetry: the host and the worker each export their own
        // spans once (no duplicate request logs); UseFunctionsWorkerDefaults ties the worker's spans
        // to the host's invocation and names the function app in the resource.
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("QualityAward.Functions"))
            .WithTracing(t => t.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddAzureMonitorTraceExporter(Configure))
            .WithMetrics(m => m.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddAzureMonitorMetricExporter(Configure))
            .UseFunctionsWorkerDefaults();
        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.AddAzureMonitorLogExporter(Configure);
        });
    }
}

/// <summary>
/// Ready means storage answers: the events table and the documents container. (The Durable task
/// hub's queues are the host's; it reports them itself.) A missing one is named: where the
/// deployment makes them (Storage:CreatedByDeployment), the deployment lacks it.
/// </summary>
public sealed class StorageReadinessCheck(StorageClients storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var asking = $"table {storage.Name(StorageClients.EventsTable)}";
        try
        {
            await foreach (var _ in storage.Table(StorageClients.EventsTable).QueryAsync<TableEntity>(select: ["PartitionKey"], maxPerPage: 1, cancellationToken: timeout.Token).AsPages())
            {
                break;
            }

            asking = $"container {storage.ContainerName(StorageClients.DocumentsContainer)}";
            await storage.Container(StorageClients.DocumentsContainer).GetPropertiesAsync(cancellationToken: timeout.Token);
            return HealthCheckResult.Healthy("Tables and blobs answer.");
        }
        catch (Azure.RequestFailedException ex) when (ex.ErrorCode is "TableNotFound" or "ContainerNotFound")
        {
            return HealthCheckResult.Unhealthy($"Storage answers, but the {asking} does not exist.", ex);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or AuthenticationFailedException or OperationCanceledException or HttpRequestException)
        {
            return HealthCheckResult.Unhealthy("Storage does not answer.", ex);
        }
    }
}
