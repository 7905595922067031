using QualityAward.Domain.Calendar;
using QualityAward.Domain.Notices;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Notices;

/// <summary>One finding for many objections (a flood dismissed in one step): given a notice with objections, when the bulk command, then events or one refusal.</summary>
public sealed class NoticeDeciderBulkFindingTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 20, 10, 0, 0, ShanghaiTime.Offset);

    private static readonly NoticeEntry A = new("app-a", "威海精工", ApplicantCategory.Organisation, "环翠区", null);
    private static readonly NoticeEntry B = new("app-b", "威海海洋", ApplicantCategory.Organisation, "文登区", null);

    /// <summary>A notice over A and B with objections o1..o4 (o1, o2 against A; o3 against B; o4 against the whole list) and o5 already dismissed.</summary>
    private static NoticeState Notice() => NoticeState.Fold(
    [
        new NoticeOpened("weihai-2026-candidates", "weihai-2026", NoticeList.Candidates, "候选名单公示", [A, B], new(2026, 5, 6), new(2026, 5, 12), 5, new(2026, 5, 13, 0, 0, 0, ShanghaiTime.Offset), "§16", true, Now.AddDays(-14)),
        Filed("o1", "app-a"),
        Filed("o2", "app-a"),
        Filed("o3", "app-b"),
        Filed("o4", null),
        Filed("o5", null),
        new ObjectionFindingRecorded("o5", false, "重复提交，不予受理。", Now.AddDays(-1)),
    ]);

    private static ObjectionFiled Filed(string id, string? app) => new(id, "hash-" + id, app, false, null, null, "异议内容", [], Now.AddDays(-10));

    private static Decision<INoticeEvent> Decide(INoticeCommand command, Actor? actor = null) =>
        NoticeDecider.Decide(command, Notice(), new NoticeContext(Now, WorkingDayCalendar.MainlandChina, actor ?? Actors.Office));

    [Fact]
    public void Dismissing_SeveralOpenObjections_RecordsOneFindingEach_InOneDecision()
    {
        var d = Decide(new RecordObjectionFindings(["o1", "o3", "o4"], false, "  无具体事实，不予受理。 "));

        Assert.False(d.IsRefused, d.ToString());
        var recorded = d.Events.Cast<ObjectionFindingRecorded>().ToList();
        Assert.Equal(["o1", "o3", "o4"], recorded.Select(r => r.ObjectionId));
        Assert.All(recorded, r => Assert.Equal((false, "无具体事实，不予受理。"), (r.Upheld, r.Finding)));
    }

    [Fact]
    public void Upholding_TwoObjectionsAgainstOneEntry_RemovesTheEntryOnce()
    {
        var d = Decide(new RecordObjectionFindings(["o1", "o2", "o3"], true, "经核查属实。"));

        // As the single finding does (Changde §24), but A leaves the list once, not twice.
        Assert.Equal(
            ["ObjectionFindingRecorded", "NoticeEntryRemoved", "ObjectionFindingRecorded", "ObjectionFindingRecorded", "NoticeEntryRemoved"],
            d.Events.Select(e => e.GetType().Name));
        Assert.Equal(["app-a", "app-b"], d.Events.OfType<NoticeEntryRemoved>().Select(r => r.ApplicationId));
    }

    [Fact]
    public void OneBadId_RefusesTheWholeCommand_NamingEveryBadId()
    {
        // o9 does not exist, o5 has another finding already, o1 is listed twice: nothing is recorded, not even o3's.
        var d = Decide(new RecordObjectionFindings(["o3", "o9", "o5", "o1", "o1"], false, "不予受理。"));

        Assert.True(d.IsRefused);
        Assert.Empty(d.Events);
        Assert.Equal("objection.bulk-refused", d.Refusal!.Code);
        Assert.Equal(RefusalKind.Invalid, d.Refusal.Kind);
        Assert.Equal(
            [("objectionIds[1]", "objection.not-found"), ("objectionIds[2]", "objection.decided"), ("objectionIds[4]", "objection.listed-twice")],
            d.Refusal.Problems.Select(p => (p.Field, p.Code)));
        Assert.Contains("o9", d.Refusal.Zh);
        Assert.Contains("o5", d.Refusal.Zh);
        Assert.DoesNotContain("o3", d.Refusal.Zh);
    }

    [Fact]
    public void OnlyDecidedIds_AreAConflict()
    {
        var d = Decide(new RecordObjectionFindings(["o1", "o5"], true, "属实。"));

        Assert.Equal((RefusalKind.Rule, "objection.bulk-refused"), (d.Refusal!.Kind, d.Refusal.Code));
        Assert.Equal("objectionIds[1]", Assert.Single(d.Refusal.Problems).Field);
    }

    [Fact]
    public void Repeating_TheSameBulkFinding_ChangesNothing()
    {
        var state = Notice();
        var ctx = new NoticeContext(Now, WorkingDayCalendar.MainlandChina, Actors.Office);
        var command = new RecordObjectionFindings(["o1", "o4", "o5"], false, "重复提交，不予受理。");
        var first = NoticeDecider.Decide(command, state, ctx);
        var after = first.Events.Aggregate(state, NoticeState.Evolve);

        Assert.Equal(2, first.Events.Count); // o5 carries this very finding already
        Assert.Same(Decision<INoticeEvent>.Nothing, NoticeDecider.Decide(command, after, ctx));
    }

    [Theory]
    // No ids.
    [InlineData(0, "不予受理。", "objection.ids-missing")]
    // More than one append can hold.
    [InlineData(NoticeDecider.MaxFindingsAtOnce + 1, "不予受理。", "objection.too-many-at-once")]
    // No finding written.
    [InlineData(2, " ", "objection.finding-missing")]
    public void MalformedCommands_AreRefused(int ids, string finding, string code)
    {
        var d = Decide(new RecordObjectionFindings(Enumerable.Range(1, ids).Select(i => "o" + i).ToList(), false, finding));

        Assert.Equal(code, d.Refusal?.Code);
    }

    [Fact]
    public void NobodyButTheOffice_RecordsFindings()
    {
        var d = Decide(new RecordObjectionFindings(["o1"], false, "不予受理。"), new Actor("sup-1", Roles.Supervisor, "监督组"));

        Assert.Equal("notice.office-only", d.Refusal?.Code);
    }
}
