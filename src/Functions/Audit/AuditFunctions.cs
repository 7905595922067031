using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Audit;

/// <summary>Who read a trade-secret file: the reader as the event recorded it, when, which file of which application.</summary>
public sealed record DocumentReadView(string ApplicationId, string? ApplicantName, string DocumentId, string Name, string ReaderSubject, string ReaderRole, string? ReaderName, string? ReaderAffiliation, DateTimeOffset At);

/// <summary>The supervision group's audit (Changde §7, §35; Jinan §9): the hash chains, and who read confidential files.</summary>
public sealed class AuditFunctions(AuditVerifier verifier, ReadModels readModels, EventStore store, ILogger<AuditVerifier> logger)
{
    private const string Tag = "Audit";

    [Function("VerifyAuditChain")]
    [Allow(Roles.Supervisor)]
    [Api(Tag, "Check the hash chains: by default only the events written or changed since the newest valid anchor (scope sinceAnchor; the anchors vouch for the rest, and a deletion among older events is found only by a full check); with full=true every event of every stream (scope full; also when no anchor is valid). Intact, or the first break (stream, version, what is wrong); summary says what was checked.", Returns = typeof(AuditReport), Query = ["full"])]
    public async Task<IResult> VerifyAuditChain([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/audit/verify")] HttpRequest req, CancellationToken ct)
    {
        var report = await verifier.VerifyAsync(string.Equals(req.QueryValue("full"), "true", StringComparison.OrdinalIgnoreCase), ct);
        if (report.FirstBreak is { } b)
        {
            AuditLog.Broken(logger, b.StreamId, b.Version, b.Code, report.Breaks.Count);
        }

        return Results.Ok(report);
    }

    [Function("ListDocumentReads")]
    [Allow(Roles.Supervisor)]
    [Api(Tag, "Every read of a file the applicant marked as a trade secret, in a cycle: who, in which role, when, which file.", Returns = typeof(DocumentReadView[]), Query = ["cycleId!"])]
    [Refuses(422, "cycle.malformed")]
    public async Task<IResult> ListDocumentReads([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/audit/document-reads")] HttpRequest req, CancellationToken ct)
    {
        if (CycleId.Parse(req.QueryValue("cycleId")) is not { IsOk: true } id)
        {
            return Problems.For(req.HttpContext, Refusal.Invalid("cycle.malformed", "请给出评选周期。", "Give the cycle.", "cycleId"));
        }

        var reads = new List<DocumentReadView>();
        foreach (var row in await readModels.PartitionAsync(ApplicationIndex.CyclePartition(id.Value.Value), ct))
        {
            if (ApplicationId.Parse(row.RowKey) is not { IsOk: true } appId)
            {
                continue;
            }

            var events = await store.ReadAsync(appId.Value.StreamId, ct);
            var secrets = events.Select(e => e.Event).OfType<DocumentAttached>().Where(d => d.Document.TradeSecret).Select(d => d.Document.DocumentId).ToHashSet(StringComparer.Ordinal);
            var name = events.Select(e => e.Event).OfType<DraftSaved>().LastOrDefault()?.Form.Name;
            reads.AddRange(events
                .Where(e => e.Event is DocumentRead r && secrets.Contains(r.DocumentId))
                .Select(e => (Read: (DocumentRead)e.Event, e.Metadata.Actor))
                .Select(x => new DocumentReadView(appId.Value.Value, name, x.Read.DocumentId, x.Read.Name, x.Actor.Subject, x.Actor.Role, x.Actor.DisplayName, x.Actor.Affiliation, x.Read.At)));
        }

        return Results.Ok(reads.OrderBy(r => r.At));
    }
}

internal static partial class AuditLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit found the hash chain of {StreamId} broken at version {Version} ({Code}); {Streams} stream(s) broken")]
    public static partial void Broken(ILogger logger, string streamId, int version, string code, int streams);
}
