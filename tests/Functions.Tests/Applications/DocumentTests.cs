using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QualityAward.Domain;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Applications;

/// <summary>Uploads, removals and downloads of application files, over real HTTP, against a real Azurite.</summary>
public sealed class DocumentTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private BlobContainerClient Documents => _app.Storage.Container(StorageClients.DocumentsContainer);

    [Fact]
    public async Task Upload_ASeveralMegabytePdf_IsStreamedToBlobStorage_WithItsSha256()
    {
        var (owner, appId) = await DraftAsync();
        var pdf = Pdf(6 * 1024 * 1024 + 12_345, seed: 1);

        // Chunked: the server cannot know the size in advance and must count as it streams.
        var response = await UploadAsync(owner, appId, pdf, "自我评价报告.pdf", chunked: true);

        var created = await response.ExpectAsync(201);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pdf)), created.Str("sha256"));
        Assert.Equal(pdf.Length, created.GetProperty("size").GetInt64());
        Assert.Equal("application/pdf", created.Str("contentType"));
        Assert.Equal("自我评价报告.pdf", created.Str("name"));
        Assert.Equal($"/api/applications/{appId}/documents/{created.Str("documentId")}", response.Headers.Location?.OriginalString);
        var blob = Documents.GetBlobClient($"applications/{appId}/{created.Str("documentId")}");
        var properties = (await blob.GetPropertiesAsync()).Value;
        Assert.Equal(pdf.Length, properties.ContentLength);
        Assert.Equal("自我评价报告.pdf", Encoding.UTF8.GetString(Convert.FromBase64String(properties.Metadata["originalname"])));
        var app = await (await owner.GetAsync($"/api/applications/{appId}")).ExpectAsync(200);
        Assert.Equal(created.Str("documentId"), Assert.Single(app.GetProperty("documents").EnumerateArray()).Str("documentId"));
    }

    [Fact]
    public async Task Upload_ThenSubmit_TheWeihaiApplicationGoesIn_AndItsFilesAreFrozen()
    {
        var (owner, appId) = await DraftAsync();
        var missing = await (await owner.PostAsync($"/api/applications/{appId}/submit", null)).ExpectAsync(422);
        Assert.Contains("自我评价报告", missing.Str("detail"));

        var report = await (await UploadAsync(owner, appId, Pdf(50_000, seed: 2), "自评报告.pdf")).ExpectAsync(201);
        var submitted = await (await owner.PostAsync($"/api/applications/{appId}/submit", null)).ExpectAsync(200);

        Assert.Equal("inProcess", submitted.Str("status"));
        var late = await (await UploadAsync(owner, appId, Pdf(1_000, seed: 3), "补充.pdf", kind: "evidence")).ExpectAsync(409);
        Assert.Equal("application.not-a-draft", late.Str("code"));
        var remove = await (await owner.DeleteAsync($"/api/applications/{appId}/documents/{report.Str("documentId")}")).ExpectAsync(409);
        Assert.Equal("application.not-a-draft", remove.Str("code"));
        Assert.Single(await BlobNamesAsync(appId));
    }

    [Fact]
    public async Task Upload_TextNamedPdf_Is415_AndNothingIsStored()
    {
        var (owner, appId) = await DraftAsync();

        var response = await UploadAsync(owner, appId, Encoding.UTF8.GetBytes("这不是PDF，只是一段文字。"), "report.pdf", contentType: "application/pdf");

        var problem = await response.ExpectAsync(415);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("document.type-not-allowed", problem.Str("code"));
        Assert.Contains("PDF、PNG、JPEG、Word（.docx）、Excel（.xlsx）", problem.Str("detail"));
        Assert.Empty(await BlobNamesAsync(appId));
        var app = await (await owner.GetAsync($"/api/applications/{appId}")).ExpectAsync(200);
        Assert.Empty(app.GetProperty("documents").EnumerateArray());
    }

    [Fact]
    public async Task Upload_AnEmptyBody_Is422()
    {
        var (owner, appId) = await DraftAsync();

        var problem = await (await UploadAsync(owner, appId, [], "empty.pdf")).ExpectAsync(422);

        Assert.Equal("document.empty", problem.Str("code"));
        Assert.Empty(await BlobNamesAsync(appId));
    }

    [Theory]
    [InlineData("kind=contract&tradeSecret=false&name=a.pdf", "document.kind-invalid")]
    [InlineData("kind=1&tradeSecret=false&name=a.pdf", "document.kind-invalid")]
    [InlineData("kind=evidence&tradeSecret=maybe&name=a.pdf", "document.trade-secret-invalid")]
    [InlineData("kind=evidence&tradeSecret=false", "document.name-missing")]
    [InlineData("kind=evidence&tradeSecret=&name=a.pdf", "document.trade-secret-invalid")]
    [InlineData("kind=evidence&kind=evidence&tradeSecret=false&name=a.pdf", "document.kind-invalid")]
    public async Task Upload_WithABadQuery_Is422_AndNothingIsStored(string query, string code)
    {
        var (owner, appId) = await DraftAsync();

        var response = await owner.PostAsync($"/api/applications/{appId}/documents?{query}", new ByteArrayContent(Pdf(1_000, seed: 30)));

        Assert.Equal(code, (await response.ExpectAsync(422)).Str("code"));
        Assert.Empty(await BlobNamesAsync(appId));
    }

    [Fact]
    public async Task Upload_OverTheConfiguredLimit_Is413_AndNothingIsStored_WhetherTheSizeIsDeclaredOrNot()
    {
        await using var app = await TestApp.StartAsync(azurite, configure: b => b.Configuration["Documents:MaxBytes"] = "65536");
        var (owner, appId) = await DraftAsync(app);
        var container = app.Storage.Container(StorageClients.DocumentsContainer);

        var declared = await (await UploadAsync(owner, appId, Pdf(200_000, seed: 4), "big.pdf")).ExpectAsync(413);
        var streamed = await (await UploadAsync(owner, appId, Pdf(200_000, seed: 5), "big.pdf", chunked: true)).ExpectAsync(413);
        var atTheLimit = await UploadAsync(owner, appId, Pdf(65_536, seed: 6), "exact.pdf", chunked: true);

        Assert.Equal("document.too-large", declared.Str("code"));
        Assert.Equal("document.too-large", streamed.Str("code"));
        Assert.Contains("64 KB", streamed.Str("detail"));
        var stored = await atTheLimit.ExpectAsync(201);
        Assert.Equal([$"applications/{appId}/{stored.Str("documentId")}"], await BlobNamesAsync(container, appId));
    }

    [Fact]
    public async Task Upload_OfATypeTheConfigurationLeavesOut_Is415_NamingOnlyTheAllowedTypes()
    {
        await using var app = await TestApp.StartAsync(azurite, configure: b => b.Configuration["Documents:AllowedTypes:0"] = "pdf");
        var (owner, appId) = await DraftAsync(app);

        var problem = await (await UploadAsync(owner, appId, Png(), "photo.png", kind: "evidence")).ExpectAsync(415);

        Assert.Equal("document.type-not-allowed", problem.Str("code"));
        Assert.Contains("PDF", problem.Str("detail"));
        Assert.DoesNotContain("PNG", problem.Str("detail"));
        Assert.Empty(await BlobNamesAsync(app.Storage.Container(StorageClients.DocumentsContainer), appId));
    }

    [Fact]
    public async Task Start_WithAnUnknownAllowedType_Fails()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() =>
            TestApp.StartAsync(azurite, configure: b => b.Configuration["Documents:AllowedTypes:0"] = "exe"));

        Assert.Contains("Documents:AllowedTypes", failure.Message);
    }

    [Theory]
    [InlineData("../../etc/passwd.pdf", "passwd.pdf")]
    [InlineData("..\\..\\windows\\win.ini.pdf", "win.ini.pdf")]
    [InlineData("invoice\u202Efdp.exe", "invoicefdp.pdf")]
    [InlineData("  质量\u2066报告\u2069  .PDF  ", "质量报告.pdf")]
    public async Task Upload_WithAHostileName_IsStoredUnderANeutralisedName_AndKeepsTheOriginal(string original, string safe)
    {
        var (owner, appId) = await DraftAsync();

        var created = await (await UploadAsync(owner, appId, Pdf(2_000, seed: 7), original, kind: "evidence")).ExpectAsync(201);

        Assert.Equal(safe, created.Str("name"));
        var blob = Documents.GetBlobClient($"applications/{appId}/{created.Str("documentId")}");
        var metadata = (await blob.GetPropertiesAsync()).Value.Metadata;
        Assert.Equal(original, Encoding.UTF8.GetString(Convert.FromBase64String(metadata["originalname"])));
        var download = await owner.GetAsync($"/api/applications/{appId}/documents/{created.Str("documentId")}");
        Assert.Equal(200, (int)download.StatusCode);
        Assert.Equal(safe, download.Content.Headers.ContentDisposition?.FileNameStar);
    }

    [Fact]
    public async Task AnotherApplicant_CannotUploadToOrReadOrRemoveMyFiles()
    {
        var (owner, appId) = await DraftAsync();
        var created = await (await UploadAsync(owner, appId, Pdf(3_000, seed: 8), "mine.pdf")).ExpectAsync(201);
        var stranger = _app.As(Roles.Applicant);
        var path = $"/api/applications/{appId}/documents/{created.Str("documentId")}";

        var upload = await (await UploadAsync(stranger, appId, Pdf(3_000, seed: 9), "theirs.pdf")).ExpectAsync(404);
        var read = await (await stranger.GetAsync(path)).ExpectAsync(404);
        var remove = await (await stranger.DeleteAsync(path)).ExpectAsync(404);

        Assert.Equal("application.not-found", upload.Str("code"));
        Assert.Equal("application.not-found", read.Str("code"));
        Assert.Equal("application.not-found", remove.Str("code"));
        Assert.Single(await BlobNamesAsync(appId));
        var history = await (await owner.GetAsync($"/api/applications/{appId}/history")).ExpectAsync(200);
        Assert.DoesNotContain(history.EnumerateArray(), e => e.Str("type") is "DocumentRead" or "DocumentRemoved");
    }

    [Fact]
    public async Task Upload_RetriedWithTheSameIdempotencyKey_CreatesOneDocumentAndOneBlob()
    {
        var (owner, appId) = await DraftAsync();
        var pdf = Pdf(300_000, seed: 10);

        var first = await (await UploadAsync(owner, appId, pdf, "报告.pdf", key: "upload-1")).ExpectAsync(201);
        var retry = await (await UploadAsync(owner, appId, pdf, "报告.pdf", key: "upload-1")).ExpectAsync(201);
        var other = await (await UploadAsync(owner, appId, pdf, "报告.pdf", key: "upload-2")).ExpectAsync(201);

        Assert.Equal(first.Str("documentId"), retry.Str("documentId"));
        Assert.Equal(first.Str("sha256"), retry.Str("sha256"));
        Assert.NotEqual(first.Str("documentId"), other.Str("documentId"));
        var app = await (await owner.GetAsync($"/api/applications/{appId}")).ExpectAsync(200);
        Assert.Equal(2, app.GetProperty("documents").GetArrayLength());
        Assert.Equal(2, (await BlobNamesAsync(appId)).Count);
    }

    [Fact]
    public async Task Upload_RetriedWhileTheFirstIsStillBeingStored_IsAConflict_AndReplacesNothing()
    {
        var subject = $"applicant-{Guid.NewGuid():N}";
        var (owner, appId) = await DraftAsync(_app, subject);
        var documentId = QualityAward.Functions.Applications.DocumentFunctions.DeterministicId(subject, appId, "upload-1");
        var first = Documents.GetBlobClient($"applications/{appId}/{documentId}");
        var firstBytes = Pdf(10_000, seed: 20);
        await first.UploadAsync(new BinaryData(firstBytes)); // stored by the first attempt, not yet attached

        var retry = await (await UploadAsync(owner, appId, Pdf(10_000, seed: 21), "报告.pdf", key: "upload-1")).ExpectAsync(409);

        Assert.Equal("document.upload-in-progress", retry.Str("code"));
        Assert.Equal(firstBytes, (await first.DownloadContentAsync()).Value.Content.ToArray());
        var app = await (await owner.GetAsync($"/api/applications/{appId}")).ExpectAsync(200);
        Assert.Empty(app.GetProperty("documents").EnumerateArray());
    }

    [Fact]
    public async Task Upload_RetriedAfterItsFileWasRemoved_IsRefused_AndReplacesNothing()
    {
        var (owner, appId) = await DraftAsync();
        var pdf = Pdf(10_000, seed: 22);
        var created = await (await UploadAsync(owner, appId, pdf, "报告.pdf", key: "upload-1")).ExpectAsync(201);
        await (await owner.DeleteAsync($"/api/applications/{appId}/documents/{created.Str("documentId")}")).ExpectAsync(200);

        var retry = await (await UploadAsync(owner, appId, Pdf(10_000, seed: 23), "报告.pdf", key: "upload-1")).ExpectAsync(409);

        Assert.Equal("document.idempotency-key-used", retry.Str("code"));
        var blob = Documents.GetBlobClient($"applications/{appId}/{created.Str("documentId")}");
        Assert.Equal(pdf, (await blob.DownloadContentAsync()).Value.Content.ToArray());
    }

    [Fact]
    public async Task Download_ByTheOwner_StreamsTheFileSafely_AndIsRecordedInTheHistory()
    {
        var (owner, appId) = await DraftAsync();
        var pdf = Pdf(1_500_000, seed: 11);
        var created = await (await UploadAsync(owner, appId, pdf, "自我评价报告.pdf")).ExpectAsync(201);

        var response = await owner.GetAsync($"/api/applications/{appId}/documents/{created.Str("documentId")}");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(pdf, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("自我评价报告.pdf", response.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Contains("filename*=UTF-8''%E8%87%AA%E6%88%91", response.Content.Headers.GetValues("Content-Disposition").Single());
        var history = await (await owner.GetAsync($"/api/applications/{appId}/history")).ExpectAsync(200);
        var read = Assert.Single(history.EnumerateArray(), e => e.Str("type") == "DocumentRead");
        Assert.Equal(Roles.Applicant, read.Str("actorRole"));
        Assert.Equal("下载查阅文件“自我评价报告.pdf”", read.Str("summary"));
    }

    [Fact]
    public async Task Download_TwentyTimesByOneReader_RecordsOneRead_AnotherReaderOrTheNextDayOneMore()
    {
        var (owner, appId) = await DraftAsync(_app, "applicant-reader");
        var pdf = Pdf(20_000, seed: 14);
        var created = await (await UploadAsync(owner, appId, pdf, "自我评价报告.pdf")).ExpectAsync(201);
        var path = $"/api/applications/{appId}/documents/{created.Str("documentId")}";
        var office = _app.As(Roles.Office, subject: "office-reader");

        for (var i = 0; i < 20; i++)
        {
            var response = await office.GetAsync(path);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal(pdf, await response.Content.ReadAsByteArrayAsync());
        }

        Assert.Equal(["office-reader"], await ReadersAsync(appId));

        Assert.Equal(200, (int)(await owner.GetAsync(path)).StatusCode);
        _app.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(200, (int)(await office.GetAsync(path)).StatusCode);
        Assert.Equal(200, (int)(await office.GetAsync(path)).StatusCode);

        Assert.Equal(["office-reader", "applicant-reader", "office-reader"], await ReadersAsync(appId));
    }

    [Fact]
    public async Task Download_OfAFileWhoseBlobIsGone_Is404ContentMissing_RecordsNoRead_AndLogsTheBlob()
    {
        var logs = new RecordedLogs();
        await using var app = await TestApp.StartAsync(azurite, configure: b => b.Logging.AddProvider(logs));
        var (owner, appId) = await DraftAsync(app);
        var created = await (await UploadAsync(owner, appId, Pdf(5_000, seed: 15), "自我评价报告.pdf")).ExpectAsync(201);
        var documentId = created.Str("documentId");
        var blobName = $"applications/{appId}/{documentId}";
        await app.Storage.Container(StorageClients.DocumentsContainer).GetBlobClient(blobName).DeleteAsync();
        var before = await app.Storage.Table(StorageClients.EventsTable).QueryAsync<Azure.Data.Tables.TableEntity>().CountAsync();

        var response = await owner.GetAsync($"/api/applications/{appId}/documents/{documentId}");

        var problem = await response.ExpectAsync(404);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("document.content-missing", problem.Str("code"));
        Assert.Contains("联系评审办公室", problem.Str("detail"));
        var history = await (await owner.GetAsync($"/api/applications/{appId}/history")).ExpectAsync(200);
        Assert.DoesNotContain(history.EnumerateArray(), e => e.Str("type") == "DocumentRead");
        Assert.Equal(before, await app.Storage.Table(StorageClients.EventsTable).QueryAsync<Azure.Data.Tables.TableEntity>().CountAsync());
        var error = Assert.Single(logs.Errors);
        Assert.Contains(appId, error);
        Assert.Contains(documentId, error);
        Assert.Contains(blobName, error);
    }

    [Fact]
    public async Task TradeSecretFile_IsHiddenFromTheDistrictRecommender_ButServedToTheOfficeAndTheSupervisors()
    {
        var (owner, appId) = await DraftAsync();
        var report = await (await UploadAsync(owner, appId, Pdf(4_000, seed: 12), "自评报告.pdf")).ExpectAsync(201);
        var secret = await (await UploadAsync(owner, appId, Pdf(4_000, seed: 13), "工艺参数.pdf", kind: "evidence", tradeSecret: true)).ExpectAsync(201);
        Assert.True(secret.GetProperty("tradeSecret").GetBoolean());
        await (await owner.PostAsync($"/api/applications/{appId}/submit", null)).ExpectAsync(200);
        var recommender = _app.As(Roles.Recommender, affiliation: "371000:huancui");
        var office = _app.As(Roles.Office);
        var supervisor = _app.As(Roles.Supervisor);
        var secretPath = $"/api/applications/{appId}/documents/{secret.Str("documentId")}";

        Assert.Equal(200, (int)(await recommender.GetAsync($"/api/applications/{appId}/documents/{report.Str("documentId")}")).StatusCode);
        var hidden = await (await recommender.GetAsync(secretPath)).ExpectAsync(404);
        var view = await (await recommender.GetAsync($"/api/applications/{appId}")).ExpectAsync(200);

        Assert.Equal("document.not-found", hidden.Str("code"));
        Assert.Equal([report.Str("documentId")], view.GetProperty("documents").EnumerateArray().Select(d => d.Str("documentId")).ToArray());
        Assert.Equal(200, (int)(await office.GetAsync(secretPath)).StatusCode);
        Assert.Equal(200, (int)(await supervisor.GetAsync(secretPath)).StatusCode);
        var history = await (await office.GetAsync($"/api/applications/{appId}/history")).ExpectAsync(200);
        var reads = history.EnumerateArray().Where(e => e.Str("type") == "DocumentRead").Select(e => e.Str("actorRole")).ToArray();
        Assert.Equal([Roles.Recommender, Roles.Office, Roles.Supervisor], reads);
    }

    [Fact]
    public async Task Docx_IsRecognisedByItsContent_AndAZipThatIsNoOfficeFileIsRefused()
    {
        var (owner, appId) = await DraftAsync();

        var docx = await (await UploadAsync(owner, appId, Zip(("[Content_Types].xml", "<Types/>"), ("_rels/.rels", "<Relationships/>"), ("word/document.xml", "<w:document/>")), "自评报告.zip")).ExpectAsync(201);
        var xlsx = await (await UploadAsync(owner, appId, Zip(("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>")), "数据", kind: "evidence")).ExpectAsync(201);
        var plainZip = await (await UploadAsync(owner, appId, Zip(("readme.txt", "hello"), ("data/values.csv", "1,2,3")), "材料.docx", kind: "evidence")).ExpectAsync(415);

        Assert.Equal("application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx.Str("contentType"));
        Assert.Equal("自评报告.docx", docx.Str("name"));
        Assert.Equal("数据.xlsx", xlsx.Str("name"));
        Assert.Equal("document.type-not-allowed", plainZip.Str("code"));
        Assert.Equal(2, (await BlobNamesAsync(appId)).Count);
    }

    [Fact]
    public async Task Upload_OfAPdfWhoseScriptComesAfterSeveralBlocks_IsRefusedWhileStreaming_AndNothingIsStored()
    {
        var (owner, appId) = await DraftAsync();

        // Ten megabytes of image-like stream data (read past in 4 MiB blocks), then an OpenAction that runs a script.
        var harmless = Pdf(10_000_000, seed: 40);
        await (await UploadAsync(owner, appId, harmless, "大报告.pdf", kind: "evidence")).ExpectAsync(201);
        var active = harmless[..^24].Concat(Encoding.ASCII.GetBytes("\nendstream\nendobj\n2 0 obj\n<< /OpenAction << /S /JavaScript /JS (app.launchURL('http://evil.example')) >> >>\nendobj\n%%EOF\n")).ToArray();

        var problem = await (await UploadAsync(owner, appId, active, "报告.pdf", kind: "evidence")).ExpectAsync(415);

        Assert.Equal("document.pdf-active-content", problem.Str("code"));
        Assert.Contains("JavaScript", problem.Str("detail"), StringComparison.Ordinal);
        Assert.Single(await BlobNamesAsync(appId));
        Assert.Single((await (await owner.GetAsync($"/api/applications/{appId}")).ExpectAsync(200)).GetProperty("documents").EnumerateArray());
    }

    [Fact]
    public async Task Upload_OfADocxWithMacros_IsRefused_ButTheSameWithoutThemIsTaken()
    {
        var (owner, appId) = await DraftAsync();
        (string, string)[] parts = [("[Content_Types].xml", "<Types/>"), ("_rels/.rels", "<Relationships/>"), ("word/document.xml", "<w:document/>")];

        var macros = await (await UploadAsync(owner, appId, Zip([.. parts, ("word/vbaProject.bin", "ATTRIBUT")]), "自评报告.docx")).ExpectAsync(415);
        await (await UploadAsync(owner, appId, Zip(parts), "自评报告.docx")).ExpectAsync(201);

        Assert.Equal("document.office-macros", macros.Str("code"));
        Assert.Contains("word/vbaProject.bin", macros.Str("detail"), StringComparison.Ordinal);
        Assert.Single(await BlobNamesAsync(appId));
    }

    [Fact]
    public async Task Zip_WithACentralDirectoryTooLargeForAnOfficeFile_IsRefusedUnparsed()
    {
        var (owner, appId) = await DraftAsync();
        var entries = new List<(string, string)> { ("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>") };
        entries.AddRange(Enumerable.Range(0, 10_000).Select(i => ($"word/media/{i}.bin", string.Empty)));

        var problem = await (await UploadAsync(owner, appId, Zip([.. entries]), "报告.docx")).ExpectAsync(415);

        Assert.Equal("document.type-not-allowed", problem.Str("code"));
        Assert.Empty(await BlobNamesAsync(appId));
    }

    [Fact]
    public async Task Remove_FromADraft_TakesTheFileOffTheApplication_ButKeepsTheBlob()
    {
        var (owner, appId) = await DraftAsync();
        var created = await (await UploadAsync(owner, appId, Pdf(5_000, seed: 14), "旧版.pdf")).ExpectAsync(201);

        var app = await (await owner.DeleteAsync($"/api/applications/{appId}/documents/{created.Str("documentId")}")).ExpectAsync(200);

        Assert.Empty(app.GetProperty("documents").EnumerateArray());
        Assert.Single(await BlobNamesAsync(appId));
        await (await owner.GetAsync($"/api/applications/{appId}/documents/{created.Str("documentId")}")).ExpectAsync(404);
        var history = await (await owner.GetAsync($"/api/applications/{appId}/history")).ExpectAsync(200);
        Assert.Contains(history.EnumerateArray(), e => e.Str("type") == "DocumentRemoved");
    }

    // ---- helpers ------------------------------------------------------------------------------

    private Task<(HttpClient Owner, string ApplicationId)> DraftAsync() => DraftAsync(_app);

    /// <summary>The subjects of the application's recorded reads, in order.</summary>
    private async Task<string[]> ReadersAsync(string applicationId)
    {
        var events = await _app.Services.GetRequiredService<QualityAward.Functions.Workflow.Streams>().Store.ReadAsync(QualityAward.Domain.ApplicationId.Parse(applicationId).Value.StreamId, CancellationToken.None);
        return [.. events.Where(e => e.Event is QualityAward.Domain.Applications.DocumentRead).Select(e => e.Metadata.Actor.Subject)];
    }

    /// <summary>Opens Weihai's 2026 cycle (the clock is 2026-03-02) and starts a complete organisation draft.</summary>
    private static async Task<(HttpClient Owner, string ApplicationId)> DraftAsync(TestApp app, string? subject = null)
    {
        var office = app.As(Roles.Office);
        var cycle = await office.PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" });
        Assert.True((int)cycle.StatusCode is 200 or 201, await cycle.Content.ReadAsStringAsync());
        var owner = app.As(Roles.Applicant, subject);
        var draft = await (await owner.PostJsonAsync("/api/cycles/weihai-2026/applications", new { category = "organisation" })).ExpectAsync(201);
        var applicationId = draft.Str("applicationId");
        await (await owner.PutJsonAsync($"/api/applications/{applicationId}/form", Forms.WeihaiOrganisation())).ExpectAsync(200);
        return (owner, applicationId);
    }

    private static async Task<HttpResponseMessage> UploadAsync(
        HttpClient client,
        string applicationId,
        byte[] bytes,
        string name,
        string kind = "selfAssessmentReport",
        bool tradeSecret = false,
        string? key = null,
        bool chunked = false,
        string contentType = "application/octet-stream")
    {
        var url = $"/api/applications/{applicationId}/documents?kind={kind}&tradeSecret={(tradeSecret ? "true" : "false")}&name={Uri.EscapeDataString(name)}";
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = chunked ? new StreamContent(new NonSeekable(bytes)) : new ByteArrayContent(bytes),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return await client.SendAsync(request);
    }

    private Task<List<string>> BlobNamesAsync(string applicationId) => BlobNamesAsync(Documents, applicationId);

    private static async Task<List<string>> BlobNamesAsync(BlobContainerClient container, string applicationId)
    {
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, $"applications/{applicationId}/", CancellationToken.None))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    /// <summary>A PDF header, then random bytes (seeded, so a failure repeats), then the trailer.</summary>
    private static byte[] Pdf(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        "%PDF-1.7\n1 0 obj\n<< >>\nstream\n"u8.CopyTo(bytes);
        "\nendstream\nendobj\n%%EOF\n"u8.CopyTo(bytes.AsSpan(size - 24));
        return bytes;
    }

    private static byte[] Png()
    {
        var bytes = new byte[2_000];
        new Random(99).NextBytes(bytes);
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(bytes, 0);
        return bytes;
    }

    private static byte[] Zip(params (string Name, string Text)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (entryName, text) in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(entryName).Open(), Encoding.UTF8);
                writer.Write(text);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A body whose length HttpClient cannot know: it is sent chunked, as a browser streaming a file might.</summary>
    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;
    }
}
