using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Cycles;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Tests.Storage;

/// <summary>
/// What a command reads and writes (decision 0023): index rows written without a read first and
/// never replaced by an older version, whichever instance writes; the appended events projected
/// from the command's own state; one read of each stream per command, read again after a conflict;
/// and (decision 0026) a reader told how far a stream was written takes this instance's fold.
/// </summary>
public sealed class CommandStorageTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private EventStore NewStore() => new(_app.Storage, EventCatalog.Instance, _app.Services.GetRequiredService<QualityAward.Functions.Audit.AuditKey>(), _app.Clock);

    /// <summary>Another instance of the app: its own memory of the rows it wrote, the same table.</summary>
    private ReadModels NewReadModels() => new(_app.Storage);

    private static EventMetadata Meta => new(new Actor("office-1", Roles.Office, "市强市办"), Guid.NewGuid().ToString(), null);

    private static CycleOpened Opened(string id) => new(id, "weihai", PolicyLoader.ToJson(PolicyPresets.Get("weihai")), 2026, "测试", new DateOnly(2026, 3, 2), new DateOnly(2026, 4, 30), [], DateTimeOffset.UnixEpoch);

    private static TableEntity Row(string key, string content) => new("test-rows", key) { ["Content"] = content };

    [Fact]
    public async Task IndexRow_OfAnOlderVersion_NeverReplacesANewerOne_WhicheverInstanceWroteEither()
    {
        var a = NewReadModels();
        var b = NewReadModels();

        await a.UpsertAsync(Row("older-newer", "v1"), 1, CancellationToken.None);
        await b.UpsertAsync(Row("older-newer", "v3"), 3, CancellationToken.None);

        // A remembers v1 and its ETag; the row moved on under it. Its late v2 must not land.
        await a.UpsertAsync(Row("older-newer", "v2"), 2, CancellationToken.None);
        // B wrote v3 itself: its own late v2 must not land either.
        await b.UpsertAsync(Row("older-newer", "v2"), 2, CancellationToken.None);
        // And a third instance, which knows nothing of the row, neither.
        await NewReadModels().UpsertAsync(Row("older-newer", "v2"), 2, CancellationToken.None);

        var row = await NewReadModels().GetAsync("test-rows", "older-newer", CancellationToken.None);
        Assert.Equal(("v3", (int?)3), (row!.GetString("Content"), row.GetInt32("Version")));
    }

    [Fact]
    public async Task IndexRow_OfANewerVersion_ReplacesTheRow_AfterAnotherInstanceChangedIt()
    {
        var a = NewReadModels();
        var b = NewReadModels();

        await a.UpsertAsync(Row("newer", "v1"), 1, CancellationToken.None);
        await b.UpsertAsync(Row("newer", "v2"), 2, CancellationToken.None);
        await a.UpsertAsync(Row("newer", "v3"), 3, CancellationToken.None); // A's ETag is stale: it reads the row, then replaces it
        await a.UpsertAsync(Row("newer", "v4"), 4, CancellationToken.None); // its own ETag now: replaced at once

        var row = await NewReadModels().GetAsync("test-rows", "newer", CancellationToken.None);
        Assert.Equal(("v4", (int?)4), (row!.GetString("Content"), row.GetInt32("Version")));
    }

    [Fact]
    public async Task IndexRow_DeletedBehindTheInstanceThatWroteIt_IsWrittenAgain()
    {
        var a = NewReadModels();
        await a.UpsertAsync(Row("deleted", "v1"), 1, CancellationToken.None);
        await a.Table.DeleteEntityAsync("test-rows", "deleted", Azure.ETag.All);

        await a.UpsertAsync(Row("deleted", "v2"), 2, CancellationToken.None);

        var row = await NewReadModels().GetAsync("test-rows", "deleted", CancellationToken.None);
        Assert.Equal(("v2", (int?)2), (row!.GetString("Content"), row.GetInt32("Version")));
    }

    [Fact]
    public async Task IndexRows_WrittenAtOnceByRacingInstances_EndAtTheNewestVersion()
    {
        var writers = Enumerable.Range(0, 4).Select(_ => NewReadModels()).ToList();

        await Task.WhenAll(Enumerable.Range(1, 8).Select(v => writers[v % writers.Count].UpsertAsync(Row("race", $"v{v}"), v, CancellationToken.None)));

        var row = await NewReadModels().GetAsync("test-rows", "race", CancellationToken.None);
        Assert.Equal(("v8", (int?)8), (row!.GetString("Content"), row.GetInt32("Version")));
    }

    [Fact]
    public async Task Command_ProjectsWhatItAppended_FromItsOwnState_AndLeavesNoMarker()
    {
        var streams = _app.Services.GetRequiredService<Streams>();
        var readModels = _app.Services.GetRequiredService<ReadModels>();

        await streams.RunAsync(StreamKinds.Cycle, "cycle-projected-2026", _ => ValueTask.FromResult(Decision<ICycleEvent>.Accept(Opened("projected-2026"))), Meta, CancellationToken.None);
        var opened = await readModels.GetAsync(CycleIndex.Partition, "projected-2026", CancellationToken.None);
        await streams.RunAsync(StreamKinds.Cycle, "cycle-projected-2026", _ => ValueTask.FromResult(Decision<ICycleEvent>.Accept(new SubmissionsClosed(DateTimeOffset.UnixEpoch))), Meta, CancellationToken.None);
        var closed = await readModels.GetAsync(CycleIndex.Partition, "projected-2026", CancellationToken.None);

        Assert.Equal(((int?)1, (bool?)false), (opened!.GetInt32("Version"), opened.GetBoolean("SubmissionsClosed")));
        Assert.Equal(((int?)2, (bool?)true), (closed!.GetInt32("Version"), closed.GetBoolean("SubmissionsClosed")));
        Assert.Empty(await streams.Store.ReadPendingProjectionsAsync("cycle-projected-2026", CancellationToken.None));
    }

    [Fact]
    public async Task ReadOnce_ServesAStreamAsFirstRead_UntilTheScopeEnds()
    {
        var store = _app.Services.GetRequiredService<EventStore>();
        await NewStore().AppendAsync("cycle-once-2026", 0, [Opened("once-2026")], Meta, CancellationToken.None);

        int inScope, afterScope;
        using (store.ReadOnce())
        {
            Assert.Single(await store.ReadAsync("cycle-once-2026", CancellationToken.None));
            await NewStore().AppendAsync("cycle-once-2026", 1, [new SubmissionsClosed(DateTimeOffset.UnixEpoch)], Meta, CancellationToken.None);
            inScope = (await store.ReadAsync("cycle-once-2026", CancellationToken.None)).Count;
        }

        afterScope = (await store.ReadAsync("cycle-once-2026", CancellationToken.None)).Count;
        Assert.Equal((1, 2), (inScope, afterScope));
    }

    [Fact]
    public async Task Command_InAReadOnceScope_OvertakenByAnotherWriter_ReadsTheStreamAgain_AndAppendsAfterIt()
    {
        var streams = _app.Services.GetRequiredService<Streams>();
        await NewStore().AppendAsync("cycle-once-overtaken-2026", 0, [Opened("once-overtaken-2026")], Meta, CancellationToken.None);

        var decidedOn = new List<bool>();
        CommandOutcome<CycleState> outcome;
        using (streams.Store.ReadOnce())
        {
            // The stream is read in the scope, then another instance appends to it.
            await streams.Store.ReadAsync("cycle-once-overtaken-2026", CancellationToken.None);
            await NewStore().AppendAsync("cycle-once-overtaken-2026", 1, [new SubmissionsClosed(DateTimeOffset.UnixEpoch)], Meta, CancellationToken.None);

            outcome = await streams.RunAsync(
                StreamKinds.Cycle,
                "cycle-once-overtaken-2026",
                cycle =>
                {
                    decidedOn.Add(cycle.SubmissionsClosed);
                    return ValueTask.FromResult(Decision<ICycleEvent>.Accept(new SubmissionsClosed(DateTimeOffset.UnixEpoch.AddDays(1))));
                },
                Meta,
                CancellationToken.None);
        }

        // Decided on the scope's read, refused by the store, decided again on a fresh read: not stuck on the stale one.
        Assert.Equal([false, true], decidedOn);
        Assert.Null(outcome.Refusal);
        Assert.Equal(3, Assert.Single(outcome.Appended).Version);
        var chain = await NewStore().ReadAsync("cycle-once-overtaken-2026", CancellationToken.None);
        Assert.Equal(chain[1].Hash, chain[2].PrevHash);
    }

    [Fact]
    public async Task Append_WithoutAReadFirst_ChainsToTheStoredLastEvent()
    {
        // An instance that never read the stream appends at the version it was told: it reads the
        // link it chains to (only the caller that read the stream is spared that read).
        await NewStore().AppendAsync("cycle-unread-2026", 0, [Opened("unread-2026")], Meta, CancellationToken.None);

        await NewStore().AppendAsync("cycle-unread-2026", 1, [new SubmissionsClosed(DateTimeOffset.UnixEpoch)], Meta, CancellationToken.None);

        var events = await NewStore().ReadAsync("cycle-unread-2026", CancellationToken.None);
        Assert.Equal(events[0].Hash, events[1].PrevHash);
    }

    [Fact]
    public async Task LoadAtLeast_TakesThisInstancesFold_WhenItIsThatFar_AndReadsStorage_WhenItIsBehind()
    {
        // Decision 0026: a reader told how far a stream was written (a wake-up's hint).
        var streams = _app.Services.GetRequiredService<Streams>();
        const string stream = "cycle-hinted-2026";
        await NewStore().AppendAsync(stream, 0, [Opened("hinted-2026")], Meta, CancellationToken.None);
        Assert.False((await streams.LoadAsync(StreamKinds.Cycle, stream, CancellationToken.None)).SubmissionsClosed);
        Assert.Equal(1, streams.KnownVersion(stream));

        // Another instance closes submissions: this one's fold is now behind storage.
        await NewStore().AppendAsync(stream, 1, [new SubmissionsClosed(DateTimeOffset.UnixEpoch)], Meta, CancellationToken.None);

        // Told version 1: its fold is that far, so it answers from it (storage is not asked: it would say closed).
        Assert.False((await streams.LoadAtLeastAsync(StreamKinds.Cycle, stream, 1, CancellationToken.None)).SubmissionsClosed);

        // Told version 2, or nothing: its fold is behind, so it reads storage, and keeps that fold.
        Assert.True((await streams.LoadAtLeastAsync(StreamKinds.Cycle, stream, 2, CancellationToken.None)).SubmissionsClosed);
        Assert.Equal(2, streams.KnownVersion(stream));
        await NewStore().AppendAsync(stream, 2, [new SubmissionWindowExtended(new DateOnly(2026, 5, 8), "测试", DateTimeOffset.UnixEpoch)], Meta, CancellationToken.None);
        await streams.LoadAtLeastAsync(StreamKinds.Cycle, stream, null, CancellationToken.None);
        Assert.Equal(3, streams.KnownVersion(stream));
    }
}
