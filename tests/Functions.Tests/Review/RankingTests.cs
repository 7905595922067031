using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Applications;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Tests.Infrastructure;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Tests.Review;

/// <summary>
/// The composite ranking is read from the cycle's index rows (issue 20 item 3, decision 0024): one
/// partition query whatever the number of applications, showing what the records hold, a score as
/// soon as it is recorded, and rows written before they held scores through their records.
/// </summary>
public sealed class RankingTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private const string Cycle = "weihai-2026";
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));
    private TestApp _app = null!;
    private ReviewFlow _flow = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite, Start);
        _flow = new ReviewFlow(_app, Cycle, "weihai");
        await (await _flow.Office.PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-03-31" })).ExpectAsync(201);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Ranking_ShowsACompositeScoreAsSoonAsItIsRecorded_AtTheRecordsVersion()
    {
        var a = await ScoredAsync("威海甲精密机械有限公司", 1, 0.9m, 0.9m, 0.9m);
        var b = await ScoredAsync("威海乙精密机械有限公司", 2, 0.6m, 0.7m, 0.5m);
        Assert.Empty((await RankingAsync()).EnumerateArray());

        // The composite of one, recorded through its command: the next view shows it, at the version its record is at now.
        var computed = await Commands.RunAsync(b, new ComputeComposite(["sme"]), new Actor("office-1", Roles.Office), "composite-b", CancellationToken.None);
        Assert.Null(computed.Refusal);
        var entry = Assert.Single((await RankingAsync()).EnumerateArray());
        Assert.Equal((b, computed.State.Composite!.Score, computed.State.Version), (entry.Str("applicationId"), entry.GetProperty("score").GetDecimal(), entry.GetProperty("version").GetInt32()));
        Assert.Equal(["sme"], entry.GetProperty("preferences").EnumerateArray().Select(p => p.GetString()!).ToArray());
        Assert.Equal(computed.State.Scores[StageKind.SiteReview].Percent, entry.GetProperty("stagePercents").GetProperty("SiteReview").GetDecimal());

        await (await _flow.Office.PostJsonAsync($"/api/cycles/{Cycle}/composite", new { })).ExpectAsync(200);
        Assert.Equal([a, b], (await RankingAsync()).EnumerateArray().Select(e => e.Str("applicationId")).ToArray());
    }

    [Fact]
    public async Task Ranking_FromTheIndex_IsTheRankingOfTheRecords_TieBreakIncluded()
    {
        // b and c tie on the composite; c's site review (Weihai's first tie-break stage) is higher.
        var a = await ScoredAsync("威海甲精密机械有限公司", 1, 0.8m, 0.8m, 0.8m);
        var b = await ScoredAsync("威海乙精密机械有限公司", 2, 0.8m, 0.6m, 0.8m);
        var c = await ScoredAsync("威海丙精密机械有限公司", 3, 0.5m, 0.7m, 1.0m);
        var composite = await (await _flow.Office.PostJsonAsync($"/api/cycles/{Cycle}/composite", new { })).ExpectAsync(200);
        var ranking = await RankingAsync();

        var records = await RecordsRankingAsync(a, b, c);
        Assert.Equal([a, c, b], records.Select(r => r.Id).ToArray());
        Assert.Equal(records, Entries(ranking));
        Assert.Equal(records, Entries(composite));
        Assert.Equal(ranking[1].GetProperty("score").GetDecimal(), ranking[2].GetProperty("score").GetDecimal());
    }

    [Fact]
    public async Task Ranking_ReadsARowWrittenBeforeRowsHeldScores_FromItsRecord()
    {
        var a = await ScoredAsync("威海甲精密机械有限公司", 1, 0.6m, 0.6m, 0.6m);
        var b = await ScoredAsync("威海乙精密机械有限公司", 2, 0.9m, 0.9m, 0.9m);
        await (await _flow.Office.PostJsonAsync($"/api/cycles/{Cycle}/composite", new { })).ExpectAsync(200);

        // b's row as an earlier version of the app wrote it: no score summary.
        var index = _app.Services.GetRequiredService<ReadModels>().Table;
        var row = (await index.GetEntityAsync<TableEntity>(ApplicationIndex.CyclePartition(Cycle), b)).Value;
        Assert.True(row.Remove(ScoreSummary.Column));
        await index.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);

        Assert.Equal([b, a], (await RankingAsync()).EnumerateArray().Select(e => e.Str("applicationId")).ToArray());

        // Only the cycle's row holds the scores: the applicant's own row (their list) has none.
        var own = (await index.GetEntityAsync<TableEntity>(ApplicationIndex.OwnerPartition("applicant-1"), a)).Value;
        Assert.False(own.ContainsKey(ScoreSummary.Column));
    }

    [Fact]
    public async Task Ranking_TakesTheSameStorageRequests_WhateverTheNumberOfApplications()
    {
        await ScoredAsync("威海甲精密机械有限公司", 1, 0.8m, 0.8m, 0.8m);
        await (await _flow.Office.PostJsonAsync($"/api/cycles/{Cycle}/composite", new { })).ExpectAsync(200);
        var few = await CountRankingAsync();

        for (var n = 10; n < 16; n++)
        {
            await Applicants.SubmitAsync(_app, _app.As(Roles.Applicant, subject: $"applicant-{n}"), $"applicant-{n}", Cycle, Forms.WeihaiOrganisation($"威海计数{n}有限公司", ReviewFlow.CreditCodeFor(n)));
        }

        var many = await CountRankingAsync();

        // The cycle's stream (its policy's tie-break) and the cycle's index partition: two queries, at 2 applications and at 8.
        Assert.Equal(2, few.Count);
        Assert.Equal(few.Select(Shape), many.Select(Shape));
    }

    private ApplicationCommands Commands => _app.Services.GetRequiredService<ApplicationCommands>();

    private async Task<JsonElement> RankingAsync() => await (await _flow.Office.GetAsync($"/api/cycles/{Cycle}/ranking")).ExpectAsync(200);

    private async Task<IReadOnlyList<string>> CountRankingAsync()
    {
        await _app.SettleAsync();
        using var requests = new StorageRequests(_app);
        Assert.NotEmpty((await RankingAsync()).EnumerateArray());
        return requests.Seen;
    }

    /// <summary>A request without its query (the filter names the partition, the same at both sizes).</summary>
    private static string Shape(string request) => request.Split('?')[0];

    private static IReadOnlyList<(string Id, int Rank, decimal Score)> Entries(JsonElement ranking) =>
        ranking.EnumerateArray().Select(e => (e.Str("applicationId"), e.GetProperty("rank").GetInt32(), e.GetProperty("score").GetDecimal())).ToList();

    /// <summary>The ranking folded from the application streams themselves, as the candidates' decision reads them.</summary>
    private async Task<IReadOnlyList<(string Id, int Rank, decimal Score)>> RecordsRankingAsync(params string[] ids)
    {
        var streams = _app.Services.GetRequiredService<Streams>();
        var cycle = await streams.LoadAsync(StreamKinds.Cycle, CycleId.Parse(Cycle).Value.StreamId, CancellationToken.None);
        var entries = new List<ScoredApplication>();
        foreach (var id in ids)
        {
            var app = await streams.LoadAsync(StreamKinds.Application, ApplicationId.Parse(id).Value.StreamId, CancellationToken.None);
            entries.Add(new ScoredApplication(app.ApplicationId, app.Category, app.Composite!.Score, app.SubmittedAt!.Value,
                cycle.Policy.Scoring.TieBreak.Select(s => app.Scores.TryGetValue(s, out var x) ? x.Percent : decimal.MinValue).ToList()));
        }

        return Ranking.Rank(entries).Select(r => (r.Entry.ApplicationId, r.Rank, r.Entry.Score)).ToList();
    }

    /// <summary>Submitted, recommended, surveyed, accepted; then its three stage scores recorded (as a signed panel report records them): at the composite evaluation.</summary>
    private async Task<string> ScoredAsync(string name, int n, decimal material, decimal site, decimal presentation)
    {
        var subject = $"applicant-{n}";
        var id = await Applicants.SubmitAsync(_app, _app.As(Roles.Applicant, subject: subject), subject, Cycle, Forms.WeihaiOrganisation(name, ReviewFlow.CreditCodeFor(n)));
        await (await _app.As(Roles.Recommender, affiliation: "371000:huancui").PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐。" })).ExpectAsync(200);
        await (await _flow.Office.PostJsonAsync($"/api/applications/{id}/opinion-survey", new { favourable = true, summary = "未发现负面舆情" })).ExpectAsync(200);
        await (await _flow.Office.PostJsonAsync($"/api/applications/{id}/accept", new { })).ExpectAsync(200);

        var cycle = await _app.Services.GetRequiredService<Streams>().LoadAsync(StreamKinds.Cycle, CycleId.Parse(Cycle).Value.StreamId, CancellationToken.None);
        var max = cycle.Policy.Scoring.SheetFor(ApplicantCategory.Organisation).MaxTotal;
        foreach (var (stage, share) in new[] { (StageKind.MaterialReview, material), (StageKind.SiteReview, site), (StageKind.Presentation, presentation) })
        {
            var scored = await Commands.RunAsync(id, new RecordStageScore(stage, decimal.Round(max * share, 2), $"{stage}-report"), Actor.System, $"score-{id}-{stage}", CancellationToken.None);
            Assert.Null(scored.Refusal);
        }

        Assert.Equal(StageKind.CompositeEvaluation, (await _app.Services.GetRequiredService<Streams>().LoadAsync(StreamKinds.Application, ApplicationId.Parse(id).Value.StreamId, CancellationToken.None)).Stage);
        return id;
    }
}
