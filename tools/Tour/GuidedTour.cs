using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using QualityAward.Domain;
using QualityAward.Domain.Identity;

namespace QualityAward.Tour;

/// <summary>Who acts in the tour: a role, the person's stable subject and name, a recommending body's affiliation.</summary>
public sealed record TourPerson(string Role, string Subject, string Name, string? Affiliation = null);

/// <summary>
/// What the tour runs against: a client signed in as a person (<see cref="As"/>), an anonymous
/// client of the app, an anonymous client of the local mailbox (the app itself under the local
/// host), and the app's address as a person types it (for the "look here" lines).
/// </summary>
public sealed record TourClients(Func<TourPerson, HttpClient> As, HttpClient Anonymous, HttpClient Mailbox, Uri BaseAddress);

/// <summary>
/// Which preset, where the example forms are, the rehearsal's first day (its clock starts there at
/// 09:00 Beijing time; default: today, or March of the last year the working-day calendar covers
/// when the next months reach beyond it), how long to wait for the app to move the applications on
/// after a step.
/// </summary>
public sealed record TourOptions(string Preset, string ExamplesFolder, DateOnly? Today = null, TimeSpan? StepTimeout = null);

/// <summary>One winner as the tour ends with it.</summary>
public sealed record TourWinner(string ApplicationId, string Name, string Category, string Tier, string? CertificateNumber, string CertificateUrl, string? VerifyUrl);

/// <summary>What the tour did: its cycle, the consultation rounds answered by link, the winners.</summary>
public sealed record TourResult(string CycleId, IReadOnlyList<string> ConsultationRounds, int RepliesByLink, IReadOnlyList<TourWinner> Winners, string Status);

/// <summary>
/// The guided tour (issue 18): one preset's cycle, from the call to the announcement, walked
/// through the HTTP API only — applicants with the example forms, the recommending body, the
/// office, departments answering by the links in the local mailbox, reviewers, the deciding body —
/// in the order of the preset's own stages (GET /api/policies/{id}), moving the rehearsal clock
/// past the submission deadline and each notice period. Each step prints one line in Chinese, one
/// in English and where to look. Any refusal stops the tour with the app's problem+json.
/// </summary>
public sealed class GuidedTour(TourOptions options, TourClients clients, ITourClock clock, TextWriter output)
{
    /// <summary>Each reviewer gives every item this share of its maximum (organisations a little more: the ranking is then plain to read).</summary>
    private const decimal ReviewShare = 0.8m;
    private readonly string _run = RandomNumberGenerator.GetHexString(6, lowercase: true);
    private readonly List<Applicant> _applicants = [];
    private readonly List<string> _rounds = [];
    private readonly List<string> _experts = [];
    private HttpClient _office = null!;
    private JsonElement _policy;
    private string _cycleId = string.Empty;
    private string _panelId = string.Empty;
    private string? _leader;
    private int _step;
    private int _replies;
    private IReadOnlyList<string> _ranking = [];
    private IReadOnlyList<string> _winners = [];

    private TimeSpan StepTimeout => options.StepTimeout ?? TimeSpan.FromSeconds(90);

    private sealed record Applicant(string Id, string Category, string Name, string Subject, HttpClient Client, JsonObject Form);

    public static TourPerson OfficePerson { get; } = new(Roles.Office, "tour-office", "市质量奖评审办公室（演练）");

    public static TourPerson CommitteePerson { get; } = new(Roles.Committee, "tour-committee", "评审委员会秘书（演练）");

    public async Task<TourResult> RunAsync(CancellationToken ct)
    {
        _office = clients.As(OfficePerson);
        _policy = await Api.GetAsync(clients.Anonymous, $"/api/policies/{options.Preset}", ct);
        var stages = _policy.Prop("stages").Items().ToList();
        await Say("导览开始", $"{_policy.Str("awardName")}：按政策《{_policy.Prop("document").Str("title")}》的{stages.Count}个环节走完一届演练",
            "The tour starts", $"{options.Preset}: the {stages.Count} stages of the policy, one rehearsal cycle", $"{Url($"/api/policies/{options.Preset}")}");
        await output.WriteLineAsync($"     （/api/ 下的地址需带令牌：run.sh 为每个角色打印一个，或在 {Url("/scalar/v1")} 中试用 / addresses under /api/ need a bearer token: run.sh prints one per role）");

        for (var index = 0; index < stages.Count; index++)
        {
            var stage = stages[index];
            switch (stage.Str("kind"))
            {
                case "call":
                    await OpenCycleAsync(stage, ct);
                    break;
                case "internalPublicity":
                    await Say(stage, "申报单位在本单位内部公示（申报表填写公示起止日期）", "Internal publicity: the applicant publishes its application inside its own organisation (the form gives the dates).", Url("/apply"));
                    break;
                case "submission":
                    await SubmitAsync(stage, ct);
                    break;
                case "recommendation":
                    await RecommendAsync(stage, ct);
                    await CloseWindowAsync(ct);
                    break;
                case "consultation":
                    await ConsultAsync(stage, index, ct);
                    break;
                case "opinionSurvey":
                    await ForEachAtAsync(stage, a => Api.PostAsync(_office, $"/api/applications/{a.Id}/opinion-survey", new { favourable = true, summary = "演练：未发现负面舆情" }, ct), ct);
                    await Say(stage, "办公室记录舆情调查结果：未发现负面舆情", "Opinion survey: the office records a favourable result for each application.", Url($"/api/cycles/{_cycleId}/worklist"));
                    await LeaveAsync(stage, ct);
                    break;
                case "formalReview":
                    await ForEachAtAsync(stage, a => Api.PostAsync(_office, $"/api/applications/{a.Id}/accept", new { }, ct), ct);
                    await Say(stage, "办公室审查后受理全部申报", "Formal review: the office accepts every application.", Url($"/api/cycles/{_cycleId}/acceptance-list"));
                    await LeaveAsync(stage, ct);
                    break;
                case "publicNotice":
                    await NoticeAsync(stage, ct);
                    break;
                case "materialReview" or "siteReview" or "presentation":
                    await ReviewAsync(stage, ct);
                    break;
                case "customerSatisfaction":
                    await SatisfactionAsync(stage, ct);
                    break;
                case "compositeEvaluation":
                    await CompositeAsync(stage, ct);
                    break;
                case "deliberation":
                    await DeliberateAsync(stage, stages, ct);
                    break;
                case "approval":
                    await ApproveAndAnnounceAsync(stage, ct);
                    break;
                default:
                    throw new TourStepFailed($"The tour does not know the stage kind '{stage.Str("kind")}' of {options.Preset}.");
            }
        }

        return await EndAsync(ct);
    }

    // ---- the call and the submissions ------------------------------------------------------------

    private async Task OpenCycleAsync(JsonElement stage, CancellationToken ct)
    {
        var today = options.Today ?? await SeasonAsync(ct);
        _cycleId = $"{options.Preset}-{today.Year}-tour-{_run}";
        var body = new Dictionary<string, object?>
        {
            ["policyId"] = options.Preset,
            ["year"] = today.Year,
            ["cycleId"] = _cycleId,
            ["submissionOpensOn"] = Day(today),
            // A one-day window: the rehearsal's clock then moves past it at once, and the cycle stays
            // as short as its notices and reply periods allow (they count on the working-day calendar).
            ["submissionClosesOn"] = Day(today),
            ["acknowledgeWarnings"] = true,
            ["rehearsal"] = true,
            // The rehearsal's time starts on that day, whatever the real date: its notices and reply periods count working days there.
            ["rehearsalStartsAt"] = ShanghaiTime.StartOf(today).AddHours(9),
        };
        var cycle = await Api.PostAsync(_office, "/api/cycles", body, ct);
        await Say(stage, $"办公室开启演练周期 {_cycleId}，申报期 {Day(today)} 至 {cycle.Str("submissionClosesOn")}",
            $"The call: the office opens the rehearsal cycle {_cycleId}; submissions {Day(today)} to {cycle.Str("submissionClosesOn")}.", Url($"/api/cycles/{_cycleId}"));
    }

    /// <summary>
    /// The day the rehearsal starts: today, when the working-day calendar covers the months a cycle
    /// takes from here; else the first Monday of March of the last year it covers (late in a year
    /// the next year's holidays are not yet published, and every period counts working days).
    /// </summary>
    private async Task<DateOnly> SeasonAsync(CancellationToken ct)
    {
        var years = (await Api.GetAsync(_office, "/api/calendar", ct)).GetProperty("years").Items().Select(y => y.GetInt32()).ToHashSet();
        var today = ShanghaiTime.DateOf(DateTimeOffset.UtcNow);
        if (years.Contains(today.Year) && years.Contains(today.AddMonths(6).Year))
        {
            return today;
        }

        var march = new DateOnly(years.Max(), 3, 1);
        return march.AddDays(((int)DayOfWeek.Monday - (int)march.DayOfWeek + 7) % 7);
    }

    private async Task SubmitAsync(JsonElement stage, CancellationToken ct)
    {
        var today = ShanghaiTime.DateOf(await clock.NowAsync(_cycleId, ct));
        foreach (var category in _policy.Prop("categories").Items().Select(c => c.GetString()!))
        {
            var file = Path.Combine(options.ExamplesFolder, $"{options.Preset}-{category}.json");
            var form = JsonNode.Parse(await File.ReadAllTextAsync(file, ct))!.AsObject();
            Vary(form, today);
            var n = _applicants.Count + 1;
            var name = (string)form["name"]!;
            var person = new TourPerson(Roles.Applicant, $"tour-{_run}-applicant-{n}", category == "individual" ? name : $"{name}联系人");
            var client = clients.As(person);
            var draft = await Api.PostAsync(client, $"/api/cycles/{_cycleId}/applications", new { category }, ct);
            var id = draft.Str("applicationId");
            await Api.PutAsync(client, $"/api/applications/{id}/form", form.ToJsonString(), ct);
            await Api.PostBytesAsync(client, $"/api/applications/{id}/documents?kind=selfAssessmentReport&name={Uri.EscapeDataString("自我评价报告.pdf")}", Pdf(n), ct);
            await Api.PostAsync(client, $"/api/applications/{id}/submit", null, ct);
            _applicants.Add(new Applicant(id, category, name, person.Subject, client, form));
            await Say(stage, $"{name}用示例申报表（examples/forms/{Path.GetFileName(file)}）填报、上传自我评价报告并提交",
                $"Submission: {(category == "individual" ? "an individual" : "an organisation")} fills in the example form, uploads its self-assessment report and submits ({id}).", Url($"/apply/{id}"));
        }
    }

    /// <summary>The example, made this run's own: a fresh credit code or ID number (no two runs share an applicant), internal publicity dates before today.</summary>
    private static void Vary(JsonObject form, DateOnly today)
    {
        if (form["creditCode"] is JsonValue code)
        {
            form["creditCode"] = FreshCreditCode(((string)code!)[..8]);
        }

        if (form["idNumber"] is JsonValue idNumber)
        {
            var first14 = ((string)idNumber!)[..14];
            var sequence = RandomNumberGenerator.GetInt32(100, 999).ToString(CultureInfo.InvariantCulture);
            form["idNumber"] = first14 + sequence + ResidentIdNumber.CheckCharacter(first14 + sequence);
        }

        if (form.ContainsKey("internalPublicityFrom"))
        {
            form["internalPublicityFrom"] = Day(today.AddDays(-21));
            form["internalPublicityTo"] = Day(today.AddDays(-7));
        }
    }

    private static string FreshCreditCode(string prefix8)
    {
        while (true)
        {
            var body = "M" + RandomNumberGenerator.GetInt32(0, 10_000_000).ToString("D7", CultureInfo.InvariantCulture);
            if (CreditCode.OrganisationCheckCharacter(body) is { } check)
            {
                var first17 = prefix8 + body + check;
                var candidate = first17 + CreditCode.CheckCharacter(first17);
                if (CreditCode.Parse(candidate).IsOk)
                {
                    return candidate;
                }
            }
        }
    }

    /// <summary>A small PDF (header, one empty object, trailer) standing in for the self-assessment report.</summary>
    private static byte[] Pdf(int n)
    {
        var bytes = new byte[4_096];
        new Random(n).NextBytes(bytes);
        "%PDF-1.7\n1 0 obj\n<< >>\nstream\n"u8.CopyTo(bytes);
        "\nendstream\nendobj\n%%EOF\n"u8.CopyTo(bytes.AsSpan(bytes.Length - 24));
        return bytes;
    }

    private async Task RecommendAsync(JsonElement stage, CancellationToken ct)
    {
        var city = _policy.Prop("city").Str("code");
        var approval = stage.Prop("governmentApproval").ValueKind == JsonValueKind.True;
        foreach (var a in await AtAsync(stage, ct))
        {
            var body = $"{city}:{(string)a.Form["recommenderId"]!}";
            var recommender = clients.As(new TourPerson(Roles.Recommender, $"tour-recommender-{body.Replace(':', '-')}", $"推荐单位（{body}）", body));
            await Api.PostAsync(recommender, $"/api/applications/{a.Id}/recommend", approval
                ? new { opinion = "经初审，同意推荐。（演练）", governmentApprovalReference = "演练政函〔" + DateTime.UtcNow.Year + "〕1号" }
                : new { opinion = "经初审，同意推荐。（演练）" }, ct);
            await Say(stage, $"推荐单位 {body} 签署推荐意见{(approval ? "（附本级政府批准文号）" : string.Empty)}：{a.Name}",
                $"Recommendation: the recommending body {body} recommends {a.Id}{(approval ? ", with the local government's approval" : string.Empty)}.", Url($"/api/applications/{a.Id}/history"));
        }

        await LeaveAsync(stage, ct);
    }

    /// <summary>The deadline passes on the rehearsal clock: the window's orchestration closes submissions.</summary>
    private async Task CloseWindowAsync(CancellationToken ct)
    {
        var cycle = await Api.GetAsync(_office, $"/api/cycles/{_cycleId}", ct);
        var closesAt = cycle.Prop("submissionClosesAt").GetDateTimeOffset();
        if (await clock.NowAsync(_cycleId, ct) < closesAt)
        {
            await clock.MoveToAsync(_cycleId, closesAt.AddSeconds(1), ct);
        }

        await Say("申报截止", $"演练时钟拨到 {Time(closesAt.AddSeconds(1))}：申报期结束",
            "Deadline", $"The rehearsal clock moves past the submission deadline ({Time(closesAt, zh: false)}): the window closes.", Url($"/api/cycles/{_cycleId}/workflow"));
    }

    // ---- departments, notices --------------------------------------------------------------------

    private async Task ConsultAsync(JsonElement stage, int index, CancellationToken ct)
    {
        if ((await AtAsync(stage, ct)).Count == 0)
        {
            return;
        }

        var round = await Api.PostAsync(_office, $"/api/cycles/{_cycleId}/consultations", new { stageIndex = index }, ct);
        var roundId = round.Str("consultationId");
        _rounds.Add(roundId);
        var departments = round.Prop("departments").Items().Select(d => d.Str("department")).ToList();
        var names = round.Prop("departments").Items().ToDictionary(d => d.Str("department"), d => d.Str("name"));
        await Say(stage, $"办公室发起征求意见 {roundId}：向{string.Join("、", names.Values)}各发一封带回复链接的邮件，{round.Str("replyBy")} 前回复",
            $"Consultation: the office opens round {roundId}; each of {departments.Count} departments gets one mail with its reply link.", new Uri(clients.Mailbox.BaseAddress!, Mailbox.PagePath).ToString());

        var mailbox = new Mailbox(clients.Mailbox, clients.Anonymous);
        var links = await mailbox.ReplyLinksAsync(roundId, departments, StepTimeout, ct);
        foreach (var department in departments)
        {
            var (mail, link) = links[department];
            var answered = await mailbox.AnswerNoneAsync(link, $"{names[department]}经办人（演练） 0000-0000000", ct);
            _replies++;
            await Say(stage, $"{names[department]}在本地邮箱打开邮件，点回复链接，答复{answered.Count}个申报者均无不良记录",
                $"{department} opens its mail in the local mailbox, follows the reply link and answers 'no adverse record' on {answered.Count} applicant(s).",
                $"{new Uri(clients.Mailbox.BaseAddress!, mail.Page)}  →  {link.Split('?')[0]}");
        }

        await LeaveAsync(stage, ct);
        await Say(stage, "各部门意见收齐，征求意见结束，申报进入下一环节", "All departments have answered: the round closes and the applications move on.", Url($"/api/cycles/{_cycleId}/consultations/{roundId}"));
    }

    private async Task NoticeAsync(JsonElement stage, CancellationToken ct)
    {
        if ((await AtAsync(stage, ct)).Count == 0)
        {
            return;
        }

        var list = stage.Str("list") switch
        {
            "proposedWinners" => "proposed-winners",
            var l => l,
        };
        var today = ShanghaiTime.DateOf(await clock.NowAsync(_cycleId, ct));
        var notice = await Api.PostAsync(_office, $"/api/cycles/{_cycleId}/notices", new { list, firstDay = Day(today) }, ct);
        var noticeId = notice.Str("noticeId");
        var closesAt = notice.Prop("closesAt").GetDateTimeOffset();
        await Say(stage, $"办公室发布{stage.Str("title")}：{notice.Str("firstDay")} 至 {notice.Str("lastDay")}（{notice.Prop("workingDays").GetInt32()}个工作日），公示期内可提出异议",
            $"Public notice ({list}): published {notice.Str("firstDay")} to {notice.Str("lastDay")}, {notice.Prop("workingDays").GetInt32()} working days; objections are taken meanwhile.", Url($"/notices/{noticeId}"));
        await clock.MoveToAsync(_cycleId, closesAt.AddSeconds(1), ct);
        await LeaveAsync(stage, ct);
        await Say(stage, $"演练时钟拨到 {Time(closesAt.AddSeconds(1))}：公示期满，无异议，公示结束",
            $"The rehearsal clock moves past the notice's last day: it closes without objections.", Url($"/notices/{noticeId}"));
    }

    // ---- the panels --------------------------------------------------------------------------------

    private async Task ReviewAsync(JsonElement stage, CancellationToken ct)
    {
        var kind = stage.Str("kind");
        var at = await AtAsync(stage, ct);
        if (at.Count == 0)
        {
            return;
        }

        await PanelAsync(ct);
        foreach (var a in at)
        {
            await Api.PostAsync(_office, $"/api/cycles/{_cycleId}/assignments", new { applicationId = a.Id, stage = kind, panelId = _panelId }, ct);
            var sheet = Sheet(a.Category);
            var share = ReviewShare + (a.Category == "organisation" ? 0.05m : 0m);
            foreach (var expert in _experts)
            {
                var items = sheet.ToDictionary(i => i.Key, i => decimal.Round(i.Value * share, 1));
                await Api.PostAsync(Reviewer(expert), $"/api/applications/{a.Id}/reviews/{kind}/scores", new { items }, ct);
            }

            await Api.PostAsync(Reviewer(_leader!), $"/api/applications/{a.Id}/reviews/{kind}/report", new { summary = $"{stage.Str("title")}评审组报告（演练）：符合评价准则要求" }, ct);
            await Say(stage, $"评审组 {_panelId} 的{_experts.Count}名专家对“{a.Name}”独立评分，组长 {_leader} 签署评审组报告",
                $"{kind}: the {_experts.Count} experts of {_panelId} score {a.Id} independently; the team leader signs the panel's report.", Url($"/api/applications/{a.Id}/review"));
        }

        if (stage.Prop("shortlist").ValueKind == JsonValueKind.True)
        {
            // The scores are recorded by the applications' own orchestrations; the shortlist waits for all of them.
            await WaitAsync(at, w => w.Prop("standing").Str("waitsFor").StartsWith("cycle.", StringComparison.Ordinal), "the material scores to be recorded", ct);
            await Api.PostAsync(_office, $"/api/cycles/{_cycleId}/shortlist", new { places = at.Count }, ct);
            await Say(stage, $"办公室按材料评审得分确定现场评审名单（{at.Count}个名额）",
                $"Shortlist: the office sends the {at.Count} best-scored applications to the site review.", Url($"/api/cycles/{_cycleId}/ranking"));
        }

        await LeaveAsync(stage, ct);
    }

    /// <summary>The expert pool and one panel for the cycle (the minimum the policy's score rule needs, three at least), its first member the team leader.</summary>
    private async Task PanelAsync(CancellationToken ct)
    {
        if (_leader is not null)
        {
            return;
        }

        var minimum = _policy.Prop("scoring").Prop("minPanelScores") is { ValueKind: JsonValueKind.Number } m ? m.GetInt32() : 3;
        string[] employers = ["某某大学质量管理学院", "某某标准化研究院", "某某检验检测研究院", "某某理工大学", "某某质量协会"];
        for (var i = 1; i <= Math.Max(3, minimum); i++)
        {
            var expertId = $"tour-{_run}-e{i}";
            await Api.PostAsync(_office, "/api/experts", new { expertId, name = $"演练专家{i}", employer = employers[(i - 1) % employers.Length], field = "卓越绩效管理", industryCodes = new[] { "C3670" }, contact = "0000-0000000" }, ct);
            _experts.Add(expertId);
        }

        _panelId = $"tour-{_run}-panel";
        _leader = _experts[0];
        await Api.PostAsync(_office, $"/api/cycles/{_cycleId}/panels", new { panelId = _panelId, name = "演练评审组", members = _experts, leader = _leader }, ct);
        await Say("评审组", $"办公室从专家库组建评审组 {_panelId}（{_experts.Count}名专家，{_leader} 任组长）",
            "Panel", $"The office adds {_experts.Count} experts to the pool and forms the panel {_panelId}, {_leader} its team leader.", Url($"/api/cycles/{_cycleId}/panels"));
    }

    private readonly Dictionary<string, Dictionary<string, int>> _sheets = [];

    /// <summary>The policy's score sheet for a category: item code → maximum.</summary>
    private Dictionary<string, int> Sheet(string category)
    {
        if (!_sheets.TryGetValue(category, out var items))
        {
            var sheet = _policy.Prop("scoring").Prop("sheets").Items().First(s => s.Str("category") == category);
            items = _sheets[category] = sheet.Prop("items").Items().ToDictionary(i => i.Str("code"), i => i.Prop("max").GetInt32());
        }

        return items;
    }

    private HttpClient Reviewer(string expertId) => clients.As(new TourPerson(Roles.Reviewer, expertId, expertId));

    private async Task SatisfactionAsync(JsonElement stage, CancellationToken ct)
    {
        var at = await AtAsync(stage, ct);
        if (at.Count == 0)
        {
            return;
        }

        var rows = at.Select((a, i) => new { applicationId = a.Id, index = 90m - i }).ToList();
        var imported = await Api.PostAsync(_office, $"/api/cycles/{_cycleId}/customer-satisfaction", rows, ct);
        if (imported.Items().FirstOrDefault(r => r.Str("outcome") != "recorded") is { ValueKind: JsonValueKind.Object } refused)
        {
            throw new TourStepFailed($"POST /api/cycles/{_cycleId}/customer-satisfaction refused a row:\n{refused}");
        }

        await Say(stage, $"办公室导入第三方顾客满意度测评结果（{at.Count}家）", $"Customer satisfaction: the office imports the third party's index for {at.Count} organisation(s).", Url($"/api/cycles/{_cycleId}/ranking"));
        await LeaveAsync(stage, ct);
    }

    // ---- deciding ---------------------------------------------------------------------------------

    private async Task CompositeAsync(JsonElement stage, CancellationToken ct)
    {
        var ranking = await Api.PostAsync(_office, $"/api/cycles/{_cycleId}/composite", new { }, ct);
        _ranking = ranking.Items().Select(r => r.Str("applicationId")).ToList();
        var scores = string.Join("；", ranking.Items().Select(r => $"{r.Prop("rank")}. {r.Str("name")} {r.Prop("score")}"));
        await Say(stage, $"办公室计算综合得分并排名：{scores}", $"Composite: the office computes the composite scores and the ranking ({_ranking.Count}).", Url($"/api/cycles/{_cycleId}/ranking"));

        var tier = _policy.Prop("tiers").Items().First().GetString()!;
        await Api.PostAsync(_office, $"/api/cycles/{_cycleId}/candidates", new { candidates = _ranking.ToDictionary(id => id, _ => tier) }, ct);
        var competitive = stage.Str("candidateList") == "largerThanQuota";
        await Say(stage, $"办公室按排名提出候选名单（{_ranking.Count}名{(competitive ? "，差额" : string.Empty)}）",
            $"Candidates: the office nominates the {_ranking.Count} ranked applications for {tier}{(competitive ? " (more candidates than winners)" : string.Empty)}.", Url($"/api/cycles/{_cycleId}/ranking"));
        await LeaveAsync(stage, ct);
    }

    private async Task DeliberateAsync(JsonElement stage, IReadOnlyList<JsonElement> stages, CancellationToken ct)
    {
        var at = await AtAsync(stage, ct);
        var competitive = stages.Any(s => s.Str("kind") == "compositeEvaluation" && s.Str("candidateList") == "largerThanQuota");
        var candidates = _ranking.Where(id => at.Any(a => a.Id == id)).ToList();
        _winners = competitive ? candidates.Take(Math.Max(1, candidates.Count - 1)).ToList() : candidates;
        var tier = _policy.Prop("tiers").Items().First().GetString()!;
        var method = stage.Str("method");
        var body = new Dictionary<string, object?>
        {
            ["winners"] = _winners.Select(id => new { applicationId = id, tier }).ToList(),
            ["minutes"] = $"{stage.Str("body")}会议（演练）：审议候选名单，形成获奖建议名单。",
        };
        if (method == "equalNumberVote")
        {
            body["vote"] = new { membersPresent = 11, votesFor = candidates.ToDictionary(id => id, id => _winners.Contains(id) ? 9 : 2) };
        }

        var decider = method == "officeDecision" ? _office : clients.As(CommitteePerson);
        await Api.PostAsync(decider, $"/api/cycles/{_cycleId}/winners", body, ct);
        var names = string.Join("、", _winners.Select(id => _applicants.First(a => a.Id == id).Name));
        await Say(stage, $"{stage.Str("body")}{(method == "equalNumberVote" ? "等额投票" : "审议")}，形成获奖建议名单：{names}",
            $"Deliberation: the deciding body ({(method == "officeDecision" ? "the office" : "the committee")}{(method == "equalNumberVote" ? ", by vote" : string.Empty)}) proposes {_winners.Count} winner(s).", Url($"/api/cycles/{_cycleId}/review-history"));
        await LeaveAsync(stage, ct);
    }

    private async Task ApproveAndAnnounceAsync(JsonElement stage, CancellationToken ct)
    {
        var at = await AtAsync(stage, ct);
        foreach (var step in stage.Prop("approvals").Items())
        {
            foreach (var a in at)
            {
                await Api.PostAsync(_office, $"/api/applications/{a.Id}/approvals", new { stepCode = step.Str("code"), reference = $"{step.Str("title")}（演练）〔{_cycleId.Split('-')[1]}〕1号" }, ct);
            }

            await Say(stage, $"办公室记录“{step.Str("title")}”（{at.Count}项）", $"Approval: the office records '{step.Str("code")}' for {at.Count} proposed winner(s).", Url($"/api/applications/{at.FirstOrDefault()?.Id}/history"));
        }

        var today = ShanghaiTime.DateOf(await clock.NowAsync(_cycleId, ct));
        await Api.PostAsync(_office, $"/api/cycles/{_cycleId}/announce", new { reference = $"演练公告〔{today.Year}〕1号", announcedOn = Day(today) }, ct);
        await Say(stage, $"{stage.Str("announcedBy")}公布获奖名单（{Day(today)}）", $"Announcement: {stage.Str("announcedBy")} announces the awards.", Url($"/api/cycles/{_cycleId}"));
        await WaitAsync(at, w => w.Prop("standing").Str("status") != "inProcess", "the awards to be conferred", ct);
    }

    private async Task<TourResult> EndAsync(CancellationToken ct)
    {
        var winners = new List<TourWinner>();
        foreach (var a in _applicants)
        {
            var view = await Api.GetAsync(_office, $"/api/applications/{a.Id}", ct);
            if (view.Str("status") != "awarded")
            {
                continue;
            }

            var award = view.Prop("award");
            var code = award.Str("verificationCode");
            winners.Add(new TourWinner(a.Id, a.Name, a.Category, award.Str("tier"), award.Str("certificateNumber") is { Length: > 0 } n ? n : null,
                Url($"/api/applications/{a.Id}/certificate"), code.Length > 0 ? Url($"/verify/{code}") : null));
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync($"获奖名单 / The winners ({_cycleId}):");
        foreach (var w in winners)
        {
            await output.WriteLineAsync($"  ★ {w.Name}（{(w.Category == "individual" ? "个人" : "组织")}，{w.Tier}）证书编号 {w.CertificateNumber ?? "—"}");
            await output.WriteLineAsync($"    证书 Certificate (PDF, the owner's or the office's token): {w.CertificateUrl}");
            if (w.VerifyUrl is not null)
            {
                await output.WriteLineAsync($"    公开核验 Public check: {w.VerifyUrl}");
            }
        }

        if (winners.Count == 0)
        {
            throw new TourStepFailed($"The tour reached the end of {_cycleId} without a winner.");
        }

        await output.WriteLineAsync($"本地邮箱 / Local mailbox: {new Uri(clients.Mailbox.BaseAddress!, Mailbox.PagePath)}  （征求意见 {_rounds.Count} 轮，{_replies} 个部门经链接答复 / {_rounds.Count} round(s), {_replies} replies by link）");
        var cycle = await Api.GetAsync(_office, $"/api/cycles/{_cycleId}", ct);
        return new TourResult(_cycleId, _rounds, _replies, winners, cycle.Str("status"));
    }

    // ---- where the applications stand -------------------------------------------------------------

    /// <summary>The tour's applications in process at the stage's kind.</summary>
    private async Task<IReadOnlyList<Applicant>> AtAsync(JsonElement stage, CancellationToken ct)
    {
        var at = new List<Applicant>();
        foreach (var a in _applicants)
        {
            var view = await Api.GetAsync(_office, $"/api/applications/{a.Id}", ct);
            if (view.Str("status") == "inProcess" && view.Str("stage") == stage.Str("kind"))
            {
                at.Add(a);
            }
        }

        return at;
    }

    private async Task ForEachAtAsync(JsonElement stage, Func<Applicant, Task> act, CancellationToken ct)
    {
        foreach (var a in await AtAsync(stage, ct))
        {
            await act(a);
        }
    }

    /// <summary>Waits until none of the tour's applications stands at the stage any more (its orchestration has moved it on).</summary>
    private Task LeaveAsync(JsonElement stage, CancellationToken ct) =>
        WaitAsync(_applicants, w => w.Prop("standing").Str("status") != "inProcess" || w.Prop("standing").Str("stage") != stage.Str("kind"), $"the applications to leave {stage.Str("kind")}", ct);

    private async Task WaitAsync(IReadOnlyList<Applicant> applicants, Func<JsonElement, bool> done, string what, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + StepTimeout;
        while (true)
        {
            var stuck = new List<JsonElement>();
            foreach (var a in applicants)
            {
                var workflow = await Api.GetAsync(_office, $"/api/applications/{a.Id}/workflow", ct);
                if (!done(workflow))
                {
                    stuck.Add(workflow);
                }
            }

            if (stuck.Count == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TourStepFailed($"Waited {StepTimeout.TotalSeconds:0} s for {what}; still waiting:\n" + string.Join("\n", stuck.Select(w =>
                    $"  {w.Str("applicationId")}: {w.Prop("standing").Str("waitsFor")} — {w.Prop("standing").Str("zh")} / {w.Prop("standing").Str("en")} (orchestration: {w.Prop("orchestration").Str("runtimeStatus")} {w.Prop("orchestration").Prop("failure")})")));
            }

            await Task.Delay(200, ct);
        }
    }

    // ---- printing -----------------------------------------------------------------------------------

    private Task Say(JsonElement stage, string zh, string en, string look) =>
        Say($"{stage.Str("title")}（{stage.Str("article")}）", zh, StageEnglish(stage.Str("kind")), en, look);

    /// <summary>One step: the Chinese line (the stage's own title), the English line, where to look.</summary>
    private async Task Say(string titleZh, string zh, string titleEn, string en, string look)
    {
        _step++;
        await output.WriteLineAsync($"{_step,3}. {titleZh}：{zh}");
        await output.WriteLineAsync($"     {(en.StartsWith(titleEn, StringComparison.Ordinal) ? en : $"{titleEn}: {en}")}");
        await output.WriteLineAsync($"     看这里 Look: {look}");
        await output.FlushAsync();
    }

    private static string StageEnglish(string kind) => kind switch
    {
        "call" => "Call",
        "internalPublicity" => "Internal publicity",
        "submission" => "Submission",
        "recommendation" => "Recommendation",
        "consultation" => "Consultation",
        "opinionSurvey" => "Opinion survey",
        "formalReview" => "Formal review",
        "publicNotice" => "Public notice",
        "materialReview" => "Material review",
        "siteReview" => "Site review",
        "presentation" => "Presentation",
        "customerSatisfaction" => "Customer satisfaction",
        "compositeEvaluation" => "Composite evaluation",
        "deliberation" => "Deliberation",
        "approval" => "Approval and announcement",
        _ => kind,
    };

    private string Url(string path) => new Uri(clients.BaseAddress, path).ToString();

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset at, bool zh = true) =>
        ShanghaiTime.ToShanghai(at).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + (zh ? "（北京时间）" : " Beijing time");
}
