using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Consultations;

/// <summary>A mail Graph refused for good is sent again by the office, once, to the address configured now.</summary>
public sealed partial class ConsultationTests
{
    [Fact]
    public async Task MailRefusedForGood_IsResentOnce_ToTheCorrectedAddress()
    {
        await AtConsultationAsync("常德辛纺织有限公司");
        _graph.FailNext(1, 400);
        await OpenAsync();
        var failed = Assert.Single((await RoundAsync()).GetProperty("mails").EnumerateArray(), m => m.Str("status") == "failed");
        var key = failed.Str("key");

        // The office reads a neutral reason; Graph's own error text (which can name the credential chain) stays in the log.
        Assert.Contains("HTTP 400", failed.Str("lastError"), StringComparison.Ordinal);
        Assert.DoesNotContain("Stand-in told to fail", failed.Str("lastError"), StringComparison.Ordinal);
        Assert.Contains(_logs.Errors, e => e.Contains("Stand-in told to fail", StringComparison.Ordinal));
        var department = failed.Str("department");
        Assert.Equal(4, _graph.Delivered.Count);

        // The timers alone never send it again.
        _app.Clock.Advance(TimeSpan.FromHours(2));
        await _app.SettleAsync();
        Assert.Equal(4, _graph.Delivered.Count);

        // The office corrects the department's address, then resends.
        var configured = Enum.GetNames<QualityAward.Domain.Policies.Department>().Single(n => n.Equals(department, StringComparison.OrdinalIgnoreCase));
        var root = (IConfigurationRoot)_app.Services.GetRequiredService<IConfiguration>();
        root[$"Consultations:Departments:{configured}:Email"] = "corrected@example.gov.cn";
        root.Reload();

        var office = _app.As(Roles.Office, subject: "office-7");
        var resent = await (await office.PostAsync($"/api/cycles/changde-2026/consultations/{RoundId}/mails/{key}/resend", null)).ExpectAsync(200);
        Assert.Equal("pending", Assert.Single(resent.GetProperty("mails").EnumerateArray(), m => m.Str("key") == key).Str("status"));

        // A second click while it is on its way changes nothing.
        var again = await (await office.PostAsync($"/api/cycles/changde-2026/consultations/{RoundId}/mails/{key}/resend", null)).ExpectAsync(409);
        Assert.Equal("mail.not-failed", again.Str("code"));

        await _app.SettleAsync();
        await _app.SettleAsync();
        var delivered = Assert.Single(_graph.Delivered, m => m.To == "corrected@example.gov.cn");
        Assert.Contains($"/consultations/{RoundId}/{department}?t=", delivered.Link, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(5, _graph.Delivered.Count);
        Assert.Equal("sent", Assert.Single((await RoundAsync()).GetProperty("mails").EnumerateArray(), m => m.Str("key") == key).Str("status"));

        // A sent mail is not sent again, and an unknown mail is not found.
        Assert.Equal("mail.not-failed", (await (await office.PostAsync($"/api/cycles/changde-2026/consultations/{RoundId}/mails/{key}/resend", null)).ExpectAsync(409)).Str("code"));
        Assert.Equal("consultation.mail-not-found", (await (await office.PostAsync($"/api/cycles/changde-2026/consultations/{RoundId}/mails/request-nobody/resend", null)).ExpectAsync(404)).Str("code"));
        Assert.Equal(5, _graph.Delivered.Count);
    }
}
