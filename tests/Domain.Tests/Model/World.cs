using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Calendar;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Notices;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Review;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Model;

/// <summary>
/// One edition of the award as the deciders and folds make it, with the host's reactions played
/// by hand (a cycle decision carried to the applications, a signed report to the stage score, a
/// closed notice to the entries, a withdrawal to the applications it concerned). Every command
/// goes through its decider; a refusal changes nothing. States are immutable, so a copy of the
/// world is a copy of its dictionaries.
/// </summary>
public sealed class World
{
    public const string CycleIdValue = "model-2026";

    public static readonly WorkingDayCalendar Calendar = WorkingDayCalendar.MainlandChina;

    public static readonly Actor Office = new("office-1", Roles.Office, "评审办公室");

    public static readonly Actor Supervisor = new("supervisor-1", Roles.Supervisor, "监督组");

    public static readonly Actor Committee = new("committee-1", Roles.Committee, "评委会");

    public static readonly Actor Public = new("anonymous", "public", "匿名");

    /// <summary>The pool: twelve experts; exp-09 and exp-10 work for the applicants (same credit code, same name).</summary>
    public static readonly IReadOnlyList<string> Experts = [.. Enumerable.Range(1, 12).Select(i => $"exp-{i:D2}")];

    public World(AwardPolicy policy) => Policy = policy;

    private World(World w)
    {
        Policy = w.Policy;
        Now = w.Now;
        Cycle = w.Cycle;
        Review = w.Review;
        Pool = w.Pool;
        Apps = new(w.Apps, StringComparer.Ordinal);
        Notices = new(w.Notices, StringComparer.Ordinal);
        Owners = w.Owners;
        Stats = new ModelStats();
        Log = [];
        ReportsChecked = w.ReportsChecked;
    }

    public AwardPolicy Policy { get; }

    public DateTimeOffset Now { get; set; }

    public CycleState Cycle { get; private set; } = CycleState.Initial;

    public ReviewState Review { get; private set; } = ReviewState.Initial;

    public ExpertPoolState Pool { get; private set; } = ExpertPoolState.Initial;

    public Dictionary<string, ApplicationState> Apps { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, NoticeState> Notices { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Actor> Owners { get; private set; } = new(StringComparer.Ordinal);

    public ModelStats Stats { get; init; } = new();

    /// <summary>What happened in this sequence, for the failure message.</summary>
    public List<string> Log { get; private set; } = [];

    public int ReportsChecked { get; private set; }

    /// <summary>For each application, what its standing was when its steps were last given (see the model test).</summary>
    public Dictionary<string, (int, int, int, int, string, string)> Verified { get; } = new(StringComparer.Ordinal);

    public World Copy() => new(this);

    public DateOnly Today => ShanghaiTime.DateOf(Now);

    public string NoticeIdFor(NoticeList list, int round) => NoticeId.For(Domain.CycleId.Parse(CycleIdValue).Value, list, round).Value;

    /// <summary>The pool, the cycle, and <paramref name="categories"/> submitted applications; submissions closed.</summary>
    public void Open(IReadOnlyList<ApplicantCategory> categories)
    {
        foreach (var id in Experts)
        {
            var n = int.Parse(id[4..], System.Globalization.CultureInfo.InvariantCulture);
            var details = n switch
            {
                9 => new ExpertDetails(id, "某关联公司", Forms.CreditCodeValue, "卓越绩效", [], "电话"),
                10 => new ExpertDetails(id, "示例精密机械有限公司", null, "卓越绩效", [], "电话"),
                _ => new ExpertDetails(id, $"评审机构{n}", null, "卓越绩效", [], "电话"),
            };
            Pool = ExpertPoolDecider.Decide(new RegisterExpert(id, details), Pool, Office, Dates.At(2026, 1, 5)).Events.Aggregate(Pool, ExpertPoolState.Evolve);
        }

        Now = Dates.At(2026, 2, 1);
        Must(DoCycle(new OpenCycle(CycleIdValue, Policy, 2026, "模型评选", Dates.OpensOn, Dates.ClosesOn, true), Office), "open the cycle");
        Now = Dates.InWindow;
        Owners = new(StringComparer.Ordinal);
        for (var i = 0; i < categories.Count; i++)
        {
            var id = $"app-{i + 1:D2}";
            var owner = new Actor($"owner-{i + 1}", Roles.Applicant);
            Owners[id] = owner;
            Apps[id] = ApplicationState.Initial;
            Must(DoApp(id, new CreateDraft(id, categories[i]), owner), "draft");
            Must(DoApp(id, new SaveDraft(Forms.Valid(Policy, categories[i]) with { Name = $"示例单位{i + 1}" }), owner), "form");
            Must(DoApp(id, new AttachDocument(Forms.SelfAssessment), owner), "report");
            Now = Now.AddMinutes(7);
            Must(DoApp(id, new Submit(), owner), "submit");
        }

        Now = Dates.WindowClosed;
        Must(DoCycle(new CloseSubmissions(), Actor.System), "close submissions");
        Now = Dates.At(2026, 6, 2, 9);
    }

    /// <summary>The office registers another expert (the pool grows when every expert sits on the panel or is recused).</summary>
    public string AddExpert()
    {
        var id = $"exp-{Pool.Experts.Count + 1:D2}";
        Pool = ExpertPoolDecider.Decide(new RegisterExpert(id, new ExpertDetails(id, $"评审机构{id}", null, "卓越绩效", [], "电话")), Pool, Office, Now).Events.Aggregate(Pool, ExpertPoolState.Evolve);
        return id;
    }

    private void Must(Decision<IDomainEvent>? refused, string what)
    {
        if (refused is not null)
        {
            throw new InvalidOperationException($"Model set-up step '{what}' was refused: {refused}");
        }
    }

    // ---- commands: decide, append, react. Each returns null when accepted, else the refusing decision. ----

    public Decision<IDomainEvent>? DoApp(string id, IApplicationCommand command, Actor actor)
    {
        var decision = ApplicationDecider.Decide(command, Apps[id], new ApplicationContext(Cycle, Calendar, ApplicantHistory.Empty, actor, Now));
        return Record(decision, $"{id} {command.GetType().Name} by {actor.Role}", () =>
        {
            foreach (var e in decision.Events)
            {
                AppendApp(id, e);
            }
        });
    }

    public Decision<IDomainEvent>? DoCycle(ICycleCommand command, Actor actor)
    {
        var decision = CycleDecider.Decide(command, Cycle, new CycleContext(Now, actor, [], Notices, Apps));
        return Record(decision, $"cycle {command.GetType().Name} by {actor.Role}", () =>
        {
            foreach (var e in decision.Events)
            {
                AppendCycle(e);
            }
        });
    }

    public Decision<IDomainEvent>? DoReview(string? applicationId, IReviewCommand command, Actor actor)
    {
        var app = applicationId is not null && Apps.TryGetValue(applicationId, out var a) ? a : ApplicationState.Initial;
        var decision = ReviewDecider.Decide(command, Review, new ReviewContext(Policy, Pool, app, actor, Now));
        return Record(decision, $"review {command.GetType().Name} {applicationId} by {actor.Subject}", () =>
        {
            foreach (var e in decision.Events)
            {
                AppendReview(e);
            }
        });
    }

    public Decision<IDomainEvent>? DoNotice(string noticeId, INoticeCommand command, Actor actor)
    {
        var state = Notices.GetValueOrDefault(noticeId) ?? NoticeState.Initial;
        var decision = NoticeDecider.Decide(command, state, new NoticeContext(Now, Calendar, actor));
        return Record(decision, $"notice {noticeId} {command.GetType().Name} by {actor.Role}", () =>
        {
            foreach (var e in decision.Events)
            {
                AppendNotice(noticeId, e);
            }
        });
    }

    private Decision<IDomainEvent>? Record<TEvent>(Decision<TEvent> decision, string what, Action append)
        where TEvent : IDomainEvent
    {
        if (decision.IsRefused)
        {
            Log.Add($"  refused {what}: {decision.Refusal!.Code}");
            return Decision<IDomainEvent>.Refuse(decision.Refusal);
        }

        Log.Add($"{Now:MM-dd HH:mm} {what}: {string.Join(",", decision.Events.Select(e => e.GetType().Name))}");
        append();
        return null;
    }

    // ---- folds, invariants at the moment an event happens, and the host's reactions ----

    private void AppendApp(string id, IApplicationEvent e)
    {
        if (e is NoticePassed passed)
        {
            Check(Notices.GetValueOrDefault(passed.NoticeId)?.IsClosed == true, $"{id} passed notice {passed.NoticeId} before it closed");
        }

        var before = Apps[id];
        Apps[id] = ApplicationState.Evolve(before, e);
        switch (e)
        {
            case ApplicationDisqualified or ApplicationWithdrawn when Cycle.ProposedWinners.Any(w => w.ApplicationId == id):
                React(DoCycle(new RemoveProposedWinner(id, Apps[id].EndReason ?? "取消资格"), Actor.System));
                break;
            case ApplicationAwarded:
                Check(Cycle.Announcement?.Winners.Any(w => w.ApplicationId == id) == true, $"{id} awarded without being announced");
                break;
        }
    }

    private void AppendCycle(ICycleEvent e)
    {
        if (e is WinnersProposed)
        {
            Check(NoticesSettled(NoticeList.Candidates), "winners proposed while the candidates notice was not closed");
        }

        if (e is AwardsAnnounced)
        {
            Check(NoticesSettled(NoticeList.ProposedWinners), "awards announced while the proposed winners' notice was not closed");
        }

        Cycle = CycleState.Evolve(Cycle, e);
        switch (e)
        {
            case CycleShortlistDecided d:
                foreach (var x in d.Shortlisted)
                {
                    React(DoApp(x.ApplicationId, new ApplyShortlistDecision(true, x.Rank), Actor.System));
                }

                foreach (var x in d.NotShortlisted)
                {
                    React(DoApp(x.ApplicationId, new ApplyShortlistDecision(false, x.Rank), Actor.System));
                }

                break;
            case CandidatesNominated d:
                foreach (var x in d.Candidates)
                {
                    React(DoApp(x.ApplicationId, new ApplyCandidacy(x.Tier, x.Rank), Actor.System));
                }

                foreach (var x in d.NotNominated)
                {
                    React(DoApp(x.ApplicationId, new MarkNotSelected("未列入候选名单"), Actor.System));
                }

                break;
            case WinnersProposed d:
                foreach (var x in d.Winners)
                {
                    React(DoApp(x.ApplicationId, new ApplyProposal(x.Tier), Actor.System));
                }

                foreach (var x in d.NotChosen)
                {
                    React(DoApp(x, new MarkNotSelected("审议未列入获奖建议名单"), Actor.System));
                }

                break;
            case CycleDecisionWithdrawn d:
                var stage = d.Decision switch
                {
                    CycleDecision.Shortlist => StageKind.MaterialReview,
                    CycleDecision.Candidates => StageKind.CompositeEvaluation,
                    _ => StageKind.Deliberation,
                };
                // Only those still in the process go back, only those the decision ended come back (others left for their own reasons).
                foreach (var x in d.Returned.Where(x => Apps[x].Status == ApplicationStatus.InProcess))
                {
                    React(DoApp(x, new ReopenStage(stage, d.Reason), Actor.System));
                }

                foreach (var x in d.Reinstated.Where(x => Apps[x].Status is ApplicationStatus.NotShortlisted or ApplicationStatus.NotSelected))
                {
                    React(DoApp(x, new ReopenStage(Apps[x].Stage ?? stage, d.Reason), Actor.System));
                }

                break;
            case AwardsAnnounced d:
                foreach (var x in d.Winners)
                {
                    React(DoApp(x.ApplicationId, new ConferAward(d.Reference, d.AnnouncedOn), Actor.System));
                }

                break;
        }
    }

    private void AppendReview(IReviewEvent e)
    {
        if (e is PanelReportSigned report)
        {
            // No recused or replaced reviewer counted: the totals are the current members not recused, exactly.
            var active = Review.ActiveMembers(report.ApplicationId, report.Stage);
            Check(report.Totals.Keys.Order(StringComparer.Ordinal).SequenceEqual(active.Order(StringComparer.Ordinal)), $"report on {report.ApplicationId} counts [{string.Join(",", report.Totals.Keys)}], the active members are [{string.Join(",", active)}]");
            Check(report.Totals.Keys.All(x => !Review.IsRecused(report.ApplicationId, x)), $"report on {report.ApplicationId} counts a recused reviewer");
            Check(report.Totals.Count >= Policy.Scoring.MinimumPanelScores, $"report on {report.ApplicationId} rests on {report.Totals.Count} scores");
            ReportsChecked++;
        }

        Review = ReviewState.Evolve(Review, e);
        if (e is PanelReportSigned signed)
        {
            React(DoApp(signed.ApplicationId, new RecordStageScore(signed.Stage, signed.Points, "model"), Actor.System));
        }
    }

    private void AppendNotice(string noticeId, INoticeEvent e)
    {
        Notices[noticeId] = NoticeState.Evolve(Notices.GetValueOrDefault(noticeId) ?? NoticeState.Initial, e);
        var notice = Notices[noticeId];
        switch (e)
        {
            case NoticeOpened o:
                // Notices at least their working days, on the calendar.
                var stage = Policy.Stages.First(s => s.Kind == StageKind.PublicNotice && s.List == o.List);
                Check(o.WorkingDays >= stage.MinWorkingDays, $"notice {noticeId} of {o.WorkingDays} working days, the policy's minimum is {stage.MinWorkingDays}");
                Check(Calendar.WorkingDaysBetween(o.FirstDay, o.LastDay).Value == o.WorkingDays, $"notice {noticeId} from {o.FirstDay} to {o.LastDay} is not {o.WorkingDays} working days");
                break;
            case NoticeClosed c:
                Check(c.At >= notice.Opened!.ClosesAt, $"notice {noticeId} closed before its end");
                foreach (var entry in c.Remaining)
                {
                    React(DoApp(entry.ApplicationId, new PassNotice(noticeId, notice.Opened.List), Actor.System));
                }

                break;
            case NoticeEntryRemoved r:
                React(DoApp(r.ApplicationId, new Disqualify(DisqualificationGround.ObjectionUpheld, "公示期间异议经调查属实"), Actor.System));
                break;
        }
    }

    private bool NoticesSettled(NoticeList list) => Cycle.NoticesOf(list).All(id => Notices[id].IsClosed);

    /// <summary>
    /// The host logs a refused reaction; here the only reasons it may be refused are the ones the
    /// office then resolves through the standing's steps (an adverse record open when the notice
    /// closes), and an application that ended meanwhile (a notice's entries, a decision's lists
    /// are not told of a withdrawal).
    /// </summary>
    private void React(Decision<IDomainEvent>? refused)
    {
        if (refused is null)
        {
            return;
        }

        Stats.ReactionsRefused++;
        Check(refused.Refusal!.Code is "application.adverse-record-open" or "application.ended" or "application.not-in-process", $"a reaction was refused: {refused.Refusal}");
    }

    public void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new ModelViolation($"{Policy.Id}: {what}\n{string.Join("\n", Log.TakeLast(60))}");
        }
    }

    /// <summary>What must hold after every step.</summary>
    public void CheckInvariants()
    {
        // Quotas never exceeded: the proposed winners, and the awards, as the policy groups them.
        Check(Quotas.Check(Policy, Cycle.ProposedWinners).Count == 0, "the proposed winners exceed a quota");
        foreach (var line in Policy.Quotas)
        {
            var awarded = Apps.Values.Count(a => a.Status == ApplicationStatus.Awarded && a.Award!.Tier == line.Tier && line.Categories.Contains(a.Category));
            Check(awarded <= line.Max, $"{awarded} awarded over the {line.Max} of {line.Article}");
        }

        // No recused or replaced reviewer counted on work not yet reported on.
        foreach (var ((app, stage), assigned) in Review.Assignments)
        {
            if (Review.Reports.ContainsKey((app, stage)))
            {
                continue;
            }

            var panel = Review.Panels[assigned.PanelId];
            foreach (var key in Review.Scores.Keys.Where(k => k.App == app && k.Stage == stage))
            {
                Check(panel.Members.Contains(key.Expert), $"{key.Expert}'s score on {app} {stage} stays though not on the panel");
            }

            Check(Review.ActiveMembers(app, stage).All(m => !Review.IsRecused(app, m) && !panel.FormerMembers.Contains(m)), $"a recused or replaced reviewer counts on {app} {stage}");
        }

        // Every published notice at least its working days (checked as it opens) and every passing after its close (checked as it passes).
        foreach (var id in Cycle.Notices.Keys)
        {
            Check(Notices.ContainsKey(id), $"the cycle records notice {id}, which does not exist");
        }
    }
}

public sealed class ModelViolation(string message) : Exception(message);

public sealed class ModelStats
{
    public int Sequences { get; set; }

    public int Steps { get; set; }

    public int Accepted { get; set; }

    public int Refused { get; set; }

    public int ReactionsRefused { get; set; }

    public int StandingsChecked { get; set; }

    public int StandingsWithoutReview { get; set; }

    public int StepsVerified { get; set; }

    public int OnlyCorrectionsOrEndings { get; set; }

    public Dictionary<string, int> Outcomes { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> Commands { get; } = new(StringComparer.Ordinal);

    public void Count(Dictionary<string, int> into, string key) => into[key] = into.GetValueOrDefault(key) + 1;
}
