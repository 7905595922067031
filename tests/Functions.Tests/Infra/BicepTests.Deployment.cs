using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Infra;

/// <summary>
/// How the deployment is run (issue 21, item 11): azd (azure.yaml, main.parameters.json), one
/// .bicepparam per environment with its secrets read from environment variables, the staging slot
/// that never runs a background function against production, and private networking.
/// </summary>
public sealed partial class BicepTests
{
    private static readonly string[] EnvironmentFiles = ["test.bicepparam", "prod.bicepparam", "china-prod.bicepparam"];

    /// <summary>A distinct value per variable the parameter files read, so the test can see where each value came from.</summary>
    private static readonly IReadOnlyDictionary<string, string> ParameterEnvironment = new Dictionary<string, string>
    {
        ["QA_WEB_CLIENT_ID"] = "11111111-1111-1111-1111-111111111111",
        ["QA_REPORT_READER_ID"] = "22222222-2222-2222-2222-222222222222",
        ["QA_REPLY_LINK_SIGNING_KEY"] = "from-env-reply-link-signing-key",
        ["QA_AUDIT_CHAIN_KEY"] = "from-env-audit-chain-key",
        ["QA_WEB_CLIENT_SECRET"] = "from-env-web-client-secret",
        ["QA_WEB_SESSION_KEY"] = "from-env-web-session-key",
    };

    private static async Task<JsonNode> BuildMainAsync()
    {
        var result = await MainTemplate.Value;
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonNode.Parse(result.Output)!;
    }

    private static JsonNode Module(JsonNode template, string name) =>
        Assert.Single(AllResources(template), r => (string?)r["type"] == "Microsoft.Resources/deployments" && (string?)r["name"] == name)["properties"]!["template"]!;

    private static IEnumerable<JsonNode> OwnResources(JsonNode template) => template["resources"] switch
    {
        JsonArray array => array.OfType<JsonNode>(),
        JsonObject symbolic => symbolic.Select(p => p.Value).OfType<JsonNode>(),
        _ => [],
    };

    private static IEnumerable<string> SecureParameters(JsonNode template) =>
        template["parameters"]!.AsObject().Where(p => (string?)p.Value!["type"] == "securestring").Select(p => p.Key);

    [Fact]
    public async Task StagingSlot_DisablesEveryTimerAndQueueFunctionTheAppDeclares_AndHasItsOwnTaskHub_AllSticky()
    {
        var app = Module(await BuildMainAsync(), "functionapp");

        // Every timer and queue function the app declares, read from the catalog (new ones included), is disabled in the slot.
        var background = FunctionCatalog.Instance.Timers.Select(t => t.Name).Concat(FunctionCatalog.Instance.Queues.Select(q => q.Name)).ToList();
        Assert.Contains("Backup", background);
        Assert.Contains("AuditAnchor", background);
        var disabled = app["variables"]!["disabledInStaging"]!.AsArray();
        var names = disabled.Select(s => (string)s!["name"]!).ToHashSet(StringComparer.Ordinal);
        foreach (var function in background)
        {
            Assert.True(names.Contains($"AzureWebJobs.{function}.Disabled"), $"The staging slot does not disable {function}: add AzureWebJobs.{function}.Disabled to disabledInStaging in modules/functionapp.bicep.");
        }

        Assert.All(disabled, s => Assert.Equal("true", (string?)s!["value"]));
        // No name in the list that is not a declared function (a misspelt name would disable nothing).
        Assert.Equal(background.Select(f => $"AzureWebJobs.{f}.Disabled").Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));

        // The slot's settings are those, plus its own task hub; production's task hub is not among them.
        var stagingOnly = (string)app["variables"]!["stagingOnlySettings"]!;
        Assert.Contains("'name', 'DurableTaskHub', 'value', parameters('stagingTaskHub')", stagingOnly, StringComparison.Ordinal);
        Assert.Contains("variables('disabledInStaging')", stagingOnly, StringComparison.Ordinal);
        var resources = OwnResources(app).ToList();
        var slot = Assert.Single(resources, r => (string?)r["type"] == "Microsoft.Web/sites/slots");
        Assert.Equal("[variables('withSlot')]", (string?)slot["condition"]);
        var slotSettings = (string)slot["properties"]!["siteConfig"]!["appSettings"]!;
        Assert.Contains("variables('stagingOnlySettings')", slotSettings, StringComparison.Ordinal);
        Assert.Contains("not(equals(lambdaVariables('c').name, 'DurableTaskHub'))", slotSettings, StringComparison.Ordinal);
        Assert.NotEqual((string?)app["parameters"]!["taskHub"]!["defaultValue"], (string?)app["parameters"]!["stagingTaskHub"]!["defaultValue"]);

        // Sticky: the slot's settings stay with the slot when it is swapped.
        var sticky = Assert.Single(resources, r => (string?)r["type"] == "Microsoft.Web/sites/config" && ((string?)r["name"])!.Contains("slotConfigNames", StringComparison.Ordinal));
        Assert.Equal("[map(variables('stagingOnlySettings'), lambda('s', lambdaVariables('s').name))]", (string?)sticky["properties"]!["appSettingNames"]);

        // Only where the plan has slots: Flex Consumption has none.
        Assert.Equal("[and(parameters('stagingSlot'), not(variables('flex')))]", (string?)app["variables"]!["withSlot"]);

        // The host reads its task hub from that setting, which production sets too.
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "host.json")))!;
        Assert.Equal("%DurableTaskHub%", (string?)host["extensions"]!["durableTask"]!["hubName"]);
        Assert.Contains("'name', 'DurableTaskHub', 'value', parameters('taskHub')", (string)app["variables"]!["commonSettings"]!, StringComparison.Ordinal);
        // And sends its telemetry through OpenTelemetry as the worker does, so requests are not logged twice.
        Assert.Equal("OpenTelemetry", (string?)host["telemetryMode"]);
    }

    [Fact]
    public async Task PrivateNetworking_PutsStorageAndKeyVaultBehindPrivateEndpoints_WithZonesFromTheCloud()
    {
        var template = await BuildMainAsync();
        Assert.Equal("bool", (string?)template["parameters"]!["privateNetworking"]!["type"]);
        Assert.False((bool)template["parameters"]!["privateNetworking"]!["defaultValue"]!);
        var network = Assert.Single(OwnResources(template), r => (string?)r["name"] == "network");
        Assert.Equal("[parameters('privateNetworking')]", (string?)network["condition"]);

        var networkTemplate = network["properties"]!["template"]!;
        // Blob, queue and table of the data account and Key Vault, each with its private DNS zone named from environment().
        var endpoints = networkTemplate["variables"]!["endpoints"]!.AsArray().ToDictionary(e => (string)e!["groupId"]!, e => e!);
        Assert.Equal(["blob", "queue", "table", "vault"], endpoints.Keys.Order(StringComparer.Ordinal));
        foreach (var service in new[] { "blob", "queue", "table" })
        {
            Assert.Equal($"[format('privatelink.{service}.{{0}}', variables('storageSuffix'))]", (string?)endpoints[service]["zone"]);
            Assert.Equal("[parameters('storageAccountId')]", (string?)endpoints[service]["target"]);
        }

        Assert.Equal("[environment().suffixes.storage]", (string?)networkTemplate["variables"]!["storageSuffix"]);
        Assert.Equal("[format('privatelink{0}', replace(environment().suffixes.keyvaultDns, '.vault.', '.vaultcore.'))]", (string?)endpoints["vault"]["zone"]);
        Assert.Equal("[parameters('keyVaultId')]", (string?)endpoints["vault"]["target"]);
        foreach (var type in new[] { "Microsoft.Network/privateEndpoints", "Microsoft.Network/privateDnsZones", "Microsoft.Network/privateDnsZones/virtualNetworkLinks", "Microsoft.Network/privateEndpoints/privateDnsZoneGroups" })
        {
            Assert.Single(OwnResources(networkTemplate), r => (string?)r["type"] == type);
        }

        // The integration subnet is delegated as the plan requires; the endpoints have their own subnet.
        var vnet = Assert.Single(OwnResources(networkTemplate), r => (string?)r["type"] == "Microsoft.Network/virtualNetworks");
        var subnets = vnet["properties"]!["subnets"]!.AsArray();
        Assert.Equal(["app", "endpoints"], subnets.Select(n => (string)n!["name"]!));
        Assert.Equal(
            "[if(equals(parameters('hostingPlan'), 'FlexConsumption'), 'Microsoft.App/environments', 'Microsoft.Web/serverFarms')]",
            (string?)subnets[0]!["properties"]!["delegations"]![0]!["properties"]!["serviceName"]);

        // Storage and Key Vault refuse the public network; the app (and its slot) send everything through the VNet.
        foreach (var name in new[] { "storage", "keyvault" })
        {
            var module = Assert.Single(OwnResources(template), r => (string?)r["name"] == name);
            Assert.Equal("[not(parameters('privateNetworking'))]", (string?)module["properties"]!["parameters"]!["publicNetworkAccess"]!["value"]);
            var inner = Module(template, name);
            var resource = Assert.Single(OwnResources(inner), r => (string?)r["type"] is "Microsoft.Storage/storageAccounts" or "Microsoft.KeyVault/vaults");
            Assert.Equal("[if(parameters('publicNetworkAccess'), 'Enabled', 'Disabled')]", (string?)resource["properties"]!["publicNetworkAccess"]);
        }

        var app = Module(template, "functionapp");
        var sites = OwnResources(app).Where(r => (string?)r["type"] is "Microsoft.Web/sites" or "Microsoft.Web/sites/slots").ToList();
        Assert.Equal(2, sites.Count);
        Assert.All(sites, s =>
        {
            Assert.Equal("[if(variables('vnet'), parameters('integrationSubnetId'), null())]", (string?)s["properties"]!["virtualNetworkSubnetId"]);
            Assert.Equal("[if(variables('vnet'), true(), null())]", (string?)s["properties"]!["vnetRouteAllEnabled"]);
        });
    }

    [Fact]
    public async Task EnvironmentParameterFiles_Build_Lint_AndTakeEverySecretFromTheEnvironment()
    {
        var template = await BuildMainAsync();
        var secrets = SecureParameters(template).ToList();
        Assert.Equal(4, secrets.Count);
        var required = template["parameters"]!.AsObject().Where(p => p.Value!["defaultValue"] is null).Select(p => p.Key).ToList();

        foreach (var file in EnvironmentFiles)
        {
            var path = Path.Combine("env", file);
            var text = File.ReadAllText(Path.Combine(BicepDir, path));
            var built = await Tools.RunAsync(Tools.Bicep(), ["build-params", path, "--stdout"], BicepDir, TimeSpan.FromMinutes(2), ParameterEnvironment);
            Assert.True(built.ExitCode == 0 && string.IsNullOrWhiteSpace(built.Error), $"{file}: {built}");
            var parameters = JsonNode.Parse((string)JsonNode.Parse(built.Output)!["parametersJson"]!)!["parameters"]!;

            foreach (var name in required)
            {
                Assert.True(parameters[name] is not null, $"{file} does not set the required parameter {name}.");
            }

            foreach (var secret in secrets)
            {
                // The value is the environment variable's, and the file says so: no secret is written in it.
                Assert.Matches(new Regex($@"param {secret} = readEnvironmentVariable\('QA_[A-Z_]+'\)"), text);
                var value = (string)parameters[secret]!["value"]!;
                Assert.Contains(value, ParameterEnvironment.Values);
            }

            var lint = await Tools.RunAsync(Tools.Bicep(), ["lint", path], BicepDir, TimeSpan.FromMinutes(2), ParameterEnvironment);
            Assert.True(lint.ExitCode == 0 && string.IsNullOrWhiteSpace(lint.Output + lint.Error), $"{file}: {lint}");
        }

        // Both values of each option are in use: test has neither, production both (Flex has no slot).
        Assert.Contains("param hostingPlan = 'FlexConsumption'", File.ReadAllText(Path.Combine(BicepDir, "env", "test.bicepparam")));
        Assert.DoesNotContain("stagingSlot", File.ReadAllText(Path.Combine(BicepDir, "env", "test.bicepparam")));
        Assert.Contains("param stagingSlot = true", File.ReadAllText(Path.Combine(BicepDir, "env", "china-prod.bicepparam")));
        Assert.Contains("param privateNetworking = true", File.ReadAllText(Path.Combine(BicepDir, "env", "china-prod.bicepparam")));
    }

    [Fact]
    public async Task Azd_ProvisionsMainBicep_DeploysTheFunctionsProject_AndTakesEverySecretFromItsEnvironment()
    {
        var template = await BuildMainAsync();

        // azure.yaml: the Bicep under infra/bicep, and src/Functions deployed as the function app "api".
        var azureYaml = File.ReadAllText(Path.Combine(Repository.Root, "azure.yaml"));
        Assert.Matches(new Regex(@"infra:\s*\n\s+provider: bicep\s*\n\s+path: infra/bicep\s*\n\s+module: main"), azureYaml);
        Assert.Matches(new Regex(@"services:\s*\n\s+api:\s*\n\s+project: src/Functions\s*\n\s+language: dotnet\s*\n\s+host: function"), azureYaml);
        Assert.True(File.Exists(Path.Combine(Repository.Root, "src", "Functions", "Functions.csproj")));
        // azd finds the app by its tag; only the site carries it (not the plan, not the slot).
        var app = Module(template, "functionapp");
        Assert.Equal("api", (string?)Assert.Single(OwnResources(template), r => (string?)r["name"] == "functionapp")["properties"]!["parameters"]!["siteTags"]!["value"]!["azd-service-name"]);
        Assert.Equal("[union(parameters('tags'), parameters('siteTags'))]", (string?)Assert.Single(OwnResources(app), r => (string?)r["type"] == "Microsoft.Web/sites")["tags"]);
        Assert.All(OwnResources(app).Where(r => (string?)r["type"] is "Microsoft.Web/serverfarms" or "Microsoft.Web/sites/slots"), r => Assert.Equal("[parameters('tags')]", (string?)r["tags"]));

        // main.parameters.json: azd substitutes ${NAME} and ${NAME=default} from its environment before reading the JSON.
        var raw = File.ReadAllText(Path.Combine(BicepDir, "main.parameters.json"));
        Assert.Contains("\"${AZURE_LOCATION}\"", raw, StringComparison.Ordinal);
        Assert.Contains("${AZURE_ENV_NAME}", raw, StringComparison.Ordinal);
        var substituted = Regex.Replace(raw, @"\$\{(?<name>[A-Z_]+)(=(?<default>[^}]*))?\}", m => m.Groups["name"].Value switch
        {
            "QA_DEPARTMENTS" => "{\"Tax\":{\"email\":\"tax@example.gov.cn\",\"name\":\"税务局\"}}",
            _ when m.Groups["default"].Success => m.Groups["default"].Value,
            var name => $"env:{name}",
        });
        var parameters = JsonNode.Parse(substituted)!["parameters"]!.AsObject();
        foreach (var name in template["parameters"]!.AsObject().Where(p => p.Value!["defaultValue"] is null).Select(p => p.Key))
        {
            Assert.True(parameters.ContainsKey(name), $"main.parameters.json does not set the required parameter {name}: azd would prompt for it.");
        }

        foreach (var name in parameters.Select(p => p.Key))
        {
            Assert.True(template["parameters"]![name] is not null, $"main.parameters.json sets {name}, which main.bicep does not declare.");
        }

        foreach (var secret in SecureParameters(template))
        {
            Assert.Matches(new Regex($"\"{secret}\": \\{{ \"value\": \"\\$\\{{QA_[A-Z_]+\\}}\" \\}}"), raw);
        }

        // azd deploys by zip deploy on the plans that are not Flex Consumption; the slot and the private network are opt-in.
        Assert.Equal("zipDeploy", (string?)parameters["packageSource"]!["value"]);
        Assert.False((bool)parameters["stagingSlot"]!["value"]!);
        Assert.False((bool)parameters["privateNetworking"]!["value"]!);
        Assert.Equal("FlexConsumption", (string?)parameters["hostingPlan"]!["value"]);
    }
}
