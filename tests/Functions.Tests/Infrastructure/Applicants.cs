using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Functions.Applications;

namespace QualityAward.Functions.Tests.Infrastructure;

/// <summary>Walks an applicant through the API to a submitted application.</summary>
public static class Applicants
{
    /// <summary>Draft, fill the Weihai form, attach a self-assessment report, submit. Returns the application id.</summary>
    public static Task<string> SubmitWeihaiAsync(TestApp app, HttpClient applicant, string subject, string name = "威海精工机械有限公司", string creditCode = "91350100M000100Y43") =>
        SubmitAsync(app, applicant, subject, "weihai-2026", Forms.WeihaiOrganisation(name, creditCode));

    /// <summary>Draft an organisation's application in a cycle, save the form, attach a report, submit.</summary>
    public static async Task<string> SubmitAsync(TestApp app, HttpClient applicant, string subject, string cycleId, object form)
    {
        var created = await (await applicant.PostJsonAsync($"/api/cycles/{cycleId}/applications", new { category = "organisation" })).ExpectAsync(201);
        var id = created.Str("applicationId");
        await (await applicant.PutJsonAsync($"/api/applications/{id}/form", form)).ExpectAsync(200);
        await AttachReportAsync(app, id, subject);
        await (await applicant.PostAsync($"/api/applications/{id}/submit", null)).ExpectAsync(200);
        return id;
    }

    /// <summary>
    /// Records a verified self-assessment report on the draft through the same command the upload
    /// endpoint issues once it has stored and checked a file (the upload itself is tested apart).
    /// </summary>
    public static async Task AttachReportAsync(TestApp app, string applicationId, string subject)
    {
        var document = new DocumentRef
        {
            DocumentId = "doc-" + Guid.NewGuid().ToString("N"),
            Kind = DocumentKind.SelfAssessmentReport,
            OriginalName = "自我评价报告.pdf",
            SafeName = "自我评价报告.pdf",
            ContentType = "application/pdf",
            Size = 1024,
            Sha256 = new string('a', 64),
            BlobName = $"applications/{applicationId}/report",
            TradeSecret = false,
        };
        var outcome = await app.Services.GetRequiredService<ApplicationCommands>()
            .RunAsync(applicationId, new AttachDocument(document), new Actor(subject, Roles.Applicant), Guid.NewGuid().ToString(), CancellationToken.None);
        Assert.Null(outcome.Refusal);
    }
}
