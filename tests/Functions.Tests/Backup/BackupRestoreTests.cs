using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using QualityAward.Domain;
using QualityAward.Functions.Backup;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Backup;

/// <summary>
/// The daily table export and the restore command: data made through the API plus an entity with
/// every Edm type is exported by the Backup timer, restored into a fresh prefix by the same code
/// the <c>restore</c> command runs, and compared entity by entity, property by property, type by type.
/// </summary>
public sealed class BackupRestoreTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Backup_RestoredIntoAFreshPrefix_HoldsTheSameEntities_WithTheSameTypes()
    {
        await SeedAsync();
        var folder = await PostBackupAsync();
        var target = "r" + Guid.NewGuid().ToString("N")[..12];

        var (code, output, error) = await RestoreAsync(folder, target);

        Assert.True(code == 0, error);
        var tables = _app.Services.GetService(typeof(TableBackup)) is TableBackup backup ? backup.Tables : throw new InvalidOperationException();
        Assert.Contains(StorageClients.EventsTable, tables);
        var compared = 0;
        foreach (var table in tables)
        {
            var source = await EntitiesAsync(_app.Storage.Name(table));
            var restored = await EntitiesAsync(target + table);
            Assert.Equal(source.Keys, restored.Keys);
            foreach (var (key, entity) in source)
            {
                AssertSameEntity(entity, restored[key]);
                compared++;
            }

            Assert.Contains($"{table}: {source.Count} entities restored", output);
        }

        Assert.True(compared > 5, $"only {compared} entities compared");

        // The restored storage is a working app: the cycle reads back through the API.
        await using var restoredApp = await TestApp.StartAsync(azurite, prefix: target);
        var cycle = await (await restoredApp.Anonymous().GetAsync("/api/cycles/weihai-2026")).ExpectAsync(200);
        Assert.Equal("weihai", cycle.Str("policyId"));

        // Rows come back verbatim, so under the same Audit:ChainKey every hash chain still verifies.
        // Anchors are not in the export (they stay in their own WORM container): the fresh prefix has none.
        var audit = await (await restoredApp.As(Roles.Supervisor).GetAsync("/api/audit/verify")).ExpectAsync(200);
        Assert.True(audit.GetProperty("intact").GetBoolean(), audit.ToString());
        Assert.True(audit.GetProperty("events").GetInt32() > 0);
        Assert.Equal(0, audit.GetProperty("anchorsRead").GetInt32());
    }

    [Fact]
    public async Task Restore_IntoTablesThatHoldData_IsRefused_AndWritesNothing()
    {
        await SeedAsync();
        var folder = await PostBackupAsync();
        var target = "r" + Guid.NewGuid().ToString("N")[..12];
        var occupied = new TableClient(azurite.ConnectionString, target + StorageClients.SettingsTable);
        await occupied.CreateIfNotExistsAsync();
        await occupied.AddEntityAsync(new TableEntity("someone", "else") { ["Note"] = "already here" });

        var (code, _, error) = await RestoreAsync(folder, target);

        Assert.Equal(1, code);
        Assert.Contains("not empty", error);
        Assert.Empty(await EntitiesAsync(target + StorageClients.EventsTable));
        Assert.Single(await EntitiesAsync(target + StorageClients.SettingsTable));
    }

    [Fact]
    public async Task RestoreCommand_OfTheExecutable_OfAFolderThatDoesNotExist_SaysSo_AndWithoutFromShowsUsage()
    {
        // The real executable's command switch (Program.cs), configured through the environment as in Azure.
        var executable = Path.Combine(AppContext.BaseDirectory, "QualityAward.Functions.dll");
        var environment = new Dictionary<string, string>
        {
            ["Storage__ConnectionString"] = azurite.ConnectionString,
            ["Storage__Prefix"] = "r" + Guid.NewGuid().ToString("N")[..12],
        };

        var missing = await Infra.Tools.RunAsync("dotnet", [executable, "restore", "--from", "20200101T000000Z", "--backup-prefix", _app.Prefix], AppContext.BaseDirectory, TimeSpan.FromMinutes(1), environment);
        var usage = await Infra.Tools.RunAsync("dotnet", [executable, "restore"], AppContext.BaseDirectory, TimeSpan.FromMinutes(1), environment);

        Assert.True(missing.ExitCode == 1, missing.ToString());
        Assert.Contains("20200101T000000Z", missing.Error);
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("restore --from", usage.Error);
    }

    [Fact]
    public void Line_KeepsEveryEdmType()
    {
        var entity = TypedEntity();

        var back = TableBackup.FromLine(TableBackup.ToLine(entity));

        AssertSameEntity(entity, back);
    }

    private static TableEntity TypedEntity() => new("typed", "every-edm-type")
    {
        ["Text"] = "市长质量奖 \"quoted\"\n",
        ["Int32"] = int.MinValue,
        ["Int64"] = long.MaxValue,
        ["Double"] = 0.1 + 0.2,
        ["Boolean"] = true,
        ["When"] = new DateTimeOffset(2026, 3, 2, 1, 2, 3, 456, TimeSpan.Zero).AddTicks(7),
        ["Id"] = Guid.Parse("6f9619ff-8b86-d011-b42d-00cf4fc964ff"),
        ["Bytes"] = new byte[] { 0, 1, 2, 250, 255 },
    };

    private async Task SeedAsync()
    {
        await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);
        var applicant = _app.As(Roles.Applicant);
        var id = (await (await applicant.PostJsonAsync("/api/cycles/weihai-2026/applications", new { category = "organisation" })).ExpectAsync(201)).Str("applicationId");
        await (await applicant.PutJsonAsync($"/api/applications/{id}/form", Forms.WeihaiOrganisation())).ExpectAsync(200);
        await _app.Storage.Table(StorageClients.SettingsTable).AddEntityAsync(TypedEntity());
    }

    private async Task<string> PostBackupAsync()
    {
        Assert.Contains("backup ", await _app.RunTimerAsync("Backup"));
        var manifests = new List<string>();
        await foreach (var blob in _app.Storage.Container(TableBackup.Container).GetBlobsAsync())
        {
            if (blob.Name.EndsWith("/" + TableBackup.ManifestFile, StringComparison.Ordinal))
            {
                manifests.Add(blob.Name.Split('/')[0]);
            }
        }

        return Assert.Single(manifests);
    }

    /// <summary>The restore command, configured as in production (Storage:* settings), into <paramref name="prefix"/>.</summary>
    private async Task<(int Code, string Output, string Error)> RestoreAsync(string folder, string prefix)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:Prefix"] = prefix,
        }).Build();
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await RestoreCommand.RunAsync(["--from", folder, "--backup-prefix", _app.Prefix], configuration, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    private async Task<SortedDictionary<string, TableEntity>> EntitiesAsync(string tableName)
    {
        var result = new SortedDictionary<string, TableEntity>(StringComparer.Ordinal);
        var client = new TableClient(azurite.ConnectionString, tableName);
        await client.CreateIfNotExistsAsync();
        await foreach (var e in client.QueryAsync<TableEntity>())
        {
            result.Add($"{e.PartitionKey}\u0001{e.RowKey}", e);
        }

        return result;
    }

    private static void AssertSameEntity(TableEntity expected, TableEntity actual)
    {
        static Dictionary<string, object> Properties(TableEntity e) =>
            e.Where(p => p.Key is not ("Timestamp" or "odata.etag") && p.Value is not null).ToDictionary(p => p.Key, p => p.Value);

        var (a, b) = (Properties(expected), Properties(actual));
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (name, value) in a)
        {
            var other = b[name];
            Assert.True(value.GetType() == other.GetType(), $"{expected.PartitionKey}/{expected.RowKey}.{name}: {value.GetType().Name} came back as {other.GetType().Name}");
            if (value is byte[] bytes)
            {
                Assert.Equal(bytes, (byte[])other);
            }
            else
            {
                Assert.Equal(value, other);
            }
        }
    }
}
