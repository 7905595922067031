using System.ComponentModel;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Notices;

namespace QualityAward.Functions.Workflow;

/// <summary>One orchestration as the office reads it: which, in what state, what it waits for and until when.</summary>
public sealed record OrchestrationView(
    [property: Description("The instance: notice-{noticeId}, consultation-{consultationId}, application-{applicationId} or window-{cycleId}.")] string InstanceId,
    [property: Description("The orchestrator function.")] string Name,
    [property: Description("pending, running, completed, failed, terminated or suspended.")] string RuntimeStatus,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt,
    [property: Description("What it waits for (its custom status): the step, in words, until when, who holds it, a refused step.")] WaitingFor? WaitingFor,
    [property: Description("Why it failed, when it did.")] string? Failure);

/// <summary>Where an application stands (read now from the record) and its orchestration.</summary>
public sealed record ApplicationWorkflowView(
    string ApplicationId,
    string CycleId,
    [property: Description("Where it stands now: the step it waits for, the commands that move it on and who gives them, since and until when.")] Standing Standing,
    [property: Description("Its orchestration (application-{applicationId}), if it has one.")] OrchestrationView? Orchestration);

public sealed record CycleWorkflowView(
    string CycleId,
    [property: Description("The cycle's orchestrations: its submission window, notices, department consultations, and one per submitted application.")] IReadOnlyList<OrchestrationView> Orchestrations);

/// <summary>One item of the office's worklist: something stuck, why, and what moves it.</summary>
public sealed record WorklistItem(
    [property: Description("overdue (waits past what its stage expects), refused (a step the system took was refused) or failed (an orchestration failed).")] string Kind,
    [property: Description("What it is about: an application id, or the orchestration's instance.")] string Subject,
    [property: Description("The application, when it is about one.")] string? ApplicationId,
    [property: Description("The orchestration that shows it, if any.")] string? InstanceId,
    [property: Description("The step's or the refusal's stable code.")] string Code,
    [property: Description("The reason (zh-CN).")] string Zh,
    [property: Description("The reason (English).")] string En,
    DateTimeOffset? Since,
    [property: Description("Until when its stage expected it.")] DateTimeOffset? Until,
    [property: Description("The commands that can move it, who gives them, and what they do (advances, waits, corrects, ends).")] IReadOnlyList<NextStep> Commands);

/// <summary>
/// Where it stands (issue 15 item 3, issue 16 "nothing stuck silently"): for an application or a
/// cycle, what each orchestration waits for and until when, from the Durable task hub; and the
/// office's worklist: every application past what its stage expects, every step the system took
/// that was refused, every orchestration that failed — each with its reason and what moves it.
/// </summary>
public sealed class WhereItStands(Standings standings)
{
    private const string Tag = "Workflow";

    private static readonly JsonSerializerOptions StatusJson = new(JsonSerializerDefaults.Web);

    [Function("GetApplicationWorkflow")]
    [Allow(Roles.Office, Roles.Supervisor)]
    [Api(Tag, "Where an application stands: the step it waits for, who holds it, since and until when (read now from the record), and its orchestration's status.", Returns = typeof(ApplicationWorkflowView))]
    [Refuses(404, "application.not-found")]
    public async Task<IResult> GetApplicationWorkflow([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/applications/{applicationId}/workflow")] HttpRequest req, string applicationId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var (app, record, standing) = await standings.OfAsync(applicationId, ct);
        if (record is null || app.Status == ApplicationStatus.Draft)
        {
            return Problems.For(req.HttpContext, Refusal.NotFound("application.not-found", "申报不存在。", "No such application."));
        }

        var instance = await durable.GetInstanceAsync(Orchestrations.Application(app.ApplicationId), getInputsAndOutputs: true, ct);
        return Results.Ok(new ApplicationWorkflowView(app.ApplicationId, app.CycleId, standing, instance is null ? null : View(instance)));
    }

    [Function("GetCycleWorkflow")]
    [Allow(Roles.Office, Roles.Supervisor)]
    [Api(Tag, "A cycle's orchestrations (submission window, notices, consultations, applications): each one's state, what it waits for and until when.", Returns = typeof(CycleWorkflowView))]
    [Refuses(404, "cycle.not-found")]
    public async Task<IResult> GetCycleWorkflow([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/cycles/{cycleId}/workflow")] HttpRequest req, string cycleId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var record = await standings.OfCycleAsync(cycleId, ct);
        if (record is null)
        {
            return CycleNotFound(req.HttpContext);
        }

        var instances = await InstancesAsync(durable, record, ct);
        return Results.Ok(new CycleWorkflowView(record.Cycle.CycleId, instances.Select(View).ToList()));
    }

    [Function("GetCycleWorklist")]
    [Allow(Roles.Office, Roles.Supervisor)]
    [Api(Tag, "The office's worklist: every application that waits past what its stage expects, every step the system took that was refused (e.g. an application a closed notice could not move on), every orchestration that failed; each with its reason (zh-CN and English) and the commands that can move it.", Returns = typeof(WorklistItem[]))]
    [Refuses(404, "cycle.not-found")]
    public async Task<IResult> GetCycleWorklist([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/cycles/{cycleId}/worklist")] HttpRequest req, string cycleId, [DurableClient] DurableTaskClient durable, CancellationToken ct)
    {
        var record = await standings.OfCycleAsync(cycleId, ct);
        if (record is null)
        {
            return CycleNotFound(req.HttpContext);
        }

        var standingOf = record.Applications.Values.ToDictionary(a => a.ApplicationId, record.StandingOf, StringComparer.Ordinal);
        var items = new List<WorklistItem>();

        // Applications past what their stage expects (read now from the record, whatever the orchestrations last saw).
        foreach (var s in standingOf.Values.Where(s => !s.Ended && s.Overdue))
        {
            items.Add(new WorklistItem("overdue", s.ApplicationId, s.ApplicationId, Orchestrations.Application(s.ApplicationId), s.WaitsFor,
                $"已超过本环节预期期限：{s.Zh}", $"Past what its stage expects: {s.En}", s.Since, s.DueAt, s.Steps));
        }

        foreach (var instance in await InstancesAsync(durable, record, ct))
        {
            var status = StatusOf(instance);
            var applicationId = instance.InstanceId.StartsWith("application-", StringComparison.Ordinal) ? instance.InstanceId["application-".Length..] : null;
            var steps = applicationId is not null && standingOf.TryGetValue(applicationId, out var own) ? own.Steps : [];
            if (instance.RuntimeStatus == OrchestrationRuntimeStatus.Failed)
            {
                var why = instance.FailureDetails?.ErrorMessage ?? "unknown";
                items.Add(new WorklistItem("failed", applicationId ?? instance.InstanceId, applicationId, instance.InstanceId, "orchestration.failed",
                    applicationId is null
                        ? $"编排“{instance.InstanceId}”运行失败（{why}），须由运维人员查看并重新启动。"
                        : $"该申报的编排运行失败（{why}）；对该申报的下一项操作将重新启动它。",
                    $"The orchestration {instance.InstanceId} failed: {why}.", instance.CreatedAt, null, steps));
                continue;
            }

            // A notice that closed with applications it could not move on: each, while it still stands at that notice.
            if (instance.Name == nameof(NoticeOrchestration) && instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed
                && instance.SerializedOutput is { } output && JsonSerializer.Deserialize<NoticeOutcome>(output, StatusJson) is { } outcome)
            {
                foreach (var refused in outcome.NotMoved)
                {
                    if (standingOf.TryGetValue(refused.Subject, out var s) && !s.Ended && !record.Applications[refused.Subject].NoticesPassed.Contains(outcome.NoticeId))
                    {
                        items.Add(new WorklistItem("refused", refused.Subject, refused.Subject, instance.InstanceId, refused.Code,
                            $"公示已结束，但该申报未能进入下一环节：{refused.Zh}", $"The notice closed but the application could not move on: {refused.En}", s.Since, s.DueAt, s.Steps));
                    }
                }

                continue;
            }

            if (status?.Problem is { } problem && instance.RuntimeStatus != OrchestrationRuntimeStatus.Terminated)
            {
                items.Add(new WorklistItem("refused", applicationId ?? instance.InstanceId, applicationId, instance.InstanceId, problem,
                    status.ProblemZh ?? status.Zh, status.En, status.Since, status.Until, steps));
            }
        }

        return Results.Ok(items);
    }

    /// <summary>The cycle's orchestrations: its window, its notices, its consultation rounds and its applications' (with their status and output: the task hub sends the custom status only with them).</summary>
    private static async Task<IReadOnlyList<OrchestrationMetadata>> InstancesAsync(DurableTaskClient durable, CycleRecord record, CancellationToken ct)
    {
        var found = new List<OrchestrationMetadata>();
        var ids = new List<string> { Orchestrations.SubmissionWindow(record.Cycle.CycleId) };
        ids.AddRange(record.Cycle.Notices.Keys.Order(StringComparer.Ordinal).Select(Orchestrations.Notice));
        ids.AddRange(record.Applications.Keys.Order(StringComparer.Ordinal).Select(Orchestrations.Application));
        foreach (var id in ids)
        {
            if (await durable.GetInstanceAsync(id, getInputsAndOutputs: true, ct) is { } instance)
            {
                found.Add(instance);
            }
        }

        // Consultation rounds are named after the cycle ({cycleId}-c{stage}[-{round}]).
        var prefix = Orchestrations.Consultation($"{record.Cycle.CycleId}-c");
        await foreach (var instance in durable.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = prefix, FetchInputsAndOutputs = true }).WithCancellation(ct))
        {
            if (instance.InstanceId.StartsWith(prefix, StringComparison.Ordinal))
            {
                // A query's answer can leave out why an instance failed; reading it by id gives it.
                found.Add(instance is { RuntimeStatus: OrchestrationRuntimeStatus.Failed, FailureDetails: null }
                    ? await durable.GetInstanceAsync(instance.InstanceId, getInputsAndOutputs: true, ct) ?? instance
                    : instance);
            }
        }

        return found;
    }

    private static OrchestrationView View(OrchestrationMetadata instance) => new(
        instance.InstanceId,
        instance.Name,
        Wire.Name(instance.RuntimeStatus),
        instance.CreatedAt,
        instance.LastUpdatedAt,
        StatusOf(instance),
        instance.FailureDetails?.ErrorMessage);

    /// <summary>What an orchestration shows it waits for (its custom status), as the API and the reporting export read it.</summary>
    internal static WaitingFor? StatusOf(OrchestrationMetadata instance)
    {
        try
        {
            return instance.SerializedCustomStatus is { Length: > 0 } status ? JsonSerializer.Deserialize<WaitingFor>(status, StatusJson) : null;
        }
        catch (JsonException)
        {
            return null; // a status of another shape (an older version's) shows as none
        }
    }

    private static IResult CycleNotFound(HttpContext http) => Problems.For(http, Refusal.NotFound("cycle.not-found", "该评选周期不存在。", "No such cycle."));
}
