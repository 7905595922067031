using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using QualityAward.Domain;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Tests.Infrastructure;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Tests.Hosting;

/// <summary>The Functions host's side: the trigger table, function.json, and the custom-handler payloads.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CustomHandlerTests(Azurite azurite) : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public void TriggerTable_EveryTimerAndQueueTrigger_HasAHandler_AndEveryHandlerIsDeclared()
    {
        var handlers = _app.Services.GetServices<ITriggerFunction>().Select(f => f.Name).Order().ToArray();
        var declared = TriggerTable.All.Where(t => t.Kind != TriggerKind.Http).Select(t => t.Name).Order().ToArray();

        Assert.Equal(declared, handlers);
        Assert.Equal(TriggerTable.All.Count, TriggerTable.All.Select(t => t.Name).Distinct().Count());
    }

    [Fact]
    public void FunctionJson_IsWrittenForEveryTrigger_WithItsBinding()
    {
        var dir = Directory.CreateTempSubdirectory("qa-functions-");
        try
        {
            var written = TriggerTable.WriteFunctionJson(dir.FullName, "prod");

            Assert.Equal(TriggerTable.All.Count, written.Count);
            foreach (var trigger in TriggerTable.All)
            {
                var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.FullName, trigger.Name, "function.json")))!;
                var binding = json["bindings"]![0]!;
                switch (trigger.Kind)
                {
                    case TriggerKind.Http:
                        Assert.Equal("httpTrigger", (string?)binding["type"]);
                        Assert.Equal(trigger.Route, (string?)binding["route"]);
                        break;
                    case TriggerKind.Timer:
                        Assert.Equal("timerTrigger", (string?)binding["type"]);
                        Assert.Equal(trigger.Schedule, (string?)binding["schedule"]);
                        Assert.Equal(6, trigger.Schedule!.Split(' ').Length); // the host's six-field NCRONTAB, in UTC
                        break;
                    case TriggerKind.Queue:
                        Assert.Equal("queueTrigger", (string?)binding["type"]);
                        Assert.Equal($"prod-{trigger.Queue}", (string?)binding["queueName"]);
                        Assert.Equal(TriggerTable.QueueConnection, (string?)binding["connection"]);
                        break;
                }
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void HostJson_DeclaresTheCustomHandler_AndPassesHttpThrough()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "host.json")))!;

        Assert.Equal("2.0", (string?)host["version"]);
        var handler = host["customHandler"]!;
        Assert.True((bool?)handler["enableProxyingHttpRequest"] ?? (bool?)handler["enableForwardingHttpRequest"] ?? false);
        Assert.Equal("app/QualityAward.Functions", (string?)handler["description"]!["defaultExecutablePath"]);
        Assert.Equal(string.Empty, (string?)host["extensions"]!["http"]!["routePrefix"]);
    }

    [Fact]
    public async Task TimerPayload_FiresTheSubmissionDeadline_OnceWhenDue()
    {
        var office = _app.As(Roles.Office);
        await (await office.PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);
        var payload = """{"Data": {"timer": {"Schedule": {}, "IsPastDue": false}}, "Metadata": {"sys": {"MethodName": "Timers"}}}""";

        // Not yet due: nothing happens.
        var early = await (await _app.Anonymous().PostAsync("/Timers", new StringContent(payload, Encoding.UTF8, "application/json"))).ExpectAsync(200);
        Assert.Contains("0 timers fired", early.GetProperty("Logs")[0].GetString());

        // The last day ends at midnight Shanghai time (16:00 UTC): one second later the timer is due.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 30, 16, 0, 1, TimeSpan.Zero));
        var fired = await (await _app.Anonymous().PostAsync("/Timers", new StringContent(payload, Encoding.UTF8, "application/json"))).ExpectAsync(200);
        Assert.Contains("1 timers fired", fired.GetProperty("Logs")[0].GetString());
        Assert.True(fired.TryGetProperty("Outputs", out _));

        var again = await (await _app.Anonymous().PostAsync("/Timers", new StringContent(payload, Encoding.UTF8, "application/json"))).ExpectAsync(200);
        Assert.Contains("0 timers fired", again.GetProperty("Logs")[0].GetString());
        var cycle = await (await _app.Anonymous().GetAsync("/api/cycles/weihai-2026")).ExpectAsync(200);
        Assert.False(cycle.GetProperty("acceptingSubmissions").GetBoolean());
        var history = await _app.Services.GetRequiredService<QualityAward.Functions.Storage.EventStore>().ReadAsync("cycle-weihai-2026", CancellationToken.None);
        Assert.Single(history, e => e.Type == "SubmissionsClosed");
    }

    [Theory]
    [InlineData("/Timers", "not json")]
    [InlineData("/Timers", "{\"Metadata\": {}}")]
    [InlineData("/Reactions", "{\"Data\": {}}")]
    public async Task TriggerEndpoint_WithoutAPayload_Is400(string path, string body)
    {
        var response = await _app.Anonymous().PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        await response.ExpectAsync(400);
    }

    [Fact]
    public async Task QueuePayload_WithAMessageNamingNoEvent_FailsSoTheHostRetries()
    {
        var body = """{"Data": {"message": "{\"streamId\": \"cycle-none\", \"version\": 7}"}, "Metadata": {"DequeueCount": 1}}""";

        var response = await _app.Anonymous().PostAsync("/Reactions", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(500, (int)response.StatusCode);
        Assert.Contains("Logs", await response.Content.ReadAsStringAsync());
    }
}
