using QualityAward.Domain.Cycles;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Cycles;

public partial class CycleDeciderTests
{
    [Fact]
    public void Extend_WhileOpen_MovesTheClosingDay()
    {
        var given = CycleBuilder.Opened("weihai");

        var decision = given.Decide(new ExtendSubmissionWindow(new DateOnly(2026, 6, 30), "  部分区市推荐延迟  "), Dates.LastMinute);

        var extended = Then.Single<SubmissionWindowExtended, ICycleEvent>(decision);
        Assert.Equal(new DateOnly(2026, 6, 30), extended.NewClosesOn);
        Assert.Equal("部分区市推荐延迟", extended.Reason);
        var state = CycleState.Fold([.. given.Events, extended]);
        Assert.True(state.AcceptsSubmissionsAt(Dates.At(2026, 6, 30, 23)));
    }

    [Theory]
    // At 00:00 on 1 June the window of 31 May has closed: too late to extend it.
    [InlineData("window over", "2026-06-30", "延长", false, "cycle.window-closed", RefusalKind.Rule)]
    // Closed by the office's command even though the day has not ended.
    [InlineData("closed by command", "2026-06-30", "延长", true, "cycle.window-closed", RefusalKind.Rule)]
    // An "extension" to the same closing day.
    [InlineData("not later", "2026-05-31", "延长", false, "cycle.extension-invalid", RefusalKind.Invalid)]
    // No reason given.
    [InlineData("no reason", "2026-06-30", " ", false, "cycle.reason-missing", RefusalKind.Invalid)]
    public void Extend_WhenNotAllowed_IsRefused(string why, string newClosesOn, string reason, bool closedByCommand, string code, RefusalKind kind)
    {
        var given = CycleBuilder.Opened("weihai");
        if (closedByCommand)
        {
            given.With(new SubmissionsClosed(Dates.InWindow));
        }

        var now = why == "window over" ? Dates.WindowClosed : Dates.InWindow;
        Then.Refused(given.Decide(new ExtendSubmissionWindow(DateOnly.Parse(newClosesOn), reason), now), code, kind);
    }

    [Fact]
    public void CloseSubmissions_AfterTheWindow_RecordsTheClosing()
    {
        var decision = CycleBuilder.Opened("weihai").Decide(new CloseSubmissions(), Dates.WindowClosed);

        var closed = Then.Single<SubmissionsClosed, ICycleEvent>(decision);
        Assert.Equal(Dates.WindowClosed, closed.At);
    }

    [Fact]
    public void CloseSubmissions_BeforeTheWindowEnds_IsRefused()
    {
        var decision = CycleBuilder.Opened("weihai").Decide(new CloseSubmissions(), Dates.LastMinute);

        Then.Refused(decision, "cycle.window-still-open", RefusalKind.Rule);
    }

    [Fact]
    public void CloseSubmissions_Again_DoesNothing()
    {
        var decision = CycleBuilder.Opened("weihai").SubmissionsClosed().Decide(new CloseSubmissions(), Dates.Review);

        Then.Nothing(decision);
    }

    [Fact]
    public void RecordNoticePublished_RecordsTheListOnce()
    {
        var given = CycleBuilder.Opened("weihai");
        var command = new RecordNoticePublished("weihai-2026-candidates", NoticeList.Candidates);

        var published = Then.Single<NoticePublished, ICycleEvent>(given.Decide(command));
        Assert.Equal(NoticeList.Candidates, published.List);
        Assert.Equal("weihai-2026-candidates", published.NoticeId);

        given.With(published);
        Then.Nothing(given.Decide(command));
    }

    [Fact]
    public void CloseCycle_RecordsTheReason_AndEveryLaterCommandIsRefused()
    {
        var given = CycleBuilder.Opened("weihai");

        var closed = Then.Single<CycleClosed, ICycleEvent>(given.Decide(new CloseCycle("  本届评选结束  ")));
        Assert.Equal("本届评选结束", closed.Reason);

        given.With(closed);
        Assert.Equal(CycleStatus.Closed, given.State.Status);
        Then.Refused(given.Decide(new CloseSubmissions(), Dates.WindowClosed), "cycle.closed", RefusalKind.Rule);
        Then.Refused(given.Decide(new RecordNoticePublished("n", NoticeList.Acceptance)), "cycle.closed", RefusalKind.Rule);
    }

    [Fact]
    public void CloseCycle_WithoutReason_IsRefused()
    {
        Then.Refused(CycleBuilder.Opened("weihai").Decide(new CloseCycle("")), "cycle.reason-missing", RefusalKind.Invalid);
    }
}
