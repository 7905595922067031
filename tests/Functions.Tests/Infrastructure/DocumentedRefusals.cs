using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using QualityAward.Functions.Hosting;

namespace QualityAward.Functions.Tests.Infrastructure;

/// <summary>
/// Listens to one app's refusal counter (<see cref="FunctionGate"/>'s <c>qualityaward.http.refusals</c>,
/// by function, status and code) and says which answers its OpenAPI document does not list.
/// </summary>
public sealed class DocumentedRefusals : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Function, int Status, string Code), int> _seen = new();
    private readonly FunctionCatalog _catalog;

    public DocumentedRefusals(IServiceProvider services)
    {
        _catalog = services.GetRequiredService<FunctionCatalog>();
        var meters = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == FunctionGate.MeterName && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? function = null, code = null;
            var status = 0;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "function": function = tag.Value as string; break;
                    case "code": code = tag.Value as string; break;
                    case "status": status = tag.Value is int s ? s : 0; break;
                }
            }

            if (function is not null && code is not null)
            {
                _seen.AddOrUpdate((function, status, code), 1, (_, n) => n + 1);
            }
        });
        _listener.Start();
    }

    /// <summary>Answers with a code that the function's documented error responses do not name.</summary>
    public IReadOnlyList<string> Undocumented()
    {
        var wrong = new List<string>();
        foreach (var (function, status, code) in _seen.Keys)
        {
            if (code == "(none)" || _catalog.FindHttp(function) is not { } declared)
            {
                continue;
            }

            var documented = OpenApiDocument.ErrorCodes(declared);
            if (!documented.TryGetValue(status, out var codes) || !codes.Contains(code))
            {
                wrong.Add($"{function} answered {status} {code}");
            }
        }

        return wrong.Order(StringComparer.Ordinal).ToList();
    }

    public void Dispose() => _listener.Dispose();
}
