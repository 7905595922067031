using Azure;
using Azure.Data.Tables;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Mail;

/// <summary>A mail the outbox should send: one row per (batch, key), written once.</summary>
public sealed record MailRequest(string Batch, string Key, string Source, string From, string To, string? ToName, string? Tag = null);

/// <summary>What asking to send a mail again did.</summary>
public enum ResendOutcome
{
    NotFound,
    NotFailed,
    Resent,
}

/// <summary>A mail row as stored.</summary>
public sealed record MailRow(string Batch, string Key, string Source, string From, string To, string? ToName, string? Tag, string Status, int Attempts, DateTimeOffset? NextAttemptAt, DateTimeOffset? SentAt, string? LastError)
{
    public string MailId => $"{Batch}/{Key}";
}

/// <summary>Writes a mail's subject and HTML body when it is sent, from the current state of its source.</summary>
public interface IMailComposer
{
    string Source { get; }

    Task<(string Subject, string Html)> ComposeAsync(MailRow row, CancellationToken ct);
}

/// <summary>
/// The mail outbox. Event handlers enqueue rows (idempotently: a row's key says which mail it is,
/// so enqueuing twice writes one row) and a workflow timer per batch sends them. Sending claims a
/// row first with an ETag-conditional update, so two instances never both send it; the row is
/// marked sent with a conditional update on the claim. Graph 429 (Retry-After) and 5xx leave the
/// row pending with its next attempt, and the batch's timer moves there.
/// A crash after Graph accepted a mail and before the row is marked sent leaves the claim to
/// expire; the mail is then sent once more (at most once more per crash). Graph's sendMail has
/// no idempotency key, so this is the chosen trade: a rare duplicate rather than a lost mail. The
/// duplicate carries the same <see cref="GraphMailSender.MailIdHeader"/>, so it can be recognised.
/// </summary>
public sealed partial class MailOutbox(
    StorageClients storage,
    GraphMailSender sender,
    IServiceProvider services,
    TimerStore timers,
    TimeProvider clock,
    ILogger<MailOutbox> logger) : ITimerHandler
{
    public const string TableName = "mail";
    public const string Pending = "pending";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Failed = "failed";

    private static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(5);
    private readonly Lazy<Dictionary<string, IMailComposer>> _composers =
        new(() => services.GetServices<IMailComposer>().ToDictionary(c => c.Source, StringComparer.Ordinal));

    public string Kind => "mail.dispatch";

    private TableClient Table => storage.Table(TableName);

    public static string TimerId(string batch) => $"mail-{batch}";

    public async Task EnqueueAsync(IEnumerable<MailRequest> mails, CancellationToken ct)
    {
        foreach (var m in mails)
        {
            var row = new TableEntity(m.Batch, m.Key)
            {
                ["Source"] = m.Source,
                ["From"] = m.From,
                ["To"] = m.To,
                ["ToName"] = m.ToName,
                ["Tag"] = m.Tag,
                ["Status"] = Pending,
                ["Attempts"] = 0,
                ["NextAttemptAt"] = clock.GetUtcNow(),
                ["CreatedAt"] = clock.GetUtcNow(),
            };
            try
            {
                await Table.AddEntityAsync(row, ct);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Enqueued before (a handler runs at least once): one row, one mail.
            }
        }
    }

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
    /// Sends a mail Graph refused for good once more, after the office has put right what was wrong
    /// (most often the address: <paramref name="addressFor"/> gives the address configured now for
    /// the mail, or null to keep its own). Only a
    /// <c>failed</c> row goes back to <c>pending</c>, with an ETag-conditional update so two clicks
    /// resend it once; the batch's timer sends it at once. The row keeps who resent it and the
    /// error it had.
    /// </summary>
    public async Task<(ResendOutcome Outcome, MailRow? Row)> ResendAsync(string batch, string key, Func<MailRow, string?> addressFor, string resentBy, CancellationToken ct)
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(batch, key, cancellationToken: ct);
        if (!found.HasValue || found.Value is not { } row)
        {
            return (ResendOutcome.NotFound, null);
        }

        if (row.GetString("Status") != Failed)
        {
            return (ResendOutcome.NotFailed, FromRow(row));
        }

        var to = addressFor(FromRow(row));
        var now = clock.GetUtcNow();
        row["Status"] = Pending;
        row["NextAttemptAt"] = now;
        row["PreviousError"] = row.GetString("LastError");
        row["LastError"] = null;
        row["Resends"] = (row.GetInt32("Resends") ?? 0) + 1;
        row["ResentBy"] = resentBy;
        row["ResentAt"] = now;
        if (!string.IsNullOrWhiteSpace(to))
        {
            row["To"] = to;
        }

        try
        {
            await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, ct);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            // Someone resent it at the same moment: theirs stands.
            return (ResendOutcome.NotFailed, FromRow((await Table.GetEntityAsync<TableEntity>(batch, key, cancellationToken: ct)).Value));
        }

        await timers.SetAsync(new WorkflowTimer(TimerId(batch), now, Kind, batch), ct);
        LogResent(logger, $"{batch}/{key}", resentBy, row.GetString("To") ?? string.Empty);
        return (ResendOutcome.Resent, FromRow(row));
    }

    public Task FireAsync(WorkflowTimer timer, CancellationToken ct) => DispatchAsync(timer.Target, ct);

    /// <summary>Send every due mail of a batch; leave the batch's timer at the next attempt, or remove it when all are done.</summary>
    public async Task DispatchAsync(string batch, CancellationToken ct)
    {
        // A safety net first: if this process dies mid-send, the timer brings the batch back once the claim expires.
        await timers.SetAsync(new WorkflowTimer(TimerId(batch), clock.GetUtcNow() + ClaimFor, Kind, batch), ct);
        await foreach (var row in Table.QueryAsync<TableEntity>(r => r.PartitionKey == batch, cancellationToken: ct))
        {
            var now = clock.GetUtcNow();
            var status = row.GetString("Status");
            var due = status == Pending ? (row.GetDateTimeOffset("NextAttemptAt") ?? now) <= now
                : status == Sending && (row.GetDateTimeOffset("ClaimedUntil") ?? now) <= now;
            if (due)
            {
                await SendOneAsync(row, ct);
            }
        }

        DateTimeOffset? next = null;
        await foreach (var row in Table.QueryAsync<TableEntity>(r => r.PartitionKey == batch, cancellationToken: ct))
        {
            var at = row.GetString("Status") switch
            {
                Pending => row.GetDateTimeOffset("NextAttemptAt"),
                Sending => row.GetDateTimeOffset("ClaimedUntil"),
                _ => null,
            };
            if (at is { } a && (next is null || a < next))
            {
                next = a;
            }
        }

        if (next is { } when)
        {
            await timers.SetAsync(new WorkflowTimer(TimerId(batch), when, Kind, batch), ct);
        }
        else
        {
            await timers.CancelAsync(TimerId(batch), ct);
        }
    }

    private async Task SendOneAsync(TableEntity row, CancellationToken ct)
    {
        var attempts = (row.GetInt32("Attempts") ?? 0) + 1;
        row["Status"] = Sending;
        row["Attempts"] = attempts;
        row["ClaimedUntil"] = clock.GetUtcNow() + ClaimFor;
        ETag claim;
        try
        {
            claim = (await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, ct)).Headers.ETag!.Value;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            // Another instance claimed it first.
            return;
        }

        var mail = FromRow(row);
        if (!_composers.Value.TryGetValue(mail.Source, out var composer))
        {
            throw new InvalidOperationException($"Mail {mail.MailId} comes from '{mail.Source}', which no composer serves.");
        }

        var (subject, html) = await composer.ComposeAsync(mail, ct);
        var result = await sender.SendAsync(mail.From, new OutgoingMail(mail.MailId, mail.To, mail.ToName, subject, html), ct);
        var now = clock.GetUtcNow();
        if (result.Sent)
        {
            row["Status"] = Sent;
            row["SentAt"] = now;
            row["LastError"] = null;
            LogSent(logger, mail.MailId, attempts);
        }
        else if (result.Retry)
        {
            var wait = result.RetryAfter is { } ra && ra > TimeSpan.Zero ? ra : Backoff(attempts);
            row["Status"] = Pending;
            row["NextAttemptAt"] = now + wait;
            row["LastError"] = Truncate(result.Error);
            LogRetry(logger, mail.MailId, attempts, wait, result.Error ?? string.Empty);
        }
        else
        {
            row["Status"] = Failed;
            row["LastError"] = Truncate(result.Error);
            LogFailed(logger, mail.MailId, attempts, result.Error ?? string.Empty);
        }

        try
        {
            await Table.UpdateEntityAsync(row, claim, TableUpdateMode.Replace, ct);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            LogClaimLost(logger, mail.MailId);
        }
    }

    /// <summary>1, 2, 4 … minutes, at most an hour, when Graph gives no Retry-After.</summary>
    private static TimeSpan Backoff(int attempts) => TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, Math.Min(attempts - 1, 6))));

    private static string? Truncate(string? text) => text is { Length: > 1000 } ? text[..1000] : text;

    private static MailRow FromRow(TableEntity row) => new(
        row.PartitionKey,
        row.RowKey,
        row.GetString("Source") ?? string.Empty,
        row.GetString("From") ?? string.Empty,
        row.GetString("To") ?? string.Empty,
        row.GetString("ToName"),
        row.GetString("Tag"),
        row.GetString("Status") ?? Pending,
        row.GetInt32("Attempts") ?? 0,
        row.GetDateTimeOffset("NextAttemptAt"),
        row.GetDateTimeOffset("SentAt"),
        row.GetString("LastError"));

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail {MailId} sent (attempt {Attempts})")]
    private static partial void LogSent(ILogger logger, string mailId, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail {MailId} not sent (attempt {Attempts}); next attempt in {Wait}: {Error}")]
    private static partial void LogRetry(ILogger logger, string mailId, int attempts, TimeSpan wait, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Mail {MailId} refused by Graph (attempt {Attempts}); it will not be retried: {Error}")]
    private static partial void LogFailed(ILogger logger, string mailId, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail {MailId} put back to be sent again by {ResentBy}, to {To}")]
    private static partial void LogResent(ILogger logger, string mailId, string resentBy, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail {MailId}: the claim expired and another instance took the row over")]
    private static partial void LogClaimLost(ILogger logger, string mailId);
}
