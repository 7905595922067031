using System.ComponentModel.DataAnnotations;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Users.Item.SendMail;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Authentication.Azure;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;
using QualityAward.Functions.Hosting;

namespace QualityAward.Functions.Mail;

public enum GraphCredential
{
    /// <summary>The function app's managed identity (system-assigned, or user-assigned by client id).</summary>
    ManagedIdentity,

    /// <summary>DefaultAzureCredential (developer sign-in, environment, then managed identity).</summary>
    Default,

    /// <summary>No token: only for a loopback stand-in of the Graph endpoint in tests.</summary>
    Anonymous,
}

/// <summary>
/// Where Microsoft Graph is and how the app signs in to it. Nothing is hard-coded to the global
/// cloud: Azure China (21Vianet) uses <c>https://microsoftgraph.chinacloudapi.cn/v1.0</c> and the
/// authority host <c>https://login.chinacloudapi.cn/</c>. The token scope is the Graph host's
/// <c>/.default</c>, so the application permission Mail.Send granted to the identity applies.
/// </summary>
public sealed class GraphOptions : IValidatableObject
{
    public const string Section = "Graph";

    public Uri BaseUrl { get; set; } = new("https://graph.microsoft.com/v1.0");

    /// <summary>The Entra ID authority host of the cloud, e.g. https://login.chinacloudapi.cn/.</summary>
    public Uri? AuthorityHost { get; set; }

    public GraphCredential Credential { get; set; } = GraphCredential.ManagedIdentity;

    public string? ManagedIdentityClientId { get; set; }

    public string Scope => $"{BaseUrl.GetLeftPart(UriPartial.Authority)}/.default";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttps && !BaseUrl.IsLoopback))
        {
            yield return new ValidationResult("Graph:BaseUrl must be an https URL such as https://graph.microsoft.com/v1.0 or https://microsoftgraph.chinacloudapi.cn/v1.0.", [nameof(BaseUrl)]);
        }

        if (Credential == GraphCredential.Anonymous && !BaseUrl.IsLoopback)
        {
            yield return new ValidationResult("Graph:Credential Anonymous is only for a loopback stand-in of Graph in tests; Microsoft Graph needs ManagedIdentity or Default.", [nameof(Credential)]);
        }
    }

    public GraphServiceClient CreateClient()
    {
        var baseUrl = BaseUrl.ToString().TrimEnd('/');
        if (Credential == GraphCredential.Anonymous)
        {
            return new GraphServiceClient(new AnonymousAuthenticationProvider(), baseUrl);
        }

        var authority = AuthorityHost ?? AzureAuthorityHosts.AzurePublicCloud;
        TokenCredential credential = Credential == GraphCredential.Default
            ? new DefaultAzureCredential(new DefaultAzureCredentialOptions { AuthorityHost = authority, ManagedIdentityClientId = ManagedIdentityClientId })
            : new ManagedIdentityCredential(string.IsNullOrWhiteSpace(ManagedIdentityClientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(ManagedIdentityClientId));
        var provider = new AzureIdentityAuthenticationProvider(credential, [BaseUrl.Host], null, true, Scope);
        return new GraphServiceClient(provider, baseUrl);
    }
}

/// <summary>One mail to send.</summary>
public sealed record OutgoingMail(string MailId, string To, string? ToName, string Subject, string HtmlBody);

/// <summary>
/// What a send attempt came to. <see cref="Error"/> is Graph's or the sign-in's own text, for the
/// log only (it can name the credential chain); <see cref="Neutral"/> is what the office may read.
/// </summary>
public sealed record SendResult(bool Sent, bool Retry, TimeSpan? RetryAfter, string? Error, string? Neutral = null)
{
    public static SendResult Ok { get; } = new(true, false, null, null);
}

/// <summary>
/// Sends a mail from the configured mailbox through Graph's <c>sendMail</c>. The SDK's own retry
/// handler is switched off for these calls: the orchestration that sends the mail retries it
/// (after Retry-After, with a durable timer), so a throttled send waits without holding a request
/// open and survives a restart. Every mail carries its log id in an <c>X-QualityAward-Mail-Id</c> header.
/// </summary>
public sealed class GraphMailSender(GraphServiceClient graph)
{
    public const string MailIdHeader = "X-QualityAward-Mail-Id";

    public async Task<SendResult> SendAsync(string mailbox, OutgoingMail mail, CancellationToken ct)
    {
        var body = new SendMailPostRequestBody
        {
            Message = new Message
            {
                Subject = mail.Subject,
                Body = new ItemBody { ContentType = BodyType.Html, Content = mail.HtmlBody },
                ToRecipients = [new Recipient { EmailAddress = new EmailAddress { Address = mail.To, Name = mail.ToName } }],
                InternetMessageHeaders = [new InternetMessageHeader { Name = MailIdHeader, Value = mail.MailId }],
            },
            SaveToSentItems = true,
        };
        try
        {
            await graph.Users[mailbox].SendMail.PostAsync(body, c => c.Options.Add(new RetryHandlerOption { MaxRetry = 0 }), ct);
            return SendResult.Ok;
        }
        catch (ApiException ex)
        {
            var status = ex.ResponseStatusCode;
            var transient = status is 429 or 408 || status >= 500;
            var neutral = status switch
            {
                429 => "邮件服务限流（HTTP 429），按其要求稍后重试。",
                408 or >= 500 => $"邮件服务暂时不可用（HTTP {status}），稍后重试。",
                _ => $"邮件服务拒收（HTTP {status}），请核对收件地址和发件邮箱的权限后重发。",
            };
            return new SendResult(false, transient, RetryAfter(ex), $"Graph answered {status}: {ex.Message}", neutral);
        }
        catch (AuthenticationFailedException ex)
        {
            // No token (identity not assigned, consent missing, a sign-in outage): keep the mail and try later.
            return new SendResult(false, true, null, $"Could not sign in to Graph: {ex.Message}", "无法登录邮件服务，稍后重试；详情见运行日志。");
        }
        catch (HttpRequestException ex)
        {
            return new SendResult(false, true, null, $"Graph could not be reached: {ex.Message}", "无法连接邮件服务，稍后重试。");
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            return new SendResult(false, true, null, $"Graph timed out: {ex.Message}", "邮件服务响应超时，稍后重试。");
        }
    }

    private static TimeSpan? RetryAfter(ApiException ex)
    {
        if (!ex.ResponseHeaders.TryGetValue("Retry-After", out var values))
        {
            return null;
        }

        var value = values.FirstOrDefault();
        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? at - DateTimeOffset.UtcNow
            : null;
    }
}

/// <summary>Registration of the Graph client, created once.</summary>
public static class GraphMailSetup
{
    public static void AddGraphMail(this IServiceCollection services, IConfiguration configuration, bool validateOnStart)
    {
        var options = services.AddOptions<GraphOptions>().Bind(configuration.GetSection(GraphOptions.Section)).ValidateWith<GraphOptions, GraphOptionsValidator>();
        if (validateOnStart)
        {
            options.ValidateOnStart();
        }

        services.AddSingleton(sp => sp.GetRequiredService<IOptions<GraphOptions>>().Value.CreateClient());
        services.AddSingleton<GraphMailSender>();
    }
}
