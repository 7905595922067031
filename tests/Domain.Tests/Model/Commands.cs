using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Notices;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Review;

namespace QualityAward.Domain.Tests.Model;

/// <summary>
/// What the host, or a person, gives for a step <see cref="Progress"/> names: the concrete
/// command with its arguments, by the role the step says, through the world's deciders.
/// </summary>
public static class Commands
{
    public static Actor Reviewer(string expertId) => new(expertId, Roles.Reviewer, expertId);

    public static Actor ActorFor(World w, string appId, NextStep step) => step.Role switch
    {
        Roles.Office => World.Office,
        Roles.System => Actor.System,
        Roles.Committee => World.Committee,
        Roles.Applicant => w.Owners[appId],
        Roles.Reviewer => Reviewer(step.By!),
        Roles.Recommender => new Actor("recommender-1", Roles.Recommender, "推荐单位", step.By),
        _ => throw new InvalidOperationException($"No actor for role {step.Role}"),
    };

    public static IReadOnlyDictionary<string, decimal> Sheet(World w, string appId, decimal share) =>
        w.Policy.Scoring.SheetFor(w.Apps[appId].Category).Items.ToDictionary(i => i.Code, i => decimal.Round(i.Max * share, 1), StringComparer.Ordinal);

    /// <summary>Give the step; null when every command it took was accepted, else the first refusal.</summary>
    public static Decision<IDomainEvent>? Give(World w, string appId, NextStep step, Random rng)
    {
        var app = w.Apps[appId];
        var actor = ActorFor(w, appId, step);
        var stage = app.StageIndex >= 0 ? w.Policy.Stages[app.StageIndex] : null;
        switch (step.Command)
        {
            case nameof(Recommend):
                return w.DoApp(appId, new Recommend("经初审，同意推荐。", "区政府批复〔2026〕3号"), actor);
            case nameof(DeclineRecommendation):
                return w.DoApp(appId, new DeclineRecommendation("材料不符合推荐条件"), actor);
            case nameof(ConcludeConsultation):
                return w.DoApp(appId, new ConcludeConsultation(), actor);
            case nameof(Accept):
                return w.DoApp(appId, new Accept(null), actor);
            case nameof(Refuse):
                return w.DoApp(appId, new Refuse("主体资格不符"), actor);
            case nameof(RecordOpinionSurvey):
                return w.DoApp(appId, new RecordOpinionSurvey(true, "未发现负面舆情"), actor);
            case nameof(DismissAdverseRecord):
                var record = app.OpenAdverseRecords[0];
                return w.DoApp(appId, new DismissAdverseRecord(record.ConsultationId, record.Department, "经核实不影响评选"), actor);
            case nameof(Withdraw):
                return w.DoApp(appId, new Withdraw("企业经营调整"), actor);
            case nameof(Disqualify):
                return w.DoApp(appId, new Disqualify(actor.Role == Roles.System ? DisqualificationGround.ObjectionUpheld : DisqualificationGround.Other, "经查证不符合条件"), actor);
            case nameof(PassNotice):
                return w.DoApp(appId, new PassNotice(step.Target!, stage!.List!.Value), actor);
            case nameof(RecordStageScore):
                var points = w.Review.Reports.TryGetValue((appId, stage!.Kind), out var report)
                    ? report.Points
                    : stage.Kind == StageKind.CustomerSatisfaction ? 60m + rng.Next(0, 40) : w.Policy.Scoring.SheetFor(app.Category).MaxTotal * 0.8m;
                return w.DoApp(appId, new RecordStageScore(stage.Kind, points, "model"), actor);
            case nameof(ComputeComposite):
                return w.DoApp(appId, new ComputeComposite([]), actor);
            case nameof(ApplyShortlistDecision):
                var listed = w.Cycle.Shortlist!.Shortlisted.FirstOrDefault(x => x.ApplicationId == appId);
                return w.DoApp(appId, new ApplyShortlistDecision(listed is not null, (listed ?? w.Cycle.Shortlist.NotShortlisted.First(x => x.ApplicationId == appId)).Rank), actor);
            case nameof(ApplyCandidacy):
                var candidate = w.Cycle.Candidates!.Candidates.First(x => x.ApplicationId == appId);
                return w.DoApp(appId, new ApplyCandidacy(candidate.Tier, candidate.Rank), actor);
            case nameof(MarkNotSelected):
                return w.DoApp(appId, new MarkNotSelected("未入选"), actor);
            case nameof(ApplyProposal):
                return w.DoApp(appId, new ApplyProposal(w.Cycle.ProposedWinners.First(x => x.ApplicationId == appId).Tier), actor);
            case nameof(GrantApproval):
                return w.DoApp(appId, new GrantApproval(step.Target!, $"批复〔2026〕{step.Target}"), actor);
            case nameof(ConferAward):
                return w.DoApp(appId, new ConferAward(w.Cycle.Announcement!.Reference, w.Cycle.Announcement.AnnouncedOn), actor);
            case nameof(ReopenStage):
                return w.DoApp(appId, new ReopenStage(Enum.Parse<StageKind>(step.Target!), "所依据的评选决定已撤回"), actor);
            case nameof(DecideCycleShortlist):
                var material = InProcessAt(w, StageKind.MaterialReview).Where(a => a.Scores.ContainsKey(StageKind.MaterialReview)).Select(a => Scored(a, a.Scores[StageKind.MaterialReview].Percent)).ToList();
                return w.DoCycle(new DecideCycleShortlist(material, rng.Next(1, material.Count + 1)), actor);
            case nameof(NominateCandidates):
                return w.DoCycle(Nominate(w, rng), actor);
            case nameof(ProposeWinners):
                return w.DoCycle(Propose(w, rng), actor);
            case nameof(AnnounceAwards):
                return w.DoCycle(new AnnounceAwards("政府公告〔2026〕1号", w.Today), actor);
            case nameof(WithdrawCycleDecision):
                return w.DoCycle(new WithdrawCycleDecision(Enum.Parse<CycleDecision>(step.Target!), "作出决定时遗漏了申报，撤回后重新作出"), actor);
            case "OpenNotice":
                return OpenNotice(w, appId, step.Target!, actor);
            case "RecordObjectionFinding":
                var objection = w.Notices[step.Target!].Objections.First(o => o.IsOpen);
                return w.DoNotice(step.Target!, new RecordObjectionFinding(objection.Filed.ObjectionId, rng.Next(3) == 0, "经调查核实"), World.Office);
            case "CloseNotice":
                return w.DoNotice(step.Target!, new CloseNotice(), actor);
            case nameof(AssignPanel):
                var panelId = rng.Next(2) == 0 && w.Review.Panels.Count > 0
                    ? w.Review.Panels.Keys.Order(StringComparer.Ordinal).ElementAt(rng.Next(w.Review.Panels.Count))
                    : FormPanel(w, appId, [], rng);
                return w.DoReview(appId, new AssignPanel(appId, stage!.Kind, panelId), actor);
            case nameof(DecideRecusal):
                var pending = w.Review.PendingFor(appId, stage!.Kind)[0];
                return w.DoReview(appId, new DecideRecusal(appId, pending, rng.Next(2) == 0, "经核实作出决定"), actor);
            case nameof(SubmitReviewScore):
                var key = (appId, stage!.Kind, step.By!);
                var share = 0.5m + (rng.Next(0, 46) / 100m);
                IReadOnlyDictionary<string, decimal> items = w.Review.Reopened.Contains(key)
                    ? w.Review.SentBack[key].ToDictionary(code => code, code => Sheet(w, appId, share)[code], StringComparer.Ordinal)
                    : Sheet(w, appId, share);
                return w.DoReview(appId, new SubmitReviewScore(appId, stage.Kind, items), actor);
            case nameof(SignPanelReport):
                return w.DoReview(appId, new SignPanelReport(appId, stage!.Kind, "评审组报告"), actor);
            case nameof(AddPanelMember):
                var panel = w.Review.PanelFor(appId, stage!.Kind)!;
                return w.DoReview(appId, new AddPanelMember(panel.PanelId, Newcomer(w, appId, panel, rng), "回避后不足最低人数，增补评审员"), actor);
            case nameof(ReplacePanelMember):
                var current = w.Review.PanelFor(appId, stage!.Kind)!;
                var leaving = current.Members.FirstOrDefault(m => w.Review.IsRecused(appId, m)) ?? current.Members[rng.Next(current.Members.Count)];
                return w.DoReview(appId, new ReplacePanelMember(current.PanelId, leaving, Newcomer(w, appId, current, rng), "更换评审员"), actor);
            case nameof(AppointTeamLeader):
                var led = w.Review.PanelFor(appId, stage!.Kind)!;
                var active = w.Review.ActiveMembers(appId, stage.Kind);
                return w.DoReview(appId, new AppointTeamLeader(led.PanelId, active[rng.Next(active.Count)], "原组长回避，另行指定组长"), actor);
            case nameof(ReassignPanel):
                var keep = w.Review.ActiveMembers(appId, stage!.Kind).Take(2).ToList();
                return w.DoReview(appId, new ReassignPanel(appId, stage.Kind, FormPanel(w, appId, keep, rng), "改派评审组"), actor);
            default:
                throw new InvalidOperationException($"The model does not give {step.Command}.");
        }
    }

    public static IEnumerable<ApplicationState> InProcessAt(World w, StageKind kind) =>
        w.Apps.Values.Where(a => a.Status == ApplicationStatus.InProcess && a.Stage == kind).OrderBy(a => a.ApplicationId, StringComparer.Ordinal);

    public static ScoredApplication Scored(ApplicationState a, decimal score) => new(a.ApplicationId, a.Category, score, a.SubmittedAt!.Value, []);

    /// <summary>A new panel: <paramref name="keep"/> and fresh experts not recused from the application, at least the policy's minimum.</summary>
    public static string FormPanel(World w, string appId, IReadOnlyList<string> keep, Random rng)
    {
        var size = Math.Max(w.Policy.Scoring.MinimumPanelScores, 3) + rng.Next(0, 2);
        var members = keep.Concat(w.Pool.Experts.Keys.Order(StringComparer.Ordinal).Where(e => !keep.Contains(e) && !w.Review.IsRecused(appId, e)).OrderBy(_ => rng.Next())).Take(size).ToList();
        while (members.Count < size)
        {
            members.Add(w.AddExpert());
        }

        var panelId = $"panel-{w.Review.Panels.Count + 1}";
        w.DoReview(null, new FormPanel(panelId, $"评审组{w.Review.Panels.Count + 1}", null, members, members[0]), World.Office);
        return panelId;
    }

    /// <summary>An expert of the pool not on the panel and not recused from the application.</summary>
    public static string Newcomer(World w, string appId, Panel panel, Random rng)
    {
        var free = w.Pool.Experts.Keys.Order(StringComparer.Ordinal).Where(e => !panel.Members.Contains(e) && !w.Review.IsRecused(appId, e)).ToList();
        return free.Count > 0 ? free[rng.Next(free.Count)] : w.AddExpert();
    }

    private static NominateCandidates Nominate(World w, Random rng)
    {
        var scored = InProcessAt(w, StageKind.CompositeEvaluation).Where(a => a.Composite is not null).Select(a => Scored(a, a.Composite!.Score)).ToList();
        var ranked = Ranking.Rank(scored);
        var candidates = new Dictionary<string, AwardTier>(StringComparer.Ordinal);
        foreach (var category in ranked.Select(r => r.Entry.Category).Distinct())
        {
            var inCategory = ranked.Where(r => r.Entry.Category == category).ToList();
            foreach (var r in inCategory.Take(rng.Next(1, inCategory.Count + 1)))
            {
                candidates[r.Entry.ApplicationId] = w.Policy.Tiers[0];
            }
        }

        return new NominateCandidates(scored, candidates, new HashSet<string>());
    }

    /// <summary>A choice within the quotas among the candidates still in the process, 差额 where the policy says, carried by the vote where there is one.</summary>
    private static ProposeWinners Propose(World w, Random rng)
    {
        var policy = w.Policy;
        var nominated = w.Cycle.Candidates?.Candidates ?? [];
        var open = nominated.Where(c => w.Apps[c.ApplicationId].Status == ApplicationStatus.InProcess && w.Apps[c.ApplicationId].Stage == StageKind.Deliberation).ToList();
        var competitive = policy.Stage(StageKind.CompositeEvaluation)?.CandidateList == CandidateListRule.LargerThanQuota;
        var winners = new List<WinnerEntry>();
        foreach (var line in policy.Quotas)
        {
            var inGroup = nominated.Count(x => x.Tier == line.Tier && line.Categories.Contains(x.Category));
            var eligible = open.Where(x => x.Tier == line.Tier && line.Categories.Contains(x.Category)).OrderBy(_ => rng.Next()).ToList();
            var most = Math.Min(Math.Min(line.Max, eligible.Count), competitive ? Math.Max(0, inGroup - 1) : int.MaxValue);
            winners.AddRange(eligible.Take(rng.Next(0, most + 1)).Select(x => new WinnerEntry(x.ApplicationId, x.Category, x.Tier, false)));
        }

        var vote = policy.Stage(StageKind.Deliberation)?.Method == DeliberationMethod.EqualNumberVote
            ? new VoteTally(11, winners.ToDictionary(x => x.ApplicationId, _ => 8))
            : null;
        return new ProposeWinners(winners, vote, "审议纪要");
    }

    private static Decision<IDomainEvent>? OpenNotice(World w, string appId, string noticeId, Actor actor)
    {
        var app = w.Apps[appId];
        var stage = w.Policy.Stages[app.StageIndex];
        var list = stage.List!.Value;
        var listed = w.Cycle.NoticesOf(list).SelectMany(id => w.Notices[id].Opened!.Entries).Select(e => e.ApplicationId).ToHashSet(StringComparer.Ordinal);
        var entries = w.Apps.Values
            .Where(a => a.Status == ApplicationStatus.InProcess && a.StageIndex == app.StageIndex && !listed.Contains(a.ApplicationId))
            .OrderBy(a => a.ApplicationId, StringComparer.Ordinal)
            .Select(a => new NoticeEntry(a.ApplicationId, a.Form.Name ?? a.ApplicationId, a.Category, "示例区", a.ProposedTier ?? a.Candidate?.Tier))
            .ToList();
        return w.DoNotice(noticeId, new OpenNotice(noticeId, World.CycleIdValue, stage, $"{list.Zh()}公示", entries, w.Today, stage.MinWorkingDays!.Value, true), actor)
            ?? w.DoCycle(new RecordNoticePublished(noticeId, list), Actor.System);
    }
}
