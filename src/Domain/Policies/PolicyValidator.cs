using System.Text.RegularExpressions;

namespace QualityAward.Domain.Policies;

/// <summary>One inconsistency in a policy, at a JSON path.</summary>
public sealed record PolicyProblem(string Path, string Zh, string En);

/// <summary>
/// The checks a policy must pass beyond its JSON shape: the numbers must make sense together and
/// the stages must be in an order the process can run.
/// </summary>
public static partial class PolicyValidator
{
    private static readonly StageKind[] ScoredStages =
        [StageKind.MaterialReview, StageKind.SiteReview, StageKind.CustomerSatisfaction, StageKind.Presentation];

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex PolicyIdPattern();

    [GeneratedRegex("^[0-9]{6}$", RegexOptions.CultureInvariant)]
    private static partial Regex DivisionCodePattern();

    /// <summary>
    /// The problems of a policy. <paramref name="stored"/>: a copy kept with a cycle, which may be of
    /// an earlier schema version (then without the parts that version did not have).
    /// </summary>
    public static IReadOnlyList<PolicyProblem> Validate(AwardPolicy p, bool stored = false)
    {
        var problems = new List<PolicyProblem>();
        void Add(string path, string zh, string en) => problems.Add(new PolicyProblem(path, zh, en));

        var oldest = stored ? PolicyLoader.OldestStoredSchemaVersion : PolicyLoader.CurrentSchemaVersion;
        if (p.SchemaVersion < oldest || p.SchemaVersion > PolicyLoader.CurrentSchemaVersion)
        {
            Add("$.schemaVersion", $"不支持的版本 {p.SchemaVersion}，应为 {PolicyLoader.CurrentSchemaVersion}", $"unsupported version {p.SchemaVersion}; expected {PolicyLoader.CurrentSchemaVersion}");
        }

        if (!PolicyIdPattern().IsMatch(p.Id))
        {
            Add("$.id", "只能包含小写字母、数字和连字符（至多32个字符）", "use lowercase letters, digits and hyphens (at most 32 characters)");
        }

        ValidateCity(p, Add);
        ValidateDocument(p, Add);
        ValidateCategoriesTiersQuotas(p, Add);
        ValidateEligibility(p, Add);
        ValidateStages(p, Add);
        ValidateScoring(p, Add);
        ValidatePrizesAndMoney(p, Add);
        if (!stored && p.Tiers.Any(t => p.Categories.Any(c => !p.Money.Amounts.Any(a => a.Tier == t && a.Category == c))) && (string.IsNullOrWhiteSpace(p.Money.NotSetZh) || p.Money.NotSetZh.Length > 60))
        {
            Add("$.money.notSetZh", "有未规定金额的奖项时，须写明名录中如何表述奖励资金（如“按市政府有关规定”，至多60个字符）", "where an amount is not set, must say how the register states the money (e.g. 按市政府有关规定; at most 60 characters)");
        }
        ValidateReapplicationAndBans(p, Add);
        ValidateRevocation(p, Add);
        ValidateAfterAward(p, Add);
        if (p.SchemaVersion >= 2)
        {
            ValidateCertificate(p, Add);
        }

        ValidateOffice(p, stored, Add);

        return problems;
    }

    /// <summary>A new policy names its office (notices and mails are signed with it); a stored copy from before may not.</summary>
    private static void ValidateOffice(AwardPolicy p, bool stored, Action<string, string, string> add)
    {
        if (p.Office is not { } o)
        {
            if (!stored)
            {
                add("$.office", "须写明负责日常工作的办公室（发布公示、受理异议）及依据条款", "must name the office that runs the award day to day (publishes notices, takes objections) and its article");
            }

            return;
        }

        if (string.IsNullOrWhiteSpace(o.Name) || o.Name.Length > 60)
        {
            add("$.office.name", "须填写办公室名称（至多60个字符）", "must name the office (at most 60 characters)");
        }

        if (string.IsNullOrWhiteSpace(o.Article))
        {
            add("$.office.article", "须注明依据条款", "must cite its article");
        }
    }

    private static void ValidateCertificate(AwardPolicy p, Action<string, string, string> add)
    {
        if (p.Certificate is not { } c)
        {
            add("$.certificate", "须规定证书的颁发机关、各奖项名称和证书编号规则", "must give the certificate's issuing body and each tier's name and number pattern");
            return;
        }

        if (string.IsNullOrWhiteSpace(c.IssuedBy) || c.IssuedBy.Length > 40)
        {
            add("$.certificate.issuedBy", "须填写颁发机关（至多40个字符）", "must name the issuing body (at most 40 characters)");
        }

        if (string.IsNullOrWhiteSpace(c.Article))
        {
            add("$.certificate.article", "须注明依据条款", "must cite its article");
        }

        foreach (var tier in p.Tiers.Where(t => c.Tiers.Count(x => x.Tier == t) != 1))
        {
            add("$.certificate.tiers", $"{tier} 须恰好有一条证书规定", $"{tier} needs exactly one certificate line");
        }

        var skeletons = new Dictionary<string, AwardTier>(StringComparer.Ordinal);
        for (var i = 0; i < c.Tiers.Count; i++)
        {
            var line = c.Tiers[i];
            if (!p.Offers(line.Tier))
            {
                add($"$.certificate.tiers[{i}].tier", $"等级“{line.Tier}”不在 tiers 中", $"tier '{line.Tier}' is not in tiers");
            }

            if (string.IsNullOrWhiteSpace(line.Title) || line.Title.Length > 40)
            {
                add($"$.certificate.tiers[{i}].title", "须填写奖项名称（至多40个字符）", "must name the award (at most 40 characters)");
            }

            var problems = Awards.CertificateNumbers.Problems(line.NumberPattern);
            foreach (var (zh, en) in problems)
            {
                add($"$.certificate.tiers[{i}].numberPattern", zh, en);
            }

            // Two tiers numbered alike would print the same number twice (each tier counts from 1).
            if (problems.Count == 0)
            {
                var skeleton = Awards.CertificateNumbers.Skeleton(line.NumberPattern);
                if (skeletons.TryGetValue(skeleton, out var other) && other != line.Tier)
                {
                    add($"$.certificate.tiers[{i}].numberPattern", $"与{other}的编号规则只差数字，两者会出现相同编号", $"differs from the {other} pattern only in its numbers, so both would print the same numbers");
                }

                skeletons.TryAdd(skeleton, line.Tier);
            }
        }
    }

    private static void ValidateCity(AwardPolicy p, Action<string, string, string> add)
    {
        if (!DivisionCodePattern().IsMatch(p.City.Code))
        {
            add("$.city.code", "应为6位行政区划代码", "must be a 6-digit administrative division code");
        }

        if (p.City.Districts.Count == 0)
        {
            add("$.city.districts", "至少需要一个区县", "needs at least one district");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < p.City.Districts.Count; i++)
        {
            var d = p.City.Districts[i];
            if (!seen.Add(d.Id))
            {
                add($"$.city.districts[{i}].id", $"区县编号“{d.Id}”重复", $"district id '{d.Id}' is repeated");
            }

            // The prefix is compared only when the city's own code is valid (a bad one is reported above).
            if (d.Code is { } code && (!DivisionCodePattern().IsMatch(code) || (DivisionCodePattern().IsMatch(p.City.Code) && code[..4] != p.City.Code[..4])))
            {
                add($"$.city.districts[{i}].code", $"“{code}”不是本市的6位行政区划代码", $"'{code}' is not a 6-digit division code of this city");
            }
        }
    }

    private static void ValidateDocument(AwardPolicy p, Action<string, string, string> add)
    {
        var d = p.Document;
        if (d.ValidFrom is { } from && d.ValidTo is { } to && to < from)
        {
            add("$.document.validTo", "有效期截止日早于起始日", "ends before it begins");
        }

        if (d.Status == PolicyStatus.InForce && d.ValidFrom is null)
        {
            add("$.document.validFrom", "已施行的政策必须写明施行日期", "an in-force policy needs the date it took effect");
        }
    }

    private static void ValidateCategoriesTiersQuotas(AwardPolicy p, Action<string, string, string> add)
    {
        if (p.Categories.Count == 0 || p.Categories.Distinct().Count() != p.Categories.Count)
        {
            add("$.categories", "申报主体不能为空且不能重复", "must be non-empty without repeats");
        }

        if (p.Tiers.Count == 0 || p.Tiers.Distinct().Count() != p.Tiers.Count)
        {
            add("$.tiers", "奖项等级不能为空且不能重复", "must be non-empty without repeats");
        }

        if (p.Tiers.Contains(AwardTier.Recognition) && p.Tiers.Count > 1)
        {
            add("$.tiers", "“认定”为单一等级，不能与奖、提名奖并存", "recognition is a single tier and cannot be combined with award or nomination");
        }

        if (p.Cycle.LengthYears is { } length && (length < 1 || length > 10))
        {
            add("$.cycle.lengthYears", "评选周期应为1至10年", "must be between 1 and 10 years");
        }

        for (var i = 0; i < p.Quotas.Count; i++)
        {
            var q = p.Quotas[i];
            if (!p.Offers(q.Tier))
            {
                add($"$.quotas[{i}].tier", $"等级“{q.Tier}”不在 tiers 中", $"tier '{q.Tier}' is not in tiers");
            }

            if (q.Max < 1)
            {
                add($"$.quotas[{i}].max", "名额至少为1", "must be at least 1");
            }

            if (q.Categories.Count == 0 || q.Categories.Any(c => !p.Allows(c)))
            {
                add($"$.quotas[{i}].categories", "须为 categories 中的申报主体，且不能为空", "must list categories the policy allows");
            }
        }

        // Every tier × category must be counted by exactly one quota line.
        foreach (var tier in p.Tiers)
        {
            foreach (var category in p.Categories)
            {
                var lines = p.Quotas.Count(q => q.Tier == tier && q.Categories.Contains(category));
                if (lines != 1)
                {
                    add("$.quotas", $"{tier}/{category} 应恰好由一条名额规定计数（现有{lines}条）", $"{tier}/{category} must be counted by exactly one quota line (found {lines})");
                }
            }
        }
    }

    private static void ValidateEligibility(AwardPolicy p, Action<string, string, string> add)
    {
        var e = p.Eligibility;
        if (p.Allows(ApplicantCategory.Organisation) != (e.Organisation is not null))
        {
            add("$.eligibility.organisation", "组织申报条件应当且仅当允许组织申报时给出", "must be present exactly when organisations may apply");
        }

        if (p.Allows(ApplicantCategory.Individual) != (e.Individual is not null))
        {
            add("$.eligibility.individual", "个人申报条件应当且仅当允许个人申报时给出", "must be present exactly when individuals may apply");
        }

        if (e.Organisation is { } org)
        {
            if (org.MinYearsOperating is < 0 or > 50)
            {
                add("$.eligibility.organisation.minYearsOperating", "应为0至50年", "must be 0 to 50 years");
            }

            if (org.FourNewMinYearsOperating is { } fourNew
                && (org.MinYearsOperating is not { } min || fourNew > min || fourNew < 0))
            {
                add("$.eligibility.organisation.fourNewMinYearsOperating", "“四新”年限须不大于一般年限", "must not exceed the general minimum");
            }

            if (org.GovernmentMayWaiveYears && org.MinYearsOperating is null)
            {
                add("$.eligibility.organisation.governmentMayWaiveYears", "没有年限要求时无从放宽", "there is no minimum to waive");
            }

            if (org.CleanRecordYears is < 1 or > 20)
            {
                add("$.eligibility.organisation.cleanRecordYears", "应为1至20年", "must be 1 to 20 years");
            }

            ValidateDeclarations(org.Declarations, "$.eligibility.organisation.declarations", add);
        }

        if (e.Individual is { } ind)
        {
            if (ind.MinYearsInQualityWork is < 0 or > 50)
            {
                add("$.eligibility.individual.minYearsInQualityWork", "应为0至50年", "must be 0 to 50 years");
            }

            if (ind.QualityWorkInCity && ind.MinYearsInQualityWork is null)
            {
                add("$.eligibility.individual.qualityWorkInCity", "没有年限要求时无从限定在本市", "there is no minimum to count in the city");
            }

            if (ind.EmployerCleanRecordYears is < 1 or > 20)
            {
                add("$.eligibility.individual.employerCleanRecordYears", "应为1至20年", "must be 1 to 20 years");
            }

            ValidateDeclarations(ind.Declarations, "$.eligibility.individual.declarations", add);
        }
    }

    private static void ValidateDeclarations(IReadOnlyList<DeclarationRule> declarations, string path, Action<string, string, string> add)
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < declarations.Count; i++)
        {
            if (!codes.Add(declarations[i].Code))
            {
                add($"{path}[{i}].code", $"声明编号“{declarations[i].Code}”重复", $"declaration code '{declarations[i].Code}' is repeated");
            }

            if (string.IsNullOrWhiteSpace(declarations[i].Text))
            {
                add($"{path}[{i}].text", "声明内容不能为空", "must not be empty");
            }
        }
    }

    private static void ValidateStages(AwardPolicy p, Action<string, string, string> add)
    {
        var stages = p.Stages;
        int IndexOf(StageKind kind) => stages.ToList().FindIndex(s => s.Kind == kind);
        int IndexOfNotice(NoticeList list) => stages.ToList().FindIndex(s => s.Kind == StageKind.PublicNotice && s.List == list);

        foreach (var required in new[] { StageKind.Submission, StageKind.FormalReview, StageKind.Deliberation, StageKind.Approval })
        {
            if (IndexOf(required) < 0)
            {
                add("$.stages", $"缺少必需的环节 {required}", $"the required stage {required} is missing");
            }
        }

        if (!stages.Any(s => s.Kind is StageKind.MaterialReview or StageKind.SiteReview))
        {
            add("$.stages", "至少需要材料评审或现场评审之一", "needs a material review or a site review");
        }

        // Kinds that occur once; notices once per list; consultations may repeat at different points.
        foreach (var group in stages.Where(s => s.Kind is not (StageKind.PublicNotice or StageKind.Consultation)).GroupBy(s => s.Kind))
        {
            if (group.Count() > 1)
            {
                add("$.stages", $"环节 {group.Key} 重复", $"stage {group.Key} occurs more than once");
            }
        }

        foreach (var group in stages.Where(s => s.Kind == StageKind.PublicNotice).GroupBy(s => s.List))
        {
            if (group.Count() > 1)
            {
                add("$.stages", $"{group.Key} 名单的公示重复", $"the {group.Key} notice occurs more than once");
            }
        }

        void Before(int a, int b, string zh, string en)
        {
            if (a >= 0 && b >= 0 && a > b)
            {
                add("$.stages", zh, en);
            }
        }

        var submission = IndexOf(StageKind.Submission);
        Before(IndexOf(StageKind.Call), submission, "发布通知须在提交申报之前", "the call must come before submission");
        Before(IndexOf(StageKind.InternalPublicity), submission, "内部公示须在提交申报之前", "internal publicity must come before submission");
        if (submission >= 0)
        {
            for (var i = 0; i < submission; i++)
            {
                if (stages[i].Kind is not (StageKind.Call or StageKind.InternalPublicity))
                {
                    add($"$.stages[{i}]", "提交申报之前只能有发布通知和内部公示", "only the call and internal publicity may come before submission");
                }
            }
        }

        Before(IndexOf(StageKind.Recommendation), IndexOf(StageKind.FormalReview), "推荐须在受理审查之前", "recommendation must come before the formal review");
        Before(IndexOf(StageKind.FormalReview), IndexOfNotice(NoticeList.Acceptance), "受理名单公示须在受理审查之后", "the acceptance notice must follow the formal review");
        Before(IndexOf(StageKind.MaterialReview), IndexOf(StageKind.SiteReview), "材料评审须在现场评审之前", "material review must come before site review");
        Before(IndexOf(StageKind.CompositeEvaluation), IndexOf(StageKind.Deliberation), "综合评价须在审议之前", "composite evaluation must come before deliberation");
        Before(IndexOf(StageKind.CompositeEvaluation), IndexOfNotice(NoticeList.Candidates), "候选名单公示须在综合评价之后", "the candidates notice must follow composite evaluation");
        Before(IndexOf(StageKind.Deliberation), IndexOfNotice(NoticeList.ProposedWinners), "获奖建议名单公示须在审议之后", "the proposed-winners notice must follow deliberation");
        Before(IndexOf(StageKind.FormalReview), IndexOf(StageKind.MaterialReview), "评审须在受理审查之后", "reviews must follow the formal review");
        foreach (var scored in ScoredStages.Append(StageKind.OpinionSurvey).Append(StageKind.CompositeEvaluation))
        {
            Before(submission, IndexOf(scored), "评审环节须在提交申报之后", "review stages must follow submission");
            Before(IndexOf(scored), IndexOf(StageKind.Deliberation), "评审环节须在审议之前", "review stages must come before deliberation");
        }

        if (stages.Count > 0 && stages[^1].Kind != StageKind.Approval)
        {
            add($"$.stages[{stages.Count - 1}]", "最后一个环节必须是审定报批", "the last stage must be the approval");
        }

        for (var i = 0; i < stages.Count; i++)
        {
            ValidateStage(p, stages[i], $"$.stages[{i}]", add);
        }
    }

    private static void ValidateStage(AwardPolicy p, StageRule s, string path, Action<string, string, string> add)
    {
        switch (s.Kind)
        {
            case StageKind.PublicNotice:
                if (s.List is null)
                {
                    add($"{path}.list", "公示环节须写明公示哪份名单", "a notice must say which list it publishes");
                }

                if (s.MinWorkingDays is not (>= 1 and <= 60))
                {
                    add($"{path}.minWorkingDays", "公示期须为1至60个工作日", "must be 1 to 60 working days");
                }

                break;
            case StageKind.InternalPublicity:
                if (s.MinWorkingDays is not (>= 1 and <= 60))
                {
                    add($"{path}.minWorkingDays", "内部公示期须为1至60个工作日", "must be 1 to 60 working days");
                }

                break;
            case StageKind.Recommendation:
                if (s.Recommenders is not { Count: > 0 })
                {
                    add($"{path}.recommenders", "须写明推荐单位类型", "must name who recommends");
                }

                break;
            case StageKind.Consultation:
                if (s.Consult is not { Count: > 0 } || s.Consult.Any(c => c.Departments.Count == 0))
                {
                    add($"{path}.consult", "须写明征求意见的部门", "must name the departments consulted");
                }

                if (s.ReplyWorkingDays is not (>= 1 and <= 60))
                {
                    add($"{path}.replyWorkingDays", "回复期限须为1至60个工作日", "must be 1 to 60 working days");
                }

                break;
            case StageKind.MaterialReview when s.Shortlist:
                if (!p.Has(StageKind.SiteReview))
                {
                    add($"{path}.shortlist", "没有现场评审时无须确定现场评审名单", "a shortlist needs a site review to shortlist for");
                }

                break;
            case StageKind.CompositeEvaluation:
                if (s.CandidateList is null)
                {
                    add($"{path}.candidateList", "须写明候选名单规则（notFixed 或 largerThanQuota）", "must say notFixed or largerThanQuota");
                }

                break;
            case StageKind.Deliberation:
                if (s.Method is null || string.IsNullOrWhiteSpace(s.Body))
                {
                    add($"{path}", "审议环节须写明审议机构（body）和方式（method）", "deliberation needs a body and a method");
                }

                break;
            case StageKind.Approval:
                if (s.Approvals is not { Count: > 0 } || string.IsNullOrWhiteSpace(s.AnnouncedBy))
                {
                    add($"{path}", "审定环节须写明审批步骤（approvals）和公布机关（announcedBy）", "approval needs its steps and who announces");
                }
                else if (s.Approvals.Select(a => a.Code).Distinct().Count() != s.Approvals.Count)
                {
                    add($"{path}.approvals", "审批步骤编号重复", "approval step codes repeat");
                }

                break;
        }

        if (s.OrganisationsOnly && !p.Allows(ApplicantCategory.Organisation))
        {
            add($"{path}.organisationsOnly", "本政策不接受组织申报", "this policy has no organisation applicants");
        }
    }

    private static void ValidateScoring(AwardPolicy p, Action<string, string, string> add)
    {
        var sc = p.Scoring;
        foreach (var category in p.Categories)
        {
            if (sc.Sheets.Count(s => s.Category == category) != 1)
            {
                add("$.scoring.sheets", $"{category} 须恰好有一张评分表", $"{category} needs exactly one score sheet");
            }
        }

        for (var i = 0; i < sc.Sheets.Count; i++)
        {
            var sheet = sc.Sheets[i];
            if (sheet.Items.Count == 0)
            {
                add($"$.scoring.sheets[{i}].items", "评分表不能为空", "must not be empty");
            }

            if (sheet.Items.Select(x => x.Code).Distinct().Count() != sheet.Items.Count)
            {
                add($"$.scoring.sheets[{i}].items", "评分项编号重复", "item codes repeat");
            }

            for (var j = 0; j < sheet.Items.Count; j++)
            {
                if (sheet.Items[j].Max is < 1 or > 1000)
                {
                    add($"$.scoring.sheets[{i}].items[{j}].max", "分值须为1至1000", "must be 1 to 1000");
                }
            }
        }

        if (sc.MinPanelScores is { } minimum && (minimum is < 1 or > 30 || (sc.PanelRule == PanelScoreRule.TrimmedMean && minimum < 3)))
        {
            add("$.scoring.minPanelScores", "须为1至30；去掉最高分和最低分取平均的，至少为3", "must be 1 to 30, and at least 3 for the trimmed mean");
        }

        if (sc.DisagreementThreshold is <= 0 or > 100)
        {
            add("$.scoring.disagreementThreshold", "须大于0且不超过100", "must be above 0 and at most 100");
        }

        var sum = 0m;
        for (var i = 0; i < sc.Composite.Count; i++)
        {
            var w = sc.Composite[i];
            if (!ScoredStages.Contains(w.Stage))
            {
                add($"$.scoring.composite[{i}].stage", $"{w.Stage} 不是计分环节", $"{w.Stage} is not a scored stage");
            }
            else if (!p.Has(w.Stage))
            {
                add($"$.scoring.composite[{i}].stage", $"本政策没有 {w.Stage} 环节", $"the policy has no {w.Stage} stage");
            }

            if (w.Weight is <= 0 or > 1)
            {
                add($"$.scoring.composite[{i}].weight", "权重须大于0且不超过1", "must be above 0 and at most 1");
            }
            else
            {
                // Only weights in range are summed: two huge ones would overflow decimal and throw.
                sum += w.Weight;
            }
        }

        if (sc.Composite.Count == 0 || sum != 1m)
        {
            add("$.scoring.composite", $"权重之和须为1（现为{sum}）", $"weights must sum to 1 (they sum to {sum})");
        }

        foreach (var scored in ScoredStages.Where(p.Has))
        {
            if (sc.Composite.All(w => w.Stage != scored))
            {
                add("$.scoring.composite", $"计分环节 {scored} 没有权重", $"the scored stage {scored} has no weight");
            }
        }

        for (var i = 0; i < sc.TieBreak.Count; i++)
        {
            if (!ScoredStages.Contains(sc.TieBreak[i]) || !p.Has(sc.TieBreak[i]))
            {
                add($"$.scoring.tieBreak[{i}]", "须为本政策中的计分环节", "must be a scored stage of this policy");
            }
        }

        for (var i = 0; i < sc.Preferences.Count; i++)
        {
            if (sc.Preferences[i].Bonus is < 0 or > 10)
            {
                add($"$.scoring.preferences[{i}].bonus", "加分须为0至10（百分制）", "must be 0 to 10 composite points");
            }
        }
    }

    private static void ValidatePrizesAndMoney(AwardPolicy p, Action<string, string, string> add)
    {
        foreach (var tier in p.Tiers)
        {
            foreach (var category in p.Categories)
            {
                if (p.Prizes.Count(x => x.Tier == tier && x.Category == category) != 1)
                {
                    add("$.prizes", $"{tier}/{category} 须恰好有一条奖励规定", $"{tier}/{category} needs exactly one prize line");
                }
            }
        }

        for (var i = 0; i < p.Money.Amounts.Count; i++)
        {
            var a = p.Money.Amounts[i];
            if (!p.Offers(a.Tier) || !p.Allows(a.Category))
            {
                add($"$.money.amounts[{i}]", "等级或申报主体不在本政策中", "tier or category is not in this policy");
            }

            if (a.Yuan < 0)
            {
                add($"$.money.amounts[{i}].yuan", "金额不能为负", "must not be negative");
            }
        }

        if (p.Money.Amounts.GroupBy(a => (a.Tier, a.Category)).Any(g => g.Count() > 1))
        {
            add("$.money.amounts", "同一等级和主体的金额重复", "an amount repeats for the same tier and category");
        }

        if (p.Money.NomineeUpgradePaysDifference && !(p.Offers(AwardTier.Award) && p.Offers(AwardTier.Nomination)))
        {
            add("$.money.nomineeUpgradePaysDifference", "须同时设有奖和提名奖", "needs both an award and a nomination tier");
        }
    }

    private static void ValidateReapplicationAndBans(AwardPolicy p, Action<string, string, string> add)
    {
        for (var i = 0; i < p.Reapplication.Count; i++)
        {
            var r = p.Reapplication[i];
            if (!p.Offers(r.AfterTier))
            {
                add($"$.reapplication[{i}].afterTier", "等级不在本政策中", "tier is not in this policy");
            }

            var waits = r.Unit != BanUnit.Permanent && r.Length > 0;
            if (r.Unit != BanUnit.Permanent && r.Length < 0)
            {
                add($"$.reapplication[{i}].length", "不能为负", "must not be negative");
            }

            if (!waits && r.Unit != BanUnit.Permanent && !r.NoRepeatOfTier)
            {
                add($"$.reapplication[{i}]", "既无等待期也不禁止重复授予，此条无效", "neither a wait nor a no-repeat rule: the line does nothing");
            }
        }

        for (var i = 0; i < p.Bans.Count; i++)
        {
            var b = p.Bans[i];
            if (b.Unit != BanUnit.Permanent && b.Length < 1)
            {
                add($"$.bans[{i}].length", "期限至少为1", "must be at least 1");
            }

            if (b.Unit == BanUnit.Cycles && p.Cycle.LengthYears is null)
            {
                add($"$.bans[{i}].unit", "评选周期未固定时不能按周期计", "cycles cannot be counted when the cycle length is not fixed");
            }
        }

        if (p.Bans.GroupBy(b => b.Reason).Any(g => g.Count() > 1))
        {
            add("$.bans", "同一原因的限制重复", "a ban repeats for the same reason");
        }
    }

    private static void ValidateRevocation(AwardPolicy p, Action<string, string, string> add)
    {
        var r = p.Revocation;
        if (r.WindowYears is < 1 or > 50)
        {
            add("$.revocation.windowYears", "应为1至50年或不设（null）", "must be 1 to 50 years, or null for any time");
        }

        foreach (var category in p.Categories)
        {
            if (r.Grounds.All(g => g.Category != category))
            {
                add("$.revocation.grounds", $"{category} 没有撤销情形", $"{category} has no revocation grounds");
            }
        }

        for (var i = 0; i < r.Grounds.Count; i++)
        {
            var g = r.Grounds[i];
            if (!p.Allows(g.Category))
            {
                add($"$.revocation.grounds[{i}].category", "申报主体不在本政策中", "category is not in this policy");
            }

            if (g.WithinWindowOnly && r.WindowYears is null)
            {
                add($"$.revocation.grounds[{i}].withinWindowOnly", "未设撤销期限", "the policy sets no revocation window");
            }
        }

        if (r.Grounds.GroupBy(g => (g.Category, g.Code)).Any(x => x.Count() > 1))
        {
            add("$.revocation.grounds", "同一主体的撤销情形编号重复", "a ground code repeats within a category");
        }
    }

    private static void ValidateAfterAward(AwardPolicy p, Action<string, string, string> add)
    {
        var a = p.AfterAward;
        if (a.ValidityYears is < 1 or > 50)
        {
            add("$.afterAward.validityYears", "应为1至50年或不设（null）", "must be 1 to 50 years, or null");
        }

        if (a.InspectionIntervalMonths is < 1 or > 120)
        {
            add("$.afterAward.inspectionIntervalMonths", "应为1至120个月或不设（null）", "must be 1 to 120 months, or null");
        }

        if (a.HolderConsultationIntervalMonths is < 1 or > 120)
        {
            add("$.afterAward.holderConsultationIntervalMonths", "应为1至120个月或不设（null）", "must be 1 to 120 months, or null");
        }

        if (a.ChangeReportRequired && string.IsNullOrWhiteSpace(a.ChangeReportArticle))
        {
            add("$.afterAward.changeReportArticle", "须写明依据条款", "must cite its article");
        }
    }
}
