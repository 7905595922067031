using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using QualityAward.Domain;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Applications;

/// <summary>
/// The example application forms in examples/forms ({preset}-{category}.json): one for each preset
/// and each category its policy admits, valid as shipped (each file, as it is on disk, is saved to a
/// draft of a cycle of its preset and submitted), and the very examples the OpenAPI document shows
/// for <c>PUT /api/applications/{applicationId}/form</c>.
/// </summary>
public sealed class ExampleFormTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static readonly string Folder = Path.Combine(Repository.Root, "examples", "forms");

    public static TheoryData<string> Presets => new(PolicyPresets.Ids);

    private static string Category(ApplicantCategory category) => category == ApplicantCategory.Individual ? "individual" : "organisation";

    [Fact]
    public void Examples_CoverEachPresetAndEachCategoryItAdmits_AndNothingElse()
    {
        var expected = PolicyPresets.Ids
            .SelectMany(id => PolicyPresets.Get(id).Categories.Select(c => $"{id}-{Category(c)}.json"))
            .Order(StringComparer.Ordinal);
        var present = Directory.GetFiles(Folder, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(expected, present);
        // Benxi's policy (§2) admits organisations only: no individual's example.
        Assert.False(File.Exists(Path.Combine(Folder, "benxi-individual.json")));
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public async Task EachExample_IsSavedAndSubmitted_InACycleOfItsPreset(string preset)
    {
        await using var app = await TestApp.StartAsync(azurite);
        await (await app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = preset, year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30", acknowledgeWarnings = true })).ExpectAsync(201);
        foreach (var category in PolicyPresets.Get(preset).Categories.Select(Category))
        {
            var subject = $"applicant-{preset}-{category}-{Guid.NewGuid():N}";
            var applicant = app.As(Roles.Applicant, subject: subject);
            var created = await (await applicant.PostJsonAsync($"/api/cycles/{preset}-2026/applications", new { category })).ExpectAsync(201);
            var id = created.Str("applicationId");

            // The file's own bytes, not a re-serialisation: what a person would send with curl -d @file.
            using var body = new StringContent(await File.ReadAllTextAsync(Path.Combine(Folder, $"{preset}-{category}.json")), Encoding.UTF8);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var saved = await (await applicant.PutAsync($"/api/applications/{id}/form", body)).ExpectAsync(200);
            Assert.Equal(category, saved.Str("category"), ignoreCase: true);
            await Applicants.AttachReportAsync(app, id, subject);
            var submitted = await (await applicant.PostAsync($"/api/applications/{id}/submit", null)).ExpectAsync(200);
            Assert.Equal("inProcess", submitted.Str("status"));
            // Nothing for the office to check: the example meets every eligibility rule of its preset.
            var seen = await (await app.As(Roles.Office).GetAsync($"/api/applications/{id}")).ExpectAsync(200);
            Assert.True(seen.GetProperty("officeFlags").GetArrayLength() == 0, $"{preset}-{category}: {seen.GetProperty("officeFlags")}");
        }
    }

    [Fact]
    public async Task OpenApi_ShowsEveryExampleFile_AsAnExampleOfTheFormBody()
    {
        await using var app = await TestApp.StartAsync(azurite);
        var document = JsonNode.Parse(await (await app.Anonymous().GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync())!;
        var examples = document["paths"]!["/api/applications/{applicationId}/form"]!["put"]!["requestBody"]!["content"]!["application/json"]!["examples"]!.AsObject();
        var files = Directory.GetFiles(Folder, "*.json");
        Assert.Equal(files.Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal), examples.Select(e => e.Key).Order(StringComparer.Ordinal));
        foreach (var file in files)
        {
            var value = examples[Path.GetFileNameWithoutExtension(file)]!["value"]!;
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(file)), value), $"{Path.GetFileName(file)} differs from the document's example.");
        }
    }
}
