using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using QualityAward.Functions.Hosting;

namespace QualityAward.Functions.Tests.Hosting;

/// <summary>
/// What every function must declare, read from the assembly as the host and the gate read it: who
/// may call each HTTP function, its documentation, and parameters both hosts can bind.
/// </summary>
public sealed class FunctionDeclarationTests
{
    private static readonly FunctionCatalog Catalog = FunctionCatalog.Instance;

    [Fact]
    public void EveryHttpFunction_DeclaresWhoMayCallIt()
    {
        var undeclared = Catalog.Http.Where(f => f.Access is null).Select(f => f.Name).ToList();

        Assert.True(undeclared.Count == 0, "HTTP functions that declare no access ([Allow], [SignedIn], [ApplicantPage] or [Public]): " + string.Join(", ", undeclared));
    }

    [Fact]
    public void EveryHttpFunction_IsDescribedForTheOpenApiDocument()
    {
        var undescribed = Catalog.Http.Where(f => f.Api is null).Select(f => f.Name).ToList();

        Assert.True(undescribed.Count == 0, "HTTP functions without [Api]: " + string.Join(", ", undescribed));
    }

    [Fact]
    public void FunctionNames_AreUnique()
    {
        var names = Catalog.Http.Select(f => f.Name).Concat(Catalog.Timers.Select(t => t.Name)).Concat(Catalog.Queues.Select(q => q.Name))
            .Concat(Catalog.Others.Select(m => m.GetCustomAttribute<Microsoft.Azure.Functions.Worker.FunctionAttribute>()!.Name)).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void HttpFunctions_TakeOnlyWhatBothHostsBind_AndAnswerWithAResult()
    {
        var wrong = new List<string>();
        foreach (var function in Catalog.Http)
        {
            foreach (var parameter in function.Method.GetParameters())
            {
                var ok = parameter.ParameterType == typeof(HttpRequest)
                    || parameter.ParameterType == typeof(CancellationToken)
                    || (parameter.ParameterType == typeof(string) && function.RouteParameters.Contains(parameter.Name!, StringComparer.Ordinal));
                if (!ok)
                {
                    wrong.Add($"{function.Name}: parameter {parameter.Name} ({parameter.ParameterType.Name})");
                }
            }

            var returns = function.Method.ReturnType;
            var answer = returns.IsGenericType && returns.GetGenericTypeDefinition() == typeof(Task<>) ? returns.GetGenericArguments()[0] : returns;
            if (answer != typeof(IResult) && answer != typeof(IActionResult))
            {
                wrong.Add($"{function.Name}: returns {returns.Name}, not IResult or IActionResult");
            }

            if (!function.Method.DeclaringType!.IsPublic)
            {
                wrong.Add($"{function.Name}: its class is not public, so the worker cannot index it");
            }

            if (function.Methods.Count == 0)
            {
                wrong.Add($"{function.Name}: no HTTP method");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void RateLimitedFunctions_NameAPolicyThatExists()
    {
        var unknown = Catalog.Http.Where(f => f.RateLimit is { } p && !RateLimitGate.IsPolicy(p)).Select(f => $"{f.Name}: {f.RateLimit}").ToList();

        Assert.Empty(unknown);
    }

    [Fact]
    public void Routes_AreUniqueByMethod()
    {
        var routes = Catalog.Http.SelectMany(f => f.Methods.Select(m => $"{m} {f.Route}")).ToList();

        Assert.Equal(routes.Count, routes.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }
}
