using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace QualityAward.Functions.Tests.Infrastructure;

/// <summary>One sendMail request as the stand-in saw it, what it answered, and when (real time: Graph's Retry-After is in real seconds).</summary>
public sealed record RecordedMail(string Mailbox, string To, string? ToName, string Subject, string Html, string? Link, string? MailId, int Answered, DateTimeOffset At = default);

/// <summary>
/// A loopback stand-in for Microsoft Graph's <c>POST /v1.0/users/{id}/sendMail</c>: it records
/// every request and answers 202, or what it was told to answer for the next requests (429 with
/// Retry-After, 503). The app talks to it with the real Graph SDK and an anonymous provider.
/// </summary>
public sealed partial class GraphStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, int? RetryAfter)> _next = new();
    private readonly ConcurrentQueue<RecordedMail> _requests = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(int Status, int? RetryAfter)>> _nextTo = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _arrivals = new();
    private int _count;
    private (int Number, TaskCompletionSource<RecordedMail> Arrived, TaskCompletionSource Released)? _hold;

    private GraphStandIn(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<RecordedMail> Requests => [.. _requests];

    /// <summary>The mails Graph accepted (202).</summary>
    public IReadOnlyList<RecordedMail> Delivered => _requests.Where(r => r.Answered == 202).ToList();

    public static async Task<GraphStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var standIn = new GraphStandIn(app);
        app.MapPost("/v1.0/users/{mailbox}/sendMail", standIn.SendMailAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        standIn.BaseUrl = new Uri(address.TrimEnd('/') + "/v1.0");
        return standIn;
    }

    /// <summary>
    /// Answer the next <paramref name="count"/> requests to arrive with <paramref name="status"/> (and
    /// a Retry-After in seconds). Not for a step that also uses <see cref="FailNextTo"/>: a request
    /// that plan takes uses this one up as well.
    /// </summary>
    public void FailNext(int count, int status, int? retryAfterSeconds = null)
    {
        for (var i = 0; i < count; i++)
        {
            _next.Enqueue((status, retryAfterSeconds));
        }
    }

    /// <summary>
    /// Answer the next request to each of <paramref name="recipients"/> with <paramref name="status"/>
    /// (once per recipient): unlike <see cref="FailNext"/>, which fails whichever requests come next,
    /// this cannot fall unevenly when a loaded machine lets one recipient's retry overtake another's
    /// first attempt.
    /// </summary>
    public void FailNextTo(IEnumerable<string> recipients, int status, int? retryAfterSeconds = null)
    {
        foreach (var to in recipients)
        {
            _nextTo.GetOrAdd(to, _ => new()).Enqueue((status, retryAfterSeconds));
        }
    }

    /// <summary>
    /// Hold the answer to the <paramref name="number"/>-th request (counting from the first, 1-based)
    /// until released: the request is recorded with what Graph answers, as Graph would have taken
    /// it, but the caller waits. Lets a test kill the app while a mail is on the wire. The task gives
    /// the held request once it has arrived (mails sent in parallel are recorded in the order their
    /// bodies are read, not the order they arrived: <see cref="Requests"/>' index is not the number).
    /// </summary>
    public (Task<RecordedMail> Arrived, Action Release) HoldRequest(int number)
    {
        var hold = (number, new TaskCompletionSource<RecordedMail>(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _hold = hold;
        return (hold.Item2.Task, () => hold.Item3.TrySetResult());
    }

    private async Task<IResult> SendMailAsync(string mailbox, HttpContext http)
    {
        // Numbered, and given the next planned answer, as it arrives: requests sent in parallel can
        // finish reading their bodies in any order, so a plan taken after the read could fall on
        // the held request (HoldRequest counts arrivals).
        int number;
        (int Status, int? RetryAfter)? arrivalPlan;
        lock (_arrivals)
        {
            number = ++_count;
            arrivalPlan = _next.TryDequeue(out var planned) ? planned : null;
        }

        using var doc = await JsonDocument.ParseAsync(http.Request.Body);
        // The SDK writes the action's parameters as Graph names them ("Message", "SaveToSentItems").
        var message = Prop(doc.RootElement, "message")!.Value;
        var recipient = Prop(Prop(message, "toRecipients")!.Value[0], "emailAddress")!.Value;
        var html = Prop(Prop(message, "body")!.Value, "content")!.Value.GetString()!;
        var mailId = Prop(message, "internetMessageHeaders")?.EnumerateArray()
            .Where(h => Prop(h, "name")?.GetString() == "X-QualityAward-Mail-Id")
            .Select(h => Prop(h, "value")?.GetString())
            .FirstOrDefault();

        var link = Href().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).FirstOrDefault(l => l.Contains("/consultations/", StringComparison.Ordinal));
        var to = Prop(recipient, "address")!.Value.GetString()!;
        var (status, retryAfter) = _nextTo.TryGetValue(to, out var forThem) && forThem.TryDequeue(out var theirs) ? theirs
            : arrivalPlan ?? (202, null);
        var recorded = new RecordedMail(
            Uri.UnescapeDataString(mailbox),
            to,
            Prop(recipient, "name")?.GetString(),
            Prop(message, "subject")!.Value.GetString()!,
            html,
            link,
            mailId,
            status,
            DateTimeOffset.UtcNow);
        _requests.Enqueue(recorded);
        if (_hold is { } hold && hold.Number == number)
        {
            hold.Arrived.TrySetResult(recorded);
            await hold.Released.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }

        if (status == 202)
        {
            return Results.StatusCode(202);
        }

        if (retryAfter is { } seconds)
        {
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var code = status == 429 ? "TooManyRequests" : "ServiceUnavailable";
        return Results.Json(new { error = new { code, message = "Stand-in told to fail." } }, statusCode: status);
    }

    private static JsonElement? Prop(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.EnumerateObject().FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: not JsonValueKind.Undefined } p
            ? p.Value
            : null;

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex Href();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
