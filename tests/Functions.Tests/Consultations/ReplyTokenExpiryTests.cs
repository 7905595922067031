using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Consultations;

namespace QualityAward.Functions.Tests.Consultations;

/// <summary>
/// A reply link whose signed expiry lies past the last date there is (year 9999) is an invalid
/// link (4xx), not an exception (500) (issue 17, item 11).
/// </summary>
public sealed class ReplyTokenExpiryTests
{
    private const string Key = "qualityaward-test-consultation-key-0123456789";

    private static string Signed(string payload)
    {
        static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var bytes = Encoding.UTF8.GetBytes(payload);
        return B64(bytes) + "." + B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), bytes));
    }

    [Theory]
    [InlineData("253402300800")] // one second past 9999-12-31T23:59:59Z
    [InlineData("99999999999999")]
    [InlineData("9223372036854775807")] // long.MaxValue
    public void ALinkExpiringPastTheYear9999_IsInvalid_NotAnException(string expiry)
    {
        var tokens = new ReplyTokens(new Monitor(new ConsultationOptions { SigningKey = Key }), TimeProvider.System);

        var outcome = tokens.Verify(Signed($"v1|weihai-2026-c1|Tax|{expiry}"), "weihai-2026-c1", Department.Tax);

        Assert.False(outcome.IsOk);
        Assert.Equal("consultation.link-invalid", outcome.Refusal!.Code);
    }

    [Fact]
    public void ALinkExpiringAtTheLastSecondThereIs_IsStillReadAsADate()
    {
        var tokens = new ReplyTokens(new Monitor(new ConsultationOptions { SigningKey = Key }), TimeProvider.System);

        var outcome = tokens.Verify(Signed("v1|weihai-2026-c1|Tax|253402300799"), "weihai-2026-c1", Department.Tax);

        Assert.True(outcome.IsOk);
        Assert.Equal(DateTimeOffset.MaxValue.AddTicks(-(DateTimeOffset.MaxValue.Ticks % TimeSpan.TicksPerSecond)), outcome.Value.ExpiresAt);
    }

    private sealed class Monitor(ConsultationOptions value) : IOptionsMonitor<ConsultationOptions>
    {
        public ConsultationOptions CurrentValue => value;

        public ConsultationOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<ConsultationOptions, string?> listener) => null;
    }
}
