using QualityAward.Domain.Awards;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Applications;

/// <summary>
/// The life of one application, from draft to award or revocation, in the order its cycle's
/// policy sets. Every command is refused, with a reason a person can read, when it is out of
/// order, out of window, by the wrong person, or against a rule. Pure: no clock, no storage.
/// </summary>
public static class ApplicationDecider
{
    public const int MaxReasonLength = 2_000;
    public const int MaxDocuments = 200;

    public static Decision<IApplicationEvent> Decide(IApplicationCommand command, ApplicationState state, ApplicationContext ctx)
    {
        if (command is CreateDraft create)
        {
            return Create(create, state, ctx);
        }

        if (!state.Exists)
        {
            return NotFound();
        }

        if (Permission(command, state, ctx.Actor) is { } denied)
        {
            return denied;
        }

        if (!ctx.Cycle.Exists || ctx.Cycle.CycleId != state.CycleId)
        {
            throw new InvalidOperationException($"Application {state.ApplicationId} was decided against cycle '{ctx.Cycle.CycleId}', not its own '{state.CycleId}'.");
        }

        var now = ctx.Now;
        return command switch
        {
            SaveDraft c => SaveForm(c, state, ctx),
            AttachDocument c => Attach(c, state, ctx),
            RemoveDocument c => Remove(c, state, now),
            RecordDocumentRead c => RecordRead(c, state, ctx.Actor, now),
            Submit => SubmitApplication(state, ctx),
            Withdraw c => WithdrawApplication(c, state, now),
            Recommend c => RecommendApplication(c, state, ctx),
            DeclineRecommendation c => InStage(state, ctx, StageKind.Recommendation) ?? Reason(c.Reason) ?? Accept(new RecommendationDeclined(RecommenderAuthority.BodyOf(ctx.Actor.Affiliation) ?? ctx.Actor.Subject, c.Reason.Trim(), now)),
            FlagSecurityReview c => Open(state) ?? Reason(c.Reason) ?? (state.SecurityFlagged == c.Flagged ? Decision<IApplicationEvent>.Nothing : Accept(new SecurityReviewFlagged(c.Flagged, c.Reason.Trim(), now))),
            ReportAdverseRecord c => ReportAdverse(c, state, now),
            DismissAdverseRecord c => DismissAdverse(c, state, now),
            ConcludeConsultation => Conclude(state, ctx),
            Accept c => AcceptApplication(c, state, ctx),
            Refuse c => InStage(state, ctx, StageKind.FormalReview) ?? Reason(c.Reason) ?? Accept(new ApplicationRefused(c.Reason.Trim(), now)),
            PassNotice c => Pass(c, state, ctx),
            RecordOpinionSurvey c => InStage(state, ctx, StageKind.OpinionSurvey) ?? Reason(c.Summary) ?? Advance(state, ctx, new OpinionSurveyRecorded(c.Favourable, c.Summary.Trim(), now)),
            RecordStageScore c => Score(c, state, ctx),
            ApplyShortlistDecision c => ApplyShortlist(c, state, ctx),
            ComputeComposite c => Composite(c, state, ctx),
            ApplyCandidacy c => Candidacy(c, state, ctx),
            MarkNotSelected c => NotSelected(c, state, ctx),
            ApplyProposal c => Proposal(c, state, ctx),
            GrantApproval c => Approve(c, state, ctx),
            ConferAward c => Confer(c, state, ctx),
            Disqualify c => DisqualifyApplication(c, state, now),
            RevokeAward c => Revoke(c, state, ctx),
            ReopenStage c => Reopen(c, state, ctx),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name),
        };
    }

    // ---- permissions -------------------------------------------------------------------------

    /// <summary>Who may issue a command on this application; null when the actor may.</summary>
    public static Refusal? Permission(IApplicationCommand command, ApplicationState state, Actor actor)
    {
        var role = actor.Role;
        switch (command)
        {
            case SaveDraft or AttachDocument or RemoveDocument or Submit or Withdraw:
                // Not the owner: answer as if it did not exist (nobody learns another's ids exist).
                return IsOwner(state, actor) ? null : NotFound();
            case RecordDocumentRead c:
                return PermReadDocument(state, actor, c.DocumentId, c.AssignedReviewer);
            case Recommend or DeclineRecommendation:
                return role == Roles.Recommender && RecommenderAuthority.Covers(actor.Affiliation, state.CityCode, state.Form.RecommenderId)
                    ? null
                    : Refusal.Forbidden("application.not-your-recommendation", "该申报不是向贵单位提出的，不能推荐或不予推荐。", "The application is not addressed to your body.");
            case ReportAdverseRecord or PassNotice or RecordStageScore or ApplyShortlistDecision or ComputeComposite
                or ApplyCandidacy or MarkNotSelected or ApplyProposal or ConferAward or ConcludeConsultation or Disqualify or ReopenStage:
                return role is Roles.Office or Roles.System ? null : OfficeOnly();
            case FlagSecurityReview or DismissAdverseRecord or Applications.Accept or Refuse or RecordOpinionSurvey
                or GrantApproval or RevokeAward:
                return role == Roles.Office ? null : OfficeOnly();
            default:
                return OfficeOnly();
        }
    }

    private static bool IsOwner(ApplicationState state, Actor actor) => actor.Role == Roles.Applicant && actor.Subject == state.OwnerSubject;

    /// <summary>
    /// Who may read an application: its owner, the office, the supervision group, once it is
    /// submitted the body it is addressed to for recommendation, and a reviewer the review says
    /// is assigned to it and not recused (<paramref name="assignedReviewer"/>, from the cycle's review stream).
    /// </summary>
    public static bool CanReadApplication(ApplicationState state, Actor actor, bool assignedReviewer = false) =>
        state.Exists
        && (actor.Role is Roles.Office or Roles.Supervisor
            || (actor.Role == Roles.Reviewer && assignedReviewer && state.Status != ApplicationStatus.Draft)
            || IsOwner(state, actor)
            || (actor.Role == Roles.Recommender && state.Status != ApplicationStatus.Draft
                && RecommenderAuthority.Covers(actor.Affiliation, state.CityCode, state.Form.RecommenderId)));

    /// <summary>
    /// Who may read one of its files: anyone who may read the application, except that a file
    /// marked as holding trade secrets goes only to its owner, the office and the supervision
    /// group, and to the reviewers assigned to it and not recused. Everyone else is told it does not exist.
    /// </summary>
    public static Refusal? PermReadDocument(ApplicationState state, Actor actor, string documentId, bool assignedReviewer = false)
    {
        if (!CanReadApplication(state, actor, assignedReviewer))
        {
            return NotFound();
        }

        var document = state.Documents.FirstOrDefault(d => d.DocumentId == documentId);
        if (document is null || (document.TradeSecret && !MaySeeTradeSecrets(state, actor, assignedReviewer)))
        {
            return DocumentNotFound();
        }

        return null;
    }

    public static bool MaySeeTradeSecrets(ApplicationState state, Actor actor, bool assignedReviewer = false) =>
        actor.Role is Roles.Office or Roles.Supervisor || IsOwner(state, actor) || (actor.Role == Roles.Reviewer && assignedReviewer);

    /// <summary>
    /// May the actor add a file to the application now? Null when yes. The host asks before it
    /// stores the bytes; <see cref="Decide"/> asks again when the file is attached.
    /// </summary>
    public static Refusal? PermAttach(ApplicationState state, ApplicationContext ctx)
    {
        if (!state.Exists || !IsOwner(state, ctx.Actor))
        {
            return NotFound();
        }

        if (Editable(state, ctx) is { } no)
        {
            return no;
        }

        return state.Documents.Count >= MaxDocuments ? TooManyDocuments() : null;
    }

    private static Refusal NotFound() => Refusal.NotFound("application.not-found", "申报不存在。", "No such application.");

    private static Refusal DocumentNotFound() => Refusal.NotFound("document.not-found", "文件不存在。", "No such file.");

    private static Refusal TooManyDocuments() =>
        Refusal.Rule("application.too-many-documents", $"每份申报至多上传{MaxDocuments}个文件。", $"At most {MaxDocuments} files per application.");

    private static Refusal OfficeOnly() => Refusal.Forbidden("application.office-only", "只有评审办公室可以进行此操作。", "Only the award office may do this.");

    // ---- drafting ----------------------------------------------------------------------------

    private static Decision<IApplicationEvent> Create(CreateDraft c, ApplicationState state, ApplicationContext ctx)
    {
        if (state.Exists)
        {
            return state.OwnerSubject == ctx.Actor.Subject && state.Category == c.Category
                ? Decision<IApplicationEvent>.Nothing
                : Refusal.Rule("application.exists", "申报编号已被使用。", "The application id is taken.");
        }

        if (ctx.Actor.Role != Roles.Applicant)
        {
            return Refusal.Forbidden("application.applicants-only", "只有申报者可以创建申报。", "Only applicants create applications.");
        }

        var id = ApplicationId.Parse(c.ApplicationId);
        if (!id.IsOk)
        {
            return id.Refusal!;
        }

        var cycle = ctx.Cycle;
        if (!cycle.Exists)
        {
            return Refusal.NotFound("cycle.not-found", "该评选周期不存在。", "No such cycle.");
        }

        if (cycle.Status == CycleStatus.Closed || cycle.SubmissionsClosed || ctx.Now >= cycle.SubmissionClosesAt)
        {
            return WindowClosed(cycle);
        }

        if (!ctx.Policy.Allows(c.Category))
        {
            return Refusal.Rule(
                "application.category-not-accepted",
                $"{ctx.Policy.AwardName}不接受{(c.Category == ApplicantCategory.Individual ? "个人" : "组织")}申报。",
                $"{ctx.Policy.AwardName} does not take {c.Category} applicants.",
                "category");
        }

        return Accept(new ApplicationDrafted(c.ApplicationId, cycle.CycleId, c.Category, ctx.Actor.Subject, ctx.Now, ctx.Policy.City.Code));
    }

    private static Refusal WindowClosed(CycleState cycle) => Refusal.Rule(
        "application.window-closed",
        $"申报已于{ShanghaiTime.ToShanghai(cycle.SubmissionClosesAt):yyyy年M月d日 HH:mm}截止。",
        $"Submissions closed at {ShanghaiTime.ToShanghai(cycle.SubmissionClosesAt):yyyy-MM-dd HH:mm} (UTC+8).");

    private static Refusal? Editable(ApplicationState state, ApplicationContext ctx)
    {
        if (state.Status != ApplicationStatus.Draft)
        {
            return Refusal.Rule("application.not-a-draft", "申报已提交，材料不能再修改。", "The application has been submitted; it can no longer be changed.");
        }

        return ctx.Cycle.SubmissionsClosed || ctx.Now >= ctx.Cycle.SubmissionClosesAt ? WindowClosed(ctx.Cycle) : null;
    }

    private static Decision<IApplicationEvent> SaveForm(SaveDraft c, ApplicationState state, ApplicationContext ctx)
    {
        if (Editable(state, ctx) is { } no)
        {
            return no;
        }

        var problems = ApplicationFormRules.CheckShape(c.Form);
        if (problems.Count > 0)
        {
            return Refusal.InvalidFields("application.form-invalid", "申报表有以下问题：" + ZhText.JoinSentences(problems.Select(p => p.Zh)), "The form has problems: " + ZhText.JoinSentencesEn(problems.Select(p => p.En)), problems);
        }

        return c.Form == state.Form ? Decision<IApplicationEvent>.Nothing : Accept(new DraftSaved(c.Form, ctx.Now));
    }

    private static Decision<IApplicationEvent> Attach(AttachDocument c, ApplicationState state, ApplicationContext ctx)
    {
        if (Editable(state, ctx) is { } no)
        {
            return no;
        }

        if (state.Documents.Any(d => d.DocumentId == c.Document.DocumentId))
        {
            return Decision<IApplicationEvent>.Nothing;
        }

        if (state.Documents.Count >= MaxDocuments)
        {
            return TooManyDocuments();
        }

        return Accept(new DocumentAttached(c.Document, ctx.Now));
    }

    private static Decision<IApplicationEvent> Remove(RemoveDocument c, ApplicationState state, DateTimeOffset now)
    {
        if (state.Status != ApplicationStatus.Draft)
        {
            return Refusal.Rule("application.not-a-draft", "申报已提交，文件不能删除。", "The application has been submitted; files cannot be removed.");
        }

        return state.Documents.Any(d => d.DocumentId == c.DocumentId)
            ? Accept(new DocumentRemoved(c.DocumentId, now))
            : DocumentNotFound();
    }

    /// <summary>A download, recorded once per reader, file and Shanghai day: the trail says who read what on which day, and repeated reads add nothing.</summary>
    private static Decision<IApplicationEvent> RecordRead(RecordDocumentRead c, ApplicationState state, Actor reader, DateTimeOffset now) =>
        state.ReadsToday.Recorded(reader.Subject, c.DocumentId, now)
            ? Decision<IApplicationEvent>.Nothing
            : Accept(new DocumentRead(c.DocumentId, state.Documents.First(d => d.DocumentId == c.DocumentId).SafeName, now, reader.Subject));

    private static Decision<IApplicationEvent> SubmitApplication(ApplicationState state, ApplicationContext ctx)
    {
        if (state.Status == ApplicationStatus.InProcess && state.SubmittedAt is not null)
        {
            return Decision<IApplicationEvent>.Nothing;
        }

        if (state.Status != ApplicationStatus.Draft)
        {
            return Refusal.Rule("application.not-a-draft", "该申报不能提交。", "The application cannot be submitted.");
        }

        var cycle = ctx.Cycle;
        if (ctx.Now < cycle.SubmissionOpensAt)
        {
            return Refusal.Rule("application.window-not-open", $"申报将于{cycle.SubmissionOpensOn:yyyy年M月d日}开始。", $"Submissions open on {cycle.SubmissionOpensOn:yyyy-MM-dd}.");
        }

        if (!cycle.AcceptsSubmissionsAt(ctx.Now))
        {
            return WindowClosed(cycle);
        }

        var policy = ctx.Policy;
        var problems = ApplicationFormRules.CheckForSubmission(policy, state.Category, state.Form, state.Documents, ctx.Calendar, ctx.Today);
        if (problems.Count > 0)
        {
            return Refusal.InvalidFields(
                "application.incomplete",
                $"申报材料还不完整，共{problems.Count}处需要处理：" + ZhText.JoinSentences(problems.Select(p => p.Zh)),
                $"The application is not complete ({problems.Count} problems): " + ZhText.JoinSentencesEn(problems.Select(p => p.En)),
                problems);
        }

        var eligibility = EligibilityRules.Check(policy, state.Category, state.Form, ctx.History, cycle.CycleId, ctx.Today);
        if (!eligibility.Eligible)
        {
            return Ineligible(eligibility);
        }

        var key = Normalise(state.Form.ApplicantKey(state.Category)!);
        var next = StagePlan.Next(policy, StagePlan.SubmissionIndex(policy), state.Category, state.Form.SectorFor(state.Category), state.SecurityFlagged)
            ?? throw new InvalidOperationException("A valid policy always has a stage after submission.");
        return Accept(
            new ApplicationSubmitted(key, eligibility.Flags, ctx.Now),
            new StageEntered(next, policy.Stages[next].Kind, ctx.Now));
    }

    /// <summary>The register's key: upper-case, no spaces (credit codes and ID numbers are case-insensitive).</summary>
    public static string Normalise(string applicantKey) =>
        new string(applicantKey.Where(c => !char.IsWhiteSpace(c)).ToArray()).Normalize(System.Text.NormalizationForm.FormKC).ToUpperInvariant();

    private static Decision<IApplicationEvent> WithdrawApplication(Withdraw c, ApplicationState state, DateTimeOffset now)
    {
        if (state.Status == ApplicationStatus.Withdrawn)
        {
            return Decision<IApplicationEvent>.Nothing;
        }

        if (state.Status is not (ApplicationStatus.Draft or ApplicationStatus.InProcess))
        {
            return Refusal.Rule("application.cannot-withdraw", "该申报已结束，不能撤回。", "The application has ended; it cannot be withdrawn.");
        }

        if (state.Stage == StageKind.Approval)
        {
            return Refusal.Rule("application.cannot-withdraw", "获奖建议名单已报批，不能撤回，请联系评审办公室。", "The proposed award is awaiting approval; contact the office.");
        }

        return Reason(c.Reason) ?? Accept(new ApplicationWithdrawn(c.Reason.Trim(), now));
    }

    // ---- recommendation, consultation, acceptance ---------------------------------------------

    private static Decision<IApplicationEvent> RecommendApplication(Recommend c, ApplicationState state, ApplicationContext ctx)
    {
        if (InStage(state, ctx, StageKind.Recommendation) is { } no)
        {
            return no;
        }

        if (string.IsNullOrWhiteSpace(c.Opinion) || c.Opinion.Length > MaxReasonLength)
        {
            return Refusal.Invalid("application.opinion-missing", "请填写推荐意见。", "Write the recommendation opinion.", "opinion");
        }

        if ((FreeText.Visible(c.Opinion, "opinion") ?? FreeText.Visible(c.GovernmentApprovalReference, "governmentApprovalReference")) is { } invisible)
        {
            return invisible;
        }

        var stage = CurrentStage(state, ctx);
        var kind = state.Form.RecommenderKind!.Value;
        // Who recommends decides, not only what the applicant wrote on the form: a district's body
        // needs its government's approval (Changde §12) whatever kind the form names.
        var body = RecommenderAuthority.BodyOf(ctx.Actor.Affiliation)!;
        var byDistrict = kind is RecommenderKind.DistrictRegulator or RecommenderKind.DistrictQualityBody
            || ctx.Policy.City.Districts.Any(d => d.Id == body);
        var needsApproval = stage.GovernmentApproval && byDistrict;
        if (needsApproval && string.IsNullOrWhiteSpace(c.GovernmentApprovalReference))
        {
            return Refusal.Invalid(
                "application.government-approval-missing",
                $"依{stage.Article}，推荐须经所在区县人民政府（管委会）批准，请填写批准文件。",
                $"{stage.Article}: the district government must approve the recommendation; give the approval's reference.",
                "governmentApprovalReference");
        }

        return Advance(state, ctx, new ApplicationRecommended(body, kind, c.Opinion.Trim(), c.GovernmentApprovalReference?.Trim(), ctx.Now));
    }

    private static Decision<IApplicationEvent> ReportAdverse(ReportAdverseRecord c, ApplicationState state, DateTimeOffset now)
    {
        if (Open(state) is { } no)
        {
            return no;
        }

        if (state.AdverseRecords.Any(r => r.ConsultationId == c.ConsultationId && r.Department == c.Department))
        {
            return Decision<IApplicationEvent>.Nothing;
        }

        return string.IsNullOrWhiteSpace(c.Details)
            ? Refusal.Invalid("consultation.details-missing", "请说明不良记录的具体情况。", "Describe the adverse record.", "details")
            : FreeText.Visible(c.Details, "details") ?? Accept(new AdverseRecordReported(c.ConsultationId, c.Department, c.Details.Trim(), now));
    }

    private static Decision<IApplicationEvent> DismissAdverse(DismissAdverseRecord c, ApplicationState state, DateTimeOffset now)
    {
        if (Open(state) is { } no)
        {
            return no;
        }

        if (state.OpenAdverseRecords.All(r => r.ConsultationId != c.ConsultationId || r.Department != c.Department))
        {
            return Refusal.NotFound("consultation.no-open-record", "没有待处理的该部门不良记录。", "There is no open adverse record from that department.");
        }

        return Reason(c.Reason) ?? Accept(new AdverseRecordDismissed(c.ConsultationId, c.Department, c.Reason.Trim(), now));
    }

    private static Decision<IApplicationEvent> Conclude(ApplicationState state, ApplicationContext ctx)
    {
        if (InStage(state, ctx, StageKind.Consultation) is { } no)
        {
            return no;
        }

        if (state.OpenAdverseRecords.Count > 0)
        {
            var departments = string.Join("、", state.OpenAdverseRecords.Select(r => DepartmentNames.Zh(r.Department)));
            return Refusal.Rule("application.adverse-record-open", $"{departments}反馈了不良记录，须由办公室作出处理决定后才能继续。", "A department reported an adverse record; the office must decide on it first.");
        }

        return Advance(state, ctx, new ConsultationConcluded(state.StageIndex, ctx.Now));
    }

    private static Decision<IApplicationEvent> AcceptApplication(Accept c, ApplicationState state, ApplicationContext ctx)
    {
        if (InStage(state, ctx, StageKind.FormalReview) is { } no)
        {
            return no;
        }

        if (state.OpenAdverseRecords.Count > 0)
        {
            return Refusal.Rule("application.adverse-record-open", "有部门反馈了不良记录，须先作出处理决定。", "An adverse record is open; decide on it first.");
        }

        if (c.Note is { Length: > MaxReasonLength })
        {
            return Refusal.Invalid("application.note-too-long", "备注过长。", "The note is too long.", "note");
        }

        if (FreeText.Visible(c.Note, "note") is { } invisible)
        {
            return invisible;
        }

        // The formal review checks bans and re-application rules again against the award register
        // as it stands now: a ban recorded after the submission still stops the application.
        var eligibility = EligibilityRules.Check(ctx.Policy, state.Category, state.Form, ctx.History, ctx.Cycle.CycleId, ctx.Today);
        if (!eligibility.Eligible)
        {
            return Ineligible(eligibility);
        }

        return Advance(state, ctx, new ApplicationAccepted(c.Note?.Trim(), ctx.Now));
    }

    /// <summary>Every reason at once, so the applicant or the office reads the whole answer.</summary>
    private static Refusal Ineligible(EligibilityReport eligibility)
    {
        var first = eligibility.Refusals[0];
        return first with
        {
            Zh = ZhText.JoinSentences(eligibility.Refusals.Select(r => r.Zh)),
            En = ZhText.JoinSentencesEn(eligibility.Refusals.Select(r => r.En)),
        };
    }

    private static Decision<IApplicationEvent> Pass(PassNotice c, ApplicationState state, ApplicationContext ctx)
    {
        if (state.NoticesPassed.Contains(c.NoticeId))
        {
            return Decision<IApplicationEvent>.Nothing;
        }

        if (InStage(state, ctx, StageKind.PublicNotice) is { } no)
        {
            return no;
        }

        var stage = CurrentStage(state, ctx);
        if (stage.List != c.List)
        {
            return Refusal.Rule("application.wrong-notice", $"该申报当前处于{stage.List?.Zh()}公示环节。", $"The application is in the {stage.List} notice.");
        }

        if (state.OpenAdverseRecords.Count > 0)
        {
            return Refusal.Rule("application.adverse-record-open", "有部门反馈了不良记录，须先作出处理决定。", "An adverse record is open; decide on it first.");
        }

        return Advance(state, ctx, new NoticePassed(c.NoticeId, c.List, ctx.Now));
    }

    // ---- review ------------------------------------------------------------------------------

    private static Decision<IApplicationEvent> Score(RecordStageScore c, ApplicationState state, ApplicationContext ctx)
    {
        if (c.Stage is not (StageKind.MaterialReview or StageKind.SiteReview or StageKind.CustomerSatisfaction or StageKind.Presentation))
        {
            return Refusal.Invalid("score.stage-not-scored", "该环节不计分。", "That stage is not scored.", "stage");
        }

        if (InStage(state, ctx, c.Stage) is { } no)
        {
            return no;
        }

        if (state.Scores.ContainsKey(c.Stage))
        {
            return state.Scores[c.Stage].Points == c.Points
                ? Decision<IApplicationEvent>.Nothing
                : Refusal.Rule("score.already-recorded", "该环节得分已记录。", "The stage's score is recorded already.");
        }

        decimal max = c.Stage == StageKind.CustomerSatisfaction ? 100 : ctx.Policy.Scoring.SheetFor(state.Category).MaxTotal;
        if (c.Points < 0 || c.Points > max || decimal.Round(c.Points, 2) != c.Points)
        {
            return Refusal.Invalid("score.out-of-range", $"得分应在0至{max}之间，至多两位小数。", $"The score must be between 0 and {max}, with at most two decimals.", "points");
        }

        var percent = decimal.Round(c.Points * 100m / max, 2, MidpointRounding.AwayFromZero);
        var scored = new StageScored(c.Stage, c.Points, max, percent, c.ReportReference, ctx.Now);
        var waitsForShortlist = c.Stage == StageKind.MaterialReview && CurrentStage(state, ctx).Shortlist;
        return waitsForShortlist ? Accept(scored) : Advance(state, ctx, scored);
    }

    private static Decision<IApplicationEvent> ApplyShortlist(ApplyShortlistDecision c, ApplicationState state, ApplicationContext ctx)
    {
        if (InStage(state, ctx, StageKind.MaterialReview) is { } no)
        {
            return no;
        }

        if (!CurrentStage(state, ctx).Shortlist)
        {
            return Refusal.Rule("application.no-shortlist", "本政策没有现场评审名单环节。", "The policy has no shortlist.");
        }

        if (!state.Scores.ContainsKey(StageKind.MaterialReview))
        {
            return Refusal.Rule("application.not-scored", "材料评审尚未评分。", "The material review has not been scored.");
        }

        var decided = new ShortlistDecided(c.Shortlisted, c.Rank, ctx.Now);
        return c.Shortlisted ? Advance(state, ctx, decided) : Accept(decided);
    }

    private static Decision<IApplicationEvent> Composite(ComputeComposite c, ApplicationState state, ApplicationContext ctx)
    {
        if (InStage(state, ctx, StageKind.CompositeEvaluation) is { } no)
        {
            return no;
        }

        if (state.Composite is not null)
        {
            return Decision<IApplicationEvent>.Nothing;
        }

        var result = CompositeScore.Compute(ctx.Policy, state.Category, state.Scores, c.ConfirmedPreferences, ctx.Now);
        return result.IsOk ? Accept(result.Value) : result.Refusal!;
    }

    private static Decision<IApplicationEvent> Candidacy(ApplyCandidacy c, ApplicationState state, ApplicationContext ctx)
    {
        if (InStage(state, ctx, StageKind.CompositeEvaluation) is { } no)
        {
            return no;
        }

        if (state.Composite is null)
        {
            return Refusal.Rule("application.not-scored", "尚未进行综合评价。", "The composite score has not been computed.");
        }

        if (!ctx.Policy.Offers(c.Tier))
        {
            return Refusal.Invalid("application.tier-invalid", $"本政策不设{EligibilityRules.TierZh(c.Tier)}。", $"The policy has no {c.Tier}.", "tier");
        }

        if (EligibilityRules.NominationBarred(ctx.Policy, ctx.History, c.Tier))
        {
            return Refusal.Rule("application.no-repeat-nomination", "曾获提名奖者不再重复授予提名奖。", "A former nominee is not nominated again.");
        }

        return Advance(state, ctx, new CandidateNominated(c.Tier, c.Rank, ctx.Now));
    }

    private static Decision<IApplicationEvent> NotSelected(MarkNotSelected c, ApplicationState state, ApplicationContext ctx)
    {
        if (Open(state) is { } no)
        {
            return no;
        }

        if (state.Stage is not (StageKind.CompositeEvaluation or StageKind.Deliberation or StageKind.PublicNotice))
        {
            return Refusal.Rule("application.out-of-order", "只有在综合评价或审议环节才能作出未入选决定。", "Only at composite evaluation or deliberation.");
        }

        return Reason(c.Reason) ?? Accept(new ApplicationNotSelected(state.Stage.Value, c.Reason.Trim(), ctx.Now));
    }

    private static Decision<IApplicationEvent> Proposal(ApplyProposal c, ApplicationState state, ApplicationContext ctx)
    {
        if (InStage(state, ctx, StageKind.Deliberation) is { } no)
        {
            return no;
        }

        if (!ctx.Policy.Offers(c.Tier))
        {
            return Refusal.Invalid("application.tier-invalid", $"本政策不设{EligibilityRules.TierZh(c.Tier)}。", $"The policy has no {c.Tier}.", "tier");
        }

        if (state.Candidate is { } candidate && candidate.Tier != c.Tier)
        {
            return Refusal.Rule("application.tier-mismatch", $"该申报是{EligibilityRules.TierZh(candidate.Tier)}候选人。", $"The application is a candidate for the {candidate.Tier}.");
        }

        if (EligibilityRules.NominationBarred(ctx.Policy, ctx.History, c.Tier))
        {
            return Refusal.Rule("application.no-repeat-nomination", "曾获提名奖者不再重复授予提名奖。", "A former nominee is not nominated again.");
        }

        return Advance(state, ctx, new ProposedAsWinner(c.Tier, ctx.Now));
    }

    private static Decision<IApplicationEvent> Approve(GrantApproval c, ApplicationState state, ApplicationContext ctx)
    {
        if (InStage(state, ctx, StageKind.Approval) is { } no)
        {
            return no;
        }

        var steps = CurrentStage(state, ctx).Approvals!;
        var expected = steps.Count > state.ApprovalsGranted.Count ? steps[state.ApprovalsGranted.Count] : null;
        if (state.ApprovalsGranted.Contains(c.StepCode))
        {
            return Decision<IApplicationEvent>.Nothing;
        }

        if (steps.All(s => s.Code != c.StepCode))
        {
            return Refusal.Invalid("approval.unknown-step", $"“{c.StepCode}”不是本政策的审批步骤。", $"'{c.StepCode}' is not an approval step of this policy.", "stepCode");
        }

        if (expected is null || expected.Code != c.StepCode)
        {
            return Refusal.Rule("approval.out-of-order", $"须先完成“{expected?.Title}”。", $"'{expected?.Code}' comes first.");
        }

        if (string.IsNullOrWhiteSpace(c.Reference) || c.Reference.Length > 200)
        {
            return Refusal.Invalid("approval.reference-missing", "请填写审批文件或会议纪要的编号。", "Give the approval's reference.", "reference");
        }

        if (FreeText.Visible(c.Reference, "reference") is { } invisible)
        {
            return invisible;
        }

        return Accept(new ApprovalGranted(c.StepCode, c.Reference.Trim(), ctx.Now));
    }

    private static Decision<IApplicationEvent> Confer(ConferAward c, ApplicationState state, ApplicationContext ctx)
    {
        if (state.Status == ApplicationStatus.Awarded)
        {
            return state.Award!.AnnouncementReference == c.AnnouncementReference
                ? Decision<IApplicationEvent>.Nothing
                : Refusal.Rule("application.already-awarded", "该申报已获奖。", "The application has been awarded already.");
        }

        if (InStage(state, ctx, StageKind.Approval) is { } no)
        {
            return no;
        }

        var stage = CurrentStage(state, ctx);
        var missing = stage.Approvals!.FirstOrDefault(s => !state.ApprovalsGranted.Contains(s.Code));
        if (missing is not null)
        {
            return Refusal.Rule("approval.incomplete", $"尚未完成“{missing.Title}”（{stage.Article}）。", $"'{missing.Code}' has not been granted ({stage.Article}).");
        }

        if (string.IsNullOrWhiteSpace(c.AnnouncementReference))
        {
            return Refusal.Invalid("award.reference-missing", $"请填写{stage.AnnouncedBy}公布文件的文号。", "Give the announcement's reference.", "announcementReference");
        }

        if (FreeText.Visible(c.AnnouncementReference, "announcementReference") is { } invisible)
        {
            return invisible;
        }

        var tier = state.ProposedTier!.Value;
        var policy = ctx.Policy;
        var prizes = policy.Prizes.Single(p => p.Tier == tier && p.Category == state.Category).Items;
        var (money, outsideQuota) = Prizes.Money(policy, state.Category, tier, ctx.History);
        // The number was given by the cycle's announcement (one event for every winner), never here.
        var certificate = ctx.Cycle.Announcement?.Certificates.FirstOrDefault(x => x.ApplicationId == state.ApplicationId);
        return Accept(new ApplicationAwarded(tier, ctx.Cycle.Year, c.AwardedOn, prizes, money, outsideQuota, c.AnnouncementReference.Trim(), certificate?.Number, certificate?.VerificationCode, ctx.Now));
    }

    private static Decision<IApplicationEvent> DisqualifyApplication(Disqualify c, ApplicationState state, DateTimeOffset now)
    {
        if (state.Status == ApplicationStatus.Disqualified)
        {
            return Decision<IApplicationEvent>.Nothing;
        }

        if (state.Status == ApplicationStatus.Awarded)
        {
            return Refusal.Rule("application.awarded", "已获奖的，应按撤销程序处理。", "The application has been awarded: revoke it instead.");
        }

        if (state.Status != ApplicationStatus.InProcess)
        {
            return Refusal.Rule("application.not-in-process", "该申报不在评审过程中。", "The application is not in the process.");
        }

        return Reason(c.Reason) ?? Accept(new ApplicationDisqualified(c.Ground, c.Reason.Trim(), state.Stage!.Value, now));
    }

    // ---- corrections ---------------------------------------------------------------------------

    /// <summary>The stages the office may take an application back to: where a cohort decision is taken.</summary>
    public static bool IsDecisionStage(AwardPolicy policy, StageKind stage) =>
        stage is StageKind.CompositeEvaluation or StageKind.Deliberation
        || (stage == StageKind.MaterialReview && policy.Stage(StageKind.MaterialReview) is { Shortlist: true });

    /// <summary>The cycle's decision taken at a stage: the shortlist, the candidates, the proposed winners.</summary>
    public static CycleDecision DecisionAt(StageKind stage) => stage switch
    {
        StageKind.MaterialReview => CycleDecision.Shortlist,
        StageKind.CompositeEvaluation => CycleDecision.Candidates,
        _ => CycleDecision.Winners,
    };

    /// <summary>
    /// May the application go back to <paramref name="stage"/> (or, ended by a cohort decision, come
    /// back at the stage it ended at)? Null when yes. The cycle's decision there must have been
    /// withdrawn first (<see cref="CycleDecider.PermWithdrawDecision"/>), so an application never
    /// stands before a decision the cycle still holds; after the announcement only revocation applies.
    /// </summary>
    public static Refusal? PermReopen(ApplicationState state, StageKind stage, ApplicationContext ctx)
    {
        if (ctx.Cycle.Announcement is not null)
        {
            return Refusal.Rule("application.announced", "获奖名单已公布，只能依撤销程序处理。", "The awards have been announced: only revocation applies now.");
        }

        var target = ctx.Policy.Stages.ToList().FindIndex(s => s.Kind == stage);
        var ended = state.Status is ApplicationStatus.NotShortlisted or ApplicationStatus.NotSelected;
        if (ended)
        {
            // Back where the decision ended it, once that decision is withdrawn.
            if (stage != state.Stage)
            {
                return Refusal.Rule("application.reopen-where-ended", $"该申报在“{ctx.Policy.TitleAt(state.StageIndex, state.Stage)}”环节结束，只能在该环节恢复。", $"The application ended at {state.Stage}; it comes back there only.", "stage");
            }

            var decision = state.Status == ApplicationStatus.NotShortlisted ? CycleDecision.Shortlist : state.Stage == StageKind.CompositeEvaluation ? CycleDecision.Candidates : CycleDecision.Winners;
            return CycleDecider.Stands(ctx.Cycle, decision) ? DecisionStands(decision)
                : ctx.Cycle.Withdrawn.Contains(decision) ? null
                : Refusal.Rule("application.cannot-reopen", $"该申报已结束（{StatusZh(state.Status)}），结束它的决定并未撤回，不能恢复。", $"The application has ended ({state.Status}) and the decision that ended it was not withdrawn.");
        }

        if (Open(state) is not null)
        {
            return Refusal.Rule("application.cannot-reopen", $"该申报已结束（{StatusZh(state.Status)}），不能恢复。", $"The application has ended ({state.Status}); it cannot be reopened.");
        }

        if (!IsDecisionStage(ctx.Policy, stage) || target < 0)
        {
            return Refusal.Invalid("application.stage-not-reopenable", $"“{ctx.Policy.TitleOf(stage)}”不是可以退回的决定环节。", $"{stage} is not a decision stage the application can go back to.", "stage");
        }

        if (target > state.StageIndex)
        {
            return Refusal.Rule("application.stage-not-reached", $"该申报尚未进入“{ctx.Policy.TitleOf(stage)}”环节。", $"The application has not reached {stage}.", "stage");
        }

        return CycleDecider.Stands(ctx.Cycle, DecisionAt(stage)) ? DecisionStands(DecisionAt(stage)) : null;
    }

    private static Refusal DecisionStands(CycleDecision decision) => Refusal.Rule(
        "application.decision-stands",
        $"本届{CycleDecider.DecisionZh(decision)}仍然有效，须先撤回。",
        $"The cycle's {decision} decision stands: withdraw it first.");

    private static Decision<IApplicationEvent> Reopen(ReopenStage c, ApplicationState state, ApplicationContext ctx)
    {
        if (PermReopen(state, c.Stage, ctx) is { } no)
        {
            return no;
        }

        // Already there, nothing decided yet: a repeat.
        var index = state.Status == ApplicationStatus.InProcess ? ctx.Policy.Stages.ToList().FindIndex(s => s.Kind == c.Stage) : state.StageIndex;
        var undecided = state.ProposedTier is null && state.ApprovalsGranted.Count == 0
            && (c.Stage != StageKind.CompositeEvaluation || state.Candidate is null)
            && (c.Stage != StageKind.MaterialReview || (state.Shortlist is null && state.Composite is null && state.Scores.Keys.All(k => k == StageKind.MaterialReview)));
        if (state.Status == ApplicationStatus.InProcess && state.StageIndex == index && undecided)
        {
            return Decision<IApplicationEvent>.Nothing;
        }

        return Reason(c.Reason) ?? Accept(new StageReopened(index, c.Stage, c.Reason.Trim(), ctx.Now));
    }

    private static Decision<IApplicationEvent> Revoke(RevokeAward c, ApplicationState state, ApplicationContext ctx)
    {
        if (state.Status == ApplicationStatus.Revoked)
        {
            return Decision<IApplicationEvent>.Nothing;
        }

        if (state.Status != ApplicationStatus.Awarded)
        {
            return Refusal.Rule("revocation.not-awarded", "只能撤销已获得的奖项。", "Only an award can be revoked.");
        }

        var policy = ctx.Policy;
        var ground = policy.Revocation.Grounds.FirstOrDefault(g => g.Code == c.GroundCode && g.Category == state.Category);
        if (ground is null)
        {
            return Refusal.Invalid("revocation.ground-unknown", $"“{c.GroundCode}”不是本政策规定的撤销情形。", $"'{c.GroundCode}' is not a revocation ground of this policy.", "groundCode");
        }

        var award = state.Award!;
        if (c.RevokedOn < award.AwardedOn || c.RevokedOn > ctx.Today)
        {
            return Refusal.Invalid("revocation.date-invalid", "撤销日期须在获奖日期之后且不晚于今天。", "The revocation date must be after the award and not in the future.", "revokedOn");
        }

        if (c.OccurredOn is { } occurred && occurred > c.RevokedOn)
        {
            return Refusal.Invalid("revocation.date-invalid", "撤销情形的发生日期不能晚于撤销日期。", "The ground cannot arise after the revocation date.", "occurredOn");
        }

        // Changde §30, Benxi §32: what happens within the window revokes, even when decided after it.
        var arose = c.OccurredOn ?? c.RevokedOn;
        if (ground.WithinWindowOnly && policy.Revocation.WindowYears is { } window && arose >= award.AwardedOn.AddYears(window))
        {
            return Refusal.Rule(
                "revocation.window-passed",
                $"依{ground.Article}，此情形须在获奖后{window}年内（{award.AwardedOn:yyyy年M月d日}至{award.AwardedOn.AddYears(window).AddDays(-1):yyyy年M月d日}）发生方可撤销奖励。",
                $"{ground.Article}: this ground revokes only within {window} years of the award ({award.AwardedOn:yyyy-MM-dd}).");
        }

        if (string.IsNullOrWhiteSpace(c.DecisionReference))
        {
            return Refusal.Invalid("revocation.reference-missing", $"请填写{policy.Revocation.DecidedBy}撤销决定的文号。", "Give the revocation decision's reference.", "decisionReference");
        }

        if (FreeText.Visible(c.DecisionReference, "decisionReference") is { } invisible)
        {
            return invisible;
        }

        var recover = policy.Revocation.RecoverMoney ? award.MoneyYuan : 0;
        return Reason(c.Reason) ?? Accept(new AwardRevoked(ground.Code, ground.Consequence, c.Reason.Trim(), c.RevokedOn, recover, c.DecisionReference.Trim(), ctx.Now));
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static Decision<IApplicationEvent> Accept(params IApplicationEvent[] events) => Decision<IApplicationEvent>.Accept(events);

    private static StageRule CurrentStage(ApplicationState state, ApplicationContext ctx) => ctx.Policy.Stages[state.StageIndex];

    private static Refusal? Open(ApplicationState state) => state.Status switch
    {
        ApplicationStatus.InProcess => null,
        ApplicationStatus.Draft => Refusal.Rule("application.not-submitted", "申报尚未提交。", "The application has not been submitted."),
        _ => Refusal.Rule("application.ended", $"该申报已结束（{StatusZh(state.Status)}）。", $"The application has ended ({state.Status})."),
    };

    /// <summary>Refuses unless the application is in process and at the given stage kind.</summary>
    private static Refusal? InStage(ApplicationState state, ApplicationContext ctx, StageKind kind)
    {
        if (Open(state) is { } closed)
        {
            return closed;
        }

        if (state.Stage == kind)
        {
            return null;
        }

        var wanted = ctx.Policy.Stage(kind);
        if (wanted is null || !StagePlan.Applies(wanted, state.Category, state.Form.SectorFor(state.Category), state.SecurityFlagged))
        {
            return Refusal.Rule("application.stage-not-in-policy", $"本政策对该申报没有“{ctx.Policy.TitleOf(kind)}”环节。", $"The policy has no {kind} stage for this application.");
        }

        return Refusal.Rule(
            "application.out-of-order",
            $"该申报当前处于“{ctx.Policy.TitleAt(state.StageIndex, state.Stage)}”环节，不能进行“{ctx.Policy.TitleOf(kind)}”。",
            $"The application is at {state.Stage}, not {kind}.");
    }

    private static Refusal? Reason(string? reason) =>
        string.IsNullOrWhiteSpace(reason)
            ? Refusal.Invalid("reason.missing", "请说明理由。", "Give a reason.", "reason")
            : reason.Length > MaxReasonLength
                ? Refusal.Invalid("reason.too-long", $"理由不能超过{MaxReasonLength}字。", $"The reason is limited to {MaxReasonLength} characters.", "reason")
                : FreeText.Visible(reason, "reason");

    /// <summary>Record the stage's outcome and move to the next stage that applies.</summary>
    private static Decision<IApplicationEvent> Advance(ApplicationState state, ApplicationContext ctx, IApplicationEvent outcome)
    {
        var next = StagePlan.Next(ctx.Policy, state.StageIndex, state.Category, state.Form.SectorFor(state.Category), state.SecurityFlagged);
        return next is { } index
            ? Accept(outcome, new StageEntered(index, ctx.Policy.Stages[index].Kind, ctx.Now))
            : Accept(outcome);
    }

    public static string StatusZh(ApplicationStatus status) => status switch
    {
        ApplicationStatus.Draft => "草稿",
        ApplicationStatus.InProcess => "评审中",
        ApplicationStatus.Awarded => "已获奖",
        ApplicationStatus.Withdrawn => "已撤回",
        ApplicationStatus.Declined => "未获推荐",
        ApplicationStatus.Refused => "不予受理",
        ApplicationStatus.NotShortlisted => "未进入现场评审",
        ApplicationStatus.NotSelected => "未入选",
        ApplicationStatus.Disqualified => "已取消资格",
        ApplicationStatus.Revoked => "奖励已撤销",
        _ => "不存在",
    };
}
