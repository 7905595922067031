using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Audit;

/// <summary>
/// Verification proportional to change (issue 20): with a valid anchor, <c>GET /api/audit/verify</c>
/// reads only the rows written or rewritten since it and says so; <c>?full=true</c> reads every row.
/// These tests run an app with no overlap before the anchor (<c>Audit:VerifyOverlap</c> 0), so that
/// "since the anchor" is exactly that within a test's few seconds.
/// </summary>
public sealed partial class AuditTests
{
    private async Task<TestApp> AppWithoutOverlapAsync()
    {
        var app = await TestApp.StartAsync(azurite, configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Audit:VerifyOverlap"] = "00:00:00" }));
        await (await app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);
        return app;
    }

    private static async Task<string> SubmitOnAsync(TestApp app)
    {
        var subject = "applicant-" + Guid.NewGuid().ToString("N");
        return await Applicants.SubmitWeihaiAsync(app, app.As(Roles.Applicant, subject: subject), subject);
    }

    /// <summary>
    /// Anchor; a second later than the writes before it, since a blob listing gives the anchor's
    /// time to the second (the since-anchor check starts at that second: it re-reads, never skips).
    /// </summary>
    private static async Task AnchorOnAsync(TestApp app)
    {
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        var (status, log) = await app.FireAuditAnchorAsync();
        Assert.True(status == 200, log);
        app.Clock.Advance(TimeSpan.FromHours(1));
    }

    private static async Task<JsonElement> VerifyOnAsync(TestApp app, bool full = false) =>
        await (await app.As(Roles.Supervisor).GetAsync(full ? "/api/audit/verify?full=true" : "/api/audit/verify")).ExpectAsync(200);

    [Fact]
    public async Task Verify_WithoutAnAnchor_ReadsEveryEvent_AndSaysFull()
    {
        await SubmittedAsync();

        var report = await VerifyAsync();

        Assert.Equal("full", report.Str("scope"));
        Assert.True(report.GetProperty("intact").GetBoolean());
        Assert.Contains("全量核验", report.Str("summary"), StringComparison.Ordinal);
        Assert.Contains("Full verification", report.Str("summaryEn"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AfterAnAnchor_ChecksOnlyWhatWasWrittenSince_AndFullChecksEverything()
    {
        await using var app = await AppWithoutOverlapAsync();
        await SubmitOnAsync(app);
        await SubmitOnAsync(app);
        await AnchorOnAsync(app);
        var anchor = (await VerifyOnAsync(app, full: true)).Str("anchor");

        // After the anchor, one new draft.
        var draft = (await (await app.As(Roles.Applicant).PostJsonAsync("/api/cycles/weihai-2026/applications", new { category = "organisation" })).ExpectAsync(201)).Str("applicationId");
        var draftEvents = (await app.Storage.Table(StorageClients.EventsTable)
            .QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {ApplicationId.Parse(draft).Value.StreamId} and RowKey lt {"~pending-"}")).ToListAsync()).Count;

        var since = await VerifyOnAsync(app);
        var full = await VerifyOnAsync(app, full: true);

        Assert.Equal("sinceAnchor", since.Str("scope"));
        Assert.Equal(anchor, since.Str("anchor"));
        Assert.True(since.GetProperty("intact").GetBoolean());
        // The draft's events (and any a stream it touched got since), not the two submitted applications'.
        Assert.InRange(since.GetProperty("events").GetInt32(), draftEvents, full.GetProperty("events").GetInt32() - 10);
        Assert.True(since.GetProperty("streams").GetInt32() < full.GetProperty("streams").GetInt32() - 1);
        Assert.Contains("增量核验", since.Str("summary"), StringComparison.Ordinal);
        Assert.Contains("?full=true", since.Str("summary"), StringComparison.Ordinal);

        Assert.Equal("full", full.Str("scope"));
        Assert.True(full.GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task Verify_SinceAnchor_DoesNotClaimEventsDeletedBeforeTheAnchor_WhichFullFinds()
    {
        await using var app = await AppWithoutOverlapAsync();
        var stream = ApplicationId.Parse(await SubmitOnAsync(app)).Value.StreamId;
        await AnchorOnAsync(app);

        // Someone with storage access removes an anchored event: no row is written, so nothing changed "since".
        await app.Storage.Table(StorageClients.EventsTable).DeleteEntityAsync(stream, EventStore.Key(2), ETag.All);

        var since = await VerifyOnAsync(app);
        Assert.Equal("sinceAnchor", since.Str("scope"));
        Assert.Equal(0, since.GetProperty("events").GetInt32());
        // Its words vouch only for what it read, and point to the full check for deletions before.
        Assert.DoesNotContain("全部", since.Str("summary"), StringComparison.Ordinal);
        Assert.Contains("未重读", since.Str("summary"), StringComparison.Ordinal);
        Assert.Contains("只有全量核验（?full=true）能发现", since.Str("summary"), StringComparison.Ordinal);
        Assert.Contains("not read again", since.Str("summaryEn"), StringComparison.Ordinal);

        var full = await VerifyOnAsync(app, full: true);
        Assert.Equal("full", full.Str("scope"));
        Assert.False(full.GetProperty("intact").GetBoolean());
        var first = full.GetProperty("firstBreak");
        Assert.Equal(stream, first.Str("streamId"));
        Assert.Equal(2, first.GetProperty("version").GetInt32());
        Assert.Equal("audit.event-missing", first.Str("code"));
    }

    [Fact]
    public async Task Verify_SinceAnchor_FindsAnAnchoredRowRewrittenAfterTheAnchor()
    {
        await using var app = await AppWithoutOverlapAsync();
        var stream = ApplicationId.Parse(await SubmitOnAsync(app)).Value.StreamId;
        await AnchorOnAsync(app);

        // Rewriting a row gives it a new table time: the since-anchor check reads it and its hash no longer fits.
        var events = app.Storage.Table(StorageClients.EventsTable);
        var row = (await events.GetEntityAsync<TableEntity>(stream, EventStore.Key(2))).Value;
        var altered = new TableEntity(stream, EventStore.Key(2)) { ["Data"] = row.GetString("Data").Replace("威海精工机械有限公司", "威海另一家有限公司", StringComparison.Ordinal) };
        await events.UpdateEntityAsync(altered, ETag.All, TableUpdateMode.Merge);

        var since = await VerifyOnAsync(app);

        Assert.Equal("sinceAnchor", since.Str("scope"));
        Assert.False(since.GetProperty("intact").GetBoolean());
        var first = since.GetProperty("firstBreak");
        Assert.Equal(stream, first.Str("streamId"));
        Assert.Equal(2, first.GetProperty("version").GetInt32());
        Assert.Equal("audit.content-altered", first.Str("code"));
    }
}
