using Azure.Storage.Blobs;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using QualityAward.Domain;
using QualityAward.Domain.Notices;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Notices;

/// <summary>An objection as it arrived in a multipart form: its fields, and the evidence files already stored and checked.</summary>
public sealed record ObjectionUpload(string ObjectionId, ObjectionRequest Request, IReadOnlyList<string> Evidence, IReadOnlyList<BlobClient> Blobs);

/// <summary>
/// Evidence (证明材料) filed with an objection: each file streams through the same checks as an
/// application's documents (type by content, size limit, SHA-256, never overwritten) into
/// <c>objections/{noticeId}/{objectionId}/{n}</c>. Fields come before files in the form; if the
/// objection is then refused, its files are deleted. Only the office and the supervision group
/// can read them.
/// </summary>
public static partial class ObjectionEvidence
{
    public static string Prefix(string noticeId, string objectionId) => $"objections/{noticeId}/{objectionId}/";

    /// <summary>Read a multipart objection. Returns the upload, or the refusal (files stored so far are deleted).</summary>
    public static async Task<(ObjectionUpload? Upload, Refusal? Refusal, int Status)> ReadAsync(HttpRequest request, string noticeId, StorageClients storage, DocumentsOptions limits, ILogger logger, CancellationToken ct)
    {
        var boundary = MediaTypeHeaderValue.TryParse(request.ContentType, out var type) ? HeaderUtilities.RemoveQuotes(type.Boundary).Value : null;
        if (string.IsNullOrEmpty(boundary))
        {
            var bad = Refusal.Invalid("objection.form-invalid", "表单格式不正确。", "The form is malformed.");
            return (null, bad, StatusCodes.Status400BadRequest);
        }

        var objectionId = NoticeCommands.NewObjectionId();
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var evidence = new List<string>();
        var blobs = new List<BlobClient>();
        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
        try
        {
            return await ReadPartsAsync(reader, noticeId, objectionId, fields, evidence, blobs, storage, limits, logger, ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException or OperationCanceledException)
        {
            // The client went away or sent a broken body: nothing it sent may stay stored.
            await DeleteAsync(blobs, logger);
            if (e is OperationCanceledException)
            {
                throw;
            }

            var broken = Refusal.Invalid("objection.form-invalid", "表单内容不完整或格式不正确。", "The form is incomplete or malformed.");
            return (null, broken, StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<(ObjectionUpload? Upload, Refusal? Refusal, int Status)> ReadPartsAsync(
        MultipartReader reader, string noticeId, string objectionId, Dictionary<string, string> fields, List<string> evidence, List<BlobClient> blobs, StorageClients storage, DocumentsOptions limits, ILogger logger, CancellationToken ct)
    {
        var parts = 0;
        for (var section = await reader.ReadNextSectionAsync(ct); section is not null; section = await reader.ReadNextSectionAsync(ct))
        {
            if (++parts > FormParts.MaxParts)
            {
                await DeleteAsync(blobs, logger);
                var many = Refusal.Invalid("objection.form-invalid", "表单内容过多。", "The form has too many parts.");
                return (null, many, StatusCodes.Status422UnprocessableEntity);
            }

            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                continue;
            }

            if (!disposition.IsFileDisposition())
            {
                var fieldName = disposition.Name.Value ?? string.Empty;
                if (fieldName is not ("text" or "realName" or "name" or "contact" or "applicationId" or "entry"))
                {
                    continue; // only the objection's own fields are kept
                }

                var value = await FormParts.ReadFieldAsync(section.Body, FormParts.MaxFieldChars, ct);
                if (value is null)
                {
                    await DeleteAsync(blobs, logger);
                    var tooLong = Refusal.Invalid("objection.field-too-long", "填写的内容过长。", "A field is too long.");
                    return (null, tooLong, StatusCodes.Status422UnprocessableEntity);
                }

                fields[fieldName] = value;
                continue;
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
            if (string.IsNullOrEmpty(name))
            {
                // An empty file input: the browser sends the part with no name and no bytes.
                continue;
            }

            if (evidence.Count >= NoticeDecider.MaxEvidenceFiles)
            {
                await DeleteAsync(blobs, logger);
                var many = Refusal.Invalid("objection.too-many-files", $"证明材料至多{NoticeDecider.MaxEvidenceFiles}个文件。", $"At most {NoticeDecider.MaxEvidenceFiles} evidence files.", "evidence");
                return (null, many, StatusCodes.Status422UnprocessableEntity);
            }

            var evidenceId = $"evidence-{evidence.Count + 1}";
            var blob = storage.Container(StorageClients.DocumentsContainer).GetBlobClient(Prefix(noticeId, objectionId) + evidenceId);
            var stored = await DocumentFunctions.StoreFileAsync(
                blob,
                section.Body,
                null,
                (signature, candidates) => DocumentFunctions.EvidenceUploadOptions(name, signature, candidates, new Dictionary<string, string> { ["noticeid"] = noticeId, ["objectionid"] = objectionId }),
                limits,
                logger,
                noticeId,
                ct);
            if (stored.File is null)
            {
                await DeleteAsync(blobs, logger);
                return (null, stored.Refusal, stored.Status);
            }

            evidence.Add(evidenceId);
            blobs.Add(blob);
        }

        var objection = new ObjectionRequest(
            fields.GetValueOrDefault("text") ?? string.Empty,
            fields.GetValueOrDefault("realName") == "true",
            Empty(fields.GetValueOrDefault("name")),
            Empty(fields.GetValueOrDefault("contact")),
            Empty(fields.GetValueOrDefault("applicationId")),
            Empty(fields.GetValueOrDefault("entry")) is { } entry ? (int.TryParse(entry, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0) : null);
        return (new ObjectionUpload(objectionId, objection, evidence, blobs), null, StatusCodes.Status200OK);
    }

    public static async Task DeleteAsync(IEnumerable<BlobClient> blobs, ILogger logger)
    {
        foreach (var blob in blobs)
        {
            await DocumentFunctions.DeleteQuietlyAsync(blob, logger);
        }
    }

    private static string? Empty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    [LoggerMessage(Level = LogLevel.Error, Message = "Evidence {EvidenceId} of objection {ObjectionId} on notice {NoticeId} has no content: blob {BlobName} in container {Container} is missing, so its download answered 404. Restore the blob from its soft-deleted or earlier versions.")]
    public static partial void LogMissing(ILogger logger, string noticeId, string objectionId, string evidenceId, string container, string blobName);
}
