using QualityAward.Domain.Applications;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Applications;

public partial class ApplicationDeciderTests
{
    [Theory]
    // A draft may be withdrawn...
    [InlineData(null)]
    // ...and so may an application in review...
    [InlineData(StageKind.MaterialReview)]
    // ...up to the deliberation.
    [InlineData(StageKind.Deliberation)]
    public void Withdraw_BeforeApproval_EndsTheApplication(StageKind? at)
    {
        var given = at is { } stage ? Weihai().At(stage) : Weihai().WithForm();

        var withdrawn = Then.Single<ApplicationWithdrawn, IApplicationEvent>(given.Decide(new Withdraw("  经营调整  "), Applicant));

        Assert.Equal("经营调整", withdrawn.Reason);
        given.With(withdrawn);
        Assert.Equal(ApplicationStatus.Withdrawn, given.State.Status);
        Then.Nothing(given.Decide(new Withdraw("再次撤回"), Applicant));
    }

    [Fact]
    public void Disqualify_ForFalseMaterials_RecordsTheGroundAndTheStage()
    {
        // Changde §28: the ground is what later bars the applicant for 5 years.
        var given = Changde().At(StageKind.SiteReview);

        var disqualified = Then.Single<ApplicationDisqualified, IApplicationEvent>(given.Decide(new Disqualify(DisqualificationGround.FalseMaterials, "  财务数据造假  "), Office));

        Assert.Equal((DisqualificationGround.FalseMaterials, "财务数据造假", StageKind.SiteReview), (disqualified.Ground, disqualified.Reason, disqualified.Stage));
        given.With(disqualified);
        Assert.Equal(ApplicationStatus.Disqualified, given.State.Status);
        Then.Nothing(given.Decide(new Disqualify(DisqualificationGround.FalseMaterials, "再次"), Office));
    }

    [Theory]
    // Changde §30: an incident within 5 years of the award: the last day of the 5 years.
    [InlineData("changde", "incident", "2031-12-19", null)]
    // ... the day 5 years after is too late for that ground.
    [InlineData("changde", "incident", "2031-12-20", "revocation.window-passed")]
    // Changde §28: fraud revokes at any time.
    [InlineData("changde", "fraud", "2035-01-01", null)]
    // Benxi §32: incidents within 5 years only.
    [InlineData("benxi", "major-incident", "2032-01-01", "revocation.window-passed")]
    // Weihai §27: any time.
    [InlineData("weihai", "u02-incident", "2040-01-01", null)]
    public void Revoke_AgainstTheRevocationWindow(string policyId, string ground, string revokedOn, string? refusal)
    {
        var given = ApplicationBuilder.Under(policyId).Awarded();
        var on = DateOnly.Parse(revokedOn, System.Globalization.CultureInfo.InvariantCulture);

        var decision = given.Decide(new RevokeAward(ground, "经查证属实", on, "撤销决定〔X〕1号"), Office, Dates.At(on));

        if (refusal is null)
        {
            var revoked = Then.Single<AwardRevoked, IApplicationEvent>(decision);
            Assert.Equal((ground, on, "撤销决定〔X〕1号"), (revoked.GroundCode, revoked.RevokedOn, revoked.DecisionReference));
        }
        else
        {
            Then.Refused(decision, refusal, RefusalKind.Rule);
        }
    }

    [Theory]
    // Changde §30 (自获奖之日起5年内发生…事故): an incident on the last day of the 5 years, decided months later.
    [InlineData("changde", "incident", "2031-12-19", "2032-03-01", null)]
    // An incident on the fifth anniversary is outside the window, whenever it is decided.
    [InlineData("changde", "incident", "2031-12-20", "2032-03-01", "revocation.window-passed")]
    // Benxi §32 (获奖后5年内如发生): the same.
    [InlineData("benxi", "major-incident", "2031-06-01", "2032-02-01", null)]
    // The occurrence cannot come after the decision that revokes for it.
    [InlineData("changde", "incident", "2030-06-02", "2030-06-01", "revocation.date-invalid")]
    public void Revoke_ForAWindowedGround_CountsTheWindowToWhenItOccurred(string policyId, string ground, string occurredOn, string revokedOn, string? refusal)
    {
        var given = ApplicationBuilder.Under(policyId).Awarded();
        var on = DateOnly.Parse(revokedOn, System.Globalization.CultureInfo.InvariantCulture);
        var command = new RevokeAward(ground, "重大质量事故经查证属实", on, "撤销决定〔X〕2号", DateOnly.Parse(occurredOn, System.Globalization.CultureInfo.InvariantCulture));

        var decision = given.Decide(command, Office, Dates.At(on));

        if (refusal is null)
        {
            Assert.Equal(on, Then.Single<AwardRevoked, IApplicationEvent>(decision).RevokedOn);
        }
        else
        {
            Then.Refused(decision, refusal, refusal == "revocation.date-invalid" ? RefusalKind.Invalid : RefusalKind.Rule);
        }
    }

    [Fact]
    public void Revoke_UnderBenxi_RecoversTheMoney_AndRepeatingItDoesNothing()
    {
        // Benxi §31: fraud: the award, the plaque and the money are taken back, and the applicant is barred.
        var given = ApplicationBuilder.Under("benxi").Awarded();
        var command = new RevokeAward("fraud", "  以虚假材料骗取奖励  ", new DateOnly(2027, 3, 1), "本政发〔2027〕2号");

        var revoked = Then.Single<AwardRevoked, IApplicationEvent>(given.Decide(command, Office, Dates.At(2027, 3, 1)));

        Assert.Equal((BanReason.Fraud, 200_000L, "以虚假材料骗取奖励"), (revoked.Consequence, revoked.MoneyToRecoverYuan, revoked.Reason));
        given.With(revoked);
        Assert.Equal(ApplicationStatus.Revoked, given.State.Status);
        Then.Nothing(given.Decide(command, Office, Dates.At(2027, 3, 1)));
    }

    public static TheoryData<string, Case, string, RefusalKind> RefusedEndings => new()
    {
        { "withdraw after refusal", new(() => Weihai().At(StageKind.FormalReview).Do(new Refuse("不予受理"), Office), new Withdraw("撤回"), Applicant), "application.cannot-withdraw", RefusalKind.Rule },
        // Once the proposed award awaits the government's approval, the office handles it.
        { "withdraw during approval", new(() => Weihai().At(StageKind.Approval), new Withdraw("撤回"), Applicant), "application.cannot-withdraw", RefusalKind.Rule },
        { "withdraw after the award", new(() => Weihai().Awarded(), new Withdraw("撤回"), Applicant, Dates.Awarding), "application.cannot-withdraw", RefusalKind.Rule },
        { "withdraw without reason", new(() => Weihai().Submitted(), new Withdraw(" "), Applicant), "reason.missing", RefusalKind.Invalid },
        { "the office withdraws for the applicant", new(() => Weihai().Submitted(), new Withdraw("撤回"), Office), "application.not-found", RefusalKind.NotFound },
        { "disqualify after the award", new(() => Weihai().Awarded(), new Disqualify(DisqualificationGround.Other, "违规"), Office, Dates.Awarding), "application.awarded", RefusalKind.Rule },
        { "disqualify a draft", new(() => Weihai().WithForm(), new Disqualify(DisqualificationGround.Other, "违规"), Office), "application.not-in-process", RefusalKind.Rule },
        { "disqualify without reason", new(() => Weihai().Submitted(), new Disqualify(DisqualificationGround.ObjectionUpheld, ""), Office), "reason.missing", RefusalKind.Invalid },
        { "revoke what was never awarded", new(() => Weihai().At(StageKind.Approval), new RevokeAward("u01-fraud", "造假", Dates.AwardedOn, "撤销1号"), Office, Dates.Awarding), "revocation.not-awarded", RefusalKind.Rule },
        // Grounds belong to a policy and a category: Weihai's organisation grounds are not Changde's.
        { "a ground of another policy", new(() => Changde().Awarded(), new RevokeAward("u01-fraud", "造假", Dates.AwardedOn, "撤销1号"), Office, Dates.Awarding), "revocation.ground-unknown", RefusalKind.Invalid },
        { "an organisation's ground for an individual", new(() => Weihai(ApplicantCategory.Individual).Awarded(), new RevokeAward("u01-fraud", "造假", Dates.AwardedOn, "撤销1号"), Office, Dates.Awarding), "revocation.ground-unknown", RefusalKind.Invalid },
        { "revoked before the award", new(() => Weihai().Awarded(), new RevokeAward("u01-fraud", "造假", Dates.AwardedOn.AddDays(-1), "撤销1号"), Office, Dates.Awarding), "revocation.date-invalid", RefusalKind.Invalid },
        { "revoked tomorrow", new(() => Weihai().Awarded(), new RevokeAward("u01-fraud", "造假", Dates.AwardedOn.AddDays(1), "撤销1号"), Office, Dates.Awarding), "revocation.date-invalid", RefusalKind.Invalid },
        { "revoked without a decision reference", new(() => Weihai().Awarded(), new RevokeAward("u01-fraud", "造假", Dates.AwardedOn, " "), Office, Dates.Awarding), "revocation.reference-missing", RefusalKind.Invalid },
        { "revoked without reason", new(() => Weihai().Awarded(), new RevokeAward("u01-fraud", " ", Dates.AwardedOn, "撤销1号"), Office, Dates.Awarding), "reason.missing", RefusalKind.Invalid },
        // Revocation is the office's, never the workflow's.
        { "the workflow revokes", new(() => Weihai().Awarded(), new RevokeAward("u01-fraud", "造假", Dates.AwardedOn, "撤销1号"), Actor.System, Dates.Awarding), "application.office-only", RefusalKind.Forbidden },
    };

    [Theory]
    [MemberData(nameof(RefusedEndings))]
    public void Ending_WhenNotAllowed_IsRefused(string why, Case row, string code, RefusalKind kind)
    {
        Then.Refused(row.Run(), code, kind, why);
    }
}
