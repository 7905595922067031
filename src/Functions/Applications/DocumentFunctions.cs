using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Applications;

/// <summary>
/// The files of an application. An upload streams the request body to Blob storage (never the
/// whole file in memory), hashing and counting it on the way; its type is recognised from its
/// content; only then is it attached to the application. Whatever refuses the file, the blob is
/// deleted: a refused upload leaves nothing behind. A download is recorded in the audit trail
/// (once per reader, file and day), and only when the file's content is there to serve.
/// </summary>
public sealed partial class DocumentFunctions(ApplicationCommands commands, Streams streams, StorageClients storage, IOptions<DocumentsOptions> options, ILogger<DocumentFunctions> logger)
{
    private const string Tag = "Documents";

    /// <summary>The request body goes to Blob storage in blocks of this size; at most two are in memory per upload.</summary>
    private const int BlockBytes = 4 * 1024 * 1024;

    private const int MaxNameLength = 500;
    private const int MaxIdempotencyKeyLength = 200;

    /// <summary>A ZIP whose central directory lists more entries, or is larger, is no Office document: refused before it is parsed.</summary>
    private const int MaxZipEntries = 10_000;
    private const uint MaxZipDirectoryBytes = 4 * 1024 * 1024;

    /// <summary>The end-of-central-directory record is the last 22 bytes of a ZIP, plus a comment of at most 64 KiB.</summary>
    private const int ZipTailBytes = 22 + ushort.MaxValue;

    /// <summary>
    /// A blob is committed moments before it is attached, so a blob this old that no application
    /// lists was left by an upload that crashed in between: a retry may replace it.
    /// </summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(5);

    [Function("UploadDocument")]
    [Allow(Roles.Applicant)]
    [Api(
        Tag,
        "Upload a file (the raw bytes as the body) to one's own draft: ?kind=selfAssessmentReport|evidence|recommendationLetter|internalPublicityProof&tradeSecret=true|false&name=<original name>. The type is recognised from the content. With an Idempotency-Key header, a retry returns the first result.",
        // Any content type: the type is recognised from the bytes, and the header is ignored.
        BodyMediaTypes = ["application/octet-stream", "*/*"],
        Returns = typeof(DocumentView),
        Status = 201,
        Query = ["kind!", "tradeSecret", "name!"],
        Headers = ["Idempotency-Key"],
        Description = "`kind` (required): what the file is for. `tradeSecret` (optional, default false): the file holds trade secrets, shown only to its owner, the office, the supervision group and the assigned reviewers. `name` (required): the original file name, at most 500 characters; the stored name is made safe. " +
            "The body is streamed to storage, never held whole; it may be at most Documents:MaxBytes (default 100 MB), whether its length is declared or not. Accepted types (Documents:AllowedTypes; default PDF, PNG, JPEG, DOCX, XLSX) are recognised from the content. A refused upload leaves nothing stored.")]
    [Refuses(400, "request.idempotency-key", "document.upload-incomplete")]
    [Refuses(404, "application.not-found")]
    [Refuses(409, "application.not-a-draft", "application.window-closed", "application.too-many-documents", "document.idempotency-key-used", "document.upload-in-progress", "concurrency.conflict")]
    [Refuses(413, "document.too-large")]
    [Refuses(415, "document.type-not-allowed", "document.pdf-active-content", "document.pdf-uninspectable", "document.polyglot", "document.office-macros", "document.zip-entry-name", "document.zip-unpacked-too-large")]
    [Refuses(422, "document.kind-invalid", "document.trade-secret-invalid", "document.name-missing", "document.name-too-long", "document.empty")]
    public async Task<IResult> UploadDocument([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/documents/")] HttpRequest req, string applicationId, CancellationToken ct)
    {
        var http = req.HttpContext;
        var limits = options.Value;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            // A body declared within the limit: the server's limit is raised to ours. Any other body
            // is counted by UploadStream, which stops at our limit; the server's limit is lifted for
            // it, because after a refusal the server drains the unread rest of the body and, were
            // that over its limit, would cut the connection before the client read the answer.
            bodyLimit.MaxRequestBodySize = req.ContentLength <= limits.MaxBytes ? limits.MaxBytes : null;
        }

        if (ApplicationId.Parse(applicationId) is { IsOk: false })
        {
            return Problems.For(http, ApplicationNotFound());
        }

        // The application and its cycle are read once for the whole upload: the checks before the
        // body and the decision after it are made on that read, and the attachment is appended only
        // if the application is still at its version (else decided again on the newer record).
        using var once = streams.Store.ReadOnce();

        // Someone else's application is "not found" whatever else is wrong with the request.
        if (await commands.PermAttachAsync(applicationId, Caller.As(http.User, Roles.Applicant), ct) is { Kind: RefusalKind.NotFound } hidden)
        {
            return Problems.For(http, hidden);
        }

        // The query as the minimal API bound it, not QueryValue: an empty tradeSecret= is refused
        // as not a boolean (not taken as absent), and a repeated kind is not read as its first value.
        var input = ReadInput(req.Query["kind"], req.Query["tradeSecret"], req.Query["name"]);
        if (!input.IsOk)
        {
            return Problems.For(http, input.Refusal!);
        }

        var key = req.Headers["Idempotency-Key"].ToString();
        if (key.Length > MaxIdempotencyKeyLength)
        {
            return Problems.BadRequest(http, "request.idempotency-key", "Idempotency-Key 过长。", "The Idempotency-Key is too long.");
        }

        var actor = Caller.As(http.User, Roles.Applicant);
        var documentId = key.Length == 0 ? $"doc-{Guid.NewGuid():N}" : DeterministicId(actor.Subject, applicationId, key);
        var blob = storage.Container(StorageClients.DocumentsContainer).GetBlobClient(BlobName(applicationId, documentId));

        // Load: a retried upload answers what the first one did, without reading the body again.
        if (key.Length > 0 && await ReplayAsync(http, streams, applicationId, documentId, blob, logger, ct) is { } replayed)
        {
            return replayed;
        }

        // Decide and save: StoreAsync asks the decider before and after streaming the body to the blob.
        var stored = await StoreAsync(applicationId, input.Value, req.Body, req.ContentLength, actor, documentId, blob, key.Length > 0 ? key : http.TraceIdentifier, commands, limits, logger, ct);
        return stored.Document is { } document
            ? Created(applicationId, document)
            : Problems.For(http, stored.Refusal!, stored.Status);
    }

    [Function("RemoveDocument")]
    [Allow(Roles.Applicant)]
    [Api(Tag, "Remove a file from one's own draft. The stored file is kept (nothing is ever overwritten); the history says it was removed.", Returns = typeof(ApplicationView))]
    [Refuses(404, "application.not-found", "document.not-found")]
    [Refuses(409, "application.not-a-draft", "concurrency.conflict")]
    public Task<IResult> RemoveDocument([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/applications/{applicationId}/documents/{documentId}")] HttpRequest req, string applicationId, string documentId, CancellationToken ct) =>
        ApplicationFunctions.RunAsync(req.HttpContext, commands, applicationId, new RemoveDocument(documentId), Roles.Applicant, ct);

    [Function("DownloadDocument")]
    [SignedIn]
    [RateLimited(RateLimitGate.Downloads)]
    [Api(Tag, "Download a file, if the caller may read the application (trade-secret files: only the owner, the office and the supervision group). Downloads are recorded in the history, once per reader, file and day. A file whose stored content has gone answers 404 document.content-missing.", Produces = "application/octet-stream", Description = "The answer carries the type recognised at upload (Content-Type), the safe name (Content-Disposition, with an RFC 5987 `filename*` for Chinese names), `X-Content-Type-Options: nosniff` and `Cache-Control: private, no-store`. It is streamed from storage.")]
    [Refuses(404, "application.not-found", "document.not-found", "document.content-missing")]
    [Refuses(409, "concurrency.conflict")]
    public async Task<IResult> DownloadDocument([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/applications/{applicationId}/documents/{documentId}")] HttpRequest req, string applicationId, string documentId, CancellationToken ct)
    {
        var http = req.HttpContext;
        var app = await ApplicationFunctions.LoadVisibleAsync(applicationId, http.User, streams, ct);
        if (app is null)
        {
            return Problems.For(http, ApplicationNotFound());
        }

        // Decide (a trade secret the caller may not see is "not found"), then open the file, and
        // record the read only once there is content to serve. The read is recorded once per
        // reader, file and Shanghai day (the decider says when it already is).
        var reviewer = !ApplicationFunctions.CanRead(http.User, app) && await Review.ReviewAccess.AssignedAsync(http.User, app, streams, ct);
        var reader = Caller.As(http.User, reviewer ? Roles.Reviewer : ReaderRole(http.User, app));
        if (ApplicationDecider.PermReadDocument(app, reader, documentId, reviewer) is { } hidden)
        {
            return Problems.For(http, hidden);
        }

        var document = app.Documents.First(d => d.DocumentId == documentId);
        var blob = storage.Container(StorageClients.DocumentsContainer).GetBlobClient(document.BlobName);
        var download = await StoredFiles.OpenAsync(blob, ct);
        if (download is null)
        {
            LogContentMissing(logger, applicationId, documentId, blob.BlobContainerName, blob.Name);
            return Problems.For(http, StoredFiles.ContentMissing());
        }

        var outcome = await commands.RunAsync(applicationId, new RecordDocumentRead(documentId, reviewer), reader, http.TraceIdentifier, ct);
        if (outcome.Refused)
        {
            // The access ended, or the file was removed, between the check and the record.
            await download.Content.DisposeAsync();
            return Problems.For(http, outcome.Refusal!);
        }

        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "private, no-store";
        http.Response.ContentLength = download.Details.ContentLength;

        // The safe name only: Content-Disposition gets an ASCII filename and an RFC 5987 filename* (UTF-8) for Chinese names.
        return Results.Stream(download.Content, document.ContentType, document.SafeName);
    }

    /// <summary>What storing one file came to: the attached document, or the refusal and its HTTP status.</summary>
    public sealed record StoreOutcome(DocumentRef? Document, Refusal? Refusal, int Status);

    /// <summary>
    /// Store one file for an application and attach it: decide whether the caller may, recognise the
    /// type from the first bytes, stream the rest to the blob (counted, hashed, size-limited), check
    /// Office files by their directory, then attach. Every refusal deletes what was stored. The API's
    /// upload and the applicant's form page both come through here.
    /// </summary>
    public static async Task<StoreOutcome> StoreAsync(
        string applicationId,
        UploadInput input,
        Stream body,
        long? declaredLength,
        Actor actor,
        string documentId,
        BlobClient blob,
        string commandId,
        ApplicationCommands commands,
        DocumentsOptions limits,
        ILogger logger,
        CancellationToken ct)
    {
        // Decide, before a byte is stored: may this person add a file to this application now?
        if (await commands.PermAttachAsync(applicationId, actor, ct) is { } refused)
        {
            return new StoreOutcome(null, refused, Problems.StatusOf(refused));
        }

        var stored = await StoreFileAsync(blob, body, declaredLength, (signature, candidates) => UploadOptions(applicationId, documentId, input, signature, candidates), limits, logger, applicationId, ct);
        if (stored.File is not { } file)
        {
            return new StoreOutcome(null, stored.Refusal, stored.Status);
        }

        // Decide again with everything known; a refusal deletes the stored bytes.
        var document = new DocumentRef
        {
            DocumentId = documentId,
            Kind = input.Kind,
            OriginalName = input.Name,
            SafeName = FileNames.Neutralise(input.Name, file.Type.Extension),
            ContentType = file.Type.ContentType,
            Size = file.Size,
            Sha256 = file.Sha256,
            BlobName = blob.Name,
            TradeSecret = input.TradeSecret,
        };
        var outcome = await commands.RunAsync(applicationId, new AttachDocument(document), actor, commandId, ct);
        if (outcome.Refused)
        {
            await DeleteQuietlyAsync(blob, logger);
            return new StoreOutcome(null, outcome.Refusal, Problems.StatusOf(outcome.Refusal!));
        }

        LogStored(logger, applicationId, documentId, file.Type.Id, file.Size);
        return new StoreOutcome(outcome.State.Documents.First(d => d.DocumentId == documentId), null, StatusCodes.Status201Created);
    }

    /// <summary>A file stored and checked: its type (by content), size and SHA-256.</summary>
    public sealed record VerifiedFile(FileType Type, long Size, string Sha256);

    /// <summary>What storing a file came to: the file, or the refusal and its HTTP status (nothing then remains stored).</summary>
    public sealed record FileOutcome(VerifiedFile? File, Refusal? Refusal, int Status);

    /// <summary>
    /// Stream a body into a new blob: the type from the first bytes (unknown types are refused
    /// before anything is stored), the rest counted, hashed and stopped at the size limit, Office
    /// files checked by their ZIP directory (never decompressed). On every refusal the blob is
    /// deleted, unless it was not ours (a blob of that name existed: nothing is ever overwritten).
    /// Application documents, objection evidence and department answers all come through here.
    /// </summary>
    public static async Task<FileOutcome> StoreFileAsync(
        BlobClient blob,
        Stream body,
        long? declaredLength,
        Func<FileSignature, IReadOnlyList<FileType>, BlobUploadOptions> uploadOptions,
        DocumentsOptions limits,
        ILogger logger,
        string scope,
        CancellationToken ct)
    {
        if (declaredLength > limits.MaxBytes)
        {
            return TooLarge(limits.MaxBytes);
        }

        var head = new byte[FileTypes.SignatureLength];
        int headLength;
        try
        {
            headLength = await ReadHeadAsync(body, head, ct);
        }
        catch (BadHttpRequestException)
        {
            return Incomplete();
        }

        if (headLength == 0)
        {
            var empty = Refusal.Invalid("document.empty", "文件为空。", "The file is empty.", "body");
            return new FileOutcome(null, empty, Problems.StatusOf(empty));
        }

        var allowed = limits.Allowed;
        var signature = FileTypes.Sniff(head.AsSpan(0, headLength));
        var candidates = allowed.Where(t => signature != FileSignature.Unknown && t.Signature == signature).ToList();
        if (candidates.Count == 0)
        {
            LogTypeRefused(logger, scope, signature);
            return new FileOutcome(null, FileTypes.NotAllowed(allowed), StatusCodes.Status415UnsupportedMediaType);
        }

        using var upload = new UploadStream(head.AsMemory(0, headLength), body, limits.MaxBytes, ContentChecks.For(signature, allowed));
        var ours = true;
        var keep = false;
        try
        {
            try
            {
                await blob.UploadAsync(upload, uploadOptions(signature, candidates), ct);
            }
            catch (Exception) when (upload.TooLarge)
            {
                LogTooLarge(logger, scope, upload.BytesRead);
                return TooLarge(limits.MaxBytes);
            }
            catch (Exception) when (upload.Unsafe is { } unsafeContent)
            {
                LogTypeRefused(logger, scope, signature);
                return new FileOutcome(null, unsafeContent, StatusCodes.Status415UnsupportedMediaType);
            }
            catch (RequestFailedException ex) when (ex.Status is StatusCodes.Status409Conflict or StatusCodes.Status412PreconditionFailed)
            {
                // The blob exists: another request with the same Idempotency-Key stored it first.
                ours = false;
                return new FileOutcome(null, UploadInProgress(), StatusCodes.Status409Conflict);
            }
            catch (BadHttpRequestException)
            {
                return Incomplete();
            }

            var size = upload.BytesRead;
            var type = signature == FileSignature.Zip ? await OfficeTypeAsync(blob, size, candidates, ct) : candidates[0];
            if (type is null)
            {
                LogTypeRefused(logger, scope, signature);
                return new FileOutcome(null, FileTypes.NotAllowed(allowed), StatusCodes.Status415UnsupportedMediaType);
            }

            keep = true;
            return new FileOutcome(new VerifiedFile(type, size, upload.Sha256()), null, StatusCodes.Status201Created);
        }
        finally
        {
            if (ours && !keep)
            {
                await DeleteQuietlyAsync(blob, logger);
            }
        }
    }

    /// <summary>Upload options for a file that is not an application document (evidence, answers): never overwrite, keep the original name.</summary>
    public static BlobUploadOptions EvidenceUploadOptions(string originalName, FileSignature signature, IReadOnlyList<FileType> candidates, IDictionary<string, string> metadata)
    {
        metadata["originalname"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(originalName));
        return new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            HttpHeaders = new BlobHttpHeaders { ContentType = signature == FileSignature.Zip ? "application/zip" : candidates[0].ContentType },
            Metadata = metadata,
            TransferOptions = new Azure.Storage.StorageTransferOptions { InitialTransferSize = BlockBytes, MaximumTransferSize = BlockBytes, MaximumConcurrency = 2 },
        };
    }

    /// <summary>The role a reader reads in: the owner as applicant, otherwise the staff role that lets them read.</summary>
    private static string ReaderRole(System.Security.Claims.ClaimsPrincipal user, ApplicationState app) =>
        ApplicationFunctions.IsOwner(user, app) ? Roles.Applicant
        : user.IsInRole(Roles.Office) ? Roles.Office
        : user.IsInRole(Roles.Supervisor) ? Roles.Supervisor
        : Roles.Recommender;

    /// <summary>
    /// The first result of an upload retried with the same Idempotency-Key, or null to go on.
    /// Clears a blob left by a crashed attempt; refuses a key whose file was since removed.
    /// </summary>
    private static async Task<IResult?> ReplayAsync(HttpContext http, Streams streams, string applicationId, string documentId, BlobClient blob, ILogger logger, CancellationToken ct)
    {
        var streamId = ApplicationId.Parse(applicationId).Value.StreamId;
        var app = await streams.LoadAsync(StreamKinds.Application, streamId, ct);
        if (!app.Exists || !ApplicationFunctions.IsOwner(http.User, app))
        {
            return null;
        }

        if (app.Documents.FirstOrDefault(d => d.DocumentId == documentId) is { } attached)
        {
            return Created(applicationId, attached);
        }

        var history = await streams.Store.ReadAsync(streamId, ct);
        if (history.Any(e => e.Event is DocumentAttached a && a.Document.DocumentId == documentId))
        {
            return Problems.For(http, Refusal.Rule(
                "document.idempotency-key-used",
                "使用该 Idempotency-Key 上传的文件已被删除；如需重新上传，请换用新的 Idempotency-Key。",
                "The file uploaded with this Idempotency-Key was removed; upload again with a new key."));
        }

        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: ct);
            var storageNow = properties.GetRawResponse().Headers.Date ?? DateTimeOffset.UtcNow;
            if (storageNow - properties.Value.LastModified < AbandonedAfter)
            {
                return Problems.For(http, UploadInProgress());
            }

            await blob.DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = properties.Value.ETag }, cancellationToken: ct);
            LogAbandonedCleared(logger, blob.Name);
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status404NotFound)
        {
            // No earlier attempt got as far as storing the file.
        }

        return null;
    }

    /// <summary>The query string of an upload, checked: what the file is for, whether it holds trade secrets, its original name.</summary>
    public static Outcome<UploadInput> ReadInput(string? kind, string? tradeSecret, string? name)
    {
        var documentKind = Enum.GetValues<DocumentKind>().Select(k => (DocumentKind?)k)
            .FirstOrDefault(k => string.Equals(JsonNamingPolicy.CamelCase.ConvertName(k.ToString()!), kind, StringComparison.OrdinalIgnoreCase));
        if (documentKind is null)
        {
            return Refusal.Invalid(
                "document.kind-invalid",
                "请用 kind 说明文件用途：selfAssessmentReport（自我评价报告）、evidence（证明材料）、recommendationLetter（推荐函）或 internalPublicityProof（内部公示证明）。",
                "Give the file's purpose as kind: selfAssessmentReport, evidence, recommendationLetter or internalPublicityProof.",
                "kind");
        }

        var secret = false;
        if (tradeSecret is not null && !bool.TryParse(tradeSecret, out secret))
        {
            return Refusal.Invalid("document.trade-secret-invalid", "tradeSecret 应为 true 或 false。", "tradeSecret must be true or false.", "tradeSecret");
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            return Refusal.Invalid("document.name-missing", "请用 name 给出原始文件名。", "Give the original file name as name.", "name");
        }

        return name.Length > MaxNameLength
            ? Refusal.Invalid("document.name-too-long", $"文件名不能超过{MaxNameLength}个字符。", $"The file name is limited to {MaxNameLength} characters.", "name")
            : new UploadInput(documentKind.Value, secret, name);
    }

    private static BlobUploadOptions UploadOptions(string applicationId, string documentId, UploadInput input, FileSignature signature, IReadOnlyList<FileType> candidates) => new()
    {
        // Never replace a stored file: a blob name is used once.
        Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        HttpHeaders = new BlobHttpHeaders { ContentType = signature == FileSignature.Zip ? "application/zip" : candidates[0].ContentType },

        // Blob metadata must be ASCII: the original name is kept base64-encoded (UTF-8).
        Metadata = new Dictionary<string, string>
        {
            ["applicationid"] = applicationId,
            ["documentid"] = documentId,
            ["kind"] = input.Kind.ToString(),
            ["tradesecret"] = input.TradeSecret ? "true" : "false",
            ["originalname"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(input.Name)),
        },
        TransferOptions = new Azure.Storage.StorageTransferOptions
        {
            InitialTransferSize = BlockBytes,
            MaximumTransferSize = BlockBytes,
            MaximumConcurrency = 2,
        },
    };

    /// <summary>Reads until <paramref name="head"/> is full or the body ends; returns how many bytes came.</summary>
    private static async Task<int> ReadHeadAsync(Stream body, byte[] head, CancellationToken ct)
    {
        var filled = 0;
        while (filled < head.Length)
        {
            var read = await body.ReadAsync(head.AsMemory(filled), ct);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }

    /// <summary>
    /// Which Office type a stored ZIP is, from the names in its central directory; null if none
    /// of <paramref name="candidates"/>. Nothing is decompressed, and a directory too large to be
    /// an Office document's is refused before it is parsed: a ZIP bomb costs a few reads.
    /// </summary>
    internal static async Task<FileType?> OfficeTypeAsync(BlobClient blob, long size, IReadOnlyList<FileType> candidates, CancellationToken ct)
    {
        var tailLength = (int)Math.Min(size, ZipTailBytes);
        var tail = await blob.DownloadContentAsync(new BlobDownloadOptions { Range = new HttpRange(size - tailLength, tailLength) }, ct);
        if (!HasSmallDirectory(tail.Value.Content.ToMemory().Span))
        {
            return null;
        }

        await using var stream = await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = 256 * 1024 }, ct);
        try
        {
            await using var zip = await ZipArchive.CreateAsync(stream, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, ct);
            return FileTypes.FromZipEntries(zip.Entries.Select(e => e.FullName), candidates);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Finds the end-of-central-directory record and checks the entry count and directory size it declares (ZIP64 markers fail both).</summary>
    private static bool HasSmallDirectory(ReadOnlySpan<byte> tail)
    {
        for (var i = tail.Length - 22; i >= 0; i--)
        {
            if (tail[i] == 0x50 && tail[i + 1] == 0x4B && tail[i + 2] == 0x05 && tail[i + 3] == 0x06)
            {
                var entries = BinaryPrimitives.ReadUInt16LittleEndian(tail[(i + 10)..]);
                var directoryBytes = BinaryPrimitives.ReadUInt32LittleEndian(tail[(i + 12)..]);
                return entries <= MaxZipEntries && directoryBytes <= MaxZipDirectoryBytes;
            }
        }

        return false;
    }

    internal static async Task DeleteQuietlyAsync(BlobClient blob, ILogger logger)
    {
        try
        {
            // Not the request's token: a client that hung up must not leave its bytes behind.
            await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: CancellationToken.None);
        }
        catch (RequestFailedException ex)
        {
            LogDeleteFailed(logger, ex, blob.Name);
        }
    }

    internal static IResult Created(string applicationId, DocumentRef document) =>
        Results.Created($"/api/applications/{applicationId}/documents/{document.DocumentId}", DocumentView.Of(document));

    /// <summary>The same person, application and key always name the same document: a retried upload is recognised.</summary>
    internal static string DeterministicId(string subject, string applicationId, string key) =>
        "doc-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{subject}\n{applicationId}\n{key}")))[..32];

    public static string BlobName(string applicationId, string documentId) => $"applications/{applicationId}/{documentId}";

    private static Refusal ApplicationNotFound() => Refusal.NotFound("application.not-found", "申报不存在。", "No such application.");

    private static Refusal UploadInProgress() => Refusal.Rule(
        "document.upload-in-progress",
        "使用同一 Idempotency-Key 的上传正在进行中，请稍后重试。",
        "An upload with the same Idempotency-Key is in progress; try again shortly.");

    private static FileOutcome TooLarge(long maxBytes) => new(
        null,
        Refusal.Invalid("document.too-large", $"文件超过{SizeText(maxBytes, zh: true)}的上限。", $"The file exceeds the limit of {SizeText(maxBytes, zh: false)}.", "body"),
        StatusCodes.Status413PayloadTooLarge);

    private static FileOutcome Incomplete() => new(
        null,
        Refusal.Invalid("document.upload-incomplete", "文件未完整上传，请重新上传。", "The upload did not arrive complete; upload again.", "body"),
        StatusCodes.Status400BadRequest);

    private static string SizeText(long bytes, bool zh) => bytes switch
    {
        >= 1024 * 1024 when bytes % (1024 * 1024) == 0 => $"{bytes / (1024 * 1024)} MB",
        >= 1024 when bytes % 1024 == 0 => $"{bytes / 1024} KB",
        _ => zh ? $"{bytes.ToString(CultureInfo.InvariantCulture)}字节" : $"{bytes.ToString(CultureInfo.InvariantCulture)} bytes",
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Document {DocumentId} of application {ApplicationId} has no content: blob {BlobName} in container {Container} is missing, so its download answered 404 and no read was recorded. Restore the blob from its soft-deleted or earlier versions.")]
    private static partial void LogContentMissing(ILogger logger, string applicationId, string documentId, string container, string blobName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored document {DocumentId} ({Type}, {Size} bytes) on {ApplicationId}")]
    private static partial void LogStored(ILogger logger, string applicationId, string documentId, string type, long size);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused an upload to {ApplicationId}: content is {Signature}, not an accepted type")]
    private static partial void LogTypeRefused(ILogger logger, string applicationId, FileSignature signature);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused an upload to {ApplicationId}: more than the limit ({BytesRead} bytes read)")]
    private static partial void LogTooLarge(ILogger logger, string applicationId, long bytesRead);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cleared blob {BlobName}, left unattached by an earlier attempt with the same Idempotency-Key")]
    private static partial void LogAbandonedCleared(ILogger logger, string blobName);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not delete refused upload {BlobName}: it stays in storage, attached to nothing")]
    private static partial void LogDeleteFailed(ILogger logger, Exception ex, string blobName);
}

/// <summary>What an upload's query string says about the file.</summary>
public sealed record UploadInput(DocumentKind Kind, bool TradeSecret, string Name);
