using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;

namespace QualityAward.LocalHost;

/// <summary>The local mailbox (section <c>LocalMailbox</c>; scripts/run.sh turns it on).</summary>
public sealed class LocalMailboxOptions
{
    public const string Section = "LocalMailbox";

    /// <summary>Serve a loopback stand-in of Graph's sendMail at <see cref="LocalMailbox.GraphPath"/> and the mails at <see cref="LocalMailbox.PagePath"/>.</summary>
    public bool Enabled { get; set; }
}

/// <summary>One mail the local mailbox took in.</summary>
public sealed record MailboxEntry(string Id, string Mailbox, string To, string? ToName, string Subject, string? MailId, DateTimeOffset ReceivedAt);

/// <summary>
/// A local run's mailbox: what Microsoft Graph's <c>POST /users/{mailbox}/sendMail</c> would have
/// sent, kept in Azurite (an index table and one blob per body, so a restart keeps them) and shown
/// in Chinese at <c>/_mailbox</c>. The app still sends through the real Graph SDK
/// (<c>Graph:BaseUrl</c> = this host's <c>/_mailbox/graph/v1.0</c>, <c>Graph:Credential=Anonymous</c>);
/// only the endpoint differs. Only the local host maps it, never the function app, and it answers
/// loopback callers only.
/// </summary>
public sealed partial class LocalMailbox(StorageClients storage, TimeProvider clock, ILogger<LocalMailbox> logger)
{
    public const string PagePath = "/_mailbox";
    public const string GraphPath = "/_mailbox/graph/v1.0";
    private const string Table = "localmailbox";
    private const string Container = "localmailbox";
    private const string Partition = "mail";
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private readonly SemaphoreSlim _created = new(1, 1);
    private bool _ready;

    /// <summary>Keep one mail as Graph received it; returns its id in the mailbox.</summary>
    public async Task<string> StoreAsync(string mailbox, string to, string? toName, string subject, string html, string? mailId, CancellationToken ct)
    {
        await EnsureCreatedAsync(ct);
        var now = clock.GetUtcNow();
        // Newest first in the table's own order: row keys count down with time.
        var id = (DateTimeOffset.MaxValue.UtcTicks - now.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        await storage.Container(Container).GetBlobClient(id + ".html").UploadAsync(BinaryData.FromString(html), overwrite: true, ct);
        await storage.Table(Table).AddEntityAsync(
            new TableEntity(Partition, id)
            {
                ["Mailbox"] = mailbox,
                ["To"] = to,
                ["ToName"] = toName,
                ["Subject"] = subject,
                ["MailId"] = mailId,
                ["ReceivedAt"] = now,
            },
            ct);
        LogReceived(logger, to, subject, id);
        return id;
    }

    public async Task<IReadOnlyList<MailboxEntry>> ListAsync(CancellationToken ct)
    {
        await EnsureCreatedAsync(ct);
        var list = new List<MailboxEntry>();
        await foreach (var e in storage.Table(Table).QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: ct))
        {
            list.Add(Entry(e));
        }

        return list;
    }

    public async Task<(MailboxEntry Entry, string Html)?> FindAsync(string id, CancellationToken ct)
    {
        await EnsureCreatedAsync(ct);
        var found = await storage.Table(Table).GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: ct);
        if (!found.HasValue || found.Value is null)
        {
            return null;
        }

        var body = await storage.Container(Container).GetBlobClient(id + ".html").DownloadContentAsync(ct);
        return (Entry(found.Value), body.Value.Content.ToString());
    }

    private static MailboxEntry Entry(TableEntity e) => new(
        e.RowKey,
        e.GetString("Mailbox"),
        e.GetString("To"),
        e.GetString("ToName"),
        e.GetString("Subject"),
        e.GetString("MailId"),
        e.GetDateTimeOffset("ReceivedAt") ?? default);

    private async Task EnsureCreatedAsync(CancellationToken ct)
    {
        if (_ready)
        {
            return;
        }

        await _created.WaitAsync(ct);
        try
        {
            await storage.Table(Table).CreateIfNotExistsAsync(ct);
            await storage.Container(Container).CreateIfNotExistsAsync(cancellationToken: ct);
            _ready = true;
        }
        finally
        {
            _created.Release();
        }
    }

    /// <summary>Graph's sendMail, as far as the app uses it: the SDK's JSON (message, toRecipients, body, headers) in, 202 out.</summary>
    internal async Task<IResult> SendMailAsync(string mailbox, HttpContext http)
    {
        JsonElement message, recipient;
        string? html, subject, to;
        try
        {
            using var doc = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            message = Prop(doc.RootElement, "message") ?? throw new FormatException("message is missing");
            recipient = Prop(Prop(message, "toRecipients") is { ValueKind: JsonValueKind.Array } r && r.GetArrayLength() > 0 ? r[0] : default, "emailAddress")
                ?? throw new FormatException("message.toRecipients[0].emailAddress is missing");
            to = Prop(recipient, "address")?.GetString();
            subject = Prop(message, "subject")?.GetString();
            html = Prop(Prop(message, "body") ?? default, "content")?.GetString();
            if (string.IsNullOrWhiteSpace(to) || subject is null || html is null)
            {
                throw new FormatException("address, subject and body.content are required");
            }

            var mailId = Prop(message, "internetMessageHeaders") is { ValueKind: JsonValueKind.Array } headers
                ? headers.EnumerateArray()
                    .Where(h => Prop(h, "name")?.GetString() == QualityAward.Functions.Mail.GraphMailSender.MailIdHeader)
                    .Select(h => Prop(h, "value")?.GetString())
                    .FirstOrDefault()
                : null;
            await StoreAsync(Uri.UnescapeDataString(mailbox), to, Prop(recipient, "name")?.GetString(), subject, html, mailId, http.RequestAborted);
            return Results.StatusCode(StatusCodes.Status202Accepted);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            // Graph's error shape, so the SDK reads it as an ApiException (a refusal the mail log shows).
            return Results.Json(new { error = new { code = "ErrorInvalidRequest", message = ex.Message } }, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    internal async Task<IResult> ListPageAsync(HttpContext http)
    {
        var mails = await ListAsync(http.RequestAborted);
        var rows = new StringBuilder();
        foreach (var m in mails)
        {
            rows.Append(CultureInfo.InvariantCulture, $"<tr><td>{Time(m.ReceivedAt)}</td><td>{H(Recipient(m))}</td><td><a href=\"{PagePath}/{H(m.Id)}\">{H(m.Subject)}</a></td></tr>\n");
        }

        var body = mails.Count == 0
            ? "<p>还没有邮件。征求意见、提醒和发给办公室的通知发出后会出现在这里。</p>"
            : $"<table><thead><tr><th>收到时间（北京时间）</th><th>收件人</th><th>主题</th></tr></thead><tbody>\n{rows}</tbody></table>";
        return Page("本地邮箱", $"<h1>本地邮箱</h1><p>本机运行时，应用经 Microsoft Graph SDK 发出的邮件都投递到这里，不会发往真实邮箱。共 {mails.Count} 封，最新的在前。</p>{body}");
    }

    internal async Task<IResult> MailPageAsync(string id, HttpContext http)
    {
        if (await FindAsync(id, http.RequestAborted) is not { } found)
        {
            return Page("未找到邮件", $"<h1>未找到邮件</h1><p><a href=\"{PagePath}\">返回本地邮箱</a></p>", StatusCodes.Status404NotFound);
        }

        var (m, html) = found;
        var links = Href().Matches(html).Select(x => WebUtility.HtmlDecode(x.Groups[1].Value)).Distinct().ToList();
        var linkList = links.Count == 0
            ? string.Empty
            : "<h2>邮件中的链接</h2><ul>" + string.Concat(links.Select(l => $"<li><a href=\"{H(l)}\">{H(l)}</a></li>")) + "</ul>";
        // The body as the recipient's mail client shows it: in a sandbox (no script), links open in this tab.
        var frame = $"<iframe title=\"邮件正文\" sandbox=\"allow-top-navigation-by-user-activation allow-popups\" srcdoc=\"{H("<base target=\"_top\">" + html)}\"></iframe>";
        return Page(m.Subject, $"""
            <p><a href="{PagePath}">← 返回本地邮箱</a></p>
            <h1>{H(m.Subject)}</h1>
            <dl>
            <dt>发件邮箱</dt><dd>{H(m.Mailbox)}</dd>
            <dt>收件人</dt><dd>{H(Recipient(m))}</dd>
            <dt>收到时间</dt><dd>{Time(m.ReceivedAt)}（北京时间）</dd>
            <dt>邮件编号</dt><dd>{H(m.MailId ?? "—")}</dd>
            </dl>
            {frame}
            {linkList}
            """);
    }

    /// <summary>
    /// Only this machine: the connection from loopback, the Host a loopback name (a page elsewhere
    /// cannot reach it by DNS rebinding), and no proxy in between.
    /// </summary>
    internal static bool FromLoopback(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)
        && !http.Request.Headers.ContainsKey("X-Forwarded-For")
        && !http.Request.Headers.ContainsKey("Forwarded")
        && http.Request.Host.Host is "127.0.0.1" or "localhost" or "[::1]" or "::1";

    private static string Recipient(MailboxEntry m) => string.IsNullOrWhiteSpace(m.ToName) ? m.To : $"{m.ToName} <{m.To}>";

    private static string Time(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Shanghai).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string H(string s) => WebUtility.HtmlEncode(s);

    private const string Style = "body{font-family:sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccc;padding:.3rem;text-align:left}iframe{width:100%;height:32rem;border:1px solid #ccc}dt{font-weight:bold}";

    private static IResult Page(string title, string body, int status = StatusCodes.Status200OK) => Results.Content(
        $"""
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8"><title>{H(title == "本地邮箱" ? title : title + " · 本地邮箱")}</title>
        <style>{Style}</style>
        </head><body>
        {body}
        </body></html>
        """,
        "text/html; charset=utf-8",
        Encoding.UTF8,
        status);

    private static JsonElement? Prop(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.EnumerateObject().FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } p
            ? p.Value
            : null;

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex Href();

    /// <summary>Say where the mailbox is, once the host listens.</summary>
    internal static void LogAddresses(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILogger<LocalMailbox>>();
        foreach (var address in app.Urls)
        {
            LogMailboxAt(logger, address.TrimEnd('/') + PagePath);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Local mailbox: mails the app sends through Graph are read at {Address}")]
    private static partial void LogMailboxAt(ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local mailbox: a mail to {To} ({Subject}) is at /_mailbox/{Id}")]
    private static partial void LogReceived(ILogger logger, string to, string subject, string id);
}

/// <summary>Registration and routes of the local mailbox: the local host only.</summary>
public static class LocalMailboxSetup
{
    public static void MapLocalMailbox(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(LocalMailbox.PagePath).ExcludeFromDescription().AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (!LocalMailbox.FromLoopback(http))
            {
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "本地邮箱只对本机开放。 The local mailbox answers this machine only.");
            }

            http.Response.Headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; base-uri 'none'; form-action 'none'";
            http.Response.Headers["Referrer-Policy"] = "no-referrer";
            http.Response.Headers["X-Content-Type-Options"] = "nosniff";
            http.Response.Headers["Cache-Control"] = "no-store";
            return await next(context);
        });
        group.MapGet(string.Empty, (HttpContext http, LocalMailbox mailbox) => mailbox.ListPageAsync(http));
        group.MapGet("/{id:regex(^[0-9]{{19}}-[0-9a-f]{{8}}$)}", (string id, HttpContext http, LocalMailbox mailbox) => mailbox.MailPageAsync(id, http));
        group.MapPost("/graph/v1.0/users/{mailbox}/sendMail", (string mailbox, HttpContext http, LocalMailbox box) => box.SendMailAsync(mailbox, http));
    }
}

/// <summary>
/// The local mailbox alone, for a local run where Core Tools' Functions host runs the app
/// (<c>func start</c>): scripts/run.sh starts it beside the host on its own loopback port
/// (<c>dotnet run --project tools/LocalHost -- --mailbox-only --urls http://127.0.0.1:7072</c>)
/// and points Graph:BaseUrl at it. It serves nothing but the mailbox.
/// </summary>
public static class LocalMailboxHost
{
    public const string Switch = "--mailbox-only";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args.Where(a => a != Switch).ToArray(), ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.Services.AddOptions<StorageOptions>()
            .Bind(builder.Configuration.GetSection(StorageOptions.Section))
            .ValidateWith<StorageOptions, StorageOptionsValidator>()
            .ValidateOnStart();
        builder.Services.AddSingleton<StorageClients>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<LocalMailbox>();
        var app = builder.Build();
        app.MapLocalMailbox();
        app.Lifetime.ApplicationStarted.Register(() => LocalMailbox.LogAddresses(app));
        return app;
    }
}
