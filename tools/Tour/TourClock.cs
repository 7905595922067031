using System.Text.Json;

namespace QualityAward.Tour;

/// <summary>
/// The one seam through which the tour reads and moves time. A rehearsal cycle's clock is moved
/// by the office through the API (<see cref="RehearsalClock"/>); a host test may move its own fake
/// clock instead. Either way the call returns once the app has taken the move in.
/// </summary>
public interface ITourClock
{
    /// <summary>Now, as the cycle's commands see it (the app's time while there is no cycle yet).</summary>
    Task<DateTimeOffset> NowAsync(string? cycleId, CancellationToken ct);

    /// <summary>Move the cycle's time forward to <paramref name="to"/>; returns when its orchestrations have taken it in.</summary>
    Task MoveToAsync(string cycleId, DateTimeOffset to, CancellationToken ct);
}

/// <summary>
/// A rehearsal cycle's clock through the API: <c>GET /api/cycles/{cycleId}</c> shows
/// <c>rehearsal.now</c>, <c>POST /api/cycles/{cycleId}/rehearsal/clock</c> (office) moves it
/// forward and answers once the cycle's orchestrations have settled (or after 30 s, unsettled).
/// </summary>
public sealed class RehearsalClock(HttpClient office, TextWriter output) : ITourClock
{
    public async Task<DateTimeOffset> NowAsync(string? cycleId, CancellationToken ct)
    {
        if (cycleId is null)
        {
            return DateTimeOffset.UtcNow;
        }

        var cycle = await Api.GetAsync(office, $"/api/cycles/{cycleId}", ct);
        return cycle.Prop("rehearsal").Prop("now") is { ValueKind: JsonValueKind.String } now
            ? now.GetDateTimeOffset()
            : DateTimeOffset.UtcNow;
    }

    public async Task MoveToAsync(string cycleId, DateTimeOffset to, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var moved = await Api.PostAsync(office, $"/api/cycles/{cycleId}/rehearsal/clock", new { to }, ct);
            if (moved.Prop("settled").ValueKind == JsonValueKind.True)
            {
                return;
            }

            if (attempt == 3)
            {
                throw new TourStepFailed($"The rehearsal clock of {cycleId} moved to {to:yyyy-MM-dd HH:mm:ss zzz}, but its orchestrations did not settle in three tries (GET /api/cycles/{cycleId}/workflow shows them).");
            }

            // Moving to the same time again is no move: it only waits once more for the orchestrations.
            await output.WriteLineAsync($"     （演练时钟已拨动，流程尚未全部跟上，再等一次 / the clock moved; waiting once more for the orchestrations）");
        }
    }
}
