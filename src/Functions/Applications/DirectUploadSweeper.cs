using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Applications;

/// <summary>What one sweep did.</summary>
public sealed record UploadSweepResult(int Swept, int BlobsDeleted, int MarkersRemoved, int StillPending, int LeftToCompletion, int Raced, int StrayBlobsDeleted);

/// <summary>
/// Takes away direct uploads that were never completed. A grant whose address expired longer ago
/// than <see cref="DocumentsOptions.DirectUploadGrace"/> (on the <see cref="WallClock"/>, as the
/// SAS and completion are) is first marked swept with a write conditional on the ETag the sweep
/// read — a completion that claimed the grant meanwhile makes that write fail, and the grant is
/// left to it — then its staging blob is deleted. The row is cut down to a marker (no file name,
/// kind or size) so that completing the grant answers 410 <c>upload.expired</c>; the marker goes
/// after <see cref="DocumentsOptions.SweptUploadRetention"/>. A grant a completion claimed is left
/// alone until the claim is older than the grace (a completion that died). The sweep never
/// touches an application's file (another blob name) nor its events. Running it twice changes
/// nothing the second time.
/// <para>
/// Then the staging area itself (<c>uploads/</c>): a blob there that no open grant accounts for —
/// a completed grant's tombstone, or whatever an address wrote after its grant was completed or
/// swept — is deleted once it is older than <see cref="DocumentsOptions.DirectUploadLifetime"/>.
/// An address is given with its grant and lives that long, and a blob is written after the grant
/// it belongs to, so by then every address that could write that name has expired: the blob
/// cannot come back.
/// </para>
/// </summary>
public sealed partial class DirectUploadSweeper(StorageClients storage, WallClock wall, IOptions<DocumentsOptions> options, ILogger<DirectUploadSweeper> logger)
{
    private TableClient Table => storage.Table(StorageClients.IndexTable);

    public async Task<UploadSweepResult> SweepAsync(CancellationToken ct)
    {
        var limits = options.Value;
        var now = wall.UtcNow;
        var rows = new List<TableEntity>();
        await foreach (var row in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {DirectUploadFunctions.Partition}"), cancellationToken: ct))
        {
            rows.Add(row);
        }

        int swept = 0, blobs = 0, markers = 0, pending = 0, completing = 0, raced = 0;
        foreach (var row in rows)
        {
            if (row.GetDateTimeOffset(DirectUploadFunctions.SweptAt) is { } sweptAt)
            {
                if (row.GetBoolean(DirectUploadFunctions.BlobCleared) is not true)
                {
                    // An earlier sweep marked it and stopped before the blob was gone.
                    blobs += await DeleteStagingAsync(row, row.ETag, ct) ? 1 : 0;
                }
                else if (sweptAt + limits.SweptUploadRetention <= now && await DeleteMarkerAsync(row, ct))
                {
                    markers++;
                }

                continue;
            }

            if (!DirectUploadFunctions.IsExpired(row, limits, now))
            {
                pending++;
                continue;
            }

            if (row.GetDateTimeOffset(DirectUploadFunctions.CompletingSince) is { } since && since + limits.DirectUploadGrace > now)
            {
                completing++;
                continue;
            }

            var marker = new TableEntity(DirectUploadFunctions.Partition, row.RowKey)
            {
                ["ApplicationId"] = row.GetString("ApplicationId"),
                ["Owner"] = row.GetString("Owner"),
                ["ExpiresAt"] = row.GetDateTimeOffset("ExpiresAt"),
                [DirectUploadFunctions.SweptAt] = now,
                [DirectUploadFunctions.BlobCleared] = false,
            };
            ETag markerETag;
            try
            {
                markerETag = (await Table.UpdateEntityAsync(marker, row.ETag, TableUpdateMode.Replace, ct)).Headers.ETag ?? ETag.All;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Completed or claimed since it was read: it is the completion's now.
                raced++;
                LogRaced(logger, row.RowKey, row.GetString("ApplicationId"));
                continue;
            }

            swept++;
            var deleted = await DeleteStagingAsync(row, markerETag, ct);
            blobs += deleted ? 1 : 0;
            LogSwept(logger, row.RowKey, row.GetString("ApplicationId"), row.GetInt64("Size") ?? 0, row.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue, deleted);
        }

        var stray = await SweepStagingAreaAsync(rows, limits, now, ct);
        var result = new UploadSweepResult(swept, blobs, markers, pending, completing, raced, stray);
        LogSweep(logger, swept, blobs, markers, pending, completing, raced, stray);
        return result;
    }

    /// <summary>Delete staging blobs without an open grant once every address for them has expired. Returns how many.</summary>
    private async Task<int> SweepStagingAreaAsync(IReadOnlyList<TableEntity> rows, DocumentsOptions limits, DateTimeOffset now, CancellationToken ct)
    {
        var open = rows
            .Where(r => r.GetDateTimeOffset(DirectUploadFunctions.SweptAt) is null)
            .Select(r => DirectUploadFunctions.StagingName(r.GetString("ApplicationId"), r.RowKey))
            .ToHashSet(StringComparer.Ordinal);
        var container = storage.Container(StorageClients.DocumentsContainer);
        var deleted = 0;
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, DirectUploadFunctions.StagingPrefix, ct))
        {
            if (open.Contains(blob.Name) || blob.Properties.LastModified is not { } written || written + limits.DirectUploadLifetime > now)
            {
                continue;
            }

            if (await DirectUploadFunctions.DeleteStagingAsync(container.GetBlobClient(blob.Name), ct))
            {
                deleted++;
                LogStray(logger, blob.Name, written, blob.Properties.ContentLength ?? 0);
            }
        }

        return deleted;
    }

    /// <summary>Delete the grant's staging blob if any, then note on the marker that it is gone. True if a blob was deleted.</summary>
    private async Task<bool> DeleteStagingAsync(TableEntity row, ETag markerETag, CancellationToken ct)
    {
        var blob = storage.Container(StorageClients.DocumentsContainer).GetBlobClient(DirectUploadFunctions.StagingName(row.GetString("ApplicationId"), row.RowKey));
        var deleted = await DirectUploadFunctions.DeleteStagingAsync(blob, ct);
        try
        {
            await Table.UpdateEntityAsync(new TableEntity(DirectUploadFunctions.Partition, row.RowKey) { [DirectUploadFunctions.BlobCleared] = true }, markerETag, TableUpdateMode.Merge, ct);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Another sweep got there first: the blob is gone either way.
        }

        return deleted;
    }

    private async Task<bool> DeleteMarkerAsync(TableEntity row, CancellationToken ct)
    {
        try
        {
            return !(await Table.DeleteEntityAsync(DirectUploadFunctions.Partition, row.RowKey, row.ETag, ct)).IsError;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Upload sweep: direct upload {UploadId} of {ApplicationId} ({Size} bytes announced) expired {ExpiresAt:O} and was never completed; swept (staging blob deleted: {BlobDeleted})")]
    private static partial void LogSwept(ILogger logger, string uploadId, string applicationId, long size, DateTimeOffset expiresAt, bool blobDeleted);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upload sweep: direct upload {UploadId} of {ApplicationId} was claimed by a completion while the sweep read it; left to the completion")]
    private static partial void LogRaced(ILogger logger, string uploadId, string applicationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upload sweep: {Swept} expired direct uploads removed ({Blobs} staging blobs deleted), {Markers} old markers of swept uploads removed; {Pending} still within their time, {Completing} being completed, {Raced} claimed during the sweep; {Stray} staging blobs without an open grant deleted")]
    private static partial void LogSweep(ILogger logger, int swept, int blobs, int markers, int pending, int completing, int raced, int stray);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upload sweep: staging blob {Blob} ({Size} bytes, written {Written:O}) belongs to no open grant (a completed upload's tombstone, or written after its grant ended); deleted")]
    private static partial void LogStray(ILogger logger, string blob, DateTimeOffset written, long size);
}

/// <summary>UploadSweep: remove direct uploads that expired without being completed (hourly).</summary>
/// <summary>Deletes direct uploads whose address expired (plus Documents:DirectUploadGrace) without being completed: the staging blob and the grant (hourly).</summary>
public sealed partial class UploadSweepFunction(DirectUploadSweeper sweeper, ILogger<UploadSweepFunction> logger)
{
    [Function("UploadSweep")]
    public async Task<string> Run([TimerTrigger("0 20 * * * *")] TimerInfo timer, CancellationToken ct)
    {
        var r = await sweeper.SweepAsync(ct);
        var summary = $"{r.Swept} expired uploads swept, {r.BlobsDeleted} staging blobs deleted, {r.MarkersRemoved} markers removed, {r.StillPending} pending, {r.LeftToCompletion} being completed, {r.Raced} claimed during the sweep, {r.StrayBlobsDeleted} staging blobs without an open grant deleted";
        LogSwept(logger, summary);
        return summary;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "UploadSweep: {Summary}")]
    private static partial void LogSwept(ILogger logger, string summary);
}
