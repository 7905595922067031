using QualityAward.Domain.Applications;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Tests.Applications;

/// <summary>Who may read an application's files (ApplicationDecider.PermReadDocument), from the application's events.</summary>
public class DocumentAccessTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    [Theory]
    // role, subject, affiliation, submitted, trade secret, expected refusal code (null: may read)
    [InlineData(Roles.Applicant, "owner", null, false, false, null)] // the owner, a draft
    [InlineData(Roles.Applicant, "owner", null, true, true, null)] // the owner, its own trade secret
    [InlineData(Roles.Applicant, "someone-else", null, true, false, "application.not-found")] // another applicant learns nothing
    [InlineData(Roles.Office, "office-1", null, false, true, null)] // the office, even a draft's trade secret
    [InlineData(Roles.Supervisor, "sup-1", null, true, true, null)] // the supervision group sees everything
    [InlineData(Roles.Recommender, "rec-1", "371000:huancui", true, false, null)] // the addressed body of the application's city, once submitted
    [InlineData(Roles.Recommender, "rec-1", "371000:huancui", true, true, "document.not-found")] // but not a trade secret
    [InlineData(Roles.Recommender, "rec-1", "371000:huancui", false, false, "application.not-found")] // nor a draft
    [InlineData(Roles.Recommender, "rec-2", "371000:wendeng", true, false, "application.not-found")] // nor another district's
    [InlineData(Roles.Recommender, "rec-3", "210500:huancui", true, false, "application.not-found")] // nor a body of that id in another city
    [InlineData(Roles.Recommender, "rec-4", "huancui", true, false, "application.not-found")] // nor an authority that names no city
    [InlineData(Roles.Reviewer, "rev-1", null, true, false, "application.not-found")] // reviewers: only what is assigned (not here)
    [InlineData(Roles.Committee, "owner", null, true, false, "application.not-found")] // the owner's subject in another role is not the owner
    public void PermReadDocument_FollowsWhoMayReadTheApplication_AndTradeSecrets(string role, string subject, string? affiliation, bool submitted, bool tradeSecret, string? refused)
    {
        var state = Application(submitted, Document("doc-1", tradeSecret));

        var refusal = ApplicationDecider.PermReadDocument(state, new Actor(subject, role, Affiliation: affiliation), "doc-1");

        Assert.Equal(refused, refusal?.Code);
    }

    [Fact]
    public void PermReadDocument_OfARemovedFile_IsNotFound()
    {
        var state = ApplicationState.Evolve(Application(false, Document("doc-1", false)), new DocumentRemoved("doc-1", At));

        Assert.Equal("document.not-found", ApplicationDecider.PermReadDocument(state, new Actor("owner", Roles.Applicant), "doc-1")?.Code);
    }

    [Fact]
    public void DocumentRead_ChangesNothingButTheVersion_AndTheDaysReads()
    {
        var before = Application(true, Document("doc-1", false));

        var after = ApplicationState.Evolve(before, new DocumentRead("doc-1", "报告.pdf", At, "office-1"));

        Assert.Equal(before with { Version = before.Version + 1, ReadsToday = after.ReadsToday }, after);
        Assert.True(after.ReadsToday.Recorded("office-1", "doc-1", At));
    }

    [Fact]
    public void DocumentRead_WithoutAReader_ChangesNothingButTheVersion()
    {
        // v1 events, written before reads named their reader.
        var before = Application(true, Document("doc-1", false));

        var after = ApplicationState.Evolve(before, new DocumentRead("doc-1", "报告.pdf", At, null));

        Assert.Equal(before with { Version = before.Version + 1 }, after);
    }

    private static ApplicationState Application(bool submitted, DocumentRef document)
    {
        var events = new List<IApplicationEvent>
        {
            new ApplicationDrafted("app-1", "weihai-2026", ApplicantCategory.Organisation, "owner", At, "371000"),
            new DraftSaved(new ApplicationForm { RecommenderId = "huancui" }, At),
            new DocumentAttached(document, At),
        };
        if (submitted)
        {
            events.Add(new ApplicationSubmitted("91350100M000100Y43", [], At));
        }

        return ApplicationState.Fold(events);
    }

    private static DocumentRef Document(string id, bool tradeSecret) => new()
    {
        DocumentId = id,
        Kind = DocumentKind.Evidence,
        OriginalName = "报告.pdf",
        SafeName = "报告.pdf",
        ContentType = "application/pdf",
        Size = 10,
        Sha256 = new string('0', 64),
        BlobName = $"applications/app-1/{id}",
        TradeSecret = tradeSecret,
    };
}
