using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;

namespace QualityAward.Functions.Backup;

/// <summary>
/// <c>QualityAward.Functions restore --from &lt;folder&gt;</c>: load a backup export into empty
/// storage. Storage is configured as for the app (appsettings, environment: Storage__…); the
/// export is read from the <c>backup</c> container of that same storage and prefix.
/// </summary>
public static class RestoreCommand
{
    public const string Usage = """
        restore --from <backup folder, e.g. 20260302T180000Z> [--backup-prefix p]
            load a backup export into empty storage (configured by Storage:* settings, e.g. Storage__Prefix);
            the export is read from the backup container of --backup-prefix (default: the configured prefix)
        """;

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var from = CommandLine.Option(args, "--from");
        if (string.IsNullOrWhiteSpace(from))
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        var options = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true))
        {
            foreach (var problem in problems)
            {
                await error.WriteLineAsync(problem.ErrorMessage);
            }

            return 2;
        }

        var backup = new TableBackup(new StorageClients(Options.Create(options)), [], TimeProvider.System, NullLogger<TableBackup>.Instance);
        try
        {
            var manifest = await backup.RestoreAsync(from, CommandLine.Option(args, "--backup-prefix"), ct);
            foreach (var table in manifest.Tables)
            {
                await output.WriteLineAsync($"{table.Table}: {table.Entities} entities restored");
            }

            return 0;
        }
        catch (BackupException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return 1;
        }
    }
}
