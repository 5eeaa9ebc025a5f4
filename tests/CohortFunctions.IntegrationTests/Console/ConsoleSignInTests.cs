using CohortFunctions.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CohortFunctions.IntegrationTests.Console;

/// <summary>Signing in and out: the function key lives in sessionStorage only, a wrong key is refused with the API's message, a 401 ends the session.</summary>
public sealed class ConsoleSignInTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string KeyStorage = "cohort-console.function-key";

    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task SignIn_RightKeyThenSignOut_KeyOnlyInSessionStorageAndClearedAfter()
    {
        // Arrange
        var workspace = TestIds.Workspace();
        await _app.Client.CreateKeyAsync(workspace, "amplitude");
        await using var console = await ConsoleSession.OpenAsync(_app);
        var page = console.Page;

        // Act: the existing workspace is offered in the list.
        await page.GotoAsync(console.Url());
        await Expect(page).ToHaveURLAsync(ConsoleSession.HashRoute("sign-in"));
        await page.GetByLabel("Function key").FillAsync(_app.FunctionKey!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.GetByLabel("Existing workspace").SelectOptionAsync(workspace);
        await console.ScreenshotAsync("desktop-sign-in");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open workspace" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(ConsoleSession.HashRoute("partners"));

        // Assert: signed in; the key is in sessionStorage and nowhere else a browser keeps or sends it.
        await Expect(page.Locator(".workspace-name")).ToHaveTextAsync(workspace);
        Assert.Equal(_app.FunctionKey, await page.EvaluateAsync<string>($"() => sessionStorage.getItem('{KeyStorage}')"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length"));
        Assert.Empty(await page.Context.CookiesAsync());
        Assert.DoesNotContain(_app.FunctionKey!, page.Url, StringComparison.Ordinal);

        // Act: sign out.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        // Assert: back at sign-in, nothing kept; a page of the console now asks to sign in first.
        await Expect(page).ToHaveURLAsync(ConsoleSession.HashRoute("sign-in"));
        await Expect(page.GetByText("You are signed out.")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>($"() => sessionStorage.getItem('{KeyStorage}')"));
        await page.GotoAsync(console.Url("#/cohorts"));
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/sign-in\\?next="));
        Assert.Empty(console.Problems);
    }

    [Fact]
    public async Task SignIn_WrongKey_ShowsTheApisMessageNextToTheKeyAndStaysSignedOut()
    {
        // Arrange
        await using var console = await ConsoleSession.OpenAsync(_app);
        var page = console.Page;
        await page.GotoAsync(console.Url("#/sign-in"));

        // Act
        await page.GetByLabel("Function key").FillAsync(_app.FunctionKey + "x");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();

        // Assert
        var error = page.Locator(".field-error").First;
        await Expect(error).ToContainTextAsync("This key was not accepted: The Functions host refused the function key.");
        await Expect(error).ToContainTextAsync("HTTP 401");
        await Expect(page.GetByLabel("Or a new workspace id")).ToHaveCountAsync(0);
        await console.ScreenshotAsync("desktop-sign-in-wrong-key");
        Assert.Null(await page.EvaluateAsync<string?>($"() => sessionStorage.getItem('{KeyStorage}')"));
    }

    [Fact]
    public async Task SignIn_InvalidWorkspaceId_ShowsTheApisRule()
    {
        // Arrange
        await using var console = await ConsoleSession.OpenAsync(_app);
        var page = console.Page;
        await page.GotoAsync(console.Url("#/sign-in"));
        await page.GetByLabel("Function key").FillAsync(_app.FunctionKey!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();

        // Act
        await page.GetByLabel("Or a new workspace id").FillAsync("Not Valid!");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open workspace" }).ClickAsync();

        // Assert: the API's own 400 message, from GET .../cohorts.
        using var api = await _app.Client.GetAsync(new Uri("manage/workspaces/Not%20Valid!/cohorts", UriKind.Relative));
        var message = await api.ReadErrorMessageAsync();
        await Expect(page.Locator(".field-error").Last).ToContainTextAsync(message);
        Assert.Matches(ConsoleSession.HashRoute("sign-in"), page.Url);
    }

    [Fact]
    public async Task SignedIn_KeyStopsBeingAccepted_NextCallSendsTheOperatorBackToSignIn()
    {
        // Arrange
        await using var console = await ConsoleSession.OpenAsync(_app);
        var page = console.Page;
        await console.SignInAsync(TestIds.Workspace());

        // Act: the key changes under the page (rotated in Azure, say), then the operator opens Cohorts.
        await page.EvaluateAsync($"() => sessionStorage.setItem('{KeyStorage}', 'rotated-away')");
        await page.GetByRole(AriaRole.Link, new() { Name = "Cohorts" }).ClickAsync();

        // Assert
        await Expect(page).ToHaveURLAsync(ConsoleSession.HashRoute("sign-in"));
        await Expect(page.Locator(".notice")).ToContainTextAsync("Signed out: The Functions host refused the function key.");
        Assert.Null(await page.EvaluateAsync<string?>($"() => sessionStorage.getItem('{KeyStorage}')"));
    }
}
