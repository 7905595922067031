using System.Globalization;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Applications;

/// <summary>
/// A download is recorded once per reader, file and Shanghai calendar day: the trail still says who
/// read what on which day, and a loop of downloads adds nothing to the stream.
/// </summary>
public class DocumentReadTests
{
    private const string Report = "doc-self-assessment";
    private const string Evidence = "doc-evidence";

    private static readonly Actor Office = Actors.Office;
    private static readonly Actor Supervisor = new("sup-1", Roles.Supervisor, "监督组");

    [Theory]
    // earlier read (reader, file, Shanghai time) -> later read -> recorded again?
    [InlineData("office", Report, "2026-07-01 10:00", "office", Report, "2026-07-01 16:00", false)] // second read the same day: nothing
    [InlineData("office", Report, "2026-07-01 10:00", "office", Report, "2026-07-02 09:00", true)] // next day: recorded
    [InlineData("office", Report, "2026-07-01 10:00", "supervisor", Report, "2026-07-01 10:01", true)] // another reader the same day: recorded
    [InlineData("office", Report, "2026-07-01 10:00", "office", Evidence, "2026-07-01 10:01", true)] // another file the same day: recorded
    [InlineData("office", Report, "2026-07-01 23:50", "office", Report, "2026-07-02 00:10", true)] // past Shanghai midnight (the same UTC day): recorded
    [InlineData("office", Report, "2026-07-01 07:50", "office", Report, "2026-07-01 08:10", false)] // past UTC midnight (the same Shanghai day): nothing
    public void SecondRead_IsRecordedOnlyForANewReaderFileOrShanghaiDay(string firstReader, string firstFile, string firstAt, string reader, string file, string at, bool recorded)
    {
        var app = Submitted().Do(new RecordDocumentRead(firstFile), Who(firstReader), Shanghai(firstAt));

        var decision = app.Decide(new RecordDocumentRead(file), Who(reader), Shanghai(at));

        if (recorded)
        {
            var read = Then.Single<DocumentRead, IApplicationEvent>(decision);
            Assert.Equal((file, Who(reader).Subject, Shanghai(at)), (read.DocumentId, read.ReaderSubject, read.At));
        }
        else
        {
            Then.Nothing(decision);
        }
    }

    [Fact]
    public void TwentyReadsInADay_RecordOne_AndTheNextDayOneMore()
    {
        var app = Submitted();
        for (var i = 0; i < 20; i++)
        {
            app.Do(new RecordDocumentRead(Report), Office, Shanghai("2026-07-01 09:00").AddMinutes(i * 30));
        }

        app.Do(new RecordDocumentRead(Report), Office, Shanghai("2026-07-02 09:00"));

        Assert.Equal(2, app.Events.OfType<DocumentRead>().Count());
    }

    [Fact]
    public void AfterAnotherDaysReads_AnEarlierReaderIsRecordedAgain()
    {
        // Only the latest day is kept: yesterday's readers do not suppress today's reads.
        var app = Submitted()
            .Do(new RecordDocumentRead(Report), Office, Shanghai("2026-07-01 10:00"))
            .Do(new RecordDocumentRead(Report), Supervisor, Shanghai("2026-07-02 10:00"));

        Then.Single<DocumentRead, IApplicationEvent>(app.Decide(new RecordDocumentRead(Report), Office, Shanghai("2026-07-02 11:00")));
        Assert.Equal(new DateOnly(2026, 7, 2), app.State.ReadsToday.Day);
        Assert.Equal([("sup-1", Report)], app.State.ReadsToday.Seen);
    }

    [Fact]
    public void AReadStoredBeforeReadersWereNamed_DoesNotHideTodaysRead()
    {
        // A v1 event (no reader) is upcast with a null reader: it is in the trail, not in the day's reads.
        var app = Submitted().With(new DocumentRead(Report, "报告.pdf", Shanghai("2026-07-01 10:00"), null));

        Then.Single<DocumentRead, IApplicationEvent>(app.Decide(new RecordDocumentRead(Report), Office, Shanghai("2026-07-01 11:00")));
    }

    [Fact]
    public void ARefusedRead_IsStillRefused_WhenTheSameReaderReadItToday()
    {
        // The dedupe comes after the permission: a reader who lost access is refused, not waved through.
        var app = Submitted().Do(new RecordDocumentRead(Report), Office, Shanghai("2026-07-01 10:00"));

        Then.Refused(app.Decide(new RecordDocumentRead(Report), new Actor(Office.Subject, Roles.Committee), Shanghai("2026-07-01 11:00")), "application.not-found", RefusalKind.NotFound);
    }

    private static ApplicationBuilder Submitted()
    {
        var app = ApplicationBuilder.Under("weihai").WithForm();
        app.Do(new AttachDocument(Forms.Document(Evidence)), Actors.Applicant, Dates.InWindow);
        return app.Submitted();
    }

    private static Actor Who(string name) => name == "office" ? Office : Supervisor;

    private static DateTimeOffset Shanghai(string text) =>
        new(DateTime.ParseExact(text, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), ShanghaiTime.Offset);
}
