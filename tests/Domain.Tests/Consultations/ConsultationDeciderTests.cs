using QualityAward.Domain.Calendar;
using QualityAward.Domain.Consultations;
using QualityAward.Domain.Policies;
using static QualityAward.Domain.Tests.TestDates;

namespace QualityAward.Domain.Tests.Consultations;

/// <summary>
/// Given events / when a command / then events or a refusal, for a consultation round.
/// Changde §13-14 asks five departments about every applicant (and 国防、国家安全 ones about flagged
/// applications only); Xinzhou §17 asks different departments for public bodies and enterprises.
/// The round here opens on Monday 2026-03-02, 09:00 Shanghai; 10 working days end on 2026-03-16.
/// </summary>
public class ConsultationDeciderTests
{
    private const string Id = "changde-2026-c3";
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly Actor Office = new("office-1", Roles.Office);

    private static readonly Department[] ChangdeFive =
        [Department.EcologyEnvironment, Department.HumanResourcesSocialSecurity, Department.Tax, Department.MarketRegulation, Department.EmergencyManagement];

    private static ConsultationContext At(DateTimeOffset now, Actor? actor = null) => new(now, WorkingDayCalendar.MainlandChina, actor ?? Office);

    private static (int Index, StageRule Stage) StageOf(string policy, int nth = 0)
    {
        var stages = PolicyPresets.Get(policy).Stages;
        var index = Enumerable.Range(0, stages.Count).Where(i => stages[i].Kind == StageKind.Consultation).ElementAt(nth);
        return (index, stages[index]);
    }

    private static ConsultationCandidate Enterprise(string id, bool flagged = false) => new(id, id + "公司", "91350100M000100Y43", ApplicantCategory.Organisation, Sector.Enterprise, flagged);

    private static ConsultationCandidate PublicBody(string id) => new(id, id + "局", "11430700000000000X", ApplicantCategory.Organisation, Sector.PublicBody, false);

    private static OpenConsultation OpenChangde(params ConsultationCandidate[] candidates)
    {
        var (index, stage) = StageOf("changde");
        return new OpenConsultation(Id, "changde-2026", index, stage, "常德市市长质量奖征求有关部门意见", candidates, 1);
    }

    private static ConsultationState Given(params IConsultationEvent[] events) => ConsultationState.Fold(events);

    private static ConsultationOpened Opened(params ConsultationCandidate[] candidates)
    {
        var decision = ConsultationDecider.Decide(OpenChangde(candidates), ConsultationState.Initial, At(Monday));
        Assert.False(decision.IsRefused, decision.ToString());
        return Assert.IsType<ConsultationOpened>(Assert.Single(decision.Events));
    }

    private static IReadOnlyList<ApplicantAnswer> Clean(params string[] ids) => ids.Select(i => new ApplicantAnswer(i, ConsultationVerdict.NoAdverseRecord, null)).ToList();

    [Fact]
    public void Open_Changde_AsksTheFiveDepartmentsOfArticle13_AboutEveryApplicant_AndSetsTheDeadlineOnTheCalendar()
    {
        var opened = Opened(Enterprise("app-a"), Enterprise("app-b"));

        Assert.Equal(ChangdeFive, opened.Departments.Select(d => d.Department));
        Assert.All(opened.Departments, d => Assert.Equal(["app-a", "app-b"], d.ApplicationIds));
        Assert.Equal(D("2026-03-16"), opened.ReplyBy);           // 10 working days after Monday 2 March
        Assert.Equal(new DateTimeOffset(2026, 3, 17, 0, 0, 0, TimeSpan.FromHours(8)), opened.DueAt);
        Assert.Equal(D("2026-03-13"), opened.RemindOn);          // one working day before
        Assert.Equal("§13-14", opened.Article);
    }

    [Fact]
    public void Open_Changde_AsksDefenceAndSecurityAboutFlaggedApplicationsOnly()
    {
        var opened = Opened(Enterprise("app-a"), Enterprise("app-b", flagged: true));

        var defence = Assert.Single(opened.Departments, d => d.Department == Department.DefenceSecurity); // §14 在适当范围内
        Assert.Equal(["app-b"], defence.ApplicationIds);
    }

    [Theory]
    // Xinzhou §17 机关事业单位及其工作人员: 公安、纪检监察、组织人事
    [InlineData(Sector.PublicBody, new[] { Department.PublicSecurity, Department.DisciplineInspection, Department.OrganisationPersonnel })]
    // Xinzhou §17 企业及其负责人: 公安、人社、生态环境、应急管理、税务
    [InlineData(Sector.Enterprise, new[] { Department.PublicSecurity, Department.HumanResourcesSocialSecurity, Department.EcologyEnvironment, Department.EmergencyManagement, Department.Tax })]
    public void Open_Xinzhou17_SplitsTheDepartmentsBySector(Sector sector, Department[] expected)
    {
        var (index, stage) = StageOf("xinzhou", nth: 1);
        var candidate = sector == Sector.PublicBody ? PublicBody("app-x") : Enterprise("app-x");
        var other = sector == Sector.PublicBody ? Enterprise("app-y") : PublicBody("app-y");
        var decision = ConsultationDecider.Decide(new OpenConsultation("xinzhou-2026-c9", "xinzhou-2026", index, stage, "征求意见", [candidate, other], 1), ConsultationState.Initial, At(Monday));

        var opened = Assert.IsType<ConsultationOpened>(Assert.Single(decision.Events));
        var askedAboutX = opened.Departments.Where(d => d.ApplicationIds.Contains("app-x")).Select(d => d.Department).Order();
        Assert.Equal(expected.Order(), askedAboutX);
    }

    [Theory]
    // No applicant at the stage: nothing to ask.
    [InlineData("empty", "consultation.empty")]
    // A reply deadline in a year the calendar lacks (2027 is not loaded): refused, naming the year.
    [InlineData("year-missing", "calendar.year-missing")]
    // A reviewer cannot open a round.
    [InlineData("reviewer", "consultation.office-only")]
    public void Open_IsRefused(string situation, string code)
    {
        var command = situation == "empty" ? OpenChangde() : OpenChangde(Enterprise("app-a"));
        var now = situation == "year-missing" ? new DateTimeOffset(2026, 12, 24, 9, 0, 0, TimeSpan.FromHours(8)) : Monday;
        var actor = situation == "reviewer" ? new Actor("r", Roles.Reviewer) : Office;

        var decision = ConsultationDecider.Decide(command, ConsultationState.Initial, At(now, actor));

        Assert.Equal(code, decision.Refusal?.Code);
    }

    [Fact]
    public void Open_Again_ForTheSameApplications_ChangesNothing_ButADifferentListIsRefused()
    {
        var state = Given(Opened(Enterprise("app-a")));

        Assert.Empty(ConsultationDecider.Decide(OpenChangde(Enterprise("app-a")), state, At(Monday)).Events);
        Assert.Equal("consultation.exists", ConsultationDecider.Decide(OpenChangde(Enterprise("app-a"), Enterprise("app-b")), state, At(Monday)).Refusal?.Code);
    }

    [Fact]
    public void Answer_IsRecorded_AndTheLastDepartmentClosesTheRound()
    {
        var opened = Opened(Enterprise("app-a"));
        var history = new List<IConsultationEvent> { opened };
        foreach (var department in ChangdeFive[..^1])
        {
            var d = ConsultationDecider.Decide(new SubmitAnswers(department, Clean("app-a"), "王科长"), Given([.. history]), At(Monday.AddDays(1)));
            history.Add(Assert.IsType<DepartmentAnswered>(Assert.Single(d.Events)));
        }

        var adverse = new ApplicantAnswer("app-a", ConsultationVerdict.AdverseRecord, "  2025年因安全生产违法被处罚款。 ");
        var last = ConsultationDecider.Decide(new SubmitAnswers(ChangdeFive[^1], [adverse], null), Given([.. history]), At(Monday.AddDays(2)));

        Assert.Collection(
            last.Events,
            e => Assert.Equal("2025年因安全生产违法被处罚款。", Assert.IsType<DepartmentAnswered>(e).Answers.Single().Details),
            e => Assert.IsType<ConsultationClosed>(e));
    }

    public static TheoryData<string, Department, IReadOnlyList<ApplicantAnswer>, string> RefusedAnswers => new()
    {
        // The answer is final: the same department cannot answer twice.
        { "answered", Department.Tax, Clean("app-a", "app-b"), "consultation.already-answered" },
        // Xinzhou's public-body departments are not asked in Changde.
        { "fresh", Department.DisciplineInspection, Clean("app-a", "app-b"), "consultation.department-not-asked" },
        // Every applicant it was asked about needs an answer.
        { "fresh", Department.Tax, Clean("app-a"), "consultation.answer-missing" },
        // An adverse record needs its details.
        { "fresh", Department.Tax, [new ApplicantAnswer("app-a", ConsultationVerdict.AdverseRecord, " "), .. Clean("app-b")], "consultation.details-missing" },
        // Nothing about applicants the department was not asked about.
        { "fresh", Department.Tax, Clean("app-a", "app-b", "app-z"), "consultation.applicant-not-asked" },
    };

    [Theory]
    [MemberData(nameof(RefusedAnswers))]
    public void Answer_IsRefused(string given, Department department, IReadOnlyList<ApplicantAnswer> answers, string code)
    {
        var opened = Opened(Enterprise("app-a"), Enterprise("app-b"));
        var state = given == "answered"
            ? Given(opened, new DepartmentAnswered(Department.Tax, Clean("app-a", "app-b"), null, Monday.AddHours(1)))
            : Given(opened);

        var decision = ConsultationDecider.Decide(new SubmitAnswers(department, answers, null), state, At(Monday.AddHours(2)));

        Assert.Equal(code, decision.Refusal?.Code);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Reminder_GoesOnItsDayToTheDepartmentsStillWaiting_Once()
    {
        var opened = Opened(Enterprise("app-a"));
        var state = Given(opened, new DepartmentAnswered(Department.Tax, Clean("app-a"), null, Monday.AddHours(1)));

        Assert.Equal("consultation.reminder-early", ConsultationDecider.Decide(new SendReminder(), state, At(Monday.AddDays(3))).Refusal?.Code);
        var reminder = Assert.IsType<ReminderSent>(Assert.Single(ConsultationDecider.Decide(new SendReminder(), state, At(new DateTimeOffset(2026, 3, 13, 9, 0, 0, TimeSpan.FromHours(8)))).Events));
        Assert.Equal(ChangdeFive.Where(d => d != Department.Tax), reminder.Departments);
        Assert.Empty(ConsultationDecider.Decide(new SendReminder(), Given(opened, new DepartmentAnswered(Department.Tax, Clean("app-a"), null, Monday), reminder), At(new DateTimeOffset(2026, 3, 13, 10, 0, 0, TimeSpan.FromHours(8)))).Events);
    }

    [Fact]
    public void Overdue_IsRecordedAfterTheLastDay_ForTheDepartmentsThatDidNotAnswer()
    {
        var opened = Opened(Enterprise("app-a"));
        var state = Given(opened, new DepartmentAnswered(Department.Tax, Clean("app-a"), null, Monday.AddHours(1)));

        // 23:59 on the last day is still within the period.
        Assert.Equal("consultation.not-due", ConsultationDecider.Decide(new MarkOverdue(), state, At(new DateTimeOffset(2026, 3, 16, 23, 59, 0, TimeSpan.FromHours(8)))).Refusal?.Code);
        var overdue = Assert.IsType<ReplyOverdue>(Assert.Single(ConsultationDecider.Decide(new MarkOverdue(), state, At(opened.DueAt)).Events));
        Assert.DoesNotContain(Department.Tax, overdue.Departments);
        Assert.Equal(4, overdue.Departments.Count);

        // A late answer is still taken: the deadline escalates, it does not shut the department out.
        var late = ConsultationDecider.Decide(new SubmitAnswers(Department.MarketRegulation, Clean("app-a"), null), Given(opened, overdue), At(opened.DueAt.AddDays(1)));
        Assert.IsType<DepartmentAnswered>(Assert.Single(late.Events));
    }

    [Theory]
    [InlineData("changde-2026-c3", true)]
    [InlineData("changde-2026-c3-2", true)]
    [InlineData("changde-2026-c3-20", true)]
    [InlineData("changde-2026-c3-1", false)]
    [InlineData("changde-2026-c3-21", false)]
    [InlineData("changde-2026-c3-02", false)]
    [InlineData("changde-2026-c", false)]
    public void RoundIds_AreTheFirstRoundOrASupplementaryOneUpToTheLimit(string id, bool valid)
    {
        Assert.Equal(valid, ConsultationIds.Parse(id) is not null);
    }

    [Fact]
    public void SupplementaryRoundIds_CountFromTwo()
    {
        Assert.Equal("changde-2026-c3", ConsultationIds.For("changde-2026", 3, 1));
        Assert.Equal("changde-2026-c3-2", ConsultationIds.For("changde-2026", 3, 2));
        Assert.NotNull(ConsultationIds.Parse(ConsultationIds.For("changde-2026", 3, ConsultationIds.MaxRoundsPerStage)));
    }

    [Fact]
    public void CloseWithoutAnswers_OnlyAfterTheDeadlineIsRecorded_ByTheOffice_WithAReason_AndThenTheLinkIsShut()
    {
        var opened = Opened(Enterprise("app-a"));
        var answered = new DepartmentAnswered(Department.Tax, Clean("app-a"), null, Monday.AddHours(1));
        var beforeOverdue = Given(opened, answered);
        var after = opened.DueAt.AddHours(1);

        // Within the period, or past it before the deadline timer has recorded who is late: no.
        Assert.Equal("consultation.not-overdue", ConsultationDecider.Decide(new CloseWithoutAnswers("逾期"), beforeOverdue, At(Monday.AddDays(3))).Refusal?.Code);
        Assert.Equal("consultation.not-overdue", ConsultationDecider.Decide(new CloseWithoutAnswers("逾期"), beforeOverdue, At(after)).Refusal?.Code);

        var overdue = Assert.IsType<ReplyOverdue>(Assert.Single(ConsultationDecider.Decide(new MarkOverdue(), beforeOverdue, At(opened.DueAt)).Events));
        var state = Given(opened, answered, overdue);
        Assert.Equal("consultation.office-only", ConsultationDecider.Decide(new CloseWithoutAnswers("逾期"), state, At(after, new Actor("dept", "department"))).Refusal?.Code);
        Assert.Equal("reason.missing", ConsultationDecider.Decide(new CloseWithoutAnswers("  "), state, At(after)).Refusal?.Code);
        Assert.Equal("reason.too-long", ConsultationDecider.Decide(new CloseWithoutAnswers(new string('理', ConsultationDecider.MaxCloseReasonLength + 1)), state, At(after)).Refusal?.Code);

        var closing = ConsultationDecider.Decide(new CloseWithoutAnswers(" 逾期五个工作日未答复，经主任批准结束。 "), state, At(after));
        var without = Assert.IsType<ConsultationClosedWithoutAnswers>(closing.Events[0]);
        Assert.IsType<ConsultationClosed>(closing.Events[1]);
        Assert.Equal(ChangdeFive.Where(d => d != Department.Tax), without.Unanswered);
        Assert.Equal("逾期五个工作日未答复，经主任批准结束。", without.Reason);

        var closed = Given([opened, answered, overdue, .. closing.Events]);
        Assert.True(closed.IsClosed);
        Assert.Equal("consultation.closed", ConsultationDecider.Decide(new CloseWithoutAnswers("again"), closed, At(after)).Refusal?.Code);
        Assert.Equal("consultation.closed", ConsultationDecider.Decide(new SubmitAnswers(Department.MarketRegulation, Clean("app-a"), null), closed, At(after)).Refusal?.Code);
        Assert.Equal("consultation.already-answered", ConsultationDecider.PermAnswer(closed, Department.Tax)?.Code);
        Assert.Empty(ConsultationDecider.Decide(new SendReminder(), closed, At(after)).Events);
        Assert.Empty(ConsultationDecider.Decide(new MarkOverdue(), closed, At(after)).Events);
    }

    [Theory]
    // The open record, with a reason: the office may uphold it.
    [InlineData("changde-2026-c3", Department.Tax, "经核实属实", null)]
    // Another department's record is not open.
    [InlineData("changde-2026-c3", Department.EcologyEnvironment, "经核实属实", "consultation.no-open-record")]
    // Another round's record is not open.
    [InlineData("changde-2026-c9", Department.Tax, "经核实属实", "consultation.no-open-record")]
    // A decision that ends an application needs its reason.
    [InlineData("changde-2026-c3", Department.Tax, " ", "reason.missing")]
    public void Uphold_NeedsTheOpenRecordAndAReason(string consultationId, Department department, string reason, string? code)
    {
        var reported = new QualityAward.Domain.Applications.AdverseRecordReported(Id, Department.Tax, "欠税", Monday);
        var app = QualityAward.Domain.Applications.ApplicationState.Initial with { Status = QualityAward.Domain.Applications.ApplicationStatus.InProcess, OpenAdverseRecords = [reported], AdverseRecords = [reported] };

        Assert.Equal(code, AdverseRecordRules.PermUphold(app, consultationId, department, reason)?.Code);
    }

    [Fact]
    public void WorkingDaysBefore_SkipsTheWeekend()
    {
        // Monday 2026-03-16, one working day before: Friday 13 March.
        Assert.Equal(D("2026-03-13"), ConsultationDecider.WorkingDaysBefore(WorkingDayCalendar.MainlandChina, D("2026-03-16"), 1).Value);
        Assert.Equal(D("2026-03-16"), ConsultationDecider.WorkingDaysBefore(WorkingDayCalendar.MainlandChina, D("2026-03-16"), 0).Value);
    }
}
