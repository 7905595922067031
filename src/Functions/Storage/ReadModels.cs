using System.Collections.Concurrent;
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
/// <remarks>
/// <para>How a row is written, without reading it first (decision 0023). Every write is
/// conditional, so the rule holds across instances:</para>
/// <list type="number">
/// <item>A row this instance has not seen is <b>inserted</b>: the insert fails (409) if the row exists.</item>
/// <item>A row this instance wrote or read is remembered with its version and ETag. A write of a
/// version not above the remembered one is dropped (the row already reflects as much or more); a
/// newer one <b>replaces</b> the row only if its ETag is still the remembered one (else 412), i.e.
/// only if the row is still exactly the older version this instance knows.</item>
/// <item>On 409, 412 or 404 (the row exists, changed, or went) the row is read once, remembered,
/// and the write decided again by the same two rules.</item>
/// </list>
/// <para>So a replace only ever lands on a row whose version was seen to be lower, in any order of
/// writers on any instance; the usual write (a command's own projection of a row it wrote before)
/// costs one request.</para>
/// </remarks>
public sealed class ReadModels(StorageClients storage)
{
    private const int MaxRemembered = 50_000;

    private readonly ConcurrentDictionary<(string Partition, string Row), (int Version, ETag ETag)> _known = new();

    public TableClient Table => storage.Table(StorageClients.IndexTable);

    public async Task UpsertAsync(TableEntity row, int version, CancellationToken ct)
    {
        row["Version"] = version;
        var key = (row.PartitionKey, row.RowKey);
        (int Version, ETag ETag)? known = _known.TryGetValue(key, out var k) ? k : null;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            try
            {
                if (known is null)
                {
                    Remember(key, version, (await Table.AddEntityAsync(row, ct)).Headers.ETag);
                    return;
                }

                if (known.Value.Version >= version)
                {
                    return;
                }

                Remember(key, version, (await Table.UpdateEntityAsync(row, known.Value.ETag, TableUpdateMode.Replace, ct)).Headers.ETag);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
            {
                // The row exists, changed or went since this instance saw it: read it and decide again.
                _known.TryRemove(key, out _);
                var existing = await GetAsync(row.PartitionKey, row.RowKey, ct);
                known = existing is null ? null : (existing.GetInt32("Version") ?? 0, existing.ETag);
                if (known is { } seen)
                {
                    Remember(key, seen.Version, seen.ETag);
                }
            }
        }

        throw new InvalidOperationException($"Read model {row.PartitionKey}/{row.RowKey} kept changing under v{version}.");
    }

    private void Remember((string, string) key, int version, ETag? etag)
    {
        if (etag is not { } e)
        {
            _known.TryRemove(key, out _);
            return;
        }

        if (_known.Count > MaxRemembered)
        {
            _known.Clear();
        }

        _known[key] = (version, e);
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
