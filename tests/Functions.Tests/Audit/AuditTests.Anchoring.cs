using Azure;
using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Domain.Audit;
using QualityAward.Functions.Audit;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Audit;

/// <summary>
/// Anchoring checks before it records, and the verifier walks every anchor by its signed time:
/// events removed after an anchor stay a break at every later anchoring and verification (an
/// anchor never moves a stream back or forgets one); a copy of an old anchor under a far-future
/// name, an anchor signed in the future and an anchor that takes a stream back are breaks, never
/// the anchor the streams are checked against.
/// </summary>
public sealed partial class AuditTests
{
    private async Task<List<string>> OrderedAnchorNamesAsync() => (await AnchorNamesAsync()).Order(StringComparer.Ordinal).ToList();

    private async Task<AnchorDocument> AnchorDocumentAsync(string name) =>
        (await Anchors.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToObjectFromJson<AnchorDocument>(new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;

    private async Task<int> LastVersionAsync(string stream) =>
        (await _app.Services.GetRequiredService<EventStore>().ReadAsync(stream, CancellationToken.None))[^1].Version;

    private async Task DeleteStreamAsync(string stream)
    {
        await foreach (var row in Events.QueryAsync<Azure.Data.Tables.TableEntity>(r => r.PartitionKey == stream))
        {
            await Events.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All);
        }
    }

    /// <summary>An anchor written by someone holding the chain key (or by a clock gone wrong): valid MAC, any time, any heads.</summary>
    private async Task<string> ForgeAnchorAsync(DateTimeOffset at, AnchorLink? previous, StreamHead[] heads, string? name = null)
    {
        var anchor = AnchorChain.Sign(_app.Services.GetRequiredService<AuditKey>().Bytes, at, previous, heads);
        name ??= AnchorChain.NameFor(anchor.CreatedAt);
        await Anchors.GetBlobClient(name).UploadAsync(BinaryData.FromObjectAsJson(
            new AnchorDocument(AuditAnchors.Format, anchor.CreatedAt, anchor.Previous, anchor.Streams, anchor.Mac),
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)));
        return name;
    }

    [Fact]
    public async Task Anchoring_AfterAnAnchoredStreamLostItsLastEvents_ReportsIt_RecordsNoShorterHead_AndVerifyKeepsReportingIt()
    {
        var stream = ApplicationId.Parse(await SubmittedAsync()).Value.StreamId;
        var last = await LastVersionAsync(stream);
        await AnchorAsync();

        // Before the next hourly anchoring, someone with write access to the table removes the
        // stream's last two events; other streams move on, so the next anchoring writes an anchor.
        await Events.DeleteEntityAsync(stream, EventStore.Key(last), ETag.All);
        await Events.DeleteEntityAsync(stream, EventStore.Key(last - 1), ETag.All);
        await SubmittedAsync();
        var log = await AnchorAsync();

        Assert.Contains("break(s) not anchored, first audit.events-truncated in " + stream, log, StringComparison.Ordinal);
        var names = await OrderedAnchorNamesAsync();
        Assert.Equal(2, names.Count);
        Assert.DoesNotContain((await AnchorDocumentAsync(names[1])).Streams, h => h.StreamId == stream);

        // Full verification reports the truncation against the anchor that recorded the stream, now
        // and after later anchorings (a deletion writes no row: the since-anchor check cannot see it).
        for (var round = 0; round < 2; round++)
        {
            var report = await VerifyAsync(full: true);
            Assert.False(report.GetProperty("intact").GetBoolean(), report.ToString());
            var first = report.GetProperty("firstBreak");
            Assert.Equal(stream, first.Str("streamId"));
            Assert.Equal(last - 1, first.GetProperty("version").GetInt32());
            Assert.Equal("audit.events-truncated", first.Str("code"));
            Assert.Equal(names[0], first.Str("anchor"));
            await SubmittedAsync();
            await AnchorAsync();
        }
    }

    [Fact]
    public async Task Anchoring_AfterAWholeAnchoredStreamWasRemoved_NeverDropsIt()
    {
        var stream = ApplicationId.Parse(await SubmittedAsync()).Value.StreamId;
        await AnchorAsync();
        await DeleteStreamAsync(stream);
        await SubmittedAsync();

        var log = await AnchorAsync();

        Assert.Contains("first audit.events-truncated in " + stream + " at version 1", log, StringComparison.Ordinal);
        var first = (await VerifyAsync(full: true)).GetProperty("firstBreak");
        Assert.Equal(stream, first.Str("streamId"));
        Assert.Equal(1, first.GetProperty("version").GetInt32());
        Assert.Equal("audit.events-truncated", first.Str("code"));
    }

    [Fact]
    public async Task Anchoring_AStreamWhoseNewEventsWereAltered_IsNotAnchoredPastItsLastGoodEvent()
    {
        var stream = ApplicationId.Parse(await SubmittedAsync()).Value.StreamId;
        var last = await LastVersionAsync(stream);

        // Not anchored yet; an event is altered without the key before the first anchoring.
        var row = (await Events.GetEntityAsync<Azure.Data.Tables.TableEntity>(stream, EventStore.Key(2))).Value;
        row["ActorName"] = "改写";
        await Events.UpdateEntityAsync(row, ETag.All, Azure.Data.Tables.TableUpdateMode.Replace);

        var log = await AnchorAsync();

        Assert.Contains("audit.content-altered in " + stream + " at version 2", log, StringComparison.Ordinal);
        var recorded = (await AnchorDocumentAsync(Assert.Single(await AnchorNamesAsync()))).Streams.Single(h => h.StreamId == stream);
        Assert.Equal(1, recorded.Version);
        Assert.True(last > 2);
    }

    [Fact]
    public async Task Verify_WhenAnOldAnchorIsCopiedUnderAFarFutureName_ReportsTheCopy_AndStillChecksTheNewestBySignedTime()
    {
        await SubmittedAsync();
        await AnchorAsync();
        var later = ApplicationId.Parse(await SubmittedAsync()).Value.StreamId;
        await AnchorAsync();
        var names = await OrderedAnchorNamesAsync();

        // WORM stops changing anchors, not creating new ones: delete the later stream and replay
        // the first anchor (which never knew it) under a name that sorts last.
        await DeleteStreamAsync(later);
        const string replay = "99991231T235959.9999999Z.json";
        await Anchors.GetBlobClient(replay).UploadAsync((await Anchors.GetBlobClient(names[0]).DownloadContentAsync()).Value.Content);

        var report = await VerifyAsync(full: true);

        Assert.False(report.GetProperty("intact").GetBoolean(), report.ToString());
        Assert.Equal(names[1], report.Str("anchor"));
        Assert.Equal(3, report.GetProperty("anchorsRead").GetInt32());
        var breaks = report.GetProperty("breaks").EnumerateArray().Select(b => (b.Str("code"), b.Str("anchor"), b.Str("streamId"))).ToList();
        Assert.Contains(("audit.anchor-misnamed", replay, string.Empty), breaks);
        Assert.Contains(("audit.events-truncated", names[1], later), breaks);
        var output = new StringWriter();
        Assert.Equal(1, await AuditVerifier.RunCommandAsync(CommandConfiguration(), output, CancellationToken.None));
        Assert.Contains($"BROKEN: anchor {replay}", output.ToString(), StringComparison.Ordinal);
        Assert.Contains($"anchor {names[1]} checked", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AnAnchorSignedInTheFuture_IsRefused_NotTakenAsTheNewest()
    {
        var stream = ApplicationId.Parse(await SubmittedAsync()).Value.StreamId;
        await AnchorAsync();
        var name = Assert.Single(await AnchorNamesAsync());
        var genuine = await AnchorDocumentAsync(name);

        var future = await ForgeAnchorAsync(_app.Clock.GetUtcNow().AddDays(2), new AnchorLink(name, genuine.Mac), [new StreamHead(stream, 999, "ff")]);

        var report = await VerifyAsync();
        var first = report.GetProperty("firstBreak");
        Assert.Equal("audit.anchor-future", first.Str("code"));
        Assert.Equal(future, first.Str("anchor"));
        Assert.Equal(name, report.Str("anchor"));
        Assert.Single(report.GetProperty("breaks").EnumerateArray());
    }

    [Fact]
    public async Task Verify_AnAnchorThatTakesAStreamBack_IsARollback_AndTheHigherHeadIsStillChecked()
    {
        var stream = ApplicationId.Parse(await SubmittedAsync()).Value.StreamId;
        var last = await LastVersionAsync(stream);
        await AnchorAsync();
        var name = Assert.Single(await AnchorNamesAsync());
        var genuine = await AnchorDocumentAsync(name);

        // Correctly named, signed and linked, but it records the stream two events back; then
        // those two events are removed, as the rollback would hide.
        var back = (await Events.GetEntityAsync<Azure.Data.Tables.TableEntity>(stream, EventStore.Key(last - 2))).Value.GetString("Hash");
        var rollback = await ForgeAnchorAsync(_app.Clock.GetUtcNow(), new AnchorLink(name, genuine.Mac), [new StreamHead(stream, last - 2, back)]);
        await Events.DeleteEntityAsync(stream, EventStore.Key(last), ETag.All);
        await Events.DeleteEntityAsync(stream, EventStore.Key(last - 1), ETag.All);

        // Deleting rows writes none: only the full verification reads the anchored events again.
        var report = await VerifyAsync(full: true);

        Assert.Equal(rollback, report.Str("anchor"));
        var breaks = report.GetProperty("breaks").EnumerateArray().Select(b => (b.Str("code"), b.Str("anchor"), b.Str("streamId"))).ToList();
        Assert.Contains(("audit.anchor-rollback", rollback, stream), breaks);
        Assert.Contains(("audit.events-truncated", name, stream), breaks);
    }
}
