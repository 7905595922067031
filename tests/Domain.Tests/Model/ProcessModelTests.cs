using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Notices;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Review;
using QualityAward.Domain.Tests.Builders;
using Xunit.Abstractions;

namespace QualityAward.Domain.Tests.Model;

/// <summary>
/// Issue 16, model-based: for every preset, random sequences of commands from every role drive
/// one edition through the deciders: the process's own next steps (as <see cref="Progress"/> names
/// them) and everything that disturbs it (withdrawals, adverse records, objections upheld or not,
/// declared and proposed recusals, panel changes, scores the rules refuse, decisions withdrawn,
/// commands by the wrong role, time passing). After every step the invariants hold, and every
/// application not ended has a step that moves it on which its decider accepts.
/// FsCheck generates the sequences (and shrinks a failing one to a shorter prefix).
/// </summary>
public sealed class ProcessModelTests(ITestOutputHelper output)
{
    private const int StepsPerSequence = 120;

    /// <summary>
    /// Each preset explores sequences for this long (wall clock), at least <see cref="MinSequencesPerPreset"/>
    /// of them. A deeper run: set QUALITYAWARD_MODEL_SECONDS (seconds per preset), e.g. 60.
    /// </summary>
    private static readonly TimeSpan BudgetPerPreset = TimeSpan.FromSeconds(
        double.TryParse(Environment.GetEnvironmentVariable("QUALITYAWARD_MODEL_SECONDS"), System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? seconds : 1.2);

    private const int MinSequencesPerPreset = 4;

    /// <summary>FsCheck's count of runs: past the budget a run returns at once, so keep it near what the budget allows.</summary>
    private static readonly int MaxSequencesPerPreset = Math.Max(MinSequencesPerPreset, (int)(BudgetPerPreset.TotalSeconds * 30));

    private static readonly DateTimeOffset EndOfModel = Dates.At(2026, 12, 10);

    [Fact]
    public void EveryPreset_RandomCommandsFromEveryRole_KeepTheInvariants_AndLeaveNoApplicationStuck()
    {
        var clock = Stopwatch.StartNew();
        var total = new ModelStats();
        foreach (var policyId in PolicyPresets.Ids)
        {
            var policy = PolicyPresets.Get(policyId);
            var stats = new ModelStats();
            var deadline = clock.Elapsed + BudgetPerPreset;
            var failing = false;

            // A failing sequence shrinks to its shorter prefixes (past the time budget too).
            var sequences = FsCheck.Fluent.Arb.ToArbitrary(
                Gen.Choose(0, 1_000_000).ArrayOf(StepsPerSequence),
                (int[] choices) => Enumerable.Range(1, 4).Select(k => choices[..(choices.Length * k / 5)]).Where(c => c.Length > 1));
            Check.One(
                Config.QuickThrowOnFailure.WithMaxTest(MaxSequencesPerPreset).WithQuietOnSuccess(true),
                Prop.ForAll(sequences, choices =>
                {
                    if (!failing && stats.Sequences >= MinSequencesPerPreset && clock.Elapsed > deadline)
                    {
                        return;
                    }

                    try
                    {
                        Run(policy, choices, stats);
                    }
                    catch
                    {
                        failing = true;
                        throw;
                    }
                }));

            output.WriteLine(
                $"{policyId,-8} {stats.Sequences,4} sequences {stats.Steps,6} steps: {stats.Accepted} commands accepted, {stats.Refused} refused as the rules say, " +
                $"{stats.StandingsChecked} standings checked, {stats.StepsVerified} next steps given and accepted, {stats.OnlyCorrectionsOrEndings} left only to a correction or an end; " +
                $"applications at the end: {string.Join(", ", stats.Outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}"))}");
            Merge(total, stats);
        }

        var summary = $"all      {total.Sequences,4} sequences {total.Steps,6} steps, {total.StepsVerified} next steps verified, in {clock.Elapsed.TotalSeconds:F1} s";
        output.WriteLine(summary);
        output.WriteLine("commands given: " + string.Join(", ", total.Commands.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value}")));

        // scripts/test.sh prints this beside its totals (its test run is quiet, so output above shows only in a detailed run).
        if (Environment.GetEnvironmentVariable("QUALITYAWARD_TEST_REPORTS") is { Length: > 0 } reports)
        {
            File.WriteAllText(Path.Combine(reports, "process-model.txt"), $"model-based test (issue 16): {summary.Substring(9).Trim()}\n");
        }

        // The model reached the process's ends and tried every kind of disturbance.
        Assert.True(total.Outcomes.GetValueOrDefault(nameof(ApplicationStatus.Awarded)) > 0, "no sequence reached an award");
        Assert.True(total.StandingsWithoutReview > 0, "no standing was checked without the review");
        foreach (var command in new[] { "AddPanelMember", "ReplacePanelMember", "AppointTeamLeader", "ReassignPanel", "DeclareConflict", "ProposeRecusal", "WithdrawCycleDecision", "ReportAdverseRecord", "Withdraw", "RequestRescore", "refused-score", "wrong-role", "FileObjection" })
        {
            Assert.True(total.Commands.GetValueOrDefault(command) > 0, $"the model never gave {command}");
        }
    }

    private static void Merge(ModelStats total, ModelStats s)
    {
        total.StandingsWithoutReview += s.StandingsWithoutReview;
        total.Sequences += s.Sequences;
        total.Steps += s.Steps;
        total.StepsVerified += s.StepsVerified;
        foreach (var (k, v) in s.Outcomes)
        {
            total.Outcomes[k] = total.Outcomes.GetValueOrDefault(k) + v;
        }

        foreach (var (k, v) in s.Commands)
        {
            total.Commands[k] = total.Commands.GetValueOrDefault(k) + v;
        }
    }

    /// <summary>One sequence: the first choice sets the applicants, each further one a step.</summary>
    private static void Run(AwardPolicy policy, int[] choices, ModelStats stats)
    {
        var first = new Random(choices[0]);
        var categories = Enumerable.Range(0, first.Next(2, 6)).Select(_ => policy.Categories[first.Next(policy.Categories.Count)]).ToList();
        var w = new World(policy) { Stats = stats };
        w.Open(categories);
        stats.Sequences++;
        foreach (var choice in choices.Skip(1))
        {
            if (w.Now > EndOfModel)
            {
                break;
            }

            Step(w, new Random(choice), stats);
            stats.Steps++;
            w.CheckInvariants();
            NoApplicationStuck(w, stats);
        }

        foreach (var app in w.Apps.Values)
        {
            stats.Count(stats.Outcomes, app.Status.ToString());
        }
    }

    private static void Step(World w, Random rng, ModelStats stats)
    {
        var progress = w.Apps.Keys.Order(StringComparer.Ordinal)
            .Select(id => (Id: id, Standing: Standing(w, id)))
            .Where(x => !x.Standing.Ended)
            .SelectMany(x => x.Standing.Steps.Where(s => s.Effect != StepEffect.Ends).Select(s => (x.Id, Step: s)))
            .ToList();
        if (rng.Next(6) > 0)
        {
            // The process's own early endings (not recommended, not accepted), less often, so that more sequences reach the award.
            progress.RemoveAll(p => p.Step.Command is nameof(DeclineRecommendation) or nameof(Refuse));
        }

        if (progress.Count > 0 && rng.Next(100) < 62)
        {
            var (id, step) = progress[rng.Next(progress.Count)];

            if (step.NotBefore is { } at && at > w.Now)
            {
                w.Now = at;
            }

            Count(stats, step.Command, Commands.Give(w, id, step, rng));
            return;
        }

        Disturb(w, rng, stats);
    }

    private static void Count(ModelStats stats, string command, Decision<IDomainEvent>? refused)
    {
        stats.Count(stats.Commands, command);
        if (refused is null)
        {
            stats.Accepted++;
        }
        else
        {
            stats.Refused++;
        }
    }

    public static Standing Standing(World w, string id) =>
        Progress.Of(new ProgressInput(w.Apps[id], w.Cycle, w.Review, w.Notices, w.Apps, w.Now, World.Calendar));

    /// <summary>
    /// No dead ends: every application not ended has a step that is not an ending by fiat, and
    /// every step the function names as possible now is accepted by its decider when given (on a
    /// copy of the world); a step that waits for time is accepted once its time has come.
    /// </summary>
    private static void NoApplicationStuck(World w, ModelStats stats)
    {
        foreach (var id in w.Apps.Keys.Order(StringComparer.Ordinal))
        {
            var standing = Standing(w, id);
            stats.StandingsChecked++;

            // What the standing depends on, as it was when its steps were last given: unchanged, they need not be given again.
            var seen = (w.Apps[id].Version, w.Cycle.Version, w.Review.Version, w.Notices.Values.Sum(n => n.Version), standing.WaitsFor, string.Join(",", standing.Steps.Select(s => s.Command + s.By + s.Effect)));
            if (w.Verified.TryGetValue(id, out var before) && before == seen)
            {
                continue;
            }

            w.Verified[id] = seen;

            // Where the standing does not read the review, a caller may leave it out (the application's orchestration does).
            if (!Progress.ReadsReview(w.Apps[id], w.Cycle))
            {
                var without = Progress.Of(new ProgressInput(w.Apps[id], w.Cycle, ReviewState.Initial, w.Notices, w.Apps, w.Now, World.Calendar));
                w.Check(
                    (without.Ended, without.WaitsFor, without.Zh, without.DueAt, without.Overdue, without.Since) == (standing.Ended, standing.WaitsFor, standing.Zh, standing.DueAt, standing.Overdue, standing.Since)
                    && without.Steps.SequenceEqual(standing.Steps),
                    $"{id} at {standing.Stage} ({standing.WaitsFor}) stands otherwise without the review ({without.WaitsFor}), but Progress.ReadsReview says it does not read it");
                stats.StandingsWithoutReview++;
            }

            if (standing.Ended)
            {
                w.Check(w.Apps[id].Status is not (ApplicationStatus.InProcess or ApplicationStatus.Draft), $"{id} is called ended at {standing.Stage} ({standing.WaitsFor})");
                continue;
            }

            w.Check(standing.Steps.Count > 0, $"{id} at {standing.Stage} has no step at all ({standing.WaitsFor})");
            if (standing.Steps.All(s => s.Effect is StepEffect.Ends or StepEffect.Corrects))
            {
                // Only where the cycle decided without it and the decision can no longer be withdrawn, or a correction is due.
                stats.OnlyCorrectionsOrEndings++;
                w.Check(standing.WaitsFor is "cycle.decided-without-it" or "application.decision-withdrawn" or "review.too-few-scores" or "review.leader-recused" || standing.Steps.Any(s => s.Effect == StepEffect.Corrects), $"{id} at {standing.Stage} can only be ended ({standing.WaitsFor})");
            }

            w.Check(standing.Steps.Any(s => s.Effect != StepEffect.Ends) || standing.WaitsFor == "cycle.decided-without-it", $"{id} at {standing.Stage} is stuck: only endings ({standing.WaitsFor})");
            foreach (var step in standing.Steps)
            {
                if (step.Effect == StepEffect.Waits && step.NotBefore is null)
                {
                    continue; // it waits for another step listed beside it (a notice's close or findings)
                }

                var copy = w.Copy();
                if (step.NotBefore is { } at && at > copy.Now)
                {
                    copy.Now = at;
                }

                var refused = Commands.Give(copy, id, step, new Random(17));
                w.Check(refused is null, $"{id} at {standing.Stage} ({standing.WaitsFor}): the step {step.Command} by {step.Role} {step.By} was refused: {refused?.Refusal}");
                stats.StepsVerified++;
            }
        }
    }

    // ---- what disturbs the process ----------------------------------------------------------

    private static void Disturb(World w, Random rng, ModelStats stats)
    {
        var inProcess = w.Apps.Values.Where(a => a.Status == ApplicationStatus.InProcess).OrderBy(a => a.ApplicationId, StringComparer.Ordinal).ToList();
        var unreported = w.Review.Assignments.Values.Where(a => !w.Review.Reports.ContainsKey((a.ApplicationId, a.Stage)) && w.Apps[a.ApplicationId].Status == ApplicationStatus.InProcess).OrderBy(a => (a.ApplicationId, a.Stage)).ToList();
        var running = w.Notices.Where(n => n.Value.IsOpenAt(w.Now) && n.Value.Entries.Count > 0).Select(n => n.Key).Order(StringComparer.Ordinal).ToList();
        switch (running.Count > 0 && rng.Next(4) == 0 ? 2 : rng.Next(13))
        {
            case 0 when inProcess.Count > 0 && rng.Next(3) == 0:
                var leaving = inProcess[rng.Next(inProcess.Count)];
                Count(stats, "Withdraw", w.DoApp(leaving.ApplicationId, new Withdraw("经营调整"), w.Owners[leaving.ApplicationId]));
                break;
            case 1 when inProcess.Count > 0:
                var reported = inProcess[rng.Next(inProcess.Count)];
                Count(stats, "ReportAdverseRecord", w.DoApp(reported.ApplicationId, new ReportAdverseRecord($"round-{rng.Next(3)}", Enum.GetValues<Department>()[rng.Next(5)], "存在行政处罚记录"), Actor.System));
                break;
            case 2:
                if (running.Count > 0)
                {
                    var noticeId = running[rng.Next(running.Count)];
                    var entries = w.Notices[noticeId].Entries;
                    Count(stats, "FileObjection", w.DoNotice(noticeId, new FileObjection($"obj-{w.Log.Count}-{rng.Next(1000)}", new string('a', 64), entries[rng.Next(entries.Count)].ApplicationId, false, null, null, "该单位存在质量问题", []), World.Public));
                }

                break;
            case 3 when unreported.Count > 0:
                var declared = unreported[rng.Next(unreported.Count)];
                var members = w.Review.ActiveMembers(declared.ApplicationId, declared.Stage);
                if (members.Count > 0)
                {
                    Count(stats, "DeclareConflict", w.DoReview(declared.ApplicationId, new DeclareConflict(declared.ApplicationId, "曾为该单位提供咨询"), Commands.Reviewer(members[rng.Next(members.Count)])));
                }

                break;
            case 4 when unreported.Count > 0:
                var proposed = unreported[rng.Next(unreported.Count)];
                var panel = w.Review.Panels[proposed.PanelId];
                // The supervision group often proposes the team leader: Changde §36, the issue's case 3.
                var expert = rng.Next(2) == 0 ? panel.Leader : panel.Members[rng.Next(panel.Members.Count)];
                Count(stats, "ProposeRecusal", w.DoReview(proposed.ApplicationId, new ProposeRecusal(proposed.ApplicationId, expert, "与申报单位负责人有亲属关系"), World.Supervisor));
                if (rng.Next(2) == 0)
                {
                    Count(stats, "DecideRecusal", w.DoReview(proposed.ApplicationId, new DecideRecusal(proposed.ApplicationId, expert, true, "经核实，予以回避"), World.Office));
                }

                break;
            case 5 when unreported.Count > 0:
                ChangePanel(w, unreported[rng.Next(unreported.Count)], rng, stats);
                break;
            case 6 when unreported.Count > 0:
                RefusedScore(w, unreported[rng.Next(unreported.Count)], rng, stats);
                break;
            case 7 when unreported.Count > 0:
                var sent = unreported[rng.Next(unreported.Count)];
                var scored = w.Review.ActiveMembers(sent.ApplicationId, sent.Stage).Where(m => w.Review.HasSubmitted(sent.ApplicationId, sent.Stage, m)).ToList();
                if (scored.Count > 0)
                {
                    var leader = w.Review.Panels[sent.PanelId].Leader;
                    var by = w.Review.IsRecused(sent.ApplicationId, leader) ? World.Office : Commands.Reviewer(leader);
                    var items = Commands.Sheet(w, sent.ApplicationId, 0.5m).Keys.OrderBy(_ => rng.Next()).Take(rng.Next(1, 3)).ToList();
                    Count(stats, "RequestRescore", w.DoReview(sent.ApplicationId, new RequestRescore(sent.ApplicationId, sent.Stage, scored[rng.Next(scored.Count)], items, "该条款评分依据不足"), by));
                }

                break;
            case 8:
                var standing = Enum.GetValues<CycleDecision>().Where(d => CycleDecider.Stands(w.Cycle, d)).ToList();
                if (standing.Count > 0)
                {
                    Count(stats, "WithdrawCycleDecision", w.DoCycle(new WithdrawCycleDecision(standing[rng.Next(standing.Count)], "决定有误，撤回重新作出"), World.Office));
                }

                break;
            case 9 when inProcess.Count > 0:
                WrongRole(w, inProcess[rng.Next(inProcess.Count)], rng, stats);
                break;
            default:
                w.Now = w.Now.AddHours(rng.Next(4, 73));
                break;
        }
    }

    private static void ChangePanel(World w, PanelAssigned assigned, Random rng, ModelStats stats)
    {
        var panel = w.Review.Panels[assigned.PanelId];
        var id = assigned.ApplicationId;
        switch (rng.Next(4))
        {
            case 0 when panel.Members.Count < 7:
                Count(stats, "AddPanelMember", w.DoReview(id, new AddPanelMember(panel.PanelId, Commands.Newcomer(w, id, panel, rng), "增补评审员"), World.Office));
                break;
            case 1:
                Count(stats, "ReplacePanelMember", w.DoReview(id, new ReplacePanelMember(panel.PanelId, panel.Members[rng.Next(panel.Members.Count)], Commands.Newcomer(w, id, panel, rng), "评审员因故不能继续评审"), World.Office));
                break;
            case 2:
                Count(stats, "AppointTeamLeader", w.DoReview(id, new AppointTeamLeader(panel.PanelId, panel.Members[rng.Next(panel.Members.Count)], "调整组长"), World.Office));
                break;
            default:
                var keep = w.Review.ActiveMembers(id, assigned.Stage).Take(rng.Next(0, 3)).ToList();
                Count(stats, "ReassignPanel", w.DoReview(id, new ReassignPanel(id, assigned.Stage, Commands.FormPanel(w, id, keep, rng), "改派评审组"), World.Office));
                break;
        }
    }

    /// <summary>Scores the rules refuse: out of range, by someone not on the panel, or changing an item not sent back. Each must be refused and change nothing.</summary>
    private static void RefusedScore(World w, PanelAssigned assigned, Random rng, ModelStats stats)
    {
        var id = assigned.ApplicationId;
        var members = w.Review.ActiveMembers(id, assigned.Stage);
        var outsider = w.Pool.Experts.Keys.Order(StringComparer.Ordinal).FirstOrDefault(e => !w.Review.Panels[assigned.PanelId].Members.Contains(e)) ?? w.AddExpert();
        var reopened = members.FirstOrDefault(m => w.Review.Reopened.Contains((id, assigned.Stage, m)));
        var version = w.Review.Version;
        IReviewCommand command;
        string by;
        if (reopened is not null && rng.Next(2) == 0)
        {
            // Re-scoring changes only the items sent back: change one that was not.
            var sentBack = w.Review.SentBack[(id, assigned.Stage, reopened)];
            var previous = w.Review.Scores[(id, assigned.Stage, reopened)].Items;
            var other = previous.Keys.First(k => !sentBack.Contains(k));
            var items = previous.ToDictionary(StringComparer.Ordinal);
            items[other] = items[other] == 0 ? 1 : 0;
            (command, by) = (new SubmitReviewScore(id, assigned.Stage, items), reopened);
        }
        else if (members.Count > 0 && rng.Next(2) == 0)
        {
            var items = Commands.Sheet(w, id, 0.5m).ToDictionary(StringComparer.Ordinal);
            items[items.Keys.First()] = 10_000;
            (command, by) = (new SubmitReviewScore(id, assigned.Stage, items), members[rng.Next(members.Count)]);
        }
        else
        {
            (command, by) = (new SubmitReviewScore(id, assigned.Stage, Commands.Sheet(w, id, 0.7m)), outsider);
        }

        var refused = w.DoReview(id, command, Commands.Reviewer(by));
        w.Check(refused is not null && w.Review.Version == version, $"a score the rules refuse was taken: {by} on {id}");
        Count(stats, "refused-score", refused);
    }

    /// <summary>Commands by a role that may not give them: refused, nothing changes.</summary>
    private static void WrongRole(World w, ApplicationState app, Random rng, ModelStats stats)
    {
        var id = app.ApplicationId;
        var (refused, what) = rng.Next(5) switch
        {
            0 => (w.DoApp(id, new Accept(null), w.Owners[id]), "applicant accepts"),
            1 => (w.DoApp(id, new Disqualify(DisqualificationGround.Other, "越权"), World.Supervisor), "supervisor disqualifies"),
            2 => (w.DoCycle(new WithdrawCycleDecision(CycleDecision.Winners, "越权"), World.Committee), "committee withdraws"),
            3 => (w.DoReview(id, new AddPanelMember("panel-1", "exp-01", "越权"), World.Supervisor), "supervisor changes a panel"),
            _ => (w.DoApp(id, new ReopenStage(StageKind.Deliberation, "越权"), w.Owners[id]), "applicant reopens"),
        };
        w.Check(refused is not null, $"{what} was accepted");
        Count(stats, "wrong-role", refused);
    }
}
