using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace QualityAward.Functions.Storage;

/// <summary>
/// Read models are rows rebuilt from a stream's state after its events are stored. They can be
/// rebuilt at any time, so each write carries the stream version it reflects and never replaces
/// a row built from a newer version (handlers may run twice and out of order).
/// </summary>
public sealed class ReadModels(StorageClients storage)
{
    public TableClient Table => storage.Table(StorageClients.IndexTable);

    public async Task UpsertAsync(TableEntity row, int version, CancellationToken ct)
    {
        row["Version"] = version;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            Response<TableEntity>? existing;
            try
            {
                existing = await Table.GetEntityAsync<TableEntity>(row.PartitionKey, row.RowKey, cancellationToken: ct);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                existing = null;
            }

            try
            {
                if (existing is null)
                {
                    await Table.AddEntityAsync(row, ct);
                    return;
                }

                if ((existing.Value.GetInt32("Version") ?? 0) >= version)
                {
                    return;
                }

                await Table.UpdateEntityAsync(row, existing.Value.ETag, TableUpdateMode.Replace, ct);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Someone else wrote the row meanwhile: read it again and decide again.
            }
        }

        throw new InvalidOperationException($"Read model {row.PartitionKey}/{row.RowKey} kept changing under v{version}.");
    }

    public async Task<TableEntity?> GetAsync(string partition, string row, CancellationToken ct)
    {
        try
        {
            return (await Table.GetEntityAsync<TableEntity>(partition, row, cancellationToken: ct)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<TableEntity>> PartitionAsync(string partition, CancellationToken ct, string? extraFilter = null)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        if (extraFilter is not null)
        {
            filter += " and " + extraFilter;
        }

        var rows = new List<TableEntity>();
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>A partition key for a person: their subject hashed (subjects may hold characters keys cannot).</summary>
    public static string PersonKey(string prefix, string subject) =>
        $"{prefix}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subject)))[..32]}";
}
