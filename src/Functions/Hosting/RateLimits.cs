using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using QualityAward.Domain;

namespace QualityAward.Functions.Hosting;

/// <summary>
/// How often one client address may use the anonymous public endpoints (fixed windows, no queue).
/// <c>RateLimits:PublicWritePermits</c> objections and reports per <c>RateLimits:PublicWriteWindow</c>;
/// <c>RateLimits:ReceiptLookupPermits</c> receipt-code lookups per <c>RateLimits:ReceiptLookupWindow</c>.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Objections (with or without evidence files) and reports (举报) one address may file per window.</summary>
    [Range(1, 100_000)]
    public int PublicWritePermits { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PublicWriteWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Receipt-code lookups (objections and reports, API and pages) one address may make per window.</summary>
    [Range(1, 100_000)]
    public int ReceiptLookupPermits { get; set; } = 30;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ReceiptLookupWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>File downloads (applications' files, objection evidence, departments' answer files) one signed-in caller may make per window.</summary>
    [Range(1, 100_000)]
    public int DownloadPermits { get; set; } = 300;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan DownloadWindow { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Rate limits of the anonymous public functions and of downloads: a flood of objections or reports
/// from one address is refused with 429 and Retry-After before anything is read or stored.
/// Partitioned by <see cref="ClientAddress"/> (downloads: by the signed-in caller). Fixed windows,
/// counted in this process. A function opts in with <see cref="RateLimitedAttribute"/>;
/// <see cref="FunctionGate"/> asks before it runs.
/// </summary>
public sealed partial class RateLimitGate(IOptions<RateLimitOptions> options, ILogger<RateLimitGate> logger) : IDisposable
{
    /// <summary>Anonymous writes: objections, objection evidence, reports (API and pages).</summary>
    public const string PublicWrites = "public-writes";

    /// <summary>Receipt-code lookups of objections and reports (API and pages).</summary>
    public const string ReceiptLookups = "receipt-lookups";

    /// <summary>File downloads, per signed-in caller (their subject), whatever address they come from.</summary>
    public const string Downloads = "downloads";

    public const string Code = "rate.limited";

    private readonly PartitionedRateLimiter<HttpContext> _publicWrites = Limiter(http => ClientAddress.Of(http), options.Value.PublicWritePermits, options.Value.PublicWriteWindow);

    private readonly PartitionedRateLimiter<HttpContext> _receiptLookups = Limiter(http => ClientAddress.Of(http), options.Value.ReceiptLookupPermits, options.Value.ReceiptLookupWindow);

    private readonly PartitionedRateLimiter<HttpContext> _downloads = Limiter(
        http => Caller.Subject(http.User) is { } subject ? "subject:" + subject : "address:" + ClientAddress.Of(http),
        options.Value.DownloadPermits,
        options.Value.DownloadWindow);

    public static bool IsPolicy(string policy) => policy is PublicWrites or ReceiptLookups or Downloads;

    /// <summary>Null if the request may go on; otherwise the 429 answer (and a warning for the operator).</summary>
    public async ValueTask<IResult?> TryAcquireAsync(HttpContext http, string policy, string route)
    {
        var limiter = policy switch
        {
            PublicWrites => _publicWrites,
            ReceiptLookups => _receiptLookups,
            Downloads => _downloads,
            _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "No such rate limit policy."),
        };
        using var lease = await limiter.AcquireAsync(http, 1, http.RequestAborted);
        return lease.IsAcquired ? null : Refuse(http, lease, policy, route);
    }

    private static PartitionedRateLimiter<HttpContext> Limiter(Func<HttpContext, string> partition, int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<HttpContext, string>(http => RateLimitPartition.GetFixedWindowLimiter(partition(http), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>
    /// The refusal: 429, Retry-After (whole seconds), a zh-CN problem (or a page for the forms),
    /// and a warning naming the address, so an operator can block a flood at the front end.
    /// </summary>
    private IResult Refuse(HttpContext http, RateLimitLease lease, string policy, string route)
    {
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);

        // The route template, never the path: a receipt code in a path is a secret.
        if (policy == Downloads && Caller.Subject(http.User) is { } subject)
        {
            LogDownloadsRefused(logger, subject, http.Request.Method, route, ClientAddress.Of(http), seconds);
        }
        else
        {
            LogRefused(logger, policy, http.Request.Method, route, ClientAddress.Of(http), seconds);
        }

        var zhWait = seconds >= 120 ? $"{(seconds + 59) / 60}分钟" : $"{seconds}秒";
        var refusal = Refusal.Rule(
            Code,
            $"提交或查询过于频繁，请{zhWait}后再试。本次请求未被处理。",
            $"Too many requests; try again in {seconds} s. Nothing was done.");
        // A page (a form's post, a lookup's result page, a certificate check) answers with a page; the API with problem+json.
        return !http.Request.Path.StartsWithSegments("/api")
            ? Html.Page("请求过于频繁", $"<h1>请求过于频繁</h1><p class=\"error\" role=\"alert\">{Html.E(refusal.Zh)}</p><p><a href=\"/notices\">返回公示公告</a></p>", StatusCodes.Status429TooManyRequests)
            : Problems.For(http, refusal, StatusCodes.Status429TooManyRequests);
    }

    public void Dispose()
    {
        _publicWrites.Dispose();
        _receiptLookups.Dispose();
        _downloads.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limit {Policy} refused {Method} {Route} from client {Client} (retry after {RetryAfterSeconds} s). Many of these from one client is a flood: block the address at the front end (access restrictions), or raise RateLimits:* if it is a legitimate shared address")]
    private static partial void LogRefused(ILogger logger, string policy, string method, string route, string client, int retryAfterSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limit downloads refused {Method} {Route} to signed-in caller {Subject} from client {Client} (retry after {RetryAfterSeconds} s). A caller reading files this fast is scraping or looping: check what the account is doing, or raise RateLimits:DownloadPermits if it is legitimate work")]
    private static partial void LogDownloadsRefused(ILogger logger, string subject, string method, string route, string client, int retryAfterSeconds);
}

/// <summary>
/// Which hops may tell the app who the client is (section <c>ForwardedHeaders</c>). Only a request
/// whose connection comes from one of these has its <c>X-Forwarded-For</c> read, and only the
/// entries these proxies appended count (see <see cref="ClientAddress"/>). Empty by default: the
/// connection's own address is the client.
/// <para>
/// In Azure without Azure Front Door, leave both empty: the isolated worker's ASP.NET Core
/// integration already sets the connection's address from the <c>X-Forwarded-For</c> entry the App
/// Service front end appended (the address that connected to it), and the entries to its left
/// are the client's own writing. Behind Azure Front Door, that address is Front Door's: put its
/// back-end ranges (service tag <c>AzureFrontDoor.Backend</c>) in <see cref="KnownNetworks"/>;
/// Front Door appends the address that connected to it, which is then the client. (Front Door also
/// sends <c>X-Azure-ClientIP</c>, the same address; the app does not read it, since anyone reaching
/// the app directly could send it.) The local host and tests: <c>127.0.0.1</c> when something on
/// the same machine plays the front end.
/// </para>
/// </summary>
public sealed class ForwardedHeadersSettings : IValidatableObject
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of trusted proxies, e.g. <c>["127.0.0.1"]</c> (app setting <c>ForwardedHeaders__KnownProxies__0</c>).</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR form, e.g. <c>["147.243.0.0/16"]</c> (app setting <c>ForwardedHeaders__KnownNetworks__0</c>).</summary>
    public string[] KnownNetworks { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            if (!IPAddress.TryParse(proxy.Trim(), out _))
            {
                yield return new ValidationResult($"ForwardedHeaders:KnownProxies lists '{proxy}', which is not an IP address.", [nameof(KnownProxies)]);
            }
        }

        foreach (var network in KnownNetworks.Where(n => !string.IsNullOrWhiteSpace(n)))
        {
            if (!IPNetwork.TryParse(network.Trim(), out _))
            {
                yield return new ValidationResult($"ForwardedHeaders:KnownNetworks lists '{network}', which is not a network in CIDR form (e.g. 147.243.0.0/16).", [nameof(KnownNetworks)]);
            }
        }
    }
}

/// <summary>The trusted proxies, parsed once.</summary>
public sealed class TrustedProxies
{
    private readonly HashSet<IPAddress> _proxies;
    private readonly List<IPNetwork> _networks;

    public TrustedProxies(IOptions<ForwardedHeadersSettings> options)
    {
        var o = options.Value;
        _proxies = [.. o.KnownProxies.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => ClientAddress.Normalise(IPAddress.Parse(p.Trim()))!)];
        _networks = [.. o.KnownNetworks.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => IPNetwork.Parse(n.Trim()))];
    }

    public static TrustedProxies None { get; } = new(Microsoft.Extensions.Options.Options.Create(new ForwardedHeadersSettings()));

    public bool Contains(IPAddress address) => _proxies.Contains(address) || _networks.Any(n => n.Contains(address));
}

/// <summary>
/// The address a request comes from, as the rate limits count it.
/// </summary>
public static class ClientAddress
{
    public const string ForwardedFor = "X-Forwarded-For";

    /// <summary>
    /// The right-most untrusted hop. The connection's address, unless it is a trusted proxy
    /// (<see cref="ForwardedHeadersSettings"/>); then X-Forwarded-For is walked from the right,
    /// over the entries trusted proxies appended, to the first address that is not one: every
    /// entry to its left is that client's own writing and may say anything. An entry that is no
    /// address stops the walk at the last hop reached. No proxy is trusted by default, not even
    /// loopback: a header from a client that reached the app directly changes nothing. IPv6
    /// clients count by their /64 (one host can rotate through its whole /64).
    /// </summary>
    public static string Of(HttpContext http)
    {
        var hop = Normalise(http.Connection.RemoteIpAddress);
        if (hop is null)
        {
            return "unknown";
        }

        var trusted = http.RequestServices?.GetService<TrustedProxies>() ?? TrustedProxies.None;
        if (!trusted.Contains(hop))
        {
            return Key(hop);
        }

        var headers = http.Request.Headers[ForwardedFor];
        for (var h = headers.Count - 1; h >= 0; h--)
        {
            var entries = (headers[h] ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            for (var e = entries.Length - 1; e >= 0; e--)
            {
                if (Parse(entries[e]) is not { } address)
                {
                    return Key(hop);
                }

                hop = address;
                if (!trusted.Contains(hop))
                {
                    return Key(hop);
                }
            }
        }

        return Key(hop);
    }

    /// <summary>"203.0.113.7", "203.0.113.7:51234", "2001:db8::1" or "[2001:db8::1]:443".</summary>
    private static IPAddress? Parse(string entry) =>
        IPAddress.TryParse(entry, out var address) ? Normalise(address)
        : IPEndPoint.TryParse(entry, out var endPoint) ? Normalise(endPoint.Address)
        : null;

    internal static IPAddress? Normalise(IPAddress? address) =>
        address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;

    private static string Key(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
