using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace QualityAward.Domain.Audit;

/// <summary>Everything stored on an event row, as the chain hashes it.</summary>
public sealed record ChainLink(
    string PrevHash,
    string StreamId,
    int Version,
    string Type,
    int SchemaVersion,
    DateTimeOffset RecordedAt,
    string ActorSubject,
    string ActorRole,
    string? ActorName,
    string? ActorAffiliation,
    string? CommandId,
    string? CorrelationId,
    string Data);

/// <summary>The head of one stream as an anchor records it: its last version and that event's hash.</summary>
public sealed record StreamHead(string StreamId, int Version, string Hash);

/// <summary>The anchor before this one, as an anchor names it: its blob name and its MAC.</summary>
public sealed record AnchorLink(string Name, string Mac);

/// <summary>
/// The audit hash chain, keyed: each event's hash is HMAC-SHA256, under a secret key, of every
/// field stored on its row, including the hash of the event before it. Without the key nobody can
/// compute a hash that verifies, so rewriting an event and "fixing" the chain needs the key, not
/// just write access to the table.
/// <para>
/// Fields are encoded without ambiguity: each is a 4-byte big-endian length and its UTF-8 bytes,
/// and an absent value (null) has the length -1, so no value can pose as a field boundary and
/// "no affiliation" differs from an empty one. The first field names the encoding.
/// </para>
/// </summary>
public static class AuditChain
{
    /// <summary>The smallest key accepted, in bytes.</summary>
    public const int MinKeyBytes = 32;

    private const string LinkTag = "qualityaward/audit-chain/v1";
    private const string AnchorTag = "qualityaward/audit-anchor/v2";

    /// <summary>The hash of an event: lowercase hex HMAC-SHA256 over all its stored fields.</summary>
    public static string Hash(ReadOnlySpan<byte> key, ChainLink link) => Mac(key, Encode(
    [
        LinkTag,
        link.PrevHash,
        link.StreamId,
        link.Version.ToString(CultureInfo.InvariantCulture),
        link.Type,
        link.SchemaVersion.ToString(CultureInfo.InvariantCulture),
        link.RecordedAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
        link.ActorSubject,
        link.ActorRole,
        link.ActorName,
        link.ActorAffiliation,
        link.CommandId,
        link.CorrelationId,
        link.Data,
    ]));

    /// <summary>
    /// The MAC of an anchor: when it was taken, the anchor before it (null for the first), and
    /// every stream head in it, in the order given.
    /// </summary>
    public static string AnchorMac(ReadOnlySpan<byte> key, DateTimeOffset createdAt, AnchorLink? previous, IReadOnlyList<StreamHead> heads)
    {
        var fields = new List<string?>(5 + (heads.Count * 3))
        {
            AnchorTag,
            createdAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
            previous?.Name,
            previous?.Mac,
            heads.Count.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var head in heads)
        {
            fields.Add(head.StreamId);
            fields.Add(head.Version.ToString(CultureInfo.InvariantCulture));
            fields.Add(head.Hash);
        }

        return Mac(key, Encode(fields));
    }

    /// <summary>Whether <paramref name="mac"/> is the anchor's MAC (compared in constant time).</summary>
    public static bool AnchorMacMatches(ReadOnlySpan<byte> key, DateTimeOffset createdAt, AnchorLink? previous, IReadOnlyList<StreamHead> heads, string? mac) =>
        mac is not null && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(AnchorMac(key, createdAt, previous, heads)),
            Encoding.ASCII.GetBytes(mac));

    /// <summary>Length-prefixed UTF-8 of each field; null is length -1.</summary>
    public static byte[] Encode(IReadOnlyList<string?> fields)
    {
        using var buffer = new MemoryStream();
        Span<byte> length = stackalloc byte[4];
        foreach (var field in fields)
        {
            if (field is null)
            {
                BinaryPrimitives.WriteInt32BigEndian(length, -1);
                buffer.Write(length);
                continue;
            }

            var bytes = Encoding.UTF8.GetBytes(field);
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            buffer.Write(length);
            buffer.Write(bytes);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// A stream checked against its anchored head, given what the stream holds: its number of
    /// intact events and the hash it has at the anchored version (null if it is shorter).
    /// </summary>
    public static AnchorOutcome Compare(StreamHead anchored, int intactVersion, string? hashAtAnchoredVersion) =>
        intactVersion < anchored.Version ? AnchorOutcome.Truncated
        : string.Equals(hashAtAnchoredVersion, anchored.Hash, StringComparison.Ordinal) ? AnchorOutcome.Matches
        : AnchorOutcome.Mismatch;

    private static string Mac(ReadOnlySpan<byte> key, byte[] message)
    {
        if (key.Length < MinKeyBytes)
        {
            throw new ArgumentException($"The audit chain key must be at least {MinKeyBytes} bytes.", nameof(key));
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(key, message));
    }
}

/// <summary>How a stream compares with its anchored head.</summary>
public enum AnchorOutcome
{
    /// <summary>The stream reaches the anchored version and has the anchored hash there.</summary>
    Matches,

    /// <summary>The stream is shorter than the anchor says it was: events at its end were removed.</summary>
    Truncated,

    /// <summary>The stream's event at the anchored version is not the one anchored.</summary>
    Mismatch,
}
