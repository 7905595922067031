using System.Text.Json;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Workflow;

/// <summary>
/// Code that reads a new event and issues the next commands (what a durable orchestration would
/// do). Reactions run from the reactions queue, at least once per event: every command they
/// issue must be idempotent, which the deciders make it.
/// </summary>
public interface IReaction
{
    bool Handles(StoredEvent e);

    Task ReactAsync(StoredEvent e, CancellationToken ct);
}

/// <summary>A reactions-queue message: which event to react to.</summary>
public sealed record ReactionMessage(string StreamId, int Version);

/// <summary>Puts an event on the reactions queue when some reaction wants it.</summary>
public sealed class ReactionQueue(StorageClients storage, IEnumerable<IReaction> reactions) : IEventHandler
{
    private readonly IReadOnlyList<IReaction> _reactions = reactions.ToList();

    public async Task HandleAsync(StoredEvent e, CancellationToken ct)
    {
        if (_reactions.Any(r => r.Handles(e)))
        {
            var message = JsonSerializer.Serialize(new ReactionMessage(e.StreamId, e.Version), EventCatalog.JsonOptions);
            await storage.Queue(StorageClients.ReactionsQueue).SendMessageAsync(message, ct);
        }
    }
}

/// <summary>Runs the reactions for one queued event. Throws so the queue retries (and finally poisons) a failing one.</summary>
public sealed partial class ReactionRunner(EventStore store, IEnumerable<IReaction> reactions, ILogger<ReactionRunner> logger)
{
    private readonly IReadOnlyList<IReaction> _reactions = reactions.ToList();

    public async Task RunAsync(string messageText, CancellationToken ct)
    {
        var message = JsonSerializer.Deserialize<ReactionMessage>(messageText, EventCatalog.JsonOptions)
            ?? throw new InvalidOperationException("Empty reaction message.");
        var stored = (await store.ReadAsync(message.StreamId, ct)).FirstOrDefault(x => x.Version == message.Version)
            ?? throw new InvalidOperationException($"Event {message.StreamId} v{message.Version} is not in the store.");
        foreach (var reaction in _reactions.Where(r => r.Handles(stored)))
        {
            await reaction.ReactAsync(stored, ct);
            LogReacted(logger, reaction.GetType().Name, stored.Type, stored.StreamId, stored.Version);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Reaction} reacted to {EventType} {StreamId} v{Version}")]
    private static partial void LogReacted(ILogger logger, string reaction, string eventType, string streamId, int version);
}
