using System.Text;
using QualityAward.Domain.Audit;

namespace QualityAward.Domain.Tests.Audit;

/// <summary>
/// The anchors as a chain: chosen and ordered by signed time, never by name; a copy under another
/// name, an anchor from the future, a missing or slipped-in anchor and a stream taken back are
/// each a problem; the heads are what all valid anchors say together.
/// </summary>
public class AnchorChainTests
{
    private static readonly byte[] Key = Encoding.ASCII.GetBytes("domain-test-audit-chain-key-0123456789");

    private static readonly DateTimeOffset Now = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Three anchors an hour apart, each linked to the one before: app-1 at 3, then 5; the cycle at 2; app-2 new in the last.</summary>
    private static List<StoredAnchor> Genuine()
    {
        var first = AnchorChain.Sign(Key, Now.AddHours(-3), null, [new("app-1", 3, "h3"), new("cycle", 2, "c2")]);
        var second = AnchorChain.Sign(Key, Now.AddHours(-2), Link(first), [new("app-1", 5, "h5")]);
        var third = AnchorChain.Sign(Key, Now.AddHours(-1), Link(second), [new("app-2", 1, "k1")]);
        return [Stored(first), Stored(second), Stored(third)];
    }

    private static AnchorLink Link(Anchor a) => new(AnchorChain.NameFor(a.CreatedAt), a.Mac);

    private static StoredAnchor Stored(Anchor a) => new(AnchorChain.NameFor(a.CreatedAt), a);

    [Fact]
    public void Walk_OfGenuineAnchors_GathersTheHighestHeadOfEveryStream_AndFindsNothingWrong()
    {
        var blobs = Genuine();

        var history = AnchorChain.Walk(Key, blobs, Now);

        Assert.Empty(history.Problems);
        Assert.Equal(3, history.Valid.Count);
        Assert.Equal(blobs[2].Name, history.Newest!.Name);
        Assert.Equal(new StreamHead("app-1", 5, "h5"), history.Heads["app-1"]);
        Assert.Equal(blobs[1].Name, history.AnchoredBy["app-1"]);
        Assert.Equal(new StreamHead("cycle", 2, "c2"), history.Heads["cycle"]);
        Assert.Equal(blobs[0].Name, history.AnchoredBy["cycle"]);
        Assert.Equal(3, history.Heads.Count);
        Assert.Equal(3, history.Read);
    }

    [Fact]
    public void Walk_AnOldAnchorCopiedUnderAFarFutureName_IsMisnamed_AndNotTakenAsTheNewest()
    {
        var blobs = Genuine();
        blobs.Add(new StoredAnchor("99991231T235959.9999999Z.json", blobs[0].Anchor));

        var history = AnchorChain.Walk(Key, blobs, Now);

        var problem = Assert.Single(history.Problems);
        Assert.Equal("audit.anchor-misnamed", problem.Code);
        Assert.Equal("99991231T235959.9999999Z.json", problem.Anchor);
        Assert.Equal(blobs[2].Name, history.Newest!.Name);
        Assert.Equal(5, history.Heads["app-1"].Version);
    }

    [Fact]
    public void Walk_AnAnchorSignedInTheFuture_IsRefused_ButOneWithinTheToleranceIsTaken()
    {
        var blobs = Genuine();
        var future = AnchorChain.Sign(Key, Now.AddDays(1), Link(blobs[2].Anchor!), [new("app-1", 9, "h9")]);
        blobs.Add(Stored(future));

        var history = AnchorChain.Walk(Key, blobs, Now);

        Assert.Equal("audit.anchor-future", Assert.Single(history.Problems).Code);
        Assert.Equal(5, history.Heads["app-1"].Version);

        var soon = AnchorChain.Sign(Key, Now.AddMinutes(1), Link(blobs[2].Anchor!), [new("app-1", 6, "h6")]);
        var withSoon = AnchorChain.Walk(Key, [.. Genuine(), Stored(soon)], Now);
        Assert.Empty(withSoon.Problems);
        Assert.Equal(6, withSoon.Heads["app-1"].Version);
    }

    [Fact]
    public void Walk_AnAnchorThatTakesAStreamBack_IsARollback_AndTheHigherHeadStays()
    {
        var blobs = Genuine();
        var back = AnchorChain.Sign(Key, Now.AddMinutes(-10), Link(blobs[2].Anchor!), [new("app-1", 4, "h4")]);
        var sameVersionOtherHash = AnchorChain.Sign(Key, Now.AddMinutes(-5), Link(back), [new("cycle", 2, "zz")]);
        blobs.Add(Stored(back));
        blobs.Add(Stored(sameVersionOtherHash));

        var history = AnchorChain.Walk(Key, blobs, Now);

        Assert.Equal(["audit.anchor-rollback", "audit.anchor-rollback"], history.Problems.Select(p => p.Code));
        Assert.Equal(("app-1", 4), (history.Problems[0].StreamId, history.Problems[0].Version));
        Assert.Equal("cycle", history.Problems[1].StreamId);
        Assert.Equal(new StreamHead("app-1", 5, "h5"), history.Heads["app-1"]);
        Assert.Equal(new StreamHead("cycle", 2, "c2"), history.Heads["cycle"]);
    }

    [Fact]
    public void Walk_WhenAnAnchorInTheMiddleIsGone_TheNextOneIsUnlinked()
    {
        var blobs = Genuine();
        var removed = blobs[1].Name;
        blobs.RemoveAt(1);

        var history = AnchorChain.Walk(Key, blobs, Now);

        var problem = Assert.Single(history.Problems);
        Assert.Equal("audit.anchor-chain-broken", problem.Code);
        Assert.Equal(blobs[1].Name, problem.Anchor);
        Assert.Contains(removed, problem.En, StringComparison.Ordinal);
    }

    [Fact]
    public void Walk_AnAlteredAnchor_IsInvalid_AndTheOneAfterItIsUnlinked()
    {
        var blobs = Genuine();
        var altered = blobs[1].Anchor! with { Streams = [new("app-1", 4, "h4")] };
        blobs[1] = blobs[1] with { Anchor = altered };
        blobs.Add(new StoredAnchor("20260302T113000.0000000Z.json", null)); // does not parse

        var history = AnchorChain.Walk(Key, blobs, Now);

        Assert.Equal(
            [("audit.anchor-invalid", blobs[1].Name), ("audit.anchor-invalid", "20260302T113000.0000000Z.json"), ("audit.anchor-chain-broken", blobs[2].Name)],
            history.Problems.Select(p => (p.Code, p.Anchor)));
        Assert.Equal(3, history.Heads["app-1"].Version);
    }

    [Fact]
    public void Walk_OrdersByTheSignedTime_NotByTheName()
    {
        // Names that would sort otherwise are misnamed; only names equal to signed times count,
        // and the newest is the one signed last.
        var blobs = Genuine();
        blobs.Reverse();

        var history = AnchorChain.Walk(Key, blobs, Now);

        Assert.Empty(history.Problems);
        Assert.Equal(AnchorChain.NameFor(Now.AddHours(-1)), history.Newest!.Name);
    }

    [Fact]
    public void NameFor_IsTheUtcTimeToTheTick()
    {
        Assert.Equal("20260302T200000.0000001Z.json", AnchorChain.NameFor(new DateTimeOffset(2026, 3, 3, 4, 0, 0, TimeSpan.FromHours(8)).AddTicks(1)));
    }
}
