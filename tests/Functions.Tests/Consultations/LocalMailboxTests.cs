using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Consultations;

/// <summary>
/// The local mailbox (tools/LocalHost, <c>LocalMailbox:Enabled</c>, as scripts/run.sh runs it): the
/// consultation orchestration sends through the real Graph SDK to the local host's own
/// <c>/_mailbox/graph/v1.0</c>; a person reads the mail at <c>/_mailbox</c> and answers by its link.
/// </summary>
public sealed partial class LocalMailboxTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    /// <summary>The app on a port chosen first, so that Graph:BaseUrl and the reply links can name the app itself, as run.sh's settings do.</summary>
    private Task<TestApp> StartAsync(int port, string? prefix = null) =>
        TestApp.StartAsync(azurite, Start, prefix: prefix, configure: b => TestApp.LocalMailbox(b, port, ConsultationTests.Addresses, "local-mailbox-test-signing-key-0123456789abcdef"));


    [Fact]
    public async Task ConsultationMails_LandInTheLocalMailbox_AndTheDepartmentAnswersByTheLinkInTheMail_AndTheMailsOutliveARestart()
    {
        var port = Azurite.FreePort();
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        string mailPath;
        await using (var app = await StartAsync(port, prefix))
        {
            await (await app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "changde", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30", acknowledgeWarnings = true })).ExpectAsync(201);
            var subject = "applicant-" + Guid.NewGuid().ToString("N");
            var id = await Applicants.SubmitAsync(app, app.As(Roles.Applicant, subject: subject), subject, "changde-2026", ConsultationTests.ChangdeForm("常德邮箱制造有限公司", "91350100M000100Y43"));
            await (await app.As(Roles.Recommender, affiliation: "430700:wuling").PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐。", governmentApprovalReference = "武政函〔2026〕8号" })).ExpectAsync(200);

            // The office opens the round; its orchestration sends the five mails through the Graph SDK.
            await (await app.As(Roles.Office).PostJsonAsync("/api/cycles/changde-2026/consultations", new { })).ExpectAsync(201);
            await app.SettleAsync();
            var list = await MailboxListAsync(app, expected: 5);
            Assert.Contains("lang=\"zh-CN\"", list);
            Assert.Contains("本地邮箱", list);
            Assert.All(ConsultationTests.Addresses.Values, address => Assert.Contains(address, list));
            var round = await (await app.As(Roles.Office).GetAsync("/api/cycles/changde-2026/consultations/changde-2026-c3")).ExpectAsync(200);
            Assert.All(round.GetProperty("mails").EnumerateArray(), m => Assert.Equal("sent", m.Str("status")));

            // The tax bureau's mail: its row in the list, its page with the body and the reply link.
            var row = Assert.Single(Rows().Matches(list), r => r.Groups["to"].Value.Contains("tax@example.gov.cn", StringComparison.Ordinal));
            Assert.Contains("征求有关主管部门意见", row.Groups["subject"].Value); // Changde §13 的用语
            mailPath = row.Groups["href"].Value;
            var page = await app.Anonymous().GetAsync(mailPath);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var mail = await page.Content.ReadAsStringAsync();
            Assert.Contains("award-office@example.gov.cn", mail);
            Assert.DoesNotContain("<script", mail, StringComparison.OrdinalIgnoreCase);
            var body = WebUtility.HtmlDecode(SrcDoc().Match(mail).Groups[1].Value);
            Assert.Contains("常德邮箱制造有限公司", body);
            var link = Href().Matches(body).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).Single(l => l.Contains("/consultations/changde-2026-c3/tax?t=", StringComparison.Ordinal));
            Assert.StartsWith(app.Address.ToString().TrimEnd('/'), link, StringComparison.Ordinal);

            // Following the link opens the real reply page; the department answers there.
            var replyPage = await app.Anonymous().GetAsync(new Uri(link));
            Assert.Equal(HttpStatusCode.OK, replyPage.StatusCode);
            var form = await replyPage.Content.ReadAsStringAsync();
            Assert.Contains("常德邮箱制造有限公司", form);
            var action = WebUtility.HtmlDecode(FormAction().Match(form).Groups[1].Value);
            var token = WebUtility.HtmlDecode(HiddenToken().Match(form).Groups[1].Value);
            using var answer = new MultipartFormDataContent
            {
                { new StringContent(token), "t" },
                { new StringContent("none"), "v-" + id },
                { new StringContent("王科长 0736-7000001"), "respondentName" },
            };
            var answered = await app.Anonymous().PostAsync(action, answer);
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
            Assert.Contains("已收到贵单位的意见", await answered.Content.ReadAsStringAsync());
            round = await (await app.As(Roles.Office).GetAsync("/api/cycles/changde-2026/consultations/changde-2026-c3")).ExpectAsync(200);
            var tax = Assert.Single(round.GetProperty("departments").EnumerateArray(), d => d.Str("department") == "tax");
            Assert.True(tax.GetProperty("answered").GetBoolean());
            Assert.Equal("王科长 0736-7000001", tax.Str("respondent"));
        }

        // The mails are kept in Azurite: a restarted local host still shows them.
        await using (var again = await StartAsync(Azurite.FreePort(), prefix))
        {
            await MailboxListAsync(again, expected: 5);
            Assert.Equal(HttpStatusCode.OK, (await again.Anonymous().GetAsync(mailPath)).StatusCode);
        }
    }

    [Fact]
    public async Task LocalMailbox_AnswersThisMachineOnly_AndIsNoRouteOfTheFunctionApp()
    {
        await using var app = await StartAsync(Azurite.FreePort());

        // Through a proxy (X-Forwarded-For) or by another host name (DNS rebinding): refused, Graph's endpoint too.
        using var proxied = new HttpRequestMessage(HttpMethod.Get, "/_mailbox");
        proxied.Headers.Add("X-Forwarded-For", "203.0.113.9");
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Anonymous().SendAsync(proxied)).StatusCode);
        using var rebound = new HttpRequestMessage(HttpMethod.Post, "/_mailbox/graph/v1.0/users/x@example.gov.cn/sendMail") { Content = new StringContent("{}") };
        rebound.Headers.Host = "mail.attacker.example";
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Anonymous().SendAsync(rebound)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync("/_mailbox")).StatusCode);

        // The function app declares no such route; without the setting the local host serves none either.
        var catalog = app.Services.GetRequiredService<FunctionCatalog>();
        Assert.DoesNotContain(catalog.Http, f => f.Route.StartsWith("_mailbox", StringComparison.OrdinalIgnoreCase));
        await using var plain = await TestApp.StartAsync(azurite, Start);
        Assert.Equal(HttpStatusCode.NotFound, (await plain.Anonymous().GetAsync("/_mailbox")).StatusCode);
    }

    /// <summary>The mailbox page once it lists <paramref name="expected"/> mails (the orchestration's activities send them).</summary>
    private static async Task<string> MailboxListAsync(TestApp app, int expected)
    {
        for (var waited = TimeSpan.Zero; ; waited += TimeSpan.FromMilliseconds(100))
        {
            var page = await app.Anonymous().GetAsync("/_mailbox");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            var count = Rows().Matches(html).Count;
            if (count >= expected || waited > TimeSpan.FromSeconds(30))
            {
                Assert.Equal(expected, count);
                return html;
            }

            await Task.Delay(100);
        }
    }

    [GeneratedRegex("<tr><td>[^<]*</td><td>(?<to>[^<]*)</td><td><a href=\"(?<href>/_mailbox/[^\"]+)\">(?<subject>[^<]*)</a></td></tr>")]
    private static partial Regex Rows();

    [GeneratedRegex("srcdoc=\"([^\"]*)\"")]
    private static partial Regex SrcDoc();

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex Href();

    [GeneratedRegex("<form method=\"post\"[^>]*action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"t\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenToken();
}
