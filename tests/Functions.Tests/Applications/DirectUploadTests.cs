using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using QualityAward.Domain;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Applications;

/// <summary>Large files: a create-only SAS for one blob, then the app verifies size, type and SHA-256 before the file counts.</summary>
public sealed class DirectUploadTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private TestApp _app = null!;
    private HttpClient _applicant = null!;
    private string _applicationId = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite);
        await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);
        _applicant = _app.As(Roles.Applicant, subject: "direct-owner");
        var created = await (await _applicant.PostJsonAsync("/api/cycles/weihai-2026/applications", new { category = "organisation" })).ExpectAsync(201);
        _applicationId = created.Str("applicationId");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static byte[] Pdf(int size)
    {
        var bytes = new byte[size];
        new Random(7).NextBytes(bytes);
        "%PDF-1.7\n1 0 obj\n<< >>\nstream\n"u8.CopyTo(bytes);
        return bytes;
    }

    private async Task<(string UploadId, Uri Url)> GrantAsync(long size, string name = "证明材料.pdf")
    {
        var grant = await (await _applicant.PostJsonAsync($"/api/applications/{_applicationId}/documents/uploads", new { kind = "evidence", tradeSecret = false, name, size })).ExpectAsync(200);
        return (grant.Str("uploadId"), new Uri(grant.Str("uploadUrl")));
    }

    /// <summary>The client side, with the real SDK and small blocks so the upload is staged in several blocks.</summary>
    private static Task UploadAsync(Uri sas, byte[] content) =>
        new BlobClient(sas).UploadAsync(new MemoryStream(content), new BlobUploadOptions
        {
            TransferOptions = new Azure.Storage.StorageTransferOptions { InitialTransferSize = 1024 * 1024, MaximumTransferSize = 1024 * 1024 },
        });

    private async Task<List<string>> BlobsAsync() =>
        await _app.Storage.Container("documents").GetBlobsAsync(BlobTraits.None, BlobStates.None, null, CancellationToken.None)
            .Select(b => b.Name).Where(n => n.Contains(_applicationId, StringComparison.Ordinal)).ToListAsync();

    [Fact]
    public async Task LargeFile_UploadedWithTheAddress_CountsOnceTheAppHasCheckedIt()
    {
        var content = Pdf(5 * 1024 * 1024 + 17);
        var (uploadId, sas) = await GrantAsync(content.Length);

        await UploadAsync(sas, content);
        var before = await (await _applicant.GetAsync($"/api/applications/{_applicationId}")).ExpectAsync(200);
        Assert.Empty(before.GetProperty("documents").EnumerateArray());
        var done = await (await _applicant.PostJsonAsync($"/api/applications/{_applicationId}/documents/uploads/{uploadId}/complete", new { sha256 = Convert.ToHexStringLower(SHA256.HashData(content)) })).ExpectAsync(201);

        Assert.Equal(content.Length, done.GetProperty("size").GetInt64());
        Assert.Equal("application/pdf", done.Str("contentType"));
        var after = await (await _applicant.GetAsync($"/api/applications/{_applicationId}")).ExpectAsync(200);
        Assert.Equal(uploadId, Assert.Single(after.GetProperty("documents").EnumerateArray()).Str("documentId"));
        var again = await _applicant.PostJsonAsync($"/api/applications/{_applicationId}/documents/uploads/{uploadId}/complete", new { sha256 = Convert.ToHexStringLower(SHA256.HashData(content)) });
        Assert.True(again.IsSuccessStatusCode); // a retried completion answers what the first did
    }

    [Fact]
    public async Task TheAddress_ReplayedAfterTheUpload_CannotReplaceTheFile_NorReadIt()
    {
        var content = Pdf(64 * 1024);
        var (uploadId, sas) = await GrantAsync(content.Length);
        await UploadAsync(sas, content);
        await (await _applicant.PostJsonAsync($"/api/applications/{_applicationId}/documents/uploads/{uploadId}/complete", new { sha256 = Convert.ToHexStringLower(SHA256.HashData(content)) })).ExpectAsync(201);

        // The address may still write its own (staging) blob until it expires, but the application's
        // file is a copy under a name no address was given for: it cannot change.
        try
        {
            await new BlobClient(sas).UploadAsync(new MemoryStream(Pdf(64 * 1024 + 1)), overwrite: true);
        }
        catch (RequestFailedException)
        {
        }

        var read = await Assert.ThrowsAsync<RequestFailedException>(() => new BlobClient(sas).DownloadContentAsync());
        Assert.Equal(403, read.Status);

        var stored = await _app.Storage.Container("documents").GetBlobClient($"applications/{_applicationId}/{uploadId}").DownloadContentAsync();
        Assert.Equal(content, stored.Value.Content.ToArray());
        var download = await _applicant.GetAsync($"/api/applications/{_applicationId}/documents/{uploadId}");
        Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task AFileWhoseHashDiffers_IsRefused_AndDeleted()
    {
        var content = Pdf(200 * 1024);
        var (uploadId, sas) = await GrantAsync(content.Length);
        await UploadAsync(sas, content);

        var problem = await (await _applicant.PostJsonAsync($"/api/applications/{_applicationId}/documents/uploads/{uploadId}/complete", new { sha256 = new string('0', 64) })).ExpectAsync(422);

        Assert.Equal("document.hash-mismatch", problem.Str("code"));
        Assert.Empty(await BlobsAsync());
    }

    [Fact]
    public async Task AFileThatIsNotWhatItsNameSays_IsRefused_AndDeleted()
    {
        var content = System.Text.Encoding.UTF8.GetBytes(new string('文', 10_000));
        var (uploadId, sas) = await GrantAsync(content.Length, "报告.pdf");
        await UploadAsync(sas, content);

        var problem = await (await _applicant.PostJsonAsync($"/api/applications/{_applicationId}/documents/uploads/{uploadId}/complete", new { sha256 = Convert.ToHexStringLower(SHA256.HashData(content)) })).ExpectAsync(415);

        Assert.Equal("document.type-not-allowed", problem.Str("code"));
        Assert.Empty(await BlobsAsync());
    }

    [Fact]
    public async Task AnotherApplicant_CanNeitherAskForAnAddressNorCompleteMine()
    {
        var other = _app.As(Roles.Applicant, subject: "direct-other");
        var content = Pdf(1024);
        var (uploadId, sas) = await GrantAsync(content.Length);
        await UploadAsync(sas, content);

        await (await other.PostJsonAsync($"/api/applications/{_applicationId}/documents/uploads", new { kind = "evidence", tradeSecret = false, name = "x.pdf", size = 1024 })).ExpectAsync(404);
        await (await other.PostJsonAsync($"/api/applications/{_applicationId}/documents/uploads/{uploadId}/complete", new { sha256 = Convert.ToHexStringLower(SHA256.HashData(content)) })).ExpectAsync(404);
    }

    [Fact]
    public async Task AnAddress_ForMoreThanTheLimit_IsNotGiven()
    {
        var problem = await (await _applicant.PostJsonAsync($"/api/applications/{_applicationId}/documents/uploads", new { kind = "evidence", tradeSecret = false, name = "huge.pdf", size = 200L * 1024 * 1024 })).ExpectAsync(413);

        Assert.Equal("document.size-invalid", problem.Str("code"));
    }
}
