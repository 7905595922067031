namespace QualityAward.Functions.Hosting;

/// <summary>
/// What the OpenAPI document says of an HTTP function beyond its trigger: its tag, summary,
/// request body and answer. <see cref="OpenApiDocument"/> reads it; every HTTP function has one.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ApiAttribute(string tag, string summary) : Attribute
{
    public string Tag { get; } = tag;

    public string Summary { get; } = summary;

    /// <summary>The JSON request body's type, if the function reads one.</summary>
    public Type? Body { get; init; }

    /// <summary>
    /// Other request body media types the function takes (<c>multipart/form-data</c>,
    /// <c>application/octet-stream</c>, <c>application/x-www-form-urlencoded</c>, <c>text/csv</c>).
    /// </summary>
    public string[] BodyMediaTypes { get; init; } = [];

    /// <summary>The success answer's JSON type (none: no body, or <see cref="Produces"/>).</summary>
    public Type? Returns { get; init; }

    /// <summary>The success status (200 unless the function creates something or redirects).</summary>
    public int Status { get; init; } = 200;

    /// <summary>A success answer that is not JSON: <c>text/html</c>, <c>application/pdf</c>, <c>text/csv</c>, <c>application/octet-stream</c>.</summary>
    public string? Produces { get; init; }

    /// <summary>Query parameters: a name, with <c>!</c> at its end when it is required (<c>"cycleId!"</c>).</summary>
    public string[] Query { get; init; } = [];

    /// <summary>Request headers the function reads (<c>Idempotency-Key</c>).</summary>
    public string[] Headers { get; init; } = [];

    /// <summary>
    /// A folder under the repository's <c>examples/</c> whose JSON files are examples of the request
    /// body (<c>"forms"</c>: examples/forms/*.json, embedded in the app); each file's name is its example's key.
    /// </summary>
    public string? BodyExamples { get; init; }

    /// <summary>A longer description (Markdown) of what it does and why.</summary>
    public string? Description { get; init; }
}

/// <summary>
/// Problem codes a function answers with, under one status (409 for a rule, 422 for invalid input,
/// 404 for not found or not yours, 403, 410, 413, 415). The gate's own answers (401, 403 by role,
/// 429, 503, and 400 for a malformed JSON body) are added by the document itself. A host test fails
/// when a function answers a code it does not declare here.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class RefusesAttribute(int status, params string[] codes) : Attribute
{
    public int Status { get; } = status;

    public IReadOnlyList<string> Codes { get; } = codes;
}
