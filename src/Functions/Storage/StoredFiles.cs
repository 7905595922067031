using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using QualityAward.Domain;

namespace QualityAward.Functions.Storage;

/// <summary>
/// Opening a stored file to serve it. A file the records list but whose blob has gone (deleted by
/// hand, lost in a restore) is not the caller's fault and no reason for a 500: the caller is told
/// the content is missing and whom to ask, and the endpoint logs an error naming the blob, so an
/// operator can restore it from the account's soft delete or blob versions.
/// </summary>
public static class StoredFiles
{
    /// <summary>The blob's content, ready to stream; null when the blob does not exist.</summary>
    public static async Task<BlobDownloadStreamingResult?> OpenAsync(BlobClient blob, CancellationToken ct)
    {
        try
        {
            return (await blob.DownloadStreamingAsync(cancellationToken: ct)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status404NotFound)
        {
            return null;
        }
    }

    public static Refusal ContentMissing() => Refusal.NotFound(
        "document.content-missing",
        "该文件的内容在存储中已丢失，暂时无法下载。请联系评审办公室处理。",
        "The file's content is missing from storage and cannot be downloaded; contact the award office.");
}
