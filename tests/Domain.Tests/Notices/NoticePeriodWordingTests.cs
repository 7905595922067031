using QualityAward.Domain.Calendar;
using QualityAward.Domain.Notices;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Notices;

/// <summary>
/// A notice's period in the policy's own terms (issue 18 item 6): 公示期为5个工作日 where the
/// regulation fixes the length, 公示期不少于5个工作日 where it sets a floor — per preset, per notice.
/// </summary>
public sealed class NoticePeriodWordingTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 6, 9, 0, 0, ShanghaiTime.Offset);

    [Theory]
    [InlineData("changde", NoticeList.Acceptance, "公示期不少于5个工作日")]      // §15 公示时间不少于5个工作日
    [InlineData("changde", NoticeList.ProposedWinners, "公示期不少于5个工作日")] // §24 公示时间不少于5个工作日
    [InlineData("benxi", NoticeList.Acceptance, "公示期不少于5个工作日")]        // §16 公示期不少于5个工作日
    [InlineData("benxi", NoticeList.ProposedWinners, "公示期不少于5个工作日")]   // §21 公示期不少于5个工作日
    [InlineData("jinan", NoticeList.ProposedWinners, "公示期为5个工作日")]       // §17 公示期为5个工作日
    [InlineData("xinzhou", NoticeList.Acceptance, "公示期不少于5个工作日")]      // §15 names no period; office: a floor as §13, §17
    [InlineData("xinzhou", NoticeList.ProposedWinners, "公示期不少于5个工作日")] // §17 公示期不少于5个工作日
    [InlineData("weihai", NoticeList.Candidates, "公示期为5个工作日")]           // §15 公示期为5个工作日
    public void NoticePeriod_IsWordedAsThePolicySetsIt(string id, NoticeList list, string expected)
    {
        var stage = Assert.Single(PolicyPresets.Get(id).Stages, s => s.Kind == StageKind.PublicNotice && s.List == list);

        Assert.Equal(expected, stage.PeriodRuleZh());
    }

    [Fact]
    public void InternalPublicity_IsWordedAsAFloor()
    {
        // Xinzhou §13 公示期不少于5个工作日.
        Assert.Equal("公示期不少于5个工作日", PolicyPresets.Get("xinzhou").Stage(StageKind.InternalPublicity)!.PeriodRuleZh());
    }

    [Theory]
    [InlineData("weihai", NoticeList.Candidates, 4, "notice.exact-length", "§15规定公示期为5个工作日。")]  // too short, exact: never 不少于
    [InlineData("weihai", NoticeList.Candidates, 6, "notice.exact-length", "§15规定公示期为5个工作日。")]
    [InlineData("jinan", NoticeList.ProposedWinners, 4, "notice.exact-length", "§17规定公示期为5个工作日。")]
    [InlineData("benxi", NoticeList.Acceptance, 4, "notice.too-short", "公示期不少于5个工作日（§16）。")]
    public void OpeningANoticeOfTheWrongLength_IsRefusedInThePolicysTerms(string id, NoticeList list, int workingDays, string code, string zh)
    {
        var stage = Assert.Single(PolicyPresets.Get(id).Stages, s => s.Kind == StageKind.PublicNotice && s.List == list);
        var entry = new NoticeEntry("app-a", "示例公司", ApplicantCategory.Organisation, "示例区", null);

        var d = NoticeDecider.Decide(
            new OpenNotice($"{id}-2026-{list}", $"{id}-2026", stage, "公示", [entry], new(2026, 5, 6), workingDays, true),
            NoticeState.Initial,
            new NoticeContext(Now, WorkingDayCalendar.MainlandChina, Actors.Office));

        Assert.True(d.IsRefused);
        Assert.Equal((code, zh), (d.Refusal!.Code, d.Refusal.Zh));
    }
}
