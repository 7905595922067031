using QualityAward.Domain.Awards;
using QualityAward.Domain.Calendar;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Notices;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Review;

namespace QualityAward.Domain.Applications;

/// <summary>What a step does to the application.</summary>
public enum StepEffect
{
    /// <summary>The process's own next step (it may end the application, as its rules say: not shortlisted, not chosen, an objection upheld).</summary>
    Advances,

    /// <summary>The step waits for time: it can be given from <see cref="NextStep.NotBefore"/> on.</summary>
    Waits,

    /// <summary>A correction by the office, with its reason, that makes the next step possible again.</summary>
    Corrects,

    /// <summary>Ends the application outside the process's order: the applicant withdraws, the office disqualifies.</summary>
    Ends,
}

/// <summary>
/// A command that moves the application on: its name (the command record's), the role that gives it,
/// the one person it is for when only one may give it (the reviewer, the team leader, the
/// recommending body), from when, and what it acts on when that is not the application itself
/// (<see cref="Target"/>: the notice's id, the stage to go back to, the cycle decision to withdraw).
/// </summary>
public sealed record NextStep(string Command, string Role, string? By, StepEffect Effect, string Zh, string En, DateTimeOffset? NotBefore = null, string? Target = null);

/// <summary>
/// Where an application stands: ended or not, what it waits for (a stable code and words), the
/// commands that can move it on, since when it waits and whether that is past what its stage
/// expects (<see cref="DueAt"/>, where the policy gives the stage a length).
/// </summary>
public sealed record Standing(
    string ApplicationId,
    ApplicationStatus Status,
    StageKind? Stage,
    bool Ended,
    string WaitsFor,
    string Zh,
    string En,
    IReadOnlyList<NextStep> Steps,
    DateTimeOffset? Since,
    DateTimeOffset? DueAt,
    bool Overdue);

/// <summary>
/// Everything the standing of an application depends on: its own state, its cycle's, the cycle's
/// review, the notices the cycle published (by id), the cycle's other applications (by id; at
/// least the proposed winners: the announcement waits for all of them), the time, and the
/// calendar for stages whose length the policy counts in working days.
/// </summary>
public sealed record ProgressInput(
    ApplicationState Application,
    CycleState Cycle,
    ReviewState Review,
    IReadOnlyDictionary<string, NoticeState> Notices,
    IReadOnlyDictionary<string, ApplicationState> Applications,
    DateTimeOffset Now,
    WorkingDayCalendar Calendar);

/// <summary>
/// No dead ends (issue 16): for any application, whether it has ended, what it waits for and
/// which commands, by whom, can move it on. Pure; the office's worklist is built from it. Every
/// step listed as <see cref="StepEffect.Advances"/>, <see cref="StepEffect.Corrects"/> or
/// <see cref="StepEffect.Ends"/> is one its decider accepts now (the model test holds it to that).
/// </summary>
public static class Progress
{
    /// <summary>
    /// The status people read (zh-CN). An application in process shows what it waits for, by the
    /// stage it stands at as <see cref="Of"/> reads it, in the policy's own words: 待推荐 while its
    /// recommender has it, then 待资格审查 / 待初步审查 / 待形式审查 …, 征求意见中, a notice's
    /// 受理名单公示中, 待材料评审 …, never a generic 评审中. Otherwise the status's own name (已获奖, 不予受理 …).
    /// </summary>
    public static string StatusZh(ApplicationState app, AwardPolicy policy)
    {
        if (app.Status != ApplicationStatus.InProcess || app.Stage is not { } kind)
        {
            return ApplicationDecider.StatusZh(app.Status);
        }

        var title = policy.TitleAt(app.StageIndex, kind);
        return kind switch
        {
            StageKind.Recommendation => "待推荐",
            StageKind.Consultation => "征求意见中",
            StageKind.PublicNotice => $"{title}中",
            _ => $"待{title}",
        };
    }

    /// <summary>
    /// Whether <see cref="Of"/> reads <see cref="ProgressInput.Review"/> for this application: only
    /// in process at a panel stage (材料评审, 现场评审, 陈述答辩: panels, scores, reports). Elsewhere a
    /// caller may pass <see cref="ReviewState.Initial"/> and get the same standing (the model test
    /// holds it to that), and spare the read of the cycle's review.
    /// </summary>
    public static bool ReadsReview(ApplicationState app, CycleState cycle) =>
        app.Status == ApplicationStatus.InProcess
        && app.StageIndex < cycle.Policy.Stages.Count
        && ReviewDecider.IsPanelStage(cycle.Policy.Stages[app.StageIndex].Kind);

    public static Standing Of(ProgressInput input)
    {
        var app = input.Application;
        var steps = new List<NextStep>();
        var since = app.StageEnteredAt ?? app.SubmittedAt ?? app.CreatedAt;

        if (!app.Exists)
        {
            return new Standing(app.ApplicationId, app.Status, null, true, "application.not-found", "申报不存在。", "No such application.", [], null, null, false);
        }

        if (app.Status == ApplicationStatus.Draft)
        {
            return Draft(input);
        }

        if (app.Status is ApplicationStatus.NotShortlisted or ApplicationStatus.NotSelected && Reinstatable(input) is { } back)
        {
            return new Standing(app.ApplicationId, app.Status, app.Stage, false, "application.decision-withdrawn",
                "结束该申报的评选决定已撤回，申报应恢复评审。", "The decision that ended the application was withdrawn: it comes back.",
                [back], since, null, false);
        }

        if (app.Status != ApplicationStatus.InProcess)
        {
            return new Standing(app.ApplicationId, app.Status, app.Stage, true, $"application.{app.Status.ToString().ToLowerInvariant()}",
                $"该申报已结束（{ApplicationDecider.StatusZh(app.Status)}）。", $"The application has ended ({app.Status}).", [], since, null, false);
        }

        var stage = input.Cycle.Policy.Stages[app.StageIndex];
        if (BackToWithdrawnDecision(input) is { } target)
        {
            steps.Add(Step(nameof(ReopenStage), Roles.System, $"退回“{input.Cycle.Policy.TitleOf(target)}”环节（本届{CycleDecider.DecisionZh(ApplicationDecider.DecisionAt(target))}已撤回）", $"Return to {target} (the cycle's decision there was withdrawn)", StepEffect.Corrects, target: target.ToString()));
            steps.Add(Step(nameof(Disqualify), Roles.Office, "取消资格（说明理由）", "Disqualify, with the reason", StepEffect.Ends));
            return new Standing(app.ApplicationId, app.Status, stage.Kind, false, "application.decision-withdrawn",
                $"本届{CycleDecider.DecisionZh(ApplicationDecider.DecisionAt(target))}已撤回，该申报应退回“{input.Cycle.Policy.TitleOf(target)}”环节。", $"The {ApplicationDecider.DecisionAt(target)} decision was withdrawn: the application returns to {target}.",
                steps, since, null, false);
        }

        var (code, zh, en, due) = stage.Kind switch
        {
            StageKind.Recommendation => Recommendation(input, steps),
            StageKind.Consultation => Consultation(input, stage, steps),
            StageKind.FormalReview => Simple(steps, [Step(nameof(Accept), Roles.Office, "受理", "Accept"), Step(nameof(Refuse), Roles.Office, "不予受理（说明理由）", "Refuse, with the reason")], "application.formal-review", $"等待评审办公室{stage.TitleOrKind()}（{stage.Article}）。", "Waits for the office's formal review."),
            StageKind.PublicNotice => Notice(input, stage, steps),
            StageKind.OpinionSurvey => Simple(steps, Step(nameof(RecordOpinionSurvey), Roles.Office, "记录舆情调查结果", "Record the opinion survey"), "application.opinion-survey", "等待评审办公室记录舆情调查结果。", "Waits for the office to record the opinion survey."),
            StageKind.MaterialReview or StageKind.SiteReview or StageKind.Presentation => Panel(input, stage, steps),
            StageKind.CustomerSatisfaction => Simple(steps, Step(nameof(RecordStageScore), Roles.Office, "导入第三方顾客满意度测评结果", "Import the third party's satisfaction index"), "application.satisfaction", "等待第三方顾客满意度测评结果。", "Waits for the third party's satisfaction index."),
            StageKind.CompositeEvaluation => Composite(input, steps),
            StageKind.Deliberation => Deliberation(input, steps),
            StageKind.Approval => Approval(input, stage, steps),
            _ => throw new InvalidOperationException($"An application never stands at {stage.Kind}."),
        };

        if (app.OpenAdverseRecords.Count > 0)
        {
            var departments = string.Join("、", app.OpenAdverseRecords.Select(r => DepartmentNames.Zh(r.Department)));
            steps.Add(Step(nameof(DismissAdverseRecord), Roles.Office, $"处理{departments}反馈的不良记录（不影响的，说明理由予以排除）", "Decide on the adverse record (dismiss it with a reason where it does not stop the application)", StepEffect.Corrects));
            if (stage.Kind is StageKind.Consultation or StageKind.FormalReview or StageKind.PublicNotice)
            {
                // These refuse while a record is open (the office decides on it first).
                steps.RemoveAll(s => s.Command is nameof(ConcludeConsultation) or nameof(Accept) or nameof(PassNotice));
                (code, zh, en) = ("application.adverse-record-open", $"{departments}反馈了不良记录，须由办公室作出处理决定。", "A department reported an adverse record: the office must decide on it.");
            }
        }

        if (stage.Kind != StageKind.Approval)
        {
            steps.Add(Step(nameof(Withdraw), Roles.Applicant, "申报者撤回申报", "The applicant withdraws", StepEffect.Ends, app.OwnerSubject));
        }

        steps.Add(Step(nameof(Disqualify), Roles.Office, "取消资格（说明理由）", "Disqualify, with the reason", StepEffect.Ends));
        var ordered = steps.DistinctBy(s => (s.Command, s.Role, s.By, s.Effect)).OrderBy(s => s.Effect).ToList();
        return new Standing(app.ApplicationId, app.Status, stage.Kind, false, code, zh, en, ordered, since, due, due is { } d && input.Now > d);
    }

    private static NextStep Step(string command, string role, string zh, string en, StepEffect effect = StepEffect.Advances, string? by = null, DateTimeOffset? notBefore = null, string? target = null) =>
        new(command, role, by, effect, zh, en, notBefore, target);

    private static (string, string, string, DateTimeOffset?) Simple(List<NextStep> steps, NextStep step, string code, string zh, string en) =>
        Simple(steps, [step], code, zh, en);

    private static (string, string, string, DateTimeOffset?) Simple(List<NextStep> steps, NextStep[] given, string code, string zh, string en)
    {
        steps.AddRange(given);
        return (code, zh, en, null);
    }

    /// <summary>
    /// The first decision stage the application has passed whose cycle decision was withdrawn (and
    /// not taken again): the application goes back there. Null when there is none, or it may not go back.
    /// </summary>
    private static StageKind? BackToWithdrawnDecision(ProgressInput input)
    {
        var app = input.Application;
        var policy = input.Cycle.Policy;
        for (var i = 0; i < app.StageIndex; i++)
        {
            var kind = policy.Stages[i].Kind;
            if (ApplicationDecider.IsDecisionStage(policy, kind)
                && StagePlan.Applies(policy.Stages[i], app.Category, app.Form.SectorFor(app.Category), app.SecurityFlagged)
                && input.Cycle.Withdrawn.Contains(ApplicationDecider.DecisionAt(kind)))
            {
                return ApplicationDecider.PermReopen(app, kind, ApplicationContextFor(input)) is null ? kind : null;
            }
        }

        return null;
    }

    private static Standing Draft(ProgressInput input)
    {
        var app = input.Application;
        var cycle = input.Cycle;
        if (cycle.Status == CycleStatus.Closed || cycle.SubmissionsClosed || input.Now >= cycle.SubmissionClosesAt)
        {
            return new Standing(app.ApplicationId, app.Status, null, true, "application.draft-lapsed",
                "申报已截止，草稿未提交。", "Submissions closed before the draft was submitted.", [], app.CreatedAt, null, false);
        }

        NextStep[] steps =
        [
            Step(nameof(Submit), Roles.Applicant, "填写完整并提交申报", "Complete and submit the application", StepEffect.Advances, app.OwnerSubject, cycle.SubmissionOpensAt > input.Now ? cycle.SubmissionOpensAt : null),
            Step(nameof(Withdraw), Roles.Applicant, "撤回草稿", "Withdraw the draft", StepEffect.Ends, app.OwnerSubject),
        ];
        return new Standing(app.ApplicationId, app.Status, null, false, "application.draft", "草稿，等待申报者提交。", "A draft: waits for the applicant to submit it.",
            steps, app.CreatedAt, cycle.SubmissionClosesAt, false);
    }

    /// <summary>An application a withdrawn decision had ended comes back where it ended.</summary>
    private static NextStep? Reinstatable(ProgressInput input)
    {
        var app = input.Application;
        var context = ApplicationContextFor(input);
        return ApplicationDecider.PermReopen(app, app.Stage!.Value, context) is null
            ? Step(nameof(ReopenStage), Roles.System, "恢复评审（所依据的决定已撤回）", "Bring it back (the decision was withdrawn)", StepEffect.Corrects, target: app.Stage.ToString())
            : null;
    }

    private static ApplicationContext ApplicationContextFor(ProgressInput input) =>
        new(input.Cycle, input.Calendar, Eligibility.ApplicantHistory.Empty, Actor.System, input.Now);

    private static CycleContext CycleContextFor(ProgressInput input) =>
        new(input.Now, Actor.System, [], input.Notices, input.Applications);

    private static (string, string, string, DateTimeOffset?) Recommendation(ProgressInput input, List<NextStep> steps)
    {
        var body = input.Application.Form.RecommenderId;

        // Who may act: the body of the application's city (RecommenderAuthority, as its affil claim says it).
        var authority = body is not null && input.Application.CityCode is { } city ? new RecommenderAuthority(city, body).ToString() : body;
        steps.Add(Step(nameof(Recommend), Roles.Recommender, "推荐单位签署推荐意见", "The recommending body recommends", StepEffect.Advances, authority));
        steps.Add(Step(nameof(DeclineRecommendation), Roles.Recommender, "推荐单位不予推荐（说明理由）", "The recommending body declines, with the reason", StepEffect.Advances, authority));
        return ("application.recommendation", $"等待推荐单位（{body}）初审推荐。", $"Waits for the recommending body ({body}).", null);
    }

    private static (string, string, string, DateTimeOffset?) Consultation(ProgressInput input, StageRule stage, List<NextStep> steps)
    {
        if (input.Application.OpenAdverseRecords.Count == 0)
        {
            steps.Add(Step(nameof(ConcludeConsultation), Roles.Office, "部门意见收齐后结束征求意见", "Conclude once the departments have answered"));
        }

        DateTimeOffset? due = null;
        if (stage.ReplyWorkingDays is { } days && input.Application.StageEnteredAt is { } entered
            && input.Calendar.AddWorkingDays(ShanghaiTime.DateOf(entered), days) is { IsOk: true } last)
        {
            due = ShanghaiTime.EndOf(last.Value);
        }

        return ("application.consultation", $"等待有关部门反馈意见（{stage.Article}）。", $"Waits for the departments' answers ({stage.Article}).", due);
    }

    private static (string, string, string, DateTimeOffset?) Notice(ProgressInput input, StageRule stage, List<NextStep> steps)
    {
        var app = input.Application;
        var list = stage.List!.Value;
        var rounds = input.Cycle.NoticesOf(list);
        var mine = rounds
            .Select(id => input.Notices.GetValueOrDefault(id))
            .Where(n => n is { Exists: true } && n.Opened!.Entries.Any(e => e.ApplicationId == app.ApplicationId))
            .Select(n => n!)
            .OrderBy(n => n.Opened!.At)
            .LastOrDefault();
        if (mine is null)
        {
            var round = rounds.Count + 1;
            var noticeId = NoticeId.For(Domain.CycleId.Parse(input.Cycle.CycleId).Value, list, round).Value;
            steps.Add(Step("OpenNotice", Roles.Office, round == 1 ? $"发布{list.Zh()}公示" : $"发布{list.Zh()}补充公示（第{round}轮）", round == 1 ? $"Publish the {list.Slug()} list" : $"Publish a supplementary {list.Slug()} notice (round {round})", target: noticeId));
            return ("notice.not-published", $"等待发布{list.Zh()}公示（{stage.Article}）。", $"Waits for the {list.Slug()} notice to be published ({stage.Article}).", null);
        }

        var opened = mine.Opened!;
        if (mine.IsClosed)
        {
            if (mine.Closed!.Remaining.Any(e => e.ApplicationId == app.ApplicationId))
            {
                if (app.OpenAdverseRecords.Count == 0)
                {
                    steps.Add(Step(nameof(PassNotice), Roles.System, "公示期满，进入下一环节", "The notice is over: move on", target: opened.NoticeId));
                }

                return ("notice.passed", "公示已结束，等待进入下一环节。", "The notice is over: the application moves on.", null);
            }

            steps.Add(Step(nameof(Disqualify), Roles.System, "公示期间异议经调查属实，取消资格", "An objection was upheld: disqualify"));
            return ("notice.objection-upheld", "公示期间异议经调查属实，等待取消资格。", "An objection to the notice was upheld.", null);
        }

        var open = mine.Objections.Count(o => o.IsOpen);
        if (open > 0)
        {
            steps.Add(Step("RecordObjectionFinding", Roles.Office, $"调查核实{open}件异议并记录结论", $"Investigate the {open} open objections and record the findings", target: opened.NoticeId));
            return ("notice.objections-open", $"公示中尚有{open}件异议待调查处理。", $"{open} objections to the notice are open.", opened.ClosesAt);
        }

        if (input.Now < opened.ClosesAt)
        {
            steps.Add(Step("CloseNotice", Roles.System, $"公示期满（{opened.LastDay:yyyy年M月d日}）后结束公示", $"Close the notice after {opened.LastDay:yyyy-MM-dd}", StepEffect.Waits, notBefore: opened.ClosesAt, target: opened.NoticeId));
            return ("notice.running", $"公示期至{opened.LastDay:yyyy年M月d日}（{opened.WorkingDays}个工作日）。", $"The notice runs until the end of {opened.LastDay:yyyy-MM-dd}.", opened.ClosesAt);
        }

        steps.Add(Step("CloseNotice", Roles.System, "公示期已满，结束公示", "The period is over: close the notice", target: opened.NoticeId));
        return ("notice.due-to-close", "公示期已满，等待结束公示。", "The period is over: the notice waits to be closed.", opened.ClosesAt);
    }

    private static (string, string, string, DateTimeOffset?) Panel(ProgressInput input, StageRule stage, List<NextStep> steps)
    {
        var app = input.Application;
        var id = app.ApplicationId;
        var review = input.Review;
        var policy = input.Cycle.Policy;
        if (app.Scores.ContainsKey(stage.Kind) && stage.Shortlist)
        {
            // Scored: a material review with a shortlist waits here for the cycle's shortlist.
            return Cohort(input, CycleDecision.Shortlist, steps);
        }

        if (!review.Assignments.ContainsKey((id, stage.Kind)))
        {
            steps.Add(Step(nameof(AssignPanel), Roles.Office, $"为“{stage.TitleOrKind()}”分配评审组", $"Assign a panel for {stage.Kind}"));
            if (stage.ByThirdParty)
            {
                steps.Add(Step(nameof(RecordStageScore), Roles.Office, "记录受委托第三方的评审得分", "Record the commissioned third party's score"));
            }

            return ("review.not-assigned", $"等待分配“{stage.TitleOrKind()}”评审组。", $"Waits for a panel for {stage.Kind}.", null);
        }

        if (review.Reports.TryGetValue((id, stage.Kind), out var report))
        {
            steps.Add(Step(nameof(RecordStageScore), Roles.System, $"记录评审组报告的得分（{report.Points}）", $"Record the signed report's score ({report.Points})"));
            return ("review.report-signed", "评审组报告已签署，等待记录得分。", "The report is signed: its score waits to be recorded.", null);
        }

        var panel = review.PanelFor(id, stage.Kind)!;
        foreach (var expert in review.PendingFor(id, stage.Kind))
        {
            steps.Add(Step(nameof(DecideRecusal), Roles.Office, $"决定{expert}是否回避", $"Decide whether {expert} is recused"));
        }

        var active = review.ActiveMembers(id, stage.Kind);
        var missing = active.Where(m => !review.HasSubmitted(id, stage.Kind, m)).ToList();
        foreach (var expert in missing)
        {
            steps.Add(Step(nameof(SubmitReviewScore), Roles.Reviewer, review.Reopened.Contains((id, stage.Kind, expert)) ? "复评组长退回的条款" : "独立评分", review.Reopened.Contains((id, stage.Kind, expert)) ? "Score again the items sent back" : "Score independently", StepEffect.Advances, expert));
        }

        var minimum = policy.Scoring.MinimumPanelScores;
        var tooFew = active.Count < minimum;
        var leaderRecused = review.IsRecused(id, panel.Leader);
        if (tooFew)
        {
            steps.Add(Step(nameof(AddPanelMember), Roles.Office, "增补评审员（说明理由）", "Add a member, with the reason", StepEffect.Corrects));
            steps.Add(Step(nameof(ReplacePanelMember), Roles.Office, "更换评审员（说明理由）", "Replace a member, with the reason", StepEffect.Corrects));
        }

        if (leaderRecused && stage.TeamLeader)
        {
            if (active.Count > 0)
            {
                steps.Add(Step(nameof(AppointTeamLeader), Roles.Office, $"另行指定组长（{stage.Article}）", $"Appoint another team leader ({stage.Article})", StepEffect.Corrects));
            }
            else
            {
                steps.Add(Step(nameof(ReplacePanelMember), Roles.Office, "更换评审员（说明理由）", "Replace a member, with the reason", StepEffect.Corrects));
            }
        }

        if (tooFew || (leaderRecused && stage.TeamLeader))
        {
            steps.Add(Step(nameof(ReassignPanel), Roles.Office, "改派其他评审组（说明理由）", "Give the stage to another panel, with the reason", StepEffect.Corrects));
        }

        if (ReviewDecider.PermSign(review, id, stage.Kind, policy) is null && !(leaderRecused && stage.TeamLeader))
        {
            steps.Add(leaderRecused
                ? Step(nameof(SignPanelReport), Roles.Office, "签署评审组报告（组长已回避）", "Sign the panel report (the leader is recused)")
                : Step(nameof(SignPanelReport), Roles.Reviewer, "组长签署评审组报告", "The team leader signs the report", StepEffect.Advances, panel.Leader));
        }

        if (review.PendingFor(id, stage.Kind).Count > 0)
        {
            return ("review.conflict-pending", "有利益冲突提示或回避建议待评审办公室决定。", "A conflict flag or recusal proposal awaits the office.", null);
        }

        if (missing.Count > 0)
        {
            return ("review.scores-missing", $"等待{string.Join("、", missing)}评分。", $"Waits for the scores of {string.Join(", ", missing)}.", null);
        }

        if (tooFew)
        {
            return ("review.too-few-scores", $"未回避的评审员只有{active.Count}名，本政策至少需要{minimum}名。", $"Only {active.Count} reviewers are not recused; the policy needs {minimum}.", null);
        }

        return leaderRecused && stage.TeamLeader
            ? ("review.leader-recused", $"组长{panel.Leader}已回避，须另行指定组长（{stage.Article}）。", $"The team leader {panel.Leader} is recused: appoint another ({stage.Article}).", null)
            : ("review.report", "评分已齐，等待签署评审组报告。", "The scores are in: the report waits to be signed.", null);
    }

    private static (string, string, string, DateTimeOffset?) Composite(ProgressInput input, List<NextStep> steps)
    {
        if (input.Application.Composite is null)
        {
            steps.Add(Step(nameof(ComputeComposite), Roles.Office, "计算综合评价得分", "Compute the composite score"));
            return ("application.composite", "等待计算综合评价得分。", "Waits for the composite score.", null);
        }

        return Cohort(input, CycleDecision.Candidates, steps);
    }

    private static (string, string, string, DateTimeOffset?) Deliberation(ProgressInput input, List<NextStep> steps) =>
        Cohort(input, CycleDecision.Winners, steps);

    /// <summary>Where the cycle decides for everyone at once: the decision to take, or this application's part of it.</summary>
    private static (string, string, string, DateTimeOffset?) Cohort(ProgressInput input, CycleDecision decision, List<NextStep> steps)
    {
        var app = input.Application;
        var cycle = input.Cycle;
        var id = app.ApplicationId;
        if (!CycleDecider.Stands(cycle, decision))
        {
            var (command, role, zh, en, guard) = decision switch
            {
                CycleDecision.Shortlist => (nameof(DecideCycleShortlist), Roles.Office, "按材料评审得分确定现场评审名单", "Decide the shortlist by material score", CycleDecider.PermReviewAfterAcceptanceNotice(cycle, CycleContextFor(input))),
                CycleDecision.Candidates => (nameof(NominateCandidates), Roles.Office, "按综合得分提出候选名单", "Nominate the candidates by composite score", null),
                _ => (nameof(ProposeWinners), CycleDecider.DeliberatingRole(cycle.Policy), $"{cycle.Policy.Stage(StageKind.Deliberation)?.Body}审议，形成获奖建议名单", "The deciding body decides the proposed winners", CycleDecider.PermDeliberateAfterCandidatesNotice(cycle, CycleContextFor(input))),
            };
            if (decision == CycleDecision.Shortlist && !cycle.SubmissionsClosed)
            {
                guard = Refusal.Rule("cycle.window-still-open", "申报尚未截止。", "Submissions are still open.");
            }

            steps.Add(Step(command, role, zh, en, guard is null ? StepEffect.Advances : StepEffect.Waits));
            if (guard is not null && ListBefore(decision) is { } list)
            {
                NoticeSteps(input, list, steps);
            }

            return guard is null
                ? ($"cycle.{decision.ToString().ToLowerInvariant()}", $"等待{CycleDecider.DecisionZh(decision)}。", $"Waits for the {decision} decision.", null)
                : (guard.Code, guard.Zh, guard.En, null);
        }

        var (chosen, left) = decision switch
        {
            CycleDecision.Shortlist => (cycle.Shortlist!.Shortlisted.Any(x => x.ApplicationId == id), cycle.Shortlist.NotShortlisted.Any(x => x.ApplicationId == id)),
            CycleDecision.Candidates => (cycle.Candidates!.Candidates.Any(x => x.ApplicationId == id), cycle.Candidates.NotNominated.Any(x => x.ApplicationId == id)),
            _ => (cycle.ProposedWinners.Any(x => x.ApplicationId == id), cycle.Deliberation!.NotChosen.Contains(id)),
        };
        if (chosen || left)
        {
            var command = decision switch
            {
                CycleDecision.Shortlist => nameof(ApplyShortlistDecision),
                CycleDecision.Candidates => chosen ? nameof(ApplyCandidacy) : nameof(MarkNotSelected),
                _ => chosen ? nameof(ApplyProposal) : nameof(MarkNotSelected),
            };
            steps.Add(Step(command, Roles.System, $"按本届{CycleDecider.DecisionZh(decision)}处理该申报", $"Apply the cycle's {decision} decision"));
            return ("cycle.decided", $"本届{CycleDecider.DecisionZh(decision)}已作出，等待对该申报执行。", $"The {decision} decision is taken: it waits to be applied.", null);
        }

        // The cycle decided without this application (it arrived late): the office withdraws the latest decision to take it again, or ends it.
        var latest = Enum.GetValues<CycleDecision>().Last(d => CycleDecider.Stands(cycle, d));
        if (CycleDecider.PermWithdrawDecision(cycle, latest, new Actor("office", Roles.Office)) is null)
        {
            steps.Add(Step(nameof(WithdrawCycleDecision), Roles.Office, $"撤回{CycleDecider.DecisionZh(latest)}后重新作出（说明理由）", $"Withdraw the {latest} decision and take it again, with the reason", StepEffect.Corrects, target: latest.ToString()));
        }

        return ("cycle.decided-without-it", $"本届{CycleDecider.DecisionZh(decision)}作出时未包括该申报。", $"The {decision} decision was taken without this application.", null);
    }

    /// <summary>The list whose notice a cohort decision waits for.</summary>
    private static NoticeList? ListBefore(CycleDecision decision) => decision switch
    {
        CycleDecision.Shortlist => NoticeList.Acceptance,
        CycleDecision.Winners => NoticeList.Candidates,
        _ => null,
    };

    /// <summary>What moves the list's unclosed notices on: findings on open objections, then the close once the period is over.</summary>
    private static void NoticeSteps(ProgressInput input, NoticeList list, List<NextStep> steps)
    {
        foreach (var notice in input.Cycle.NoticesOf(list).Select(id => input.Notices[id]).Where(n => !n.IsClosed))
        {
            var opened = notice.Opened!;
            var open = notice.Objections.Count(o => o.IsOpen);
            steps.Add(open > 0
                ? Step("RecordObjectionFinding", Roles.Office, $"调查核实{list.Zh()}公示的{open}件异议并记录结论", $"Record the findings on the {open} open objections to the {list.Slug()} notice", target: opened.NoticeId)
                : input.Now < opened.ClosesAt
                    ? Step("CloseNotice", Roles.System, $"{list.Zh()}公示期满（{opened.LastDay:yyyy年M月d日}）后结束公示", $"Close the {list.Slug()} notice after {opened.LastDay:yyyy-MM-dd}", StepEffect.Waits, notBefore: opened.ClosesAt, target: opened.NoticeId)
                    : Step("CloseNotice", Roles.System, $"{list.Zh()}公示期已满，结束公示", $"The {list.Slug()} notice's period is over: close it", target: opened.NoticeId));
        }
    }

    private static (string, string, string, DateTimeOffset?) Approval(ProgressInput input, StageRule stage, List<NextStep> steps)
    {
        var app = input.Application;
        var cycle = input.Cycle;
        var next = stage.Approvals!.FirstOrDefault(s => !app.ApprovalsGranted.Contains(s.Code));
        if (next is not null)
        {
            steps.Add(Step(nameof(GrantApproval), Roles.Office, $"记录“{next.Title}”", $"Record '{next.Code}'", target: next.Code));
            return ("approval.pending", $"等待“{next.Title}”（{stage.Article}）。", $"Waits for '{next.Code}' ({stage.Article}).", null);
        }

        if (cycle.Announcement is null)
        {
            var guard = CycleDecider.PermAnnounceAfterWinnersNotice(cycle, CycleContextFor(input)) ?? CycleDecider.PermAnnounceAfterApprovals(cycle, CycleContextFor(input));
            steps.Add(Step(nameof(AnnounceAwards), Roles.Office, $"{stage.AnnouncedBy}公布获奖名单", "Announce the awards", guard is null ? StepEffect.Advances : StepEffect.Waits));
            if (guard is not null)
            {
                NoticeSteps(input, NoticeList.ProposedWinners, steps);
            }

            return guard is null
                ? ("cycle.announcement", $"等待{stage.AnnouncedBy}公布。", "Waits for the announcement.", null)
                : (guard.Code, guard.Zh, guard.En, null);
        }

        if (cycle.Announcement.Winners.Any(w => w.ApplicationId == app.ApplicationId))
        {
            steps.Add(Step(nameof(ConferAward), Roles.System, "按公布的名单授奖", "Confer the award as announced"));
            return ("cycle.announced", "获奖名单已公布，等待授奖。", "The awards are announced: the award waits to be conferred.", null);
        }

        return ("cycle.decided-without-it", "获奖名单公布时未包括该申报。", "The announcement did not include this application.", null);
    }
}
