using System.Text.Json;
using System.Text.Json.Nodes;

namespace QualityAward.Functions.Hosting;

public enum TriggerKind
{
    Http,
    Timer,
    Queue,
}

/// <summary>
/// One function of the app as the Functions host sees it. HTTP functions only route requests to
/// this server (forwarded unchanged); timer and queue functions arrive as custom-handler payloads
/// at <c>POST /{Name}</c>.
/// </summary>
public sealed record TriggerDefinition(
    string Name,
    TriggerKind Kind,
    string Description,
    string? Route = null,
    IReadOnlyList<string>? Methods = null,
    string? Schedule = null,
    string? Queue = null);

/// <summary>
/// The trigger table: declared once, here. <c>function.json</c> files are generated from it for
/// packaging, the local loop runs its timers and queues, and a test checks that every declared
/// trigger has a handler and every handler is declared.
/// </summary>
public static class TriggerTable
{
    /// <summary>The one connection setting queue triggers use (identity-based: Storage__queueServiceUri).</summary>
    public const string QueueConnection = "Storage";

    public static IReadOnlyList<TriggerDefinition> All { get; } =
    [
        new("Api", TriggerKind.Http, "The JSON API (/api/...), for every role.",
            Route: "api/{*path}", Methods: ["get", "post", "put", "patch", "delete"]),
        new("Pages", TriggerKind.Http, "zh-CN pages for applicants, departments and the public; GET only, forms post under /forms/.",
            Route: "{*path}", Methods: ["get", "head"]),
        new("Forms", TriggerKind.Http, "Form posts from the zh-CN pages.",
            Route: "forms/{*path}", Methods: ["post"]),
        new("Timers", TriggerKind.Timer, "Fires every workflow timer that is due (deadlines, reminders, notice ends).",
            Schedule: "0 * * * * *"),
        new("OutboxSweep", TriggerKind.Timer, "Dispatches side effects that a crash or an outage left in the outbox.",
            Schedule: "30 */2 * * * *"),
        new("ReportingExport", TriggerKind.Timer, "Refreshes the Power BI files in the reporting container (hourly).",
            Schedule: "0 5 * * * *"),
        new("Backup", TriggerKind.Timer, "Exports every table to the backup container (daily at 02:00 Asia/Shanghai = 18:00 UTC).",
            Schedule: "0 0 18 * * *"),
        new("AuditAnchor", TriggerKind.Timer, "Writes the head of every stream's audit hash chain to a new, never-overwritten anchor blob (hourly).",
            Schedule: "0 50 * * * *"),
        new("UploadSweep", TriggerKind.Timer, "Deletes direct uploads whose address expired (plus Documents:DirectUploadGrace) without being completed: the staging blob and the grant (hourly).",
            Schedule: "0 20 * * * *"),
        new("Reactions", TriggerKind.Queue, "Runs the workflow reactions to a stored event.",
            Queue: Storage.StorageClients.ReactionsQueue),
    ];

    public static TriggerDefinition? Find(string name) =>
        All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));

    /// <summary>The function.json of a trigger, as the Functions host reads it.</summary>
    public static JsonObject FunctionJson(TriggerDefinition t, string storagePrefix)
    {
        var bindings = t.Kind switch
        {
            TriggerKind.Http => new JsonArray(
                new JsonObject
                {
                    ["type"] = "httpTrigger",
                    ["direction"] = "in",
                    ["name"] = "req",
                    ["authLevel"] = "anonymous",
                    ["route"] = t.Route,
                    ["methods"] = new JsonArray(t.Methods!.Select(m => (JsonNode)JsonValue.Create(m)).ToArray()),
                },
                new JsonObject { ["type"] = "http", ["direction"] = "out", ["name"] = "res" }),
            TriggerKind.Timer => new JsonArray(new JsonObject
            {
                ["type"] = "timerTrigger",
                ["direction"] = "in",
                ["name"] = "timer",
                ["schedule"] = t.Schedule,
                ["runOnStartup"] = false,
            }),
            TriggerKind.Queue => new JsonArray(new JsonObject
            {
                ["type"] = "queueTrigger",
                ["direction"] = "in",
                ["name"] = "message",
                ["queueName"] = string.IsNullOrEmpty(storagePrefix) ? t.Queue : $"{storagePrefix}-{t.Queue}",
                ["connection"] = QueueConnection,
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(t)),
        };
        return new JsonObject { ["bindings"] = bindings };
    }

    /// <summary>Write <c>{output}/{Name}/function.json</c> for every trigger. Returns the files written.</summary>
    public static IReadOnlyList<string> WriteFunctionJson(string output, string storagePrefix)
    {
        var written = new List<string>();
        foreach (var t in All)
        {
            var dir = Path.Combine(output, t.Name);
            Directory.CreateDirectory(dir);
            var file = Path.Combine(dir, "function.json");
            File.WriteAllText(file, FunctionJson(t, storagePrefix).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            written.Add(file);
        }

        return written;
    }
}

/// <summary>The work behind a timer or queue trigger.</summary>
public interface ITriggerFunction
{
    string Name { get; }

    /// <summary>
    /// Run once. <paramref name="input"/> is the queue message text for a queue trigger, null for
    /// a timer. Throw to fail the invocation: the host (or the local loop) retries.
    /// </summary>
    Task<string> RunAsync(string? input, CancellationToken ct);
}
