using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace QualityAward.Benchmarks.StorageRequests;

/// <summary>
/// A loopback reverse proxy in front of Azurite's blob, queue and table ports that counts every
/// request by service, verb and (for tables) kind: point read, query, batch, insert, upsert, delete.
/// The app under test is given the proxy's ports; the proxy forwards each request byte for byte
/// (headers included, so Azurite checks the same shared-key signature) with an <see cref="HttpClient"/>.
/// </summary>
internal sealed class CountingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Expect", "Proxy-Connection", "TE", "Trailer", "Upgrade", "Content-Length",
    };

    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly List<HttpListener> _listeners = [];
    private readonly HttpClient _client = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = DecompressionMethods.None, MaxConnectionsPerServer = 64 })
    {
        Timeout = TimeSpan.FromMinutes(2),
    };

    private readonly CancellationTokenSource _stop = new();
    private int _inFlight;
    private long _lastActivity = Stopwatch.GetTimestamp();
    private int _failures;

    /// <summary>Listens on <paramref name="listenPort"/> and forwards to Azurite's <paramref name="targetPort"/> for <paramref name="service"/> (blob, queue or table).</summary>
    public void Add(string service, int listenPort, int targetPort)
    {
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{listenPort}/");
        listener.Start();
        _listeners.Add(listener);
        _ = Task.Run(() => AcceptAsync(listener, service, targetPort));
    }

    /// <summary>Requests that the proxy could not forward (Azurite unreachable): a run with any is not a measurement.</summary>
    public int Failures => Volatile.Read(ref _failures);

    public void Reset() => _counts.Clear();

    /// <summary>With <c>STORAGE_TRACE=1</c> set, every forwarded request is written to stderr (method and URL): where a count comes from.</summary>
    public static bool Trace { get; } = Environment.GetEnvironmentVariable("STORAGE_TRACE") == "1";

    public IReadOnlyDictionary<string, int> Snapshot() => new SortedDictionary<string, int>(_counts, StringComparer.Ordinal);

    /// <summary>
    /// Waits until no request has been in flight for <paramref name="quiet"/>: the command's
    /// background work (the orchestrations and activities it started) has stopped touching storage.
    /// Gives up after <paramref name="limit"/> and says so.
    /// </summary>
    public async Task<bool> SettleAsync(TimeSpan quiet, TimeSpan limit)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < limit)
        {
            if (Volatile.Read(ref _inFlight) == 0 && Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastActivity)) >= quiet)
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }

    /// <summary>The counting key: service, verb and, for tables, what kind of request it is.</summary>
    public static string Classify(string service, string method, string rawUrl)
    {
        var path = rawUrl.Split('?', 2)[0];
        var query = rawUrl.Contains('?', StringComparison.Ordinal) ? rawUrl.Split('?', 2)[1] : string.Empty;
        if (service != "table")
        {
            return $"{service} {method}";
        }

        var last = Uri.UnescapeDataString(path.TrimEnd('/').Split('/')[^1]);
        var entity = last.Contains("PartitionKey=", StringComparison.Ordinal) && last.Contains("RowKey=", StringComparison.Ordinal);
        var kind = method switch
        {
            "POST" when last == "$batch" => "batch",
            "POST" when last.StartsWith("Tables", StringComparison.Ordinal) => "create table",
            "POST" => "insert",
            "GET" when entity && !query.Contains("$filter", StringComparison.Ordinal) => "point read",
            "GET" when last.StartsWith("Tables", StringComparison.Ordinal) => "list tables",
            "GET" => "query",
            "PUT" or "MERGE" or "PATCH" => "upsert",
            "DELETE" when last.StartsWith("Tables", StringComparison.Ordinal) => "delete table",
            "DELETE" => "delete",
            _ => "other",
        };
        return $"table {method} {kind}";
    }

    private async Task AcceptAsync(HttpListener listener, string service, int targetPort)
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested || !listener.IsListening)
            {
                return;
            }

            _ = Task.Run(() => ForwardAsync(context, service, targetPort));
        }
    }

    private async Task ForwardAsync(HttpListenerContext context, string service, int targetPort)
    {
        Interlocked.Increment(ref _inFlight);
        Interlocked.Exchange(ref _lastActivity, Stopwatch.GetTimestamp());
        var request = context.Request;
        var response = context.Response;
        try
        {
            var rawUrl = request.RawUrl ?? "/";
            _counts.AddOrUpdate(Classify(service, request.HttpMethod, rawUrl), 1, (_, n) => n + 1);
            if (Trace)
            {
                Console.Error.WriteLine($"  {service} {request.HttpMethod} {Uri.UnescapeDataString(rawUrl)}");
            }
            using var forward = new HttpRequestMessage(new HttpMethod(request.HttpMethod), new Uri($"http://127.0.0.1:{targetPort}{rawUrl}"));
            if (request.HasEntityBody)
            {
                using var buffer = new MemoryStream();
                await request.InputStream.CopyToAsync(buffer);
                forward.Content = new ByteArrayContent(buffer.ToArray());
            }

            foreach (var name in request.Headers.AllKeys.OfType<string>())
            {
                if (HopByHop.Contains(name))
                {
                    continue;
                }

                var values = request.Headers.GetValues(name) ?? [];
                if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
                {
                    forward.Content ??= new ByteArrayContent([]);
                    forward.Content.Headers.TryAddWithoutValidation(name, values);
                }
                else
                {
                    forward.Headers.TryAddWithoutValidation(name, values);
                }
            }

            using var answer = await _client.SendAsync(forward, HttpCompletionOption.ResponseContentRead, _stop.Token);
            response.StatusCode = (int)answer.StatusCode;
            foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
            {
                if (HopByHop.Contains(name))
                {
                    continue;
                }

                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    response.ContentType = string.Join(", ", values);
                    continue;
                }

                try
                {
                    response.Headers[name] = string.Join(", ", values);
                }
                catch (ArgumentException)
                {
                    // A header HttpListener writes itself (Date, Server): its own value goes out.
                }
            }

            var body = await answer.Content.ReadAsByteArrayAsync(_stop.Token);
            if (request.HttpMethod == "HEAD")
            {
                // A HEAD answer carries the length of the body it does not send (a blob's size).
                response.ContentLength64 = answer.Content.Headers.ContentLength ?? 0;
            }
            else if (answer.StatusCode is not (HttpStatusCode.NoContent or HttpStatusCode.NotModified))
            {
                response.ContentLength64 = body.Length;
                await response.OutputStream.WriteAsync(body, _stop.Token);
            }

            response.Close();
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or HttpListenerException or OperationCanceledException)
        {
            Interlocked.Increment(ref _failures);
            try
            {
                response.StatusCode = (int)HttpStatusCode.BadGateway;
                response.Close();
            }
            catch (Exception closing) when (closing is HttpListenerException or InvalidOperationException or ObjectDisposedException)
            {
                // The connection is already gone.
            }
        }
        finally
        {
            Interlocked.Exchange(ref _lastActivity, Stopwatch.GetTimestamp());
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var listener in _listeners)
        {
            listener.Close();
        }

        _client.Dispose();
        _stop.Dispose();
    }
}
