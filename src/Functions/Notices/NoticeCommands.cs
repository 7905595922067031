using System.Security.Cryptography;
using System.Text;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Notices;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Notices;

/// <summary>Runs notice commands: opening a list under notice, objections, findings, closing.</summary>
public sealed class NoticeCommands(Streams streams, Cycles.CycleCommands cycles, ReadModels readModels, CalendarProvider calendars, Cycles.CycleClock clock)
{
    /// <summary>
    /// Publish the applications that stand at the policy's notice of <paramref name="list"/>, from
    /// <paramref name="firstDay"/>, for the policy's working days unless the office gives more.
    /// </summary>
    public async Task<CommandOutcome<NoticeState>> OpenAsync(string cycleId, NoticeList list, DateOnly firstDay, int? workingDays, Actor actor, string? commandId, CancellationToken ct)
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

        var stage = cycle.Policy.Stages.FirstOrDefault(s => s.Kind == StageKind.PublicNotice && s.List == list);
        if (stage is null)
        {
            return Refused(Refusal.Rule("notice.not-in-policy", $"本政策没有{list.Zh()}公示环节。", $"This policy has no {list.Slug()} notice.", "list"));
        }

        var entries = await EntriesAsync(cycle, stage, ct);
        var noticeId = NoticeId.For(id.Value, list);
        var title = $"{cycle.Title}{list.Zh()}公示";
        var command = new OpenNotice(noticeId.Value, cycle.CycleId, stage, title, entries, firstDay, workingDays ?? stage.MinWorkingDays!.Value, cycle.Policy.Objections.AnonymousAllowed, cycle.Rehearsal);
        var outcome = await RunAsync(noticeId.Value, command, actor, commandId, ct);
        if (!outcome.Refused)
        {
            await cycles.RunAsync(cycle.CycleId, new RecordNoticePublished(noticeId.Value, list), Actor.System, commandId, ct);
        }

        return outcome;
    }

    public async Task<CommandOutcome<NoticeState>> RunAsync(string noticeId, INoticeCommand command, Actor actor, string? commandId, CancellationToken ct)
    {
        var id = NoticeId.Parse(noticeId);
        if (!id.IsOk)
        {
            return Refused(Refusal.NotFound("notice.not-found", "公示不存在。", "No such notice."));
        }

        var calendar = await calendars.CurrentAsync(ct);
        return await streams.RunAsync(
            StreamKinds.Notice,
            id.Value.StreamId,
            async notice => NoticeDecider.Decide(command, notice, new NoticeContext(await clock.NowAsync(notice.Opened?.CycleId ?? (command as OpenNotice)?.CycleId, ct), calendar, actor)),
            new EventMetadata(actor, commandId, null),
            ct);
    }

    /// <summary>File an objection; the receipt code goes to the objector only, the stream keeps its hash.</summary>
    public async Task<(CommandOutcome<NoticeState> Outcome, string ObjectionId, string ReceiptCode)> FileObjectionAsync(
        string noticeId, string? applicationId, bool realName, string? name, string? contact, string text, CancellationToken ct) =>
        await FileObjectionAsync(noticeId, NewObjectionId(), applicationId, realName, name, contact, text, [], ct);

    /// <summary>File an objection whose evidence files are already stored under <paramref name="objectionId"/>.</summary>
    public async Task<(CommandOutcome<NoticeState> Outcome, string ObjectionId, string ReceiptCode)> FileObjectionAsync(
        string noticeId, string objectionId, string? applicationId, bool realName, string? name, string? contact, string text, IReadOnlyList<string> evidence, CancellationToken ct)
    {
        var receipt = ReceiptCodes.New();
        var command = new FileObjection(objectionId, ReceiptCodes.Hash(receipt), string.IsNullOrWhiteSpace(applicationId) ? null : applicationId, realName, name, contact, text ?? string.Empty, evidence);
        var actor = new Actor(realName ? "objector:" + objectionId : "anonymous", "public", realName ? name : "匿名");
        var outcome = await RunAsync(noticeId, command, actor, objectionId, ct);
        return (outcome, objectionId, receipt);
    }

    public static string NewObjectionId() => "obj-" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// Before an objection's files are read: the notice must exist and be running. (The decider
    /// checks again when the objection is filed; this only keeps a closed notice from taking files.)
    /// </summary>
    public async Task<Refusal?> PermObjectAsync(string noticeId, CancellationToken ct)
    {
        var id = NoticeId.Parse(noticeId);
        var notice = id.IsOk ? await streams.LoadAsync(StreamKinds.Notice, id.Value.StreamId, ct) : NoticeState.Initial;
        if (!notice.Exists)
        {
            return Refusal.NotFound("notice.not-found", "公示不存在。", "No such notice.");
        }

        return notice.IsOpenAt(await clock.NowAsync(notice.Opened!.CycleId, ct))
            ? null
            : Refusal.Rule("notice.not-open", "公示期外不受理异议。", "Objections are taken only while the notice runs.");
    }

    private async Task<IReadOnlyList<NoticeEntry>> EntriesAsync(CycleState cycle, StageRule stage, CancellationToken ct)
    {
        var stageIndex = cycle.Policy.Stages.ToList().IndexOf(stage);
        var districts = cycle.Policy.City.Districts.ToDictionary(d => d.Id, d => d.Name, StringComparer.Ordinal);
        var rows = await readModels.PartitionAsync(ApplicationIndex.CyclePartition(cycle.CycleId), ct);
        var entries = new List<NoticeEntry>();
        foreach (var row in rows.Where(r => r.GetString("Stage") == nameof(StageKind.PublicNotice)))
        {
            var app = await streams.LoadAsync(StreamKinds.Application, ApplicationId.Parse(row.RowKey).Value.StreamId, ct);
            if (app.Status == ApplicationStatus.InProcess && app.StageIndex == stageIndex)
            {
                var district = app.Form.DistrictId is { } d && districts.TryGetValue(d, out var n) ? n : string.Empty;
                entries.Add(new NoticeEntry(app.ApplicationId, app.Form.Name ?? string.Empty, app.Category, district, app.ProposedTier ?? app.Candidate?.Tier, app.Category == ApplicantCategory.Individual ? app.Form.Employer : null));
            }
        }

        return entries.OrderBy(e => e.Category).ThenBy(e => e.Name, StringComparer.Ordinal).ToList();
    }

    private static CommandOutcome<NoticeState> Refused(Refusal refusal) => new(NoticeState.Initial, [], refusal);
}

/// <summary>Receipt codes for objections: 12 characters without look-alikes (0/O, 1/I/L), kept only as a hash.</summary>
public static class ReceiptCodes
{
    private const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    public static string New() => RandomNumberGenerator.GetString(Alphabet, 12);

    public static string Hash(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalise(code))));

    public static string Normalise(string code) => new(code.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant).ToArray());

    public static bool LooksValid(string? code) => code is not null && Normalise(code) is { Length: 12 } n && n.All(Alphabet.Contains);
}
