using System.Globalization;

namespace QualityAward.Domain.Audit;

/// <summary>
/// An anchor's signed content: when it was taken (UTC, to the tick), the anchor it follows (null
/// for the first), and the head of every stream that is new or moved on since that anchor.
/// </summary>
public sealed record Anchor(DateTimeOffset CreatedAt, AnchorLink? Previous, IReadOnlyList<StreamHead> Streams, string Mac);

/// <summary>An anchor blob as read: the name it is stored under and its content, null when it does not parse.</summary>
public sealed record StoredAnchor(string Name, Anchor? Anchor);

/// <summary>Something wrong with the anchors themselves, named by the anchor blob (and the stream, for a rollback).</summary>
public sealed record AnchorProblem(string Code, string Anchor, string? StreamId, int Version, string Zh, string En);

/// <summary>
/// Every anchor walked in the order of its signed time: the valid ones, the head of every stream
/// they anchored together (the highest each reached) and which anchor recorded it, what was wrong
/// on the way, and how many anchor blobs were read.
/// </summary>
public sealed record AnchorHistory(
    IReadOnlyList<StoredAnchor> Valid,
    IReadOnlyDictionary<string, StreamHead> Heads,
    IReadOnlyDictionary<string, string> AnchoredBy,
    IReadOnlyList<AnchorProblem> Problems,
    int Read)
{
    public static AnchorHistory Empty { get; } = new([], new Dictionary<string, StreamHead>(), new Dictionary<string, string>(), [], 0);

    /// <summary>The valid anchor with the latest signed time, or null.</summary>
    public StoredAnchor? Newest => Valid.Count > 0 ? Valid[^1] : null;

    /// <summary>How the next anchor names the newest: its name and MAC.</summary>
    public AnchorLink? NewestLink => Newest is { Anchor: { } a } n ? new AnchorLink(n.Name, a.Mac) : null;
}

/// <summary>
/// The anchors as a chain. Anchors are chosen and ordered by their signed time, never by their
/// blob names: a name must be exactly the one its signed time gives (so a copy of an old anchor
/// under a new name is refused, not taken as the newest), an anchor signed in the future is
/// refused, each anchor names the one before it (so one removed or slipped in shows), and no
/// anchor may take a stream back to an earlier version or another hash at the same version. Each
/// anchor records only the streams that are new or moved on, so every anchor is needed and the
/// heads are what all of them say together. Pure: the caller reads the blobs and gives the time.
/// </summary>
public static class AnchorChain
{
    /// <summary>How far ahead of the verifier's clock an anchor's signed time may be (clocks of two instances differ a little).</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The one blob name an anchor signed at <paramref name="createdAt"/> may have: <c>yyyyMMdd'T'HHmmss.fffffff'Z'.json</c> (UTC).</summary>
    public static string NameFor(DateTimeOffset createdAt) =>
        createdAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'.'fffffff'Z'", CultureInfo.InvariantCulture) + ".json";

    /// <summary>A new anchor: signed over its time, the anchor before it and its heads.</summary>
    public static Anchor Sign(ReadOnlySpan<byte> key, DateTimeOffset createdAt, AnchorLink? previous, IReadOnlyList<StreamHead> heads)
    {
        var at = createdAt.ToUniversalTime();
        return new Anchor(at, previous, heads, AuditChain.AnchorMac(key, at, previous, heads));
    }

    /// <summary>Walk every anchor blob: check each, order the valid ones by signed time, follow their links and gather the heads.</summary>
    public static AnchorHistory Walk(ReadOnlySpan<byte> key, IReadOnlyList<StoredAnchor> blobs, DateTimeOffset now)
    {
        var problems = new List<AnchorProblem>();
        var valid = new List<StoredAnchor>();
        foreach (var blob in blobs.OrderBy(b => b.Name, StringComparer.Ordinal))
        {
            if (blob.Anchor is not { } anchor || !AuditChain.AnchorMacMatches(key, anchor.CreatedAt, anchor.Previous, anchor.Streams, anchor.Mac))
            {
                problems.Add(Invalid(blob.Name));
            }
            else if (!string.Equals(blob.Name, NameFor(anchor.CreatedAt), StringComparison.Ordinal))
            {
                problems.Add(Misnamed(blob.Name, NameFor(anchor.CreatedAt)));
            }
            else if (anchor.CreatedAt > now + FutureTolerance)
            {
                problems.Add(Future(blob.Name, anchor.CreatedAt, now));
            }
            else
            {
                valid.Add(blob);
            }
        }

        // Names equal signed times here, so no two valid anchors share a time.
        valid.Sort((a, b) => a.Anchor!.CreatedAt.CompareTo(b.Anchor!.CreatedAt));
        var heads = new Dictionary<string, StreamHead>(StringComparer.Ordinal);
        var anchoredBy = new Dictionary<string, string>(StringComparer.Ordinal);
        AnchorLink? before = null;
        foreach (var blob in valid)
        {
            var anchor = blob.Anchor!;
            if (anchor.Previous != before)
            {
                problems.Add(ChainBroken(blob.Name, anchor.Previous, before));
            }

            foreach (var head in anchor.Streams)
            {
                if (!heads.TryGetValue(head.StreamId, out var held) || MovesOn(held, head))
                {
                    heads[head.StreamId] = head;
                    anchoredBy[head.StreamId] = blob.Name;
                }
                else if (head != held)
                {
                    problems.Add(Rollback(blob.Name, held, head));
                }
            }

            before = new AnchorLink(blob.Name, anchor.Mac);
        }

        return new AnchorHistory(valid, heads, anchoredBy, problems, blobs.Count);
    }

    /// <summary>A later head of a stream: a higher version (the event chain between them is the verifier's to check).</summary>
    public static bool MovesOn(StreamHead earlier, StreamHead later) => later.Version > earlier.Version;

    private static AnchorProblem Invalid(string name) => new(
        "audit.anchor-invalid", name, null, 0,
        $"锚点“{name}”的签名不符（锚点已被修改，或不是用本密钥写的）。",
        $"Anchor '{name}' fails its own MAC (altered, or not written under this key).");

    private static AnchorProblem Misnamed(string name, string signedName) => new(
        "audit.anchor-misnamed", name, null, 0,
        $"锚点“{name}”的名称与其签名时间不符（按签名时间应为“{signedName}”）：这是旧锚点的副本，不予采用。",
        $"Anchor '{name}' is not named by its signed time (that would be '{signedName}'): a copy of an older anchor, not used.");

    private static AnchorProblem Future(string name, DateTimeOffset createdAt, DateTimeOffset now) => new(
        "audit.anchor-future", name, null, 0,
        $"锚点“{name}”的签名时间（{createdAt:yyyy-MM-dd HH:mm:ss}Z）晚于现在（{now.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z），不予采用。",
        $"Anchor '{name}' is signed at {createdAt:yyyy-MM-dd HH:mm:ss}Z, later than now ({now.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z): not used.");

    private static AnchorProblem ChainBroken(string name, AnchorLink? named, AnchorLink? actual) => new(
        "audit.anchor-chain-broken", name, null, 0,
        $"锚点“{name}”记录的前一锚点是“{named?.Name ?? "（无）"}”，但按签名时间它之前的有效锚点是“{actual?.Name ?? "（无）"}”：有锚点被删除、改动或插入。",
        $"Anchor '{name}' follows '{named?.Name ?? "(none)"}', but the valid anchor before it by signed time is '{actual?.Name ?? "(none)"}': an anchor was removed, altered or slipped in.");

    private static AnchorProblem Rollback(string name, StreamHead held, StreamHead claimed) => new(
        "audit.anchor-rollback", name, held.StreamId, claimed.Version,
        $"锚点“{name}”把该流记录为第{claimed.Version}号事件，而此前的锚点已记录到第{held.Version}号事件{(claimed.Version == held.Version ? "（哈希不同）" : string.Empty)}：锚点不得使流倒退。",
        $"Anchor '{name}' records this stream at event {claimed.Version}, where earlier anchors had it at event {held.Version}{(claimed.Version == held.Version ? " with another hash" : string.Empty)}: an anchor never takes a stream back.");
}
