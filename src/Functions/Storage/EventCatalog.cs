using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using QualityAward.Domain;

namespace QualityAward.Functions.Storage;

/// <summary>
/// Stored names and schema versions of every event, and their JSON. An event is written under
/// the name in its <see cref="EventTypeAttribute"/>, never its .NET type name, so code can be
/// renamed and moved without touching stored data. When an event's shape changes, its version
/// goes up and an upcaster here turns old payloads into the new shape as they are read. The
/// contract tests pin the JSON of every event type, so a shape change cannot slip in unnoticed.
/// </summary>
public sealed class EventCatalog
{
    public static readonly JsonSerializerOptions JsonOptions = CreateOptions();

    private readonly Dictionary<Type, EventTypeAttribute> _byType = [];
    private readonly Dictionary<string, (Type Type, int Version)> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Name, int FromVersion), Func<JsonObject, JsonObject>> _upcasters = [];

    public EventCatalog()
    {
        foreach (var type in typeof(IDomainEvent).Assembly.GetTypes().Where(t => typeof(IDomainEvent).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface))
        {
            var attribute = type.GetCustomAttribute<EventTypeAttribute>()
                ?? throw new InvalidOperationException($"Event {type.FullName} has no [EventType]: every stored event needs a stable name and version.");
            if (!_byName.TryAdd(attribute.Name, (type, attribute.Version)))
            {
                throw new InvalidOperationException($"Two events are named '{attribute.Name}'.");
            }

            _byType[type] = attribute;
        }

        // v2 names the reader, so a read is recorded once per reader, file and day; a v1 read's
        // reader is only in its metadata, which the state never sees: it reads as unnamed.
        AddUpcaster("DocumentRead", 1, read =>
        {
            read["readerSubject"] = null;
            return read;
        });

        // v2 numbers certificates at the announcement; awards announced before that have none.
        AddUpcaster("AwardsAnnounced", 1, announced =>
        {
            announced["certificates"] = new JsonArray();
            return announced;
        });
        AddUpcaster("ApplicationAwarded", 1, awarded =>
        {
            awarded["certificateNumber"] = null;
            awarded["verificationCode"] = null;
            return awarded;
        });
    }

    public static EventCatalog Instance { get; } = new();

    public IReadOnlyCollection<Type> EventTypes => _byType.Keys;

    public (string Name, int Version) NameOf(Type type) =>
        _byType.TryGetValue(type, out var a) ? (a.Name, a.Version) : throw new InvalidOperationException($"{type.Name} is not a registered event.");

    public (string Name, int Version, string Json) Serialize(IDomainEvent e)
    {
        var (name, version) = NameOf(e.GetType());
        return (name, version, JsonSerializer.Serialize(e, e.GetType(), JsonOptions));
    }

    public IDomainEvent Deserialize(string name, int version, string json)
    {
        if (!_byName.TryGetValue(name, out var current))
        {
            throw new InvalidOperationException($"Stored event '{name}' v{version} is unknown to this build. Was it written by a newer version of the app?");
        }

        if (version > current.Version)
        {
            throw new InvalidOperationException($"Stored event '{name}' is v{version}; this build reads up to v{current.Version}.");
        }

        if (version < current.Version)
        {
            var node = JsonNode.Parse(json)!.AsObject();
            for (var v = version; v < current.Version; v++)
            {
                node = _upcasters.TryGetValue((name, v), out var up)
                    ? up(node)
                    : throw new InvalidOperationException($"No upcaster for '{name}' from v{v} to v{v + 1}.");
            }

            json = node.ToJsonString(JsonOptions);
        }

        return (IDomainEvent)(JsonSerializer.Deserialize(json, current.Type, JsonOptions)
            ?? throw new InvalidOperationException($"Stored event '{name}' is empty."));
    }

    /// <summary>Register how to turn v<paramref name="fromVersion"/> of an event into the next version.</summary>
    public void AddUpcaster(string name, int fromVersion, Func<JsonObject, JsonObject> upcast) =>
        _upcasters[(name, fromVersion)] = upcast;

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = null,
            // Stored data is never embedded in HTML: keep Chinese text readable and compact.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
