using QualityAward.Functions.Hosting;

var command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
var rest = command == "serve" && (args.Length == 0 || args[0].StartsWith('-')) ? args : args.Skip(1).ToArray();

switch (command)
{
    case "serve":
        var demo = rest.Contains("--demo");
        var app = AppBuilder.Build(rest.Where(a => a != "--demo").ToArray(), builder =>
        {
            if (demo)
            {
                builder.Services.AddHostedService<DemoSeeder>();
            }
        });
        await app.RunAsync();
        return 0;

    case "functions":
        var output = CommandLine.Option(rest, "--output");
        if (output is null)
        {
            Console.Error.WriteLine(CommandLine.Usage);
            return 2;
        }

        foreach (var file in TriggerTable.WriteFunctionJson(output, CommandLine.Option(rest, "--storage-prefix") ?? string.Empty))
        {
            Console.Out.WriteLine(file);
        }

        return 0;

    case "dev-token":
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile("appsettings.Development.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        return CommandLine.DevToken(rest, configuration, TimeProvider.System);

    case "restore":
        var storageSettings = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production"}.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        return await QualityAward.Functions.Backup.RestoreCommand.RunAsync(rest, storageSettings, Console.Out, Console.Error, CancellationToken.None);

    case "verify":
        var storageConfiguration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production"}.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(rest)
            .Build();
        return await QualityAward.Functions.Audit.AuditVerifier.RunCommandAsync(storageConfiguration, Console.Out, CancellationToken.None);

    default:
        Console.Error.WriteLine(CommandLine.Usage);
        return 2;
}
