using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Infra;

/// <summary>
/// infra/bicep builds and lints clean with the Bicep CLI (no errors, no warnings), keeps every
/// endpoint out of the source (both clouds), and declares what the design promises.
/// </summary>
public sealed partial class BicepTests
{
    private static readonly string BicepDir = Path.Combine(Repository.Root, "infra", "bicep");

    /// <summary>main.bicep built once for every test that reads the template (each build is seconds of CPU).</summary>
    private static readonly Lazy<Task<ProcessResult>> MainTemplate = new(() => Tools.RunAsync(Tools.Bicep(), ["build", "main.bicep", "--stdout"], BicepDir, TimeSpan.FromMinutes(2)));

    private static IEnumerable<string> BicepFiles => Directory.EnumerateFiles(BicepDir, "*.bicep", SearchOption.AllDirectories);

    [Fact]
    public async Task Main_Builds_WithoutErrorsOrWarnings()
    {
        var result = await MainTemplate.Value;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(string.IsNullOrWhiteSpace(result.Error), result.ToString());
        var template = JsonNode.Parse(result.Output)!;
        Assert.NotNull(template["resources"]);
    }

    [Fact]
    public async Task Main_Lints_WithoutErrorsOrWarnings()
    {
        var result = await Tools.RunAsync(Tools.Bicep(), ["lint", "main.bicep"], BicepDir, TimeSpan.FromMinutes(2));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(string.IsNullOrWhiteSpace(result.Output + result.Error), result.ToString());
    }

    [Fact]
    public async Task Template_HasTheSettingsTheAppAndTheHostNeed()
    {
        var result = await MainTemplate.Value;
        var json = result.Output;

        Assert.Contains("\"allowSharedKeyAccess\": false", json);
        Assert.Contains("\"isVersioningEnabled\": true", json);
        Assert.Contains("\"enableRbacAuthorization\": true", json);
        Assert.Contains("\"functionapp,linux\"", json);
        foreach (var setting in new[]
        {
            "FUNCTIONS_WORKER_RUNTIME", "Storage__tableServiceUri", "Storage__blobServiceUri",
            "Storage__ManagedIdentityClientId", "Auth__Authority", "Auth__Audience", "APPLICATIONINSIGHTS_CONNECTION_STRING",
            // The names the app's options read (Consultations:*, Graph:*), not look-alikes it would ignore.
            "Consultations__SigningKey", "Consultations__Mailbox", "Consultations__ReplyBaseUrl", "Consultations__OfficeEmail",
            "Graph__BaseUrl", "Graph__ManagedIdentityClientId", "Audit__ChainKey",
            // The pages' sign-in (Auth:Web:*).
            "Auth__Web__ClientId", "Auth__Web__ClientSecret", "Auth__Web__SessionKey", "Auth__Web__PublicBaseUrl",
            // The address the certificates' QR codes link to (Certificates:PublicBaseUrl).
            "Certificates__PublicBaseUrl",
        })
        {
            // A literal array compiles to JSON objects; one joined with the departments' settings to createObject(...).
            Assert.True(json.Contains($"\"name\": \"{setting}\"", StringComparison.Ordinal) || json.Contains($"'name', '{setting}'", StringComparison.Ordinal), $"The template has no app setting {setting}.");
        }

        Assert.Contains("@Microsoft.KeyVault(SecretUri=", json);
        Assert.Matches(new Regex("(\"name\": \"FUNCTIONS_WORKER_RUNTIME\",\\s*\"value\": \"dotnet-isolated\")|('name', 'FUNCTIONS_WORKER_RUNTIME', 'value', 'dotnet-isolated')"), json);
        Assert.DoesNotContain("customHandler", json, StringComparison.Ordinal);
        Assert.Contains("Consultations__Departments__{0}__Email", json);
    }

    [Fact]
    public async Task Template_RunsTheIsolatedWorker_OnFlexConsumption_OrAPlanChosenByParameter()
    {
        var result = await MainTemplate.Value;
        Assert.True(result.ExitCode == 0, result.ToString());
        var template = JsonNode.Parse(result.Output)!;
        var json = result.Output;

        var hostingPlan = template["parameters"]!["hostingPlan"]!;
        Assert.Equal(["FlexConsumption", "ElasticPremium", "Dedicated"], hostingPlan["allowedValues"]!.AsArray().Select(v => (string)v!));
        // Azure operated by 21Vianet offers no Flex Consumption: the default there is a Dedicated plan.
        Assert.Contains("AzureChinaCloud", (string?)hostingPlan["defaultValue"]);

        // Flex Consumption: the runtime and the identity-read deployment container in functionAppConfig.
        Assert.Contains("'FC1'", json, StringComparison.Ordinal);
        Assert.Contains("'FlexConsumption'", json, StringComparison.Ordinal);
        Assert.Contains("'name', 'dotnet-isolated', 'version', '10.0'", json, StringComparison.Ordinal);
        Assert.Contains("'type', 'UserAssignedIdentity'", json, StringComparison.Ordinal);
        Assert.Contains("'blobContainer'", json, StringComparison.Ordinal);
        // The other plans: the same runtime by site config, run from the package blob read with the identity.
        Assert.Contains("DOTNET-ISOLATED|10.0", json, StringComparison.Ordinal);
        Assert.Contains("WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID", json, StringComparison.Ordinal);
        // The host's storage (timers, the Durable task hub) is identity-based too: no connection string anywhere.
        Assert.Contains("AzureWebJobsStorage__credential", json, StringComparison.Ordinal);
        // The task hub's queues are the host's (AzureWebJobsStorage); the app has no queue client, nor a setting for one.
        Assert.Contains("AzureWebJobsStorage__queueServiceUri", json, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex("(?<![A-Za-z])Storage__(queueServiceUri|credential|clientId)"), json);
        Assert.DoesNotContain("AccountKey=", json, StringComparison.Ordinal);
        Assert.DoesNotContain("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Template_KeepsTheAuditChainKeyInKeyVault_AndTheAnchorsWriteOnce()
    {
        var result = await MainTemplate.Value;
        Assert.True(result.ExitCode == 0, result.ToString());
        var template = JsonNode.Parse(result.Output)!;
        var json = result.Output;

        // The key the app reads as Audit:ChainKey is a Key Vault reference to a secret that only a secure parameter fills.
        Assert.Matches(new Regex(@"'name', 'Audit__ChainKey', 'value', format\('@Microsoft\.KeyVault\(SecretUri=\{0\}\)', parameters\('auditChainKeySecretUri'\)\)"), json);
        Assert.Equal("securestring", (string?)template["parameters"]!["auditChainKey"]!["type"]);
        var resources = AllResources(template).ToList();
        var secret = Assert.Single(resources, r => (string?)r["type"] == "Microsoft.KeyVault/vaults/secrets" && ((string?)r["name"])!.Contains("'audit-chain-key'", StringComparison.Ordinal));
        Assert.Equal("[parameters('auditChainKey')]", (string?)secret["properties"]!["value"]);

        // The anchors container has a time-based retention (WORM) policy: an anchor cannot be rewritten or deleted.
        Assert.Single(resources, r => (string?)r["type"] == "Microsoft.Storage/storageAccounts/blobServices/containers" && ((string?)r["name"])!.Contains("'anchors'", StringComparison.Ordinal));
        var worm = Assert.Single(resources, r => (string?)r["type"] == "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies");
        Assert.Contains("'anchors'", (string?)worm["name"], StringComparison.Ordinal);
        Assert.Equal("[parameters('anchorRetentionDays')]", (string?)worm["properties"]!["immutabilityPeriodSinceCreationInDays"]);
        Assert.False((bool)worm["properties"]!["allowProtectedAppendWrites"]!);
    }

    [Fact]
    public async Task Template_KeepsTheWebSignInSecretsInKeyVault()
    {
        var result = await MainTemplate.Value;
        Assert.True(result.ExitCode == 0, result.ToString());
        var template = JsonNode.Parse(result.Output)!;
        var json = result.Output;
        var resources = AllResources(template).ToList();

        // Auth:Web:ClientSecret and Auth:Web:SessionKey are Key Vault references to secrets that only secure parameters fill.
        foreach (var (setting, uri, parameter, secretName) in new[]
        {
            ("Auth__Web__ClientSecret", "webClientSecretUri", "webClientSecret", "web-client-secret"),
            ("Auth__Web__SessionKey", "webSessionKeySecretUri", "webSessionKey", "web-session-key"),
        })
        {
            Assert.Matches(new Regex($@"'name', '{setting}', 'value', format\('@Microsoft\.KeyVault\(SecretUri=\{{0\}}\)', parameters\('{uri}'\)\)"), json);
            Assert.Equal("securestring", (string?)template["parameters"]![parameter]!["type"]);
            var secret = Assert.Single(resources, r => (string?)r["type"] == "Microsoft.KeyVault/vaults/secrets" && ((string?)r["name"])!.Contains($"'{secretName}'", StringComparison.Ordinal));
            Assert.Equal($"[parameters('{parameter}')]", (string?)secret["properties"]!["value"]);
        }

        // The client id and the public address are plain settings (not secrets).
        Assert.Equal("string", (string?)template["parameters"]!["webClientId"]!["type"]);
        Assert.Equal("[parameters('replyBaseUrl')]", (string?)template["parameters"]!["webPublicBaseUrl"]!["defaultValue"]);
    }

    /// <summary>
    /// The deployment makes every table and container the app declares (its slices' StorageNeeds),
    /// and tells the app so (Storage__CreatedByDeployment): in Azure a start asks storage for nothing.
    /// </summary>
    [Fact]
    public async Task Template_MakesEveryTableAndContainerTheAppUses_AndTellsTheAppItNeedNot()
    {
        var result = await MainTemplate.Value;
        Assert.True(result.ExitCode == 0, result.ToString());
        var resources = AllResources(JsonNode.Parse(result.Output)!).ToList();
        await using var app = QualityAward.LocalHost.LocalFunctionsHost.Build(["--environment", "Testing"], b =>
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
                ["Storage:CreatedByDeployment"] = "true",
                ["Durable:Backend"] = "InMemory",
            }));
        var needs = StorageNeeds.Of(app.Services);
        Assert.Contains(StorageClients.EventsTable, needs.Tables);
        Assert.Contains(StorageClients.DocumentsContainer, needs.Containers);

        // A table or container of a copy loop is named createArray(…)[copyIndex()]; a single one by its literal.
        string Declared(string type) => string.Join('\n', resources.Where(r => (string?)r["type"] == type).Select(r => (string?)r["name"]));
        var tables = Declared("Microsoft.Storage/storageAccounts/tableServices/tables");
        var containers = Declared("Microsoft.Storage/storageAccounts/blobServices/containers");
        Assert.All(needs.Tables, t => Assert.True(tables.Contains($"'{t}'", StringComparison.Ordinal), $"storage.bicep makes no table {t}."));
        Assert.All(needs.Containers, c => Assert.True(containers.Contains($"'{c}'", StringComparison.Ordinal), $"storage.bicep makes no container {c}."));
        Assert.Contains("createObject('name', 'Storage__CreatedByDeployment', 'value', 'true')", result.Output, StringComparison.Ordinal);
    }

    /// <summary>Every resource of the template, those of nested deployments (modules) included.</summary>
    private static IEnumerable<JsonNode> AllResources(JsonNode template)
    {
        foreach (var resource in template["resources"] switch
        {
            JsonArray array => array.OfType<JsonNode>(),
            JsonObject symbolic => symbolic.Select(p => p.Value).OfType<JsonNode>(),
            _ => [],
        })
        {
            yield return resource;
            if (resource["properties"]?["template"] is { } nested)
            {
                foreach (var inner in AllResources(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    [Fact]
    public void Sources_HardCodeNoCloudEndpoint()
    {
        foreach (var file in BicepFiles)
        {
            var text = File.ReadAllText(file);
            foreach (var host in new[] { "core.windows.net", "login.microsoftonline.com", "vault.azure.net", "azurewebsites.net", "applicationinsights.azure.com" })
            {
                Assert.False(text.Contains(host, StringComparison.OrdinalIgnoreCase), $"{Path.GetFileName(file)} hard-codes {host}: take it from environment() or the resource.");
            }
        }
    }

    [Fact]
    public void EveryParameter_HasADescription()
    {
        foreach (var file in BicepFiles)
        {
            var described = false;
            var depth = 0; // inside a decorator's parentheses, e.g. a multi-line @allowed([...])
            foreach (var line in File.ReadLines(file).Select(l => l.Trim()))
            {
                if (depth > 0 || line.StartsWith('@'))
                {
                    described |= line.StartsWith("@description(", StringComparison.Ordinal);
                    depth += line.Count(c => c == '(') - line.Count(c => c == ')');
                }
                else if (line.StartsWith("param ", StringComparison.Ordinal))
                {
                    Assert.True(described, $"{Path.GetFileName(file)}: `{line}` has no @description");
                    described = false;
                }
                else
                {
                    described = false;
                }
            }
        }
    }

    [Fact]
    public void RoleAssignments_AreAllInTheRolesModule_AndNamedByGuid()
    {
        var roles = File.ReadAllText(Path.Combine(BicepDir, "modules", "roles.bicep"));
        var assignments = RoleAssignment().Matches(roles);

        Assert.Equal(6, assignments.Count); // blob owner, queue, table, secrets user, metrics publisher, report readers
        Assert.All(assignments, m => Assert.StartsWith("guid(", m.Groups[1].Value.TrimStart()));
        foreach (var file in BicepFiles.Where(f => !f.EndsWith("roles.bicep", StringComparison.Ordinal)))
        {
            Assert.DoesNotContain("Microsoft.Authorization/roleAssignments", File.ReadAllText(file));
        }
    }

    [GeneratedRegex(@"Microsoft\.Authorization/roleAssignments@[^']+' = (?:\[\s*for [^:]+:\s*)?\{\s*name:([^\n]+)")]
    private static partial Regex RoleAssignment();
}
