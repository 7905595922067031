using System.Net;
using System.Text.RegularExpressions;

namespace QualityAward.Tour;

/// <summary>One mail as the local mailbox lists it: its page, recipient and subject.</summary>
public sealed record MailRow(string Page, string To, string Subject);

/// <summary>
/// The local mailbox (tools/LocalHost, <c>/_mailbox</c>) read the way a person reads it: the list
/// page, a mail's page with the links in it, and a department's reply page reached by the link,
/// answered by its own form. Nothing here reaches into the app: pages and forms over HTTP only.
/// </summary>
public sealed partial class Mailbox(HttpClient mailbox, HttpClient anonymous)
{
    public const string PagePath = "/_mailbox";

    public Uri Address => new(mailbox.BaseAddress!, PagePath);

    /// <summary>The mails, newest first.</summary>
    public async Task<IReadOnlyList<MailRow>> ListAsync(CancellationToken ct)
    {
        using var response = await mailbox.GetAsync(PagePath, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new TourStepFailed($"GET {Address} → {(int)response.StatusCode}: the local mailbox is not served here (scripts/run.sh turns it on with LocalMailbox__Enabled=true; pass --mailbox when it runs on its own port).");
        }

        var html = await response.Content.ReadAsStringAsync(ct);
        return Rows().Matches(html).Select(m => new MailRow(WebUtility.HtmlDecode(m.Groups["href"].Value), WebUtility.HtmlDecode(m.Groups["to"].Value), WebUtility.HtmlDecode(m.Groups["subject"].Value))).ToList();
    }

    /// <summary>The links a mail holds, as its page lists them under 邮件中的链接.</summary>
    public async Task<IReadOnlyList<string>> LinksAsync(MailRow mail, CancellationToken ct)
    {
        var html = await mailbox.GetStringAsync(mail.Page, ct);
        var at = html.IndexOf("<h2>邮件中的链接</h2>", StringComparison.Ordinal);
        return at < 0 ? [] : ListedLink().Matches(html[at..]).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
    }

    /// <summary>
    /// The reply links of one consultation round, one per department, found in the newest mails:
    /// waits (up to <paramref name="timeout"/>) until the round's orchestration has sent them all.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, (MailRow Mail, string Link)>> ReplyLinksAsync(string consultationId, IReadOnlyCollection<string> departments, TimeSpan timeout, CancellationToken ct)
    {
        // The link names the department in lower case (…/consultations/{round}/ecologyenvironment?t=…).
        var wanted = departments.ToDictionary(d => d, d => d, StringComparer.OrdinalIgnoreCase);
        var found = new Dictionary<string, (MailRow, string)>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            foreach (var mail in await ListAsync(ct))
            {
                if (found.Count == departments.Count)
                {
                    break;
                }

                if (!seen.Add(mail.Page))
                {
                    continue;
                }

                foreach (var link in await LinksAsync(mail, ct))
                {
                    var marker = $"/consultations/{consultationId}/";
                    var at = link.IndexOf(marker, StringComparison.Ordinal);
                    if (at < 0)
                    {
                        continue;
                    }

                    if (wanted.TryGetValue(link[(at + marker.Length)..].Split('?', '/')[0], out var department))
                    {
                        found.TryAdd(department, (mail, link));
                    }
                }
            }

            if (found.Count == departments.Count)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                var missing = string.Join(", ", departments.Where(d => !found.ContainsKey(d)));
                throw new TourStepFailed($"The local mailbox ({Address}) has no mail of round {consultationId} for: {missing} (after {timeout.TotalSeconds:0} s). GET /api/cycles/…/consultations/{consultationId} shows each mail's status.");
            }

            await Task.Delay(250, ct);
        }
    }

    /// <summary>
    /// A department opens its link and answers: no adverse record (无不良记录) on every applicant the
    /// page lists, with the respondent's name, by the page's own form. Returns the applications answered.
    /// </summary>
    public async Task<IReadOnlyList<string>> AnswerNoneAsync(string link, string respondent, CancellationToken ct)
    {
        using var page = await anonymous.GetAsync(new Uri(link), ct);
        var form = await page.Content.ReadAsStringAsync(ct);
        if (!page.IsSuccessStatusCode)
        {
            throw new TourStepFailed($"GET {link} → {(int)page.StatusCode}\n{Shorten(form)}");
        }

        var action = FormAction().Match(form);
        var token = HiddenToken().Match(form);
        if (!action.Success || !token.Success)
        {
            throw new TourStepFailed($"The reply page {link} has no reply form (answered already, or the round is closed).\n{Shorten(form)}");
        }

        var ids = Verdict().Matches(form).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).Distinct().ToList();
        using var answer = new MultipartFormDataContent { { new StringContent(WebUtility.HtmlDecode(token.Groups[1].Value)), "t" } };
        foreach (var id in ids)
        {
            answer.Add(new StringContent("none"), "v-" + id);
        }

        answer.Add(new StringContent(respondent), "respondentName");
        var target = new Uri(new Uri(link), WebUtility.HtmlDecode(action.Groups[1].Value));
        using var answered = await anonymous.PostAsync(target, answer, ct);
        var result = await answered.Content.ReadAsStringAsync(ct);
        if (!answered.IsSuccessStatusCode || !result.Contains("已收到贵单位的意见", StringComparison.Ordinal))
        {
            throw new TourStepFailed($"POST {target} → {(int)answered.StatusCode}: the answer was not taken.\n{Shorten(result)}");
        }

        return ids;
    }

    private static string Shorten(string text) => text.Length > 1_500 ? text[..1_500] + "…" : text;

    [GeneratedRegex("<tr><td>[^<]*</td><td>(?<to>[^<]*)</td><td><a href=\"(?<href>/_mailbox/[^\"]+)\">(?<subject>[^<]*)</a></td></tr>")]
    private static partial Regex Rows();

    [GeneratedRegex("<li><a href=\"([^\"]+)\">")]
    private static partial Regex ListedLink();

    [GeneratedRegex("<form method=\"post\"[^>]*action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"t\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenToken();

    [GeneratedRegex("<input type=\"radio\" name=\"v-([^\"]+)\" value=\"none\"")]
    private static partial Regex Verdict();
}
