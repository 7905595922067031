using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace QualityAward.Functions.Hosting;

/// <summary>
/// The settings' validators, generated at compile time from the same data annotations and
/// <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/> rules the options
/// declare: <c>ValidateDataAnnotations</c> read them by reflection through TypeDescriptor on the
/// start's thread (some 20 ms of every cold start before the app listened); these check the same
/// things without it, still at start (<c>ValidateOnStart</c>).
/// </summary>
public static class OptionsValidation
{
    /// <summary>Validates <typeparamref name="TOptions"/> with the generated <typeparamref name="TValidator"/>.</summary>
    public static OptionsBuilder<TOptions> ValidateWith<TOptions, TValidator>(this OptionsBuilder<TOptions> builder)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        builder.Services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return builder;
    }
}

[OptionsValidator]
public sealed partial class StorageOptionsValidator : IValidateOptions<StorageOptions>;

[OptionsValidator]
public sealed partial class AuthOptionsValidator : IValidateOptions<AuthOptions>;

[OptionsValidator]
public sealed partial class DocumentsOptionsValidator : IValidateOptions<DocumentsOptions>;

[OptionsValidator]
public sealed partial class AuditOptionsValidator : IValidateOptions<Audit.AuditOptions>;

[OptionsValidator]
public sealed partial class ReportingOptionsValidator : IValidateOptions<Reporting.ReportingOptions>;

[OptionsValidator]
public sealed partial class CertificateOptionsValidator : IValidateOptions<Review.CertificateOptions>;

[OptionsValidator]
public sealed partial class OfficeOptionsValidator : IValidateOptions<OfficeOptions>;

[OptionsValidator]
public sealed partial class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>;

[OptionsValidator]
public sealed partial class ForwardedHeadersSettingsValidator : IValidateOptions<ForwardedHeadersSettings>;

[OptionsValidator]
public sealed partial class ConsultationOptionsValidator : IValidateOptions<Consultations.ConsultationOptions>;

[OptionsValidator]
public sealed partial class GraphOptionsValidator : IValidateOptions<Mail.GraphOptions>;
