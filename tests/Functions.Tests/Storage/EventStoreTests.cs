using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Tests.Storage;

public sealed class EventStoreTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private EventStore NewStore() => new(_app.Storage, EventCatalog.Instance, _app.Services.GetRequiredService<QualityAward.Functions.Audit.AuditKey>(), _app.Clock);

    private static EventMetadata Meta => new(new Actor("office-1", Roles.Office, "市强市办"), Guid.NewGuid().ToString(), null);

    private static IDomainEvent Opened(string id) => new CycleOpened(id, "weihai", PolicyLoader.ToJson(PolicyPresets.Get("weihai")), 2026, "测试", new DateOnly(2026, 3, 2), new DateOnly(2026, 4, 30), [], DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task Append_ByTwoWritersAtTheSameVersion_LetsExactlyOneWin()
    {
        // Two stores (two instances of the app) with their own caches, racing on one stream.
        var a = NewStore();
        var b = NewStore();

        var results = await Task.WhenAll(
            Attempt(a, new SubmissionsClosed(DateTimeOffset.UnixEpoch)),
            Attempt(b, new SubmissionsClosed(DateTimeOffset.UnixEpoch.AddSeconds(1))));

        Assert.Equal(1, results.Count(r => r));
        var stored = await NewStore().ReadAsync("cycle-race", CancellationToken.None);
        Assert.Single(stored);

        static async Task<bool> Attempt(EventStore store, IDomainEvent e)
        {
            try
            {
                await store.AppendAsync("cycle-race", 0, [e], Meta, CancellationToken.None);
                return true;
            }
            catch (ConcurrencyConflictException)
            {
                return false;
            }
        }
    }

    [Fact]
    public async Task Append_AtAStaleVersion_IsAConflict_AndWritesNothing()
    {
        var store = NewStore();
        await store.AppendAsync("cycle-stale", 0, [Opened("stale")], Meta, CancellationToken.None);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => NewStore().AppendAsync("cycle-stale", 0, [new SubmissionsClosed(DateTimeOffset.UnixEpoch)], Meta, CancellationToken.None));

        Assert.Single(await NewStore().ReadAsync("cycle-stale", CancellationToken.None));
    }

    [Fact]
    public async Task Run_OnAReadAnotherWriterOvertook_DecidesAgainOnTheNewerRecord_AndAppendsAfterIt()
    {
        var streams = _app.Services.GetRequiredService<Streams>();
        await NewStore().AppendAsync("cycle-overtaken", 0, [Opened("overtaken")], Meta, CancellationToken.None);

        // A caller reads the stream once (to check who may act), then another writer appends.
        var read = await streams.ReadAsync(StreamKinds.Cycle, "cycle-overtaken", CancellationToken.None);
        await NewStore().AppendAsync("cycle-overtaken", 1, [new SubmissionsClosed(DateTimeOffset.UnixEpoch)], Meta, CancellationToken.None);

        // The command decides on the caller's read first; its append at that version conflicts, so it decides again on the newer record.
        var decidedOn = new List<bool>();
        var outcome = await streams.RunAsync(
            StreamKinds.Cycle,
            "cycle-overtaken",
            cycle =>
            {
                decidedOn.Add(cycle.SubmissionsClosed);
                return ValueTask.FromResult(Decision<ICycleEvent>.Accept(new SubmissionsClosed(DateTimeOffset.UnixEpoch.AddDays(1))));
            },
            Meta,
            CancellationToken.None,
            read);

        Assert.Equal([false, true], decidedOn);
        Assert.Null(outcome.Refusal);
        Assert.Equal(3, Assert.Single(outcome.Appended).Version);
        Assert.Equal(3, (await NewStore().ReadAsync("cycle-overtaken", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Events_AreReadBackAsWritten_WithTheirActor_AndAHashChain()
    {
        var store = NewStore();
        await store.AppendAsync("cycle-chain", 0, [Opened("chain")], Meta, CancellationToken.None);
        await store.AppendAsync("cycle-chain", 1, [new SubmissionsClosed(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero))], Meta, CancellationToken.None);

        var events = await NewStore().ReadAsync("cycle-chain", CancellationToken.None);

        Assert.Equal([1, 2], events.Select(e => e.Version).ToArray());
        Assert.Equal(["CycleOpened", "SubmissionsClosed"], events.Select(e => e.Type).ToArray());
        Assert.IsType<CycleOpened>(events[0].Event);
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero), ((SubmissionsClosed)events[1].Event).At);
        Assert.Equal("office", events[0].Metadata.Actor.Role);
        Assert.Equal(events[0].Hash, events[1].PrevHash);
        Assert.Equal(string.Empty, events[0].PrevHash);
    }

    [Fact]
    public async Task ReadModels_LeftPendingByACrash_AreProjectedByTheSweep()
    {
        // A crash right after the append: the events are stored, their side effects (here the
        // cycle index that lists cycles) never ran. The projection sweep timer finishes them.
        var store = NewStore();
        await store.AppendAsync("cycle-crashed-2026", 0, [Opened("crashed-2026")], Meta, CancellationToken.None);
        var before = await (await _app.Anonymous().GetAsync("/api/cycles")).ExpectAsync(200);
        Assert.DoesNotContain("crashed-2026", before.EnumerateArray().Select(c => c.Str("cycleId")));

        var swept = await _app.RunTimerAsync("ProjectionSweep");

        Assert.Contains("1 pending projections run", swept);
        var after = await (await _app.Anonymous().GetAsync("/api/cycles")).ExpectAsync(200);
        Assert.Contains("crashed-2026", after.EnumerateArray().Select(c => c.Str("cycleId")));
        Assert.Empty(await store.ReadPendingProjectionsAsync("cycle-crashed-2026", CancellationToken.None));
    }
}
