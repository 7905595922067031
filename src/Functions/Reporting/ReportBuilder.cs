using System.Text.Json;
using Microsoft.DurableTask.Client;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Calendar;
using QualityAward.Domain.Consultations;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Notices;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Review;
using QualityAward.Functions.Awards;
using QualityAward.Functions.Consultations;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Review;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Reporting;

/// <summary>
/// Builds the star schema from the stored events: every cycle, application, notice and
/// consultation stream is folded (read by <see cref="ExportStreams"/>), nothing comes from read models (which may lag); the
/// orchestrations' status comes from the task hub (<see cref="OrchestrationFacts"/>). What
/// the office does not need to see in a report is left out: contact persons, identity numbers,
/// individuals' names, the owner's sign-in subject, documents (trade secrets), eligibility
/// answers, free-text reasons, objectors' identities and departments' respondents.
/// </summary>
public sealed class ReportBuilder(CalendarProvider calendars)
{
    /// <summary>
    /// The tables from <paramref name="streams"/> (every stream of the store with its events, in
    /// ordinal order of the stream id: <see cref="ExportStreams"/>) and the task hub.
    /// </summary>
    public async Task<IReadOnlyList<ReportTable>> BuildAsync(IEnumerable<KeyValuePair<string, IReadOnlyList<StoredEvent>>> streams, DurableTaskClient durable, CancellationToken ct)
    {
        var cycles = new List<CycleState>();
        var applications = new List<(ApplicationState State, IReadOnlyList<StoredEvent> Events)>();
        var notices = new List<(NoticeState State, IReadOnlyList<StoredEvent> Events)>();
        var consultations = new List<(ConsultationState State, IReadOnlyList<StoredEvent> Events)>();
        var holders = new List<(string Key, HolderState State)>();
        var reviews = new List<(string CycleId, ReviewState State, IReadOnlyList<StoredEvent> Events)>();
        var pool = ExpertPoolState.Initial;
        foreach (var (streamId, events) in streams)
        {
            if (events.Count == 0)
            {
                continue;
            }

            if (streamId.StartsWith("cycle-", StringComparison.Ordinal))
            {
                cycles.Add(Fold(StreamKinds.Cycle, events));
            }
            else if (streamId.StartsWith("application-", StringComparison.Ordinal))
            {
                applications.Add((Fold(StreamKinds.Application, events), events));
            }
            else if (streamId.StartsWith("notice-", StringComparison.Ordinal))
            {
                notices.Add((Fold(StreamKinds.Notice, events), events));
            }
            else if (streamId.StartsWith("consultation-", StringComparison.Ordinal))
            {
                consultations.Add((Fold(ConsultationStreams.Kind, events), events));
            }
            else if (streamId.StartsWith("holder-", StringComparison.Ordinal))
            {
                holders.Add((streamId["holder-".Length..], Fold(HolderStreams.Holder, events)));
            }
            else if (streamId.StartsWith("review-", StringComparison.Ordinal))
            {
                reviews.Add((streamId["review-".Length..], Fold(ReviewStreams.Review, events), events));
            }
            else if (streamId == ExpertPoolState.StreamId)
            {
                pool = Fold(ReviewStreams.Pool, events);
            }
        }

        notices.RemoveAll(n => !n.State.Exists);
        notices.Sort((a, b) => string.CompareOrdinal(a.State.Opened!.NoticeId, b.State.Opened!.NoticeId));
        consultations.RemoveAll(c => !c.State.Exists);
        consultations.Sort((a, b) => string.CompareOrdinal(a.State.Opened!.ConsultationId, b.State.Opened!.ConsultationId));
        holders.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        var calendar = await calendars.CurrentAsync(ct);

        var cycleById = cycles.ToDictionary(c => c.CycleId, StringComparer.Ordinal);
        string PolicyOf(string cycleId) => cycleById.TryGetValue(cycleId, out var c) ? c.PolicyId : string.Empty;
        var applicationById = applications.ToDictionary(a => a.State.ApplicationId, a => a.State, StringComparer.Ordinal);
        var consultationById = consultations.ToDictionary(c => c.State.Opened!.ConsultationId, c => c.State, StringComparer.Ordinal);
        reviews.Sort((a, b) => string.CompareOrdinal(a.CycleId, b.CycleId));
        var stages = new ReportStages(cycleById);
        var orchestrations = await OrchestrationFacts.RowsAsync(
            durable,
            new OrchestrationSubjects(
                cycleById.Keys.ToHashSet(StringComparer.Ordinal),
                notices.ToDictionary(n => n.State.Opened!.NoticeId, n => n.State.Opened!.CycleId, StringComparer.Ordinal),
                consultations.ToDictionary(c => c.State.Opened!.ConsultationId, c => c.State.Opened!.CycleId, StringComparer.Ordinal),
                applications.ToDictionary(a => a.State.ApplicationId, a => a.State.CycleId, StringComparer.Ordinal)),
            ct);

        return
        [
            Table("dim_policy", ReportSchema.DimPolicy, PolicyRows(cycles)),
            Table("dim_cycle", ReportSchema.DimCycle, cycles.OrderBy(c => c.CycleId, StringComparer.Ordinal).Select(CycleRow)),
            Table("dim_stage", ReportSchema.DimStage, stages.Rows()),
            Table("dim_district", ReportSchema.DimDistrict, DistrictRows(cycles)),
            Table("dim_industry", ReportSchema.DimIndustry, IndustryRows(applications.Select(a => a.State))),
            Table("dim_department", ReportSchema.DimDepartment, Enum.GetValues<Department>().Select(DepartmentRow)),
            Table("dim_application_status", ReportSchema.Label, LabelRows<ApplicationStatus>(Labels.Zh, Labels.En, ApplicationStatus.None)),
            Table("dim_category", ReportSchema.Label, LabelRows<ApplicantCategory>(Labels.Zh, Labels.En)),
            Table("dim_organisation_size", ReportSchema.Label, LabelRows<OrganisationSize>(Labels.Zh, Labels.En)),
            Table("dim_sector", ReportSchema.Label, LabelRows<Sector>(Labels.Zh, Labels.En)),
            Table("dim_industry_sector", ReportSchema.Label, LabelRows<IndustrySector>(Labels.Zh, Labels.En)),
            Table("dim_recommender_kind", ReportSchema.Label, LabelRows<RecommenderKind>(Labels.Zh, Labels.En)),
            Table("dim_tier", ReportSchema.Label, LabelRows<AwardTier>(Labels.Zh, Labels.En)),
            Table("dim_notice_list", ReportSchema.Label, LabelRows<NoticeList>(Labels.Zh, Labels.En)),
            Table("dim_ban_reason", ReportSchema.Label, LabelRows<BanReason>(Labels.Zh, Labels.En)),
            Table("dim_recusal_basis", ReportSchema.Label, LabelRows<RecusalBasis>(Labels.Zh, Labels.En)),
            Table("dim_orchestration_kind", ReportSchema.Label, OrchestrationFacts.KindRows()),
            Table("dim_orchestration_status", ReportSchema.Label, OrchestrationFacts.StatusRows()),
            Table("fact_application", ReportSchema.FactApplication, applications.Select(a => ApplicationRow(a.State, a.Events, PolicyOf(a.State.CycleId), stages))),
            Table("fact_stage_duration", ReportSchema.FactStageDuration, applications.SelectMany(a => StageRows(a.State, a.Events, calendar))),
            Table("fact_score", ReportSchema.FactScore, applications.SelectMany(a => ScoreRows(a.State, a.Events, stages))),
            Table("fact_award", ReportSchema.FactAward, applications.Where(a => a.State.Award is not null).Select(a => AwardRow(a.State, PolicyOf(a.State.CycleId)))),
            Table("fact_revocation", ReportSchema.FactRevocation, applications.Where(a => a.State.Revocation is not null).Select(a => RevocationRow(a.State, cycleById.GetValueOrDefault(a.State.CycleId)))),
            Table("fact_recovery", ReportSchema.FactRecovery, holders.SelectMany(h => HolderFacts.RecoveryRows(h.State, applicationById))),
            Table("fact_notice", ReportSchema.FactNotice, notices.SelectMany(n => ProcessFacts.NoticeRows(n.State, n.Events, PolicyOf(n.State.Opened!.CycleId), stages))),
            Table("fact_objection", ReportSchema.FactObjection, notices.SelectMany(n => ProcessFacts.ObjectionRows(n.State, n.Events, PolicyOf(n.State.Opened!.CycleId), calendar))),
            Table("fact_consultation_reply", ReportSchema.FactConsultationReply, consultations.SelectMany(c => ProcessFacts.ConsultationReplyRows(c.State, c.Events, cycleById.GetValueOrDefault(c.State.Opened!.CycleId), stages, calendar))),
            Table("dim_reviewer", ReportSchema.DimReviewer, AftercareFacts.ReviewerRows(pool)),
            Table("dim_panel", ReportSchema.DimPanel, reviews.SelectMany(r => PanelFacts.PanelRows(r.CycleId, r.State))),
            Table("fact_panel_member", ReportSchema.FactPanelMember, reviews.SelectMany(r => PanelFacts.MemberRows(r.CycleId, r.State))),
            Table("fact_panel_assignment", ReportSchema.FactPanelAssignment, reviews.SelectMany(r => PanelFacts.AssignmentRows(r.CycleId, r.State, r.Events, stages))),
            Table("fact_review_score", ReportSchema.FactReviewScore, reviews.SelectMany(r => AftercareFacts.ReviewScoreRows(r.CycleId, r.State, r.Events, stages))),
            Table("fact_recusal", ReportSchema.FactRecusal, reviews.SelectMany(r => PanelFacts.RecusalRows(r.CycleId, r.State))),
            Table("fact_conduct_rating", ReportSchema.FactConductRating, reviews.SelectMany(r => PanelFacts.ConductRatingRows(r.CycleId, r.State))),
            Table("fact_inspection", ReportSchema.FactInspection, holders.SelectMany(h => AftercareFacts.InspectionRows(h.State, applicationById, PolicyOf))),
            Table("fact_holder_consultation", ReportSchema.FactHolderConsultation, holders.SelectMany(h => HolderFacts.ConsultationRows(h.State, applicationById, consultationById))),
            Table("fact_ban", ReportSchema.FactBan, holders.SelectMany(h => HolderFacts.BanRows(h.Key, h.State))),
            Table("fact_orchestration", ReportSchema.FactOrchestration, orchestrations),
        ];
    }

    /// <summary>
    /// A stream's state from its events, folded afresh (not through the app's fold cache, which
    /// trusts a version it has seen): the report shows what is stored, a row rewritten in place included.
    /// </summary>
    private static TState Fold<TState, TEvent>(StreamKind<TState, TEvent> kind, IReadOnlyList<StoredEvent> events)
        where TEvent : IDomainEvent
    {
        var state = kind.Initial;
        foreach (var e in events)
        {
            state = kind.Evolve(state, (TEvent)e.Event);
        }

        return state;
    }

    private static ReportTable Table(string name, IReadOnlyList<ReportColumn> columns, IEnumerable<object?[]> rows) =>
        new(name, columns, ReportSchema.Rows(columns, rows));

    /// <summary>The key that joins an application to its district: policy and district together (districts are per city).</summary>
    public static string DistrictKey(string policyId, string districtId) => $"{policyId}/{districtId}";

    /// <summary>One row per code of a vocabulary, in the order the domain declares them (what the sort order follows).</summary>
    private static IEnumerable<object?[]> LabelRows<TEnum>(Func<TEnum, string> zh, Func<TEnum, string> en, params TEnum[] leaveOut)
        where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().Except(leaveOut).Select((v, i) => new object?[] { Name(v), zh(v), en(v), i + 1 });

    /// <summary>One row per policy in use, as the most recently opened cycle copied it.</summary>
    private static List<object?[]> PolicyRows(IEnumerable<CycleState> cycles) =>
    [
        .. cycles
            .GroupBy(c => c.PolicyId, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(c => c.OpenedAt).First().Policy)
            .OrderBy(p => p.Id, StringComparer.Ordinal)
            .Select(p => new object?[]
            {
                p.Id, p.City.Code, p.City.Name, p.City.NameEn, p.AwardName, p.Document.Title, p.Document.Number,
                Name(p.Document.Status), Labels.Zh(p.Document.Status), Labels.En(p.Document.Status),
                p.Document.IssuedOn, p.Document.ValidFrom, p.Document.ValidTo, p.Cycle.LengthYears,
            }),
    ];

    private static object?[] CycleRow(CycleState c) =>
    [
        c.CycleId, c.PolicyId, c.Year, c.Title, c.SubmissionOpensOn, c.SubmissionClosesOn, c.SubmissionsClosed,
        Name(c.Status), Labels.Zh(c.Status), Labels.En(c.Status), c.OpenedAt, c.Announcement?.AnnouncedOn, c.Announcement?.Reference, c.Rehearsal,
    ];

    private static List<object?[]> DistrictRows(IEnumerable<CycleState> cycles) =>
    [
        .. cycles
            .GroupBy(c => c.PolicyId, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(c => c.OpenedAt).First().Policy)
            .SelectMany(p => p.City.Districts.Select(d => new object?[] { DistrictKey(p.Id, d.Id), p.Id, d.Id, d.Name, d.Code }))
            .OrderBy(r => (string)r[0]!, StringComparer.Ordinal),
    ];

    /// <summary>The GB/T 4754 industry codes applicants gave, with their section (门类).</summary>
    private static List<object?[]> IndustryRows(IEnumerable<ApplicationState> applications) =>
    [
        .. applications
            .Select(a => a.Form.IndustryCode?.Trim().ToUpperInvariant())
            .Where(code => !string.IsNullOrEmpty(code))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(code => new object?[] { code, code![..1], IndustrySections.NameOf(code[0]) }),
    ];

    /// <summary>The departments as the consultation mails and pages name them (the domain's names).</summary>
    private static object?[] DepartmentRow(Department d) => [Name(d), Labels.Zh(d), Labels.En(d)];

    private static object?[] ApplicationRow(ApplicationState a, IReadOnlyList<StoredEvent> events, string policyId, ReportStages stages)
    {
        var organisation = a.Category == ApplicantCategory.Organisation;
        var form = a.Form;
        return
        [
            a.ApplicationId, a.CycleId, policyId, Name(a.Category), Name(a.Status), a.Stage is { } stage ? Name(stage) : null,
            stages.KeyOf(a.CycleId, a.StageIndex), stages.TitleOf(a.CycleId, a.StageIndex),
            form.DistrictId is { Length: > 0 } district ? DistrictKey(policyId, district) : null, form.DistrictId,
            form.RecommenderKind is { } kind ? Name(kind) : null, form.RecommenderId,
            form.IndustryCode?.Trim().ToUpperInvariant(), form.IndustrySector is { } sector ? Name(sector) : null,
            organisation && form.Size is { } size ? Name(size) : null, Name(form.SectorFor(a.Category)),

            // Organisations' names and credit codes are published in notices; an individual's name is personal data.
            organisation ? form.Name : null, organisation ? form.CreditCode : null,
            a.CreatedAt, a.SubmittedAt, EndedAt(events), a.Award is not null,
        ];
    }

    /// <summary>The instant the application stopped moving: awarded, or closed for any reason (the first such event).</summary>
    private static DateTimeOffset? EndedAt(IReadOnlyList<StoredEvent> events) =>
        events.Select(e => e.Event).FirstOrDefault(IsEnding) is IApplicationEvent ending ? ending.At : null;

    private static bool IsEnding(IDomainEvent e) => e is ApplicationWithdrawn or RecommendationDeclined or ApplicationRefused
        or ApplicationNotSelected or ApplicationAwarded or ApplicationDisqualified
        or ShortlistDecided { Shortlisted: false };

    /// <summary>
    /// One row per stage entered: from its StageEntered to the next one (it passed), or to the
    /// event that ended the application (passed if that was the award, else it ended there). The
    /// last row is the stage the application is in, or ended in.
    /// </summary>
    private static List<object?[]> StageRows(ApplicationState a, IReadOnlyList<StoredEvent> events, WorkingDayCalendar calendar)
    {
        var spans = new List<(StageEntered Entered, DateTimeOffset? LeftAt, bool Passed, bool EndedHere)>();
        StageEntered? open = null;
        foreach (var e in events.Select(s => s.Event))
        {
            if (e is StageEntered entered)
            {
                if (open is not null)
                {
                    spans.Add((open, entered.At, true, false));
                }

                open = entered;
            }
            else if (open is not null && IsEnding(e))
            {
                var awarded = e is ApplicationAwarded;
                spans.Add((open, ((IApplicationEvent)e).At, awarded, !awarded));
                open = null;
            }
        }

        if (open is not null)
        {
            spans.Add((open, null, false, false));
        }

        return
        [
            .. spans.Select((s, i) => new object?[]
            {
                a.ApplicationId, a.CycleId, s.Entered.StageIndex, Name(s.Entered.Stage), ReportStages.Key(a.CycleId, s.Entered.StageIndex),
                s.Entered.At, s.LeftAt,
                s.LeftAt is { } left ? Math.Round((left - s.Entered.At).TotalHours, 4) : null,
                s.LeftAt is { } l ? ProcessFacts.WorkingDaysAfter(calendar, s.Entered.At, l) : null,
                i == spans.Count - 1, s.Passed, s.EndedHere,
            }),
        ];
    }

    /// <summary>Every score as it was recorded (a stage scored twice shows both, in order).</summary>
    private static IEnumerable<object?[]> ScoreRows(ApplicationState a, IReadOnlyList<StoredEvent> events, ReportStages stages)
    {
        foreach (var e in events.Select(s => s.Event))
        {
            switch (e)
            {
                case StageScored s:
                    yield return [a.ApplicationId, a.CycleId, "stage", Name(s.Stage), stages.KeyOf(a.CycleId, s.Stage), s.Points, s.MaxPoints, s.Percent, null, s.At];
                    break;
                case CompositeScored c:
                    yield return
                    [
                        a.ApplicationId, a.CycleId, "composite", Name(StageKind.CompositeEvaluation), stages.KeyOf(a.CycleId, StageKind.CompositeEvaluation),
                        c.Score, null, c.Score, c.PreferenceBonus, c.At,
                    ];
                    break;
            }
        }
    }

    private static object?[] AwardRow(ApplicationState a, string policyId)
    {
        var award = a.Award!;
        return
        [
            a.ApplicationId, a.CycleId, policyId, Name(a.Category), Name(award.Tier), award.Year, award.AwardedOn,
            award.MoneyYuan, award.OutsideQuota, string.Join("；", award.Prizes), award.AnnouncementReference, a.Revocation is not null,
        ];
    }

    /// <summary>One row per revoked award, with the ground in the words of the cycle's policy.</summary>
    private static object?[] RevocationRow(ApplicationState a, CycleState? cycle)
    {
        var r = a.Revocation!;
        var ground = cycle?.Policy.Revocation.Grounds.FirstOrDefault(g => g.Code == r.GroundCode && g.Category == a.Category);
        return
        [
            a.ApplicationId, a.CycleId, cycle?.PolicyId ?? string.Empty, r.GroundCode, ground?.Text, Name(r.Consequence), r.RevokedOn,
            r.MoneyToRecoverYuan, r.DecisionReference,
        ];
    }

    /// <summary>Enum values as the API and stored events spell them (camelCase).</summary>
    internal static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}

/// <summary>The sections (门类) of GB/T 4754-2017, the national industry classification.</summary>
public static class IndustrySections
{
    private static readonly Dictionary<char, string> Names = new()
    {
        ['A'] = "农、林、牧、渔业",
        ['B'] = "采矿业",
        ['C'] = "制造业",
        ['D'] = "电力、热力、燃气及水生产和供应业",
        ['E'] = "建筑业",
        ['F'] = "批发和零售业",
        ['G'] = "交通运输、仓储和邮政业",
        ['H'] = "住宿和餐饮业",
        ['I'] = "信息传输、软件和信息技术服务业",
        ['J'] = "金融业",
        ['K'] = "房地产业",
        ['L'] = "租赁和商务服务业",
        ['M'] = "科学研究和技术服务业",
        ['N'] = "水利、环境和公共设施管理业",
        ['O'] = "居民服务、修理和其他服务业",
        ['P'] = "教育",
        ['Q'] = "卫生和社会工作",
        ['R'] = "文化、体育和娱乐业",
        ['S'] = "公共管理、社会保障和社会组织",
        ['T'] = "国际组织",
    };

    public static string? NameOf(char section) => Names.GetValueOrDefault(section);
}
