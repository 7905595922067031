using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Tests.Infrastructure;

/// <summary>
/// Award holders for host tests, without the review endpoints (built apart): the application is
/// drafted, filled and submitted through the API as its owner, then every later stage is completed
/// through <see cref="ApplicationCommands"/> (the same path the endpoints and reactions use) with the
/// commands the policy's stages expect — the recommender's recommendation, the office's acceptance,
/// notices passed, stage scores (<see cref="RecordStageScore"/>), composite, candidacy, proposal,
/// each approval step and <see cref="ConferAward"/>. Every step goes through the real decider
/// against the real stored cycle; a refusal fails the test naming the step.
/// </summary>
public static class Holders
{
    public static async Task OpenCycleAsync(TestApp app, string policyId, int year, string opensOn, string closesOn) =>
        await (await app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId, year, submissionOpensOn = opensOn, submissionClosesOn = closesOn, acknowledgeWarnings = true })).ExpectAsync(201);

    /// <summary>
    /// Submit <paramref name="form"/> in the cycle as <paramref name="subject"/> and walk it to an
    /// award conferred on <paramref name="awardedOn"/>. Returns the application id. A caller that
    /// wants a stage done its own way (a real panel, a real notice) passes <paramref name="doStage"/>:
    /// given the application id, the stage's index and rule, it returns true when it has moved the
    /// application on itself.
    /// </summary>
    public static async Task<string> AwardAsync(TestApp app, string cycleId, string subject, object form, DateOnly awardedOn, Func<string, int, StageRule, Task<bool>>? doStage = null)
    {
        var id = await Applicants.SubmitAsync(app, app.As(Roles.Applicant, subject: subject), subject, cycleId, form);
        var streams = app.Services.GetRequiredService<Streams>();
        var office = new Actor("office-test", Roles.Office, "评委会办公室");
        var cycle = await streams.LoadAsync(StreamKinds.Cycle, CycleId.Parse(cycleId).Value.StreamId, CancellationToken.None);
        var policy = cycle.Policy;

        Task Do(IApplicationCommand command, Actor actor) => RunAsync(app, id, command, actor);

        for (var guard = 0; guard < policy.Stages.Count * 2; guard++)
        {
            var state = await streams.LoadAsync(StreamKinds.Application, ApplicationId.Parse(id).Value.StreamId, CancellationToken.None);
            var stage = policy.Stages[state.StageIndex];
            if (doStage is not null && await doStage(id, state.StageIndex, stage))
            {
                continue;
            }

            var points = policy.Scoring.SheetFor(state.Category).MaxTotal * 0.8m;
            switch (stage.Kind)
            {
                case StageKind.Recommendation:
                    await Do(new Recommend("经初审，同意推荐。", stage.GovernmentApproval ? "区政府批复〔2026〕3号" : null), new Actor("recommender-test", Roles.Recommender, "推荐单位", state.Form.RecommenderId));
                    break;
                case StageKind.Consultation:
                    await Do(new ConcludeConsultation(), office);
                    break;
                case StageKind.FormalReview:
                    await Do(new Domain.Applications.Accept(null), office);
                    break;
                case StageKind.PublicNotice:
                    await Do(new PassNotice(NoticeId.For(CycleId.Parse(cycleId).Value, stage.List!.Value).Value, stage.List!.Value), office);
                    break;
                case StageKind.OpinionSurvey:
                    await Do(new RecordOpinionSurvey(true, "舆情调查未发现负面信息。"), office);
                    break;
                case StageKind.MaterialReview:
                    await Do(new RecordStageScore(stage.Kind, points, "材料评审报告1号"), office);
                    if (stage.Shortlist)
                    {
                        await Do(new ApplyShortlistDecision(true, 1), office);
                    }

                    break;
                case StageKind.SiteReview or StageKind.Presentation:
                    await Do(new RecordStageScore(stage.Kind, points, $"{stage.Kind}报告"), office);
                    break;
                case StageKind.CustomerSatisfaction:
                    await Do(new RecordStageScore(stage.Kind, 80m, "顾客满意度测评报告"), office);
                    break;
                case StageKind.CompositeEvaluation:
                    await Do(new ComputeComposite([]), office);
                    await Do(new ApplyCandidacy(policy.Tiers[0], 1), office);
                    break;
                case StageKind.Deliberation:
                    await Do(new ApplyProposal(policy.Tiers[0]), office);
                    break;
                case StageKind.Approval:
                    foreach (var step in stage.Approvals!)
                    {
                        await Do(new GrantApproval(step.Code, $"批复〔{awardedOn.Year}〕{step.Code}"), office);
                    }

                    await Do(new ConferAward($"政府公告〔{awardedOn.Year}〕1号", awardedOn), office);
                    return id;
                default:
                    throw new InvalidOperationException($"The holder helper does not complete {stage.Kind}.");
            }
        }

        throw new InvalidOperationException($"{cycleId}: the walk never reached the approval stage.");
    }

    /// <summary>One command on the application through <see cref="ApplicationCommands"/>; a refusal fails the test.</summary>
    public static async Task RunAsync(TestApp app, string applicationId, IApplicationCommand command, Actor actor)
    {
        var outcome = await app.Services.GetRequiredService<ApplicationCommands>().RunAsync(applicationId, command, actor, Guid.NewGuid().ToString("N"), CancellationToken.None);
        Assert.True(outcome.Refusal is null, $"{command.GetType().Name} was refused: {outcome.Refusal}");
    }
}
