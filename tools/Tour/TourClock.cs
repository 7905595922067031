using System.Text.Json;

namespace QualityAward.Tour;

/// <summary>
/// The one seam through which the tour reads and moves time. A rehearsal cycle's clock is moved
/// by the office through the API (<see cref="RehearsalClock"/>); a host test may move its own fake
/// clock instead. Either way the call returns once the app has taken the move in.
/// </summary>
public interface ITourClock
{
    /// <summary>Now, as the cycle's commands see it.</summary>
    Task<DateTimeOffset> NowAsync(string cycleId, CancellationToken ct);

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
    public async Task<DateTimeOffset> NowAsync(string cycleId, CancellationToken ct)
    {
        var cycle = await Api.GetAsync(office, $"/api/cycles/{cycleId}", ct);
        return cycle.Prop("rehearsal").Prop("now") is { ValueKind: JsonValueKind.String } now
            ? now.GetDateTimeOffset()
            : throw new TourStepFailed($"{cycleId} is not a rehearsal: GET /api/cycles/{cycleId} shows no rehearsal clock.");
    }

    public async Task MoveToAsync(string cycleId, DateTimeOffset to, CancellationToken ct)
    {
        var moved = await Api.PostAsync(office, $"/api/cycles/{cycleId}/rehearsal/clock", new { to }, ct);
        if (moved.Prop("settled").ValueKind != JsonValueKind.True)
        {
            // They take it in on their own shortly; the tour's next wait (for the applications to move on) covers it.
            await output.WriteLineAsync($"     （演练时钟已拨到 {to:yyyy-MM-dd HH:mm:ss}，流程仍在跟上 / the clock moved; the orchestrations are still catching up）");
        }
    }
}
