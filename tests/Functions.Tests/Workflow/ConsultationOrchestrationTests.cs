using Microsoft.DurableTask;
using Moq;
using QualityAward.Functions.Consultations;
using QualityAward.Functions.Notices;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Tests.Durable;

/// <summary>
/// The consultation orchestrator's branches, one generation at a time, on a Moq
/// <see cref="TaskOrchestrationContext"/>: Changde's round changde-2026-c3, opened Monday 2
/// March 2026, reminder on Friday 13 March at 09:00, deadline at midnight after Monday 16 March.
/// </summary>
public sealed class ConsultationOrchestrationTests
{
    private const string Round = "changde-2026-c3";
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private static readonly DateTimeOffset RemindAt = new(2026, 3, 13, 9, 0, 0, Shanghai);
    private static readonly DateTimeOffset DueAt = new(2026, 3, 17, 0, 0, 0, Shanghai);
    private static readonly ConsultationWork Work = new(Round, "changde-2026");
    private static readonly string[] Departments = ["EcologyEnvironment", "HumanResourcesSocialSecurity", "Tax", "MarketRegulation", "EmergencyManagement"];

    private static RoundStanding Open(int waiting = 5, bool toRemind = true, bool toMarkOverdue = true, params StepRefusal[] mailProblems) =>
        new(false, RemindAt, DueAt, toRemind, toMarkOverdue, waiting, mailProblems);

    private static RoundStanding Closed() => new(true, RemindAt, DueAt, false, false, 0, []);

    private static IReadOnlyList<MailStep> Requests() => Departments.Select(d => new MailStep(Round, "request", d)).ToList();

    private static MailOutcome Sent(object? mail) => new(((MailStep)mail!).Key, "sent", null);

    private static OrchestrationScript Script(DateTimeOffset now, RoundStanding round, IReadOnlyList<MailStep>? owed = null) =>
        new OrchestrationScript(now)
            .Activity(ConsultationSteps.ReadRound, _ => round)
            .Activity(ConsultationSteps.OwedMails, _ => owed ?? [])
            .Activity(ConsultationSteps.SendMail, Sent)
            .Activity<IReadOnlyList<StepRefusal>>(ConsultationSteps.RecordAnswers, _ => [])
            .Activity<StepRefusal?>(ConsultationSteps.Remind, _ => null)
            .Activity<StepRefusal?>(ConsultationSteps.RecordOverdue, _ => null)
            .Activity(ConsultationSteps.Conclude, _ => new ConcludeOutcome([], []));

    private static async Task<ConsultationOutcome?> RunAsync(OrchestrationScript script) =>
        await new ConsultationOrchestration().RunAsync(script.Context.Object, Work);

    [Fact]
    public async Task Opened_MailsEveryDepartment_ThenTheTimerWins_AndItLooksAgainAtTheReminderTime()
    {
        var now = new DateTimeOffset(2026, 3, 13, 7, 0, 0, Shanghai);
        var script = Script(now, Open(), Requests()).TimerFires();

        Assert.Null(await RunAsync(script));

        Assert.Equal(
            new[] { $"{ConsultationSteps.ReadRound}({Round})", $"{ConsultationSteps.OwedMails}({Round})" }
                .Concat(Requests().Select(m => $"{ConsultationSteps.SendMail}({m})"))
                .Append($"{ConsultationSteps.RecordAnswers}({Round})"),
            script.ActivitiesCalled);
        Assert.Contains("timer +02:00:00", script.Calls);
        Assert.Equal("continue-as-new", script.Calls[^1]);
        Assert.Same(Work, script.ContinuedWith);
        Assert.Equal("department-answers", script.Status.Code);
        Assert.Equal(DueAt, script.Status.Until);
        Assert.Null(script.Status.Problem);
        Assert.Equal(1, script.Status.Seen);
    }

    [Fact]
    public async Task AReplyArrives_TheWaitEndsAtOnce_AndTheNextGenerationReadsTheClosedRound_ConcludesAndEnds()
    {
        // Waiting for answers: the department's POST raises Changed before the timer is due.
        var now = new DateTimeOffset(2026, 3, 4, 10, 0, 0, Shanghai);
        var waiting = Script(now, Open(waiting: 1)).EventArrives(Orchestrations.Changed, "answered");
        Assert.Null(await RunAsync(waiting));
        Assert.Equal("continue-as-new", waiting.Calls[^1]);
        Assert.Contains("timer +06:00:00", waiting.Calls);
        Assert.DoesNotContain($"{ConsultationSteps.Conclude}({Round})", waiting.ActivitiesCalled);

        // The next generation reads the answer from the record: the last one closed the round.
        var next = Script(now, Closed());
        var outcome = await RunAsync(next);

        Assert.NotNull(outcome);
        Assert.Empty(outcome.Problems);
        Assert.Equal([$"{ConsultationSteps.ReadRound}({Round})", $"{ConsultationSteps.OwedMails}({Round})", $"{ConsultationSteps.RecordAnswers}({Round})", $"{ConsultationSteps.Conclude}({Round})"], next.ActivitiesCalled);
        Assert.DoesNotContain(next.Calls, c => c.StartsWith("timer", StringComparison.Ordinal) || c == "continue-as-new");
        Assert.Equal("closed", next.Status.Code);
    }

    [Fact]
    public async Task AMailWhoseRetriesRunOut_IsRecordedForTheOffice_AndTheOtherDepartmentsAreStillMailed()
    {
        var now = new DateTimeOffset(2026, 3, 2, 9, 0, 5, Shanghai);
        var script = Script(now, Open(), Requests())
            .FailingActivity(ConsultationSteps.SendMail, mail => ((MailStep)mail!).Department == "Tax", Sent)
            .Activity(ConsultationSteps.GiveUpMail, mail => new MailOutcome(((MailStep)mail!).Key, "failed", new StepRefusal("request-Tax", "mail.not-sent", "发给常德市税务局的邮件未能发出：多次重试后邮件服务仍未接收，邮件未发出；请稍后重发。", "The mail to Tax was not sent.")))
            .TimerFires();

        Assert.Null(await RunAsync(script));

        Assert.Equal(5, script.ActivitiesCalled.Count(c => c.StartsWith(ConsultationSteps.SendMail, StringComparison.Ordinal)));
        Assert.Equal([$"{ConsultationSteps.GiveUpMail}({new MailStep(Round, "request", "Tax")})"], script.ActivitiesCalled.Where(c => c.StartsWith(ConsultationSteps.GiveUpMail, StringComparison.Ordinal)));
        Assert.Equal("department-answers", script.Status.Code);
        Assert.Equal("mail.not-sent", script.Status.Problem);
        Assert.Contains("常德市税务局", script.Status.ProblemZh);
        Assert.DoesNotContain("Graph", script.Status.ProblemZh);
    }

    [Fact]
    public async Task ReminderTime_RecordsTheReminder_ThenSendsOnlyTheMailsOwed_ToTheDepartmentsStillWaiting()
    {
        // Before 09:00 on the reminder day: no reminder.
        var early = Script(RemindAt.AddMinutes(-1), Open(waiting: 4)).TimerFires();
        await RunAsync(early);
        Assert.DoesNotContain(early.ActivitiesCalled, c => c.StartsWith(ConsultationSteps.Remind, StringComparison.Ordinal));
        Assert.Contains("timer +00:01:00", early.Calls);

        // At 09:00 the reminder is recorded (the decider names the departments still waiting), and
        // the mails the record then owes — reminders to those four, not to tax, which answered — go out.
        var stillWaiting = Departments.Where(d => d != "Tax").Select(d => new MailStep(Round, "reminder", d)).ToList();
        var due = Script(RemindAt.AddSeconds(1), Open(waiting: 4), stillWaiting).TimerFires();
        await RunAsync(due);

        Assert.Equal(
            new[] { $"{ConsultationSteps.ReadRound}({Round})", $"{ConsultationSteps.Remind}({Round})", $"{ConsultationSteps.OwedMails}({Round})" }
                .Concat(stillWaiting.Select(m => $"{ConsultationSteps.SendMail}({m})"))
                .Append($"{ConsultationSteps.RecordAnswers}({Round})"),
            due.ActivitiesCalled);
        Assert.DoesNotContain(due.ActivitiesCalled, c => c.Contains("Tax", StringComparison.Ordinal));

        // Reminded already: the next generation records nothing more and waits for the deadline.
        var after = Script(RemindAt.AddHours(1), Open(waiting: 4, toRemind: false)).TimerFires();
        await RunAsync(after);
        Assert.DoesNotContain(after.ActivitiesCalled, c => c.StartsWith(ConsultationSteps.Remind, StringComparison.Ordinal));
        Assert.Contains("timer +06:00:00", after.Calls);
    }

    [Fact]
    public async Task AtTheDeadline_TheLateDepartmentsAreRecorded_AndTheOfficeIsMailed_ThenItWaitsForTheOffice()
    {
        var script = Script(DueAt.AddSeconds(1), Open(waiting: 4, toRemind: false), [new MailStep(Round, "overdue", null)]).TimerFires();

        await RunAsync(script);

        Assert.Equal(
            [$"{ConsultationSteps.ReadRound}({Round})", $"{ConsultationSteps.RecordOverdue}({Round})", $"{ConsultationSteps.OwedMails}({Round})", $"{ConsultationSteps.SendMail}({new MailStep(Round, "overdue", null)})", $"{ConsultationSteps.RecordAnswers}({Round})"],
            script.ActivitiesCalled);
        Assert.Equal("overdue", script.Status.Code);
        Assert.Contains("timer +06:00:00", script.Calls);
    }

    [Fact]
    public async Task ClosedWithAnAdverseRecordOpen_WaitsForTheOfficesDecision_AndShowsARefusedStep()
    {
        var script = Script(DueAt.AddDays(2), Closed())
            .Activity<IReadOnlyList<StepRefusal>>(ConsultationSteps.RecordAnswers, _ => [new StepRefusal("app-b", "application.not-submitted", "申报尚未提交。", "Not submitted.")])
            .Activity(ConsultationSteps.Conclude, _ => new ConcludeOutcome(["app-a"], []))
            .EventArrives(Orchestrations.Changed, "adverse-record-dismissed");

        Assert.Null(await RunAsync(script));

        Assert.Equal("adverse-records", script.Status.Code);
        Assert.Equal("application.not-submitted", script.Status.Problem);
        Assert.Equal("申报尚未提交。", script.Status.ProblemZh);
        Assert.Equal("continue-as-new", script.Calls[^1]);
    }

    [Fact]
    public async Task MailRetryHandler_WaitsGraphsRetryAfterWithADurableTimer_AndStopsAfterTheLastAttempt()
    {
        var handler = ConsultationOrchestration.MailRetries.Retry!.Handler!;
        var script = new OrchestrationScript(DateTimeOffset.UnixEpoch).TimerFires();
        var throttled = TaskFailureDetails.FromException(new MailDeferredException("changde-2026-c3/request-Tax", TimeSpan.FromSeconds(30)));

        Assert.True(await handler(new RetryContext(script.Context.Object, 1, throttled, TimeSpan.Zero, CancellationToken.None)));
        Assert.Equal(["timer +00:00:30"], script.Calls);

        // A failure that is not Graph's (storage): the handler's own backoff.
        var other = TaskFailureDetails.FromException(new InvalidOperationException("table unavailable"));
        Assert.True(await handler(new RetryContext(script.Context.Object, 3, other, TimeSpan.Zero, CancellationToken.None)));
        Assert.Equal("timer +00:00:08", script.Calls[^1]);

        // The last attempt failed: no more waiting; the orchestrator records the mail for the office.
        Assert.False(await handler(new RetryContext(script.Context.Object, ConsultationOrchestration.MaxMailAttempts, throttled, TimeSpan.Zero, CancellationToken.None)));
        Assert.Equal(2, script.Calls.Count);
    }
}
