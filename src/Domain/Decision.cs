namespace QualityAward.Domain;

/// <summary>Marker for every event. Events are past-tense sealed records carrying <see cref="EventTypeAttribute"/>.</summary>
public interface IDomainEvent;

/// <summary>
/// The stored name and schema version of an event. The name is what is written to storage, so
/// renaming the C# type never changes stored data; a shape change raises the version and adds an
/// upcaster in the host.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EventTypeAttribute(string name, int version) : Attribute
{
    public string Name { get; } = name;

    public int Version { get; } = version;
}

/// <summary>What a decider returns: the events to append, or the refusal that explains why not.</summary>
public sealed class Decision<TEvent>
    where TEvent : IDomainEvent
{
    private Decision(IReadOnlyList<TEvent> events, Refusal? refusal)
    {
        Events = events;
        Refusal = refusal;
    }

    public IReadOnlyList<TEvent> Events { get; }

    public Refusal? Refusal { get; }

    public bool IsRefused => Refusal is not null;

    public static Decision<TEvent> Accept(params TEvent[] events) => new(events, null);

    public static Decision<TEvent> Accept(IEnumerable<TEvent> events) => new(events.ToArray(), null);

    /// <summary>Nothing to do: the command was already carried out (idempotent repeat).</summary>
    public static Decision<TEvent> Nothing { get; } = new([], null);

    public static Decision<TEvent> Refuse(Refusal refusal) => new([], refusal);

    public static implicit operator Decision<TEvent>(Refusal refusal) => Refuse(refusal);

    public override string ToString() =>
        IsRefused ? $"Refused {Refusal}" : $"Accepted [{string.Join(", ", Events.Select(e => e.GetType().Name))}]";
}
