using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CohortFunctions.IntegrationTests.Console;

/// <summary>
/// Everything that came from outside is text, never markup: cohort names and ids from partners, external ids and
/// segment names from anyone, shown on every page that shows them, as the characters they are.
/// </summary>
public sealed class ConsoleSafetyTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string CohortName = "<img src=x onerror=alert(1)>";
    private const string CohortId = "<script>alert(2)</script>";
    private const string ExternalId = "<b onmouseover=alert(3)>bold</b>";
    private const string SegmentName = "<svg onload=alert(4)>";

    /// <summary>Elements that would exist if any of the names above had been parsed as markup.</summary>
    private const string Injected = "img[src=x], svg[onload], b[onmouseover], script:not([src])";

    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task Pages_NamesThatLookLikeMarkup_ShowAsTheirCharacters()
    {
        // Arrange
        var world = new ConsoleWorld(_app, TestIds.Workspace());
        var key = await _app.Client.CreateKeyAsync(world.Workspace, "amplitude");
        await world.CreateUsersAsync(ExternalId);
        using (var named = await world.NameCohortAsync("amplitude", key.Secret, CohortId, CohortName))
        {
            await ManagementApi.ExpectStatusAsync(named, HttpStatusCode.Created);
        }

        using (var added = await world.PostUsersAsync("amplitude", key.Secret, CohortId, [ExternalId]))
        {
            await ManagementApi.ExpectStatusAsync(added, HttpStatusCode.Created);
        }

        using (var segment = await _app.Client.PostAsync(new Uri(world.Manage("segments"), UriKind.Relative), TestJson.Body(new
        {
            name = SegmentName,
            filter = new { includes = new { partner = "amplitude", cohort_id = CohortId } },
        })))
        {
            await ManagementApi.ExpectStatusAsync(segment, HttpStatusCode.Created);
        }

        var displayName = $"[Amplitude] {CohortName}: {CohortId}";
        await using var console = await ConsoleSession.OpenAsync(_app);
        var page = console.Page;
        await console.SignInAsync(world.Workspace);

        // Act + Assert: the cohorts list.
        await page.GetByRole(AriaRole.Link, new() { Name = "Cohorts" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = displayName })).ToBeVisibleAsync();
        await AssertNoMarkupAsync(console);

        // The cohort's page, its id in the address, and the member's external id.
        await page.GetByRole(AriaRole.Link, new() { Name = displayName }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(CohortName);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = ExternalId })).ToBeVisibleAsync();
        await console.ScreenshotAsync("desktop-xss-cohort");
        await AssertNoMarkupAsync(console);

        // The workspace's syncs, which name the cohort of each record.
        await world.WaitForSyncHistoryAsync(2);
        await page.GetByRole(AriaRole.Link, new() { Name = "Syncs", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = displayName }).First).ToBeVisibleAsync();
        await AssertNoMarkupAsync(console);
        await page.GetByRole(AriaRole.Link, new() { Name = displayName }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(CohortName);

        // The user's page, reached from the member link.
        await page.GetByRole(AriaRole.Link, new() { Name = ExternalId }).ClickAsync();
        await Expect(page.Locator(".fact dd").Nth(1)).ToHaveTextAsync(ExternalId);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = displayName })).ToBeVisibleAsync();
        await AssertNoMarkupAsync(console);

        // The segments list and the builder's cohort dropdown.
        await page.GetByRole(AriaRole.Link, new() { Name = "Segments", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = SegmentName })).ToBeVisibleAsync();
        await AssertNoMarkupAsync(console);
        await page.GetByRole(AriaRole.Link, new() { Name = SegmentName }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(SegmentName);
        await Expect(page.GetByLabel("Cohort", new() { Exact = true }).Locator("option:checked")).ToHaveTextAsync(displayName);
        await Expect(page.Locator(".size-value")).ToHaveTextAsync("1 user");
        await AssertNoMarkupAsync(console);
        Assert.Empty(console.Problems);
    }

    private static async Task AssertNoMarkupAsync(ConsoleSession console)
    {
        Assert.Equal(0, await console.Page.Locator(Injected).CountAsync());
        Assert.Empty(console.Problems);
    }
}
