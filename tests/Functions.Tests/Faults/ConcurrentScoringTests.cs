using System.Diagnostics;
using QualityAward.Domain;
using QualityAward.Functions.Tests.Infrastructure;
using QualityAward.Functions.Tests.Review;
using Xunit.Abstractions;

namespace QualityAward.Functions.Tests.Faults;

/// <summary>
/// Fifty reviewers scoring at once. A panel has at most 30 members, so two applications of one
/// cycle at the material review, 25 reviewers each: all 50 scores are appends to the cycle's one
/// review stream, raced against each other, and each must be stored exactly once.
/// </summary>
[Collection(Serial.Name)]
public sealed class ConcurrentScoringTests(Azurite azurite, ITestOutputHelper output) : IClassFixture<Azurite>, IAsyncLifetime
{
    private const string Cycle = "weihai-2026";
    private const int PerPanel = 25;
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

    private async Task<string> AcceptedAsync(string name, int n)
    {
        var subject = $"applicant-{n}";
        var client = _app.As(Roles.Applicant, subject: subject);
        var created = await (await client.PostJsonAsync($"/api/cycles/{Cycle}/applications", new { category = "organisation" })).ExpectAsync(201);
        var id = created.Str("applicationId");
        await (await client.PutJsonAsync($"/api/applications/{id}/form", Forms.WeihaiOrganisation(name, ReviewFlow.CreditCodeFor(n)))).ExpectAsync(200);
        await Applicants.AttachReportAsync(_app, id, subject);
        await (await client.PostAsync($"/api/applications/{id}/submit", null)).ExpectAsync(200);
        await (await _app.As(Roles.Recommender, affiliation: "371000:huancui").PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐。" })).ExpectAsync(200);
        await (await _flow.Office.PostJsonAsync($"/api/applications/{id}/opinion-survey", new { favourable = true, summary = "未发现负面舆情" })).ExpectAsync(200);
        var accepted = await (await _flow.Office.PostJsonAsync($"/api/applications/{id}/accept", new { })).ExpectAsync(200);
        Assert.Equal("materialReview", accepted.Str("stage"));
        return id;
    }

    [Fact]
    public async Task FiftyReviewersScoringAtOnce_LoseNoScore()
    {
        var applications = new[] { await AcceptedAsync("威海甲精密机械有限公司", 1), await AcceptedAsync("威海乙电子有限公司", 2) };
        var panels = new List<(string ApplicationId, string[] Members)>();
        for (var p = 0; p < applications.Length; p++)
        {
            var members = Enumerable.Range(1, PerPanel).Select(i => $"exp-{p + 1}-{i:00}").ToArray();
            foreach (var member in members)
            {
                await _flow.AddExpertAsync(member, "山东大学（威海）");
            }

            await _flow.FormPanelAsync($"panel-{p + 1}", members[0], members);
            await _flow.AssignAsync(applications[p], "materialReview", $"panel-{p + 1}");
            panels.Add((applications[p], members));
        }

        // Every request built before the start line; then all 50 go at once.
        var sheet = await _flow.ItemsAsync(0.8m);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        var racing = panels.SelectMany(p => p.Members.Select(async member =>
        {
            var reviewer = _flow.Reviewer(member);
            await go.Task;
            using var response = await reviewer.PostJsonAsync($"/api/applications/{p.ApplicationId}/reviews/materialReview/scores", new { items = sheet });
            return (member, Status: (int)response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        })).ToList();
        go.SetResult();
        var results = await Task.WhenAll(racing);
        clock.Stop();

        output.WriteLine($"{results.Length} concurrent score submissions on one review stream in {clock.Elapsed.TotalSeconds:0.00} s: " +
            string.Join(", ", results.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()}×{g.Key}")));
        Assert.Equal(2 * PerPanel, results.Length);
        Assert.All(results, r => Assert.True(r.Status == 200, $"{r.member}: {r.Status} {r.Body}"));

        // Read back through the API: every reviewer's score once, with the items they sent.
        var expectedTotal = sheet.Values.Sum();
        foreach (var (applicationId, members) in panels)
        {
            var scores = await (await _flow.Office.GetAsync($"/api/applications/{applicationId}/reviews/materialReview/scores")).ExpectAsync(200);
            var stored = scores.GetProperty("scores").EnumerateArray().ToList();
            Assert.Equal(members.Order(StringComparer.Ordinal), stored.Select(s => s.Str("expertId")).Order(StringComparer.Ordinal));
            Assert.All(stored, s => Assert.Equal(expectedTotal, s.GetProperty("total").GetDecimal()));
            Assert.Empty(scores.GetProperty("waiting").EnumerateArray());

            var history = await (await _flow.Office.GetAsync($"/api/cycles/{Cycle}/review-history?applicationId={applicationId}")).ExpectAsync(200);
            var submitted = history.EnumerateArray().Where(e => e.Str("type") == "ReviewScoreSubmitted").Select(e => e.Str("actorName")).ToList();
            Assert.Equal(members.Order(StringComparer.Ordinal), submitted.Order(StringComparer.Ordinal));
        }
    }
}
