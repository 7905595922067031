using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using QualityAward.Domain;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Hosting;

/// <summary>
/// The development token key is public (it is in the repository). An app outside Development
/// (the local host: also Testing, where the tests run) refuses to start with it set, naming the
/// setting, and its handlers never hold it: a forged office token or page cookie opens nothing
/// (issue 17, item 4).
/// </summary>
public sealed class DevKeyTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task LocalHost_OutsideDevelopment_WithTheDevelopmentKeySet_RefusesToStart_NamingTheSetting(string environment)
    {
        var failed = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = await TestApp.StartAsync(azurite, environment: environment);
        });

        Assert.Contains("Auth:DevSigningKey", failed.ToString(), StringComparison.Ordinal);
        Assert.Contains($"set in the {environment} environment", failed.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_InProduction_WithTheDevelopmentKeySet_RefusesToStart_NamingTheSetting()
    {
        // The real executable, configured through the environment as in Azure, everything else in order.
        var executable = Path.Combine(AppContext.BaseDirectory, "QualityAward.Functions.dll");
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Production",
            ["Storage__ConnectionString"] = azurite.ConnectionString,
            ["Storage__Prefix"] = "devkey",
            ["Auth__DevSigningKey"] = TestApp.SigningKey,
            ["Audit__ChainKey"] = TestApp.ChainKey,
            ["Certificates__PublicBaseUrl"] = "https://award.example.gov.cn",
            // Nothing listens there: the worker must stop on the key before it connects to a host.
            ["Functions__Worker__HostEndpoint"] = "http://127.0.0.1:9",
        };

        var result = await Infra.Tools.RunAsync("dotnet", [executable], AppContext.BaseDirectory, TimeSpan.FromMinutes(1), environment);

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("Auth:DevSigningKey is set in the Production environment", result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Worker_InTesting_WithTheDevelopmentKeySet_IsRefusedToo_OnlyTheLocalHostTakesIt()
    {
        using var services = Services("Testing", localHost: false);
        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AuthOptions>>().Value);
        Assert.Contains("Auth:DevSigningKey", failure.Message, StringComparison.Ordinal);
        using var local = Services("Testing", localHost: true);
        Assert.NotNull(local.GetRequiredService<IOptions<AuthOptions>>().Value.DevSigningKey);
    }

    [Theory]
    [InlineData("Production", false)]
    [InlineData("Staging", false)]
    [InlineData("Development", true)]
    public async Task PageSession_TrustsTheDevelopmentIssuer_OnlyInDevelopment_EvenIfTheStartCheckWereSkipped(string environment, bool trusted)
    {
        // The handlers as configured, without starting (the start would stop on the key): a page
        // cookie and an API token signed with the public key.
        using var services = Services(environment, localHost: false);
        var forged = DevTokens.Mint(TestApp.SigningKey, "applicant-victim", [Roles.Applicant], "张三", null, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
        var handlers = services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>();

        var page = await new JsonWebTokenHandler().ValidateTokenAsync(forged, handlers.Get(WebSignIn.SessionScheme).TokenValidationParameters);
        var api = await new JsonWebTokenHandler().ValidateTokenAsync(forged, handlers.Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters);

        Assert.Equal(trusted, page.IsValid);
        Assert.Equal(trusted, api.IsValid);
    }

    [Fact]
    public void DevTokenCommand_OutsideDevelopment_PrintsNoToken()
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Auth:DevSigningKey"] = TestApp.SigningKey }).Build();
        var output = new StringWriter();
        var errors = new StringWriter();
        var (stdout, stderr) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(errors);
        try
        {
            Assert.Equal(2, CommandLine.DevToken(["--role", Roles.Office], settings, "Production", TimeProvider.System));
            Assert.Equal(0, CommandLine.DevToken(["--role", Roles.Office], settings, "Development", TimeProvider.System));
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }

        Assert.Contains("only in Development", errors.ToString(), StringComparison.Ordinal);
        Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)); // the one token, from Development
    }

    private static ServiceProvider Services(string environment, bool localHost)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Auth:DevSigningKey"] = TestApp.SigningKey,
            ["Audit:ChainKey"] = TestApp.ChainKey,
        });
        builder.AddQualityAward(localHost);
        return builder.Services.BuildServiceProvider();
    }
}
