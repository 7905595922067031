using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Options;

namespace QualityAward.Functions.Hosting;

/// <summary>
/// The OpenAPI 3.1 document, generated from the functions themselves (<see cref="FunctionCatalog"/>):
/// every HTTP function is an operation at its trigger's route and methods, with its route, query
/// and header parameters, its request body and answer as JSON Schema (from the very serializer
/// options the app reads and writes with, so names and enums are as on the wire), the bearer
/// scheme where it needs a caller, and each error answer as problem+json with the codes it can
/// return — its own (<see cref="RefusesAttribute"/>) and the gate's.
/// </summary>
public sealed class OpenApiDocument(FunctionCatalog catalog, IOptions<JsonOptions> json)
{
    public const string BearerScheme = "bearer";

    private const string ProblemSchema = "Problem";

    private readonly Lazy<JsonObject> _document = new(() => Build(catalog, json.Value.SerializerOptions));

    /// <summary>The document as JSON, with the server address callers use.</summary>
    public string Json(string serverUrl)
    {
        var document = (JsonObject)_document.Value.DeepClone();
        document["servers"] = new JsonArray(new JsonObject { ["url"] = serverUrl });
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>The operations, by path and method (for tests).</summary>
    public JsonObject Document => (JsonObject)_document.Value.DeepClone();

    private static JsonObject Build(FunctionCatalog catalog, JsonSerializerOptions responseOptions)
    {
        var schemas = new SchemaSet(JsonBody.Options, responseOptions);
        var paths = new JsonObject();
        foreach (var function in catalog.Http.OrderBy(f => f.Route, StringComparer.Ordinal))
        {
            var path = "/" + PathOf(function.Route);
            if (paths[path] is not JsonObject item)
            {
                item = new JsonObject();
                paths[path] = item;
            }

            foreach (var method in function.Methods)
            {
                item[method.ToLowerInvariant()] = Operation(function, schemas);
            }
        }

        var components = new JsonObject
        {
            ["securitySchemes"] = new JsonObject
            {
                [BearerScheme] = new JsonObject
                {
                    ["type"] = "http",
                    ["scheme"] = "bearer",
                    ["bearerFormat"] = "JWT",
                    ["description"] = "A Microsoft Entra ID access token for this API (roles: applicant, recommender, office, reviewer, committee, supervisor; a recommender's body in the affil claim). Locally, a development token from scripts/run.sh or `dev-token`.",
                },
            },
            ["schemas"] = schemas.Components,
        };
        components["schemas"]![ProblemSchema] = Problem();

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "QualityAward API（市长质量奖）",
                ["version"] = "v1",
                ["description"] = "The award process of a city's Mayor's Quality Award (市长质量奖): applications and files, recommendation and acceptance, public notices and objections, department consultations, expert review, decisions, the register of holders. Errors are application/problem+json with a stable `code`, in Chinese by default and in English with `Accept-Language: en`.",
            },
            ["paths"] = paths,
            ["components"] = components,
        };
    }

    /// <summary>
    /// The example bodies kept in the repository's <c>examples/{folder}/</c> (embedded as resources
    /// named <c>examples/{folder}/{file}</c>): one OpenAPI example per file, keyed by its name
    /// (<c>weihai-organisation</c>). The files are the source; tests submit each of them.
    /// </summary>
    public static JsonObject Examples(string folder)
    {
        var assembly = typeof(OpenApiDocument).Assembly;
        var prefix = $"examples/{folder}/";
        var examples = new JsonObject();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            var key = name[prefix.Length..^".json".Length];
            var parts = key.Split('-', 2);
            var summary = parts.Length == 2 ? $"{parts[0]}: {(parts[1] == "individual" ? "an individual (个人)" : "an organisation (组织)")}" : key;
            examples[key] = new JsonObject { ["summary"] = summary, ["value"] = JsonNode.Parse(stream) };
        }

        return examples;
    }

    private static JsonObject Operation(HttpFunction function, SchemaSet schemas)
    {
        var api = function.Api ?? throw new InvalidOperationException($"HTTP function {function.Name} has no [Api] description.");
        var operation = new JsonObject
        {
            ["operationId"] = function.Name,
            ["tags"] = new JsonArray(api.Tag),
            ["summary"] = api.Summary,
        };
        var access = function.Access?.Describe() ?? "undeclared";
        operation["description"] = (api.Description is null ? string.Empty : api.Description + "\n\n") + $"Who may call it: {access}." + (function.RateLimit is { } limit ? $" Rate-limited ({limit})." : string.Empty);

        var parameters = new JsonArray();
        foreach (var parameter in RoutePatternFactory.Parse(function.Route).Parameters)
        {
            parameters.Add(new JsonObject
            {
                ["name"] = parameter.Name,
                ["in"] = "path",
                ["required"] = true,
                ["schema"] = parameter.ParameterPolicies.Any(p => p.Content == "int") ? new JsonObject { ["type"] = "integer" } : new JsonObject { ["type"] = "string" },
            });
        }

        foreach (var query in api.Query)
        {
            var required = query.EndsWith('!');
            parameters.Add(new JsonObject
            {
                ["name"] = query.TrimEnd('!'),
                ["in"] = "query",
                ["required"] = required,
                ["schema"] = new JsonObject { ["type"] = "string" },
            });
        }

        foreach (var header in api.Headers)
        {
            parameters.Add(new JsonObject { ["name"] = header, ["in"] = "header", ["required"] = false, ["schema"] = new JsonObject { ["type"] = "string" } });
        }

        if (parameters.Count > 0)
        {
            operation["parameters"] = parameters;
        }

        if (api.Body is not null || api.BodyMediaTypes.Length > 0)
        {
            var content = new JsonObject();
            if (api.Body is { } body)
            {
                content["application/json"] = new JsonObject { ["schema"] = schemas.Request(body) };
                if (api.BodyExamples is { } folder && Examples(folder) is { Count: > 0 } examples)
                {
                    content["application/json"]!["examples"] = examples;
                }
            }

            foreach (var media in api.BodyMediaTypes.Where(m => m != "application/json" || api.Body is null))
            {
                content[media] = new JsonObject { ["schema"] = media == "application/json" ? new JsonObject { ["type"] = "object" } : new JsonObject { ["type"] = "string", ["format"] = "binary" } };
            }

            operation["requestBody"] = new JsonObject { ["required"] = true, ["content"] = content };
        }

        var responses = new JsonObject();
        var success = new JsonObject { ["description"] = api.Status switch { 201 => "Created.", 202 => "Accepted.", 204 => "No content.", 302 or 303 => "Redirect.", _ => "OK." } };
        if (api.Returns is { } returns)
        {
            success["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schemas.Response(returns) } };
        }
        else if (api.Produces is { } produces)
        {
            success["content"] = new JsonObject { [produces] = new JsonObject { ["schema"] = produces.StartsWith("text/", StringComparison.Ordinal) || produces.EndsWith("json", StringComparison.Ordinal) ? new JsonObject { ["type"] = "string" } : new JsonObject { ["type"] = "string", ["format"] = "binary" } } };
        }

        responses[api.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = success;
        foreach (var (status, codes) in ErrorCodes(function))
        {
            responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = ErrorResponse(status, codes);
        }

        operation["responses"] = responses;
        if (function.Access is AllowAttribute or SignedInAttribute)
        {
            operation["security"] = new JsonArray(new JsonObject { [BearerScheme] = new JsonArray() });
        }

        return operation;
    }

    /// <summary>Every error answer a function can give, by status: its own codes and the gate's.</summary>
    public static SortedDictionary<int, SortedSet<string>> ErrorCodes(HttpFunction function)
    {
        var errors = new SortedDictionary<int, SortedSet<string>>();
        void Add(int status, params string[] codes)
        {
            if (!errors.TryGetValue(status, out var set))
            {
                errors[status] = set = new SortedSet<string>(StringComparer.Ordinal);
            }

            set.UnionWith(codes);
        }

        foreach (var refuses in function.Refuses)
        {
            Add(refuses.Status, [.. refuses.Codes]);
        }

        if (function.Api?.Body is not null)
        {
            Add(400, "request.body-missing", "request.body-null", "request.field-missing", "request.json-invalid");
            Add(413, "request.too-large");
            Add(415, "request.content-type");
        }

        if (function.Api?.Body is not null || function.Api?.BodyMediaTypes.Length > 0)
        {
            Add(400, "request.body-malformed");
        }

        switch (function.Access)
        {
            case AllowAttribute:
                Add(401);
                Add(403);
                break;
            case SignedInAttribute:
                Add(401);
                break;
        }

        if (function.RateLimit is not null)
        {
            Add(429, RateLimitGate.Code);
        }

        Add(503, "storage.unavailable");
        return errors;
    }

    private static JsonObject ErrorResponse(int status, IReadOnlyCollection<string> codes)
    {
        var description = status switch
        {
            400 => "The request is malformed.",
            401 => "No valid bearer token.",
            403 => "The caller's role may not do this.",
            404 => "Not found, or not the caller's to see.",
            409 => "A rule of the process refuses it now.",
            410 => "No longer available.",
            413 => "Too large.",
            415 => "Unsupported content type.",
            422 => "Invalid input.",
            429 => "Too many requests; see Retry-After.",
            503 => "Storage is unavailable; nothing was saved. Retry after Retry-After.",
            _ => "Error.",
        };
        JsonNode schema = new JsonObject { ["$ref"] = $"#/components/schemas/{ProblemSchema}" };
        if (codes.Count > 0)
        {
            description += " Codes: " + string.Join(", ", codes.Select(c => $"`{c}`")) + ".";
            schema = new JsonObject
            {
                ["allOf"] = new JsonArray(
                    new JsonObject { ["$ref"] = $"#/components/schemas/{ProblemSchema}" },
                    new JsonObject { ["properties"] = new JsonObject { ["code"] = new JsonObject { ["enum"] = new JsonArray(codes.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray()) } } }),
            };
        }

        return new JsonObject
        {
            ["description"] = description,
            ["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = schema } },
        };
    }

    private static JsonObject Problem() => new()
    {
        ["type"] = "object",
        ["description"] = "RFC 9457 problem details, with the app's stable code.",
        ["properties"] = new JsonObject
        {
            ["type"] = new JsonObject { ["type"] = "string", ["description"] = "urn:qualityaward:problem:{code}" },
            ["title"] = new JsonObject { ["type"] = "string", ["description"] = "The status in words (zh-CN, or English on request)." },
            ["status"] = new JsonObject { ["type"] = "integer" },
            ["detail"] = new JsonObject { ["type"] = "string", ["description"] = "What is wrong and what to do, in the caller's language." },
            ["code"] = new JsonObject { ["type"] = "string", ["description"] = "The stable code of the refusal." },
            ["field"] = new JsonObject { ["type"] = "string", ["description"] = "The input the refusal concerns, if one." },
            ["problems"] = new JsonObject
            {
                ["type"] = "array",
                ["description"] = "Every problem when several inputs are wrong at once (a form).",
                ["items"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = new JsonObject
                    {
                        ["field"] = new JsonObject { ["type"] = "string" },
                        ["code"] = new JsonObject { ["type"] = "string" },
                        ["message"] = new JsonObject { ["type"] = "string" },
                    },
                },
            },
        },
    };

    /// <summary>The route as an OpenAPI path: constraints and optional marks dropped.</summary>
    private static string PathOf(string route)
    {
        var pattern = RoutePatternFactory.Parse(route);
        return string.Join("/", pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => string.Empty,
        }))));
    }

    /// <summary>
    /// The named schemas (components) of request and response types, exported from the serializer
    /// options the app uses, with each property's <see cref="DescriptionAttribute"/> as its description.
    /// </summary>
    private sealed class SchemaSet(JsonSerializerOptions requestOptions, JsonSerializerOptions responseOptions)
    {
        public JsonObject Components { get; } = new();

        public JsonNode Request(Type type) => Reference(type, requestOptions, "Request");

        public JsonNode Response(Type type) => Reference(type, responseOptions, string.Empty);

        private JsonNode Reference(Type type, JsonSerializerOptions options, string suffix)
        {
            if (ElementOf(type) is { } element)
            {
                return new JsonObject { ["type"] = "array", ["items"] = Reference(element, options, suffix) };
            }

            // A type read as a request body is described by the strict reader's options, and one
            // written in an answer by the writer's: the two may differ, so they are named apart.
            var name = NameOf(type) is var plain && suffix.Length > 0 && !plain.EndsWith(suffix, StringComparison.Ordinal) ? plain + suffix : NameOf(type);
            if (!Components.ContainsKey(name))
            {
                Components[name] = Export(type, options);
            }

            return new JsonObject { ["$ref"] = $"#/components/schemas/{name}" };
        }

        private static JsonObject Export(Type type, JsonSerializerOptions options)
        {
            // A copy: exporting makes options read-only, and the app's own must stay as configured.
            var copy = new JsonSerializerOptions(options) { TypeInfoResolver = options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver() };
            var node = copy.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions
            {
                TreatNullObliviousAsNonNullable = true,
                TransformSchemaNode = (context, schema) =>
                {
                    if (schema is not JsonObject obj)
                    {
                        return schema;
                    }

                    var description = context.PropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(DescriptionAttribute), inherit: true).OfType<DescriptionAttribute>().FirstOrDefault()?.Description
                        ?? (context.PropertyInfo is null ? context.TypeInfo.Type.GetCustomAttribute<DescriptionAttribute>()?.Description : null);
                    if (description is not null)
                    {
                        obj["description"] = description;
                    }

                    return obj;
                },
            });
            return node as JsonObject ?? new JsonObject { ["type"] = "object" };
        }

        private static Type? ElementOf(Type type) =>
            type.IsArray ? type.GetElementType()
            : type.IsGenericType && type.GetGenericTypeDefinition() is var g && (g == typeof(IReadOnlyList<>) || g == typeof(List<>) || g == typeof(IEnumerable<>)) ? type.GetGenericArguments()[0]
            : null;

        private static string NameOf(Type type) => type.IsGenericType
            ? type.Name[..type.Name.IndexOf('`')] + "Of" + string.Concat(type.GetGenericArguments().Select(NameOf))
            : type.Name;
    }
}
