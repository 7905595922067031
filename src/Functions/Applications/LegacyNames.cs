using System.Security.Claims;
using QualityAward.Domain.Applications;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Applications;

/// <summary>
/// The helpers of the applications slice under the names the other slices called them by before it
/// became functions (<see cref="ApplicationFunctions"/>): consultations, review and decisions, the
/// applicant pages. Those slices move to functions in parallel and keep calling these names, so
/// they stay, forwarding, until every caller names <see cref="ApplicationFunctions"/>; then delete.
/// </summary>
public static class ApplicationEndpoints
{
    public static Task<IResult> RunAsync(HttpContext http, ApplicationCommands commands, string applicationId, IApplicationCommand command, string role, CancellationToken ct) =>
        ApplicationFunctions.RunAsync(http, commands, applicationId, command, role, ct);

    public static Task<IResult> RunAsync<TRequest>(HttpContext http, ApplicationCommands commands, Streams streams, string applicationId, Func<TRequest, IApplicationCommand> command, string role, CancellationToken ct)
        where TRequest : class =>
        ApplicationFunctions.RunAsync(http, commands, streams, applicationId, command, role, ct);

    public static Task<ApplicationState?> LoadVisibleAsync(string applicationId, ClaimsPrincipal user, Streams streams, CancellationToken ct) =>
        ApplicationFunctions.LoadVisibleAsync(applicationId, user, streams, ct);

    public static bool CanRead(ClaimsPrincipal user, ApplicationState app, bool assignedReviewer = false) =>
        ApplicationFunctions.CanRead(user, app, assignedReviewer);

    public static bool IsOwner(ClaimsPrincipal user, ApplicationState app) => ApplicationFunctions.IsOwner(user, app);

    public static bool MaySeeTradeSecrets(ClaimsPrincipal user, ApplicationState app, bool assignedReviewer = false) =>
        ApplicationFunctions.MaySeeTradeSecrets(user, app, assignedReviewer);

    public static ApplicationView View(ApplicationState app, ClaimsPrincipal user, bool assignedReviewer = false) =>
        ApplicationFunctions.View(app, user, assignedReviewer);
}
