using QualityAward.Domain.Applications;
using QualityAward.Domain.Eligibility;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Awards;

/// <summary>One application of the applicant as its own stream tells it, with the policy of its cycle.</summary>
public sealed record RecordedApplication(ApplicationState Application, AwardPolicy Policy);

/// <summary>
/// What intake decides on, from the events alone: the bans the office recorded on the applicant's
/// stream, and the awards, revocations and disqualifications for false materials that the
/// applications linked there record on their own streams. Every one of those is an event under the
/// audit chain; the register table is a cache built from them and is never read to decide.
/// </summary>
public static class ApplicantRecord
{
    /// <summary>The applicant's history for an application under <paramref name="policy"/> (its city's award; bans for all quality awards count under any).</summary>
    public static ApplicantHistory History(AwardPolicy policy, HolderState holder, IReadOnlyList<RecordedApplication> applications, IReadOnlyList<CycleSummary> cityCycles)
    {
        var awards = new List<PastAward>();
        var bans = new List<BanRecord>();
        foreach (var (app, appPolicy) in applications)
        {
            var samePolicy = appPolicy.Id == policy.Id;
            if (app.Award is { } award && samePolicy)
            {
                awards.Add(new PastAward
                {
                    CycleId = app.CycleId,
                    Tier = award.Tier,
                    AwardedOn = award.AwardedOn,
                    Revoked = app.Status == ApplicationStatus.Revoked,
                    QualityModel = app.Form.QualityModel,
                });
            }

            if (app.Revocation is { } revoked)
            {
                var ground = appPolicy.Revocation.Grounds.FirstOrDefault(g => g.Code == revoked.GroundCode && g.Category == app.Category);
                AddBan(bans, appPolicy, samePolicy, revoked.Consequence, revoked.RevokedOn, $"撤销奖励（{ground?.Text ?? revoked.Reason}）");
            }

            if (app.Disqualification is { Ground: DisqualificationGround.FalseMaterials } disqualified)
            {
                AddBan(bans, appPolicy, samePolicy, BanReason.FalseMaterials, ShanghaiTime.DateOf(disqualified.At), HolderDecider.ReasonZh(BanReason.FalseMaterials));
            }
        }

        bans.AddRange(holder.Bans
            .Where(b => b.PolicyId == policy.Id || b.AllQualityAwards)
            .Select(b => new BanRecord
            {
                Reason = b.Reason,
                StartsOn = b.StartsOn,
                Unit = b.Unit,
                Length = b.Length,
                AllQualityAwards = b.AllQualityAwards,
                Article = b.Article,
                Cause = b.Cause,
            }));
        return new ApplicantHistory { Awards = awards, Bans = bans, CityCycles = cityCycles };
    }

    /// <summary>The ban the application's policy attaches to <paramref name="reason"/>, if it has one and it reaches <c>policy</c>.</summary>
    private static void AddBan(List<BanRecord> bans, AwardPolicy appPolicy, bool samePolicy, BanReason reason, DateOnly startsOn, string cause)
    {
        if (appPolicy.Bans.FirstOrDefault(b => b.Reason == reason) is { } rule && (samePolicy || rule.AllQualityAwards))
        {
            bans.Add(new BanRecord
            {
                Reason = reason,
                StartsOn = startsOn,
                Unit = rule.Unit,
                Length = rule.Length,
                AllQualityAwards = rule.AllQualityAwards,
                Article = rule.Article,
                Cause = cause,
            });
        }
    }
}
