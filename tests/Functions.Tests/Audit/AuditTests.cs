using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Audit;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Audit;

/// <summary>
/// The supervision group checks the audit trail: every stream's hash chain, with stored rows
/// altered and removed behind the app's back in Azurite, through the API and the verify command;
/// and who read a trade-secret file.
/// </summary>
public sealed partial class AuditTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite);
        await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private TableClient Events => _app.Storage.Table(StorageClients.EventsTable);

    private async Task<string> SubmittedAsync()
    {
        var subject = "applicant-" + Guid.NewGuid().ToString("N");
        var id = await Applicants.SubmitWeihaiAsync(_app, _app.As(Roles.Applicant, subject: subject), subject);
        return id;
    }

    private async Task<System.Text.Json.JsonElement> VerifyAsync(bool full = false) =>
        await (await _app.As(Roles.Supervisor).GetAsync(full ? "/api/audit/verify?full=true" : "/api/audit/verify")).ExpectAsync(200);

    [Fact]
    public async Task Verify_AfterAnEventRowIsAltered_NamesTheStreamAndVersion()
    {
        var id = await SubmittedAsync();
        var before = await VerifyAsync();
        Assert.True(before.GetProperty("intact").GetBoolean());
        Assert.True(before.GetProperty("events").GetInt32() >= 5);

        // Someone with storage access edits the saved form: the name of the applicant.
        var stream = ApplicationId.Parse(id).Value.StreamId;
        var row = (await Events.GetEntityAsync<TableEntity>(stream, EventStore.Key(2))).Value;
        Assert.Equal("DraftSaved", row.GetString("Type"));
        var altered = new TableEntity(stream, EventStore.Key(2)) { ["Data"] = row.GetString("Data").Replace("威海精工机械有限公司", "威海另一家有限公司", StringComparison.Ordinal) };
        await Events.UpdateEntityAsync(altered, ETag.All, TableUpdateMode.Merge);

        var after = await VerifyAsync();
        Assert.False(after.GetProperty("intact").GetBoolean());
        var first = after.GetProperty("firstBreak");
        Assert.Equal(stream, first.Str("streamId"));
        Assert.Equal(2, first.GetProperty("version").GetInt32());
        Assert.Equal("audit.content-altered", first.Str("code"));

        // The command line says the same, from the configuration alone.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:Prefix"] = _app.Prefix,
            ["Audit:ChainKey"] = TestApp.ChainKey,
        }).Build();
        var output = new StringWriter();
        Assert.Equal(1, await AuditVerifier.RunCommandAsync(configuration, output, CancellationToken.None));
        Assert.Contains($"BROKEN: stream {stream}, version 2", output.ToString());
    }

    [Fact]
    public async Task Verify_AfterAMiddleEventIsDeleted_ReportsTheGap()
    {
        var id = await SubmittedAsync();
        var stream = ApplicationId.Parse(id).Value.StreamId;
        await Events.DeleteEntityAsync(stream, EventStore.Key(3), ETag.All);

        var first = (await VerifyAsync()).GetProperty("firstBreak");
        Assert.Equal(stream, first.Str("streamId"));
        Assert.Equal(3, first.GetProperty("version").GetInt32());
        Assert.Equal("audit.event-missing", first.Str("code"));
    }

    [Fact]
    public async Task Verify_WhenNothingWasTouched_IsIntact_ForTheCommandToo_AndOnlyForSupervisors()
    {
        await SubmittedAsync();
        Assert.True((await VerifyAsync()).GetProperty("intact").GetBoolean());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:Prefix"] = _app.Prefix,
            ["Audit:ChainKey"] = TestApp.ChainKey,
        }).Build();
        var output = new StringWriter();
        Assert.Equal(0, await AuditVerifier.RunCommandAsync(configuration, output, CancellationToken.None));
        Assert.StartsWith("INTACT", output.ToString(), StringComparison.Ordinal);
        await (await _app.As(Roles.Office).GetAsync("/api/audit/verify")).ExpectAsync(403);
    }

    [Fact]
    public async Task DocumentReads_ListWhoReadATradeSecret_NotOrdinaryFiles()
    {
        var subject = "applicant-" + Guid.NewGuid().ToString("N");
        var applicant = _app.As(Roles.Applicant, subject: subject);
        var id = (await (await applicant.PostJsonAsync("/api/cycles/weihai-2026/applications", new { category = "organisation" })).ExpectAsync(201)).Str("applicationId");
        await (await applicant.PutJsonAsync($"/api/applications/{id}/form", Forms.WeihaiOrganisation())).ExpectAsync(200);
        await Applicants.AttachReportAsync(_app, id, subject);
        var commands = _app.Services.GetRequiredService<ApplicationCommands>();
        var secret = new DocumentRef
        {
            DocumentId = "doc-" + Guid.NewGuid().ToString("N"),
            Kind = DocumentKind.Evidence,
            OriginalName = "工艺配方.pdf",
            SafeName = "工艺配方.pdf",
            ContentType = "application/pdf",
            Size = 2048,
            Sha256 = new string('b', 64),
            BlobName = $"applications/{id}/secret",
            TradeSecret = true,
        };
        Assert.Null((await commands.RunAsync(id, new AttachDocument(secret), new Actor(subject, Roles.Applicant), "attach", CancellationToken.None)).Refusal);
        await (await applicant.PostAsync($"/api/applications/{id}/submit", null)).ExpectAsync(200);

        // The office opens the secret (the command the download endpoint records) and the ordinary report.
        var app = await _app.Services.GetRequiredService<QualityAward.Functions.Workflow.Streams>().LoadAsync(QualityAward.Functions.Workflow.StreamKinds.Application, ApplicationId.Parse(id).Value.StreamId, CancellationToken.None);
        var report = app.Documents.Single(d => !d.TradeSecret).DocumentId;
        var office = new Actor("office-li", Roles.Office, "李科长");
        Assert.Null((await commands.RunAsync(id, new RecordDocumentRead(secret.DocumentId), office, "read-1", CancellationToken.None)).Refusal);
        Assert.Null((await commands.RunAsync(id, new RecordDocumentRead(report), office, "read-2", CancellationToken.None)).Refusal);

        var reads = (await (await _app.As(Roles.Supervisor).GetAsync("/api/audit/document-reads?cycleId=weihai-2026")).ExpectAsync(200)).EnumerateArray().ToArray();
        var read = Assert.Single(reads);
        Assert.Equal(secret.DocumentId, read.Str("documentId"));
        Assert.Equal("office-li", read.Str("readerSubject"));
        Assert.Equal("李科长", read.Str("readerName"));
        await (await _app.As(Roles.Office).GetAsync("/api/audit/document-reads?cycleId=weihai-2026")).ExpectAsync(403);
    }
}
