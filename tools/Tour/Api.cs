using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace QualityAward.Tour;

/// <summary>The app refused a step of the tour (or answered something the tour cannot read): what was asked and what came back.</summary>
public sealed class TourStepFailed(string message) : Exception(message);

/// <summary>JSON over HTTP as the tour speaks it: web JSON, and any answer outside 2xx is a <see cref="TourStepFailed"/> with the problem+json the app gave.</summary>
internal static class Api
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public static Task<JsonElement> GetAsync(HttpClient client, string path, CancellationToken ct) =>
        SendAsync(client, HttpMethod.Get, path, null, ct);

    public static Task<JsonElement> PostAsync(HttpClient client, string path, object? body, CancellationToken ct) =>
        SendAsync(client, HttpMethod.Post, path, body is null ? null : JsonContent(body), ct);

    public static Task<JsonElement> PutAsync(HttpClient client, string path, object body, CancellationToken ct) =>
        SendAsync(client, HttpMethod.Put, path, JsonContent(body), ct);

    public static HttpContent JsonContent(object body) =>
        body is string raw
            ? new StringContent(raw, Encoding.UTF8, "application/json")
            : new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");

    public static async Task<JsonElement> SendAsync(HttpClient client, HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await client.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new TourStepFailed($"{method} {path} → {(int)response.StatusCode} {response.ReasonPhrase}\n{Pretty(text)}");
        }

        if (string.IsNullOrWhiteSpace(text) || response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) != true)
        {
            return default;
        }

        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    /// <summary>Raw bytes to a path (a file upload), as <see cref="SendAsync"/>.</summary>
    public static Task<JsonElement> PostBytesAsync(HttpClient client, string path, byte[] bytes, CancellationToken ct)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return SendAsync(client, HttpMethod.Post, path, content, ct);
    }

    public static string Str(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty;

    public static JsonElement Prop(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : default;

    public static IEnumerable<JsonElement> Items(this JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray() : [];

    private static string Pretty(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return JsonSerializer.Serialize(doc.RootElement, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        }
        catch (JsonException)
        {
            return text.Length > 2_000 ? text[..2_000] + "…" : text;
        }
    }
}
