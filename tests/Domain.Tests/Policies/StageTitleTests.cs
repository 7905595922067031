using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Tests.Policies;

/// <summary>
/// One vocabulary (issue 18 item 6): the stage names people read — pages, mails, worklist reasons,
/// the API's titles, the reports' stage dimension — are each preset's <c>title</c>s, and those are
/// the regulation's own words. One table per preset: the stage, the title, the article the policy
/// cites, and the words of that article (shared/seeds/, verbatim; "…" skips text) the title is
/// made of. A row without words is the office's: the regulation names no such step.
/// </summary>
public class StageTitleTests
{
    private sealed record Row(StageKind Kind, string Title, string Article, string? Words);

    private static void AssertTitles(string presetId, Row[] table)
    {
        var policy = PolicyPresets.Get(presetId);
        Assert.Equal(
            table.Select(r => (r.Kind, r.Title, r.Article)).ToList(),
            policy.Stages.Select(s => (s.Kind, Title: s.Title ?? string.Empty, s.Article)).ToList());
        foreach (var row in table.Where(r => r.Words is not null))
        {
            // The title is made of the article's words: no character of it comes from elsewhere.
            var foreign = row.Title.Replace("、", string.Empty, StringComparison.Ordinal).Where(c => !row.Words!.Contains(c, StringComparison.Ordinal)).ToList();
            Assert.True(foreign.Count == 0, $"{presetId} {row.Kind} “{row.Title}”: {string.Concat(foreign)} is not in {row.Article} “{row.Words}”");
        }
    }

    [Fact]
    public void TitleOf_UsesThePolicysWords_NotTheKindsGenericName()
    {
        Assert.Equal("资格审查", PolicyPresets.Get("jinan").TitleOf(StageKind.FormalReview));
        Assert.Equal("初步审查", PolicyPresets.Get("changde").TitleOf(StageKind.FormalReview));
        Assert.Equal("形式审查", PolicyPresets.Get("xinzhou").TitleOf(StageKind.FormalReview));
        // At a position: Changde's second notice is the proposed winners'.
        var changde = PolicyPresets.Get("changde");
        var second = changde.Stages.ToList().FindLastIndex(s => s.Kind == StageKind.PublicNotice);
        Assert.Equal("获奖建议名单公示", changde.TitleAt(second, StageKind.PublicNotice));
    }


    [Fact] // 000_c2d702552720a0e3
    public void Changde_StageTitles_AreTheRegulationsWords() => AssertTitles("changde",
    [
        new(StageKind.Call, "发布申报通知", "§11", null),   // office
        new(StageKind.Submission, "提交申报材料", "§11-12", "申报组织和个人向所在地区县市市场监管部门提交申报材料"),
        new(StageKind.Recommendation, "区县市初审推荐", "§12", "所在地区县市市场监管部门对申报材料进行初审，并征求相关部门意见后，报请所在地区县市人民政府（管委会）批准后向评委会办公室推荐"),
        new(StageKind.Consultation, "征求有关主管部门意见", "§13-14", "征求生态环境、人力资源和社会保障、税务、市场监管、应急管理等有关主管部门意见"),
        new(StageKind.FormalReview, "初步审查", "§13, §15", "评委会办公室根据初步审查结果，形成市长质量奖受理名单"),
        new(StageKind.PublicNotice, "受理名单公示", "§15", "形成市长质量奖受理名单，并向社会公示"),
        new(StageKind.MaterialReview, "材料评审", "§19", "评审程序包括材料评审、现场评审、顾客满意度测评、综合评价、审议和公示公告"),
        new(StageKind.SiteReview, "现场评审", "§20, §37", "评审组依据评审准则和实施细则进行现场评审"),
        new(StageKind.CustomerSatisfaction, "顾客满意度测评", "§21", "对通过材料评审的组织进行顾客满意度测评"),
        new(StageKind.CompositeEvaluation, "综合评价", "§22", "评委会办公室对材料评审、现场评审和满意度测评情况进行综合评价"),
        new(StageKind.Deliberation, "评委会审议", "§23", "评委会召开会议，对市长质量奖和市长质量奖提名奖候选名单予以审议"),
        new(StageKind.PublicNotice, "获奖建议名单公示", "§24", "评委会办公室将市长质量奖和市长质量奖提名奖获奖建议名单向社会公示"),
        new(StageKind.Approval, "审核审定", "§24", "经评委会主任审核，市长审定后，由市人民政府公告"),
    ]);

    [Fact] // 001_0d038cb9120a425c
    public void Benxi_StageTitles_AreTheRegulationsWords() => AssertTitles("benxi",
    [
        new(StageKind.Call, "发布通告", "§13-14", "第十四条 发布通告。"),
        new(StageKind.Submission, "组织申报", "§15", "第十五条 组织申报。"),
        new(StageKind.Recommendation, "签署推荐意见", "§15", "县（区）市场监管部门签署推荐意见后"),
        new(StageKind.FormalReview, "受理审查", "§16", "第十六条 受理审查。"),
        new(StageKind.PublicNotice, "受理名单公示", "§16", "形成市长质量奖受理名单，向社会进行公示"),
        new(StageKind.MaterialReview, "资料评审", "§17-18", "第十八条 资料评审。"),
        new(StageKind.SiteReview, "现场评审", "§19", "第十九条 现场评审。"),
        new(StageKind.CompositeEvaluation, "综合评价", "§20", "综合评价。"),
        new(StageKind.Deliberation, "市领导小组审议", "§6, §20-21", "提交市领导小组审议"),
        new(StageKind.PublicNotice, "拟奖公示", "§21-22", "第二十一条 拟奖公示。"),
        new(StageKind.Approval, "审定报批", "§23", "第二十三条 审定报批。"),
    ]);

    [Fact] // 002_efa6815a41656b1b
    public void Jinan_StageTitles_AreTheRegulationsWords() => AssertTitles("jinan",
    [
        new(StageKind.Call, "印发申报通知", "§13", "市质量强市领导小组办公室印发市长质量奖申报通知"),
        new(StageKind.Submission, "填写申报表、编制自我评价报告", "§14", "如实填写《济南市市长质量奖申报表》，参照评审依据编制《自我评价报告》"),
        new(StageKind.Recommendation, "区县初审推荐", "§14", "经所在区县质量工作议事协调机构组织有关成员单位进行初审，并签署推荐意见"),
        new(StageKind.FormalReview, "资格审查", "§15", "组织对申报单位和个人进行资格审查、材料评审、现场评审和陈述答辩"),
        new(StageKind.MaterialReview, "材料评审", "§15", "资格审查、材料评审、现场评审和陈述答辩"),
        new(StageKind.SiteReview, "现场评审", "§15", "资格审查、材料评审、现场评审和陈述答辩"),
        new(StageKind.Presentation, "陈述答辩", "§15", "资格审查、材料评审、现场评审和陈述答辩"),
        new(StageKind.CompositeEvaluation, "提出候选名单", "§16", "提出市长质量奖候选名单"),
        new(StageKind.Deliberation, "市质量强市领导小组审议", "§16", "提交市质量强市领导小组审议"),
        new(StageKind.PublicNotice, "拟奖名单公示", "§17", "向社会公示拟奖名单，公示期为5个工作日"),
        new(StageKind.Approval, "市政府审定", "§18", "报市政府审定后公布"),
    ]);

    [Fact] // 003_4dd056756798b4c1
    public void Xinzhou_StageTitles_AreTheRegulationsWords() => AssertTitles("xinzhou",
    [
        new(StageKind.Call, "发布申报通知", "§5", null),   // office
        new(StageKind.InternalPublicity, "单位内部公示", "§13", "申报组织和个人情况应当在本组织或单位内部公示"),
        new(StageKind.Submission, "提交申报材料", "§13", "申报组织和个人应按要求将申报材料提交至"),
        new(StageKind.Recommendation, "审核推荐", "§14", "审核通过后，县级市场监管部门上报本县（市、区）政府…向市市场监管局推荐"),
        new(StageKind.Consultation, "书面征求有关主管部门意见", "§15", "以书面形式征求有关主管部门意见"),
        new(StageKind.FormalReview, "形式审查", "§15", "申报材料的完整性进行形式审查"),
        new(StageKind.PublicNotice, "受理名单公示", "§15", "形成忻州市市长质量奖受理名单并向社会公示"),
        new(StageKind.MaterialReview, "材料评审", "§16", "评选环节包括但不限于材料评审、现场评审、陈述答辩等"),
        new(StageKind.SiteReview, "现场评审", "§16", "评选环节包括但不限于材料评审、现场评审、陈述答辩等"),
        new(StageKind.Presentation, "陈述答辩", "§16", "评选环节包括但不限于材料评审、现场评审、陈述答辩等"),
        new(StageKind.CompositeEvaluation, "评审结果", "§16-17", "根据评审结果"),
        new(StageKind.Deliberation, "形成获奖建议名单", "§6, §17", "并形成获奖建议名单"),
        new(StageKind.Consultation, "向有关部门征求意见", "§17", "向有关部门征求意见"),
        new(StageKind.PublicNotice, "获奖建议名单公示", "§17", "获奖建议名单应在全市范围内公示"),
        new(StageKind.Approval, "联合上报、市政府审定", "§18", "由市市场监管局与市人力资源和社会保障局联合上报市人民政府。市人民政府审定表彰对象"),
    ]);

    [Fact] // 004_e67bc35a3d71045b
    public void Weihai_StageTitles_AreTheRegulationsWords() => AssertTitles("weihai",
    [
        new(StageKind.Call, "发布认定通知", "§8(二), §13", "负责制定、发布市长质量奖认定通知"),
        new(StageKind.Submission, "填写认定申报表、编制自我评价报告", "§13", "如实填写《威海市市长质量奖认定申报表》，编制《自我评价报告》"),
        new(StageKind.Recommendation, "区市审核推荐", "§5, §13", "区市质量议事协调机构对上述材料审核并签署推荐意见"),
        new(StageKind.OpinionSurvey, "舆情调查", "§14", "根据舆情调查、资格审查、材料审查、现场评审和陈述答辩结果，形成评审意见"),
        new(StageKind.FormalReview, "资格审查", "§14", "根据舆情调查、资格审查、材料审查、现场评审和陈述答辩结果，形成评审意见"),
        new(StageKind.MaterialReview, "材料审查", "§14", "根据舆情调查、资格审查、材料审查、现场评审和陈述答辩结果，形成评审意见"),
        new(StageKind.SiteReview, "现场评审", "§14", "根据舆情调查、资格审查、材料审查、现场评审和陈述答辩结果，形成评审意见"),
        new(StageKind.Presentation, "陈述答辩", "§14", "根据舆情调查、资格审查、材料审查、现场评审和陈述答辩结果，形成评审意见"),
        new(StageKind.CompositeEvaluation, "形成评审意见、提出候选名单", "§14-15", "形成评审意见。…提出市长质量奖认定候选名单"),
        new(StageKind.PublicNotice, "认定候选名单公示", "§15", "提出市长质量奖认定候选名单并向社会公示"),
        new(StageKind.Deliberation, "市质量强市领导小组审议", "§7(二), §15", "提交市质量强市领导小组审议"),
        new(StageKind.Approval, "市政府研究同意", "§16", "提交市政府研究同意后"),
    ]);
}
