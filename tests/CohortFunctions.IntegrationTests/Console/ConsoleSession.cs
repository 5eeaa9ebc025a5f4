using System.Text.RegularExpressions;
using CohortFunctions.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace CohortFunctions.IntegrationTests.Console;

/// <summary>
/// One browser tab on the console of a <see cref="TestApp"/>, in a fresh browser context (its own sessionStorage),
/// at desktop (1280 px) or phone (390 px) width. Records what a test must never see: dialogs (an injected
/// <c>alert</c>), page errors and Content-Security-Policy violations.
/// </summary>
public sealed partial class ConsoleSession : IAsyncDisposable
{
    public const int DesktopWidth = 1280;
    public const int PhoneWidth = 390;

    private readonly IBrowserContext _context;

    private ConsoleSession(TestApp app, IBrowserContext context, IPage page)
    {
        App = app;
        _context = context;
        Page = page;
        page.Dialog += (_, dialog) =>
        {
            Problems.Add($"dialog: {dialog.Type} '{dialog.Message}'");
            _ = dialog.DismissAsync();
        };
        page.PageError += (_, error) => Problems.Add($"page error: {error}");
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.Contains("the server responded with a status of", StringComparison.Ordinal))
            {
                Problems.Add($"console error: {message.Text}");
            }
        };
    }

    public TestApp App { get; }

    public IPage Page { get; }

    /// <summary>Dialogs, script errors and CSP violations seen so far: a test asserts it stays empty.</summary>
    public List<string> Problems { get; } = [];

    public string Url(string hash = "") => new Uri(App.BaseAddress, "console" + hash).ToString();

    public static async Task<ConsoleSession> OpenAsync(TestApp app, int width = DesktopWidth)
    {
        ArgumentNullException.ThrowIfNull(app);
        var browser = await ConsoleBrowser.GetAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = width == PhoneWidth ? 844 : 900 },
            DeviceScaleFactor = 1,
            AcceptDownloads = true,
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(30_000);
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new BrowserContextGrantPermissionsOptions { Origin = app.BaseAddress.GetLeftPart(UriPartial.Authority) });
        var page = await context.NewPageAsync();
        return new ConsoleSession(app, context, page);
    }

    /// <summary>Signs in through the form: the app's function key, then a workspace typed as a new id.</summary>
    public async Task SignInAsync(string workspace)
    {
        await Page.GotoAsync(Url("#/sign-in"));
        await Page.GetByLabel("Function key").FillAsync(App.FunctionKey ?? "");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Page.GetByLabel("Or a new workspace id").FillAsync(workspace);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Open workspace" }).ClickAsync();
        try
        {
            // The console's routes are hash changes: poll the URL rather than wait for a navigation's load event,
            // which a same-document navigation racing the wait can leave pending until the timeout.
            await Assertions.Expect(Page).ToHaveURLAsync(HashRoute("partners"));
        }
        catch (PlaywrightException failure)
        {
            // Say what the page showed instead (a field error, or nothing: a call still pending), not only the wait.
            var errors = await Page.Locator("p.field-error").AllInnerTextsAsync();
            throw new TimeoutException($"Sign-in never reached #/partners; the page is at {Page.Url} and shows the errors [{string.Join(" | ", errors)}].", failure);
        }
    }

    /// <summary>Goes to a console page by its hash route and waits for its heading.</summary>
    public async Task GoAsync(string hash, string heading)
    {
        await Page.GotoAsync(Url(hash));
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(heading);
    }

    /// <summary>Saves a full-page screenshot under TestResults/console/ and returns its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var directory = Path.Combine(RepositoryRoot.Path, "TestResults", "console");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public static Regex HashRoute(string route) => new($"#/{Regex.Escape(route)}(\\?.*)?$");

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
