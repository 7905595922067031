using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Consultations;
using QualityAward.Domain.Identity;
using QualityAward.Domain.Policies;

namespace QualityAward.Functions.Reporting;

/// <summary>
/// The register after the award: consultations about holders, bans and money recovered. Left
/// out: a ban's cause, the details and files of adverse records, and every individual's identity
/// number (a holder's register key is shown only when it is an organisation's credit code).
/// </summary>
public static class HolderFacts
{
    /// <summary>
    /// One row per consultation about a holder that fell due, with the round the app opened for it
    /// (none when the policy has no consultation stage or mail is not configured: the office asks
    /// by other means) and what the departments said.
    /// </summary>
    public static IEnumerable<object?[]> ConsultationRows(
        HolderState holder,
        IReadOnlyDictionary<string, ApplicationState> applications,
        IReadOnlyDictionary<string, ConsultationState> consultations)
    {
        foreach (var due in holder.ConsultationsDue.OrderBy(d => d.DueOn).ThenBy(d => d.ApplicationId, StringComparer.Ordinal))
        {
            var id = ConsultationIds.ForHolder(due.ApplicationId, due.DueOn);
            var round = consultations.GetValueOrDefault(id);
            yield return
            [
                due.ApplicationId, applications.GetValueOrDefault(due.ApplicationId)?.CycleId ?? string.Empty, due.DueOn, due.At,
                round is null ? null : id, round?.Opened!.Departments.Count, round?.Answers.Count,
                holder.AdverseRecords.Count(r => r.ConsultationId == id && r.ApplicationId == due.ApplicationId),
            ];
        }
    }

    /// <summary>One row per ban recorded against the applicant; its length as the policy set it, never its cause.</summary>
    public static IEnumerable<object?[]> BanRows(string holderKey, HolderState holder) =>
        holder.Bans.Select(b => new object?[]
        {
            b.BanId, b.PolicyId, OrganisationKey(holderKey), ReportBuilder.Name(b.Reason), b.StartsOn,
            b.Unit == BanUnit.Years ? b.Length : null, b.Unit == BanUnit.Cycles ? b.Length : null, b.Unit == BanUnit.Permanent,

            // A ban in years ends on the anniversary (the eligibility rules refuse while today < start + years).
            b.Unit == BanUnit.Years ? b.StartsOn.AddYears(b.Length) : null,
            b.AllQualityAwards, b.Article, b.DecisionReference, b.At,
        });

    /// <summary>One row per payment back of a revoked award's money.</summary>
    public static IEnumerable<object?[]> RecoveryRows(HolderState holder, IReadOnlyDictionary<string, ApplicationState> applications) =>
        holder.Recoveries.Select(r => new object?[]
        {
            r.ApplicationId, applications.GetValueOrDefault(r.ApplicationId)?.CycleId ?? string.Empty, r.Yuan, r.RecoveredOn, r.Reference, r.At,
        });

    /// <summary>The register key when it is an organisation's unified social credit code; null for an identity number (personal data).</summary>
    public static string? OrganisationKey(string holderKey) =>
        CreditCode.Parse(holderKey).IsOk && !ResidentIdNumber.Parse(holderKey).IsOk ? holderKey : null;
}
