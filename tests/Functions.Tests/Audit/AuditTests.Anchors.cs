using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Functions.Audit;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Audit;

/// <summary>
/// Anchors outside the table: the AuditAnchor timer writes every stream's head to a new blob and
/// never overwrites one; the verifier compares the streams with the newest valid anchor, so a
/// removed last event or a whole removed stream shows, and a tampered anchor is named.
/// </summary>
public sealed partial class AuditTests
{
    private BlobContainerClient Anchors => _app.Storage.Container(AuditAnchors.Container);

    private async Task<List<string>> AnchorNamesAsync()
    {
        var names = new List<string>();
        await foreach (var blob in Anchors.GetBlobsAsync())
        {
            names.Add(blob.Name);
        }

        return names;
    }

    private async Task<string> AnchorAsync()
    {
        var (status, log) = await _app.FireAuditAnchorAsync();
        Assert.True(status == 200, log);
        _app.Clock.Advance(TimeSpan.FromHours(1));
        return log;
    }

    [Fact]
    public async Task AnchorTimer_WritesTheHeadOfEveryStream_WithAValidMac()
    {
        var id = await SubmittedAsync();
        var stream = ApplicationId.Parse(id).Value.StreamId;
        var store = _app.Services.GetRequiredService<EventStore>();
        var head = (await store.ReadAsync(stream, CancellationToken.None))[^1];
        var cycleHead = (await store.ReadAsync("cycle-weihai-2026", CancellationToken.None))[^1];

        await AnchorAsync();

        var name = Assert.Single(await AnchorNamesAsync());
        Assert.Matches(@"^\d{8}T\d{6}\.\d{7}Z\.json$", name);
        var anchor = (await Anchors.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToObjectFromJson<AnchorDocument>(new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
        var heads = anchor.Streams.ToDictionary(s => s.StreamId);
        Assert.Equal(head.Version, heads[stream].Version);
        Assert.Equal(head.Hash, heads[stream].Hash);
        Assert.Equal(cycleHead.Version, heads["cycle-weihai-2026"].Version);
        Assert.Equal(cycleHead.Hash, heads["cycle-weihai-2026"].Hash);
        Assert.Null(anchor.Previous);
        Assert.True(Domain.Audit.AuditChain.AnchorMacMatches(_app.Services.GetRequiredService<AuditKey>().Bytes, anchor.CreatedAt, anchor.Previous, anchor.Streams, anchor.Mac));
    }

    [Fact]
    public async Task AnchorTimer_NeverOverwritesAnAnchor_AndWritesANewOneEachTime()
    {
        await SubmittedAsync();
        Assert.Equal(200, (await _app.FireAuditAnchorAsync()).Status);
        var name = Assert.Single(await AnchorNamesAsync());
        var before = (await Anchors.GetBlobClient(name).GetPropertiesAsync()).Value;

        // Same instant, same name: the write is refused (If-None-Match: *), the anchor is untouched and the host retries later.
        await SubmittedAsync(); // the heads moved on: an overwrite would change the blob
        var (status, log) = await _app.FireAuditAnchorAsync();
        Assert.Equal(500, status);
        Assert.Contains("never overwritten", log, StringComparison.Ordinal);
        var after = (await Anchors.GetBlobClient(name).GetPropertiesAsync()).Value;
        Assert.Equal(before.ETag, after.ETag);
        Assert.Equal(before.LastModified, after.LastModified);

        _app.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(200, (await _app.FireAuditAnchorAsync()).Status);
        Assert.Equal(2, (await AnchorNamesAsync()).Count);
        Assert.Equal(before.ETag, (await Anchors.GetBlobClient(name).GetPropertiesAsync()).Value.ETag);
    }

    [Fact]
    public async Task Verify_WithAnAnchor_WhenNothingWasTouched_IsIntact_AndSaysWhichAnchorItChecked()
    {
        await SubmittedAsync();
        await AnchorAsync();
        await SubmittedAsync(); // streams moved on after the anchor: still intact

        var report = await VerifyAsync();

        Assert.True(report.GetProperty("intact").GetBoolean(), report.ToString());
        Assert.Equal(Assert.Single(await AnchorNamesAsync()), report.Str("anchor"));
        Assert.True(report.GetProperty("anchoredStreams").GetInt32() >= 2);
        var output = new StringWriter();
        Assert.Equal(0, await AuditVerifier.RunCommandAsync(CommandConfiguration(), output, CancellationToken.None));
        Assert.Contains($"anchor {report.Str("anchor")} checked", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AfterTheLastEventOfAStreamIsRemovedAfterAnAnchor_ReportsTruncation()
    {
        var id = await SubmittedAsync();
        var stream = ApplicationId.Parse(id).Value.StreamId;
        var last = (await _app.Services.GetRequiredService<EventStore>().ReadAsync(stream, CancellationToken.None))[^1].Version;
        await AnchorAsync();

        // Without an anchor this would be an intact, shorter chain.
        await Events.DeleteEntityAsync(stream, EventStore.Key(last), ETag.All);

        var report = await VerifyAsync(full: true);
        var first = report.GetProperty("firstBreak");
        Assert.Equal(stream, first.Str("streamId"));
        Assert.Equal(last, first.GetProperty("version").GetInt32());
        Assert.Equal("audit.events-truncated", first.Str("code"));
        Assert.Contains("已被删除", first.Str("zh"), StringComparison.Ordinal);
        var output = new StringWriter();
        Assert.Equal(1, await AuditVerifier.RunCommandAsync(CommandConfiguration(), output, CancellationToken.None));
        Assert.Contains($"BROKEN: stream {stream}, version {last}", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("audit.events-truncated", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AfterAWholeStreamIsRemovedAfterAnAnchor_ReportsTruncationFromItsFirstEvent()
    {
        var id = await SubmittedAsync();
        var stream = ApplicationId.Parse(id).Value.StreamId;
        await AnchorAsync();
        await foreach (var row in Events.QueryAsync<Azure.Data.Tables.TableEntity>(r => r.PartitionKey == stream))
        {
            await Events.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All);
        }

        var first = (await VerifyAsync(full: true)).GetProperty("firstBreak");
        Assert.Equal(stream, first.Str("streamId"));
        Assert.Equal(1, first.GetProperty("version").GetInt32());
        Assert.Equal("audit.events-truncated", first.Str("code"));
    }

    [Fact]
    public async Task Verify_WhenTheNewestAnchorWasAltered_NamesIt_AndChecksAgainstTheOlderValidOne()
    {
        await SubmittedAsync();
        await AnchorAsync();
        var later = ApplicationId.Parse(await SubmittedAsync()).Value.StreamId; // the second anchor records this new stream
        await AnchorAsync();
        var names = (await AnchorNamesAsync()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, names.Count);

        // Someone lowers the new stream's anchored version in the newest anchor (to hide a truncation).
        var blob = Anchors.GetBlobClient(names[1]);
        var json = JsonNode.Parse((await blob.DownloadContentAsync()).Value.Content.ToString())!;
        var head = json["streams"]!.AsArray().Single(s => (string?)s!["streamId"] == later)!;
        head["version"] = (int)head["version"]! - 1;
        await blob.UploadAsync(BinaryData.FromString(json.ToJsonString()), overwrite: true);

        var report = await VerifyAsync();
        Assert.False(report.GetProperty("intact").GetBoolean());
        var first = report.GetProperty("firstBreak");
        Assert.Equal("audit.anchor-invalid", first.Str("code"));
        Assert.Equal(names[1], first.Str("anchor"));
        Assert.Equal(names[0], report.Str("anchor"));
        Assert.Equal(2, report.GetProperty("anchorsRead").GetInt32());
        Assert.Single(report.GetProperty("breaks").EnumerateArray());
        var output = new StringWriter();
        Assert.Equal(1, await AuditVerifier.RunCommandAsync(CommandConfiguration(), output, CancellationToken.None));
        Assert.Contains($"BROKEN: anchor {names[1]}", output.ToString(), StringComparison.Ordinal);
    }

    private IConfiguration CommandConfiguration() => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Storage:ConnectionString"] = azurite.ConnectionString,
        ["Storage:Prefix"] = _app.Prefix,
        ["Audit:ChainKey"] = TestApp.ChainKey,
    }).Build();
}
