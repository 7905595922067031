using QualityAward.Functions.Consultations;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Consultations;

/// <summary>
/// What the office reads about a mail that did not go: neutral zh-CN words, never the mail
/// service's own error (Graph's answer, the credential chain), which stays in the log (issue 17, item 11).
/// </summary>
public sealed partial class ConsultationTests
{
    [Fact]
    public async Task MailErrors_ReachTheOfficeAsNeutralText_NeverTheMailServicesOwnError()
    {
        await AtConsultationAsync("常德壬化工有限公司");
        _graph.FailNext(4, 503);
        _graph.FailNext(1, 400);
        await OpenAsync();

        var mails = (await RoundAsync()).GetProperty("mails").EnumerateArray().ToList();
        Assert.Equal(5, mails.Count);
        foreach (var mail in mails)
        {
            var error = mail.Str("lastError");
            Assert.True(error == MailView.Neutral(mail.Str("status"), "x"), $"{mail.Str("status")}: {error}");
            Assert.DoesNotContain("503", error, StringComparison.Ordinal);
            Assert.DoesNotContain("400", error, StringComparison.Ordinal);
            Assert.DoesNotContain("Graph", error, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Contains(mails, m => m.Str("status") == "failed" && m.Str("lastError").Contains("不再自动重试", StringComparison.Ordinal));
        Assert.Contains(mails, m => m.Str("status") == "pending" && m.Str("lastError").Contains("将自动重试", StringComparison.Ordinal));
    }
}
