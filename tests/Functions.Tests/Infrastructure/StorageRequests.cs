using System.Collections.Concurrent;
using System.Diagnostics;

namespace QualityAward.Functions.Tests.Infrastructure;

/// <summary>
/// Counts the storage requests one test app makes while it is open: every HTTP request the process
/// sends (the <c>System.Net.Http</c> activities) whose address names one of the app's tables or
/// containers (they all begin with its storage prefix, which no other test app shares). Counts, not
/// timings: the same on any machine. Tests run in parallel, so a count holds only the app's own.
/// </summary>
public sealed class StorageRequests : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<string> _seen = new();

    public StorageRequests(TestApp app)
    {
        var marker = "/" + app.Prefix;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("url.full") is string url && url.Contains(marker, StringComparison.Ordinal))
                {
                    _seen.Enqueue($"{activity.GetTagItem("http.request.method")} {url}");
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The requests seen so far: method and address.</summary>
    public IReadOnlyList<string> Seen => _seen.ToArray();

    public void Dispose() => _listener.Dispose();
}
