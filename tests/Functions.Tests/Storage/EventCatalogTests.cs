using QualityAward.Domain.Applications;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Tests.Storage;

/// <summary>Events stored by an older build still read: each shape change has its upcaster.</summary>
public sealed class EventCatalogTests
{
    [Fact]
    public void DocumentRead_StoredAsV1_ReadsWithNoReader()
    {
        var read = Assert.IsType<DocumentRead>(EventCatalog.Instance.Deserialize("DocumentRead", 1, """{"documentId":"doc-1","name":"报告.pdf","at":"2026-07-01T02:00:00+00:00"}"""));

        Assert.Equal(("doc-1", "报告.pdf", new DateTimeOffset(2026, 7, 1, 2, 0, 0, TimeSpan.Zero), (string?)null), (read.DocumentId, read.Name, read.At, read.ReaderSubject));
    }

    [Fact]
    public void DocumentRead_IsWrittenAsV2_NamingTheReader()
    {
        var (name, version, json) = EventCatalog.Instance.Serialize(new DocumentRead("doc-1", "报告.pdf", DateTimeOffset.UnixEpoch, "office-1"));

        Assert.Equal(("DocumentRead", 2), (name, version));
        Assert.Contains("\"readerSubject\":\"office-1\"", json);
        Assert.Equal("office-1", Assert.IsType<DocumentRead>(EventCatalog.Instance.Deserialize(name, version, json)).ReaderSubject);
    }

    [Fact]
    public void AwardsAnnounced_StoredAsV1_ReadsWithNoCertificates()
    {
        var announced = Assert.IsType<Domain.Cycles.AwardsAnnounced>(EventCatalog.Instance.Deserialize("AwardsAnnounced", 1, """{"reference":"威政字〔2025〕9号","announcedOn":"2025-12-20","winners":[{"applicationId":"app-a","category":"organisation","tier":"recognition","outsideQuota":false}],"at":"2025-12-20T02:00:00+00:00"}"""));

        Assert.Equal("app-a", Assert.Single(announced.Winners).ApplicationId);
        Assert.Empty(announced.Certificates);
    }

    [Fact]
    public void ApplicationAwarded_StoredAsV1_ReadsWithoutANumber_AndV2KeepsIt()
    {
        var v1 = Assert.IsType<Domain.Applications.ApplicationAwarded>(EventCatalog.Instance.Deserialize("ApplicationAwarded", 1, """{"tier":"recognition","year":2025,"awardedOn":"2025-12-20","prizes":["奖牌","证书"],"moneyYuan":0,"outsideQuota":false,"announcementReference":"威政字〔2025〕9号","at":"2025-12-20T02:00:00+00:00"}"""));
        var (name, version, json) = EventCatalog.Instance.Serialize(v1 with { CertificateNumber = "威质奖〔2025〕第001号", VerificationCode = "weihai-2025-r001" });

        Assert.Equal((null, null), (v1.CertificateNumber, v1.VerificationCode));
        Assert.Equal(("ApplicationAwarded", 2), (name, version));
        Assert.Equal("威质奖〔2025〕第001号", Assert.IsType<Domain.Applications.ApplicationAwarded>(EventCatalog.Instance.Deserialize(name, version, json)).CertificateNumber);
    }
}
