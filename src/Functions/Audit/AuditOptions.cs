using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using QualityAward.Domain.Audit;

namespace QualityAward.Functions.Audit;

/// <summary>
/// The secret key of the audit hash chain and of the anchors (<c>Audit:ChainKey</c>): base64 of at
/// least 32 random bytes. In Azure a Key Vault reference; locally <c>scripts/run.sh</c> keeps one
/// in <c>.azurite/audit-chain-key</c>. Required everywhere: without it no event can be stored.
/// </summary>
public sealed class AuditOptions : IValidatableObject
{
    public const string Section = "Audit";

    public string? ChainKey { get; set; }

    /// <summary>
    /// How far before the newest valid anchor was written a since-anchor verification starts: rows
    /// written while that anchoring was reading the table may not be in it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan VerifyOverlap { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The key's bytes, or null when it is missing or not base64.</summary>
    public byte[]? KeyBytes()
    {
        if (string.IsNullOrWhiteSpace(ChainKey))
        {
            return null;
        }

        var buffer = new byte[ChainKey.Length];
        return Convert.TryFromBase64String(ChainKey.Trim(), buffer, out var written) ? buffer[..written] : null;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ChainKey))
        {
            yield return new ValidationResult(
                "Audit:ChainKey is not set: the audit hash chain needs a secret key, base64 of at least 32 random bytes (e.g. `openssl rand -base64 48`). In Azure set the app setting Audit__ChainKey to a Key Vault reference; locally scripts/run.sh generates one in .azurite/audit-chain-key.",
                [nameof(ChainKey)]);
        }
        else if (KeyBytes() is not { } key)
        {
            yield return new ValidationResult("Audit:ChainKey is not base64: give base64 of at least 32 random bytes (e.g. `openssl rand -base64 48`).", [nameof(ChainKey)]);
        }
        else if (key.Length < AuditChain.MinKeyBytes)
        {
            yield return new ValidationResult($"Audit:ChainKey is {key.Length} bytes; it must be at least {AuditChain.MinKeyBytes} random bytes (base64).", [nameof(ChainKey)]);
        }
    }

    /// <summary>Bind and validate the section; the problems, if any, as one message per line.</summary>
    public static (AuditKey? Key, IReadOnlyList<string> Problems) FromConfiguration(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<AuditOptions>() ?? new AuditOptions();
        var problems = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true);
        return problems.Count > 0
            ? (null, problems.Select(p => p.ErrorMessage ?? string.Empty).ToList())
            : (new AuditKey(options.KeyBytes()!), []);
    }
}

/// <summary>The audit chain key, validated (see <see cref="AuditOptions"/>).</summary>
public sealed class AuditKey
{
    private readonly byte[] _key;

    public AuditKey(byte[] key)
    {
        if (key.Length < AuditChain.MinKeyBytes)
        {
            throw new ArgumentException($"The audit chain key must be at least {AuditChain.MinKeyBytes} bytes.", nameof(key));
        }

        _key = key;
    }

    public AuditKey(IOptions<AuditOptions> options)
        : this(options.Value.KeyBytes() ?? throw new OptionsValidationException(AuditOptions.Section, typeof(AuditOptions), ["Audit:ChainKey is not set or not base64."]))
    {
    }

    public ReadOnlySpan<byte> Bytes => _key;

    public string Hash(ChainLink link) => AuditChain.Hash(_key, link);
}
