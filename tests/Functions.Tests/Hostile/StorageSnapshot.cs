using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Hostile;

/// <summary>
/// Everything one test app has stored, as comparable text lines: every entity of every table with
/// the app's prefix (all properties but Timestamp and ETag), every blob of the app's containers
/// (name, length, content MD5 computed here). The app has no queues of its own.
/// </summary>
public sealed record StorageSnapshot(IReadOnlyList<string> Lines)
{
    public static async Task<StorageSnapshot> TakeAsync(TestApp app)
    {
        var lines = new List<string>();
        var storage = app.Storage;
        await foreach (var table in storage.Tables.QueryAsync(t => t.Name.CompareTo(app.Prefix) >= 0 && t.Name.CompareTo(app.Prefix + "~") < 0))
        {
            lines.Add($"table {table.Name}");
            await foreach (var entity in storage.Tables.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                var properties = entity.Keys
                    .Where(k => k is not ("Timestamp" or "odata.etag"))
                    .Order(StringComparer.Ordinal)
                    .Select(k => $"{k}={Show(entity[k])}");
                lines.Add($"  {table.Name}/{entity.PartitionKey}/{entity.RowKey}: {string.Join("; ", properties)}");
            }
        }

        await foreach (var container in storage.Blobs.GetBlobContainersAsync(prefix: app.Prefix + "-"))
        {
            lines.Add($"container {container.Name}");
            var client = storage.Blobs.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync())
            {
                var content = (await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
                lines.Add($"  {container.Name}/{blob.Name}: {content.Length} bytes, md5 {Convert.ToHexString(MD5.HashData(content))}");
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return new StorageSnapshot(lines);
    }

    /// <summary>The lines only one side has, marked - (before only) and + (after only); empty when equal.</summary>
    public string DifferenceFrom(StorageSnapshot before)
    {
        var text = new StringBuilder();
        foreach (var line in before.Lines.Except(Lines))
        {
            text.AppendLine("- " + line);
        }

        foreach (var line in Lines.Except(before.Lines))
        {
            text.AppendLine("+ " + line);
        }

        return text.ToString();
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        byte[] bytes => Convert.ToHexString(MD5.HashData(bytes)),
        DateTimeOffset d => d.ToString("O"),
        _ => value.ToString() ?? string.Empty,
    };
}
