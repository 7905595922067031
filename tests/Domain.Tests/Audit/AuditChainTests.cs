using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using QualityAward.Domain.Audit;

namespace QualityAward.Domain.Tests.Audit;

public class AuditChainTests
{
    private static readonly byte[] Key = Encoding.ASCII.GetBytes("domain-test-audit-chain-key-0123456789");

    private static readonly ChainLink Link = new(
        PrevHash: "ab12",
        StreamId: "app-weihai-2026-0001",
        Version: 7,
        Type: "DraftSaved",
        SchemaVersion: 2,
        RecordedAt: new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero),
        ActorSubject: "office-wang",
        ActorRole: "office",
        ActorName: "王科长",
        ActorAffiliation: "市市场监督管理局",
        CommandId: "cmd-1",
        CorrelationId: "corr-1",
        Data: """{"name":"威海精工机械有限公司"}""");

    public static TheoryData<string, ChainLink> EveryFieldChanged => new()
    {
        { "prev hash", Link with { PrevHash = "ab13" } },
        { "stream", Link with { StreamId = "app-weihai-2026-0002" } },
        { "version", Link with { Version = 8 } },
        { "type", Link with { Type = "DraftSaved2" } },
        { "schema version", Link with { SchemaVersion = 1 } },
        { "recorded at, one tick later", Link with { RecordedAt = Link.RecordedAt.AddTicks(1) } },
        { "actor subject", Link with { ActorSubject = "office-li" } },
        { "actor role", Link with { ActorRole = "supervisor" } },
        { "display name", Link with { ActorName = "李科长" } },
        { "display name absent", Link with { ActorName = null } },
        { "affiliation", Link with { ActorAffiliation = "环翠区" } },
        { "affiliation empty instead of absent", Link with { ActorAffiliation = string.Empty } },
        { "command id", Link with { CommandId = "cmd-2" } },
        { "correlation id", Link with { CorrelationId = "corr-2" } },
        { "correlation id absent", Link with { CorrelationId = null } },
        { "data", Link with { Data = """{"name":"威海另一家有限公司"}""" } },
    };

    [Theory]
    [MemberData(nameof(EveryFieldChanged))]
    public void Hash_ChangesWithEveryStoredField(string field, ChainLink changed)
    {
        Assert.NotEqual(AuditChain.Hash(Key, Link), AuditChain.Hash(Key, changed));
        Assert.False(string.IsNullOrEmpty(field));
    }

    [Fact]
    public void Hash_IsTheSameForTheSameLink_AndLowercaseHexOf32Bytes()
    {
        var hash = AuditChain.Hash(Key, Link);

        Assert.Equal(hash, AuditChain.Hash(Key, Link with { }));
        Assert.Matches("^[0-9a-f]{64}$", hash);
    }

    [Fact]
    public void Hash_MovingTextBetweenNeighbouringFields_ChangesIt()
    {
        // A join with a separator would let "a\nb" + "c" pose as "a" + "b\nc"; the length prefix does not.
        var a = Link with { ActorName = "王\n科长", ActorAffiliation = "局" };
        var b = Link with { ActorName = "王", ActorAffiliation = "科长\n局" };

        Assert.NotEqual(AuditChain.Hash(Key, a), AuditChain.Hash(Key, b));
        Assert.NotEqual(AuditChain.Encode(["a\nb", "c"]), AuditChain.Encode(["a", "b\nc"]));
        Assert.NotEqual(AuditChain.Encode([null]), AuditChain.Encode([string.Empty]));
    }

    [Fact]
    public void Hash_UnderAnotherKey_OrAsPlainSha256_IsDifferent()
    {
        var hash = AuditChain.Hash(Key, Link);
        var other = RandomNumberGenerator.GetBytes(32);
        var plain = Convert.ToHexStringLower(SHA256.HashData(AuditChain.Encode(
            ["qualityaward/audit-chain/v1", Link.PrevHash, Link.StreamId, "7", Link.Type, "2", Link.RecordedAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
             Link.ActorSubject, Link.ActorRole, Link.ActorName, Link.ActorAffiliation, Link.CommandId, Link.CorrelationId, Link.Data])));

        Assert.NotEqual(hash, AuditChain.Hash(other, Link));
        Assert.NotEqual(hash, plain);

        // The expected value, computed independently of the production encoder: HMAC-SHA256 over the same bytes.
        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(Key, Encoded(Link))), hash);
    }

    [Fact]
    public void Hash_WithAKeyShorterThan32Bytes_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => AuditChain.Hash(new byte[31], Link));
    }

    private static readonly DateTimeOffset At = new(2026, 3, 2, 10, 50, 0, TimeSpan.Zero);

    private static readonly StreamHead[] Heads = [new("cycle-weihai-2026", 12, "aa"), new("app-weihai-2026-0001", 7, "bb")];

    private static readonly AnchorLink Previous = new("20260302T095000.0000000Z.json", "cc");

    [Fact]
    public void AnchorMac_HoldsForTheAnchorAsWritten()
    {
        var mac = AuditChain.AnchorMac(Key, At, Previous, Heads);

        Assert.True(AuditChain.AnchorMacMatches(Key, At, Previous, Heads, mac));
        Assert.False(AuditChain.AnchorMacMatches(Key, At, Previous, Heads, null));
        Assert.False(AuditChain.AnchorMacMatches(RandomNumberGenerator.GetBytes(32), At, Previous, Heads, mac));
    }

    public static TheoryData<string, DateTimeOffset, AnchorLink?, StreamHead[]> AnchorsAltered => new()
    {
        { "a lower version", At, Previous, [Heads[0], Heads[1] with { Version = 6 }] },
        { "another hash", At, Previous, [Heads[0] with { Hash = "ab" }, Heads[1]] },
        { "a stream left out", At, Previous, [Heads[0]] },
        { "a stream renamed", At, Previous, [Heads[0], Heads[1] with { StreamId = "app-weihai-2026-0002" }] },
        { "another time", At.AddSeconds(1), Previous, Heads },
        { "another predecessor", At, Previous with { Name = "20260302T085000.0000000Z.json" }, Heads },
        { "another predecessor's MAC", At, Previous with { Mac = "cd" }, Heads },
        { "no predecessor", At, null, Heads },
    };

    [Theory]
    [MemberData(nameof(AnchorsAltered))]
    public void AnchorMac_FailsForAnAlteredAnchor(string what, DateTimeOffset at, AnchorLink? previous, StreamHead[] heads)
    {
        var mac = AuditChain.AnchorMac(Key, At, Previous, Heads);

        Assert.False(AuditChain.AnchorMacMatches(Key, at, previous, heads, mac), what);
    }

    [Theory]
    // The stream reached the anchored version with the anchored hash, and may have grown since.
    [InlineData(7, 7, "bb", AnchorOutcome.Matches)]
    [InlineData(9, 7, "bb", AnchorOutcome.Matches)]
    // Its last event(s) were removed: shorter than anchored.
    [InlineData(6, 7, null, AnchorOutcome.Truncated)]
    [InlineData(0, 7, null, AnchorOutcome.Truncated)]
    // Rewritten (with the key) at or before the anchored version.
    [InlineData(7, 7, "cc", AnchorOutcome.Mismatch)]
    [InlineData(9, 7, "cc", AnchorOutcome.Mismatch)]
    public void Compare_AStreamWithItsAnchoredHead(int intactVersion, int anchoredVersion, string? hashThere, AnchorOutcome expected)
    {
        Assert.Equal(expected, AuditChain.Compare(new StreamHead("app-weihai-2026-0001", anchoredVersion, "bb"), intactVersion, hashThere));
    }

    /// <summary>The encoding written out again from its description: 4-byte big-endian length, then UTF-8; null is -1.</summary>
    private static byte[] Encoded(ChainLink l)
    {
        var fields = new[]
        {
            "qualityaward/audit-chain/v1", l.PrevHash, l.StreamId, l.Version.ToString(CultureInfo.InvariantCulture), l.Type,
            l.SchemaVersion.ToString(CultureInfo.InvariantCulture), l.RecordedAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
            l.ActorSubject, l.ActorRole, l.ActorName, l.ActorAffiliation, l.CommandId, l.CorrelationId, l.Data,
        };
        var bytes = new List<byte>();
        foreach (var f in fields)
        {
            var value = f is null ? null : Encoding.UTF8.GetBytes(f);
            var length = value?.Length ?? -1;
            bytes.AddRange(unchecked([(byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length]));
            bytes.AddRange(value ?? []);
        }

        return [.. bytes];
    }
}
