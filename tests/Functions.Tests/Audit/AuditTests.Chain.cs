using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using QualityAward.Domain;
using QualityAward.Domain.Audit;
using QualityAward.Domain.Cycles;
using QualityAward.Functions.Audit;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Audit;

/// <summary>
/// The keyed chain: every metadata field on a row is covered, a hash recomputed without the key
/// (plain SHA-256 as the chain used to be, or HMAC under another key) does not verify, and the app
/// refuses to start without a valid key.
/// </summary>
public sealed partial class AuditTests
{
    /// <summary>A stream of two events written with full metadata (name, affiliation, command and correlation id).</summary>
    private async Task<string> StreamWithFullMetadataAsync()
    {
        var stream = "cycle-audit" + Guid.NewGuid().ToString("N")[..8];
        var store = _app.Services.GetRequiredService<EventStore>();
        var metadata = new EventMetadata(new Actor("office-wang", Roles.Office, "王科长", "市市场监督管理局"), "cmd-" + Guid.NewGuid().ToString("N"), "corr-" + Guid.NewGuid().ToString("N"));
        await store.AppendAsync(stream, 0, [new SubmissionsClosed(DateTimeOffset.UnixEpoch), new SubmissionsClosed(DateTimeOffset.UnixEpoch.AddDays(1))], metadata, CancellationToken.None);
        return stream;
    }

    [Theory]
    [InlineData("ActorName", "李科长")]
    [InlineData("ActorAffiliation", "环翠区")]
    [InlineData("CorrelationId", "corr-forged")]
    [InlineData("CommandId", "cmd-forged")]
    [InlineData("ActorSubject", "office-li")]
    [InlineData("ActorRole", "supervisor")]
    public async Task Verify_AfterAMetadataFieldOfARowIsAltered_ReportsTheRowAltered(string property, string forged)
    {
        var stream = await StreamWithFullMetadataAsync();
        Assert.True((await VerifyAsync()).GetProperty("intact").GetBoolean());

        await Events.UpdateEntityAsync(new TableEntity(stream, EventStore.Key(1)) { [property] = forged }, ETag.All, TableUpdateMode.Merge);

        var first = (await VerifyAsync()).GetProperty("firstBreak");
        Assert.Equal(stream, first.Str("streamId"));
        Assert.Equal(1, first.GetProperty("version").GetInt32());
        Assert.Equal("audit.content-altered", first.Str("code"));
    }

    [Fact]
    public async Task Verify_AfterAMetadataFieldIsRemovedFromARow_ReportsTheRowAltered()
    {
        // Dropping the affiliation (null) is a change too: absent and empty are encoded differently.
        var stream = await StreamWithFullMetadataAsync();
        var row = (await Events.GetEntityAsync<TableEntity>(stream, EventStore.Key(2))).Value;
        row.Remove("ActorAffiliation");
        await Events.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace);

        var first = (await VerifyAsync()).GetProperty("firstBreak");
        Assert.Equal(2, first.GetProperty("version").GetInt32());
        Assert.Equal("audit.content-altered", first.Str("code"));
    }

    [Theory]
    [InlineData("sha256")]
    [InlineData("wrong-key")]
    public async Task Verify_AfterAnEventIsRewrittenAndRehashedWithoutTheKey_ReportsTheRowAltered(string how)
    {
        // The stream's last event: rehashing it keeps the links intact, so only the key can tell.
        var stream = await StreamWithFullMetadataAsync();
        var row = (await Events.GetEntityAsync<TableEntity>(stream, EventStore.Key(2))).Value;
        row["ActorName"] = "李科长";
        row["Data"] = row.GetString("Data").Replace("1970-01-02", "1970-03-02", StringComparison.Ordinal);
        row["Hash"] = how == "sha256" ? PlainSha256(row) : AuditChain.Hash(RandomNumberGenerator.GetBytes(32), LinkOf(row));
        await Events.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace);

        var first = (await VerifyAsync()).GetProperty("firstBreak");
        Assert.Equal(stream, first.Str("streamId"));
        Assert.Equal(2, first.GetProperty("version").GetInt32());
        Assert.Equal("audit.content-altered", first.Str("code"));
    }

    [Fact]
    public async Task Verify_AfterAnEventIsRewrittenWithTheKey_IsIntactWithoutAnAnchor_AndCaughtByOne()
    {
        // The positive control of the test above: with the key the rewrite passes the chain check,
        // which is why anchors exist. After an anchor, the same rewrite is a mismatch.
        var stream = await StreamWithFullMetadataAsync();
        await RewriteWithTheKeyAsync(stream, 2);
        Assert.True((await VerifyAsync()).GetProperty("intact").GetBoolean());

        var (status, _) = await _app.FireAuditAnchorAsync();
        Assert.Equal(200, status);
        _app.Clock.Advance(TimeSpan.FromMinutes(1));
        await RewriteWithTheKeyAsync(stream, 2);

        var report = await VerifyAsync();
        var first = report.GetProperty("firstBreak");
        Assert.Equal(stream, first.Str("streamId"));
        Assert.Equal(2, first.GetProperty("version").GetInt32());
        Assert.Equal("audit.anchor-mismatch", first.Str("code"));
        Assert.Equal(report.Str("anchor"), first.Str("anchor"));
    }

    private async Task RewriteWithTheKeyAsync(string stream, int version)
    {
        var row = (await Events.GetEntityAsync<TableEntity>(stream, EventStore.Key(version))).Value;
        row["ActorName"] = "改写-" + Guid.NewGuid().ToString("N");
        row["Hash"] = _app.Services.GetRequiredService<AuditKey>().Hash(LinkOf(row));
        await Events.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace);
    }

    private static ChainLink LinkOf(TableEntity row) => new(
        row.GetString("PrevHash") ?? string.Empty, row.PartitionKey, int.Parse(row.RowKey, CultureInfo.InvariantCulture), row.GetString("Type"), row.GetInt32("SchemaVersion") ?? 1,
        row.GetDateTimeOffset("RecordedAt")!.Value, row.GetString("ActorSubject"), row.GetString("ActorRole"), row.GetString("ActorName"), row.GetString("ActorAffiliation"),
        row.GetString("CommandId"), row.GetString("CorrelationId"), row.GetString("Data"));

    /// <summary>The chain as it was before it was keyed: SHA-256 over the fields joined by newlines.</summary>
    private static string PlainSha256(TableEntity row)
    {
        var link = LinkOf(row);
        var text = string.Join('\n', link.PrevHash, link.StreamId, link.Version.ToString(CultureInfo.InvariantCulture), link.Type, link.SchemaVersion.ToString(CultureInfo.InvariantCulture),
            link.RecordedAt.UtcTicks.ToString(CultureInfo.InvariantCulture), link.ActorRole, link.ActorSubject, link.CommandId ?? string.Empty, link.Data);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    [Theory]
    [InlineData(null, "Audit:ChainKey is not set")]
    [InlineData("not base64 at all!", "Audit:ChainKey is not base64")]
    [InlineData("c2hvcnQta2V5", "Audit:ChainKey is 9 bytes")]
    public async Task App_WithoutAValidChainKey_RefusesToStart_NamingTheSetting(string? key, string message)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(azurite, configure: b =>
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Audit:ChainKey"] = key })));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);

        // The verify command says the same and checks nothing.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:Prefix"] = _app.Prefix,
            ["Audit:ChainKey"] = key,
        }).Build();
        var output = new StringWriter();
        Assert.Equal(2, await AuditVerifier.RunCommandAsync(configuration, output, CancellationToken.None));
        Assert.Contains(message, output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Executable_InProductionWithoutAChainKey_RefusesToStart_NamingTheSetting()
    {
        // The real executable, configured through the environment as in Azure, with everything but the key.
        var executable = Path.Combine(AppContext.BaseDirectory, "QualityAward.Functions.dll");
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Storage__ConnectionString"] = azurite.ConnectionString,
            ["Storage__Prefix"] = _app.Prefix,
            ["Auth__DevSigningKey"] = TestApp.SigningKey,
            ["Workflow__RunLocalTriggers"] = "false",
            // The isolated worker is started by the Functions host, which gives it the host's endpoint;
            // nothing listens there: the worker must stop on the missing key before it connects.
            ["Functions__Worker__HostEndpoint"] = "http://127.0.0.1:9",
        };

        var result = await Infra.Tools.RunAsync("dotnet", [executable], AppContext.BaseDirectory, TimeSpan.FromMinutes(1), environment);

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("Audit:ChainKey is not set", result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_WithAnotherKeyThanTheOneTheEventsWereWrittenWith_IsBroken()
    {
        await SubmittedAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:Prefix"] = _app.Prefix,
            ["Audit:ChainKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
        }).Build();
        var output = new StringWriter();

        Assert.Equal(1, await AuditVerifier.RunCommandAsync(configuration, output, CancellationToken.None));
        Assert.Contains("audit.content-altered", output.ToString(), StringComparison.Ordinal);
    }
}
