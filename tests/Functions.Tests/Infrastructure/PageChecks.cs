using System.Text.Json;
using Microsoft.Playwright;

namespace QualityAward.Functions.Tests.Infrastructure;

/// <summary>
/// What every page must pass, in a real Chromium: a viewport meta, nothing wider than a 390 px
/// phone (wide tables scroll inside themselves), and axe-core (node_modules/axe-core, a
/// devDependency) with no serious or critical violation. Screenshots at 390 px and 1280 px go to
/// the test output (screenshots/), for people to look at; they are not compared pixel by pixel.
/// The page's context needs BypassCSP: the app's CSP forbids every script, axe's included.
/// </summary>
public static class PageChecks
{
    public static readonly int[] Widths = [390, 1280];

    private static readonly Lazy<string> AxeSource = new(() => File.ReadAllText(Find("node_modules/axe-core/axe.min.js")));

    public static string ScreenshotDirectory => Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>Check the page now open under <paramref name="name"/> (the screenshots' file names).</summary>
    public static async Task AssertFitAsync(IPage page, string name)
    {
        Assert.Equal(1, await page.Locator("meta[name=viewport][content*='width=device-width']").CountAsync());
        Directory.CreateDirectory(ScreenshotDirectory);
        foreach (var width in Widths)
        {
            await page.SetViewportSizeAsync(width, 900);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, $"{name}-{width}.png"), FullPage = true });
            var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            Assert.True(scrollWidth <= width, $"{name}: the page is {scrollWidth} px wide at a {width} px viewport (it must read without scrolling sideways).");
        }

        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = AxeSource.Value });
        var violations = await page.EvaluateAsync<JsonElement>(
            """
            async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' @ ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))
            """);
        var found = violations.EnumerateArray().Select(v => v.GetString()).ToList();
        Assert.True(found.Count == 0, $"{name}: axe-core finds serious or critical problems:\n" + string.Join("\n", found));
    }

    private static string Find(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"{relative} is missing: run `npm ci` at the repository root (axe-core is a devDependency).");
    }
}
