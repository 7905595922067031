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
}
