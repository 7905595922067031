using Microsoft.Extensions.Options;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Consultations;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Consultations;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Awards;

/// <summary>
/// Consultations about holders, through the departments' consultation mechanism (mail, signed
/// reply links, the same reply page). When <see cref="HolderConsultationDue"/> is recorded, a
/// round is opened for that award and due date (<see cref="ConsultationIds.ForHolder"/>): the
/// departments the policy's first consultation stage names for the holder's sector are asked
/// whether the holder had a major incident or a serious violation. Each adverse answer is
/// recorded on the holder's stream as <see cref="HolderAdverseRecordReported"/>, where the office
/// sees it (register and worklist) and may open revocation. Both steps are idempotent: the round
/// per award and date, the record per round, department and award.
/// </summary>
public sealed partial class HolderConsultations(
    HolderCommands holders,
    ConsultationCommands consultations,
    IOptionsMonitor<ConsultationOptions> options,
    ILogger<HolderConsultations> logger) : IReaction
{
    public bool Handles(StoredEvent e) => e.Event is HolderConsultationDue or DepartmentAnswered;

    public async Task ReactAsync(StoredEvent e, CancellationToken ct)
    {
        switch (e.Event)
        {
            case HolderConsultationDue due:
                await OpenAsync(e.StreamId["holder-".Length..], due, ct);
                break;
            case DepartmentAnswered answered:
                var round = await consultations.LoadAsync(e.StreamId["consultation-".Length..], ct);
                if (round?.Opened is { HolderKey: { } key } opened)
                {
                    await ReportAsync(key, opened, answered, ct);
                }

                break;
        }
    }

    private async Task OpenAsync(string holderKey, HolderConsultationDue due, CancellationToken ct)
    {
        var (app, policy) = await holders.ApplicationAsync(due.ApplicationId, ct);
        if (app is null || policy is null || app.Status != ApplicationStatus.Awarded)
        {
            LogSkipped(logger, due.ApplicationId, "award.not-standing");
            return;
        }

        var index = Enumerable.Range(0, policy.Stages.Count).FirstOrDefault(i => policy.Stages[i].Kind == StageKind.Consultation, -1);
        if (index < 0)
        {
            LogSkipped(logger, due.ApplicationId, "consultation.not-in-policy");
            return;
        }

        var stage = policy.Stages[index];
        var sector = app.Form.SectorFor(app.Category);
        var config = options.CurrentValue;
        var departments = StagePlan.DepartmentsFor(stage, sector, securityFlagged: false);
        if (!config.IsConfigured || departments.Any(d => config.Contact(d) is null))
        {
            // The due row stays on the office's worklist: the office asks by other means.
            LogSkipped(logger, due.ApplicationId, "consultation.not-configured");
            return;
        }

        var consultationId = ConsultationIds.ForHolder(app.ApplicationId, due.DueOn);
        var name = app.Form.Name ?? app.ApplicationId;
        var title = $"关于{policy.AwardName}获奖者{name}有无重大事故或严重违法违规行为征求意见";
        var command = new OpenConsultation(
            consultationId,
            app.CycleId,
            index,
            stage,
            title,
            [new ConsultationCandidate(app.ApplicationId, name, holderKey, app.Category, sector, SecurityFlagged: false)],
            config.ReminderWorkingDays,
            holderKey);
        var outcome = await consultations.RunAsync(consultationId, command, Actor.System, $"holder-consultation-{consultationId}", ct);
        if (outcome.Refusal is { } refusal)
        {
            if (refusal.Code == "concurrency.conflict")
            {
                throw new InvalidOperationException($"Opening {consultationId}: {refusal}");
            }

            LogSkipped(logger, due.ApplicationId, refusal.Code);
            return;
        }

        if (outcome.Appended.Count > 0)
        {
            LogOpened(logger, consultationId, due.ApplicationId, departments.Count);
        }
    }

    private async Task ReportAsync(string holderKey, ConsultationOpened round, DepartmentAnswered answered, CancellationToken ct)
    {
        var key = HolderKey.Parse(holderKey).Value;
        foreach (var a in answered.Answers.Where(a => a.Verdict == ConsultationVerdict.AdverseRecord))
        {
            var outcome = await holders.RunAsync(
                key,
                new ReportHolderAdverseRecord(round.ConsultationId, a.ApplicationId, answered.Department, a.Details!, a.FileId),
                Actor.System,
                null,
                $"holder-adverse-{round.ConsultationId}-{answered.Department}-{a.ApplicationId}",
                ct);
            if (outcome.Refusal is { } refusal)
            {
                throw new InvalidOperationException($"Recording {answered.Department}'s adverse record on {a.ApplicationId}: {refusal}");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consultation {ConsultationId} about holder award {ApplicationId} opened: {Departments} departments asked")]
    private static partial void LogOpened(ILogger logger, string consultationId, string applicationId, int departments);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No department consultation opened for holder award {ApplicationId}: {Code}; the office's worklist keeps it due")]
    private static partial void LogSkipped(ILogger logger, string applicationId, string code);
}
