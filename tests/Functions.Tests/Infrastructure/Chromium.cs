using Microsoft.Playwright;

namespace QualityAward.Functions.Tests.Infrastructure;

/// <summary>
/// A real headless Chromium (Debian's, at /usr/bin/chromium or CHROMIUM_PATH) driven by
/// Playwright, shared by the page tests. Nothing is downloaded: the browser is the system's.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ExecutablePath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"Chromium is not installed at {ExecutablePath}: `apt-get install -y chromium` (the test command does it under CI=true), or set CHROMIUM_PATH.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}

public static class BrowserPatience
{
    /// <summary>
    /// How long a page step may take: the page tests run side by side with other test classes on
    /// two shared cores, where a navigation that takes 100 ms alone can take tens of seconds.
    /// </summary>
    public const float Milliseconds = 90_000;

    /// <summary>A browser context whose pages wait as long as a busy machine needs (Playwright's default is 30 s).</summary>
    public static async Task<IBrowserContext> NewPatientContextAsync(this IBrowser browser, BrowserNewContextOptions options)
    {
        var context = await browser.NewContextAsync(options);
        context.SetDefaultTimeout(Milliseconds);
        context.SetDefaultNavigationTimeout(Milliseconds);
        return context;
    }
}
