using System.Diagnostics;

namespace QualityAward.Functions.Tests.Infrastructure;

/// <summary>
/// For what happens a moment later (work on the thread pool, a retry after the SDK's backoff): asks
/// until it holds or the time is up, and says which — the test asserts, with its own message.
/// </summary>
public static class Poll
{
    public static async Task<bool> UntilAsync(Func<Task<bool>> holds, TimeSpan within, TimeSpan? every = null)
    {
        var waited = Stopwatch.StartNew();
        while (!await holds())
        {
            if (waited.Elapsed >= within)
            {
                return false;
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(100));
        }

        return true;
    }

    public static Task<bool> UntilAsync(Func<bool> holds, TimeSpan within, TimeSpan? every = null) =>
        UntilAsync(() => Task.FromResult(holds()), within, every);
}
