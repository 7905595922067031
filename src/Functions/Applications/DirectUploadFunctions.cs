using System.ComponentModel;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using Microsoft.Extensions.Options;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Applications;

[Description("Ask for an address to upload one large file straight to storage.")]
public sealed record DirectUploadRequest(
    [property: Description("What the file is for: selfAssessmentReport, evidence, recommendationLetter or internalPublicityProof.")] string Kind,
    [property: Description("The file holds trade secrets: shown only to its owner, the office, the supervision group and the assigned reviewers.")] bool TradeSecret,
    [property: Description("The original file name, at most 500 characters; the stored name is made safe.")] string Name,
    [property: Description("The file's exact size in bytes (1 to Documents:MaxBytes); the stored file must have it.")] long Size);

public sealed record DirectUploadGrant(
    [property: Description("The upload's id: the document's id once completed.")] string UploadId,
    [property: Description("The address (a SAS that may only create and write this one blob) to PUT the file to.")] Uri UploadUrl,
    [property: Description("When the address stops working; complete the upload before then.")] DateTimeOffset ExpiresAt,
    long MaxBytes,
    [property: Description("The HTTP method to send the file with (PUT).")] string Method,
    [property: Description("Headers to send with the file (x-ms-blob-type: BlockBlob).")] IReadOnlyDictionary<string, string> Headers);

[Description("Finish a direct upload.")]
public sealed record CompleteUploadRequest(
    [property: Description("The SHA-256 of the file the client uploaded, hex; the app computes it again from what was stored and refuses a mismatch.")] string Sha256);

/// <summary>
/// Large files go straight from the applicant to Blob storage: the app hands out a short-lived
/// address (SAS) that may only create and write one blob — never read, list or delete — and the
/// file counts only after the app has checked its size, its type by its content and the SHA-256
/// the client claims: it copies the uploaded blob, as a stream and through the same checks as any
/// upload, to a name no address was ever given for, and deletes the uploaded one. The address can
/// never touch the application's file. A failed check deletes both.
/// <para>
/// The grant is a row (partition <c>upload</c> of the index table). Completing claims it first with
/// an ETag-conditional write (<c>CompletingSince</c>); the UploadSweep timer
/// (<see cref="DirectUploadSweeper"/>) marks an expired grant swept the same way before it deletes
/// the staging blob, so exactly one of them wins: a completion that claimed the grant keeps its
/// file, and a grant marked swept is refused (410 <c>upload.expired</c>) before its blob is read.
/// Expiry is on the <see cref="WallClock"/>, the clock storage checks the SAS against.
/// </para>
/// <para>
/// What one address can do is bounded: storage cannot limit a SAS to a size, so completion counts
/// everything written to the staging blob (its committed length and any uncommitted blocks) and
/// refuses, deleting it, a file larger than the grant's declared size or Documents:MaxBytes; an
/// applicant holds at most Documents:MaxOpenDirectUploads live addresses; a completed grant's
/// staging blob is replaced by an empty tombstone under an infinite lease, so the address, though
/// not yet expired, can write nothing any more (every write to a leased blob needs the lease id);
/// and the sweep deletes any staging blob without an open grant once the longest-lived address
/// for it has expired.
/// </para>
/// </summary>
public sealed partial class DirectUploadFunctions(ApplicationCommands commands, Workflow.Streams streams, StorageClients storage, WallClock wall, IOptions<DocumentsOptions> options, ILogger<DirectUploadFunctions> logger)
{
    private const string Tag = "Documents";

    internal const string Partition = "upload";

    /// <summary>Row properties: when a completion claimed the grant; when the sweep took it; whether its staging blob is gone.</summary>
    internal const string CompletingSince = "CompletingSince";
    internal const string SweptAt = "SweptAt";
    internal const string BlobCleared = "BlobCleared";

    [Function("StartDirectUpload")]
    [Allow(Roles.Applicant)]
    [Api(Tag, "Ask for a short-lived address to upload one large file straight to storage (create-only). Then call .../complete with its SHA-256.", Body = typeof(DirectUploadRequest), Returns = typeof(DirectUploadGrant))]
    [Refuses(404, "application.not-found")]
    [Refuses(409, "application.not-a-draft", "application.window-closed", "application.too-many-documents", "upload.too-many-open")]
    [Refuses(413, "document.size-invalid")]
    [Refuses(422, "document.kind-invalid", "document.name-missing", "document.name-too-long", "document.size-invalid")]
    public async Task<IResult> StartDirectUpload([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/documents/uploads/")] HttpRequest req, string applicationId, CancellationToken ct)
    {
        var http = req.HttpContext;
        if (ApplicationId.Parse(applicationId) is { IsOk: false })
        {
            return Problems.For(http, Refusal.NotFound("application.not-found", "申报不存在。", "No such application."));
        }

        // Someone else's application is "not found" whatever else is wrong with the request.
        if (await commands.PermAttachAsync(applicationId, Caller.As(http.User, Roles.Applicant), ct) is { Kind: RefusalKind.NotFound } hidden)
        {
            return Problems.For(http, hidden);
        }

        var (request, problem) = await JsonBody.ReadAsync<DirectUploadRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var input = DocumentFunctions.ReadInput(request!.Kind, request.TradeSecret ? "true" : "false", request.Name);
        if (!input.IsOk)
        {
            return Problems.For(http, input.Refusal!);
        }

        var limits = options.Value;
        if (request.Size <= 0 || request.Size > limits.MaxBytes)
        {
            return Problems.For(http, Refusal.Invalid("document.size-invalid", $"文件大小应在1字节至{limits.MaxBytes}字节之间。", $"The size must be 1 to {limits.MaxBytes} bytes.", "size"), request.Size > limits.MaxBytes ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status422UnprocessableEntity);
        }

        // Decide: may this person add a file to this application now?
        var actor = Caller.As(http.User, Roles.Applicant);
        if (await commands.PermAttachAsync(applicationId, actor, ct) is { } refused)
        {
            return Problems.For(http, refused);
        }

        // At most so many live addresses per applicant: each can park up to 5,000 MiB until it expires.
        if (await OpenGrantsAsync(storage, actor.Subject, wall.UtcNow, ct) >= limits.MaxOpenDirectUploads)
        {
            return Problems.For(http, Refusal.Rule(
                "upload.too-many-open",
                $"您已有{limits.MaxOpenDirectUploads}个上传地址尚未使用完毕。请先完成这些上传，或等待地址过期（{(int)limits.DirectUploadLifetime.TotalMinutes}分钟）后再申请。",
                $"You already hold {limits.MaxOpenDirectUploads} upload addresses not yet completed; complete them, or wait until they expire ({(int)limits.DirectUploadLifetime.TotalMinutes} minutes)."));
        }

        // Save the grant, then hand out its address.
        var uploadId = $"doc-{Guid.NewGuid():N}";
        var blob = storage.Container(StorageClients.DocumentsContainer).GetBlobClient(StagingName(applicationId, uploadId));
        // Storage checks a SAS against its own (wall) clock, not the workflow's clock.
        var expires = wall.UtcNow.Add(limits.DirectUploadLifetime);
        await Table(storage).AddEntityAsync(
            new TableEntity(Partition, uploadId)
            {
                ["ApplicationId"] = applicationId,
                ["Owner"] = actor.Subject,
                ["Kind"] = input.Value.Kind.ToString(),
                ["TradeSecret"] = input.Value.TradeSecret,
                ["Name"] = input.Value.Name,
                ["Size"] = request.Size,
                ["ExpiresAt"] = expires,
            },
            ct);
        var url = await CreateOnlySasAsync(storage, blob, wall.UtcNow, expires, ct);
        return Results.Ok(new DirectUploadGrant(uploadId, url, expires, limits.MaxBytes, "PUT", new Dictionary<string, string> { ["x-ms-blob-type"] = "BlockBlob" }));
    }

    [Function("CompleteDirectUpload")]
    [Allow(Roles.Applicant)]
    [Api(
        Tag,
        "Finish a direct upload: the app checks the stored file's size, type (by content) and SHA-256, then attaches it. A file that fails is deleted.",
        Body = typeof(CompleteUploadRequest),
        Returns = typeof(DocumentView),
        Status = 201,
        Description = "201 with the attached file. A retry of a completion that already succeeded answers 200 with the stored document record (which also names its blob and original name).")]
    [Refuses(404, "upload.not-found", "application.not-found")]
    [Refuses(409, "upload.busy", "upload.not-uploaded", "document.upload-in-progress", "application.not-a-draft", "application.window-closed", "application.too-many-documents", "concurrency.conflict")]
    [Refuses(410, "upload.expired")]
    [Refuses(413, "document.too-large")]
    [Refuses(415, "document.type-not-allowed", "document.pdf-active-content", "document.pdf-uninspectable", "document.polyglot", "document.office-macros", "document.zip-entry-name", "document.zip-unpacked-too-large")]
    [Refuses(422, "document.size-mismatch", "document.hash-mismatch", "document.empty")]
    public async Task<IResult> CompleteDirectUpload([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/applications/{applicationId}/documents/uploads/{uploadId}/complete")] HttpRequest req, string applicationId, string uploadId, CancellationToken ct)
    {
        var http = req.HttpContext;
        var (request, problem) = await JsonBody.ReadAsync<CompleteUploadRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        // Load the grant: the caller's own, not expired.
        var actor = Caller.As(http.User, Roles.Applicant);
        var row = await FindAsync(storage, uploadId, ct);
        var now = wall.UtcNow;
        if (!IsCompletable(row, applicationId, actor, options.Value, now))
        {
            return await AnswerUncompletableAsync(http, applicationId, uploadId, row, actor, streams, ct);
        }

        // Claim the grant before reading its blob. The sweep marks a grant swept only with the
        // ETag it read, so once this write succeeds it cannot take this blob (nor, afterwards,
        // a grant whose claim is recent); if the sweep wrote first, this write fails.
        if (!await ClaimAsync(storage, row!, now, ct))
        {
            row = await FindAsync(storage, uploadId, ct);
            return IsCompletable(row, applicationId, actor, options.Value, now)
                ? Problems.For(http, Refusal.Rule("upload.busy", "该文件正在核验中，请稍后再试。", "This upload is being completed by another request; try again shortly."))
                : await AnswerUncompletableAsync(http, applicationId, uploadId, row, actor, streams, ct);
        }

        // Decide and save: the file is checked as it is copied, then attached.
        var container = storage.Container(StorageClients.DocumentsContainer);
        var outcome = await VerifyAndAttachAsync(applicationId, uploadId, row!, request!.Sha256 ?? string.Empty, container.GetBlobClient(StagingName(applicationId, uploadId)), container.GetBlobClient(DocumentFunctions.BlobName(applicationId, uploadId)), actor, commands, options.Value, logger, ct);
        if (outcome.Document is not null)
        {
            await Table(storage).DeleteEntityAsync(Partition, uploadId, ETag.All, ct);
            return DocumentFunctions.Created(applicationId, outcome.Document);
        }

        return Problems.For(http, outcome.Refusal!, outcome.Status);
    }

    /// <summary>The caller's own grant, not swept, and its address expired no longer ago than the grace.</summary>
    private static bool IsCompletable(TableEntity? row, string applicationId, Actor actor, DocumentsOptions limits, DateTimeOffset now) =>
        row is not null && IsOwnedBy(row, applicationId, actor) && !IsExpired(row, limits, now);

    private static bool IsOwnedBy(TableEntity row, string applicationId, Actor actor) =>
        row.GetString("ApplicationId") == applicationId && row.GetString("Owner") == actor.Subject;

    /// <summary>Swept, or its address expired longer ago than the grace (the sweep will take it).</summary>
    internal static bool IsExpired(TableEntity row, DocumentsOptions limits, DateTimeOffset now) =>
        row.GetDateTimeOffset(SweptAt) is not null
        || (row.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue) + limits.DirectUploadGrace <= now;

    /// <summary>
    /// A grant that cannot be completed (any more): a retried completion answers what the first
    /// did; the owner of an expired grant hears it expired (410); anyone else, that there is none.
    /// </summary>
    private static async Task<IResult> AnswerUncompletableAsync(HttpContext http, string applicationId, string uploadId, TableEntity? row, Actor actor, Workflow.Streams streams, CancellationToken ct)
    {
        var app = await ApplicationFunctions.LoadVisibleAsync(applicationId, http.User, streams, ct);
        var attached = app?.Documents.FirstOrDefault(d => d.DocumentId == uploadId);
        if (attached is not null && app!.OwnerSubject == actor.Subject)
        {
            return Results.Ok(attached);
        }

        return row is not null && IsOwnedBy(row, applicationId, actor)
            ? Problems.For(http, Refusal.Rule("upload.expired", "上传地址已过期，上传的内容已清除或将被清除。请重新申请上传地址后再上传。", "The upload address has expired; what was uploaded is or will be deleted. Ask for a new address and upload again."), StatusCodes.Status410Gone)
            : Problems.For(http, Refusal.NotFound("upload.not-found", "上传任务不存在或已失效。", "No such upload."));
    }

    /// <summary>Mark the grant as being completed, only if nobody (the sweep) wrote it since it was read.</summary>
    private static async Task<bool> ClaimAsync(StorageClients storage, TableEntity row, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            await Table(storage).UpdateEntityAsync(new TableEntity(Partition, row.RowKey) { [CompletingSince] = now }, row.ETag, TableUpdateMode.Merge, ct);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is StatusCodes.Status404NotFound or StatusCodes.Status412PreconditionFailed)
        {
            return false;
        }
    }

    private static async Task<DocumentFunctions.StoreOutcome> VerifyAndAttachAsync(
        string applicationId, string uploadId, TableEntity row, string claimedSha256, BlobClient staging, BlobClient final, Actor actor, ApplicationCommands commands, DocumentsOptions limits, ILogger logger, CancellationToken ct)
    {
        long size, uncommitted;
        try
        {
            size = (await staging.GetPropertiesAsync(cancellationToken: ct)).Value.ContentLength;
            // Blocks staged and never committed take storage too: everything the address wrote counts.
            var blocks = (await staging.GetParentBlobContainerClient().GetBlockBlobClient(staging.Name).GetBlockListAsync(BlockListTypes.Uncommitted, cancellationToken: ct)).Value;
            uncommitted = blocks.UncommittedBlocks.Sum(b => b.SizeLong);
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status404NotFound)
        {
            return Fail(Refusal.Rule("upload.not-uploaded", "文件尚未上传到存储地址。", "Nothing was uploaded to the address yet."), StatusCodes.Status409Conflict);
        }

        var attached = false;
        try
        {
            var declared = row.GetInt64("Size") ?? 0;
            if (size + uncommitted > declared || size > limits.MaxBytes)
            {
                LogOverGrant(logger, applicationId, uploadId, size, uncommitted, declared);
                return Fail(Refusal.Invalid("document.too-large", $"写入上传地址的数据（{size + uncommitted}字节）超过申请时声明的大小（{declared}字节）或上限，已删除。请按实际大小重新申请上传地址。", $"More was written to the address ({size + uncommitted} bytes) than the size declared ({declared} bytes) or the limit; it was deleted. Ask for a new address with the real size.", "size"), StatusCodes.Status413PayloadTooLarge);
            }

            if (size != declared)
            {
                return Fail(Refusal.Invalid("document.size-mismatch", "上传的文件大小与申请时不符或超过上限。", "The stored size differs from the one announced, or exceeds the limit.", "size"), StatusCodes.Status422UnprocessableEntity);
            }

            // Copy what was uploaded, as a stream, into a blob no address was ever given for, checking
            // it on the way exactly as a direct upload through the app is checked. The SAS can still
            // write the staging blob until it expires, but nothing reads the staging blob again.
            var name = row.GetString("Name");
            var kind = Enum.Parse<DocumentKind>(row.GetString("Kind"));
            var tradeSecret = row.GetBoolean("TradeSecret") ?? false;
            await using var content = await staging.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = 4 * 1024 * 1024 }, ct);
            var stored = await DocumentFunctions.StoreFileAsync(
                final,
                content,
                size,
                (signature, candidates) => DocumentFunctions.EvidenceUploadOptions(name, signature, candidates, new Dictionary<string, string> { ["applicationid"] = applicationId, ["documentid"] = uploadId, ["kind"] = kind.ToString(), ["tradesecret"] = tradeSecret ? "true" : "false" }),
                limits,
                logger,
                applicationId,
                ct);
            if (stored.File is not { } file)
            {
                return Fail(stored.Refusal!, stored.Status);
            }

            if (!string.Equals(file.Sha256, claimedSha256.Trim(), StringComparison.OrdinalIgnoreCase) || file.Size != size)
            {
                LogHashMismatch(logger, applicationId, uploadId);
                await DocumentFunctions.DeleteQuietlyAsync(final, logger);
                return Fail(Refusal.Invalid("document.hash-mismatch", "文件的SHA-256校验值与声明不符，文件可能在传输中损坏或被替换，请重新上传。", "The SHA-256 of the stored file differs from the one given.", "sha256"), StatusCodes.Status422UnprocessableEntity);
            }

            var document = new DocumentRef
            {
                DocumentId = uploadId,
                Kind = kind,
                OriginalName = name,
                SafeName = FileNames.Neutralise(name, file.Type.Extension),
                ContentType = file.Type.ContentType,
                Size = file.Size,
                Sha256 = file.Sha256,
                BlobName = final.Name,
                TradeSecret = tradeSecret,
            };
            var outcome = await commands.RunAsync(applicationId, new AttachDocument(document), actor, "complete-" + uploadId, ct);
            if (outcome.Refused)
            {
                await DocumentFunctions.DeleteQuietlyAsync(final, logger);
                return Fail(outcome.Refusal!, Problems.StatusOf(outcome.Refusal!));
            }

            LogCompleted(logger, applicationId, uploadId, file.Type.Id, size);
            attached = true;
            return new DocumentFunctions.StoreOutcome(outcome.State.Documents.First(d => d.DocumentId == uploadId), null, StatusCodes.Status201Created);
        }
        finally
        {
            // The staging blob is never part of the application. After a refusal it goes (the grant
            // stays until it expires, so the client may upload again and complete); once the file is
            // attached the grant is spent, and its address must not write again: a tombstone.
            if (attached)
            {
                await RetireStagingAsync(staging, logger);
            }
            else
            {
                try
                {
                    // Not the request's token: a client that hung up must not leave its bytes behind.
                    await DeleteStagingAsync(staging, CancellationToken.None);
                }
                catch (RequestFailedException ex)
                {
                    LogDeleteFailed(logger, ex, staging.Name);
                }
            }
        }
    }

    /// <summary>
    /// Replace a spent grant's staging blob with an empty one under an infinite lease: every write
    /// to a leased blob (Put Blob, Put Block, Put Block List) must carry the lease id, which no
    /// address has, so the address can no longer store anything, however long it still runs. The
    /// lease is taken first, so nothing the address writes meanwhile can survive the emptying; the
    /// sweep deletes the tombstone once the address has expired. If anything fails the blob is left
    /// to the sweep, which deletes staging blobs without an open grant.
    /// </summary>
    internal static async Task RetireStagingAsync(BlobClient staging, ILogger logger)
    {
        try
        {
            var lease = staging.GetBlobLeaseClient();
            try
            {
                await lease.AcquireAsync(BlobLeaseClient.InfiniteLeaseDuration);
            }
            catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status404NotFound)
            {
                // Gone already: create the tombstone, then take it.
                await staging.UploadAsync(BinaryData.Empty, overwrite: false);
                await lease.AcquireAsync(BlobLeaseClient.InfiniteLeaseDuration);
            }

            await staging.UploadAsync(BinaryData.Empty, new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { LeaseId = lease.LeaseId },
                Metadata = new Dictionary<string, string> { [TombstoneMetadata] = "true" },
            });
        }
        catch (RequestFailedException ex)
        {
            LogRetireFailed(logger, ex, staging.Name);
        }
    }

    /// <summary>Delete a staging blob (a leased tombstone too: its lease is broken first). True if one was deleted.</summary>
    internal static async Task<bool> DeleteStagingAsync(BlobClient staging, CancellationToken ct)
    {
        try
        {
            return (await staging.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status412PreconditionFailed)
        {
            await staging.GetBlobLeaseClient().BreakAsync(TimeSpan.Zero, cancellationToken: ct);
            return (await staging.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct)).Value;
        }
    }

    /// <summary>Metadata on a spent grant's empty, leased staging blob.</summary>
    internal const string TombstoneMetadata = "retired";

    /// <summary>The applicant's grants whose address still works (not expired, not swept, not completed).</summary>
    private static async Task<int> OpenGrantsAsync(StorageClients storage, string owner, DateTimeOffset now, CancellationToken ct)
    {
        var open = 0;
        await foreach (var row in Table(storage).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Owner eq {owner}"), cancellationToken: ct))
        {
            if (row.GetDateTimeOffset(SweptAt) is null && row.GetDateTimeOffset("ExpiresAt") is { } expires && expires > now)
            {
                open++;
            }
        }

        return open;
    }

    /// <summary>
    /// A create-only SAS for one blob. With the account key (Azurite) it is a service SAS; with the
    /// managed identity (Azure, shared keys off) a user-delegation SAS.
    /// </summary>
    private static async Task<Uri> CreateOnlySasAsync(StorageClients storage, BlobClient blob, DateTimeOffset now, DateTimeOffset expires, CancellationToken ct)
    {
        var sas = new BlobSasBuilder
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            Resource = "b",
            StartsOn = now.AddMinutes(-5),
            ExpiresOn = expires,
            Protocol = blob.Uri.Scheme == Uri.UriSchemeHttps ? SasProtocol.Https : SasProtocol.HttpsAndHttp,
        };
        // Create and Write: a large file is staged in blocks (Put Block, Put Block List need Write).
        sas.SetPermissions(BlobSasPermissions.Create | BlobSasPermissions.Write);
        if (blob.CanGenerateSasUri)
        {
            return blob.GenerateSasUri(sas);
        }

        var key = await storage.Blobs.GetUserDelegationKeyAsync(sas.StartsOn, sas.ExpiresOn, ct);
        return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key.Value, storage.Blobs.AccountName) }.ToUri();
    }

    /// <summary>Where the client's SAS writes; the application's file is a copy under another name.</summary>
    internal static string StagingName(string applicationId, string uploadId) => $"{StagingPrefix}{applicationId}/{uploadId}";

    /// <summary>Where every staging blob lives, in the documents container.</summary>
    internal const string StagingPrefix = "uploads/";

    private static DocumentFunctions.StoreOutcome Fail(Refusal refusal, int status) => new(null, refusal, status);

    private static TableClient Table(StorageClients storage) => storage.Table(StorageClients.IndexTable);

    private static async Task<TableEntity?> FindAsync(StorageClients storage, string uploadId, CancellationToken ct)
    {
        try
        {
            return (await Table(storage).GetEntityAsync<TableEntity>(Partition, uploadId, cancellationToken: ct)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status404NotFound)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Direct upload {UploadId} of {ApplicationId}: {Committed} bytes committed and {Uncommitted} in uncommitted blocks were written for a grant of {Declared} bytes; refused and deleted")]
    private static partial void LogOverGrant(ILogger logger, string applicationId, string uploadId, long committed, long uncommitted, long declared);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The staging blob {Blob} of a completed direct upload could not be retired; the upload sweep deletes it once its address has expired")]
    private static partial void LogRetireFailed(ILogger logger, Exception ex, string blob);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The staging blob {Blob} could not be deleted; the upload sweep deletes it later")]
    private static partial void LogDeleteFailed(ILogger logger, Exception ex, string blob);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Direct upload {UploadId} of {ApplicationId}: the stored file's SHA-256 differs from the one claimed; deleted")]
    private static partial void LogHashMismatch(ILogger logger, string applicationId, string uploadId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Direct upload {UploadId} of {ApplicationId} verified as {Type}, {Size} bytes, and attached")]
    private static partial void LogCompleted(ILogger logger, string applicationId, string uploadId, string type, long size);
}
