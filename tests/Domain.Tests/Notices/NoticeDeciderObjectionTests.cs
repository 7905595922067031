using QualityAward.Domain.Calendar;
using QualityAward.Domain.Notices;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Notices;

/// <summary>Filing an objection: given a running notice (anonymous objections allowed or not), when an objection, then the event or a refusal.</summary>
public sealed class NoticeDeciderObjectionTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 8, 10, 0, 0, ShanghaiTime.Offset);

    private static readonly NoticeEntry A = new("app-a", "威海精工", ApplicantCategory.Organisation, "环翠区", null);

    private static NoticeState Notice(bool anonymousAllowed = true) => NoticeState.Fold(
    [
        new NoticeOpened("weihai-2026-candidates", "weihai-2026", NoticeList.Candidates, "候选名单公示", [A], new(2026, 5, 6), new(2026, 5, 12), 5, new(2026, 5, 13, 0, 0, 0, ShanghaiTime.Offset), "§16", anonymousAllowed, Now.AddDays(-3)),
        new ObjectionFiled("o1", "hash-o1", "app-a", false, null, null, "异议内容", [], Now.AddDays(-1)),
    ]);

    private static Decision<INoticeEvent> File(bool realName, string? name, string? contact, string text = "该单位隐瞒了重大质量事故。", bool anonymousAllowed = true) =>
        NoticeDecider.Decide(new FileObjection("o2", "hash-o2", "app-a", realName, name, contact, text, []), Notice(anonymousAllowed), new NoticeContext(Now, WorkingDayCalendar.MainlandChina, Actor.System));

    [Theory]
    // A name, a contact, or both, with an anonymous objection: the caller asks anonymity and identifies itself.
    [InlineData("张三", "13800000000")]
    [InlineData("张三", null)]
    [InlineData(null, "13800000000")]
    public void AnAnonymousObjection_ThatGivesANameOrContact_IsRefused(string? name, string? contact)
    {
        var d = File(realName: false, name, contact);

        Assert.True(d.IsRefused);
        Assert.Equal(("objection.anonymous-identified", RefusalKind.Invalid), (d.Refusal!.Code, d.Refusal.Kind));
        Assert.Contains("匿名", d.Refusal.Zh, StringComparison.Ordinal);
    }

    [Theory]
    // Nothing identifying, or only blanks where the page's empty fields are: stored without a name or contact.
    [InlineData(null, null)]
    [InlineData("", "  ")]
    public void AnAnonymousObjection_StoresNothingThatIdentifies(string? name, string? contact)
    {
        var filed = Assert.IsType<ObjectionFiled>(Assert.Single(File(realName: false, name, contact).Events));

        Assert.Equal((false, null, null), (filed.RealName, filed.ObjectorName, filed.ObjectorContact));
    }

    [Fact]
    public void ARealNameObjection_KeepsItsNameAndContact()
    {
        var filed = Assert.IsType<ObjectionFiled>(Assert.Single(File(realName: true, " 张三 ", "13800000000").Events));

        Assert.Equal((true, "张三", "13800000000"), (filed.RealName, filed.ObjectorName, filed.ObjectorContact));
    }

    [Theory]
    [InlineData("\u0000\u202e\u200b")]
    [InlineData("\ufeff\u2060")]
    public void AnObjection_WithoutAVisibleCharacter_IsRefused(string text)
    {
        Assert.Equal(FreeText.Code, File(realName: false, null, null, text).Refusal?.Code);
        Assert.Equal(FreeText.Code, File(realName: true, "\u200b", "13800000000").Refusal?.Code);
    }

    [Fact]
    public void AFinding_WithoutAVisibleCharacter_IsRefused_SingleAndInBulk()
    {
        var ctx = new NoticeContext(Now, WorkingDayCalendar.MainlandChina, Actors.Office);

        Assert.Equal(FreeText.Code, NoticeDecider.Decide(new RecordObjectionFinding("o1", false, "\u200b\u200c"), Notice(), ctx).Refusal?.Code);
        Assert.Equal(FreeText.Code, NoticeDecider.Decide(new RecordObjectionFindings(["o1"], false, "\u200b\u200c"), Notice(), ctx).Refusal?.Code);
    }
}
