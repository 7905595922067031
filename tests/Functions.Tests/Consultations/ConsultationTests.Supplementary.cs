using System.Net;
using QualityAward.Domain;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Consultations;

/// <summary>
/// Changde §13: every accepted applicant is checked with the departments. One that reaches the
/// consultation after its stage's round opened is asked in a supplementary round of its own.
/// </summary>
public sealed partial class ConsultationTests
{
    [Fact]
    public async Task LateApplication_IsAskedInASupplementaryRound_AndOpeningAgainWithNobodyNewChangesNothing()
    {
        var first = await AtConsultationAsync("常德癸食品有限公司");
        var opened = await OpenAsync();
        Assert.Equal(RoundId, opened.Str("consultationId"));
        Assert.Equal(5, _graph.Delivered.Count);

        // Nobody new: the first round is answered, unchanged, and no mail goes.
        var again = await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles/changde-2026/consultations", new { })).ExpectAsync(200);
        Assert.Equal(RoundId, again.Str("consultationId"));

        var late = await AtConsultationAsync("常德子饮料有限公司");
        var supplementary = await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles/changde-2026/consultations", new { })).ExpectAsync(201);
        var roundTwo = RoundId + "-2";
        Assert.Equal(roundTwo, supplementary.Str("consultationId"));
        Assert.Equal([late], supplementary.GetProperty("applicants").EnumerateArray().Select(a => a.Str("applicationId")));
        Assert.Contains("补充第1轮", supplementary.Str("title"), StringComparison.Ordinal);
        await _app.SettleAsync();
        var roundTwoMails = _graph.Delivered.Where(m => m.Link?.Contains($"/consultations/{roundTwo}/", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(Addresses.Values.Order(), roundTwoMails.Select(m => m.To).Order());

        var rounds = await (await _app.As(Roles.Office).GetAsync("/api/cycles/changde-2026/consultations")).ExpectAsync(200);
        Assert.Equal([RoundId, roundTwo], rounds.EnumerateArray().Select(r => r.Str("consultationId")));
        Assert.Equal(200, (int)(await _app.As(Roles.Office).PostJsonAsync("/api/cycles/changde-2026/consultations", new { })).StatusCode);

        // The late applicant's round closes on its own answers; the first applicant still waits for its round.
        foreach (var department in Addresses.Keys)
        {
            var link = new Uri(Assert.Single(roundTwoMails, m => m.To == Addresses[department]).Link!);
            var token = Uri.UnescapeDataString(link.Query.Split("t=")[1]);
            var fields = new Dictionary<string, string> { ["v-" + late] = "none", ["t"] = token, ["respondentName"] = "王科员" };
            Assert.Equal(HttpStatusCode.OK, (await _app.Anonymous().PostAsync($"/forms/consultations/{roundTwo}/{department}", new FormUrlEncodedContent(fields))).StatusCode);
        }

        await _app.SettleAsync();
        Assert.Equal("formalReview", (await ApplicationAsync(late)).Str("stage"));
        Assert.Equal("consultation", (await ApplicationAsync(first)).Str("stage"));
    }
}
