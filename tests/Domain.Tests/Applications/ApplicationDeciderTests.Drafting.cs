using QualityAward.Domain.Applications;
using QualityAward.Domain.Calendar;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Applications;

public partial class ApplicationDeciderTests
{
    [Fact]
    public void CreateDraft_InTheWindow_RecordsTheOwnerAndCategory()
    {
        var decision = Weihai().Decide(new CreateDraft(ApplicationBuilder.Id, ApplicantCategory.Individual), Applicant, Dates.InWindow);

        var drafted = Then.Single<ApplicationDrafted, IApplicationEvent>(decision);
        Assert.Equal((ApplicationBuilder.Id, "weihai-2026", ApplicantCategory.Individual, "applicant-1", Dates.InWindow),
            (drafted.ApplicationId, drafted.CycleId, drafted.Category, drafted.OwnerSubject, drafted.At));
        Assert.Equal(ApplicationStatus.Draft, ApplicationState.Fold([drafted]).Status);
    }

    [Fact]
    public void CreateDraft_Again_ByTheSameOwner_DoesNothing()
    {
        Then.Nothing(Weihai().Drafted().Decide(new CreateDraft(ApplicationBuilder.Id, ApplicantCategory.Organisation), Applicant, Dates.InWindow));
    }

    [Fact]
    public void CreateDraft_InACycleThatDoesNotExist_IsNotFound()
    {
        var context = new ApplicationContext(CycleState.Initial, WorkingDayCalendar.MainlandChina, ApplicantHistory.Empty, Applicant, Dates.InWindow);

        var decision = ApplicationDecider.Decide(new CreateDraft(ApplicationBuilder.Id, ApplicantCategory.Organisation), ApplicationState.Initial, context);

        Then.Refused(decision, "cycle.not-found", RefusalKind.NotFound);
    }

    public static TheoryData<string, Case, string, RefusalKind> RefusedDrafts => new()
    {
        // Another applicant cannot take over an id that is in use.
        { "id taken", new(() => Weihai().Drafted(), new CreateDraft(ApplicationBuilder.Id, ApplicantCategory.Organisation), Actors.OtherApplicant, Dates.InWindow), "application.exists", RefusalKind.Rule },
        { "office creates", new(() => Weihai(), new CreateDraft(ApplicationBuilder.Id, ApplicantCategory.Organisation), Office, Dates.InWindow), "application.applicants-only", RefusalKind.Forbidden },
        { "id without app- prefix", new(() => Weihai(), new CreateDraft("draft-1", ApplicantCategory.Organisation), Applicant, Dates.InWindow), "applicationId.malformed", RefusalKind.Invalid },
        { "id with capitals", new(() => Weihai(), new CreateDraft("APP-1", ApplicantCategory.Organisation), Applicant, Dates.InWindow), "applicationId.malformed", RefusalKind.Invalid },
        { "id missing", new(() => Weihai(), new CreateDraft("", ApplicantCategory.Organisation), Applicant, Dates.InWindow), "applicationId.missing", RefusalKind.Invalid },
        // Out of window: the window of 31 May closed at 00:00 on 1 June.
        { "after the window", new(() => Weihai(), new CreateDraft(ApplicationBuilder.Id, ApplicantCategory.Organisation), Applicant, Dates.WindowClosed), "application.window-closed", RefusalKind.Rule },
        { "after the office closed submissions", new(() => ApplicationBuilder.In(CycleBuilder.Opened("weihai").SubmissionsClosed()), new CreateDraft(ApplicationBuilder.Id, ApplicantCategory.Organisation), Applicant, Dates.InWindow), "application.window-closed", RefusalKind.Rule },
        // Benxi §2 awards organisations only.
        { "individual under Benxi", new(() => ApplicationBuilder.Under("benxi"), new CreateDraft(ApplicationBuilder.Id, ApplicantCategory.Individual), Applicant, Dates.InWindow), "application.category-not-accepted", RefusalKind.Rule },
    };

    [Theory]
    [MemberData(nameof(RefusedDrafts))]
    public void CreateDraft_WhenNotAllowed_IsRefused(string why, Case row, string code, RefusalKind kind)
    {
        Then.Refused(row.Run(), code, kind, why);
    }

    [Fact]
    public void SaveDraft_RecordsTheForm_AndSavingItUnchangedDoesNothing()
    {
        var given = Weihai().Drafted();
        var form = Forms.Valid(given.Policy, ApplicantCategory.Organisation);

        var saved = Then.Single<DraftSaved, IApplicationEvent>(given.Decide(new SaveDraft(form), Applicant, Dates.InWindow));
        Assert.Equal(form, saved.Form);

        given.With(saved);
        Then.Nothing(given.Decide(new SaveDraft(form), Applicant, Dates.InWindow));
    }

    [Fact]
    public void SaveDraft_WithMalformedFields_IsRefusedWithEveryProblem()
    {
        var form = new ApplicationForm { Name = "示例\u202E公司", YearsInQualityWork = 81 };

        var refusal = Then.Refused(Weihai().Drafted().Decide(new SaveDraft(form), Applicant, Dates.InWindow), "application.form-invalid", RefusalKind.Invalid);

        Assert.Equal(
            [("name", "form.control-characters"), ("yearsInQualityWork", "form.out-of-range")],
            refusal.Problems.Select(p => (p.Field, p.Code)));
    }

    [Fact]
    public void AttachDocument_RecordsTheFile_AndAttachingItAgainDoesNothing()
    {
        var given = Weihai().Drafted();

        var attached = Then.Single<DocumentAttached, IApplicationEvent>(given.Decide(new AttachDocument(Forms.SelfAssessment), Applicant, Dates.InWindow));
        Assert.Equal("doc-self-assessment", attached.Document.DocumentId);

        given.With(attached);
        Then.Nothing(given.Decide(new AttachDocument(Forms.SelfAssessment), Applicant, Dates.InWindow));
    }

    [Fact]
    public void RemoveDocument_OfTheDraft_RecordsTheRemoval()
    {
        var given = Weihai().WithForm();

        var removed = Then.Single<DocumentRemoved, IApplicationEvent>(given.Decide(new RemoveDocument("doc-self-assessment"), Applicant, Dates.InWindow));

        Assert.Empty(ApplicationState.Fold([.. given.Events, removed]).Documents);
    }

    public static TheoryData<string, Case, string, RefusalKind> RefusedEdits => new()
    {
        // Not the owner: answered as if the application did not exist.
        { "another applicant saves", new(() => Weihai().Drafted(), new SaveDraft(new ApplicationForm()), Actors.OtherApplicant, Dates.InWindow), "application.not-found", RefusalKind.NotFound },
        { "no such application", new(() => Weihai(), new SaveDraft(new ApplicationForm()), Applicant, Dates.InWindow), "application.not-found", RefusalKind.NotFound },
        { "the office edits the form", new(() => Weihai().Drafted(), new SaveDraft(new ApplicationForm()), Office, Dates.InWindow), "application.not-found", RefusalKind.NotFound },
        { "save after submission", new(() => Weihai().Submitted(), new SaveDraft(new ApplicationForm()), Applicant, Dates.InWindow), "application.not-a-draft", RefusalKind.Rule },
        { "save after the window", new(() => Weihai().Drafted(), new SaveDraft(new ApplicationForm { Name = "新名称" }), Applicant, Dates.WindowClosed), "application.window-closed", RefusalKind.Rule },
        { "attach after submission", new(() => Weihai().Submitted(), new AttachDocument(Forms.Document("doc-late")), Applicant, Dates.InWindow), "application.not-a-draft", RefusalKind.Rule },
        { "attach after the window", new(() => Weihai().Drafted(), new AttachDocument(Forms.Document("doc-late")), Applicant, Dates.WindowClosed), "application.window-closed", RefusalKind.Rule },
        {
            "attach a 201st file",
            new(() => Weihai().Drafted().With([.. Enumerable.Range(1, ApplicationDecider.MaxDocuments).Select(i => new DocumentAttached(Forms.Document($"doc-{i}"), Dates.InWindow))]),
                new AttachDocument(Forms.Document("doc-extra")), Applicant, Dates.InWindow),
            "application.too-many-documents", RefusalKind.Rule
        },
        { "remove a file never attached", new(() => Weihai().Drafted(), new RemoveDocument("doc-nope"), Applicant, Dates.InWindow), "document.not-found", RefusalKind.NotFound },
        { "remove after submission", new(() => Weihai().Submitted(), new RemoveDocument("doc-self-assessment"), Applicant, Dates.InWindow), "application.not-a-draft", RefusalKind.Rule },
    };

    [Theory]
    [MemberData(nameof(RefusedEdits))]
    public void EditingTheDraft_WhenNotAllowed_IsRefused(string why, Case row, string code, RefusalKind kind)
    {
        Then.Refused(row.Run(), code, kind, why);
    }
}
