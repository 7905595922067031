using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Review;

/// <summary>
/// Expert review of a cycle: panels with a team leader, conflicts of interest and recusals,
/// independent scores on the policy's sheets, and the panel report the team leader signs. Pure.
/// </summary>
public static class ReviewDecider
{
    public const int MaxText = 2_000;

    public const int MaxPanelMembers = 30;

    /// <summary>The stages a panel scores on the policy's sheet.</summary>
    public static bool IsPanelStage(StageKind stage) => stage is StageKind.MaterialReview or StageKind.SiteReview or StageKind.Presentation;

    public static Decision<IReviewEvent> Decide(IReviewCommand command, ReviewState state, ReviewContext ctx) => command switch
    {
        FormPanel c => Form(c, state, ctx),
        AssignPanel c => Assign(c, state, ctx),
        DeclareConflict c => Declare(c, state, ctx),
        ProposeRecusal c => Propose(c, state, ctx),
        DecideRecusal c => DecideOn(c, state, ctx),
        SubmitReviewScore c => SubmitScore(c, state, ctx),
        RequestRescore c => Rescore(c, state, ctx),
        SignPanelReport c => Sign(c, state, ctx),
        RateReviewers c => Rate(c, state, ctx),
        RecordReviewerView c => View(c, state, ctx),
        AddPanelMember c => AddMember(c, state, ctx),
        ReplacePanelMember c => ReplaceMember(c, state, ctx),
        AppointTeamLeader c => AppointLeader(c, state, ctx),
        ReassignPanel c => Reassign(c, state, ctx),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name),
    };

    /// <summary>A reviewer's view of an application, recorded once per expert, application and Shanghai day.</summary>
    private static Decision<IReviewEvent> View(RecordReviewerView c, ReviewState state, ReviewContext ctx)
    {
        if (ctx.Actor.Role != Roles.Reviewer || !state.MayReview(c.ApplicationId, ctx.Actor.Subject))
        {
            return ApplicationNotFound();
        }

        return state.ViewsToday.Recorded(ctx.Actor.Subject, c.ApplicationId, ctx.Now)
            ? Decision<IReviewEvent>.Nothing
            : Decision<IReviewEvent>.Accept(new ApplicationViewedByReviewer(c.ApplicationId, ctx.Actor.Subject, ctx.Now));
    }

    // ---- permissions (can…/perm…) --------------------------------------------------------------

    /// <summary>May a reviewer score this application at this stage now? Null when yes.</summary>
    public static Refusal? PermScore(ReviewState state, string applicationId, StageKind stage, Actor actor, AwardPolicy policy)
    {
        if (actor.Role != Roles.Reviewer || !state.MayReview(applicationId, actor.Subject))
        {
            return ApplicationNotFound();
        }

        if (state.PanelFor(applicationId, stage) is not { } panel || !panel.Members.Contains(actor.Subject))
        {
            return Refusal.Forbidden("review.not-assigned", $"您不是该申报“{policy.TitleOf(stage)}”的评审员。", $"You are not a reviewer of this application at {stage}.");
        }

        if (state.Reports.ContainsKey((applicationId, stage)))
        {
            return Refusal.Rule("review.report-signed", "评审组报告已签署，评分不能再改。", "The panel report is signed; scores are final.");
        }

        return state.HasSubmitted(applicationId, stage, actor.Subject)
            ? Refusal.Rule("review.already-scored", "您已提交评分；组长要求复评时方可重新评分。", "You have scored already; you may score again only when the team leader sends items back.")
            : null;
    }

    /// <summary>
    /// May the actor see the panel's individual scores? The office and supervisors always; a
    /// member of the panel only after submitting their own (scores are independent).
    /// </summary>
    public static bool CanSeePanelScores(ReviewState state, string applicationId, StageKind stage, Actor actor) =>
        actor.Role is Roles.Office or Roles.Supervisor
        || (actor.Role == Roles.Reviewer
            && state.MayReview(applicationId, actor.Subject)
            && state.PanelFor(applicationId, stage)?.Members.Contains(actor.Subject) == true
            && (state.Scores.ContainsKey((applicationId, stage, actor.Subject)) || state.Reports.ContainsKey((applicationId, stage))));

    private static Refusal ApplicationNotFound() => Refusal.NotFound("application.not-found", "申报不存在。", "No such application.");

    private static Refusal OfficeOnly() => Refusal.Forbidden("application.office-only", "只有评审办公室可以进行此操作。", "Only the award office may do this.");

    private static Refusal? Text(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Refusal.Invalid("reason.missing", "请说明理由。", "Give a reason.", field);
        }

        return text.Length > MaxText ? Refusal.Invalid("reason.too-long", $"不能超过{MaxText}字。", $"At most {MaxText} characters.", field) : FreeText.Visible(text, field);
    }

    // ---- panels ---------------------------------------------------------------------------------

    private static Decision<IReviewEvent> Form(FormPanel c, ReviewState state, ReviewContext ctx)
    {
        if (ctx.Actor.Role != Roles.Office)
        {
            return OfficeOnly();
        }

        if (IdRules.Check(c.PanelId, "panelId", "评审组编号") is { IsOk: false } bad)
        {
            return bad.Refusal!;
        }

        if (state.Panels.TryGetValue(c.PanelId, out var existing))
        {
            return existing.Leader == c.Leader && existing.Members.SequenceEqual(c.Members ?? [])
                ? Decision<IReviewEvent>.Nothing
                : Refusal.Rule("review.panel-exists", $"评审组“{c.PanelId}”已组建。", $"The panel '{c.PanelId}' exists.", "panelId");
        }

        if (string.IsNullOrWhiteSpace(c.Name) || c.Name.Length > 200)
        {
            return Refusal.Invalid("review.panel-name-missing", "请填写评审组名称。", "Give the panel a name.", "name");
        }

        if ((FreeText.Visible(c.Name, "name") ?? FreeText.Visible(c.IndustryGroup, "industryGroup")) is { } invisible)
        {
            return invisible;
        }

        var members = c.Members ?? [];
        if (members.Count < 1 || members.Count > MaxPanelMembers || members.Distinct().Count() != members.Count)
        {
            return Refusal.Invalid("review.panel-members-invalid", "评审组应有1至30名不重复的成员。", "A panel has 1 to 30 distinct members.", "members");
        }

        var unknown = members.FirstOrDefault(m => ctx.Pool.Active(m) is null);
        if (unknown is not null)
        {
            return Refusal.Invalid("review.expert-not-in-pool", $"“{unknown}”不在专家库中。", $"'{unknown}' is not in the expert pool.", "members");
        }

        if (!members.Contains(c.Leader))
        {
            return Refusal.Invalid("review.leader-not-member", "组长须是评审组成员（组长负责制）。", "The team leader must be a member of the panel.", "leader");
        }

        return Decision<IReviewEvent>.Accept(new PanelFormed(c.PanelId, c.Name.Trim(), string.IsNullOrWhiteSpace(c.IndustryGroup) ? null : c.IndustryGroup.Trim(), [.. members], c.Leader, ctx.Now));
    }

    private static Decision<IReviewEvent> Assign(AssignPanel c, ReviewState state, ReviewContext ctx)
    {
        if (ctx.Actor.Role != Roles.Office)
        {
            return OfficeOnly();
        }

        if (!IsPanelStage(c.Stage) || ctx.Policy.Stage(c.Stage) is null)
        {
            return Refusal.Invalid("review.stage-not-scored", $"本政策没有由评审组评分的“{ctx.Policy.TitleOf(c.Stage)}”环节。", $"The policy has no panel-scored {c.Stage} stage.", "stage");
        }

        if (!state.Panels.TryGetValue(c.PanelId, out var panel))
        {
            return Refusal.NotFound("review.panel-not-found", "评审组不存在。", "No such panel.");
        }

        var app = ctx.Application;
        if (!app.Exists)
        {
            return ApplicationNotFound();
        }

        if (state.Assignments.TryGetValue((c.ApplicationId, c.Stage), out var assigned))
        {
            return assigned.PanelId == c.PanelId
                ? Decision<IReviewEvent>.Nothing
                : Refusal.Rule("review.already-assigned", "该申报此环节已分配评审组。", "A panel is assigned to this application at this stage already.");
        }

        if (app.Status != ApplicationStatus.InProcess || app.Stage != c.Stage)
        {
            return Refusal.Rule("review.not-at-stage", $"该申报当前不在“{ctx.Policy.TitleOf(c.Stage)}”环节。", $"The application is not at {c.Stage}.");
        }

        var form = app.Form;
        var snapshot = new ApplicantSnapshot(app.ApplicationId, app.Category, app.OwnerSubject, form.Name, form.CreditCode, form.Employer, form.EmployerCreditCode);
        var events = new List<IReviewEvent> { new PanelAssigned(c.ApplicationId, c.Stage, c.PanelId, snapshot, ctx.Now) };
        events.AddRange(Flags(state, ctx, snapshot, panel.Members));
        return Decision<IReviewEvent>.Accept(events);
    }

    /// <summary>A flag for each of these experts with an obvious conflict the record does not know of yet.</summary>
    private static IEnumerable<ConflictFlagged> Flags(ReviewState state, ReviewContext ctx, ApplicantSnapshot snapshot, IEnumerable<string> experts)
    {
        foreach (var member in experts)
        {
            var alreadyKnown = state.IsRecused(snapshot.ApplicationId, member) || state.Flags.Any(f => f.ApplicationId == snapshot.ApplicationId && f.ExpertId == member);
            if (!alreadyKnown && ctx.Pool.Experts.TryGetValue(member, out var expert) && ObviousConflict(expert.Details, snapshot) is { } reason)
            {
                yield return new ConflictFlagged(snapshot.ApplicationId, member, reason, ctx.Now);
            }
        }
    }

    // ---- panel changes: members added or replaced, another leader, another panel ----------------

    private static Refusal? PermChangePanel(ReviewState state, string panelId, string reason, ReviewContext ctx, out Panel panel)
    {
        panel = null!;
        if (ctx.Actor.Role != Roles.Office)
        {
            return OfficeOnly();
        }

        if (!state.Panels.TryGetValue(panelId ?? string.Empty, out var found))
        {
            return Refusal.NotFound("review.panel-not-found", "评审组不存在。", "No such panel.");
        }

        panel = found;
        return Text(reason, "reason");
    }

    private static Refusal? InPool(ReviewContext ctx, string expertId, string field) =>
        ctx.Pool.Active(expertId ?? string.Empty) is null
            ? Refusal.Invalid("review.expert-not-in-pool", $"“{expertId}”不在专家库中。", $"'{expertId}' is not in the expert pool.", field)
            : null;

    /// <summary>The obvious conflicts of experts joining a panel, for each application it has not reported on.</summary>
    private static IEnumerable<ConflictFlagged> FlagsOnJoining(ReviewState state, ReviewContext ctx, string panelId, string expertId) =>
        state.UnreportedWork(panelId)
            .Select(w => state.Assignments[(w.App, w.Stage)].Applicant)
            .DistinctBy(a => a.ApplicationId)
            .SelectMany(a => Flags(state, ctx, a, [expertId]));

    private static Decision<IReviewEvent> AddMember(AddPanelMember c, ReviewState state, ReviewContext ctx)
    {
        if (PermChangePanel(state, c.PanelId, c.Reason, ctx, out var panel) is { } no)
        {
            return no;
        }

        if (panel.Members.Contains(c.ExpertId))
        {
            return Decision<IReviewEvent>.Nothing;
        }

        if (InPool(ctx, c.ExpertId, "expertId") is { } notInPool)
        {
            return notInPool;
        }

        if (panel.Members.Count >= MaxPanelMembers)
        {
            return Refusal.Invalid("review.panel-members-invalid", $"评审组至多{MaxPanelMembers}名成员。", $"A panel has at most {MaxPanelMembers} members.", "expertId");
        }

        return Decision<IReviewEvent>.Accept([new PanelMemberAdded(panel.PanelId, c.ExpertId, c.Reason.Trim(), ctx.Now), .. FlagsOnJoining(state, ctx, panel.PanelId, c.ExpertId)]);
    }

    private static Decision<IReviewEvent> ReplaceMember(ReplacePanelMember c, ReviewState state, ReviewContext ctx)
    {
        if (PermChangePanel(state, c.PanelId, c.Reason, ctx, out var panel) is { } no)
        {
            return no;
        }

        if (!panel.Members.Contains(c.ExpertId))
        {
            return panel.FormerMembers.Contains(c.ExpertId) && panel.Members.Contains(c.ReplacementId)
                ? Decision<IReviewEvent>.Nothing
                : Refusal.NotFound("review.not-a-member", $"“{c.ExpertId}”不是该评审组成员。", $"'{c.ExpertId}' is not a member of the panel.");
        }

        if (c.ReplacementId == c.ExpertId || panel.Members.Contains(c.ReplacementId))
        {
            return Refusal.Rule("review.already-member", $"“{c.ReplacementId}”已是该评审组成员。", $"'{c.ReplacementId}' is a member of the panel already.", "replacementId");
        }

        if (InPool(ctx, c.ReplacementId, "replacementId") is { } notInPool)
        {
            return notInPool;
        }

        return Decision<IReviewEvent>.Accept([new PanelMemberReplaced(panel.PanelId, c.ExpertId, c.ReplacementId, c.Reason.Trim(), ctx.Now), .. FlagsOnJoining(state, ctx, panel.PanelId, c.ReplacementId)]);
    }

    private static Decision<IReviewEvent> AppointLeader(AppointTeamLeader c, ReviewState state, ReviewContext ctx)
    {
        if (PermChangePanel(state, c.PanelId, c.Reason, ctx, out var panel) is { } no)
        {
            return no;
        }

        if (!panel.Members.Contains(c.ExpertId))
        {
            return Refusal.Invalid("review.leader-not-member", "组长须是评审组成员（组长负责制）。", "The team leader must be a member of the panel.", "expertId");
        }

        return panel.Leader == c.ExpertId
            ? Decision<IReviewEvent>.Nothing
            : Decision<IReviewEvent>.Accept(new TeamLeaderAppointed(panel.PanelId, c.ExpertId, c.Reason.Trim(), ctx.Now));
    }

    private static Decision<IReviewEvent> Reassign(ReassignPanel c, ReviewState state, ReviewContext ctx)
    {
        if (PermChangePanel(state, c.PanelId, c.Reason, ctx, out var panel) is { } no)
        {
            return no;
        }

        if (!state.Assignments.TryGetValue((c.ApplicationId, c.Stage), out var assigned))
        {
            return Refusal.NotFound("review.not-assigned", "该申报此环节尚未分配评审组，请直接分配。", "No panel is assigned to this application at this stage; assign one.");
        }

        if (assigned.PanelId == panel.PanelId)
        {
            return Decision<IReviewEvent>.Nothing;
        }

        if (state.Reports.ContainsKey((c.ApplicationId, c.Stage)))
        {
            return Refusal.Rule("review.report-signed", "评审组报告已签署，不能改派评审组。", "The panel report is signed; the stage cannot go to another panel.");
        }

        var app = ctx.Application;
        if (!app.Exists || app.Status != ApplicationStatus.InProcess || app.Stage != c.Stage)
        {
            return Refusal.Rule("review.not-at-stage", $"该申报当前不在“{ctx.Policy.TitleOf(c.Stage)}”环节。", $"The application is not at {c.Stage}.");
        }

        return Decision<IReviewEvent>.Accept([
            new PanelReassigned(c.ApplicationId, c.Stage, assigned.PanelId, panel.PanelId, c.Reason.Trim(), ctx.Now),
            .. Flags(state, ctx, assigned.Applicant, panel.Members)]);
    }

    /// <summary>
    /// The conflicts the system can see itself: the expert works for the applicant, or (for an
    /// individual) for the applicant's employer, by name or by credit code. Null when none.
    /// </summary>
    public static string? ObviousConflict(ExpertDetails expert, ApplicantSnapshot applicant)
    {
        var code = Key(expert.EmployerCreditCode);
        if (code.Length > 0 && (code == Key(applicant.CreditCode) || code == Key(applicant.EmployerCreditCode)))
        {
            return $"专家工作单位的统一社会信用代码（{expert.EmployerCreditCode}）与申报者{(code == Key(applicant.CreditCode) ? string.Empty : "所在单位")}相同";
        }

        var employer = Key(expert.Employer);
        if (employer.Length > 0 && (employer == Key(applicant.Name) || employer == Key(applicant.Employer)))
        {
            return $"专家工作单位（{expert.Employer}）与申报者{(employer == Key(applicant.Name) ? string.Empty : "所在单位")}名称相同";
        }

        return null;
    }

    private static string Key(string? value) =>
        value is null ? string.Empty : ApplicationDecider.Normalise(value).Replace("（", "(", StringComparison.Ordinal).Replace("）", ")", StringComparison.Ordinal);

    // ---- conflicts and recusals -------------------------------------------------------------

    private static Decision<IReviewEvent> Declare(DeclareConflict c, ReviewState state, ReviewContext ctx)
    {
        var expert = ctx.Actor.Subject;
        if (ctx.Actor.Role != Roles.Reviewer || !state.IsAssigned(c.ApplicationId, expert))
        {
            return ApplicationNotFound();
        }

        // A recused reviewer learns nothing more about the application, not even that it is there.
        if (state.IsRecused(c.ApplicationId, expert))
        {
            return ApplicationNotFound();
        }

        return Text(c.Relationship, "relationship") ?? Decision<IReviewEvent>.Accept(
            new ConflictDeclared(c.ApplicationId, expert, c.Relationship.Trim(), ctx.Now),
            new ReviewerRecused(c.ApplicationId, expert, RecusalBasis.Declared, c.Relationship.Trim(), ctx.Now));
    }

    private static Decision<IReviewEvent> Propose(ProposeRecusal c, ReviewState state, ReviewContext ctx)
    {
        if (ctx.Actor.Role != Roles.Supervisor)
        {
            return Refusal.Forbidden("review.supervisors-only", "只有监督组可以提出回避建议。", "Only the supervision group proposes a recusal.");
        }

        if (!state.IsAssigned(c.ApplicationId, c.ExpertId))
        {
            return Refusal.NotFound("review.reviewer-not-assigned", "该专家不是此申报的评审员。", "The expert is not a reviewer of this application.");
        }

        if (state.IsRecused(c.ApplicationId, c.ExpertId))
        {
            return Decision<IReviewEvent>.Nothing;
        }

        return Text(c.Reason, "reason") ?? Decision<IReviewEvent>.Accept(new RecusalProposed(c.ApplicationId, c.ExpertId, c.Reason.Trim(), ctx.Now));
    }

    private static Decision<IReviewEvent> DecideOn(DecideRecusal c, ReviewState state, ReviewContext ctx)
    {
        if (ctx.Actor.Role != Roles.Office)
        {
            return OfficeOnly();
        }

        if (!state.IsAssigned(c.ApplicationId, c.ExpertId))
        {
            return Refusal.NotFound("review.reviewer-not-assigned", "该专家不是此申报的评审员。", "The expert is not a reviewer of this application.");
        }

        if (state.IsRecused(c.ApplicationId, c.ExpertId))
        {
            return c.Recuse ? Decision<IReviewEvent>.Nothing : Refusal.Rule("review.already-recused", "该专家已回避。", "The expert is recused already.");
        }

        if (Text(c.Reason, "reason") is { } bad)
        {
            return bad;
        }

        var pending = state.Pending.Contains((c.ApplicationId, c.ExpertId));
        if (!c.Recuse)
        {
            return pending
                ? Decision<IReviewEvent>.Accept(new RecusalDeclined(c.ApplicationId, c.ExpertId, c.Reason.Trim(), ctx.Now))
                : Refusal.Rule("review.nothing-to-decide", "该专家没有待决定的回避事项。", "There is no flag or proposal to decide for this expert.");
        }

        var proposed = state.Proposals.Any(p => p.ApplicationId == c.ApplicationId && p.ExpertId == c.ExpertId);
        var flagged = state.Flags.Any(p => p.ApplicationId == c.ApplicationId && p.ExpertId == c.ExpertId);
        var basis = pending && proposed ? RecusalBasis.Proposed : pending && flagged ? RecusalBasis.Flagged : RecusalBasis.Office;
        return Decision<IReviewEvent>.Accept(new ReviewerRecused(c.ApplicationId, c.ExpertId, basis, c.Reason.Trim(), ctx.Now));
    }

    // ---- scores -------------------------------------------------------------------------------

    private static Decision<IReviewEvent> SubmitScore(SubmitReviewScore c, ReviewState state, ReviewContext ctx)
    {
        if (PermScore(state, c.ApplicationId, c.Stage, ctx.Actor, ctx.Policy) is { } no)
        {
            return no;
        }

        var sheet = ctx.Policy.Scoring.SheetFor(state.Assignments[(c.ApplicationId, c.Stage)].Applicant.Category);
        var given = c.Items ?? new Dictionary<string, decimal>();
        var key = (c.ApplicationId, c.Stage, ctx.Actor.Subject);
        if (state.Reopened.Contains(key) && state.Scores.TryGetValue(key, out var previous))
        {
            if (PermRescoreItems(previous, state.SentBack.GetValueOrDefault(key) ?? [], given) is { } outside)
            {
                return outside;
            }

            // The items not sent back stand as they were; the reviewer may send only the ones sent back.
            var merged = previous.Items.ToDictionary(i => i.Key, i => i.Value, StringComparer.Ordinal);
            foreach (var (code, points) in given)
            {
                merged[code] = points;
            }

            given = merged;
        }

        var checkedItems = CheckItems(sheet, given);
        if (!checkedItems.IsOk)
        {
            return checkedItems.Refusal!;
        }

        var items = checkedItems.Value;
        return Decision<IReviewEvent>.Accept(new ReviewScoreSubmitted(c.ApplicationId, c.Stage, ctx.Actor.Subject, items, items.Values.Sum(), ctx.Now));
    }

    /// <summary>
    /// A re-score may change only the items the team leader sent back (组长负责制: the leader
    /// decides what is looked at again); null when it does. Items repeated unchanged are fine.
    /// </summary>
    public static Refusal? PermRescoreItems(ReviewScoreSubmitted previous, IReadOnlySet<string> sentBack, IReadOnlyDictionary<string, decimal> items)
    {
        var changed = items
            .Where(i => !sentBack.Contains(i.Key) && previous.Items.TryGetValue(i.Key, out var before) && before != i.Value)
            .Select(i => i.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (changed.Count == 0)
        {
            return null;
        }

        var back = string.Join("、", sentBack);
        return new Refusal(
            "review.rescore-outside-items",
            RefusalKind.Rule,
            $"组长只要求复评{back}，不能修改其他条款：{string.Join("、", changed)}。",
            $"Only {string.Join(", ", sentBack)} were sent back; these items cannot change: {string.Join(", ", changed)}.",
            $"items.{changed[0]}")
        {
            Problems = [.. changed.Select(code => new FieldProblem($"items.{code}", "review.rescore-outside-items", $"“{code}”未被要求复评", $"'{code}' was not sent back"))],
        };
    }

    /// <summary>Every item of the sheet, each between 0 and its maximum, at most one decimal; nothing else.</summary>
    public static Outcome<IReadOnlyDictionary<string, decimal>> CheckItems(ScoreSheet sheet, IReadOnlyDictionary<string, decimal>? items)
    {
        items ??= new Dictionary<string, decimal>();
        var problems = new List<FieldProblem>();
        foreach (var code in items.Keys.Where(k => sheet.Items.All(i => i.Code != k)))
        {
            problems.Add(new FieldProblem($"items.{code}", "score.item-unknown", $"评分表没有“{code}”项", $"the sheet has no item '{code}'"));
        }

        foreach (var item in sheet.Items)
        {
            if (!items.TryGetValue(item.Code, out var points))
            {
                problems.Add(new FieldProblem($"items.{item.Code}", "score.item-missing", $"“{item.Code} {item.Name}”未评分", $"'{item.Code}' is not scored"));
            }
            else if (points < 0 || points > item.Max || decimal.Round(points, 1) != points)
            {
                problems.Add(new FieldProblem($"items.{item.Code}", "score.item-out-of-range", $"“{item.Code} {item.Name}”应在0至{item.Max}分之间，至多一位小数", $"'{item.Code}' must be 0 to {item.Max}, at most one decimal"));
            }
        }

        if (problems.Count > 0)
        {
            return Refusal.InvalidFields(
                "score.sheet-invalid",
                $"评分不符合《{sheet.Source}》评分表：" + ZhText.JoinSentences(problems.Select(p => p.Zh)),
                "The scores do not fit the sheet: " + string.Join("; ", problems.Select(p => p.En)),
                problems);
        }

        return sheet.Items.ToDictionary(i => i.Code, i => items[i.Code], StringComparer.Ordinal);
    }

    private static Decision<IReviewEvent> Rescore(RequestRescore c, ReviewState state, ReviewContext ctx)
    {
        if (LeaderOrOffice(state, c.ApplicationId, c.Stage, ctx) is { } no)
        {
            return no;
        }

        if (state.Reports.ContainsKey((c.ApplicationId, c.Stage)))
        {
            return Refusal.Rule("review.report-signed", "评审组报告已签署，评分不能再改。", "The panel report is signed; scores are final.");
        }

        if (!state.Scores.TryGetValue((c.ApplicationId, c.Stage, c.ExpertId), out var score) || state.IsRecused(c.ApplicationId, c.ExpertId))
        {
            return Refusal.Rule("review.not-scored", "该评审员尚未提交评分。", "The reviewer has not scored.", "expertId");
        }

        if (c.ItemCodes is not { Count: > 0 } || c.ItemCodes.Any(code => !score.Items.ContainsKey(code)))
        {
            return Refusal.Invalid("review.rescore-items-invalid", "请列出评分表中需要复评的条款。", "List the sheet's items to score again.", "itemCodes");
        }

        return Text(c.Reason, "reason") ?? Decision<IReviewEvent>.Accept(new RescoreRequested(c.ApplicationId, c.Stage, c.ExpertId, [.. c.ItemCodes], c.Reason.Trim(), ctx.Now));
    }

    private static Refusal? LeaderOrOffice(ReviewState state, string applicationId, StageKind stage, ReviewContext ctx) =>
        PermLead(state, applicationId, stage, ctx.Actor, ctx.Policy);

    /// <summary>
    /// May the actor lead the panel's work on this application (send items back, sign the report)?
    /// Null when yes. The team leader leads (组长负责制: Changde §19-20, Benxi §17), unless recused
    /// from the application (Changde §36, Benxi §33): then nobody leads it until the office appoints
    /// another leader or gives the stage to another panel; under 组长负责制 the office never signs in
    /// the leader's place. Where the policy names no team leader for the stage (Jinan, Xinzhou,
    /// Weihai), the office may sign too. See docs/decisions/0015.
    /// </summary>
    public static Refusal? PermLead(ReviewState state, string applicationId, StageKind stage, Actor actor, AwardPolicy policy)
    {
        var panel = state.PanelFor(applicationId, stage);
        if (panel is null)
        {
            return Refusal.NotFound("review.not-assigned", "该申报此环节尚未分配评审组。", "No panel is assigned to this application at this stage.");
        }

        var leaderRecused = state.IsRecused(applicationId, panel.Leader);
        var teamLeader = policy.Stage(stage) is { TeamLeader: true } rule ? rule : null;
        if (actor.Role == Roles.Reviewer && actor.Subject == panel.Leader)
        {
            // A recused reviewer learns nothing more about the application, not even that it is there.
            return leaderRecused ? ApplicationNotFound() : null;
        }

        if (actor.Role == Roles.Office && teamLeader is null)
        {
            return null;
        }

        if (actor.Role == Roles.Office && leaderRecused)
        {
            return Refusal.Rule(
                "review.leader-recused",
                $"组长{panel.Leader}已回避该申报。“{policy.TitleOf(stage)}”实行组长负责制（{teamLeader!.Article}），请另行指定组长或将该申报改派其他评审组。",
                $"The team leader {panel.Leader} is recused from this application. {stage} is led by a team leader ({teamLeader!.Article}): appoint another leader or give the stage to another panel.");
        }

        return Refusal.Forbidden("review.leader-only", "只有评审组组长可以进行此操作（组长负责制）。", "Only the panel's team leader may do this.");
    }

    private static Decision<IReviewEvent> Sign(SignPanelReport c, ReviewState state, ReviewContext ctx)
    {
        if (LeaderOrOffice(state, c.ApplicationId, c.Stage, ctx) is { } no)
        {
            return no;
        }

        if (state.Reports.ContainsKey((c.ApplicationId, c.Stage)))
        {
            return Decision<IReviewEvent>.Nothing;
        }

        if (PermSign(state, c.ApplicationId, c.Stage, ctx.Policy) is { } notYet)
        {
            return notYet;
        }

        var members = state.ActiveMembers(c.ApplicationId, c.Stage);

        var assigned = state.Assignments[(c.ApplicationId, c.Stage)];
        var sheet = ctx.Policy.Scoring.SheetFor(assigned.Applicant.Category);
        var totals = members.ToDictionary(m => m, m => state.Scores[(c.ApplicationId, c.Stage, m)].Total, StringComparer.Ordinal);
        var panelScore = PanelScore(ctx.Policy.Scoring.PanelRule, totals.Values.ToList());
        if (!panelScore.IsOk)
        {
            return panelScore.Refusal!;
        }

        var points = panelScore.Value;
        var disagreements = Disagreements(totals, points, sheet.MaxTotal, ctx.Policy.Scoring.DisagreementThreshold);
        return Text(c.Summary, "summary") ?? Decision<IReviewEvent>.Accept(new PanelReportSigned(
            c.ApplicationId, c.Stage, assigned.PanelId, points, sheet.MaxTotal, ctx.Policy.Scoring.PanelRule, totals, disagreements, c.Summary.Trim(), ctx.Actor.Subject, ctx.Now));
    }

    /// <summary>
    /// Is the panel's work on the application ready for its report (whoever signs)? Null when
    /// yes: no conflict of a current member left to decide, every member not recused has scored
    /// (a score sent back counts only once given again), and at least the policy's minimum of
    /// scores (<see cref="ScoringRule.MinimumPanelScores"/>) count.
    /// </summary>
    public static Refusal? PermSign(ReviewState state, string applicationId, StageKind stage, AwardPolicy policy)
    {
        if (state.PendingFor(applicationId, stage).Count > 0)
        {
            return Refusal.Rule("review.conflict-pending", "还有利益冲突或回避建议待评审办公室决定。", "A conflict flag or recusal proposal awaits the office's decision.");
        }

        var members = state.ActiveMembers(applicationId, stage);
        var missing = members.Where(m => !state.HasSubmitted(applicationId, stage, m)).ToList();
        if (missing.Count > 0)
        {
            return Refusal.Rule("review.scores-missing", $"尚有{missing.Count}名评审员未提交评分：{string.Join("、", missing)}。", $"{missing.Count} reviewers have not scored: {string.Join(", ", missing)}.");
        }

        var minimum = policy.Scoring.MinimumPanelScores;
        return members.Count < minimum
            ? Refusal.Rule(
                "review.too-few-scores",
                $"评审组现有{members.Count}名未回避的评审员，本政策至少需要{minimum}名评审员的评分：请增补或更换评审员，或将该申报改派其他评审组。",
                $"The panel has {members.Count} reviewers not recused; the policy needs at least {minimum} scores: add or replace a member, or give the stage to another panel.")
            : null;
    }

    /// <summary>The panel score by the policy's rule, rounded to two decimals (half away from zero).</summary>
    public static Outcome<decimal> PanelScore(PanelScoreRule rule, IReadOnlyList<decimal> totals)
    {
        if (totals.Count == 0)
        {
            return Refusal.Rule("review.no-scores", "没有可计的评分。", "There are no scores to count.");
        }

        IEnumerable<decimal> counted = totals;
        if (rule == PanelScoreRule.TrimmedMean)
        {
            if (totals.Count < 3)
            {
                return Refusal.Rule("review.too-few-scores", "本政策去掉一个最高分和一个最低分后取平均，至少需要3名评审员的评分。", "The trimmed mean needs at least 3 scores.");
            }

            counted = totals.Order().Skip(1).Take(totals.Count - 2);
        }

        return decimal.Round(counted.Average(), 2, MidpointRounding.AwayFromZero);
    }

    /// <summary>The reviewers whose total is further from the panel score than the threshold (points out of 100).</summary>
    public static IReadOnlyList<string> Disagreements(IReadOnlyDictionary<string, decimal> totals, decimal panelScore, decimal maxTotal, decimal thresholdPercent) =>
        totals.Where(t => Math.Abs(t.Value - panelScore) * 100m / maxTotal > thresholdPercent).Select(t => t.Key).Order(StringComparer.Ordinal).ToList();

    // ---- conduct ratings (Changde §37) ---------------------------------------------------------

    private static Decision<IReviewEvent> Rate(RateReviewers c, ReviewState state, ReviewContext ctx)
    {
        var app = ctx.Application;
        if (ctx.Actor.Role != Roles.Applicant || !app.Exists || app.OwnerSubject != ctx.Actor.Subject)
        {
            return ApplicationNotFound();
        }

        if (ctx.Policy.Stage(StageKind.SiteReview) is not { CandidatesRateReviewers: true } site)
        {
            return Refusal.Rule("review.no-conduct-rating", "本政策没有申报者评价现场评审员的规定。", "The policy has candidates rate no reviewers.");
        }

        if (!state.Reports.TryGetValue((c.ApplicationId, StageKind.SiteReview), out var report))
        {
            return Refusal.Rule("review.site-review-not-done", $"现场评审结束后方可评价评审员（{site.Article}）。", $"Rate the reviewers after the site review ({site.Article}).");
        }

        if (c.Ratings is not { Count: > 0 })
        {
            return Refusal.Invalid("review.ratings-missing", "请评价至少一名现场评审员。", "Rate at least one site reviewer.", "ratings");
        }

        var events = new List<IReviewEvent>();
        foreach (var r in c.Ratings)
        {
            if (!report.Totals.ContainsKey(r.ExpertId))
            {
                return Refusal.Invalid("review.not-your-reviewer", "只能评价为本单位进行现场评审的评审员。", "Rate only the reviewers who did your site review.", "ratings");
            }

            if (r.Rating is < 1 or > 5 || (r.Comment?.Length ?? 0) > MaxText)
            {
                return Refusal.Invalid("review.rating-invalid", "评价为1至5分，意见不超过2000字。", "A rating is 1 to 5, a comment at most 2000 characters.", "ratings");
            }

            if (FreeText.Visible(r.Comment, "ratings") is { } invisible)
            {
                return invisible;
            }

            if (state.Ratings.Any(x => x.ApplicationId == c.ApplicationId && x.ExpertId == r.ExpertId))
            {
                continue;
            }

            events.Add(new ReviewerConductRated(c.ApplicationId, r.ExpertId, r.Rating, string.IsNullOrWhiteSpace(r.Comment) ? null : r.Comment.Trim(), ctx.Now));
        }

        return events.Count == 0 ? Decision<IReviewEvent>.Nothing : Decision<IReviewEvent>.Accept(events);
    }
}
