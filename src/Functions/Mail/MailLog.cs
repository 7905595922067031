using Azure;
using Azure.Data.Tables;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Mail;

/// <summary>What asking to send a mail again did.</summary>
public enum ResendOutcome
{
    NotFound,
    NotFailed,
    Resent,
}

/// <summary>
/// One mail of a batch (a consultation round) as the delivery log holds it: to whom, which kind, how
/// many times Graph was called, how it stands, and the last problem in words the office may read
/// (never Graph's own error text: that goes to the log only).
/// </summary>
public sealed record MailRow(
    string Batch,
    string Key,
    string Kind,
    string? Tag,
    string To,
    string Status,
    int Attempts,
    int Unconfirmed,
    DateTimeOffset? FirstAttemptAt,
    DateTimeOffset? SentAt,
    string? LastError,
    int Resends)
{
    public string MailId => $"{Batch}/{Key}";
}

/// <summary>What a send attempt may do: send (<see cref="Send"/>), or nothing because the mail is settled already (<see cref="Row"/> says how).</summary>
public sealed record MailClaim(bool Send, bool Again, MailRow Row, ETag ETag);

/// <summary>
/// The mail delivery log (table <c>mail</c>): one row per mail of a batch — the round's id — keyed
/// by kind and department, so that the claims stay provable: who was mailed, which kind, when, how
/// many attempts. Durable retries replace the outbox's claims and timers; the log bounds what a
/// retried or re-run activity may send. A send first marks its row <c>sending</c>; Graph's answer
/// turns it <c>sent</c>, back to <c>pending</c> (throttled, 5xx: the orchestration retries) or
/// <c>failed</c> (refused for good: the office corrects and resends). A run that finds its row still
/// <c>sending</c> follows one that died with the mail on the wire: Graph may have taken it, and it
/// is sent once more (Graph's sendMail has no idempotency key; a rare duplicate rather than a lost
/// mail, decision 0003) — but only once: a second such run marks it <c>unconfirmed</c> for the
/// office instead. So without the office asking, a mail reaches its addressee at most twice.
/// </summary>
public sealed partial class MailLog(StorageClients storage, TimeProvider clock, ILogger<MailLog> logger)
{
    public const string TableName = "mail";
    public const string Pending = "pending";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Failed = "failed";
    public const string Unconfirmed = "unconfirmed";

    private TableClient Table => storage.Table(TableName);

    public async Task<IReadOnlyList<MailRow>> ListAsync(string batch, CancellationToken ct)
    {
        var rows = new List<MailRow>();
        await foreach (var row in Table.QueryAsync<TableEntity>(r => r.PartitionKey == batch, cancellationToken: ct))
        {
            rows.Add(FromRow(row));
        }

        return rows;
    }

    /// <summary>
    /// Before calling Graph: take the row (ETag-conditional, so two runs never both send on one
    /// reading). <see cref="MailClaim.Send"/> is false when the mail is sent, failed or unconfirmed
    /// already. A conflict throws, so the activity's retry runs it again.
    /// </summary>
    public async Task<MailClaim> BeginAsync(string batch, string key, string kind, string? tag, string to, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(batch, key, cancellationToken: ct);
        if (!found.HasValue || found.Value is not { } row)
        {
            row = new TableEntity(batch, key)
            {
                ["Kind"] = kind,
                ["Tag"] = tag,
                ["To"] = to,
                ["Status"] = Sending,
                ["Attempts"] = 1,
                ["Unconfirmed"] = 0,
                ["FirstAttemptAt"] = now,
                ["LastAttemptAt"] = now,
            };
            var added = await Table.AddEntityAsync(row, ct); // 409: another run added it first; the retry reads it
            return new MailClaim(true, false, FromRow(row), added.Headers.ETag!.Value);
        }

        var status = row.GetString("Status");
        if (status is Sent or Failed or Unconfirmed)
        {
            return new MailClaim(false, false, FromRow(row), row.ETag);
        }

        var again = status == Sending;
        if (again && (row.GetInt32("Unconfirmed") ?? 0) >= 1)
        {
            // Sent once more already after a run that died mid-send, and that one died too: no third time.
            row["Status"] = Unconfirmed;
            row["LastError"] = "发送结果不明（邮件可能已送达）；如对方未收到，请核对后重发。";
            var marked = await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, ct);
            LogUnconfirmed(logger, $"{batch}/{key}");
            return new MailClaim(false, false, FromRow(row), marked.Headers.ETag!.Value);
        }

        row["Status"] = Sending;
        row["To"] = to;
        row["Attempts"] = (row.GetInt32("Attempts") ?? 0) + 1;
        row["LastAttemptAt"] = now;
        if (again)
        {
            row["Unconfirmed"] = (row.GetInt32("Unconfirmed") ?? 0) + 1;
            LogSendingAgain(logger, $"{batch}/{key}");
        }

        var taken = await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, ct);
        return new MailClaim(true, again, FromRow(row), taken.Headers.ETag!.Value);
    }

    /// <summary>After Graph answered: sent, pending again (a retry follows) or failed, with a neutral reason; Graph's details only in the log.</summary>
    public async Task<MailRow> CompleteAsync(MailClaim claim, SendResult result, CancellationToken ct)
    {
        var mail = claim.Row;
        var row = (await Table.GetEntityAsync<TableEntity>(mail.Batch, mail.Key, cancellationToken: ct)).Value;
        if (result.Sent)
        {
            row["Status"] = Sent;
            row["SentAt"] = clock.GetUtcNow();
            row["LastError"] = null;
            LogSent(logger, mail.MailId, mail.Attempts);
        }
        else
        {
            row["Status"] = result.Retry ? Pending : Failed;
            row["LastError"] = result.Neutral;
            if (result.Retry)
            {
                LogRetry(logger, mail.MailId, mail.Attempts, result.RetryAfter, result.Error ?? string.Empty);
            }
            else
            {
                LogFailed(logger, mail.MailId, mail.Attempts, result.Error ?? string.Empty);
            }
        }

        try
        {
            await Table.UpdateEntityAsync(row, claim.ETag, TableUpdateMode.Replace, ct);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            // A later run took the row over (this one was presumed dead): its reading stands.
            LogClaimLost(logger, mail.MailId);
        }

        return FromRow(row);
    }

    /// <summary>The orchestration's retries ran out: the mail is failed, for the office to resend.</summary>
    public async Task<MailRow?> GiveUpAsync(string batch, string key, CancellationToken ct)
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(batch, key, cancellationToken: ct);
        if (!found.HasValue || found.Value is not { } row)
        {
            return null;
        }

        if (row.GetString("Status") is Pending or Sending)
        {
            row["Status"] = Failed;
            row["LastError"] = "多次重试后邮件服务仍未接收，邮件未发出；请稍后重发。";
            await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, ct);
            LogGaveUp(logger, $"{batch}/{key}", row.GetInt32("Attempts") ?? 0);
        }

        return FromRow(row);
    }

    /// <summary>
    /// The office asks for a mail that failed (or whose delivery is unconfirmed) to go again, after
    /// putting right what was wrong (most often the address: the mail goes to the address
    /// configured when it is sent). Only such a row goes back to <c>pending</c>, ETag-conditional,
    /// so two clicks resend it once; the round's orchestration, woken, sends it.
    /// </summary>
    public async Task<(ResendOutcome Outcome, MailRow? Row)> ResendAsync(string batch, string key, string resentBy, CancellationToken ct)
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(batch, key, cancellationToken: ct);
        if (!found.HasValue || found.Value is not { } row)
        {
            return (ResendOutcome.NotFound, null);
        }

        if (row.GetString("Status") is not (Failed or Unconfirmed))
        {
            return (ResendOutcome.NotFailed, FromRow(row));
        }

        row["Status"] = Pending;
        row["PreviousError"] = row.GetString("LastError");
        row["LastError"] = null;
        row["Unconfirmed"] = 0;
        row["Resends"] = (row.GetInt32("Resends") ?? 0) + 1;
        row["ResentBy"] = resentBy;
        row["ResentAt"] = clock.GetUtcNow();
        try
        {
            await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, ct);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            // Someone resent it at the same moment: theirs stands.
            return (ResendOutcome.NotFailed, FromRow((await Table.GetEntityAsync<TableEntity>(batch, key, cancellationToken: ct)).Value));
        }

        LogResent(logger, $"{batch}/{key}", resentBy);
        return (ResendOutcome.Resent, FromRow(row));
    }

    private static MailRow FromRow(TableEntity row) => new(
        row.PartitionKey,
        row.RowKey,
        row.GetString("Kind") ?? string.Empty,
        row.GetString("Tag"),
        row.GetString("To") ?? string.Empty,
        row.GetString("Status") ?? Pending,
        row.GetInt32("Attempts") ?? 0,
        row.GetInt32("Unconfirmed") ?? 0,
        row.GetDateTimeOffset("FirstAttemptAt"),
        row.GetDateTimeOffset("SentAt"),
        row.GetString("LastError"),
        row.GetInt32("Resends") ?? 0);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail {MailId} sent (attempt {Attempts})")]
    private static partial void LogSent(ILogger logger, string mailId, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail {MailId} not sent (attempt {Attempts}); the orchestration retries after {RetryAfter}: {Error}")]
    private static partial void LogRetry(ILogger logger, string mailId, int attempts, TimeSpan? retryAfter, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Mail {MailId} refused by Graph (attempt {Attempts}); it is not retried until the office resends it: {Error}")]
    private static partial void LogFailed(ILogger logger, string mailId, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Mail {MailId} not sent after {Attempts} attempts; the retries ran out and the office is shown it")]
    private static partial void LogGaveUp(ILogger logger, string mailId, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail {MailId}: an earlier run died while sending it; Graph may have taken it, so it goes once more")]
    private static partial void LogSendingAgain(ILogger logger, string mailId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Mail {MailId}: sent once more after a run died mid-send, and that run died too; not sent a third time, marked unconfirmed for the office")]
    private static partial void LogUnconfirmed(ILogger logger, string mailId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail {MailId} put back to be sent again by {ResentBy}")]
    private static partial void LogResent(ILogger logger, string mailId, string resentBy);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail {MailId}: a later run took the row over; this run's answer is not recorded")]
    private static partial void LogClaimLost(ILogger logger, string mailId);
}
