using System.Net.Http.Headers;
using Azure.Storage.Blobs.Models;
using QualityAward.Domain;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace QualityAward.Functions.Tests.Faults;

/// <summary>
/// The app dies in the middle of a streamed upload. The blob is written as staged blocks and
/// committed only once the whole body is read, so a crash mid-stream leaves no blob and no
/// document; the same upload retried with the same Idempotency-Key against the restarted app
/// succeeds, once.
/// </summary>
[Collection(Serial.Name)]
public sealed class UploadCrashTests(Azurite azurite, ITestOutputHelper output) : IClassFixture<Azurite>
{
    private const long Size = 48L * 1024 * 1024;
    private const long CrashAfter = 6L * 1024 * 1024;

    [Fact]
    public async Task AppKilledMidUpload_LeavesNoDocumentNorBlob_AndTheRetryWithTheSameKeySucceedsOnce()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var first = await TestApp.StartAsync(azurite, prefix: prefix);
        await (await first.As(Roles.Office, subject: "office-1").PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-03-31" })).ExpectAsync(201);
        var applicant = first.As(Roles.Applicant, subject: "applicant-1");
        var id = (await (await applicant.PostJsonAsync("/api/cycles/weihai-2026/applications", new { category = "organisation" })).ExpectAsync(201)).Str("applicationId");
        var key = "crash-" + Guid.NewGuid().ToString("N");

        var body = new GatedPdf(Size, CrashAfter);
        var upload = SendAsync(applicant, id, key, body, Size);
        var reached = await Task.WhenAny(body.Halfway, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.Same(body.Halfway, reached);
        await first.KillAsync();
        body.Release();
        var crashed = await Record.ExceptionAsync(async () => (await upload).Dispose());
        output.WriteLine($"The upload, cut after {body.Sent / 1024 / 1024} MiB of {Size / 1024 / 1024} MiB when the app was killed: {crashed?.GetType().Name ?? "answered"}");
        Assert.NotNull(crashed);

        await using var second = await TestApp.StartAsync(azurite, prefix: prefix);
        var owner = second.As(Roles.Applicant, subject: "applicant-1");
        var after = await (await owner.GetAsync($"/api/applications/{id}")).ExpectAsync(200);
        Assert.Empty(after.GetProperty("documents").EnumerateArray());
        Assert.Empty(await BlobsAsync(second, id));

        // The client retries with the same key: stored and attached once; a second retry replays it.
        var small = 64 * 1024;
        using (var retried = await SendAsync(owner, id, key, new GatedPdf(small, small), small))
        {
            var created = await retried.ExpectAsync(201);
            using var replay = await SendAsync(owner, id, key, new GatedPdf(small, small), small);
            Assert.Equal(created.Str("documentId"), (await replay.ExpectAsync(201)).Str("documentId"));
        }

        var attached = await (await owner.GetAsync($"/api/applications/{id}")).ExpectAsync(200);
        Assert.Single(attached.GetProperty("documents").EnumerateArray());
        var blobs = await BlobsAsync(second, id);
        Assert.Single(blobs);
        output.WriteLine($"After the restart: no document, no blob; the retry with the same Idempotency-Key stored {blobs[0]} once.");
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string applicationId, string key, Stream body, long length)
    {
        var content = new StreamContent(body, 81920);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.ContentLength = length;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/applications/{applicationId}/documents?kind=selfAssessmentReport&tradeSecret=false&name=report.pdf") { Content = content };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    /// <summary>Every committed blob of the application (staged, uncommitted blocks are not a blob).</summary>
    private static async Task<List<string>> BlobsAsync(TestApp app, string applicationId)
    {
        var names = new List<string>();
        await foreach (var blob in app.Storage.Container(StorageClients.DocumentsContainer).GetBlobsAsync(BlobTraits.None, BlobStates.None, $"applications/{applicationId}/", CancellationToken.None))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    /// <summary>A generated PDF that stops after <c>gateAt</c> bytes until released (at most 30 s), so the test can kill the app mid-stream.</summary>
    private sealed class GatedPdf(long length, long gateAt) : Stream
    {
        private readonly TaskCompletionSource _halfway = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Random _random = new(7);
        private long _position;

        public Task Halfway => _halfway.Task;

        public long Sent => _position;

        public void Release() => _release.TrySetResult();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= gateAt && _position < length)
            {
                _halfway.TrySetResult();
                await _release.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }

            return Read(buffer.Span);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            if (n <= 0)
            {
                return 0;
            }

            _random.NextBytes(buffer[..n]);
            var header = "%PDF-1.7\n1 0 obj\n<< >>\nstream\n"u8;
            for (var i = 0; i < n && _position + i < header.Length; i++)
            {
                buffer[i] = header[(int)_position + i];
            }

            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
