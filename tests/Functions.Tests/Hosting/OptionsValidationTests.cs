using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Hosting;

/// <summary>
/// The settings' validators are generated at compile time (OptionsValidation) instead of read by
/// reflection at start: the app still refuses to start on a value outside its annotated range, and
/// on what an options type's own rules (IValidatableObject) refuse, naming the setting.
/// </summary>
public sealed class OptionsValidationTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Theory]
    [InlineData("Documents:MaxBytes", "0", "MaxBytes")]
    [InlineData("Documents:DirectUploadLifetime", "03:00:00", "DirectUploadLifetime")]
    [InlineData("Documents:AllowedTypes:0", "exe", "Documents:AllowedTypes")]
    [InlineData("RateLimits:PublicWritePermits", "0", "PublicWritePermits")]
    [InlineData("Consultations:ReminderWorkingDays", "21", "ReminderWorkingDays")]
    [InlineData("Audit:VerifyOverlap", "2.00:00:00", "VerifyOverlap")]
    [InlineData("Storage:Prefix", "Not-A-Prefix", "Storage:Prefix")]
    public async Task Start_WithASettingItsRulesRefuse_StopsNamingIt(string setting, string value, string named)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(azurite, configure: b =>
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [setting] = value })));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
