using System.Net.Http.Json;
using System.Security.Cryptography;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using QualityAward.Domain;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Applications;

/// <summary>
/// The UploadSweep timer: a direct-upload grant whose address expired (15 minutes by default)
/// more than the grace ago (1 hour) without being completed loses its staging blob and its row;
/// completing it then answers 410. Expiry is on the wall clock the SAS is checked against, which
/// these tests move (the SAS itself is checked by Azurite against real time, and every upload here
/// happens before the wall clock moves).
/// </summary>
public sealed class DirectUploadSweepTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private static readonly TimeSpan PastGrace = TimeSpan.FromMinutes(15) + TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1);

    // Whole seconds, so an expiry stored in the table compares exactly with the clock.
    private readonly FakeTimeProvider _wall = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    private TestApp _app = null!;
    private HttpClient _applicant = null!;
    private string _applicationId = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite, configure: b => b.Services.AddSingleton(new WallClock(_wall)));
        await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);
        _applicant = _app.As(Roles.Applicant, subject: "sweep-owner");
        var created = await (await _applicant.PostJsonAsync("/api/cycles/weihai-2026/applications", new { category = "organisation" })).ExpectAsync(201);
        _applicationId = created.Str("applicationId");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static byte[] Pdf(int size, int seed = 7)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        "%PDF-1.7\n1 0 obj\n<< >>\nstream\n"u8.CopyTo(bytes);
        return bytes;
    }

    private static string Sha(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Ask for an address and, with content, upload through it as a client would.</summary>
    private async Task<string> GrantAsync(byte[]? content, long size = 64 * 1024)
    {
        var grant = await (await _applicant.PostJsonAsync($"/api/applications/{_applicationId}/documents/uploads", new { kind = "evidence", tradeSecret = false, name = "证明材料.pdf", size = content?.Length ?? size })).ExpectAsync(200);
        if (content is not null)
        {
            await new BlobClient(new Uri(grant.Str("uploadUrl"))).UploadAsync(new MemoryStream(content));
        }

        return grant.Str("uploadId");
    }

    private Task<HttpResponseMessage> CompleteAsync(string uploadId, byte[] content) =>
        _applicant.PostJsonAsync($"/api/applications/{_applicationId}/documents/uploads/{uploadId}/complete", new { sha256 = Sha(content) });

    private TableClient Index => _app.Storage.Table(StorageClients.IndexTable);

    private async Task<TableEntity?> RowAsync(string uploadId)
    {
        var row = await Index.GetEntityIfExistsAsync<TableEntity>("upload", uploadId);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>Every blob of this application: staging (<c>uploads/…</c>) and attached (<c>applications/…</c>).</summary>
    private async Task<List<string>> BlobsAsync() =>
        await _app.Storage.Container("documents").GetBlobsAsync(BlobTraits.None, BlobStates.None, null, CancellationToken.None)
            .Select(b => b.Name).Where(n => n.Contains(_applicationId, StringComparison.Ordinal)).ToListAsync();

    private async Task<List<string>> DocumentIdsAsync()
    {
        var app = await (await _applicant.GetAsync($"/api/applications/{_applicationId}")).ExpectAsync(200);
        return app.GetProperty("documents").EnumerateArray().Select(d => d.Str("documentId")).ToList();
    }

    /// <summary>Everything the sweep could change: the grants' rows (with their ETags) and the blobs (with theirs).</summary>
    private async Task<List<string>> SnapshotAsync()
    {
        var rows = await Index.QueryAsync<TableEntity>(r => r.PartitionKey == "upload").Select(r => $"{r.RowKey} {r.ETag}").ToListAsync();
        var blobs = await _app.Storage.Container("documents").GetBlobsAsync(BlobTraits.None, BlobStates.None, null, CancellationToken.None)
            .Select(b => $"{b.Name} {b.Properties.ETag}").ToListAsync();
        return [.. rows.Order(StringComparer.Ordinal), .. blobs.Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task AnExpiredGrant_NeverCompleted_LosesItsBlobAndItsRow_AndCompletingItIsGone()
    {
        var content = Pdf(64 * 1024);
        var uploaded = await GrantAsync(content);
        var never = await GrantAsync(null);
        Assert.Equal([$"uploads/{_applicationId}/{uploaded}"], await BlobsAsync());

        _wall.Advance(PastGrace);
        var log = await _app.FireUploadSweepAsync();

        Assert.StartsWith("2 expired uploads swept, 1 staging blobs deleted", log, StringComparison.Ordinal);
        Assert.Empty(await BlobsAsync());
        foreach (var id in new[] { uploaded, never })
        {
            // What remains is a marker without the grant: no name, kind or size, so nothing can complete it.
            var marker = Assert.IsType<TableEntity>(await RowAsync(id));
            Assert.NotNull(marker.GetDateTimeOffset("SweptAt"));
            Assert.Null(marker.GetString("Name"));
            Assert.Null(marker.GetInt64("Size"));
        }

        var gone = await (await CompleteAsync(uploaded, content)).ExpectAsync(410);
        Assert.Equal("upload.expired", gone.Str("code"));
        Assert.Contains("已过期", gone.Str("detail"), StringComparison.Ordinal);
        Assert.Empty(await DocumentIdsAsync());
        Assert.Empty(await BlobsAsync());

        // The marker goes after its retention (30 days); then the upload is simply unknown.
        _wall.Advance(TimeSpan.FromDays(30));
        Assert.StartsWith("0 expired uploads swept, 0 staging blobs deleted, 2 markers removed", await _app.FireUploadSweepAsync(), StringComparison.Ordinal);
        Assert.Null(await RowAsync(uploaded));
        Assert.Null(await RowAsync(never));
        Assert.Equal("upload.not-found", (await (await CompleteAsync(uploaded, content)).ExpectAsync(404)).Str("code"));
    }

    [Fact]
    public async Task AGrantWithinItsGrace_IsUntouched_AndCanStillBeCompleted()
    {
        var content = Pdf(64 * 1024);
        var uploadId = await GrantAsync(content);
        var before = await SnapshotAsync();

        // The address expired 45 minutes ago, within the hour of grace.
        _wall.Advance(TimeSpan.FromHours(1));
        Assert.StartsWith("0 expired uploads swept, 0 staging blobs deleted, 0 markers removed, 1 pending", await _app.FireUploadSweepAsync(), StringComparison.Ordinal);

        Assert.Equal(before, await SnapshotAsync());
        await (await CompleteAsync(uploadId, content)).ExpectAsync(201);
        Assert.Equal([uploadId], await DocumentIdsAsync());
    }

    [Fact]
    public async Task ACompletedUpload_IsUntouched()
    {
        var content = Pdf(64 * 1024);
        var uploadId = await GrantAsync(content);
        await (await CompleteAsync(uploadId, content)).ExpectAsync(201);

        _wall.Advance(PastGrace);
        Assert.StartsWith("0 expired uploads swept, 0 staging blobs deleted, 0 markers removed, 0 pending", await _app.FireUploadSweepAsync(), StringComparison.Ordinal);

        Assert.Equal([$"applications/{_applicationId}/{uploadId}"], await BlobsAsync());
        Assert.Equal([uploadId], await DocumentIdsAsync());
        var download = await _applicant.GetAsync($"/api/applications/{_applicationId}/documents/{uploadId}");
        Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());
        // A retried completion still answers what the first did, long after the address expired.
        Assert.True((await CompleteAsync(uploadId, content)).IsSuccessStatusCode);
    }

    [Fact]
    public async Task AnExpiredGrant_IsRefusedWithGone_EvenBeforeTheSweepRuns()
    {
        var content = Pdf(64 * 1024);
        var uploadId = await GrantAsync(content);

        _wall.Advance(PastGrace);
        var gone = await (await CompleteAsync(uploadId, content)).ExpectAsync(410);

        Assert.Equal("upload.expired", gone.Str("code"));
        Assert.Empty(await DocumentIdsAsync());
        // Another applicant is not told the upload exists.
        var other = _app.As(Roles.Applicant, subject: "sweep-other");
        await (await other.PostJsonAsync($"/api/applications/{_applicationId}/documents/uploads/{uploadId}/complete", new { sha256 = Sha(content) })).ExpectAsync(404);
    }

    [Fact]
    public async Task TheSweep_RunTwice_ChangesNothingTheSecondTime()
    {
        await GrantAsync(Pdf(64 * 1024));
        await GrantAsync(null);
        _wall.Advance(PastGrace);
        await GrantAsync(null); // fresh: its address was just given (nothing uploaded: Azurite checks the SAS against real time)
        Assert.StartsWith("2 expired uploads swept, 1 staging blobs deleted, 0 markers removed, 1 pending", await _app.FireUploadSweepAsync(), StringComparison.Ordinal);
        var after = await SnapshotAsync();

        Assert.StartsWith("0 expired uploads swept, 0 staging blobs deleted, 0 markers removed, 1 pending", await _app.FireUploadSweepAsync(), StringComparison.Ordinal);

        Assert.Equal(after, await SnapshotAsync());
    }

    [Fact]
    public async Task CompletionsRacingTheSweep_EitherKeepTheirFile_OrAreToldItExpired()
    {
        // Eight grants expiring together; the wall clock stands just before the end of their grace
        // and moves one tick at each reading, so the completions and the sweep straddle the
        // deadline in whatever order they run.
        var contents = Enumerable.Range(0, 8).Select(i => Pdf(32 * 1024 + i, seed: i)).ToList();
        var ids = new List<string>();
        foreach (var content in contents)
        {
            ids.Add(await GrantAsync(content));
        }

        _wall.Advance(PastGrace - TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(4));
        _wall.AutoAdvanceAmount = TimeSpan.FromTicks(1);
        var completions = ids.Select((id, i) => CompleteAsync(id, contents[i])).ToList();
        await Task.Delay(15); // let some completions read the clock first
        var sweep = _app.FireUploadSweepAsync();
        var answers = await Task.WhenAll(completions);
        await sweep;
        _wall.AutoAdvanceAmount = TimeSpan.Zero;

        var attached = await DocumentIdsAsync();
        for (var i = 0; i < ids.Count; i++)
        {
            var status = (int)answers[i].StatusCode;
            Assert.True(status is 201 or 410, $"Completion {i} answered {status}: {await answers[i].Content.ReadAsStringAsync()}");
            Assert.Equal(status == 201, attached.Contains(ids[i]));
        }

        // Once everything left is swept, the attached files are intact and nothing else remains.
        _wall.Advance(TimeSpan.FromHours(2));
        await _app.FireUploadSweepAsync();
        Assert.Equal(attached.Select(id => $"applications/{_applicationId}/{id}").Order(StringComparer.Ordinal), (await BlobsAsync()).Order(StringComparer.Ordinal));
        foreach (var id in attached)
        {
            var download = await _applicant.GetAsync($"/api/applications/{_applicationId}/documents/{id}");
            Assert.Equal(contents[ids.IndexOf(id)], await download.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task ACompletedGrantsAddress_CanWriteNothingMore_AndItsTombstoneIsSweptOnceTheAddressHasExpired()
    {
        var content = Pdf(64 * 1024);
        var grant = await (await _applicant.PostJsonAsync($"/api/applications/{_applicationId}/documents/uploads", new { kind = "evidence", tradeSecret = false, name = "证明材料.pdf", size = content.Length })).ExpectAsync(200);
        var (uploadId, sas) = (grant.Str("uploadId"), new Uri(grant.Str("uploadUrl")));
        await new BlobClient(sas).UploadAsync(new MemoryStream(content));
        await (await CompleteAsync(uploadId, content)).ExpectAsync(201);

        // The address has not expired, but its grant is spent: a whole blob, a staged block and a
        // block list are all refused (the staging name is an empty blob under a lease it lacks).
        var put = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => new BlobClient(sas).UploadAsync(new MemoryStream(Pdf(200 * 1024, seed: 9)), overwrite: true));
        Assert.Equal(412, put.Status);
        var block = Convert.ToBase64String("block-0001"u8.ToArray());
        var staged = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => new Azure.Storage.Blobs.Specialized.BlockBlobClient(sas).StageBlockAsync(block, new MemoryStream(Pdf(64 * 1024, seed: 3))));
        Assert.Equal(412, staged.Status);
        var staging = _app.Storage.Container("documents").GetBlobClient($"uploads/{_applicationId}/{uploadId}");
        Assert.Equal(0, (await staging.GetPropertiesAsync()).Value.ContentLength);

        // Once every address that could write that name has expired, the tombstone goes too.
        _wall.Advance(TimeSpan.FromMinutes(20));
        Assert.EndsWith("1 staging blobs without an open grant deleted", await _app.FireUploadSweepAsync(), StringComparison.Ordinal);
        Assert.Equal([$"applications/{_applicationId}/{uploadId}"], await BlobsAsync());
        Assert.Equal(content, (await (await _applicant.GetAsync($"/api/applications/{_applicationId}/documents/{uploadId}")).Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task AStagingBlobOfNoOpenGrant_IsDeletedOnceOlderThanAnAddressLives_NeverBefore()
    {
        // What an address wrote after its grant ended (here: the grant row is gone, as after a completion).
        var content = Pdf(64 * 1024);
        var uploadId = await GrantAsync(content);
        await Index.DeleteEntityAsync("upload", uploadId);

        _wall.Advance(TimeSpan.FromMinutes(5));
        Assert.EndsWith("0 staging blobs without an open grant deleted", await _app.FireUploadSweepAsync(), StringComparison.Ordinal);
        Assert.Equal([$"uploads/{_applicationId}/{uploadId}"], await BlobsAsync());

        _wall.Advance(TimeSpan.FromMinutes(15));
        Assert.EndsWith("1 staging blobs without an open grant deleted", await _app.FireUploadSweepAsync(), StringComparison.Ordinal);
        Assert.Empty(await BlobsAsync());
    }

    [Fact]
    public async Task MoreWrittenThanDeclared_IsRefusedAndDeleted_CommittedOrInUncommittedBlocks()
    {
        // A grant for 1,000 bytes and a file of 110 KiB through its address.
        var large = Pdf(110 * 1024);
        var grant = await (await _applicant.PostJsonAsync($"/api/applications/{_applicationId}/documents/uploads", new { kind = "evidence", tradeSecret = false, name = "证明材料.pdf", size = 1000 })).ExpectAsync(200);
        await new BlobClient(new Uri(grant.Str("uploadUrl"))).UploadAsync(new MemoryStream(large));
        var refused = await (await CompleteAsync(grant.Str("uploadId"), large)).ExpectAsync(413);
        Assert.Equal("document.too-large", refused.Str("code"));
        Assert.Contains("超过申请时声明的大小", refused.Str("detail"), StringComparison.Ordinal);

        // The declared size committed, and 64 KiB more staged beside it and never committed.
        var content = Pdf(32 * 1024);
        var second = await (await _applicant.PostJsonAsync($"/api/applications/{_applicationId}/documents/uploads", new { kind = "evidence", tradeSecret = false, name = "证明材料.pdf", size = content.Length })).ExpectAsync(200);
        var sas = new Uri(second.Str("uploadUrl"));
        await new BlobClient(sas).UploadAsync(new MemoryStream(content));
        await new Azure.Storage.Blobs.Specialized.BlockBlobClient(sas).StageBlockAsync(Convert.ToBase64String("extra-0001"u8.ToArray()), new MemoryStream(Pdf(64 * 1024, seed: 5)));
        Assert.Equal("document.too-large", (await (await CompleteAsync(second.Str("uploadId"), content)).ExpectAsync(413)).Str("code"));

        Assert.Empty(await BlobsAsync());
        Assert.Empty(await DocumentIdsAsync());
    }

    [Fact]
    public async Task OpenAddresses_AreCappedPerApplicant_WithAStableCode_AndFreedByCompletionOrExpiry()
    {
        var wall = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        await using var app = await TestApp.StartAsync(azurite, configure: b =>
        {
            b.Services.AddSingleton(new WallClock(wall));
            b.Configuration["Documents:MaxOpenDirectUploads"] = "2";
        });
        await (await app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);
        var applicant = app.As(Roles.Applicant, subject: "cap-owner");
        var applicationId = (await (await applicant.PostJsonAsync("/api/cycles/weihai-2026/applications", new { category = "organisation" })).ExpectAsync(201)).Str("applicationId");
        Task<HttpResponseMessage> Ask(HttpClient who, string application, long size = 64 * 1024) =>
            who.PostJsonAsync($"/api/applications/{application}/documents/uploads", new { kind = "evidence", tradeSecret = false, name = "证明材料.pdf", size });

        var content = Pdf(64 * 1024);
        var first = await (await Ask(applicant, applicationId, content.Length)).ExpectAsync(200);
        await (await Ask(applicant, applicationId)).ExpectAsync(200);
        var refused = await (await Ask(applicant, applicationId)).ExpectAsync(409);
        Assert.Equal("upload.too-many-open", refused.Str("code"));
        Assert.Contains("上传地址尚未使用完毕", refused.Str("detail"), StringComparison.Ordinal);
        var english = await (await applicant.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/applications/{applicationId}/documents/uploads")
        {
            Content = JsonContent.Create(new { kind = "evidence", tradeSecret = false, name = "a.pdf", size = 1000 }),
            Headers = { { "Accept-Language", "en" } },
        })).ExpectAsync(409);
        Assert.Contains("upload addresses", english.Str("detail"), StringComparison.Ordinal);

        // Another applicant has addresses of their own.
        var other = app.As(Roles.Applicant, subject: "cap-other");
        var theirs = (await (await other.PostJsonAsync("/api/cycles/weihai-2026/applications", new { category = "organisation" })).ExpectAsync(201)).Str("applicationId");
        await (await Ask(other, theirs)).ExpectAsync(200);

        // A completed upload frees its place; so does an address that expired.
        await new BlobClient(new Uri(first.Str("uploadUrl"))).UploadAsync(new MemoryStream(content));
        await (await applicant.PostJsonAsync($"/api/applications/{applicationId}/documents/uploads/{first.Str("uploadId")}/complete", new { sha256 = Sha(content) })).ExpectAsync(201);
        await (await Ask(applicant, applicationId)).ExpectAsync(200);
        await (await Ask(applicant, applicationId)).ExpectAsync(409);
        wall.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        await (await Ask(applicant, applicationId)).ExpectAsync(200);
    }
}
