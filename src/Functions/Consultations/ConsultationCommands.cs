using Microsoft.Extensions.Options;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Consultations;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Consultations;

public static class ConsultationStreams
{
    public static readonly StreamKind<ConsultationState, IConsultationEvent> Kind = new("consultation", ConsultationState.Initial, ConsultationState.Evolve);
}

/// <summary>Runs consultation commands: opening a round for a cycle's stage, departments' answers, the timers' steps.</summary>
public sealed class ConsultationCommands(Streams streams, ReadModels readModels, CalendarProvider calendars, IOptionsMonitor<ConsultationOptions> options, Cycles.CycleClock clock)
{
    public const string DepartmentRole = "department";

    /// <summary>
    /// Open the round for the applications standing at a consultation stage of the cycle's policy:
    /// the given stage index, or else the first consultation stage at which applications stand.
    /// </summary>
    public async Task<CommandOutcome<ConsultationState>> OpenAsync(string cycleId, int? stageIndex, Actor actor, string? commandId, CancellationToken ct)
    {
        var id = CycleId.Parse(cycleId);
        if (!id.IsOk)
        {
            return Refused(id.Refusal!);
        }

        var cycle = await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct);
        if (!cycle.Exists)
        {
            return Refused(Refusal.NotFound("cycle.not-found", "该评选周期不存在。", "No such cycle."));
        }

        var stages = cycle.Policy.Stages;
        var consultationStages = Enumerable.Range(0, stages.Count).Where(i => stages[i].Kind == StageKind.Consultation).ToList();
        if (consultationStages.Count == 0)
        {
            return Refused(Refusal.Rule("consultation.not-in-policy", "本政策没有征求有关部门意见环节。", "This policy has no consultation stage."));
        }

        if (stageIndex is { } wanted && !consultationStages.Contains(wanted))
        {
            return Refused(Refusal.Invalid("consultation.stage-invalid", $"第{wanted}个环节不是征求意见环节；本政策的征求意见环节为：{string.Join("、", consultationStages)}。", $"Stage {wanted} is not a consultation stage; these are: {string.Join(", ", consultationStages)}.", "stageIndex"));
        }

        var standing = await StandingAsync(cycle.CycleId, ct);
        var index = stageIndex ?? consultationStages.FirstOrDefault(i => standing.Any(a => a.StageIndex == i), consultationStages[0]);
        var candidates = standing.Where(a => a.StageIndex == index)
            .Select(a => new ConsultationCandidate(a.ApplicationId, a.Form.Name ?? a.ApplicationId, a.ApplicantKey ?? string.Empty, a.Category, a.Form.SectorFor(a.Category), a.SecurityFlagged))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();

        var stage = stages[index];
        var config = options.CurrentValue;
        if (!config.IsConfigured)
        {
            return Refused(Refusal.Rule("consultation.not-configured", "尚未配置征求意见邮件（Consultations:Mailbox、ReplyBaseUrl、SigningKey），不能发出征求意见。", "Consultation mail is not configured (Consultations:Mailbox, ReplyBaseUrl, SigningKey)."));
        }

        var missing = candidates.SelectMany(c => StagePlan.DepartmentsFor(stage, c.Sector, c.SecurityFlagged)).Distinct().Where(d => config.Contact(d) is null).ToList();
        if (missing.Count > 0)
        {
            return Refused(Refusal.Rule(
                "consultation.department-not-configured",
                $"以下部门尚未配置邮箱：{string.Join("、", missing.Select(DepartmentNames.Zh))}（Consultations:Departments:…:Email）。",
                $"No mail address is configured for: {string.Join(", ", missing)} (Consultations:Departments:…:Email)."));
        }

        // An application that reached the stage after the stage's round opened is asked in a
        // supplementary round of its own (the same departments' rules, its own deadline); asking
        // again with nobody new answers the latest round, unchanged.
        var rounds = await RoundsAsync(cycle.CycleId, index, ct);
        var asked = rounds.SelectMany(r => r.Opened!.Applicants.Select(a => a.ApplicationId)).ToHashSet(StringComparer.Ordinal);
        var fresh = candidates.Where(c => !asked.Contains(c.ApplicationId)).ToList();
        if (rounds.Count > 0 && fresh.Count == 0)
        {
            return new CommandOutcome<ConsultationState>(rounds[^1], [], null);
        }

        if (rounds.Count >= ConsultationIds.MaxRoundsPerStage)
        {
            return Refused(Refusal.Rule("consultation.too-many-rounds", $"该环节已发出{rounds.Count}轮征求意见，不能再增加。", $"This stage has {rounds.Count} rounds already."));
        }

        var consultationId = ConsultationIds.For(cycle.CycleId, index, rounds.Count + 1);
        var title = $"{cycle.Title}{stage.Title ?? "征求有关部门意见"}" + (rounds.Count > 0 ? $"（补充第{rounds.Count}轮）" : string.Empty);
        var command = new OpenConsultation(consultationId, cycle.CycleId, index, stage, title, rounds.Count > 0 ? fresh : candidates, config.ReminderWorkingDays);
        return await RunAsync(consultationId, command, actor, commandId, ct);
    }

    /// <summary>The rounds of one consultation stage of a cycle, first round first.</summary>
    public async Task<IReadOnlyList<ConsultationState>> RoundsAsync(string cycleId, int stageIndex, CancellationToken ct)
    {
        var rounds = new List<ConsultationState>();
        for (var n = 1; n <= ConsultationIds.MaxRoundsPerStage && await LoadAsync(ConsultationIds.For(cycleId, stageIndex, n), ct) is { } round; n++)
        {
            rounds.Add(round);
        }

        return rounds;
    }

    public async Task<CommandOutcome<ConsultationState>> RunAsync(string consultationId, IConsultationCommand command, Actor actor, string? commandId, CancellationToken ct)
    {
        if (ConsultationIds.Parse(consultationId) is null)
        {
            return Refused(Refusal.NotFound("consultation.not-found", "征求意见不存在。", "No such consultation."));
        }

        var calendar = await calendars.CurrentAsync(ct);
        return await streams.RunAsync(
            ConsultationStreams.Kind,
            ConsultationIds.StreamId(consultationId),
            async state => ConsultationDecider.Decide(command, state, new ConsultationContext(await clock.NowAsync(state.Opened?.CycleId ?? (command as OpenConsultation)?.CycleId, ct), calendar, actor)),
            new EventMetadata(actor, commandId, null),
            ct);
    }

    public async Task<ConsultationState?> LoadAsync(string consultationId, CancellationToken ct)
    {
        if (ConsultationIds.Parse(consultationId) is null)
        {
            return null;
        }

        var state = await streams.LoadAsync(ConsultationStreams.Kind, ConsultationIds.StreamId(consultationId), ct);
        return state.Exists ? state : null;
    }

    /// <summary>The actor a department answers as: no account, identified by its signed link.</summary>
    public static Actor DepartmentActor(string consultationId, Department department, string? respondent) =>
        new($"department:{department}:{consultationId}", DepartmentRole, string.IsNullOrWhiteSpace(respondent) ? DepartmentNames.Zh(department) : respondent.Trim(), department.ToString());

    private async Task<IReadOnlyList<ApplicationState>> StandingAsync(string cycleId, CancellationToken ct)
    {
        var rows = await readModels.PartitionAsync(ApplicationIndex.CyclePartition(cycleId), ct);
        var result = new List<ApplicationState>();
        foreach (var row in rows.Where(r => r.GetString("Stage") == nameof(StageKind.Consultation) && r.GetString("Status") == nameof(ApplicationStatus.InProcess)))
        {
            var app = await streams.LoadAsync(StreamKinds.Application, ApplicationId.Parse(row.RowKey).Value.StreamId, ct);
            if (app.Status == ApplicationStatus.InProcess && app.Stage == StageKind.Consultation)
            {
                result.Add(app);
            }
        }

        return result;
    }

    private static CommandOutcome<ConsultationState> Refused(Refusal refusal) => new(ConsultationState.Initial, [], refusal);
}
