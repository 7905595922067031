using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using QualityAward.Domain;
using QualityAward.Domain.Policies;

namespace QualityAward.Functions.Consultations;

/// <summary>What a valid reply link grants: one department's answer in one round, until it expires.</summary>
public sealed record ReplyGrant(string ConsultationId, Department Department, DateTimeOffset ExpiresAt);

/// <summary>
/// Reply links' tokens: <c>base64url(payload).base64url(HMAC-SHA256(key, payload))</c> with the
/// payload <c>v1|round|department|expiry (unix seconds)</c>. Without the key nobody can make one,
/// a changed byte breaks the MAC, and the round and department it names must be the page's. The
/// token is a bearer capability for a department without an account; whether the department has
/// answered already is the round's state, checked apart (an answer is final).
/// </summary>
public sealed class ReplyTokens(IOptionsMonitor<ConsultationOptions> options, TimeProvider clock)
{
    private const string Version = "v1";

    /// <summary>The last second a date can hold (9999-12-31T23:59:59Z): a later expiry is no date, and the link is invalid.</summary>
    private static readonly long MaxExpiry = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    private byte[] Key => Encoding.UTF8.GetBytes(options.CurrentValue.SigningKey
        ?? throw new InvalidOperationException("Consultations:SigningKey is not set."));

    /// <summary>The link's expiry: the end of the reply deadline day (Shanghai) plus the configured grace.</summary>
    public DateTimeOffset ExpiryFor(DateOnly replyBy) => ShanghaiTime.EndOf(replyBy) + options.CurrentValue.LinkGrace;

    public string Issue(string consultationId, Department department, DateTimeOffset expiresAt)
    {
        var payload = string.Join('|', Version, consultationId, department.ToString(), expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        var bytes = Encoding.UTF8.GetBytes(payload);
        return Base64Url(bytes) + "." + Base64Url(HMACSHA256.HashData(Key, bytes));
    }

    /// <summary>The grant, or why the token does not open this department's page of this round, by real time.</summary>
    public Outcome<ReplyGrant> Verify(string? token, string consultationId, Department department) =>
        Verify(token, consultationId, department, clock.GetUtcNow());

    /// <summary>
    /// The grant, or why the token does not open this department's page of this round at
    /// <paramref name="now"/>: the round's time, which a rehearsal moves (decision 0022).
    /// </summary>
    public Outcome<ReplyGrant> Verify(string? token, string consultationId, Department department, DateTimeOffset now)
    {
        var signed = Read(token, consultationId, department);
        if (signed.IsOk && now >= signed.Value.ExpiresAt)
        {
            return Refusal.Rule("consultation.link-expired", $"该链接已于{ShanghaiTime.ToShanghai(signed.Value.ExpiresAt):yyyy年M月d日 HH:mm}失效。请与评审办公室联系。", "The link has expired; contact the award office.");
        }

        return signed;
    }

    /// <summary>What a genuine token grants, its expiry unchecked; or why it is no token for this page.</summary>
    public Outcome<ReplyGrant> Read(string? token, string consultationId, Department department)
    {
        var parts = (token ?? string.Empty).Split('.');
        byte[] payload, mac;
        try
        {
            if (parts.Length != 2)
            {
                return Invalid();
            }

            payload = Convert.FromBase64String(FromBase64Url(parts[0]));
            mac = Convert.FromBase64String(FromBase64Url(parts[1]));
        }
        catch (FormatException)
        {
            return Invalid();
        }

        // Only the canonical spelling: a changed padding bit is a changed token.
        if (Base64Url(payload) != parts[0] || Base64Url(mac) != parts[1]
            || !CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(Key, payload)))
        {
            return Invalid();
        }

        var fields = Encoding.UTF8.GetString(payload).Split('|');
        if (fields.Length != 4 || fields[0] != Version
            || !Enum.TryParse<Department>(fields[2], out var signedFor)
            || !long.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry)
            || expiry > MaxExpiry)
        {
            return Invalid();
        }

        if (fields[1] != consultationId || signedFor != department)
        {
            return Refusal.Forbidden("consultation.link-other-department", "该链接是发给其他单位或其他批次征求意见的，不能用于本页面。请使用发给贵单位的邮件中的链接。", "This link was issued to another department or round.");
        }

        return new ReplyGrant(consultationId, department, DateTimeOffset.FromUnixTimeSeconds(expiry));
    }

    private static Refusal Invalid() =>
        Refusal.Forbidden("consultation.link-invalid", "链接无效：链接不完整或已被改动。请从邮件中完整复制链接，或与评审办公室联系。", "The link is invalid: incomplete or altered.");

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string FromBase64Url(string text)
    {
        if (text.Contains('+') || text.Contains('/') || text.Contains('='))
        {
            throw new FormatException("Not base64url.");
        }

        var s = text.Replace('-', '+').Replace('_', '/');
        return (s.Length % 4) switch
        {
            2 => s + "==",
            3 => s + "=",
            0 => s,
            _ => throw new FormatException("Bad base64url length."),
        };
    }
}
