using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using Microsoft.Extensions.Options;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Applications;

public sealed record DirectUploadRequest(string Kind, bool TradeSecret, string Name, long Size);

public sealed record DirectUploadGrant(string UploadId, Uri UploadUrl, DateTimeOffset ExpiresAt, long MaxBytes, string Method, IReadOnlyDictionary<string, string> Headers);

public sealed record CompleteUploadRequest(string Sha256);

/// <summary>
/// Large files go straight from the applicant to Blob storage: the app hands out a short-lived
/// address (SAS) that may only create and write one blob — never read, list or delete — and the
/// file counts only after the app has checked its size, its type by its content and the SHA-256
/// the client claims, reading the blob as a stream. Before it reads, the app takes an infinite
/// lease on the blob: from then on no write without the lease succeeds, so the address is useless
/// for replacing what was checked. A failed check deletes the blob.
/// </summary>
public static partial class DirectUploads
{
    private const string Partition = "upload";

    public static void MapDirectUploads(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/applications/{applicationId}/documents/uploads").WithTags("Documents");

        api.MapPost(string.Empty, async (string applicationId, HttpContext http, ApplicationCommands commands, StorageClients storage, IOptions<DocumentsOptions> options, CancellationToken ct) =>
        {
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

            var input = DocumentEndpoints.ReadInput(request!.Kind, request.TradeSecret ? "true" : "false", request.Name);
            if (!input.IsOk)
            {
                return Problems.For(http, input.Refusal!);
            }

            var limits = options.Value;
            if (request.Size <= 0 || request.Size > limits.MaxBytes)
            {
                return Problems.For(http, Refusal.Invalid("document.size-invalid", $"文件大小应在1字节至{limits.MaxBytes}字节之间。", $"The size must be 1 to {limits.MaxBytes} bytes.", "size"), request.Size > limits.MaxBytes ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status422UnprocessableEntity);
            }

            var actor = Caller.As(http.User, Roles.Applicant);
            if (await commands.PermAttachAsync(applicationId, actor, ct) is { } refused)
            {
                return Problems.For(http, refused);
            }

            var uploadId = $"doc-{Guid.NewGuid():N}";
            var blob = storage.Container(StorageClients.DocumentsContainer).GetBlobClient(DocumentEndpoints.BlobName(applicationId, uploadId));
            // Storage checks a SAS against its own (wall) clock, not the workflow's clock.
            var expires = TimeProvider.System.GetUtcNow().Add(limits.DirectUploadLifetime);
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
            var url = await CreateOnlySasAsync(storage, blob, expires, ct);
            return Results.Ok(new DirectUploadGrant(uploadId, url, expires, limits.MaxBytes, "PUT", new Dictionary<string, string> { ["x-ms-blob-type"] = "BlockBlob" }));
        }).RequireAuthorization(Roles.Applicant).Accepts<DirectUploadRequest>("application/json")
          .WithSummary("Ask for a short-lived address to upload one large file straight to storage (create-only). Then call .../complete with its SHA-256.");

        api.MapPost("/{uploadId}/complete", async (string applicationId, string uploadId, HttpContext http, ApplicationCommands commands, Workflow.Streams streams, StorageClients storage, IOptions<DocumentsOptions> options, ILoggerFactory loggers, CancellationToken ct) =>
        {
            var (request, problem) = await JsonBody.ReadAsync<CompleteUploadRequest>(http, ct);
            if (problem is not null)
            {
                return problem;
            }

            var actor = Caller.As(http.User, Roles.Applicant);
            var row = await FindAsync(storage, uploadId, ct);
            if (row is null || row.GetString("ApplicationId") != applicationId || row.GetString("Owner") != actor.Subject)
            {
                // Already completed? Answer what the first completion did.
                var app = await ApplicationEndpoints.LoadVisibleAsync(applicationId, http.User, streams, ct);
                var attached = app?.Documents.FirstOrDefault(d => d.DocumentId == uploadId);
                return attached is not null && app!.OwnerSubject == actor.Subject
                    ? Results.Ok(attached)
                    : Problems.For(http, Refusal.NotFound("upload.not-found", "上传任务不存在或已失效。", "No such upload."));
            }

            var logger = loggers.CreateLogger(typeof(DirectUploads).FullName!);
            var blob = storage.Container(StorageClients.DocumentsContainer).GetBlobClient(DocumentEndpoints.BlobName(applicationId, uploadId));
            var outcome = await VerifyAndAttachAsync(applicationId, uploadId, row, request!.Sha256 ?? string.Empty, blob, actor, commands, options.Value, logger, ct);
            if (outcome.Document is not null)
            {
                await Table(storage).DeleteEntityAsync(Partition, uploadId, ETag.All, ct);
                return DocumentEndpoints.Created(applicationId, outcome.Document);
            }

            return Problems.For(http, outcome.Refusal!, outcome.Status);
        }).RequireAuthorization(Roles.Applicant).Accepts<CompleteUploadRequest>("application/json")
          .WithSummary("Finish a direct upload: the app checks the stored file's size, type (by content) and SHA-256, then attaches it. A file that fails is deleted.");
    }

    private static async Task<DocumentEndpoints.StoreOutcome> VerifyAndAttachAsync(
        string applicationId, string uploadId, TableEntity row, string claimedSha256, BlobClient blob, Actor actor, ApplicationCommands commands, DocumentsOptions limits, ILogger logger, CancellationToken ct)
    {
        long size;
        try
        {
            size = (await blob.GetPropertiesAsync(cancellationToken: ct)).Value.ContentLength;
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status404NotFound)
        {
            return Fail(Refusal.Rule("upload.not-uploaded", "文件尚未上传到存储地址。", "Nothing was uploaded to the address yet."), StatusCodes.Status409Conflict);
        }

        // Freeze the blob before reading it: what is checked is what stays.
        var lease = blob.GetBlobLeaseClient();
        await lease.AcquireAsync(BlobLeaseClient.InfiniteLeaseDuration, cancellationToken: ct);
        var keep = false;
        try
        {
            if (size > limits.MaxBytes || size != row.GetInt64("Size"))
            {
                return Fail(Refusal.Invalid("document.size-mismatch", "上传的文件大小与申请时不符或超过上限。", "The stored size differs from the one announced, or exceeds the limit.", "size"), StatusCodes.Status422UnprocessableEntity);
            }

            // Read the stored file once, as a stream: its first bytes decide the type, all of it the hash.
            var head = new byte[FileTypes.SignatureLength];
            int headLength;
            string sha256;
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                await using var content = await blob.OpenReadAsync(new Azure.Storage.Blobs.Models.BlobOpenReadOptions(allowModifications: false) { BufferSize = 4 * 1024 * 1024 }, ct);
                var buffer = new byte[81920];
                headLength = 0;
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    if (headLength < head.Length)
                    {
                        var take = Math.Min(head.Length - headLength, read);
                        buffer.AsSpan(0, take).CopyTo(head.AsSpan(headLength));
                        headLength += take;
                    }

                    hash.AppendData(buffer, 0, read);
                }

                sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            if (!string.Equals(sha256, claimedSha256.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                LogHashMismatch(logger, applicationId, uploadId);
                return Fail(Refusal.Invalid("document.hash-mismatch", "文件的SHA-256校验值与声明不符，文件可能在传输中损坏或被替换，请重新上传。", "The SHA-256 of the stored file differs from the one given.", "sha256"), StatusCodes.Status422UnprocessableEntity);
            }

            var signature = FileTypes.Sniff(head.AsSpan(0, headLength));
            var candidates = limits.Allowed.Where(t => signature != FileSignature.Unknown && t.Signature == signature).ToList();
            var type = candidates.Count == 0 ? null
                : signature == FileSignature.Zip ? await DocumentEndpoints.OfficeTypeAsync(blob, size, candidates, ct)
                : candidates[0];
            if (type is null)
            {
                return Fail(FileTypes.NotAllowed(limits.Allowed), StatusCodes.Status415UnsupportedMediaType);
            }

            var name = row.GetString("Name");
            var document = new DocumentRef
            {
                DocumentId = uploadId,
                Kind = Enum.Parse<DocumentKind>(row.GetString("Kind")),
                OriginalName = name,
                SafeName = FileNames.Neutralise(name, type.Extension),
                ContentType = type.ContentType,
                Size = size,
                Sha256 = sha256,
                BlobName = blob.Name,
                TradeSecret = row.GetBoolean("TradeSecret") ?? false,
            };
            var outcome = await commands.RunAsync(applicationId, new AttachDocument(document), actor, "complete-" + uploadId, ct);
            if (outcome.Refused)
            {
                return Fail(outcome.Refusal!, Problems.StatusOf(outcome.Refusal!));
            }

            keep = true;
            LogCompleted(logger, applicationId, uploadId, type.Id, size);
            return new DocumentEndpoints.StoreOutcome(outcome.State.Documents.First(d => d.DocumentId == uploadId), null, StatusCodes.Status201Created);
        }
        finally
        {
            if (!keep)
            {
                await lease.BreakAsync(TimeSpan.Zero, conditions: null, cancellationToken: CancellationToken.None);
                await DocumentEndpoints.DeleteQuietlyAsync(blob, logger);
            }
        }
    }

    /// <summary>
    /// A create-only SAS for one blob. With the account key (Azurite) it is a service SAS; with the
    /// managed identity (Azure, shared keys off) a user-delegation SAS.
    /// </summary>
    private static async Task<Uri> CreateOnlySasAsync(StorageClients storage, BlobClient blob, DateTimeOffset expires, CancellationToken ct)
    {
        var sas = new BlobSasBuilder
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            Resource = "b",
            StartsOn = TimeProvider.System.GetUtcNow().AddMinutes(-5),
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

    private static DocumentEndpoints.StoreOutcome Fail(Refusal refusal, int status) => new(null, refusal, status);

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Direct upload {UploadId} of {ApplicationId}: the stored file's SHA-256 differs from the one claimed; deleted")]
    private static partial void LogHashMismatch(ILogger logger, string applicationId, string uploadId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Direct upload {UploadId} of {ApplicationId} verified as {Type}, {Size} bytes, and attached")]
    private static partial void LogCompleted(ILogger logger, string applicationId, string uploadId, string type, long size);
}
