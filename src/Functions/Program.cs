using Microsoft.Azure.Functions.Worker.Builder;
using QualityAward.Functions.Hosting;

// The isolated worker, as the Functions host starts it (it passes its own --options), unless the
// first argument names one of the operator's commands.
var command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : null;
var rest = args.Skip(1).ToArray();
var environment = Environment.GetEnvironmentVariable("AZURE_FUNCTIONS_ENVIRONMENT")
    ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
    ?? "Production";

IConfiguration Settings(bool commandLine = false)
{
    var settings = new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddJsonFile($"appsettings.{environment}.json", optional: true)
        .AddEnvironmentVariables();
    return (commandLine ? settings.AddCommandLine(rest) : settings).Build();
}

switch (command)
{
    case null:
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.UseMiddleware<GateMiddleware>();
        builder.AddQualityAward();
        builder.Build().Run();
        return 0;

    case "dev-token":
        return CommandLine.DevToken(rest, Settings(), environment, TimeProvider.System);

    case "restore":
        return await QualityAward.Functions.Backup.RestoreCommand.RunAsync(rest, Settings(), Console.Out, Console.Error, CancellationToken.None);

    case "verify":
        return await QualityAward.Functions.Audit.AuditVerifier.RunCommandAsync(Settings(commandLine: true), Console.Out, CancellationToken.None);

    default:
        Console.Error.WriteLine(CommandLine.Usage);
        return 2;
}
