using static QualityAward.Benchmarks.Harness;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using QualityAward.Functions.Hosting;

// Upload benchmark (issue 3): a large file through the app (streamed to Blob storage, hashed and
// counted on the way) next to a direct SDK upload of the same bytes to the same Azurite.
// The app runs as its own process, so its peak resident memory (VmHWM) is its own.
//
//   dotnet run -c Release --project benchmarks/Uploads -- [--mb 1024]
var megabytes = args.Length >= 2 && args[0] == "--mb" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1024;
var size = megabytes * 1024L * 1024L;
var root = FindRoot();
var work = Directory.CreateTempSubdirectory("qa-upload-bench-");
const string key = "benchmark-signing-key-0123456789abcdefghij";
Process? azurite = null, app = null;
try
{
    var appPort = FreePort();
    (azurite, var blobPort, var queuePort, var tablePort) = await StartAzuriteAsync(root, Path.Combine(work.FullName, "azurite"));
    var connection = AzuriteConnection(blobPort, queuePort, tablePort);

    var exe = Path.Combine(AppContext.BaseDirectory, "QualityAward.LocalHost");
    app = Start(exe, AppContext.BaseDirectory, new Dictionary<string, string>
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Testing", // the local host takes the development key in Development and Testing only
        ["Storage__ConnectionString"] = connection,
        ["Auth__DevSigningKey"] = key,
        ["Audit__ChainKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)),
        ["Certificates__PublicBaseUrl"] = "http://127.0.0.1",
        ["Documents__MaxBytes"] = (size + 1).ToString(CultureInfo.InvariantCulture),
        ["Logging__LogLevel__Default"] = "Warning",
    }, "--urls", $"http://127.0.0.1:{appPort}");
    await WaitForPortAsync(appPort);
    var baseline = PeakRss(app);

    using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{appPort}"), Timeout = TimeSpan.FromHours(1) };
    Authorize(http, "office", "bench-office");
    (await http.PostAsJsonAsync("/api/cycles", new { policyId = "weihai", year = DateTime.UtcNow.Year, submissionOpensOn = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), submissionClosesOn = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8).AddDays(20)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) })).EnsureSuccessStatusCode();
    Authorize(http, "applicant", "bench-applicant");
    var draft = await (await http.PostAsJsonAsync($"/api/cycles/weihai-{DateTime.UtcNow.Year}/applications", new { category = "organisation" })).Content.ReadFromJsonAsync<JsonElement>();
    var applicationId = draft.GetProperty("applicationId").GetString();

    // Through the app: a streamed request body, never buffered by the client either.
    var through = Stopwatch.StartNew();
    var content = new StreamContent(new GeneratedPdf(size), 81920);
    content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
    content.Headers.ContentLength = size;
    var response = await http.PostAsync($"/api/applications/{applicationId}/documents?kind=evidence&tradeSecret=false&name=bench.pdf", content);
    through.Stop();
    var body = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"Upload through the app failed: {(int)response.StatusCode} {body}");
    }

    var appPeak = PeakRss(app);

    // Straight to Azurite with the SDK, same bytes and block size as the app uses.
    var blob = new BlobServiceClient(connection).GetBlobContainerClient("documents").GetBlobClient($"bench/direct-{Guid.NewGuid():N}");
    var direct = Stopwatch.StartNew();
    await blob.UploadAsync(new GeneratedPdf(size), new BlobUploadOptions
    {
        TransferOptions = new Azure.Storage.StorageTransferOptions { InitialTransferSize = 4 * 1024 * 1024, MaximumTransferSize = 4 * 1024 * 1024, MaximumConcurrency = 2 },
    });
    direct.Stop();

    var mb = size / 1024d / 1024d;
    Console.WriteLine();
    Console.WriteLine($"Upload of {mb:0} MiB (generated PDF), Azurite on disk, {Environment.ProcessorCount} cores");
    Console.WriteLine($"| path | seconds | MiB/s | app peak RSS (MiB) |");
    Console.WriteLine($"|---|---|---|---|");
    Console.WriteLine($"| through the app (POST …/documents, streamed, SHA-256 on the way) | {through.Elapsed.TotalSeconds:0.0} | {mb / through.Elapsed.TotalSeconds:0.0} | {appPeak / 1024d / 1024d:0} (idle before: {baseline / 1024d / 1024d:0}) |");
    Console.WriteLine($"| direct SDK upload to Azurite (4 MiB blocks, 2 in flight) | {direct.Elapsed.TotalSeconds:0.0} | {mb / direct.Elapsed.TotalSeconds:0.0} | n/a |");
    Console.WriteLine();
    Console.WriteLine($"The app's answer: {body}");
    return 0;
}
finally
{
    Stop(app);
    Stop(azurite);
    work.Delete(recursive: true);
}

void Authorize(HttpClient client, string role, string subject) =>
    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevTokens.Mint(key, subject, [role], subject, null, TimeSpan.FromHours(2), DateTimeOffset.UtcNow));

static long PeakRss(Process p)
{
    foreach (var line in File.ReadLines($"/proc/{p.Id}/status"))
    {
        if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
        {
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
    }

    return -1;
}

/// <summary>A PDF header and an object whose stream holds pseudo-random bytes, generated as it is read: nothing is held in memory.</summary>
internal sealed class GeneratedPdf(long length) : Stream
{
    private static readonly byte[] Header = "%PDF-1.7\n1 0 obj\n<< >>\nstream\n"u8.ToArray();
    private readonly Random _random = new(42);
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - _position);
        if (n <= 0)
        {
            return 0;
        }

        _random.NextBytes(buffer[..n]);
        for (var i = 0; i < n && _position + i < Header.Length; i++)
        {
            buffer[i] = Header[_position + i];
        }

        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
