using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Notices;

/// <summary>
/// A 公示 must say where to object (address, telephone, mail). The policy names the office, the
/// settings (Offices:{policyId}) give its contact; without the contact the notice is refused
/// before anything is written, in words the office can act on.
/// </summary>
public sealed class NoticeChannelTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task PublishNotice_WithoutTheOfficesContactInTheSettings_IsRefused_AndPublishesNothing()
    {
        // Benxi's contact taken out of the settings the tests' app otherwise has for every preset.
        await using var app = await TestApp.StartAsync(azurite, new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.FromHours(8)), configure: b =>
            b.Services.PostConfigure<OfficeOptions>(o => o.Contacts.Remove("benxi")));
        await Holders.OpenCycleAsync(app, "benxi", 2026, "2026-01-05", "2026-03-31");
        var subject = "applicant-" + Guid.NewGuid().ToString("N");
        var id = await Applicants.SubmitAsync(app, app.As(Roles.Applicant, subject: subject), subject, "benxi-2026", Forms.BenxiOrganisation("本溪精工铸造有限公司"));
        await (await app.As(Roles.Recommender, affiliation: "210500:pingshan").PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐。" })).ExpectAsync(200);
        await (await app.As(Roles.Office).PostJsonAsync($"/api/applications/{id}/accept", new { })).ExpectAsync(200);
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 12, 9, 0, 0, TimeSpan.FromHours(8)));
        var before = await Hostile.StorageSnapshot.TakeAsync(app);

        // Everything else is in order: the list has an entry, the day is today, the policy has the stage.
        var refused = await (await app.As(Roles.Office).PostJsonAsync("/api/cycles/benxi-2026/notices", new { list = "acceptance", firstDay = "2026-02-12" })).ExpectAsync(409);

        Assert.Equal("notice.objection-channel-missing", refused.Str("code"));
        Assert.Equal("公示不能发布：公示须写明受理异议的地址、电话和电子邮箱，但尚未配置本溪市质量强市工作领导小组办公室的联系方式（设置项 Offices:benxi:Address、Telephone、Email）。", refused.Str("detail"));
        var english = app.As(Roles.Office);
        english.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        var refusedInEnglish = await (await english.PostJsonAsync("/api/cycles/benxi-2026/notices", new { list = "acceptance", firstDay = "2026-02-12" })).ExpectAsync(409);
        Assert.Equal("The notice cannot be published: it must say where to object, and no address, telephone and mail are configured for the Benxi award office (settings Offices:benxi:Address, Telephone, Email).", refusedInEnglish.Str("detail"));

        Assert.Empty((await (await app.Anonymous().GetAsync("/api/public/notices")).ExpectAsync(200)).EnumerateArray());
        Assert.Equal("publicNotice", (await (await app.As(Roles.Office).GetAsync($"/api/applications/{id}")).ExpectAsync(200)).Str("stage"));
        Assert.Equal(string.Empty, (await Hostile.StorageSnapshot.TakeAsync(app)).DifferenceFrom(before));
    }
}
