using QualityAward.Domain.Policies;
using static QualityAward.Domain.Tests.TestDates;

namespace QualityAward.Domain.Tests.Policies;

/// <summary>
/// The shipped presets against the tables of shared/design/POLICIES.md, one row per city, each
/// citing the article (§) of that city's regulation in shared/seeds/. Where POLICIES.md and a seed
/// disagree the seed wins, and the row says so.
/// Seeds: changde 000_c2d702552720a0e3, benxi 001_0d038cb9120a425c, jinan 002_efa6815a41656b1b,
/// xinzhou 003_4dd056756798b4c1, weihai 004_e67bc35a3d71045b.
/// </summary>
public class PresetTableTests
{
    private static AwardPolicy P(string id) => PolicyPresets.Get(id);

    private static ApplicantCategory[] Categories(string text) =>
        [.. text.Split('+').Select(c => Enum.Parse<ApplicantCategory>(c, ignoreCase: true))];

    // ---- Award structure ----

    [Theory]
    [InlineData("changde", true, true)]  // §3, §8-9 组织和个人
    [InlineData("benxi", true, false)]   // §2 授予…组织; §11 only organisations
    [InlineData("jinan", true, true)]    // §2-3 单位和个人
    [InlineData("xinzhou", true, true)]  // §2, §9-10 组织和个人
    [InlineData("weihai", true, true)]   // §2-3 单位以及个人
    public void WhoMayApply_MatchesRegulation(string id, bool organisations, bool individuals)
    {
        Assert.Equal(organisations, P(id).Allows(ApplicantCategory.Organisation));
        Assert.Equal(individuals, P(id).Allows(ApplicantCategory.Individual));
    }

    [Theory]
    [InlineData("changde", new[] { AwardTier.Award, AwardTier.Nomination })] // §3 市长质量奖和提名奖
    [InlineData("benxi", new[] { AwardTier.Award, AwardTier.Nomination })]   // §2
    [InlineData("jinan", new[] { AwardTier.Award, AwardTier.Nomination })]   // §2
    [InlineData("xinzhou", new[] { AwardTier.Award, AwardTier.Nomination })] // §4
    [InlineData("weihai", new[] { AwardTier.Recognition })]                  // §2 认定; no nomination tier
    public void Tiers_MatchRegulation(string id, AwardTier[] tiers)
    {
        Assert.Equal(tiers, P(id).Tiers);
    }

    [Theory]
    [InlineData("changde", null)] // §3 每届: length not fixed
    [InlineData("benxi", 2)]      // §4 评选周期为2年
    [InlineData("jinan", 2)]      // §2 每2年1届
    [InlineData("xinzhou", 3)]    // §4 每3年评选一届
    [InlineData("weihai", 1)]     // §6 每年认定1次
    public void CycleLength_MatchesRegulation(string id, int? years)
    {
        Assert.Equal(years, P(id).Cycle.LengthYears);
    }

    [Theory]
    [InlineData("changde", AwardTier.Award, "organisation+individual", 4)]      // §3 不超过4个组织和个人 (together)
    [InlineData("changde", AwardTier.Nomination, "organisation+individual", 4)] // §3 提名奖不超过4个组织和个人
    [InlineData("benxi", AwardTier.Award, "organisation", 2)]                    // §4 不超过2个
    [InlineData("benxi", AwardTier.Nomination, "organisation", 5)]               // §4 提名奖不超过5个
    [InlineData("jinan", AwardTier.Award, "organisation", 5)]                    // §2 单位总计不超过5家 (separately)
    [InlineData("jinan", AwardTier.Award, "individual", 3)]                      // §2 个人总计不超过3名
    [InlineData("jinan", AwardTier.Nomination, "organisation", 3)]               // §2 提名奖单位不超过3家
    [InlineData("jinan", AwardTier.Nomination, "individual", 2)]                 // §2 提名奖个人不超过2名
    [InlineData("xinzhou", AwardTier.Award, "organisation+individual", 3)]       // §4 组织和个人不超过3个 (together)
    [InlineData("xinzhou", AwardTier.Nomination, "organisation+individual", 10)] // §4 提名奖组织和个人不超过10个
    [InlineData("weihai", AwardTier.Recognition, "organisation", 5)]             // §6 单位不超过5家 (separately)
    [InlineData("weihai", AwardTier.Recognition, "individual", 3)]               // §6 个人不超过3名
    public void Quota_MatchesRegulationAndGroupsCategoriesAsItDoes(string id, AwardTier tier, string counted, int max)
    {
        var categories = Categories(counted);

        var line = Assert.Single(P(id).Quotas, q => q.Tier == tier && q.Categories.Intersect(categories).Any());

        Assert.Equal(categories.Order(), line.Categories.Order());
        Assert.Equal(max, line.Max);
    }

    [Theory]
    [InlineData("changde", 2)] // §3: one line per tier, both categories together
    [InlineData("benxi", 2)]   // §4
    [InlineData("jinan", 4)]   // §2: tier × category
    [InlineData("xinzhou", 2)] // §4
    [InlineData("weihai", 2)]  // §6: one tier × two categories
    public void QuotaLines_AreExactlyTheRegulationsOnes(string id, int lines)
    {
        Assert.Equal(lines, P(id).Quotas.Count);
    }

    [Theory]
    [InlineData("changde")] // §3 达不到奖励条件可以空缺
    [InlineData("benxi")]   // §4 奖项可空缺
    [InlineData("jinan")]   // §2 奖项可以空缺
    [InlineData("xinzhou")] // §4 奖项空缺
    [InlineData("weihai")]  // §4 宁缺毋滥, §6 可以空缺
    public void EmptyPlaces_AreAllowed(string id)
    {
        Assert.True(P(id).EmptyPlacesAllowed);
    }

    [Theory]
    [InlineData("changde", "评审准则")]   // §16 《常德市市长质量奖评审准则》
    [InlineData("benxi", "GB/T 19580")]  // §5 GB/T 19580 和 GB/Z 19579
    [InlineData("benxi", "GB/Z 19579")]  // §5
    [InlineData("jinan", "GB/T 19580")]  // §10(三)
    [InlineData("xinzhou", "DB14/T 1463")] // §12 DB14/T 1462/1463/1464—2017
    [InlineData("xinzhou", "DB14/T 1464")] // §12
    [InlineData("weihai", "GB/T 19580")] // §14
    public void ScoringStandard_NamesTheRegulationsStandard(string id, string standard)
    {
        Assert.Contains(standard, P(id).Scoring.Standard, StringComparison.Ordinal);
    }

    // ---- Eligibility ----

    [Theory]
    [InlineData("changde", null, null, false)] // §8 sets no minimum
    [InlineData("benxi", 3, null, false)]      // §11(二) 正常运营3年以上
    [InlineData("jinan", 5, null, false)]      // §10(一) 主体业务正常运行5年以上
    [InlineData("xinzhou", 3, null, true)]     // §9(一) 3年以上，经市人民政府批准可放宽年限
    [InlineData("weihai", 5, 3, false)]        // §10(一) 5年（含）以上，“四新”领域3年（含）以上
    public void MinimumYearsOperating_MatchesRegulation(string id, int? years, int? fourNewYears, bool governmentMayWaive)
    {
        var organisation = P(id).Eligibility.Organisation!;

        Assert.Equal(years, organisation.MinYearsOperating);
        Assert.Equal(fourNewYears, organisation.FourNewMinYearsOperating);
        Assert.Equal(governmentMayWaive, organisation.GovernmentMayWaiveYears);
    }

    [Theory]
    [InlineData("changde", 5)] // §8(四) 近5年无较大及以上质量、安全、环保等事故
    [InlineData("benxi", 3)]   // §11(六) 近3年内
    [InlineData("jinan", 3)]   // §10(五)-(七) 近3年内
    [InlineData("xinzhou", 3)] // §9(四) 近3年内
    [InlineData("weihai", 3)]  // §10(五)-(六) 近3年内
    public void CleanRecordWindow_MatchesRegulation(string id, int years)
    {
        Assert.Equal(years, P(id).Eligibility.Organisation!.CleanRecordYears);
    }

    [Theory]
    // Benxi §11(六) also: not on the abnormal-operation or serious-violation lists, no administrative penalty, no failed spot check.
    [InlineData("benxi", "not-abnormal-list")]
    [InlineData("benxi", "no-administrative-penalty")]
    [InlineData("benxi", "no-failed-spot-check")]
    // Jinan §10(六) 近3年内无违反财经纪律.
    [InlineData("jinan", "no-financial-discipline-breach")]
    public void OrganisationDeclarations_IncludeTheRegulationsExtraConditions(string id, string code)
    {
        Assert.Contains(P(id).Eligibility.Organisation!.Declarations, d => d.Code == code);
    }

    [Theory]
    [InlineData("changde", null, false, null)] // §9 sets no years and no employer condition
    [InlineData("jinan", 10, true, 3)]         // §12(二) 在本市从事质量相关工作10年以上; §12(六) 所属单位近3年内
    [InlineData("xinzhou", 3, false, null)]    // §10(二) 从事质量相关工作3年以上; no employer condition
    // §12(二) 在本市…10年（含）以上; §12(六). POLICIES.md reads "or a skills prize" as an alternative
    // to the 10 years, but in the seed §12(五) offers the prize instead of 社会认同度, not instead of §12(二).
    [InlineData("weihai", 10, true, 3)]
    public void IndividualConditions_MatchRegulation(string id, int? years, bool inCity, int? employerCleanYears)
    {
        var individual = P(id).Eligibility.Individual!;

        Assert.Equal(years, individual.MinYearsInQualityWork);
        Assert.Equal(inCity, individual.QualityWorkInCity);
        Assert.Equal(employerCleanYears, individual.EmployerCleanRecordYears);
    }

    [Fact]
    public void Benxi_HasNoIndividualConditions()
    {
        // §2, §11: organisations only.
        Assert.Null(P("benxi").Eligibility.Individual);
    }

    // ---- Re-application, bans, revocation ----

    [Theory]
    [InlineData("changde", AwardTier.Award, BanUnit.Years, 6, true, false)]      // §10 获奖后6年内，同一质量管理模式不得重新申报 (award only)
    [InlineData("benxi", AwardTier.Award, BanUnit.Years, 5, false, false)]       // §12 获奖5年之后方可再次申报
    [InlineData("benxi", AwardTier.Nomination, BanUnit.Years, 0, false, true)]   // §12 提名奖可继续申报，不再重复授予提名奖
    [InlineData("jinan", AwardTier.Award, BanUnit.Permanent, 0, false, false)]   // §6 不得重复申报
    [InlineData("xinzhou", AwardTier.Award, BanUnit.Cycles, 2, false, false)]    // §11 获奖后两个评选周期内不得重复申报
    [InlineData("weihai", AwardTier.Recognition, BanUnit.Permanent, 0, false, false)] // §6 不得重复申报
    public void Reapplication_MatchesRegulation(string id, AwardTier after, BanUnit unit, int length, bool sameModelOnly, bool noRepeatOfTier)
    {
        var rule = Assert.Single(P(id).Reapplication, r => r.AfterTier == after);

        Assert.Equal(unit, rule.Unit);
        if (unit != BanUnit.Permanent)
        {
            Assert.Equal(length, rule.Length);
        }

        Assert.Equal(sameModelOnly, rule.SameModelOnly);
        Assert.Equal(noRepeatOfTier, rule.NoRepeatOfTier);
    }

    [Theory]
    [InlineData("changde")] // §10 不含市长质量奖提名奖
    [InlineData("benxi")]   // §12 获得提名奖的组织可继续申报市长质量奖
    [InlineData("xinzhou")] // §11 获得提名奖的组织和个人，可继续申报
    public void Nominee_MayApplyForTheAwardNextCycle(string id)
    {
        var rules = P(id).Reapplication.Where(r => r.AfterTier == AwardTier.Nomination).ToList();

        Assert.All(rules, r => Assert.True(r.Unit != BanUnit.Permanent && r.Length == 0, "a nominee is made to wait"));
    }

    [Theory]
    [InlineData("changde", BanReason.FalseMaterials, BanUnit.Years, 5, false, false)] // §28 5年内不予受理
    [InlineData("changde", BanReason.Fraud, BanUnit.Years, 10, false, true)]          // §28 10年内不予受理…并向社会公开
    [InlineData("benxi", BanReason.FalseMaterials, BanUnit.Years, 5, false, false)]   // §30 5年内不予受理
    [InlineData("benxi", BanReason.Fraud, BanUnit.Years, 10, true, true)]             // §31 10年内不得参加各类质量奖项的申报；向社会公告
    [InlineData("benxi", BanReason.Revocation, BanUnit.Cycles, 1, false, false)]      // §32 不得参加下一届
    [InlineData("xinzhou", BanReason.Fraud, BanUnit.Cycles, 3, false, true)]          // §26 3个评选周期内不得申报；向社会公布
    [InlineData("xinzhou", BanReason.Revocation, BanUnit.Cycles, 3, false, true)]     // §26
    [InlineData("weihai", BanReason.Fraud, BanUnit.Years, 5, false, true)]            // §29 5年内不得再次申报; §27 向社会公告
    [InlineData("weihai", BanReason.Revocation, BanUnit.Years, 5, false, true)]       // §29
    public void Ban_MatchesRegulation(string id, BanReason reason, BanUnit unit, int length, bool allQualityAwards, bool published)
    {
        var ban = Assert.Single(P(id).Bans, b => b.Reason == reason);

        Assert.Equal(unit, ban.Unit);
        Assert.Equal(length, ban.Length);
        Assert.Equal(allQualityAwards, ban.AllQualityAwards);
        Assert.Equal(published, ban.Published);
    }

    [Theory]
    [InlineData("changde", 2)] // §28 only
    [InlineData("benxi", 3)]   // §30, §31, §32
    [InlineData("jinan", 0)]   // §29-30 revoke and recover money but set no ban in years
    [InlineData("xinzhou", 2)] // §26
    [InlineData("weihai", 2)]  // §29
    public void Bans_AreOnlyTheRegulationsOnes(string id, int count)
    {
        Assert.Equal(count, P(id).Bans.Count);
    }

    [Theory]
    // Xinzhou §26(一) 通过提供虚假材料…骗取奖励: a holder's false materials revoke the award and bar 3 cycles.
    [InlineData("xinzhou", "fraud", BanReason.Fraud)]
    // Weihai §27(一) 弄虚作假…骗取: revoked, then §29 bars 5 years.
    [InlineData("weihai", "u01-fraud", BanReason.Fraud)]
    // Jinan §29(一) 弄虚作假…骗取: revoked.
    [InlineData("jinan", "u01-fraud", BanReason.Fraud)]
    public void FalseMaterialsOfAHolder_AreARevocationGround(string id, string ground, BanReason consequence)
    {
        var rule = Assert.Single(P(id).Revocation.Grounds, g => g.Code == ground && g.Category == ApplicantCategory.Organisation);

        Assert.Equal(consequence, rule.Consequence);
    }

    [Theory]
    [InlineData("changde", 5, false)]   // §30 自获奖之日起5年内; no money is given (§25)
    [InlineData("benxi", 5, true)]      // §32 获奖后5年内; §31-32 收回…激励资金
    [InlineData("jinan", null, true)]   // §29-30 any time; 收回奖励资金
    [InlineData("xinzhou", null, true)] // §26 any time; 追缴所获奖金
    [InlineData("weihai", null, true)]  // §27-28 any time; 收回…奖励资金
    public void Revocation_WindowAndMoneyMatchRegulation(string id, int? windowYears, bool recoverMoney)
    {
        var revocation = P(id).Revocation;

        Assert.Equal(windowYears, revocation.WindowYears);
        Assert.Equal(recoverMoney, revocation.RecoverMoney);
        Assert.True(revocation.Published);
    }

    [Theory]
    [InlineData("jinan", ApplicantCategory.Organisation, 12)] // §29(一)-(十二)
    [InlineData("jinan", ApplicantCategory.Individual, 10)]   // §30(一)-(十)
    [InlineData("weihai", ApplicantCategory.Organisation, 10)] // §27(一)-(十)
    [InlineData("weihai", ApplicantCategory.Individual, 8)]    // §28(一)-(八)
    [InlineData("benxi", ApplicantCategory.Organisation, 6)]   // §31 fraud + §32(一)-(五)
    [InlineData("xinzhou", ApplicantCategory.Organisation, 4)] // §26(一)-(四)
    [InlineData("xinzhou", ApplicantCategory.Individual, 4)]   // §26(一)-(四)
    public void RevocationGrounds_CountTheRegulationsItems(string id, ApplicantCategory category, int count)
    {
        Assert.Equal(count, P(id).Revocation.Grounds.Count(g => g.Category == category));
    }

    [Theory]
    [InlineData("changde")] // §30: incidents only within 5 years; §28 fraud any time
    [InlineData("benxi")]   // §32: incidents only within 5 years; §31 fraud any time
    public void RevocationWithinWindow_AppliesToIncidentsNotToFraud(string id)
    {
        var grounds = P(id).Revocation.Grounds;

        Assert.All(grounds.Where(g => g.Consequence == BanReason.Fraud), g => Assert.False(g.WithinWindowOnly, g.Code));
        Assert.All(grounds.Where(g => g.Consequence == BanReason.Revocation), g => Assert.True(g.WithinWindowOnly, g.Code));
    }

    // ---- Process ----

    public static TheoryData<string, StageKind[]> StageOrders => new()
    {
        {
            // §11-15, §18-24: customer satisfaction (§21) after the site review; acceptance notice (§15).
            "changde",
            [StageKind.Call, StageKind.Submission, StageKind.Recommendation, StageKind.Consultation, StageKind.FormalReview, StageKind.PublicNotice,
             StageKind.MaterialReview, StageKind.SiteReview, StageKind.CustomerSatisfaction, StageKind.CompositeEvaluation, StageKind.Deliberation,
             StageKind.PublicNotice, StageKind.Approval]
        },
        {
            // §13 lists the steps: 发布通告、组织申报、受理审查、…资料评审、现场评审、综合评价、拟奖公示、…审定报批.
            "benxi",
            [StageKind.Call, StageKind.Submission, StageKind.Recommendation, StageKind.FormalReview, StageKind.PublicNotice,
             StageKind.MaterialReview, StageKind.SiteReview, StageKind.CompositeEvaluation, StageKind.Deliberation, StageKind.PublicNotice, StageKind.Approval]
        },
        {
            // §13-18: no acceptance notice; the third party reviews and hears the presentation (§15).
            "jinan",
            [StageKind.Call, StageKind.Submission, StageKind.Recommendation, StageKind.FormalReview, StageKind.MaterialReview, StageKind.SiteReview,
             StageKind.Presentation, StageKind.CompositeEvaluation, StageKind.Deliberation, StageKind.PublicNotice, StageKind.Approval]
        },
        {
            // §13 internal publicity before submission; §15 consultation and acceptance notice; §16 reviews;
            // §17 the office forms the list, consults departments, publishes it; §18 approval.
            "xinzhou",
            [StageKind.Call, StageKind.InternalPublicity, StageKind.Submission, StageKind.Recommendation, StageKind.Consultation, StageKind.FormalReview,
             StageKind.PublicNotice, StageKind.MaterialReview, StageKind.SiteReview, StageKind.Presentation, StageKind.CompositeEvaluation,
             StageKind.Deliberation, StageKind.Consultation, StageKind.PublicNotice, StageKind.Approval]
        },
        {
            // §13-16: opinion survey (§14), presentation (§14); the candidate list is published (§15) before the leading group decides.
            "weihai",
            [StageKind.Call, StageKind.Submission, StageKind.Recommendation, StageKind.OpinionSurvey, StageKind.FormalReview, StageKind.MaterialReview,
             StageKind.SiteReview, StageKind.Presentation, StageKind.CompositeEvaluation, StageKind.PublicNotice, StageKind.Deliberation, StageKind.Approval]
        },
    };

    [Theory]
    [MemberData(nameof(StageOrders))]
    public void Stages_RunInTheRegulationsOrder(string id, StageKind[] order)
    {
        Assert.Equal(order, P(id).Stages.Select(s => s.Kind));
    }

    [Theory]
    [InlineData("changde", NoticeList.Acceptance, 5, false)]      // §15 公示时间不少于5个工作日
    [InlineData("changde", NoticeList.ProposedWinners, 5, false)] // §24 不少于5个工作日
    [InlineData("benxi", NoticeList.Acceptance, 5, false)]        // §16 公示期不少于5个工作日
    [InlineData("benxi", NoticeList.ProposedWinners, 5, false)]   // §21 公示期不少于5个工作日
    [InlineData("jinan", NoticeList.ProposedWinners, 5, true)]    // §17 公示期为5个工作日 (exactly)
    // §15 向社会公示 names no period (POLICIES.md's ≥5 is not in the seed): the preset's 5 is an office value.
    [InlineData("xinzhou", NoticeList.Acceptance, 5, false)]
    [InlineData("xinzhou", NoticeList.ProposedWinners, 5, false)] // §17 公示期不少于5个工作日
    [InlineData("weihai", NoticeList.Candidates, 5, true)]        // §15 认定候选名单…公示期为5个工作日 (exactly)
    public void Notice_LengthMatchesRegulation(string id, NoticeList list, int minWorkingDays, bool exact)
    {
        var notice = Assert.Single(P(id).Stages, s => s.Kind == StageKind.PublicNotice && s.List == list);

        Assert.Equal(minWorkingDays, notice.MinWorkingDays);
        Assert.Equal(exact, notice.ExactWorkingDays);
    }

    [Theory]
    [InlineData("changde", new[] { NoticeList.Acceptance, NoticeList.ProposedWinners })] // §15, §24
    [InlineData("benxi", new[] { NoticeList.Acceptance, NoticeList.ProposedWinners })]   // §16, §21
    [InlineData("jinan", new[] { NoticeList.ProposedWinners })]                           // §17 only
    [InlineData("xinzhou", new[] { NoticeList.Acceptance, NoticeList.ProposedWinners })] // §15, §17
    [InlineData("weihai", new[] { NoticeList.Candidates })]                               // §15 only
    public void Notices_PublishOnlyTheRegulationsLists(string id, NoticeList[] lists)
    {
        Assert.Equal(lists, P(id).Stages.Where(s => s.Kind == StageKind.PublicNotice).Select(s => s.List!.Value));
    }

    [Fact]
    public void Xinzhou_InternalPublicity_IsAtLeastFiveWorkingDaysBeforeSubmission()
    {
        // §13 本组织或单位内部公示，公示期不少于5个工作日。公示无异议后…提交.
        var stages = P("xinzhou").Stages.Select(s => s.Kind).ToList();
        var publicity = P("xinzhou").Stage(StageKind.InternalPublicity)!;

        Assert.Equal(5, publicity.MinWorkingDays);
        Assert.False(publicity.ExactWorkingDays);
        Assert.True(stages.IndexOf(StageKind.InternalPublicity) < stages.IndexOf(StageKind.Submission));
    }

    [Theory]
    [InlineData("changde")] // §11-12: applicants submit straight to the district regulator
    [InlineData("benxi")]   // §15
    [InlineData("jinan")]   // §14
    [InlineData("weihai")]  // §13
    public void InternalPublicity_OnlyXinzhouRequiresIt(string id)
    {
        Assert.False(P(id).Has(StageKind.InternalPublicity));
    }

    [Fact]
    public void Changde_CustomerSatisfaction_IsForOrganisationsByAThirdParty()
    {
        // §21 评审组通过公开招投标委托中介机构对通过材料评审的组织进行顾客满意度测评.
        var survey = P("changde").Stage(StageKind.CustomerSatisfaction)!;

        Assert.True(survey.OrganisationsOnly);
        Assert.True(survey.ByThirdParty);
        Assert.False(survey.AppliesTo(ApplicantCategory.Individual));
    }

    [Theory]
    [InlineData("benxi")]   // §13 lists the steps: no customer survey
    [InlineData("jinan")]   // §15
    [InlineData("xinzhou")] // §16
    [InlineData("weihai")]  // §14
    public void CustomerSatisfaction_OnlyChangdeHasIt(string id)
    {
        Assert.False(P(id).Has(StageKind.CustomerSatisfaction));
    }

    [Theory]
    [InlineData("changde", true)]  // §19 按材料评审得分高低提出现场评审名单；未进入的反馈结果
    [InlineData("benxi", true)]    // §18 依据评审结果提出进行现场评审的组织名单
    [InlineData("jinan", false)]   // §15 names no shortlist
    [InlineData("xinzhou", false)] // §16 names no shortlist
    [InlineData("weihai", false)]  // §14 names no shortlist
    public void MaterialReview_ShortlistsForSiteReviewWhereTheRegulationSays(string id, bool shortlist)
    {
        Assert.Equal(shortlist, P(id).Stage(StageKind.MaterialReview)!.Shortlist);
    }

    [Theory]
    [InlineData("changde", true)]  // §13-14 征求生态环境、人社、税务、市场监管、应急管理等部门意见
    [InlineData("benxi", false)]   // §9 only "听取社会各方面的意见": no consultation step
    [InlineData("jinan", false)]   // none
    [InlineData("xinzhou", true)]  // §15 以书面形式征求有关主管部门意见 (and §17 again on the winners)
    [InlineData("weihai", false)]  // none
    public void Consultation_OnlyWhereTheRegulationAsks(string id, bool consults)
    {
        Assert.Equal(consults, P(id).Has(StageKind.Consultation));
    }

    [Fact]
    public void Changde_ReviewDetails_MatchRegulation()
    {
        var changde = P("changde");

        Assert.True(changde.Stage(StageKind.FormalReview)!.RefusalExplained);                  // §15 说明理由
        Assert.True(changde.Stage(StageKind.MaterialReview)!.Shortlist);                       // §19 按材料评审得分高低提出现场评审名单
        Assert.True(changde.Stage(StageKind.MaterialReview)!.TeamLeader);                      // §19 组长负责制
        Assert.True(changde.Stage(StageKind.SiteReview)!.CandidatesRateReviewers);             // §37
        Assert.Equal(CandidateListRule.LargerThanQuota, changde.Stage(StageKind.CompositeEvaluation)!.CandidateList); // §22 差额
        Assert.Equal(DeliberationMethod.EqualNumberVote, changde.Stage(StageKind.Deliberation)!.Method);              // §23 等额投票
        Assert.Equal(["committee-director", "mayor"], changde.Stage(StageKind.Approval)!.Approvals!.Select(a => a.Code)); // §24
    }

    [Fact]
    public void Changde_AcceptanceConsultation_AsksTheFiveDepartmentsAndDefenceOnlyWhenFlagged()
    {
        var consult = P("changde").Stage(StageKind.Consultation)!.Consult!;

        // §13 生态环境、人力资源和社会保障、税务、市场监管、应急管理.
        var everyone = Assert.Single(consult, c => !c.OnlyFlagged);
        Assert.Equal(
            new[] { Department.EcologyEnvironment, Department.HumanResourcesSocialSecurity, Department.Tax, Department.MarketRegulation, Department.EmergencyManagement }.Order(),
            everyone.Departments.Order());
        // §14 可能涉及国防、国家安全的事项，在适当范围内征求意见.
        var flagged = Assert.Single(consult, c => c.OnlyFlagged);
        Assert.Equal([Department.DefenceSecurity], flagged.Departments);
    }

    [Fact]
    public void Xinzhou_ConsultationOnProposedWinners_IsSplitBySector()
    {
        var stages = P("xinzhou").Stages;
        var deliberation = stages.ToList().FindIndex(s => s.Kind == StageKind.Deliberation);
        var consultation = stages.ToList().FindLastIndex(s => s.Kind == StageKind.Consultation);
        var notice = stages.ToList().FindIndex(s => s.List == NoticeList.ProposedWinners);

        // §17: after the review results, before the proposed-winners notice.
        Assert.True(deliberation < consultation && consultation < notice);
        var consult = stages[consultation].Consult!;
        // §17 机关事业单位及其工作人员: 公安、纪检监察、组织人事.
        var publicBodies = Assert.Single(consult, c => c.Sectors.Contains(Sector.PublicBody));
        Assert.Equal(
            new[] { Department.PublicSecurity, Department.DisciplineInspection, Department.OrganisationPersonnel }.Order(),
            publicBodies.Departments.Order());
        // §17 企业及其负责人: 公安、人力资源社会保障、生态环境、应急管理、税务.
        var enterprises = Assert.Single(consult, c => c.Sectors.Contains(Sector.Enterprise));
        Assert.Equal(
            new[] { Department.PublicSecurity, Department.HumanResourcesSocialSecurity, Department.EcologyEnvironment, Department.EmergencyManagement, Department.Tax }.Order(),
            enterprises.Departments.Order());
    }

    [Fact]
    public void Xinzhou_Approval_IsAJointSubmissionThenTheGovernment()
    {
        // §18 由市市场监管局与市人力资源和社会保障局联合上报市人民政府…审定.
        Assert.Equal(["joint-submission", "city-government"], P("xinzhou").Stage(StageKind.Approval)!.Approvals!.Select(a => a.Code));
        // §17 市市场监管局…形成获奖建议名单.
        Assert.Equal(DeliberationMethod.OfficeDecision, P("xinzhou").Stage(StageKind.Deliberation)!.Method);
    }

    [Fact]
    public void Weihai_HasOpinionSurveyAndPresentationAndNoNominationTier()
    {
        var weihai = P("weihai");

        Assert.True(weihai.Has(StageKind.OpinionSurvey)); // §14 舆情调查
        Assert.True(weihai.Has(StageKind.Presentation));  // §14 陈述答辩
        Assert.False(weihai.Offers(AwardTier.Nomination)); // §2, §6
        Assert.False(weihai.Offers(AwardTier.Award));
    }

    [Theory]
    [InlineData("changde", false)] // §18 材料评审、现场评审、顾客满意度测评、综合评价: no defence
    [InlineData("benxi", false)]   // §13: no defence
    [InlineData("jinan", true)]   // §15 陈述答辩
    [InlineData("xinzhou", true)] // §16 陈述答辩
    [InlineData("weihai", true)]  // §14 陈述答辩
    public void Presentation_OnlyWhereTheRegulationHasIt(string id, bool has)
    {
        Assert.Equal(has, P(id).Has(StageKind.Presentation));
    }

    [Fact]
    public void Jinan_ReviewsAreByTheCommissionedThirdParty()
    {
        // §8, §15 受委托的第三方机构…资格审查、材料评审、现场评审和陈述答辩.
        var jinan = P("jinan");

        Assert.All(
            new[] { StageKind.FormalReview, StageKind.MaterialReview, StageKind.SiteReview, StageKind.Presentation },
            kind => Assert.True(jinan.Stage(kind)!.ByThirdParty, kind.ToString()));
    }

    [Theory]
    [InlineData("changde", new[] { RecommenderKind.DistrictRegulator }, true)]                                                  // §12 …报请区县市人民政府批准后推荐
    [InlineData("benxi", new[] { RecommenderKind.CityDepartment, RecommenderKind.Association, RecommenderKind.DistrictRegulator }, false)] // §15
    [InlineData("jinan", new[] { RecommenderKind.DistrictQualityBody }, false)]                                                 // §14
    [InlineData("xinzhou", new[] { RecommenderKind.DistrictRegulator, RecommenderKind.CityDepartment }, true)]                  // §14 县级市场监管部门上报县政府; 市级行业主管部门直接推荐
    [InlineData("weihai", new[] { RecommenderKind.DistrictQualityBody }, false)]                                                // §13
    public void Recommendation_MatchesRegulation(string id, RecommenderKind[] recommenders, bool governmentApproval)
    {
        var stage = P(id).Stage(StageKind.Recommendation)!;

        Assert.Equal(recommenders.Order(), stage.Recommenders!.Order());
        Assert.Equal(governmentApproval, stage.GovernmentApproval);
    }

    // ---- Validity of the regulation ----

    [Theory]
    [InlineData("jinan", "2018-12-06", false)]   // §31 自2018年12月7日起施行
    [InlineData("jinan", "2018-12-07", true)]
    [InlineData("jinan", "2021-12-06", true)]    // §31 有效期至2021年12月6日
    [InlineData("jinan", "2021-12-07", false)]
    [InlineData("jinan", "2026-11-23", false)]   // expired: a cycle under it must warn
    [InlineData("xinzhou", "2025-02-28", false)] // §31 自2025年3月1日起施行
    [InlineData("xinzhou", "2025-03-01", true)]
    [InlineData("xinzhou", "2026-11-23", true)]
    [InlineData("xinzhou", "2030-02-28", true)]  // §31 有效期5年
    [InlineData("xinzhou", "2030-03-01", false)]
    [InlineData("weihai", "2023-12-31", false)]  // §30 自2024年1月1日起施行
    [InlineData("weihai", "2024-01-01", true)]
    [InlineData("weihai", "2028-12-31", true)]   // §30 有效期至2028年12月31日
    [InlineData("weihai", "2029-01-01", false)]
    [InlineData("changde", "2026-11-23", false)] // 征求意见稿: a draft is never in force
    [InlineData("benxi", "2026-11-23", false)]   // 征求意见稿
    public void InForceOn_MatchesTheRegulationsValidity(string id, string date, bool inForce)
    {
        Assert.Equal(inForce, P(id).InForceOn(D(date)));
    }

    [Theory]
    [InlineData("changde", PolicyStatus.Draft)]   // 征求意见稿, §44 自发布之日起施行
    [InlineData("benxi", PolicyStatus.Draft)]     // 征求意见稿, §36
    [InlineData("jinan", PolicyStatus.InForce)]   // §31
    [InlineData("xinzhou", PolicyStatus.InForce)] // 忻政办规〔2025〕1号 §31
    [InlineData("weihai", PolicyStatus.InForce)]  // 威政发〔2023〕16号 §30
    public void DocumentStatus_MatchesTheText(string id, PolicyStatus status)
    {
        Assert.Equal(status, P(id).Document.Status);
    }

    // ---- After the award ----

    [Fact]
    public void Benxi_Money_MatchesArticle25()
    {
        var money = P("benxi").Money;

        Assert.Equal(200_000, money.AmountFor(AwardTier.Award, ApplicantCategory.Organisation));      // §25 20万元
        Assert.Equal(100_000, money.AmountFor(AwardTier.Nomination, ApplicantCategory.Organisation)); // §25 10万元
        Assert.True(money.NomineeUpgradePaysDifference);                                               // §25 补发差额10万元
        Assert.True(money.RepeatWinnerWithoutMoney);                                                   // §12 不再给予激励资金，不占名额
        Assert.Equal("§12", money.RepeatWinnerArticle);
    }

    [Theory]
    [InlineData("china-quality-award", 200_000)]            // §25 获得中国质量奖追加20万元
    [InlineData("china-quality-award-nomination", 100_000)] // §25 中国质量奖提名奖追加10万元
    [InlineData("provincial-quality-award", 100_000)]       // §25 省长质量奖追加10万元
    public void Benxi_TopUp_MatchesArticle25(string code, long yuan)
    {
        Assert.Equal(yuan, Assert.Single(P("benxi").Money.TopUps, t => t.Code == code).Yuan);
    }

    [Theory]
    [InlineData(AwardTier.Award, ApplicantCategory.Organisation, 200_000)] // §19 组织奖金20万元
    [InlineData(AwardTier.Award, ApplicantCategory.Individual, 30_000)]    // §19 个人奖金3万元
    [InlineData(AwardTier.Nomination, ApplicantCategory.Organisation, 0)]  // §19 提名奖: 奖牌和证书 only
    [InlineData(AwardTier.Nomination, ApplicantCategory.Individual, 0)]
    public void Xinzhou_Money_MatchesArticle19(AwardTier tier, ApplicantCategory category, long yuan)
    {
        Assert.Equal(yuan, P("xinzhou").Money.AmountFor(tier, category));
    }

    [Theory]
    [InlineData("changde")] // §25 证书、奖杯 only
    [InlineData("jinan")]   // §19 per 济政发〔2017〕9号, a separate rule
    [InlineData("weihai")]  // §17 per 《威海市品牌和标准化战略奖励资助办法》
    public void Money_IsNotSetByTheRegulation(string id)
    {
        Assert.Empty(P(id).Money.Amounts);
        Assert.Empty(P(id).Money.TopUps);
    }

    [Theory]
    [InlineData("changde", null)] // no validity set (§30 limits revocation, not the title)
    [InlineData("benxi", 5)]      // §4 有效期5年
    [InlineData("jinan", null)]   // none set
    [InlineData("xinzhou", null)] // none set
    [InlineData("weihai", null)]  // none set
    public void AwardValidity_MatchesRegulation(string id, int? years)
    {
        Assert.Equal(years, P(id).AfterAward.ValidityYears);
    }

    [Theory]
    [InlineData("jinan", AwardTier.Award, ApplicantCategory.Organisation, "奖杯、奖牌、荣誉证书")]   // §19
    [InlineData("jinan", AwardTier.Nomination, ApplicantCategory.Organisation, "奖牌、荣誉证书")]    // §19
    [InlineData("jinan", AwardTier.Award, ApplicantCategory.Individual, "奖章、荣誉证书")]          // §19
    [InlineData("changde", AwardTier.Award, ApplicantCategory.Individual, "证书、奖杯")]            // §25
    [InlineData("weihai", AwardTier.Recognition, ApplicantCategory.Organisation, "奖牌、证书")]     // §16
    public void Prize_MatchesRegulation(string id, AwardTier tier, ApplicantCategory category, string items)
    {
        var prize = Assert.Single(P(id).Prizes, x => x.Tier == tier && x.Category == category);

        Assert.Equal(items.Split('、'), prize.Items);
    }

    [Theory]
    [InlineData("changde", "§41", true)]  // §41 share; §42 report a major change of the quality model
    [InlineData("benxi", "§27", false)]
    [InlineData("jinan", "§24", false)]
    [InlineData("xinzhou", "§23", false)]
    // §22 share; the change report is an office choice drawn from §27(九) (an essential change revokes).
    [InlineData("weihai", "§22", true)]
    public void HolderDuties_MatchRegulation(string id, string sharingArticle, bool changeReport)
    {
        var after = P(id).AfterAward;

        Assert.Equal(sharingArticle, after.SharingDutyArticle);
        Assert.Equal(changeReport, after.ChangeReportRequired);
    }

    [Theory]
    // §19-20 组长负责制 (a recused leader, §36, is replaced by the office); no size fixed: 2 scores at least (office).
    [InlineData("changde", true, PanelScoreRule.Mean, 2)]
    // §17 组长负责制 (a recused leader, §33, is replaced); no size fixed: 2 scores at least (office).
    [InlineData("benxi", true, PanelScoreRule.Mean, 2)]
    // §8, §15: a commissioned third party; no team leader named; the trimmed mean needs 3.
    [InlineData("jinan", false, PanelScoreRule.TrimmedMean, 3)]
    // §16 评审组, no team leader named; the trimmed mean needs 3.
    [InlineData("xinzhou", false, PanelScoreRule.TrimmedMean, 3)]
    // §14 评审组, no team leader named; the trimmed mean needs 3.
    [InlineData("weihai", false, PanelScoreRule.TrimmedMean, 3)]
    public void Panels_LeaderAndMinimumOfScores_MatchRegulation(string id, bool teamLeader, PanelScoreRule rule, int minimum)
    {
        var policy = P(id);

        Assert.All(policy.Stages.Where(s => s.Kind is StageKind.MaterialReview or StageKind.SiteReview), s => Assert.Equal(teamLeader, s.TeamLeader));
        Assert.Equal((rule, minimum), (policy.Scoring.PanelRule, policy.Scoring.MinimumPanelScores));
    }
}
