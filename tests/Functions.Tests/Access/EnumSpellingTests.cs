using System.Text.Json;
using System.Text.RegularExpressions;
using QualityAward.Domain;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Access;

/// <summary>
/// One vocabulary (issue 18 item 6): an enum value has one spelling in every response, camelCase as
/// the API's JSON options write it (<c>organisation</c>, <c>inProcess</c>, <c>materialReview</c>),
/// whether a record carries the enum itself, its name as a string, or a read-model row's copy of it.
/// </summary>
public sealed partial class EnumSpellingTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static readonly DateTimeOffset BenxiStart = new(2026, 1, 5, 9, 0, 0, TimeSpan.FromHours(8));

    /// <summary>The fields that carry an enum value (or a list of them) in the API's responses.</summary>
    private static readonly HashSet<string> EnumFields = new(StringComparer.Ordinal)
    {
        "status", "stage", "category", "categories", "tier", "tiers", "kind", "department", "departments",
        "reason", "unit", "runtimeStatus", "sector", "sectors", "recommenders", "documentStatus", "consequence",
    };

    [GeneratedRegex("^[A-Z][a-z]+(?:[A-Z][a-z]*)*$")]
    private static partial Regex PascalCase();

    [Fact]
    public async Task EveryGetEndpoint_SpellsEnumValuesInCamelCase()
    {
        await using var app = await TestApp.StartAsync(azurite, BenxiStart);
        await Holders.OpenCycleAsync(app, "benxi", 2026, "2026-01-05", "2026-03-31");
        var subject = "applicant-" + Guid.NewGuid().ToString("N");
        var id = await Applicants.SubmitAsync(app, app.As(Roles.Applicant, subject: subject), subject, "benxi-2026", Forms.BenxiOrganisation("本溪精工铸造有限公司"));
        await (await app.As(Roles.Recommender, affiliation: "210500:pingshan").PostJsonAsync($"/api/applications/{id}/recommend", new { opinion = "同意推荐。" })).ExpectAsync(200);
        var accepted = await (await app.As(Roles.Office).PostJsonAsync($"/api/applications/{id}/accept", new { })).ExpectAsync(200);
        await app.SettleAsync();

        // The list the brief names: an application's own view and the list's row agree, in camelCase.
        Assert.Equal(("organisation", "inProcess", "publicNotice"), (accepted.Str("category"), accepted.Str("status"), accepted.Str("stage")));
        var row = Assert.Single((await (await app.As(Roles.Office).GetAsync("/api/applications?cycleId=benxi-2026")).ExpectAsync(200)).EnumerateArray(), r => r.Str("applicationId") == id);
        Assert.Equal(("organisation", "inProcess", "publicNotice"), (row.Str("category"), row.Str("status"), row.Str("stage")));

        var walked = new List<string>();
        var wrong = new List<string>();
        foreach (var route in EndpointList.Of(app).Where(r => r.StartsWith("GET /api/", StringComparison.Ordinal)))
        {
            var path = route[4..]
                .Replace("{cycleId}", "benxi-2026", StringComparison.Ordinal)
                .Replace("{applicationId}", id, StringComparison.Ordinal)
                .Replace("{policyId}", "benxi", StringComparison.Ordinal)
                .Replace("{id}", "benxi", StringComparison.Ordinal);
            if (path.Contains('{', StringComparison.Ordinal))
            {
                continue; // a route about something this cycle has none of (a notice id, a round, a file)
            }

            path += "?cycleId=benxi-2026"; // lists that take a cycle; the others ignore it
            var response = await app.As(Roles.Office).GetAsync(path);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType != "application/json")
            {
                continue;
            }

            walked.Add(path);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); // a preset's source is JSONC
            Walk(json.RootElement, path, null, wrong);
        }

        Assert.Contains("/api/applications?cycleId=benxi-2026", walked);
        Assert.Contains($"/api/applications/{id}?cycleId=benxi-2026", walked);
        Assert.True(wrong.Count == 0, "enum values not in camelCase:\n" + string.Join('\n', wrong));
    }

    private static void Walk(JsonElement e, string path, string? field, List<string> wrong)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    Walk(p.Value, $"{path}.{p.Name}", p.Name, wrong);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in e.EnumerateArray())
                {
                    Walk(item, $"{path}[{i++}]", field, wrong);
                }

                break;
            case JsonValueKind.String when field is not null && EnumFields.Contains(field) && PascalCase().IsMatch(e.GetString()!):
                wrong.Add($"{path} = {e.GetString()}");
                break;
        }
    }
}
