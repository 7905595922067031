using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Tests.Workflow;

/// <summary>
/// Decision 0026: a reader told how far a stream was written takes this instance's last fold of it
/// when that fold is that far, and reads storage when it is behind (another instance wrote since).
/// </summary>
public sealed class WakeHintTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>Another instance of the app writing to the same table (its own folds, none of this one's).</summary>
    private EventStore OtherInstance() => new(_app.Storage, EventCatalog.Instance, _app.Services.GetRequiredService<QualityAward.Functions.Audit.AuditKey>(), _app.Clock);

    private static EventMetadata Meta => new(new Actor("office-1", Roles.Office, "市强市办"), Guid.NewGuid().ToString(), null);

    [Fact]
    public async Task LoadAtLeast_TakesThisInstancesFold_WhenItIsThatFar_AndReadsStorage_WhenItIsBehind()
    {
        var streams = _app.Services.GetRequiredService<Streams>();
        const string stream = "cycle-hinted-2026";
        await OtherInstance().AppendAsync(stream, 0, [new CycleOpened("hinted-2026", "weihai", PolicyLoader.ToJson(PolicyPresets.Get("weihai")), 2026, "测试", new DateOnly(2026, 3, 2), new DateOnly(2026, 4, 30), [], DateTimeOffset.UnixEpoch)], Meta, CancellationToken.None);
        Assert.False((await streams.LoadAsync(StreamKinds.Cycle, stream, CancellationToken.None)).SubmissionsClosed);
        Assert.Equal(1, streams.KnownVersion(stream));

        // Another instance closes submissions: this one's fold is now behind storage.
        await OtherInstance().AppendAsync(stream, 1, [new SubmissionsClosed(DateTimeOffset.UnixEpoch)], Meta, CancellationToken.None);

        // Told version 1: its fold is that far, so it answers from it (storage is not asked: it would say closed).
        Assert.False((await streams.LoadAtLeastAsync(StreamKinds.Cycle, stream, 1, CancellationToken.None)).SubmissionsClosed);

        // Told version 2, or nothing: its fold is behind, so it reads storage, and keeps that fold.
        Assert.True((await streams.LoadAtLeastAsync(StreamKinds.Cycle, stream, 2, CancellationToken.None)).SubmissionsClosed);
        Assert.Equal(2, streams.KnownVersion(stream));
        await OtherInstance().AppendAsync(stream, 2, [new SubmissionWindowExtended(new DateOnly(2026, 5, 8), "测试", DateTimeOffset.UnixEpoch)], Meta, CancellationToken.None);
        await streams.LoadAtLeastAsync(StreamKinds.Cycle, stream, null, CancellationToken.None);
        Assert.Equal(3, streams.KnownVersion(stream));
    }
}
