using Microsoft.DurableTask.Client;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Reporting;

/// <summary>
/// What the app's records hold that an orchestration can be about: each cycle, and the cycle of
/// each notice, consultation round and application. An instance of the task hub that is about
/// none of them is not this app's and is not exported.
/// </summary>
public sealed record OrchestrationSubjects(
    IReadOnlySet<string> Cycles,
    IReadOnlyDictionary<string, string> NoticeCycles,
    IReadOnlyDictionary<string, string> ConsultationCycles,
    IReadOnlyDictionary<string, string> ApplicationCycles);

/// <summary>
/// The orchestrations' status (issue 15 item 3, issue 21 item 7): one row per orchestration
/// instance of the app's task hub, read from the <see cref="DurableTaskClient"/> with its custom
/// status (<see cref="WaitingFor"/>), as <c>GET /api/cycles/{id}/workflow</c> shows it. Only
/// instances about the app's own cycles, notices, consultation rounds and applications are
/// exported. Left out: who exactly holds the next step (only the role is exported), the
/// orchestrations' inputs and outputs, and an individual holder's register key (an identity
/// number), which is masked in the instance id and in a failure's message.
/// </summary>
public static class OrchestrationFacts
{
    /// <summary>What stands in an exported instance id (and failure message) for an individual holder's identity number.</summary>
    public const string IndividualKey = "individual";

    private const string HolderPrefix = "holder-";

    /// <summary>The kinds of orchestration, by their instance id's prefix (<see cref="Orchestrations"/>), in the order a cycle meets them.</summary>
    public static IReadOnlyList<(string Code, string Zh, string En)> Kinds { get; } =
    [
        ("window", "申报受理期", "Submission window"),
        ("application", "申报评审进程", "An application's way through the stages"),
        ("notice", "公示", "Public notice"),
        ("consultation", "征求有关部门意见", "Department consultation"),
        ("holderDuty", "获奖后管理事项", "An award holder's duty"),
    ];

    /// <summary>The task hub's runtime statuses, as it spells them, with their names; those that need the office's attention first.</summary>
    public static IReadOnlyList<(OrchestrationRuntimeStatus Status, string Zh, string En)> Statuses { get; } =
    [
        (OrchestrationRuntimeStatus.Failed, "运行失败", "Failed"),
        (OrchestrationRuntimeStatus.Suspended, "已暂停", "Suspended"),
        (OrchestrationRuntimeStatus.Pending, "待启动", "Pending"),
        (OrchestrationRuntimeStatus.Running, "运行中", "Running"),
        (OrchestrationRuntimeStatus.Completed, "已完成", "Completed"),
        (OrchestrationRuntimeStatus.Terminated, "已终止", "Terminated"),
#pragma warning disable CS0618 // never shown by a query, but a status the task hub can spell must have a name
        (OrchestrationRuntimeStatus.ContinuedAsNew, "正在重新开始", "Continued as new"),
        (OrchestrationRuntimeStatus.Canceled, "已取消", "Canceled"),
#pragma warning restore CS0618
    ];

    public static IEnumerable<object?[]> KindRows() =>
        Kinds.Select((k, i) => new object?[] { k.Code, k.Zh, k.En, i + 1 });

    public static IEnumerable<object?[]> StatusRows() =>
        Statuses.Select((s, i) => new object?[] { ReportBuilder.Name(s.Status), s.Zh, s.En, i + 1 });

    /// <summary>Every instance of the task hub that is about the app's records, with its status and what it waits for, by instance id.</summary>
    public static async Task<List<object?[]>> RowsAsync(DurableTaskClient durable, OrchestrationSubjects subjects, CancellationToken ct)
    {
        // With inputs and outputs: the task hub sends the custom status only with them.
        var rows = new List<(string InstanceId, object?[] Row)>();
        await foreach (var instance in durable.GetAllInstancesAsync(new OrchestrationQuery { FetchInputsAndOutputs = true }).WithCancellation(ct))
        {
            if (SubjectOf(instance.InstanceId, subjects) is { } subject)
            {
                // A query's answer may leave out why an instance failed (the local host's task hub does): read that one again.
                var read = instance is { RuntimeStatus: OrchestrationRuntimeStatus.Failed, FailureDetails: null }
                    ? await durable.GetInstanceAsync(instance.InstanceId, getInputsAndOutputs: true, ct) ?? instance
                    : instance;
                rows.Add((subject.InstanceId, Row(read, subject)));
            }
        }

        return [.. rows.OrderBy(r => r.InstanceId, StringComparer.Ordinal).Select(r => r.Row)];
    }

    /// <summary>
    /// What an instance is about, from its id (<see cref="Orchestrations"/>; a holder's duty:
    /// <c>holder-{holderKey}-{duty}-{yyyy-MM-dd}-{applicationId}</c>), if that is one of the app's
    /// records; null for an instance of another app's data.
    /// </summary>
    public static OrchestrationSubject? SubjectOf(string instanceId, OrchestrationSubjects subjects)
    {
        if (After(instanceId, Orchestrations.SubmissionWindow(string.Empty)) is { } cycleId)
        {
            return subjects.Cycles.Contains(cycleId) ? new("window", instanceId, cycleId, null, null, null, null) : null;
        }

        if (After(instanceId, Orchestrations.Application(string.Empty)) is { } applicationId)
        {
            return subjects.ApplicationCycles.TryGetValue(applicationId, out var cycle) ? new("application", instanceId, cycle, applicationId, null, null, null) : null;
        }

        if (After(instanceId, Orchestrations.Notice(string.Empty)) is { } noticeId)
        {
            return subjects.NoticeCycles.TryGetValue(noticeId, out var cycle) ? new("notice", instanceId, cycle, null, noticeId, null, null) : null;
        }

        if (After(instanceId, Orchestrations.Consultation(string.Empty)) is { } consultationId)
        {
            return subjects.ConsultationCycles.TryGetValue(consultationId, out var cycle) ? new("consultation", instanceId, cycle, null, null, consultationId, null) : null;
        }

        if (After(instanceId, HolderPrefix) is { } duty)
        {
            // The holder's key (a credit code or an identity number) has no '-'; the application id (app-{guid}) ends the id.
            var keyEnd = duty.IndexOf('-', StringComparison.Ordinal);
            var application = duty.LastIndexOf("-app-", StringComparison.Ordinal);
            if (keyEnd <= 0 || application <= keyEnd)
            {
                return null;
            }

            var key = duty[..keyEnd];
            var owner = duty[(application + 1)..];
            if (!subjects.ApplicationCycles.TryGetValue(owner, out var cycle))
            {
                return null;
            }

            var hidden = HolderFacts.OrganisationKey(key) is null ? key : null;
            var shown = hidden is null ? instanceId : HolderPrefix + IndividualKey + duty[keyEnd..];
            return new("holderDuty", shown, cycle, owner, null, null, hidden);
        }

        return null;
    }

    private static string? After(string instanceId, string prefix) =>
        instanceId.StartsWith(prefix, StringComparison.Ordinal) && instanceId.Length > prefix.Length ? instanceId[prefix.Length..] : null;

    private static object?[] Row(OrchestrationMetadata instance, OrchestrationSubject subject)
    {
        var status = WhereItStands.StatusOf(instance);
        var failure = instance.FailureDetails;
        return
        [
            subject.InstanceId, subject.Kind, instance.Name, subject.CycleId, subject.ApplicationId, subject.NoticeId, subject.ConsultationId,
            ReportBuilder.Name(instance.RuntimeStatus), status?.Code, status?.Zh, status?.En,

            // The role only: the one person who holds the step (role:subject) is not exported.
            status?.Holder?.Split(':')[0], status?.Since, status?.Until, status?.Overdue, status?.Problem, status?.ProblemZh,
            instance.CreatedAt, instance.LastUpdatedAt, failure?.ErrorType, Masked(failure?.ErrorMessage, subject.HiddenKey),
        ];
    }

    private static string? Masked(string? text, string? hidden) =>
        text is null || hidden is null ? text : text.Replace(hidden, IndividualKey, StringComparison.Ordinal);
}

/// <summary>What one orchestration instance is about: its kind, the id it is exported under, its cycle and its record; <c>HiddenKey</c> is an individual's identity number to mask.</summary>
public sealed record OrchestrationSubject(
    string Kind,
    string InstanceId,
    string CycleId,
    string? ApplicationId,
    string? NoticeId,
    string? ConsultationId,
    string? HiddenKey);
