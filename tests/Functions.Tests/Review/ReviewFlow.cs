using System.Net.Http.Headers;
using System.Text.Json;
using QualityAward.Domain;
using QualityAward.Domain.Identity;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Review;

/// <summary>What the review tests do through the API, step by step.</summary>
public sealed class ReviewFlow(TestApp app, string cycleId, string policyId)
{
    public TestApp App { get; } = app;

    public HttpClient Office { get; } = app.As(Roles.Office, subject: "office-1", name: "评审办公室");

    public HttpClient Supervisor { get; } = app.As(Roles.Supervisor, subject: "supervisor-1", name: "监督组");

    public HttpClient Committee { get; } = app.As(Roles.Committee, subject: "committee-1", name: "领导小组秘书");

    public HttpClient Reviewer(string expertId) => App.As(Roles.Reviewer, subject: expertId, name: expertId);

    /// <summary>A valid credit code per number: the organisation-code check and the final check computed as GB 32100 says.</summary>
    public static string CreditCodeFor(int n)
    {
        for (var salt = 0; ; salt++)
        {
            var body = $"M{(n * 37) + salt:D7}";
            if (CreditCode.OrganisationCheckCharacter(body) is { } orgCheck)
            {
                var first17 = $"91371000{body}{orgCheck}";
                var code = first17 + CreditCode.CheckCharacter(first17);
                if (CreditCode.Parse(code).IsOk)
                {
                    return code;
                }
            }
        }
    }

    public async Task AddExpertAsync(string expertId, string employer, string? employerCreditCode = null) =>
        await (await Office.PostJsonAsync("/api/experts", new { expertId, name = $"专家{expertId}", employer, employerCreditCode, field = "卓越绩效管理", industryCodes = new[] { "C3670" }, contact = "0631-5200000" })).ExpectAsync(201);

    public async Task FormPanelAsync(string panelId, string leader, params string[] members) =>
        await (await Office.PostJsonAsync($"/api/cycles/{cycleId}/panels", new { panelId, name = $"评审组{panelId}", members, leader })).ExpectAsync(201);

    public async Task<JsonElement> AssignAsync(string applicationId, string stage, string panelId) =>
        await (await Office.PostJsonAsync($"/api/cycles/{cycleId}/assignments", new { applicationId, stage, panelId })).ExpectAsync(200);

    private readonly Dictionary<string, Dictionary<string, int>> _sheets = [];

    /// <summary>The policy's sheet for a category: item code → max.</summary>
    public async Task<Dictionary<string, int>> SheetAsync(string category = "organisation")
    {
        if (!_sheets.TryGetValue(category, out var items))
        {
            var policy = await (await App.Anonymous().GetAsync($"/api/policies/{policyId}")).ExpectAsync(200);
            var sheet = policy.GetProperty("scoring").GetProperty("sheets").EnumerateArray().First(s => s.Str("category") == category);
            items = _sheets[category] = sheet.GetProperty("items").EnumerateArray().ToDictionary(i => i.Str("code"), i => i.GetProperty("max").GetInt32());
        }

        return items;
    }

    /// <summary>Every item at the same share of its maximum (the sheets' maxima are multiples of 5: one decimal is exact).</summary>
    public async Task<Dictionary<string, decimal>> ItemsAsync(decimal share, string category = "organisation") =>
        (await SheetAsync(category)).ToDictionary(i => i.Key, i => decimal.Round(i.Value * share, 1));

    public async Task<HttpResponseMessage> ScoreAsync(string expertId, string applicationId, string stage, decimal share, string category = "organisation") =>
        await Reviewer(expertId).PostJsonAsync($"/api/applications/{applicationId}/reviews/{stage}/scores", new { items = await ItemsAsync(share, category) });

    /// <summary>The panel scores independently, the leader signs; the reaction records the stage score.</summary>
    public async Task ReviewAsync(string applicationId, string stage, string panelId, string leader, IReadOnlyList<string> members, decimal share, string category = "organisation")
    {
        await AssignAsync(applicationId, stage, panelId);
        foreach (var member in members)
        {
            await (await ScoreAsync(member, applicationId, stage, share, category)).ExpectAsync(200);
        }

        await (await Reviewer(leader).PostJsonAsync($"/api/applications/{applicationId}/reviews/{stage}/report", new { summary = $"{stage}评审组报告：符合标准要求" })).ExpectAsync(200);
        await App.SettleAsync();
    }

    public async Task<JsonElement> ApplicationAsync(string applicationId) =>
        await (await Office.GetAsync($"/api/applications/{applicationId}")).ExpectAsync(200);

    public async Task<IReadOnlyList<string>> HistoryTypesAsync(string applicationId) =>
        (await (await Office.GetAsync($"/api/applications/{applicationId}/history")).ExpectAsync(200)).EnumerateArray().Select(e => e.Str("type")).ToList();

    /// <summary>Upload a small PDF marked as a trade secret to a draft, through the real upload endpoint.</summary>
    public static async Task<string> UploadTradeSecretAsync(HttpClient owner, string applicationId)
    {
        var bytes = new byte[2_000];
        new Random(applicationId.Length).NextBytes(bytes);
        "%PDF-1.7\n1 0 obj\n<< >>\nstream\n"u8.CopyTo(bytes);
        "\nendstream\nendobj\n%%EOF\n"u8.CopyTo(bytes.AsSpan(bytes.Length - 24));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/applications/{applicationId}/documents?kind=evidence&tradeSecret=true&name={Uri.EscapeDataString("工艺参数.pdf")}")
        {
            Content = new ByteArrayContent(bytes),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var created = await (await owner.SendAsync(request)).ExpectAsync(201);
        return created.Str("documentId");
    }
}
