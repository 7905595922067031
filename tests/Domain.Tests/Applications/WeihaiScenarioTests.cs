using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Calendar;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Notices;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Applications;

/// <summary>
/// A Weihai edition from the call to the announcement, through the deciders and the folds only:
/// six organisations apply, all are recommended, reviewed and nominated, the leading group
/// recognises five (§6: at most 5 units) and the government announces them. After every step the
/// invariants hold (hotcrp's ConfInvariants idea).
/// </summary>
public class WeihaiScenarioTests
{
    private readonly AwardPolicy _policy = PolicyPresets.Get("weihai");
    private readonly List<ICycleEvent> _cycle = [];
    private readonly Dictionary<string, List<IApplicationEvent>> _apps = new(StringComparer.Ordinal);
    private readonly List<string> _steps = [];
    private readonly Dictionary<string, NoticeState> _notices = new(StringComparer.Ordinal);

    private CycleState Cycle => CycleState.Fold(_cycle);

    private ApplicationState App(string id) => ApplicationState.Fold(_apps[id]);

    private void DecideCycle(ICycleCommand command, DateTimeOffset now)
    {
        var winners = _apps.Where(a => Cycle.ProposedWinners.Any(w => w.ApplicationId == a.Key)).ToDictionary(a => a.Key, a => ApplicationState.Fold(a.Value));
        var decision = CycleDecider.Decide(command, Cycle, new CycleContext(now, Actors.Office, [], _notices, winners));
        Assert.False(decision.IsRefused, $"{command.GetType().Name}: {decision}");
        _cycle.AddRange(decision.Events);
        CheckInvariants($"cycle {command.GetType().Name}");
    }

    private void DecideApp(string id, IApplicationCommand command, Actor actor, DateTimeOffset now)
    {
        var events = _apps.TryGetValue(id, out var existing) ? existing : _apps[id] = [];
        var context = new ApplicationContext(Cycle, WorkingDayCalendar.MainlandChina, ApplicantHistory.Empty, actor, now);
        var decision = ApplicationDecider.Decide(command, ApplicationState.Fold(events), context);
        Assert.False(decision.IsRefused, $"{id} {command.GetType().Name}: {decision}");
        events.AddRange(decision.Events);
        CheckInvariants($"{id} {command.GetType().Name}");
    }

    private void DecideNotice(string noticeId, INoticeCommand command, DateTimeOffset now)
    {
        var state = _notices.GetValueOrDefault(noticeId) ?? NoticeState.Initial;
        var decision = NoticeDecider.Decide(command, state, new NoticeContext(now, WorkingDayCalendar.MainlandChina, Actors.Office));
        Assert.False(decision.IsRefused, $"{command.GetType().Name}: {decision}");
        _notices[noticeId] = decision.Events.Aggregate(state, NoticeState.Evolve);
    }

    /// <summary>What must hold after every step, whatever the step.</summary>
    private void CheckInvariants(string step)
    {
        _steps.Add(step);
        var cycle = Cycle;

        // Quotas are never exceeded, counted as §6 groups them (units and individuals apart).
        Assert.True(Quotas.Check(_policy, cycle.ProposedWinners).Count == 0, $"after {step}: proposed winners over quota");
        foreach (var line in _policy.Quotas)
        {
            var awarded = _apps.Values.Select(ApplicationState.Fold)
                .Count(a => a.Status == ApplicationStatus.Awarded && a.Award!.Tier == line.Tier && line.Categories.Contains(a.Category));
            Assert.True(awarded <= line.Max, $"after {step}: {awarded} awarded over the {line.Max} of {line.Article}");
        }

        foreach (var (id, events) in _apps)
        {
            var state = ApplicationState.Fold(events);

            // Stage order: each stage entered comes later in the policy than the one before, and applies.
            var entered = events.OfType<StageEntered>().Select(e => e.StageIndex).ToList();
            Assert.True(entered.Zip(entered.Skip(1)).All(p => p.Second > p.First), $"after {step}: {id} went back a stage ({string.Join(",", entered)})");
            Assert.All(events.OfType<StageEntered>(), e => Assert.Equal(_policy.Stages[e.StageIndex].Kind, e.Stage));
            Assert.True(state.Status != ApplicationStatus.Draft || state.Stage is null, $"after {step}: {id} is a draft in a stage");
            Assert.True(state.Status == ApplicationStatus.Draft || state.SubmittedAt is not null, $"after {step}: {id} left the draft without submission");

            // Nothing is recognised that the government has not announced.
            if (state.Status == ApplicationStatus.Awarded)
            {
                Assert.Contains(cycle.Announcement!.Winners, w => w.ApplicationId == id);
                Assert.Equal(_policy.Stage(StageKind.Approval)!.Approvals!.Select(a => a.Code), state.ApprovalsGranted);
            }
        }
    }

    [Fact]
    public void Scenario_SixUnitsApply_FiveAreRecognised_WithTheInvariantsHoldingAfterEveryStep()
    {
        var ids = Enumerable.Range(1, 6).Select(i => $"app-unit-{i}").ToList();
        var owners = ids.ToDictionary(id => id, id => new Actor($"owner-{id}", Roles.Applicant));
        var form = Forms.Valid(_policy, ApplicantCategory.Organisation);
        var recommender = Actors.RecommenderIn(_policy.City.Code, form.RecommenderId);
        var office = Actors.Office;

        DecideCycle(new OpenCycle("weihai-2026", _policy, 2026, "2026年度威海市市长质量奖认定", Dates.OpensOn, Dates.ClosesOn, false), Dates.At(2026, 2, 1));

        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            var owner = owners[id];
            DecideApp(id, new CreateDraft(id, ApplicantCategory.Organisation), owner, Dates.InWindow);
            DecideApp(id, new SaveDraft(form with { Name = $"示例单位{i + 1}" }), owner, Dates.InWindow);
            DecideApp(id, new AttachDocument(Forms.SelfAssessment), owner, Dates.InWindow);
            DecideApp(id, new Submit(), owner, Dates.InWindow.AddMinutes(i));
            DecideApp(id, new Recommend("同意推荐", null), recommender, Dates.InWindow.AddDays(5));
        }

        DecideCycle(new CloseSubmissions(), Dates.WindowClosed);

        var review = Dates.Review;
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            DecideApp(id, new RecordOpinionSurvey(true, "未发现负面舆情"), office, review);
            DecideApp(id, new Accept(null), office, review);
            DecideApp(id, new RecordStageScore(StageKind.MaterialReview, 800m - (i * 10), null), office, review);
            DecideApp(id, new RecordStageScore(StageKind.SiteReview, 800m - (i * 10), null), office, review);
            DecideApp(id, new RecordStageScore(StageKind.Presentation, 800m - (i * 10), null), office, review);
            DecideApp(id, new ComputeComposite([]), office, review);
            Assert.Equal(StageKind.CompositeEvaluation, App(id).Stage);
        }

        var composite = ids.Select(id => new ScoredApplication(id, ApplicantCategory.Organisation, App(id).Composite!.Score, App(id).SubmittedAt!.Value, [])).ToList();
        DecideCycle(new NominateCandidates(composite, ids.ToDictionary(id => id, _ => AwardTier.Recognition), new HashSet<string>()), review);
        foreach (var candidate in Cycle.Candidates!.Candidates)
        {
            DecideApp(candidate.ApplicationId, new ApplyCandidacy(candidate.Tier, candidate.Rank), office, review);
        }

        // §15: the candidate list is published for exactly 5 working days, then the leading group decides.
        var noticeId = NoticeId.For(Domain.CycleId.Parse("weihai-2026").Value, NoticeList.Candidates).Value;
        var stage = _policy.Stages.First(s => s.Kind == StageKind.PublicNotice);
        DecideNotice(noticeId, new OpenNotice(noticeId, "weihai-2026", stage, "认定候选名单公示", [.. ids.Select(id => new NoticeEntry(id, id, ApplicantCategory.Organisation, "环翠区", AwardTier.Recognition))], ShanghaiTime.DateOf(review), 5, true), review);
        DecideCycle(new RecordNoticePublished(noticeId, NoticeList.Candidates), review);

        // While the notice runs the leading group may not decide (§15: 公示结束后，提交…审议).
        Then.Refused(CycleDecider.Decide(new ProposeWinners([], null, "纪要"), Cycle, new CycleContext(review.AddDays(3), Actors.Office, [], _notices)), "cycle.notice-open", RefusalKind.Rule);
        DecideNotice(noticeId, new CloseNotice(), _notices[noticeId].Opened!.ClosesAt);
        foreach (var id in ids)
        {
            DecideApp(id, new PassNotice(noticeId, NoticeList.Candidates), office, review.AddDays(8));
        }

        var chosen = ids.Take(5).ToList();
        DecideCycle(new ProposeWinners([.. chosen.Select(id => Scored.Winner(id, AwardTier.Recognition))], null, "领导小组会议纪要"), review.AddDays(10));
        Assert.Equal(["app-unit-6"], Cycle.Deliberation!.NotChosen);

        foreach (var id in chosen)
        {
            DecideApp(id, new ApplyProposal(AwardTier.Recognition), office, review.AddDays(10));
            DecideApp(id, new GrantApproval("city-government", "市政府常务会议纪要〔2026〕20号"), office, Dates.Awarding);
        }

        DecideApp("app-unit-6", new MarkNotSelected("领导小组审议未通过"), office, review.AddDays(10));

        DecideCycle(new AnnounceAwards("威政字〔2026〕30号", Dates.AwardedOn), Dates.Awarding);
        foreach (var id in chosen)
        {
            DecideApp(id, new ConferAward("威政字〔2026〕30号", Dates.AwardedOn), office, Dates.Awarding);
        }

        Assert.All(chosen, id => Assert.Equal(ApplicationStatus.Awarded, App(id).Status));
        Assert.Equal(ApplicationStatus.NotSelected, App("app-unit-6").Status);
        Assert.Equal(5, Cycle.Announcement!.Winners.Count);

        // A sixth place does not exist: the quota is the rule, not the list's length.
        var sixth = CycleDecider.Decide(
            new ProposeWinners([.. ids.Select(id => Scored.Winner(id, AwardTier.Recognition))], null, "纪要"),
            CycleState.Fold(_cycle.Where(e => e is not WinnersProposed and not AwardsAnnounced)),
            new CycleContext(Dates.Awarding, Actors.Office, [], _notices));
        Then.Refused(sixth, "award.quota-exceeded", RefusalKind.Rule);
        Assert.Equal(100, _steps.Count); // every step above was followed by the invariant check
    }
}
