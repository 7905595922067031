using System.Globalization;
using System.Text;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Cycles;
using QualityAward.Functions.Cycles;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Awards;

/// <summary>
/// The public check of a certificate (证书查验): given the verification code its QR code carries
/// (<c>weihai-2027-r001</c>) or its number as a person types it (威质奖〔2027〕第001号, brackets and
/// zeros as they come), the award it stands for, valid, expired or revoked. Read from the events:
/// the cycle's announcement that numbered it, the application that holds the award and any
/// revocation, and the holder's stream that records the end of validity. Nothing is written.
/// </summary>
public sealed class CertificateVerifier(Streams streams, ReadModels readModels, TimeProvider clock)
{
    /// <summary>Longer input is no number or code of this app (the longest pattern is 40 characters).</summary>
    public const int MaxQueryLength = 80;

    public async Task<CertificateAnswer?> VerifyAsync(string? codeOrNumber, CancellationToken ct)
    {
        var query = codeOrNumber?.Trim();
        if (string.IsNullOrEmpty(query) || query.Length > MaxQueryLength)
        {
            return null;
        }

        var found = CertificateNumbers.ReadCode(query) is { } code
            ? await ByCodeAsync(query, code.CycleId, ct)
            : await ByNumberAsync(query, ct);
        if (found is null)
        {
            return null;
        }

        var (cycle, entry) = found.Value;

        var app = await streams.LoadAsync(StreamKinds.Application, ApplicationId.Parse(entry.ApplicationId).Value.StreamId, ct);
        var holder = app.ApplicantKey is { } key && HolderKey.Parse(key) is { IsOk: true } holderKey
            ? await streams.LoadAsync(HolderStreams.Holder, holderKey.Value.StreamId, ct)
            : HolderState.Initial;
        return CertificateCheck.Answer(cycle, app, holder, ShanghaiTime.DateOf(clock.Now(cycle)));
    }

    private async Task<(CycleState, CertificateEntry)?> ByCodeAsync(string code, string cycleId, CancellationToken ct)
    {
        if (CycleId.Parse(cycleId) is not { IsOk: true } id)
        {
            return null;
        }

        var cycle = await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct);
        var entry = cycle.Announcement?.Certificates.FirstOrDefault(c => c.VerificationCode == code);
        return entry is null ? null : (cycle, entry);
    }

    /// <summary>A number names no cycle: look in the announced cycles of the years it mentions (a rehearsal's numbers are not certificates).</summary>
    private async Task<(CycleState, CertificateEntry)?> ByNumberAsync(string number, CancellationToken ct)
    {
        var years = CertificateNumbers.Key(number).Values;
        foreach (var row in await readModels.PartitionAsync(CycleIndex.Partition, ct))
        {
            if (row.GetBoolean("Rehearsal") == true || row.GetInt32("Year") is not { } year || !years.Contains(year) || CycleId.Parse(row.RowKey) is not { IsOk: true } id)
            {
                continue;
            }

            var cycle = await streams.LoadAsync(StreamKinds.Cycle, id.Value.StreamId, ct);
            var entry = cycle.Announcement?.Certificates.FirstOrDefault(c => CertificateNumbers.SameNumber(c.Number, number));
            if (entry is not null)
            {
                return (cycle, entry);
            }
        }

        return null;
    }
}

/// <summary>The zh-CN page of the public check: what a person who scanned the QR code reads.</summary>
public sealed record CertificateVerificationPage(string Title, string Body, int Status)
{
    public const string PageTitle = "证书查验";

    /// <summary>
    /// The page for a query and its answer: the answer (200), or "not found" (404), or only the
    /// form when nothing was asked (200). Every text from the query or the register is encoded.
    /// </summary>
    public static CertificateVerificationPage For(string? query, CertificateAnswer? answer)
    {
        var body = new StringBuilder("<h1>证书查验</h1>");
        if (string.IsNullOrWhiteSpace(query))
        {
            return new(PageTitle, body.Append(Form(null)).ToString(), StatusCodes.Status200OK);
        }

        if (answer is null)
        {
            body.Append("<p class=\"error\"><strong>未查到该证书。</strong></p>")
                .Append("<p>请核对证书编号或验证码：证书编号形如“威质奖〔2027〕第001号”，验证码形如“weihai-2027-r001”（在证书二维码旁）。")
                .Append("查询内容：").Append(Html.E(query)).Append("</p>")
                .Append(Form(query));
            return new(PageTitle, body.ToString(), StatusCodes.Status404NotFound);
        }

        var (headline, colour) = answer.Status switch
        {
            CertificateStatus.Valid => ("该证书有效", "#1b5e20"),
            CertificateStatus.Expired => ("该证书已过有效期", "#8a6d00"),
            CertificateStatus.Rehearsal => ("演练样张，不是有效证书", "#b00020"),
            _ => ("该证书已被撤销", "#b00020"),
        };
        body.Append("<p style=\"font-size:1.5em;font-weight:bold;color:").Append(colour).Append("\">").Append(headline).Append("</p>")
            .Append("<table>");
        Row(body, "证书编号", answer.Number);
        Row(body, "获奖者", answer.Holder);
        Row(body, "奖项", answer.TierTitle);
        Row(body, "年度", $"{answer.Year}年度");
        Row(body, "颁发机关", answer.IssuedBy);
        Row(body, "颁发日期", Date(answer.AwardedOn));
        Row(body, "公布文件", answer.AnnouncementReference);
        Row(body, "有效期", answer.ValidThrough is { } through ? $"{Date(answer.AwardedOn)}至{Date(through)}" : "未设期限（撤销前有效）");
        if (answer.Status == CertificateStatus.Revoked)
        {
            Row(body, "撤销日期", answer.RevokedOn is { } on ? Date(on) : string.Empty);
            Row(body, "撤销决定", answer.RevocationReference ?? string.Empty);
        }

        body.Append("</table>")
            .Append("<p class=\"note\">以上信息来自").Append(Html.E(answer.AwardName)).Append("获奖者登记簿。证书上的获奖者、奖项和编号应与本页一致，不一致的证书不是本登记簿所发。</p>")
            .Append(Form(null));
        return new(PageTitle, body.ToString(), StatusCodes.Status200OK);
    }

    private static string Form(string? query) =>
        "<form method=\"get\" action=\"/verify\"><label for=\"q\">证书编号或验证码</label>"
        + $"<input type=\"text\" id=\"q\" name=\"q\" maxlength=\"{CertificateVerifier.MaxQueryLength}\" value=\"{Html.E(query)}\">"
        + "<p><button type=\"submit\">查验</button></p></form>";

    private static void Row(StringBuilder body, string label, string value) =>
        body.Append("<tr><th>").Append(label).Append("</th><td>").Append(Html.E(value)).Append("</td></tr>");

    private static string Date(DateOnly d) => string.Create(CultureInfo.InvariantCulture, $"{d.Year}年{d.Month}月{d.Day}日");
}
