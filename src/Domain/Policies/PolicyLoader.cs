using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace QualityAward.Domain.Policies;

/// <summary>
/// Reads a policy document (JSON with comments, as the presets are written) and checks it is
/// consistent. Every problem names the field by its JSON path, so an office editing its own file
/// knows where to look. A policy is used only if it loads without a single problem.
/// </summary>
public static class PolicyLoader
{
    /// <summary>2: the certificate rule (its issuing body, each tier's name and number pattern) is required.</summary>
    public const int CurrentSchemaVersion = 2;

    /// <summary>The oldest version still read, for the copies of policies stored with cycles.</summary>
    public const int OldestStoredSchemaVersion = 1;

    public static readonly JsonSerializerOptions JsonOptions = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Parse and validate. The refusal lists every problem found, each with its path.</summary>
    public static Outcome<AwardPolicy> Load(string json) => Load(json, stored: false);

    /// <summary>
    /// A policy copy stored with a cycle: earlier schema versions are read as they were written
    /// (a schema-1 copy has no certificate rule), so editing this product never stops a running cycle.
    /// </summary>
    public static Outcome<AwardPolicy> LoadStored(string json) => Load(json, stored: true);

    private static Outcome<AwardPolicy> Load(string json, bool stored)
    {
        AwardPolicy? policy;
        try
        {
            policy = JsonSerializer.Deserialize<AwardPolicy>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            var path = string.IsNullOrEmpty(ex.Path) ? "$" : ex.Path;
            var reason = Describe(ex);
            return Refusal.Invalid(
                "policy.invalid",
                $"政策文件无法读取：{path}：{reason}",
                $"The policy cannot be read: {path}: {reason}",
                path);
        }

        if (policy is null)
        {
            return Refusal.Invalid("policy.invalid", "政策文件为空。", "The policy document is empty.", "$");
        }

        var problems = PolicyValidator.Validate(policy, stored);
        if (problems.Count > 0)
        {
            return Refusal.Invalid(
                "policy.invalid",
                "政策文件不一致：" + ZhText.JoinSentences(problems.Select(p => $"{p.Path}：{p.Zh}")),
                "The policy is inconsistent: " + string.Join("; ", problems.Select(p => $"{p.Path}: {p.En}")),
                problems[0].Path);
        }

        return policy;
    }

    /// <summary>Serialise a policy (for storage in a cycle or for the office to download and edit).</summary>
    public static string ToJson(AwardPolicy policy) => JsonSerializer.Serialize(policy, JsonOptions);

    private static string Describe(JsonException ex)
    {
        // System.Text.Json's messages name the .NET type; keep the useful part and drop the rest.
        var message = ex.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}

/// <summary>The five cities' regulations, shipped with the product.</summary>
public static class PolicyPresets
{
    public static IReadOnlyList<string> Ids { get; } = ["changde", "benxi", "jinan", "xinzhou", "weihai"];

    private static readonly Lazy<IReadOnlyDictionary<string, AwardPolicy>> All = new(LoadAll);

    public static AwardPolicy Get(string id) =>
        All.Value.TryGetValue(id, out var policy)
            ? policy
            : throw new ArgumentException($"No preset '{id}'. Presets: {string.Join(", ", Ids)}.", nameof(id));

    public static bool TryGet(string id, out AwardPolicy policy)
    {
        if (All.Value.TryGetValue(id, out var found))
        {
            policy = found;
            return true;
        }

        policy = null!;
        return false;
    }

    public static IReadOnlyList<AwardPolicy> List() => Ids.Select(Get).ToList();

    /// <summary>The preset's source text, comments included, as the office downloads it to adapt.</summary>
    public static string SourceText(string id)
    {
        var name = $"QualityAward.Domain.Policies.Presets.{id}.jsonc";
        using var stream = typeof(PolicyPresets).Assembly.GetManifestResourceStream(name)
            ?? throw new ArgumentException($"No preset '{id}'.", nameof(id));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static IReadOnlyDictionary<string, AwardPolicy> LoadAll()
    {
        var result = new Dictionary<string, AwardPolicy>(StringComparer.Ordinal);
        foreach (var id in Ids)
        {
            var loaded = PolicyLoader.Load(SourceText(id));
            if (!loaded.IsOk)
            {
                // A shipped preset that does not load is a bug in this product, caught by its tests.
                throw new InvalidOperationException($"Preset '{id}' is invalid: {loaded.Refusal!.En}");
            }

            result[id] = loaded.Value;
        }

        return result;
    }

    internal static Assembly Assembly => typeof(PolicyPresets).Assembly;
}
