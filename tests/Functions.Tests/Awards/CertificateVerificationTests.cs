using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Awards;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Tests.Awards;

/// <summary>
/// The public check of a certificate against real storage: a Benxi cycle (valid 5 years, §4)
/// announced with two awards and a nomination, one award whose validity ended and a nomination
/// revoked; found by the code its QR code carries and by its number as a person types it.
/// </summary>
public sealed class CertificateVerificationTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private const string Cycle = "benxi-2026";
    private const string Reference = "本政发〔2026〕20号";
    private static readonly DateOnly AwardedOn = new(2026, 9, 1);
    private static readonly DateTimeOffset Announced = new(2026, 9, 1, 10, 0, 0, TimeSpan.FromHours(8));
    private TestApp _app = null!;
    private CertificateVerifier _verifier = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite, new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8)));
        await Holders.OpenCycleAsync(_app, "benxi", 2026, "2026-03-02", "2026-04-30");
        _verifier = new CertificateVerifier(_app.Services.GetRequiredService<Streams>(), _app.Services.GetRequiredService<ReadModels>(), _app.Clock);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>
    /// The review endpoints are walked elsewhere (Weihai, Changde); here the events of the award
    /// are appended as the deciders write them: the announcement numbers the three certificates,
    /// each application is awarded with its number, then one validity ends and one is revoked.
    /// </summary>
    private async Task<(string Valid, string Expired, string Revoked)> SeedAsync()
    {
        var applicant = _app.As(Roles.Applicant);
        var winners = new List<WinnerEntry>();
        var names = new[] { ("本溪甲钢铁有限公司", "91210500MA0000001A", AwardTier.Award), ("本溪乙药业有限公司", "91210500MA0000002B", AwardTier.Award), ("本溪丙精密铸造有限公司", "91210500MA0000003C", AwardTier.Nomination) };
        var ids = new List<string>();
        foreach (var (name, _, tier) in names)
        {
            var id = (await (await applicant.PostJsonAsync($"/api/cycles/{Cycle}/applications", new { category = "organisation" })).ExpectAsync(201)).Str("applicationId");
            await (await applicant.PutJsonAsync($"/api/applications/{id}/form", new { name })).ExpectAsync(200);
            ids.Add(id);
            winners.Add(new WinnerEntry(id, ApplicantCategory.Organisation, tier, false));
        }

        var store = _app.Services.GetRequiredService<EventStore>();
        var metadata = new EventMetadata(Actor.System, null, null);
        var certificates = CertificateNumbers.Assign(PolicyPresets.Get("benxi"), Cycle, 2026, winners);
        for (var i = 0; i < ids.Count; i++)
        {
            var stream = ApplicationId.Parse(ids[i]).Value.StreamId;
            var version = (await store.ReadAsync(stream, CancellationToken.None)).Count;
            var c = certificates.Single(x => x.ApplicationId == ids[i]);
            var money = names[i].Item3 == AwardTier.Award ? 200_000L : 100_000L;
            List<IDomainEvent> events =
            [
                new ApplicationSubmitted(names[i].Item2, [], Announced.AddMonths(-6)),
                new ApplicationAwarded(names[i].Item3, 2026, AwardedOn, ["奖牌", "证书"], money, false, Reference, c.Number, c.VerificationCode, Announced),
            ];
            if (i == 2)
            {
                events.Add(new AwardRevoked("major-incident", BanReason.Revocation, "发生重大质量事故", new DateOnly(2028, 5, 6), money, "本政发〔2028〕7号", Announced.AddYears(2)));
            }

            await store.AppendAsync(stream, version, events, metadata, CancellationToken.None);
        }

        var cycleStream = CycleId.Parse(Cycle).Value.StreamId;
        await store.AppendAsync(cycleStream, (await store.ReadAsync(cycleStream, CancellationToken.None)).Count, [new AwardsAnnounced(Reference, AwardedOn, winners, certificates, Announced)], metadata, CancellationToken.None);
        var holder = HolderKey.Parse(names[1].Item2).Value.StreamId;
        await store.AppendAsync(holder, 0, [new AwardValidityEnded(ids[1], AwardedOn.AddYears(5), Announced.AddYears(5))], metadata, CancellationToken.None);
        return (ids[0], ids[1], ids[2]);
    }

    [Fact]
    public async Task Verify_ByTheQrCodesCode_AnswersValidExpiredOrRevoked_WithWhatTheCertificateSays()
    {
        await SeedAsync();

        var valid = await _verifier.VerifyAsync("benxi-2026-a001", CancellationToken.None);
        var expired = await _verifier.VerifyAsync("benxi-2026-a002", CancellationToken.None);
        var revoked = await _verifier.VerifyAsync("benxi-2026-n001", CancellationToken.None);

        Assert.Equal((CertificateStatus.Valid, "本质奖〔2026〕第001号", "本溪甲钢铁有限公司", "本溪市市长质量奖"), (valid!.Status, valid.Number, valid.Holder, valid.TierTitle));
        Assert.Equal((2026, "本溪市人民政府", AwardedOn, new DateOnly(2031, 8, 31)), (valid.Year, valid.IssuedBy, valid.AwardedOn, valid.ValidThrough));
        Assert.Equal((CertificateStatus.Expired, "本质奖〔2026〕第002号", "本溪乙药业有限公司"), (expired!.Status, expired.Number, expired.Holder));
        Assert.Equal((CertificateStatus.Revoked, "本质奖提名〔2026〕第001号", "本溪市市长质量奖提名奖"), (revoked!.Status, revoked.Number, revoked.TierTitle));
        Assert.Equal((new DateOnly(2028, 5, 6), "本政发〔2028〕7号"), (revoked.RevokedOn, revoked.RevocationReference));
    }

    [Theory]
    // As printed.
    [InlineData("本质奖〔2026〕第002号", "benxi-2026-a002")]
    // Typed with ASCII brackets, without the zeros, with spaces.
    [InlineData(" 本质奖[2026]第 2 号", "benxi-2026-a002")]
    // The nomination's own sequence.
    [InlineData("本质奖提名（2026）第1号", "benxi-2026-n001")]
    public async Task Verify_ByTheNumberAsAPersonTypesIt_FindsTheCertificate(string typed, string code)
    {
        await SeedAsync();

        Assert.Equal(code, (await _verifier.VerifyAsync(typed, CancellationToken.None))?.VerificationCode);
    }

    [Theory]
    // A place nobody holds, another year, another city's number, a cycle that does not exist, junk.
    [InlineData("benxi-2026-a003")]
    [InlineData("本质奖〔2025〕第001号")]
    [InlineData("威质奖〔2026〕第001号")]
    [InlineData("weihai-2026-r001")]
    [InlineData("../../benxi-2026-a001")]
    [InlineData("")]
    public async Task Verify_WhatNoCertificateCarries_FindsNothing(string query)
    {
        await SeedAsync();

        Assert.Null(await _verifier.VerifyAsync(query, CancellationToken.None));
    }

    [Fact]
    public async Task Page_SaysInChineseWhetherTheCertificateStands_AndEncodesWhatWasTyped()
    {
        await SeedAsync();

        var valid = CertificateVerificationPage.For("benxi-2026-a001", await _verifier.VerifyAsync("benxi-2026-a001", CancellationToken.None));
        var revoked = CertificateVerificationPage.For("benxi-2026-n001", await _verifier.VerifyAsync("benxi-2026-n001", CancellationToken.None));
        var expired = CertificateVerificationPage.For("benxi-2026-a002", await _verifier.VerifyAsync("benxi-2026-a002", CancellationToken.None));
        const string typed = "<script>alert(1)</script>";
        var missing = CertificateVerificationPage.For(typed, await _verifier.VerifyAsync(typed, CancellationToken.None));

        Assert.Equal(200, valid.Status);
        Assert.Contains("该证书有效", valid.Body);
        Assert.Contains("本溪甲钢铁有限公司", valid.Body);
        Assert.Contains("2026年9月1日至2031年8月31日", valid.Body);
        Assert.Contains("该证书已过有效期", expired.Body);
        Assert.Contains("该证书已被撤销", revoked.Body);
        Assert.Contains("本政发〔2028〕7号", revoked.Body);
        Assert.Equal(404, missing.Status);
        Assert.Contains("未查到该证书", missing.Body);
        Assert.DoesNotContain("<script>", missing.Body);
        Assert.Contains("&lt;script&gt;", missing.Body);
    }
}
