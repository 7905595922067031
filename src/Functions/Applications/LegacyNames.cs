using System.Security.Claims;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Functions.Hosting;
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

/// <summary>
/// The file helpers of <see cref="DocumentFunctions"/> under their old names, for objection
/// evidence, department answers and the applicant pages (see <see cref="ApplicationEndpoints"/>).
/// </summary>
public static class DocumentEndpoints
{
    public static Task<DocumentFunctions.StoreOutcome> StoreAsync(
        string applicationId,
        UploadInput input,
        Stream body,
        long? declaredLength,
        Actor actor,
        string documentId,
        BlobClient blob,
        string commandId,
        ApplicationCommands commands,
        DocumentsOptions limits,
        ILogger logger,
        CancellationToken ct) =>
        DocumentFunctions.StoreAsync(applicationId, input, body, declaredLength, actor, documentId, blob, commandId, commands, limits, logger, ct);

    public static Task<DocumentFunctions.FileOutcome> StoreFileAsync(
        BlobClient blob,
        Stream body,
        long? declaredLength,
        Func<FileSignature, IReadOnlyList<FileType>, BlobUploadOptions> uploadOptions,
        DocumentsOptions limits,
        ILogger logger,
        string scope,
        CancellationToken ct) =>
        DocumentFunctions.StoreFileAsync(blob, body, declaredLength, uploadOptions, limits, logger, scope, ct);

    public static BlobUploadOptions EvidenceUploadOptions(string originalName, FileSignature signature, IReadOnlyList<FileType> candidates, IDictionary<string, string> metadata) =>
        DocumentFunctions.EvidenceUploadOptions(originalName, signature, candidates, metadata);

    public static Outcome<UploadInput> ReadInput(string? kind, string? tradeSecret, string? name) => DocumentFunctions.ReadInput(kind, tradeSecret, name);

    public static string BlobName(string applicationId, string documentId) => DocumentFunctions.BlobName(applicationId, documentId);

    internal static Task DeleteQuietlyAsync(BlobClient blob, ILogger logger) => DocumentFunctions.DeleteQuietlyAsync(blob, logger);
}
