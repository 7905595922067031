using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Awards;

public interface IHolderCommand;

/// <summary>Record a ban of the policy against the applicant, from <see cref="StartsOn"/>.</summary>
public sealed record RecordBan(string BanId, BanReason Reason, DateOnly StartsOn, string Cause, string DecisionReference) : IHolderCommand;

public sealed record EndValidity(string ApplicationId) : IHolderCommand;

/// <summary>The workflow links a submitted application to its applicant's record.</summary>
public sealed record LinkApplication(string ApplicationId, string CycleId) : IHolderCommand;

public sealed record MarkInspectionDue(string ApplicationId, DateOnly DueOn) : IHolderCommand;

public sealed record RecordInspection(string InspectionId, string ApplicationId, DateOnly VisitedOn, string Findings, string? FollowUps) : IHolderCommand;

public sealed record MarkConsultationDue(string ApplicationId, DateOnly DueOn) : IHolderCommand;

/// <summary>A department's adverse answer in a consultation about the holder (the system records it).</summary>
public sealed record ReportHolderAdverseRecord(string ConsultationId, string ApplicationId, Department Department, string Details, string? FileId) : IHolderCommand;

public sealed record ReportChange(string ChangeId, string ApplicationId, ChangeKind Kind, string Description, DateOnly EffectiveOn) : IHolderCommand;

public sealed record ReviewChange(string ChangeId, ChangeReviewOutcome Outcome, string Note) : IHolderCommand;

public sealed record RecordRecovery(string ApplicationId, long Yuan, DateOnly RecoveredOn, string Reference) : IHolderCommand;

/// <summary>
/// The office proposes revocation on a ground of the policy. <see cref="OccurredOn"/> is when the
/// ground arose (Changde §30, Benxi §32 count the window from the award to that day).
/// </summary>
public sealed record ProposeRevocation(string ProposalId, string ApplicationId, string GroundCode, string Reason, DateOnly? OccurredOn) : IHolderCommand;

/// <summary>The office records the deciding body's approval, after the award was revoked on its application.</summary>
public sealed record RecordRevocationApproval(string ProposalId, DateOnly RevokedOn, string DecisionReference) : IHolderCommand;

/// <summary>
/// What a holder decision needs from outside its stream: the awards the register holds for the
/// applicant (with their cycles' policies) and, for a ban, the policy it is recorded under.
/// </summary>
public sealed record HolderContext(IReadOnlyList<HeldAward> Awards, AwardPolicy? Policy, Actor Actor, DateTimeOffset Now)
{
    public DateOnly Today => ShanghaiTime.DateOf(Now);
}

/// <summary>
/// After the award: bans, the end of validity, periodic visits and consultations, change reports
/// and money recovered, each refused with a reason when it does not fit the policy or the record.
/// Pure: no clock, no storage.
/// </summary>
public static class HolderDecider
{
    public const int MaxText = 5_000;

    public static Decision<IHolderEvent> Decide(IHolderCommand command, HolderState state, HolderContext ctx)
    {
        if (Permission(command, state, ctx) is { } denied)
        {
            return denied;
        }

        return command switch
        {
            RecordBan c => Ban(c, state, ctx),
            EndValidity c => EndValidityOf(c, state, ctx),
            LinkApplication c => state.Applications.Any(a => a.ApplicationId == c.ApplicationId)
                ? Decision<IHolderEvent>.Nothing
                : Accept(new HolderApplicationLinked(c.ApplicationId, c.CycleId, ctx.Now)),
            MarkInspectionDue c => Held(c.ApplicationId, ctx, activeOnly: true) is { } no ? no
                : state.InspectionsDue.Any(d => d.ApplicationId == c.ApplicationId && d.DueOn == c.DueOn) ? Decision<IHolderEvent>.Nothing
                : Accept(new InspectionDue(c.ApplicationId, c.DueOn, ctx.Now)),
            MarkConsultationDue c => Held(c.ApplicationId, ctx, activeOnly: true) is { } no ? no
                : state.ConsultationsDue.Any(d => d.ApplicationId == c.ApplicationId && d.DueOn == c.DueOn) ? Decision<IHolderEvent>.Nothing
                : Accept(new HolderConsultationDue(c.ApplicationId, c.DueOn, ctx.Now)),
            ReportHolderAdverseRecord c => Held(c.ApplicationId, ctx, activeOnly: false) is { } no ? no
                : state.AdverseRecords.Any(r => r.ConsultationId == c.ConsultationId && r.ApplicationId == c.ApplicationId && r.Department == c.Department) ? Decision<IHolderEvent>.Nothing
                : Accept(new HolderAdverseRecordReported(c.ConsultationId, c.ApplicationId, c.Department, c.Details, c.FileId, ctx.Now)),
            RecordInspection c => Inspect(c, state, ctx),
            ReportChange c => Change(c, state, ctx),
            ReviewChange c => Review(c, state, ctx),
            RecordRecovery c => Recover(c, state, ctx),
            ProposeRevocation c => Propose(c, state, ctx),
            RecordRevocationApproval c => ApproveRevocation(c, state, ctx),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name),
        };
    }

    /// <summary>Who may do what: the office runs the register; the workflow marks what falls due; the owner of an award reports its changes.</summary>
    public static Refusal? Permission(IHolderCommand command, HolderState state, HolderContext ctx) => command switch
    {
        EndValidity or MarkInspectionDue or MarkConsultationDue or ReportHolderAdverseRecord or LinkApplication => ctx.Actor.Role == Roles.System ? null : OfficeOnly(),
        ReportChange c => ctx.Actor.Role == Roles.Applicant && ctx.Awards.Any(a => a.ApplicationId == c.ApplicationId && a.OwnerSubject == ctx.Actor.Subject)
            ? null
            : Refusal.NotFound("holder.award-not-found", "没有找到您持有的该奖项。", "No such award of yours."),
        _ => ctx.Actor.Role == Roles.Office ? null : OfficeOnly(),
    };

    private static Decision<IHolderEvent> Ban(RecordBan c, HolderState state, HolderContext ctx)
    {
        if (state.Bans.Any(b => b.BanId == c.BanId))
        {
            return Decision<IHolderEvent>.Nothing;
        }

        var policy = ctx.Policy ?? throw new InvalidOperationException("A ban is recorded under a policy.");
        var rule = policy.Bans.FirstOrDefault(b => b.Reason == c.Reason);
        if (rule is null)
        {
            var listed = policy.Bans.Count == 0 ? "本政策未规定任何禁止申报的情形" : "本政策规定的情形为：" + string.Join("、", policy.Bans.Select(b => $"{ReasonZh(b.Reason)}（{b.Article}）"));
            return Refusal.Invalid("ban.not-in-policy", $"{policy.AwardName}没有规定因“{ReasonZh(c.Reason)}”禁止申报；{listed}。", $"{policy.Id} sets no ban for {c.Reason}.", "reason");
        }

        if (c.StartsOn > ctx.Today)
        {
            return Refusal.Invalid("ban.date-invalid", "禁止申报的起始日期不能晚于今天。", "A ban cannot start in the future.", "startsOn");
        }

        return Text(c.Cause, "cause") ?? Reference(c.DecisionReference)
            ?? Accept(new HolderBanRecorded(c.BanId, policy.Id, c.Reason, c.StartsOn, rule.Unit, rule.Length, rule.AllQualityAwards, rule.Article, c.Cause.Trim(), c.DecisionReference.Trim(), ctx.Now));
    }

    private static Decision<IHolderEvent> EndValidityOf(EndValidity c, HolderState state, HolderContext ctx)
    {
        if (state.ValidityEnded.Contains(c.ApplicationId))
        {
            return Decision<IHolderEvent>.Nothing;
        }

        var award = ctx.Awards.FirstOrDefault(a => a.ApplicationId == c.ApplicationId);
        if (award is null)
        {
            return NotHeld();
        }

        if (award.ValidUntil is not { } until || ctx.Today < until)
        {
            return Refusal.Rule("holder.still-valid", "该奖项仍在有效期内。", "The award is still valid.");
        }

        return award.Revoked ? Decision<IHolderEvent>.Nothing : Accept(new AwardValidityEnded(c.ApplicationId, until, ctx.Now));
    }

    private static Decision<IHolderEvent> Inspect(RecordInspection c, HolderState state, HolderContext ctx)
    {
        if (state.Inspections.Any(i => i.InspectionId == c.InspectionId))
        {
            return Decision<IHolderEvent>.Nothing;
        }

        var award = ctx.Awards.FirstOrDefault(a => a.ApplicationId == c.ApplicationId);
        if (award is null)
        {
            return NotHeld();
        }

        if (c.VisitedOn < award.AwardedOn || c.VisitedOn > ctx.Today)
        {
            return Refusal.Invalid("inspection.date-invalid", "巡访日期须在获奖之后且不晚于今天。", "The visit must be after the award and not in the future.", "visitedOn");
        }

        return Text(c.Findings, "findings") ?? OptionalText(c.FollowUps, "followUps")
            ?? Accept(new InspectionRecorded(c.InspectionId, c.ApplicationId, c.VisitedOn, c.Findings.Trim(), string.IsNullOrWhiteSpace(c.FollowUps) ? null : c.FollowUps.Trim(), ctx.Now));
    }

    private static Decision<IHolderEvent> Change(ReportChange c, HolderState state, HolderContext ctx)
    {
        if (state.Changes.Any(x => x.Reported.ChangeId == c.ChangeId))
        {
            return Decision<IHolderEvent>.Nothing;
        }

        if (Held(c.ApplicationId, ctx, activeOnly: true) is { } no)
        {
            return no;
        }

        var rule = ctx.Awards.First(a => a.ApplicationId == c.ApplicationId).Policy.AfterAward;
        if (!rule.ChangeReportRequired)
        {
            return Refusal.Rule("change.not-in-policy", "本政策没有规定获奖者报告重大变化的程序，请直接与评委会办公室联系。", "This policy has no change reports; contact the office.");
        }

        if (c.EffectiveOn > ctx.Today.AddYears(1))
        {
            return Refusal.Invalid("change.date-invalid", "变化的生效日期不能晚于一年之后。", "The change's date is more than a year ahead.", "effectiveOn");
        }

        return Text(c.Description, "description")
            ?? Accept(new HolderChangeReported(c.ChangeId, c.ApplicationId, c.Kind, c.Description.Trim(), c.EffectiveOn, rule.ChangeReportArticle ?? string.Empty, ctx.Now));
    }

    private static Decision<IHolderEvent> Review(ReviewChange c, HolderState state, HolderContext ctx)
    {
        var change = state.Changes.FirstOrDefault(x => x.Reported.ChangeId == c.ChangeId);
        if (change is null)
        {
            return Refusal.NotFound("change.not-found", "没有该变化报告。", "No such change report.");
        }

        if (change.Review is { } done)
        {
            return done.Outcome == c.Outcome
                ? Decision<IHolderEvent>.Nothing
                : Refusal.Rule("change.already-reviewed", "该变化报告已审核。", "The change report has been reviewed already.");
        }

        return Text(c.Note, "note") ?? Accept(new HolderChangeReviewed(c.ChangeId, c.Outcome, c.Note.Trim(), ctx.Now));
    }

    private static Decision<IHolderEvent> Recover(RecordRecovery c, HolderState state, HolderContext ctx)
    {
        var award = ctx.Awards.FirstOrDefault(a => a.ApplicationId == c.ApplicationId);
        if (award is null)
        {
            return NotHeld();
        }

        if (state.Recoveries.Any(r => r.ApplicationId == c.ApplicationId && r.Reference == c.Reference?.Trim() && r.Yuan == c.Yuan && r.RecoveredOn == c.RecoveredOn))
        {
            return Decision<IHolderEvent>.Nothing;
        }

        if (!award.Revoked)
        {
            return Refusal.Rule("recovery.not-revoked", "奖项未被撤销，不能追缴奖励资金。", "The award has not been revoked.");
        }

        var outstanding = award.MoneyToRecoverYuan - state.RecoveredYuan(c.ApplicationId);
        if (c.Yuan <= 0 || c.Yuan > outstanding)
        {
            return Refusal.Invalid("recovery.amount-invalid", $"追缴金额须大于0且不超过尚未追回的{outstanding}元。", $"The amount must be above 0 and at most the {outstanding} yuan still owed.", "yuan");
        }

        if (c.RecoveredOn < award.AwardedOn || c.RecoveredOn > ctx.Today)
        {
            return Refusal.Invalid("recovery.date-invalid", "追回日期须在获奖之后且不晚于今天。", "The date must be after the award and not in the future.", "recoveredOn");
        }

        return Reference(c.Reference) ?? Accept(new AwardMoneyRecovered(c.ApplicationId, c.Yuan, c.RecoveredOn, c.Reference.Trim(), ctx.Now));
    }

    private static Decision<IHolderEvent> Propose(ProposeRevocation c, HolderState state, HolderContext ctx)
    {
        if (state.Proposals.Any(p => p.Proposed.ProposalId == c.ProposalId))
        {
            return Decision<IHolderEvent>.Nothing;
        }

        if (Held(c.ApplicationId, ctx, activeOnly: true) is { } no)
        {
            return no;
        }

        if (state.Proposals.Any(p => p.IsOpen && p.Proposed.ApplicationId == c.ApplicationId))
        {
            return Refusal.Rule("revocation.proposal-open", "该奖项已有待审定的撤销建议。", "A revocation proposal for this award awaits its decision.");
        }

        var award = ctx.Awards.First(a => a.ApplicationId == c.ApplicationId);
        var policy = award.Policy;
        var ground = policy.Revocation.Grounds.FirstOrDefault(g => g.Code == c.GroundCode && g.Category == award.Category);
        if (ground is null)
        {
            return Refusal.Invalid("revocation.ground-unknown", $"“{c.GroundCode}”不是本政策规定的撤销情形。", $"'{c.GroundCode}' is not a revocation ground of this policy.", "groundCode");
        }

        var arose = c.OccurredOn ?? ctx.Today;
        if (arose < award.AwardedOn || arose > ctx.Today)
        {
            return Refusal.Invalid("revocation.date-invalid", "撤销情形的发生日期须在获奖之后且不晚于今天。", "The ground must arise after the award and not in the future.", "occurredOn");
        }

        if (ground.WithinWindowOnly && policy.Revocation.WindowYears is { } window && arose >= award.AwardedOn.AddYears(window))
        {
            return Refusal.Rule(
                "revocation.window-passed",
                $"依{ground.Article}，此情形须在获奖后{window}年内（{award.AwardedOn:yyyy年M月d日}至{award.AwardedOn.AddYears(window).AddDays(-1):yyyy年M月d日}）发生方可撤销奖励。",
                $"{ground.Article}: this ground revokes only within {window} years of the award ({award.AwardedOn:yyyy-MM-dd}).");
        }

        return Text(c.Reason, "reason")
            ?? Accept(new RevocationProposed(c.ProposalId, c.ApplicationId, ground.Code, ground.Article, c.Reason.Trim(), c.OccurredOn, policy.Revocation.DecidedBy, ctx.Now));
    }

    private static Decision<IHolderEvent> ApproveRevocation(RecordRevocationApproval c, HolderState state, HolderContext ctx)
    {
        var proposal = state.Proposals.FirstOrDefault(p => p.Proposed.ProposalId == c.ProposalId);
        if (proposal is null)
        {
            return Refusal.NotFound("revocation.proposal-not-found", "没有该撤销建议。", "No such revocation proposal.");
        }

        if (proposal.Approval is { } done)
        {
            return done.DecisionReference == c.DecisionReference?.Trim()
                ? Decision<IHolderEvent>.Nothing
                : Refusal.Rule("revocation.already-decided", "该撤销建议已审定。", "The proposal has been decided already.");
        }

        return Reference(c.DecisionReference)
            ?? Accept(new RevocationApproved(c.ProposalId, proposal.Proposed.ApplicationId, c.RevokedOn, c.DecisionReference.Trim(), ctx.Now));
    }

    private static Refusal? Held(string applicationId, HolderContext ctx, bool activeOnly)
    {
        var award = ctx.Awards.FirstOrDefault(a => a.ApplicationId == applicationId);
        if (award is null)
        {
            return NotHeld();
        }

        return activeOnly && award.Revoked
            ? Refusal.Rule("holder.award-revoked", "该奖项已被撤销。", "The award has been revoked.")
            : null;
    }

    private static Refusal NotHeld() => Refusal.NotFound("holder.award-not-found", "登记簿中没有该奖项。", "The register holds no such award.");

    private static Refusal OfficeOnly() => Refusal.Forbidden("holder.office-only", "只有评委会办公室可以进行此操作。", "Only the office may do this.");

    private static Refusal? Text(string? text, string field) =>
        string.IsNullOrWhiteSpace(text)
            ? Refusal.Invalid($"{field}.missing", "请填写内容。", $"{field} is required.", field)
            : OptionalText(text, field);

    private static Refusal? OptionalText(string? text, string field) =>
        text is { Length: > MaxText }
            ? Refusal.Invalid($"{field}.too-long", $"内容不能超过{MaxText}字。", $"{field} is limited to {MaxText} characters.", field)
            : FreeText.Visible(text, field);

    private static Refusal? Reference(string? reference) =>
        string.IsNullOrWhiteSpace(reference) || reference.Length > 200
            ? Refusal.Invalid("reference.missing", "请填写决定或凭证的文号（200字以内）。", "Give the decision's or receipt's reference (up to 200 characters).", "reference")
            : FreeText.Visible(reference, "reference");

    private static Decision<IHolderEvent> Accept(params IHolderEvent[] events) => Decision<IHolderEvent>.Accept(events);

    public static string ReasonZh(BanReason reason) => reason switch
    {
        BanReason.FalseMaterials => "隐瞒有关情况或者提供虚假材料",
        BanReason.Fraud => "以欺骗、贿赂等不正当手段获奖",
        BanReason.Revocation => "奖励被撤销",
        _ => reason.ToString(),
    };
}
