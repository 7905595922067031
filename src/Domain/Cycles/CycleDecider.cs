using QualityAward.Domain.Awards;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Notices;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Cycles;

/// <summary>
/// Decisions about a whole edition: its window, its cohort decisions (shortlist, candidates,
/// proposed winners) and its announcement. Pure: state and command in, events or a refusal out.
/// </summary>
public static class CycleDecider
{
    public const int MaxTitleLength = 200;
    public const int MaxReasonLength = 2_000;

    public static Decision<ICycleEvent> Decide(ICycleCommand command, CycleState state, CycleContext context)
    {
        if (command is OpenCycle open)
        {
            return Open(open, state, context);
        }

        if (!state.Exists)
        {
            return Refusal.NotFound("cycle.not-found", "该评选周期不存在。", "No such cycle.");
        }

        if (state.Status == CycleStatus.Closed)
        {
            return Refusal.Rule("cycle.closed", "该评选周期已结束。", "The cycle is closed.");
        }

        var now = context.Now;
        return command switch
        {
            ExtendSubmissionWindow c => Extend(c, state, now),
            CloseSubmissions => state.SubmissionsClosed
                ? Decision<ICycleEvent>.Nothing
                : now < state.SubmissionClosesAt
                    ? Refusal.Rule("cycle.window-still-open", $"申报截止时间为{ShanghaiTime.ToShanghai(state.SubmissionClosesAt):yyyy-MM-dd HH:mm}，尚未到期。", $"Submissions close at {state.SubmissionClosesAt:O}.")
                    : Decision<ICycleEvent>.Accept(new SubmissionsClosed(now)),
            RecordNoticePublished c => state.Notices.ContainsKey(c.NoticeId)
                ? Decision<ICycleEvent>.Nothing
                : Decision<ICycleEvent>.Accept(new NoticePublished(c.NoticeId, c.List, now)),
            DecideCycleShortlist c => PermReviewAfterAcceptanceNotice(state, context) ?? Shortlist(c, state, now),
            NominateCandidates c => Nominate(c, state, now),
            ProposeWinners c => Propose(c, state, context),
            RemoveProposedWinner c => state.ProposedWinners.All(w => w.ApplicationId != c.ApplicationId)
                ? Decision<ICycleEvent>.Nothing
                : FreeText.Visible(c.Reason, "reason") ?? Decision<ICycleEvent>.Accept(new ProposedWinnerRemoved(c.ApplicationId, c.Reason, now)),
            AnnounceAwards c => Announce(c, state, context),
            MoveRehearsalClock c => MoveClock(c, state, now),
            WithdrawCycleDecision c => Withdraw(c, state, context),
            CloseCycle c => string.IsNullOrWhiteSpace(c.Reason)
                ? Refusal.Invalid("cycle.reason-missing", "请说明结束原因。", "Give a reason.", "reason")
                : FreeText.Visible(c.Reason, "reason") ?? Decision<ICycleEvent>.Accept(new CycleClosed(c.Reason.Trim(), now)),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name),
        };
    }

    private static Decision<ICycleEvent> Open(OpenCycle c, CycleState state, CycleContext context)
    {
        if (state.Exists)
        {
            return state.SubmissionOpensOn == c.SubmissionOpensOn && state.PolicyId == c.Policy.Id && state.Year == c.Year
                ? Decision<ICycleEvent>.Nothing
                : Refusal.Rule("cycle.exists", $"评选周期“{c.CycleId}”已存在。", $"The cycle '{c.CycleId}' exists already.");
        }

        var id = CycleId.Parse(c.CycleId);
        if (!id.IsOk)
        {
            return id.Refusal!;
        }

        var today = ShanghaiTime.DateOf(context.Now);
        if (c.Year < 2000 || c.Year > 2100)
        {
            return Refusal.Invalid("cycle.year-invalid", "年度应在2000至2100之间。", "The year must be 2000 to 2100.", "year");
        }

        if (string.IsNullOrWhiteSpace(c.Title) || c.Title.Length > MaxTitleLength)
        {
            return Refusal.Invalid("cycle.title-invalid", $"请填写评选周期名称（不超过{MaxTitleLength}字）。", "Give a title of at most 200 characters.", "title");
        }

        if (FreeText.Visible(c.Title, "title") is { } invisible)
        {
            return invisible;
        }

        if (c.SubmissionClosesOn < c.SubmissionOpensOn)
        {
            return Refusal.Invalid("cycle.window-invalid", "申报截止日期早于开始日期。", "The submission window closes before it opens.", "submissionClosesOn");
        }

        if (c.SubmissionClosesOn < today)
        {
            return Refusal.Invalid("cycle.window-past", "申报截止日期已过。", "The submission window is already over.", "submissionClosesOn");
        }

        if (c.SubmissionOpensOn.Year != c.Year && c.SubmissionClosesOn.Year != c.Year)
        {
            return Refusal.Invalid("cycle.window-year", $"申报期应在{c.Year}年度内开始或结束。", $"The submission window should fall in {c.Year}.", "submissionOpensOn");
        }

        // A rehearsal is not an edition: it may run beside a real one (its certificates are numbered apart), and the
        // caller leaves rehearsals out of the other cycles a real opening is checked against.
        IReadOnlyList<CycleSummary> others = c.Rehearsal ? [] : context.OtherCyclesOfPolicy;

        // Cycle length (Benxi §4: every 2 years; Xinzhou §4: every 3; Weihai §6: every year).
        if (c.Policy.Cycle.LengthYears is { } length)
        {
            var previous = others
                .Where(o => o.CycleId != c.CycleId)
                .Select(o => YearOf(o.CycleId) ?? o.OpensOn.Year)
                .Where(y => y > c.Year - length && y < c.Year + length)
                .OrderDescending()
                .ToList();
            if (previous.Count > 0)
            {
                return Refusal.Rule(
                    "cycle.too-soon",
                    $"{c.Policy.AwardName}每{length}年评选一届（{c.Policy.Cycle.Article}），{previous[0]}年已有一届，{c.Year}年不能再设一届。",
                    $"The award runs every {length} years ({c.Policy.Cycle.Article}); there is an edition in {previous[0]}.",
                    "year");
            }
        }

        // One edition per policy and year: the year is part of every certificate number
        // (威质奖〔2027〕第001号), so a second edition in the same year would print the same numbers.
        var sameYear = others.FirstOrDefault(o => o.CycleId != c.CycleId && (o.Year ?? YearOf(o.CycleId) ?? o.OpensOn.Year) == c.Year);
        if (sameYear is not null)
        {
            return Refusal.Rule(
                "cycle.year-taken",
                $"{c.Policy.AwardName}{c.Year}年度已有评选周期“{sameYear.CycleId}”，同一年度只能设一届（证书编号按年度编排）。",
                $"The award has an edition for {c.Year} already ('{sameYear.CycleId}'); certificate numbers are per year, so one edition per year.",
                "year");
        }

        var warnings = Warnings(c.Policy, c.SubmissionOpensOn);
        if (warnings.Count > 0 && !c.AcknowledgeWarnings)
        {
            return Refusal.Rule(
                "cycle.policy-warning",
                "请确认以下情况后再开启评选周期：" + ZhText.JoinSentences(warnings),
                "Acknowledge the policy's status to open this cycle: " + ZhText.JoinSentencesEn(warnings),
                "acknowledgeWarnings");
        }

        return Decision<ICycleEvent>.Accept(new CycleOpened(
            c.CycleId,
            c.Policy.Id,
            PolicyLoader.ToJson(c.Policy),
            c.Year,
            c.Rehearsal && !c.Title.Contains("演练", StringComparison.Ordinal) ? "【演练】" + c.Title.Trim() : c.Title.Trim(),
            c.SubmissionOpensOn,
            c.SubmissionClosesOn,
            warnings,
            context.Now,
            c.Rehearsal));
    }

    /// <summary>
    /// A rehearsal's clock moves forward only: what has happened in it stays in its past. The
    /// offset is kept as a sum, so the decision needs the rehearsal's time (context.Now) only.
    /// </summary>
    private static Decision<ICycleEvent> MoveClock(MoveRehearsalClock c, CycleState state, DateTimeOffset now)
    {
        if (!state.Rehearsal)
        {
            return Refusal.Rule("cycle.not-rehearsal", "只有演练周期可以调整时间；正式评选周期按实际时间运行。", "Only a rehearsal's clock can be moved; a real cycle runs on real time.");
        }

        if (c.To <= now)
        {
            return Refusal.Invalid(
                "rehearsal.clock-backwards",
                $"演练时间只能向后调整：当前演练时间为{ShanghaiTime.ToShanghai(now):yyyy-MM-dd HH:mm}。",
                $"A rehearsal's clock moves forward only; it is {now:O} in the rehearsal.",
                "to");
        }

        return Decision<ICycleEvent>.Accept(new RehearsalClockMoved(state.ClockOffset + (c.To - now), c.To, now));
    }

    /// <summary>What people must be told about running a cycle under this policy on this date.</summary>
    public static IReadOnlyList<string> Warnings(AwardPolicy policy, DateOnly opensOn)
    {
        var warnings = new List<string>();
        var d = policy.Document;
        if (d.Status == PolicyStatus.Draft)
        {
            warnings.Add($"《{d.Title}》为征求意见稿，尚未正式施行");
        }

        if (d.ValidTo is { } to && opensOn > to)
        {
            warnings.Add($"《{d.Title}》有效期已于{to:yyyy年M月d日}届满（{d.ValidityArticle}），须确认已有延续或替代文件");
        }

        if (d.ValidFrom is { } from && opensOn < from)
        {
            warnings.Add($"《{d.Title}》自{from:yyyy年M月d日}起施行，申报开始时尚未施行");
        }

        return warnings;
    }

    private static int? YearOf(string cycleId) =>
        cycleId.Length > 5 && int.TryParse(cycleId.AsSpan(cycleId.Length - 4), out var year) && cycleId[^5] == '-' ? year : null;

    private static Decision<ICycleEvent> Extend(ExtendSubmissionWindow c, CycleState state, DateTimeOffset now)
    {
        if (state.SubmissionsClosed || now >= state.SubmissionClosesAt)
        {
            return Refusal.Rule("cycle.window-closed", "申报已截止，不能再延长。", "Submissions have closed; the window cannot be extended.");
        }

        if (c.NewClosesOn <= state.SubmissionClosesOn)
        {
            return Refusal.Invalid("cycle.extension-invalid", $"新的截止日期须晚于{state.SubmissionClosesOn:yyyy-MM-dd}。", $"The new date must be after {state.SubmissionClosesOn:yyyy-MM-dd}.", "newClosesOn");
        }

        if (string.IsNullOrWhiteSpace(c.Reason) || c.Reason.Length > MaxReasonLength)
        {
            return Refusal.Invalid("cycle.reason-missing", "请说明延长原因。", "Give a reason.", "reason");
        }

        if (FreeText.Visible(c.Reason, "reason") is { } invisible)
        {
            return invisible;
        }

        return Decision<ICycleEvent>.Accept(new SubmissionWindowExtended(c.NewClosesOn, c.Reason.Trim(), now));
    }

    private static Decision<ICycleEvent> Shortlist(DecideCycleShortlist c, CycleState state, DateTimeOffset now)
    {
        if (state.Policy.Stage(StageKind.MaterialReview) is not { Shortlist: true })
        {
            return Refusal.Rule("cycle.no-shortlist", "本政策没有现场评审名单环节。", "This policy has no shortlist for site review.");
        }

        if (state.Shortlist is not null)
        {
            return Refusal.Rule("cycle.shortlist-decided", "现场评审名单已确定。", "The shortlist has been decided.");
        }

        if (!state.SubmissionsClosed)
        {
            return Refusal.Rule("cycle.window-still-open", "申报尚未截止，不能确定现场评审名单。", "Submissions are still open.");
        }

        if (c.MaterialScores.Count == 0)
        {
            return Refusal.Rule("cycle.nothing-to-rank", "没有材料评审得分，无法排名。", "There are no material scores to rank.");
        }

        if (c.Places < 1 || c.Places > c.MaterialScores.Count)
        {
            return Refusal.Invalid("cycle.places-invalid", $"现场评审名额应为1至{c.MaterialScores.Count}。", $"Places must be 1 to {c.MaterialScores.Count}.", "places");
        }

        var ranked = Ranking.Rank(c.MaterialScores);
        var shortlisted = ranked.Take(c.Places).Select(r => Entry(r.Entry, r.Rank)).ToList();
        var rest = ranked.Skip(c.Places).Select(r => Entry(r.Entry, r.Rank)).ToList();
        return Decision<ICycleEvent>.Accept(new CycleShortlistDecided(shortlisted, rest, now));
    }

    private static RankedEntry Entry(ScoredApplication e, int rank) => new(e.ApplicationId, e.Category, e.Score, rank);

    private static Decision<ICycleEvent> Nominate(NominateCandidates c, CycleState state, DateTimeOffset now)
    {
        var policy = state.Policy;
        if (!policy.Has(StageKind.CompositeEvaluation))
        {
            return Refusal.Rule("cycle.no-candidates", "本政策没有综合评价、提出候选名单的环节。", "This policy has no candidate list.");
        }

        if (state.Candidates is not null)
        {
            return Refusal.Rule("cycle.candidates-decided", "候选名单已确定。", "The candidate list has been decided.");
        }

        if (policy.Stage(StageKind.MaterialReview) is { Shortlist: true } && state.Shortlist is null)
        {
            return Refusal.Rule("cycle.out-of-order", "须先确定现场评审名单。", "Decide the shortlist first.");
        }

        if (c.Candidates.Count == 0)
        {
            return Refusal.Invalid("cycle.candidates-empty", "候选名单不能为空。", "The candidate list is empty.", "candidates");
        }

        var known = c.CompositeScores.ToDictionary(s => s.ApplicationId, StringComparer.Ordinal);
        foreach (var (appId, tier) in c.Candidates)
        {
            if (!known.ContainsKey(appId))
            {
                return Refusal.Rule("cycle.candidate-unknown", $"申报“{appId}”没有综合评价得分，不能列入候选名单。", $"'{appId}' has no composite score.", "candidates");
            }

            if (!policy.Offers(tier))
            {
                return Refusal.Invalid("cycle.tier-invalid", $"本政策不设{EligibilityRules.TierZh(tier)}。", $"The policy has no {tier} tier.", "candidates");
            }

            if (c.BarredFromNomination.Contains(appId) && tier == AwardTier.Nomination)
            {
                var rule = policy.Reapplication.First(r => r.NoRepeatOfTier);
                return Refusal.Rule("cycle.no-repeat-nomination", $"申报“{appId}”曾获提名奖，依{rule.Article}不再重复授予提名奖。", $"'{appId}' held the nomination before; {rule.Article} forbids it again.", "candidates");
            }
        }

        // 按得分高低 (Changde §22): within a category no candidate may rank below a non-candidate, and
        // an award candidate may not rank below a nomination candidate.
        var ranked = Ranking.Rank(c.CompositeScores);
        foreach (var category in ranked.Select(r => r.Entry.Category).Distinct())
        {
            var inCategory = ranked.Where(r => r.Entry.Category == category).ToList();
            var lastCandidate = inCategory.FindLastIndex(r => c.Candidates.ContainsKey(r.Entry.ApplicationId));
            var skipped = inCategory.Take(lastCandidate + 1).FirstOrDefault(r => !c.Candidates.ContainsKey(r.Entry.ApplicationId));
            if (skipped.Entry is not null)
            {
                return Refusal.Rule("cycle.candidates-not-by-score", $"候选名单须按综合得分高低提出：“{skipped.Entry.ApplicationId}”（第{skipped.Rank}名）未列入，而排名更低者已列入。", $"Candidates must follow the composite ranking; '{skipped.Entry.ApplicationId}' (rank {skipped.Rank}) is skipped.", "candidates");
            }

            var lastAward = inCategory.FindLastIndex(r => c.Candidates.TryGetValue(r.Entry.ApplicationId, out var t) && t != AwardTier.Nomination);
            var firstNomination = inCategory.FindIndex(r => c.Candidates.TryGetValue(r.Entry.ApplicationId, out var t) && t == AwardTier.Nomination);
            if (firstNomination >= 0 && lastAward > firstNomination)
            {
                return Refusal.Rule("cycle.candidates-not-by-score", "奖项候选人的综合得分不能低于提名奖候选人。", "An award candidate cannot rank below a nomination candidate.", "candidates");
            }
        }

        var candidates = ranked
            .Where(r => c.Candidates.ContainsKey(r.Entry.ApplicationId))
            .Select(r => new CandidateEntry(r.Entry.ApplicationId, r.Entry.Category, c.Candidates[r.Entry.ApplicationId], r.Entry.Score, r.Rank))
            .ToList();
        var rest = ranked.Where(r => !c.Candidates.ContainsKey(r.Entry.ApplicationId)).Select(r => Entry(r.Entry, r.Rank)).ToList();
        return Decision<ICycleEvent>.Accept(new CandidatesNominated(candidates, rest, now));
    }

    private static Decision<ICycleEvent> Propose(ProposeWinners c, CycleState state, CycleContext context)
    {
        var policy = state.Policy;
        var stage = policy.Stage(StageKind.Deliberation)!;
        if (state.Deliberation is not null)
        {
            return Refusal.Rule("cycle.winners-proposed", "获奖建议名单已形成。", "The proposed winners have been decided.");
        }

        var candidatesNotice = policy.Stages.FirstOrDefault(s => s.Kind == StageKind.PublicNotice && s.List == NoticeList.Candidates);
        if (policy.Has(StageKind.CompositeEvaluation) && state.Candidates is null)
        {
            return Refusal.Rule("cycle.out-of-order", "须先提出候选名单。", "Nominate the candidates first.");
        }

        if (candidatesNotice is not null && !state.Notices.Values.Contains(NoticeList.Candidates))
        {
            return Refusal.Rule("cycle.out-of-order", $"候选名单须先经公示（{candidatesNotice.Article}）。", $"The candidate list must be published first ({candidatesNotice.Article}).");
        }

        if (PermDeliberateAfterCandidatesNotice(state, context) is { } noticeRunning)
        {
            return noticeRunning;
        }

        if (c.Winners.Select(w => w.ApplicationId).Distinct().Count() != c.Winners.Count)
        {
            return Refusal.Invalid("cycle.winner-repeated", "建议名单中有重复。", "An application appears twice.", "winners");
        }

        if (string.IsNullOrWhiteSpace(c.Minutes) || c.Minutes.Length > 20_000)
        {
            return Refusal.Invalid("cycle.minutes-missing", $"请记录{stage.Body}的审议纪要。", "Record the minutes of the deliberation.", "minutes");
        }

        if (FreeText.Visible(c.Minutes, "minutes") is { } invisible)
        {
            return invisible;
        }

        if (state.Candidates is { } nominated)
        {
            foreach (var w in c.Winners)
            {
                var candidate = nominated.Candidates.FirstOrDefault(x => x.ApplicationId == w.ApplicationId);
                if (candidate is null)
                {
                    return Refusal.Rule("cycle.not-a-candidate", $"“{w.ApplicationId}”不在候选名单中。", $"'{w.ApplicationId}' is not a candidate.", "winners");
                }

                if (candidate.Tier != w.Tier || candidate.Category != w.Category)
                {
                    return Refusal.Rule("cycle.tier-mismatch", $"“{w.ApplicationId}”是{EligibilityRules.TierZh(candidate.Tier)}候选人。", $"'{w.ApplicationId}' is a candidate for the {candidate.Tier}.", "winners");
                }
            }

            // 差额 (Changde §22): the body must choose; at least one candidate per group is not chosen.
            if (policy.Stage(StageKind.CompositeEvaluation)?.CandidateList == CandidateListRule.LargerThanQuota)
            {
                foreach (var line in policy.Quotas)
                {
                    var inGroup = nominated.Candidates.Count(x => x.Tier == line.Tier && line.Categories.Contains(x.Category));
                    var chosen = c.Winners.Count(x => x.Tier == line.Tier && line.Categories.Contains(x.Category));
                    if (inGroup > 0 && chosen >= inGroup)
                    {
                        return Refusal.Rule("cycle.not-competitive", $"候选名单为差额（{policy.Stage(StageKind.CompositeEvaluation)!.Article}），{EligibilityRules.TierZh(line.Tier)}候选{inGroup}个，建议名单须少于候选人数。", $"The list is competitive: fewer winners than the {inGroup} candidates.", "winners");
                    }
                }
            }
        }

        var quota = Quotas.Check(policy, c.Winners);
        if (quota.Count > 0)
        {
            return quota[0];
        }

        if (stage.Method == DeliberationMethod.EqualNumberVote)
        {
            if (c.Vote is not { } vote || vote.MembersPresent < 1)
            {
                return Refusal.Invalid("cycle.vote-missing", $"{stage.Body}以等额投票产生建议名单（{stage.Article}），请录入表决结果。", "Record the vote.", "vote");
            }

            foreach (var w in c.Winners)
            {
                var votes = vote.VotesFor.TryGetValue(w.ApplicationId, out var v) ? v : 0;
                if (votes * 2 <= vote.MembersPresent)
                {
                    return Refusal.Rule("cycle.vote-not-carried", $"“{w.ApplicationId}”得票{votes}，未超过到会委员{vote.MembersPresent}人的半数。", $"'{w.ApplicationId}' has {votes} votes of {vote.MembersPresent}: not a majority.", "vote");
                }
            }

            if (vote.VotesFor.Values.Any(v => v < 0 || v > vote.MembersPresent))
            {
                return Refusal.Invalid("cycle.vote-invalid", "票数不能为负或超过到会人数。", "Vote counts must be between 0 and the members present.", "vote");
            }
        }

        var notChosen = (state.Candidates?.Candidates ?? [])
            .Select(x => x.ApplicationId)
            .Where(id => c.Winners.All(w => w.ApplicationId != id))
            .ToList();
        return Decision<ICycleEvent>.Accept(new WinnersProposed(c.Winners, notChosen, stage.Method!.Value, stage.Body!, c.Vote, c.Minutes.Trim(), context.Now));
    }

    private static Decision<ICycleEvent> Announce(AnnounceAwards c, CycleState state, CycleContext context)
    {
        var now = context.Now;
        if (state.Announcement is not null)
        {
            return state.Announcement.Reference == c.Reference
                ? Decision<ICycleEvent>.Nothing
                : Refusal.Rule("cycle.announced", "获奖名单已公布。", "The awards have been announced.");
        }

        if (state.Deliberation is null)
        {
            return Refusal.Rule("cycle.out-of-order", "尚未形成获奖建议名单。", "There are no proposed winners yet.");
        }

        // Changde §24, Benxi §21-23, Jinan §17-18, Xinzhou §17-18: the proposed winners are published before the announcement.
        var winnersNotice = state.Policy.Stages.FirstOrDefault(s => s.Kind == StageKind.PublicNotice && s.List == NoticeList.ProposedWinners);
        if (winnersNotice is not null && !state.Notices.Values.Contains(NoticeList.ProposedWinners))
        {
            return Refusal.Rule("cycle.out-of-order", $"获奖建议名单须先经公示（{winnersNotice.Article}）。", $"The proposed winners must be published first ({winnersNotice.Article}).");
        }

        if ((PermAnnounceAfterWinnersNotice(state, context) ?? PermAnnounceAfterApprovals(state, context)) is { } notYet)
        {
            return notYet;
        }

        if (string.IsNullOrWhiteSpace(c.Reference) || c.Reference.Length > 200)
        {
            return Refusal.Invalid("cycle.reference-missing", "请填写公布文件的文号。", "Give the announcement's reference.", "reference");
        }

        if (FreeText.Visible(c.Reference, "reference") is { } invisible)
        {
            return invisible;
        }

        if (c.AnnouncedOn > ShanghaiTime.DateOf(now))
        {
            return Refusal.Invalid("cycle.date-future", "公布日期不能晚于今天。", "The announcement date cannot be in the future.", "announcedOn");
        }

        var certificates = CertificateNumbers.Assign(state.Policy, state.CycleId, state.Year, state.ProposedWinners);
        return Decision<ICycleEvent>.Accept(new AwardsAnnounced(c.Reference.Trim(), c.AnnouncedOn, state.ProposedWinners, certificates, now));
    }

    // ---- order: a decision on a list waits for that list's notice ---------------------------------

    /// <summary>
    /// Weihai §15 (公示结束后，提交市质量强市领导小组审议): the leading group decides on the
    /// candidate list only once its notice is over and every objection to it decided. Null when
    /// it may, or when the policy publishes no candidate list.
    /// </summary>
    public static Refusal? PermDeliberateAfterCandidatesNotice(CycleState state, CycleContext context) =>
        NoticeSettled(state, context, NoticeList.Candidates, "领导小组审议", "the deliberation");

    /// <summary>
    /// Changde §24 (公示中无异议，或者异议情况查明不属实的…由市人民政府公告), Benxi §22-23 (异议处理,
    /// 根据公示情况…报请市政府审议批准后公布), Jinan §18 (通过公示的拟奖名单), Xinzhou §18 (经公示无异议后):
    /// the awards are announced only once the proposed winners' notice is over and every objection
    /// to it decided. Null when they may, or when the policy publishes no such list.
    /// </summary>
    public static Refusal? PermAnnounceAfterWinnersNotice(CycleState state, CycleContext context) =>
        NoticeSettled(state, context, NoticeList.ProposedWinners, "公布获奖名单", "the announcement");

    /// <summary>
    /// Changde §18 (对经公示无异议的申报组织和个人…组织开展评审), Benxi §16, Xinzhou §15-16: the
    /// review's cohort decision (the shortlist) waits until the acceptance notice is over and every
    /// objection to it decided. Null when it may, or when the policy publishes no acceptance list.
    /// </summary>
    public static Refusal? PermReviewAfterAcceptanceNotice(CycleState state, CycleContext context) =>
        NoticeSettled(state, context, NoticeList.Acceptance, "确定现场评审名单", "the shortlist");

    /// <summary>
    /// Changde §24 (经评委会主任审核，市长审定后，由市人民政府公告), Benxi §23 (报请市政府审议批准后公布),
    /// Jinan §18 (报市政府审定后公布), Xinzhou §18 (市人民政府审定…后，发布表彰决定), Weihai §16
    /// (提交市政府研究同意后…公布): the awards are announced only once every proposed winner has
    /// passed what comes before and holds every approval the policy names. Null when they may.
    /// </summary>
    public static Refusal? PermAnnounceAfterApprovals(CycleState state, CycleContext context)
    {
        var stage = state.Policy.Stage(StageKind.Approval);
        if (stage?.Approvals is not { } approvals)
        {
            return null;
        }

        var waiting = new List<string>();
        foreach (var winner in state.ProposedWinners)
        {
            var app = context.ProposedWinners?.GetValueOrDefault(winner.ApplicationId) is { Exists: true } known
                ? known
                : throw new InvalidOperationException($"Cycle {state.CycleId} was decided without the state of its proposed winner {winner.ApplicationId}: the caller must pass every proposed winner.");
            var ready = app.Status == Applications.ApplicationStatus.InProcess && app.Stage == StageKind.Approval && approvals.All(a => app.ApprovalsGranted.Contains(a.Code));
            if (!ready)
            {
                waiting.Add(winner.ApplicationId);
            }
        }

        return waiting.Count == 0
            ? null
            : Refusal.Rule(
                "cycle.winners-not-approved",
                $"获奖建议名单中{string.Join("、", waiting)}尚未完成{string.Join("、", approvals.Select(a => a.Title))}（{stage.Article}），不能公布。",
                $"{string.Join(", ", waiting)} of the proposed winners have not passed every approval ({stage.Article}): the announcement waits for them.");
    }

    /// <summary>Every notice of the list the cycle published is closed: its period over, no objection open.</summary>
    private static Refusal? NoticeSettled(CycleState state, CycleContext context, NoticeList list, string decisionZh, string decisionEn)
    {
        var stage = state.Policy.Stages.FirstOrDefault(s => s.Kind == StageKind.PublicNotice && s.List == list);
        if (stage is null)
        {
            return null;
        }

        foreach (var noticeId in state.NoticesOf(list))
        {
            var notice = context.Notices?.GetValueOrDefault(noticeId) is { Exists: true } known
                ? known
                : throw new InvalidOperationException($"Cycle {state.CycleId} was decided without the state of its notice {noticeId}: the caller must pass every published notice.");
            if (notice.IsClosed)
            {
                continue;
            }

            var open = notice.Objections.Count(o => o.IsOpen);
            if (open > 0)
            {
                return Refusal.Rule(
                    "cycle.objections-open",
                    $"{list.Zh()}公示中尚有{open}件异议未调查处理完毕，不能{decisionZh}（{stage.Article}）。",
                    $"{open} objections to the {list.Slug()} notice are still open: {decisionEn} waits for their findings ({stage.Article}).");
            }

            var opened = notice.Opened!;
            return Refusal.Rule(
                "cycle.notice-open",
                $"{list.Zh()}公示期至{opened.LastDay:yyyy年M月d日}（{opened.WorkingDays}个工作日），公示结束后方可{decisionZh}（{stage.Article}）。",
                $"The {list.Slug()} notice runs until the end of {opened.LastDay:yyyy-MM-dd}: {decisionEn} waits for it to close ({stage.Article}).");
        }

        return null;
    }

    // ---- corrections: withdrawing a cohort decision before the announcement -------------------------

    /// <summary>The list a decision makes public, if the policy publishes it.</summary>
    public static NoticeList? ListOf(CycleDecision decision) => decision switch
    {
        CycleDecision.Candidates => NoticeList.Candidates,
        CycleDecision.Winners => NoticeList.ProposedWinners,
        _ => null,
    };

    /// <summary>Has the cycle taken this decision (and not withdrawn it)?</summary>
    public static bool Stands(CycleState state, CycleDecision decision) => decision switch
    {
        CycleDecision.Shortlist => state.Shortlist is not null,
        CycleDecision.Candidates => state.Candidates is not null,
        _ => state.Deliberation is not null,
    };

    /// <summary>
    /// May the office withdraw this decision now? Null when yes. No regulation provides for it:
    /// the conservative rule (docs/decisions/0015) lets the office withdraw only the latest decision,
    /// only before the list it made is published (once public, a list changes only through the
    /// objections its notice takes: Changde §24, Benxi §22, Jinan §17, Xinzhou §17, Weihai §15),
    /// and never after the announcement, when only revocation applies.
    /// </summary>
    public static Refusal? PermWithdrawDecision(CycleState state, CycleDecision decision, Actor actor)
    {
        if (actor.Role != Roles.Office)
        {
            return Refusal.Forbidden("cycle.office-only", "只有评审办公室可以撤回评选决定。", "Only the award office withdraws a decision.");
        }

        if (state.Announcement is not null)
        {
            return Refusal.Rule("cycle.announced", "获奖名单已公布，只能依撤销程序撤销奖励。", "The awards have been announced: only revocation applies now.");
        }

        if (!Stands(state, decision))
        {
            return Refusal.Rule("cycle.nothing-to-withdraw", $"尚未作出{DecisionZh(decision)}。", $"There is no {decision} decision to withdraw.");
        }

        var later = Enum.GetValues<CycleDecision>().Where(d => d > decision && Stands(state, d)).Select(d => (CycleDecision?)d).LastOrDefault();
        if (later is { } standing)
        {
            return Refusal.Rule("cycle.later-decision-stands", $"{DecisionZh(standing)}已作出，须先撤回。", $"The later {standing} decision stands: withdraw it first.");
        }

        if (ListOf(decision) is { } list && state.NoticesOf(list).Count > 0)
        {
            var article = state.Policy.Stages.First(s => s.Kind == StageKind.PublicNotice && s.List == list).Article;
            return Refusal.Rule(
                "cycle.list-published",
                $"{list.Zh()}已公示（{article}），不能撤回；名单中的问题通过异议调查处理。",
                $"The {list.Slug()} list has been published ({article}): it changes only through the objections its notice takes.");
        }

        return null;
    }

    private static Decision<ICycleEvent> Withdraw(WithdrawCycleDecision c, CycleState state, CycleContext context)
    {
        if (PermWithdrawDecision(state, c.Decision, context.Actor) is { } no)
        {
            return no;
        }

        if (string.IsNullOrWhiteSpace(c.Reason) || c.Reason.Length > MaxReasonLength)
        {
            return Refusal.Invalid("cycle.reason-missing", "请说明撤回原因。", "Give a reason.", "reason");
        }

        if (FreeText.Visible(c.Reason, "reason") is { } invisible)
        {
            return invisible;
        }

        var (returned, reinstated) = c.Decision switch
        {
            CycleDecision.Shortlist => (state.Shortlist!.Shortlisted.Select(x => x.ApplicationId), state.Shortlist.NotShortlisted.Select(x => x.ApplicationId)),
            CycleDecision.Candidates => (state.Candidates!.Candidates.Select(x => x.ApplicationId), state.Candidates.NotNominated.Select(x => x.ApplicationId)),
            _ => (state.ProposedWinners.Select(x => x.ApplicationId), state.Deliberation!.NotChosen),
        };
        return Decision<ICycleEvent>.Accept(new CycleDecisionWithdrawn(c.Decision, [.. returned], [.. reinstated], c.Reason.Trim(), context.Now));
    }

    public static string DecisionZh(CycleDecision decision) => decision switch
    {
        CycleDecision.Shortlist => "现场评审名单",
        CycleDecision.Candidates => "候选名单",
        _ => "获奖建议名单",
    };

    /// <summary>Who records the proposed winners: the office where it decides itself (Xinzhou §17), else the committee or leading group.</summary>
    public static string DeliberatingRole(AwardPolicy policy) =>
        policy.Stage(StageKind.Deliberation)?.Method == DeliberationMethod.OfficeDecision ? Roles.Office : Roles.Committee;
}
