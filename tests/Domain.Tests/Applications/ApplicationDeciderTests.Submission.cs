using QualityAward.Domain.Applications;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Applications;

public partial class ApplicationDeciderTests
{
    [Fact]
    public void Submit_ACompleteForm_FreezesItAndEntersTheFirstStageAfterSubmission()
    {
        var given = Weihai().WithForm(f => f with { CreditCode = " 91350100m000100y43 " });

        var events = Then.Accepted(given.Decide(new Submit(), Applicant, Dates.InWindow), typeof(ApplicationSubmitted), typeof(StageEntered));

        var submitted = Assert.IsType<ApplicationSubmitted>(events[0]);
        Assert.Equal("91350100M000100Y43", submitted.ApplicantKey);
        Assert.Equal(Dates.InWindow, submitted.At);
        // The code was issued in Fuzhou (350100), not Weihai (371000): the office must verify the registration (§3).
        Assert.Equal("eligibility.registration-area", Assert.Single(submitted.Flags).Code);
        var entered = Assert.IsType<StageEntered>(events[1]);
        Assert.Equal((2, StageKind.Recommendation), (entered.StageIndex, entered.Stage));
        var state = ApplicationState.Fold([.. given.Events, .. events]);
        Assert.Equal((ApplicationStatus.InProcess, StageKind.Recommendation), (state.Status, state.Stage));
    }

    [Fact]
    public void Submit_Again_DoesNothing()
    {
        Then.Nothing(Weihai().Submitted().Decide(new Submit(), Applicant, Dates.InWindow));
    }

    [Theory]
    // The last minute of the closing day is still in the window (Shanghai time).
    [InlineData("2026-05-31T23:59:00+08:00", null)]
    // At 00:00 on 1 June the window has closed...
    [InlineData("2026-06-01T00:00:00+08:00", "application.window-closed")]
    // ...which is 16:00 UTC on 31 May: the Shanghai date decides, not the UTC one.
    [InlineData("2026-05-31T16:00:00+00:00", "application.window-closed")]
    // Before the opening day.
    [InlineData("2026-02-28T23:59:00+08:00", "application.window-not-open")]
    public void Submit_AgainstTheWindow_IsDecidedOnShanghaiTime(string now, string? refusal)
    {
        var decision = Weihai().WithForm().Decide(new Submit(), Applicant, DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));

        if (refusal is null)
        {
            Then.Accepted(decision, typeof(ApplicationSubmitted), typeof(StageEntered));
        }
        else
        {
            Then.Refused(decision, refusal, RefusalKind.Rule);
        }
    }

    [Fact]
    public void Submit_WhenWindowClosed_IsRefused()
    {
        var given = Weihai().WithForm();

        var refusal = Then.Refused(given.Decide(new Submit(), Applicant, Dates.At(2026, 6, 10)), "application.window-closed", RefusalKind.Rule);

        Assert.Contains("2026年6月1日 00:00", refusal.Zh);
    }

    [Fact]
    public void Submit_WhenTheOfficeClosedSubmissions_IsRefusedEvenWithinTheDates()
    {
        var cycle = CycleBuilder.Opened("weihai");
        var given = ApplicationBuilder.In(cycle).WithForm();
        cycle.With(new SubmissionsClosed(Dates.InWindow));

        Then.Refused(given.Decide(new Submit(), Applicant, Dates.InWindow), "application.window-closed", RefusalKind.Rule);
    }

    [Fact]
    public void Submit_AfterTheWindowWasExtended_IsAccepted()
    {
        var cycle = CycleBuilder.Opened("weihai");
        var given = ApplicationBuilder.In(cycle).WithForm();
        cycle.Then(new ExtendSubmissionWindow(new DateOnly(2026, 6, 30), "延长申报期"), Dates.InWindow);

        Then.Accepted(given.Decide(new Submit(), Applicant, Dates.At(2026, 6, 10)), typeof(ApplicationSubmitted), typeof(StageEntered));
    }

    [Fact]
    public void Submit_AnIncompleteForm_IsRefusedWithEveryMissingField()
    {
        var refusal = Then.Refused(Weihai().Drafted().Decide(new Submit(), Applicant, Dates.InWindow), "application.incomplete", RefusalKind.Invalid);

        var fields = refusal.Problems.Select(p => p.Field).ToList();
        Assert.Contains("name", fields);
        Assert.Contains("creditCode", fields);
        Assert.Contains("recommenderId", fields);
        Assert.Contains("documents.selfAssessmentReport", fields);
        Assert.Contains("declarations.no-major-incident", fields);
    }

    [Fact]
    public void Submit_UnderXinzhou_WithTooShortAnInternalPublicity_IsRefused()
    {
        // Xinzhou §13: at least 5 working days. 2026-03-02 (Mon) to 03-05 (Thu) is 4.
        var given = ApplicationBuilder.Under("xinzhou").WithForm(f => f with { InternalPublicityTo = new DateOnly(2026, 3, 5) });

        var refusal = Then.Refused(given.Decide(new Submit(), Applicant, Dates.InWindow), "application.incomplete", RefusalKind.Invalid);

        Assert.Equal("form.publicity-too-short", Assert.Single(refusal.Problems).Code);
    }

    [Fact]
    public void Submit_AWithdrawnDraft_IsRefused()
    {
        var given = Weihai().WithForm().Do(new Withdraw("不再申报"), Applicant, Dates.InWindow);

        Then.Refused(given.Decide(new Submit(), Applicant, Dates.InWindow), "application.not-a-draft", RefusalKind.Rule);
    }

    public static TheoryData<string, string, Func<ApplicationForm, ApplicationForm>, string?, string?> YearsOperating => new()
    {
        // Weihai §10(一): 5 years (inclusive).
        { "Weihai, exactly 5 years", "weihai", f => f with { FoundedOn = Forms.FoundedYearsBefore(5) }, null, null },
        { "Weihai, a day short of 5 years", "weihai", f => f with { FoundedOn = Forms.FoundedYearsBefore(5, 1) }, "eligibility.years-operating", null },
        // ... but 3 years for "four new" fields, flagged for the office to verify the field.
        { "Weihai four-new, 3 years", "weihai", f => f with { FoundedOn = Forms.FoundedYearsBefore(3), FourNewField = true }, null, "eligibility.four-new-claimed" },
        { "Weihai four-new, 2 years", "weihai", f => f with { FoundedOn = Forms.FoundedYearsBefore(2), FourNewField = true }, "eligibility.years-operating", null },
        // Jinan §10(一): 5 years.
        { "Jinan, 4 years", "jinan", f => f with { FoundedOn = Forms.FoundedYearsBefore(4) }, "eligibility.years-operating", null },
        { "Jinan, 5 years", "jinan", f => f with { FoundedOn = Forms.FoundedYearsBefore(5) }, null, null },
        // Benxi §11(二): 3 years.
        { "Benxi, 2 years", "benxi", f => f with { FoundedOn = Forms.FoundedYearsBefore(2) }, "eligibility.years-operating", null },
        // Xinzhou §9(一): 3 years, which the city government may waive.
        { "Xinzhou, 2 years", "xinzhou", f => f with { FoundedOn = Forms.FoundedYearsBefore(2) }, "eligibility.years-operating", null },
        { "Xinzhou, 2 years with the government's waiver", "xinzhou", f => f with { FoundedOn = Forms.FoundedYearsBefore(2), YearsWaiverReference = "忻政函〔2026〕5号" }, null, "eligibility.years-waived" },
        // Changde §8 sets no minimum.
        { "Changde, 1 year", "changde", f => f with { FoundedOn = Forms.FoundedYearsBefore(1) }, null, null },
    };

    [Theory]
    [MemberData(nameof(YearsOperating))]
    public void Submit_AnOrganisation_IsCheckedForYearsOperating(string why, string policyId, Func<ApplicationForm, ApplicationForm> form, string? refusal, string? flag)
    {
        var decision = ApplicationBuilder.Under(policyId).WithForm(form).Decide(new Submit(), Applicant, Dates.InWindow);

        if (refusal is not null)
        {
            Assert.Equal("foundedOn", Then.Refused(decision, refusal, RefusalKind.Rule, why).Field);
            return;
        }

        var submitted = Assert.IsType<ApplicationSubmitted>(Then.Accepted(decision, typeof(ApplicationSubmitted), typeof(StageEntered))[0]);
        var flags = submitted.Flags.Select(f => f.Code).Where(c => c != "eligibility.registration-area").ToList();
        Assert.Equal(flag is null ? [] : [flag], flags);
    }

    public static TheoryData<string, string, int, int, string?> YearsInQualityWork => new()
    {
        // Jinan §12(二): 10 years in Jinan; years elsewhere do not count.
        { "Jinan, 9 of 20 years in the city", "jinan", 20, 9, "eligibility.years-in-quality-work" },
        { "Jinan, 10 years in the city", "jinan", 10, 10, null },
        // Weihai §12(二): 10 years in Weihai.
        { "Weihai, 9 years in the city", "weihai", 9, 9, "eligibility.years-in-quality-work" },
        // Xinzhou §10(二): 3 years, anywhere.
        { "Xinzhou, 3 years elsewhere", "xinzhou", 3, 0, null },
        { "Xinzhou, 2 years", "xinzhou", 2, 2, "eligibility.years-in-quality-work" },
    };

    [Theory]
    [MemberData(nameof(YearsInQualityWork))]
    public void Submit_AnIndividual_IsCheckedForYearsInQualityWork(string why, string policyId, int total, int inCity, string? refusal)
    {
        var given = ApplicationBuilder.Under(policyId, ApplicantCategory.Individual)
            .WithForm(f => f with { YearsInQualityWork = total, YearsInQualityWorkInCity = inCity });

        var decision = given.Decide(new Submit(), Applicant, Dates.InWindow);

        if (refusal is null)
        {
            Then.Accepted(decision, typeof(ApplicationSubmitted), typeof(StageEntered));
        }
        else
        {
            Then.Refused(decision, refusal, RefusalKind.Rule, why);
        }
    }

    [Fact]
    public void Submit_ByAFormerWinnerUnderWeihai_IsRefused()
    {
        // Weihai §6: 已经获得市长质量奖的单位和个人不得重复申报.
        var history = new ApplicantHistory { Awards = [new PastAward { CycleId = "weihai-2024", Tier = AwardTier.Recognition, AwardedOn = new DateOnly(2024, 12, 1) }] };

        var decision = Weihai().WithForm().WithHistory(history).Decide(new Submit(), Applicant, Dates.InWindow);

        Assert.Contains("§6", Then.Refused(decision, "eligibility.already-awarded", RefusalKind.Rule).Zh);
    }

    [Fact]
    public void Submit_WhileBannedForFalseMaterials_IsRefused_WithEveryReasonInTheMessage()
    {
        // Changde §28: false materials bar an applicant for 5 years; a fraud ban runs alongside.
        var history = new ApplicantHistory
        {
            Bans =
            [
                new BanRecord { Reason = BanReason.FalseMaterials, StartsOn = new DateOnly(2024, 5, 1), Unit = BanUnit.Years, Length = 5, Article = "§28", Cause = "提供虚假材料" },
                new BanRecord { Reason = BanReason.Fraud, StartsOn = new DateOnly(2020, 5, 1), Unit = BanUnit.Years, Length = 10, Article = "§28", Cause = "以不正当手段获奖" },
            ],
        };

        var decision = Changde().WithForm().WithHistory(history).Decide(new Submit(), Applicant, Dates.InWindow);

        var refusal = Then.Refused(decision, "eligibility.banned", RefusalKind.Rule);
        Assert.Contains("提供虚假材料", refusal.Zh);
        Assert.Contains("以不正当手段获奖", refusal.Zh);
    }

    /// <summary>
    /// Any instant from two days before the window to two days after it: submission is accepted
    /// exactly from 00:00 on the opening day to the end of the closing day, Shanghai time.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 80)]
    public bool Submit_AtAnyInstant_IsAcceptedExactlyInsideTheShanghaiWindow(uint seed)
    {
        var from = Dates.At(2026, 2, 27, 0);
        var span = (long)(Dates.At(2026, 6, 3, 0) - from).TotalMinutes;
        var now = from.AddMinutes(seed % span).ToUniversalTime();
        var inside = now >= ShanghaiTime.StartOf(Dates.OpensOn) && now < ShanghaiTime.StartOf(Dates.ClosesOn.AddDays(1));

        var decision = Weihai().WithForm().Decide(new Submit(), Applicant, now);

        return inside
            ? !decision.IsRefused && decision.Events.OfType<ApplicationSubmitted>().Single().At == now
            : decision.Refusal?.Code is "application.window-not-open" or "application.window-closed";
    }
}
