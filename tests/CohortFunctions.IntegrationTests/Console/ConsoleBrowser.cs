using Microsoft.Playwright;

namespace CohortFunctions.IntegrationTests.Console;

/// <summary>
/// One headless Chromium for the whole test run: Debian's package at <c>/usr/bin/chromium</c> (or
/// <see cref="ExecutableVariable"/>), driven by Playwright's bundled Node driver. <c>playwright install</c> cannot
/// download browsers here, so <c>./test.sh</c> installs the package; a missing browser fails the tests, never skips them.
/// </summary>
public static class ConsoleBrowser
{
    /// <summary>Set this to use another Chromium or Chrome binary.</summary>
    public const string ExecutableVariable = "COHORT_TEST_CHROMIUM";

    public const string DefaultExecutable = "/usr/bin/chromium";

    private static readonly Lazy<Task<IBrowser>> Instance = new(LaunchAsync);

    public static Task<IBrowser> GetAsync() => Instance.Value;

    private static async Task<IBrowser> LaunchAsync()
    {
        var executable = Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } configured ? configured : DefaultExecutable;
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"No Chromium at {executable}: install Debian's package (apt-get install chromium; ./test.sh does it as root) or set {ExecutableVariable}.");
        }

        // Waits sized for a loaded 2-core CI machine, where a page's first render can take seconds; a passing
        // assertion returns as soon as it holds.
        Assertions.SetDefaultExpectTimeout(20_000);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            browser.CloseAsync().GetAwaiter().GetResult();
            playwright.Dispose();
        };
        return browser;
    }
}
