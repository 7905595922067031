using QualityAward.Domain.Applications;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Applications;

/// <summary>
/// The application decider, command by command: given a history (built by
/// <see cref="ApplicationBuilder"/>), when a command by an actor at an instant, then events or a
/// refusal. Split by concern: drafting, submission, the first review, the scored review, the
/// award, and the ways an application ends.
/// </summary>
public partial class ApplicationDeciderTests
{
    /// <summary>One row of a refusal table.</summary>
    public sealed record Case(Func<ApplicationBuilder> Given, IApplicationCommand When, Actor By, DateTimeOffset? At = null)
    {
        public Decision<IApplicationEvent> Run()
        {
            var given = Given();
            return given.Decide(When, By, At);
        }
    }

    private static ApplicationBuilder Weihai(ApplicantCategory category = ApplicantCategory.Organisation) =>
        ApplicationBuilder.Under("weihai", category);

    private static ApplicationBuilder Changde(ApplicantCategory category = ApplicantCategory.Organisation) =>
        ApplicationBuilder.Under("changde", category);

    private static readonly Actor Office = Actors.Office;

    private static readonly Actor Applicant = Actors.Applicant;
}
