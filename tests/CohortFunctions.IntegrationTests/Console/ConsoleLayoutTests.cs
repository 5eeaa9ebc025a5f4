using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CohortFunctions.IntegrationTests.Console;

/// <summary>
/// Every page at 1280 px and at 390 px: nothing wider than the screen, every control labelled, the keyboard reaches
/// the menu; a screenshot of each under TestResults/console/ (docs/console.md shows them).
/// </summary>
public sealed class ConsoleLayoutTests(ConsoleLayoutTests.Fixture fixture) : IClassFixture<ConsoleLayoutTests.Fixture>
{
    /// <summary>Controls without a label or an accessible name, as "tag name=..." strings.</summary>
    private const string UnlabelledControls = """
        () => [...document.querySelectorAll('input, select, textarea, button')]
          .filter(c => c.type !== 'hidden' && !(c.labels && c.labels.length) && !c.getAttribute('aria-label') && !(c.tagName === 'BUTTON' && c.textContent.trim()))
          .map(c => `${c.tagName.toLowerCase()} name=${c.name}`)
        """;

    public static TheoryData<int, string, string, string> Pages()
    {
        var data = new TheoryData<int, string, string, string>();
        foreach (var (width, prefix) in new[] { (ConsoleSession.DesktopWidth, "desktop"), (ConsoleSession.PhoneWidth, "phone") })
        {
            data.Add(width, $"{prefix}-partners", "#/partners", "Technology Partners");
            data.Add(width, $"{prefix}-partner", "#/partners/amplitude", "Amplitude");
            data.Add(width, $"{prefix}-cohorts", "#/cohorts", "Cohorts");
            data.Add(width, $"{prefix}-cohort", "#/cohorts/amplitude/power", "Power users");
            data.Add(width, $"{prefix}-syncs", "#/syncs", "Syncs");
            data.Add(width, $"{prefix}-segments", "#/segments", "Segments");
            data.Add(width, $"{prefix}-segment", "#/segments/{segment}", "Power, not churning");
            data.Add(width, $"{prefix}-usage", "#/usage", "Usage");
            data.Add(width, $"{prefix}-user", "#/users?external_id=ada", "Users");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_AtWidth_FitsHasLabelsAndIsScreenshotted(int width, string name, string hash, string heading)
    {
        // Arrange
        var world = await fixture.WorldAsync();
        await using var console = await ConsoleSession.OpenAsync(world.App, width);
        await console.SignInAsync(world.Workspace);

        // Act
        await console.GoAsync(hash.Replace("{segment}", fixture.SegmentId, StringComparison.Ordinal), heading);
        await console.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Expect(console.Page.Locator(".loading")).ToHaveCountAsync(0);
        await console.ScreenshotAsync(name);

        // Assert
        var overflow = await console.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"{name}: the page is {overflow} px wider than the {width} px screen.");
        Assert.Empty(await console.Page.EvaluateAsync<string[]>(UnlabelledControls));
        Assert.Empty(console.Problems);
    }

    [Fact]
    public async Task Keyboard_TabFromTheTop_ReachesTheMenuAndOpensAPage()
    {
        // Arrange
        var world = await fixture.WorldAsync();
        await using var console = await ConsoleSession.OpenAsync(world.App);
        await console.SignInAsync(world.Workspace);
        var page = console.Page;

        // Act: Tab through the top bar to the menu's "Cohorts", then Enter.
        string? focused = null;
        for (var presses = 0; presses < 10 && focused != "Cohorts"; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            focused = await page.EvaluateAsync<string>("() => document.activeElement.textContent.trim()");
        }

        await page.Keyboard.PressAsync("Enter");

        // Assert: the page opens and its heading has the focus.
        await Expect(page).ToHaveURLAsync(ConsoleSession.HashRoute("cohorts"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeFocusedAsync();
    }

    /// <summary>One workspace with a key, two cohorts, a segment and data points, shared by the page tour.</summary>
    public sealed class Fixture : AppFixture
    {
        private readonly Lazy<Task<ConsoleWorld>> _world;

        public Fixture() => _world = new(SeedAsync);

        public string SegmentId { get; private set; } = "";

        public Task<ConsoleWorld> WorldAsync() => _world.Value;

        private async Task<ConsoleWorld> SeedAsync()
        {
            var world = new ConsoleWorld(App, TestIds.Workspace());
            var key = await App.Client.CreateKeyAsync(world.Workspace, "amplitude");
            await world.CreateUsersAsync(
                new TestUser("ada", ["ada-phone"], [new TestAlias("ada@example.com", "email")]),
                new TestUser("bob"),
                new TestUser("cy"),
                new TestUser("dee"));
            foreach (var (id, cohortName, members) in new[] { ("power", "Power users", new[] { "ada", "bob", "cy", "new-signup" }), ("churn", "Churn risk", new[] { "cy", "dee" }) })
            {
                using var named = await world.NameCohortAsync("amplitude", key.Secret, id, cohortName);
                await ManagementApi.ExpectStatusAsync(named, HttpStatusCode.Created);
                using var added = await world.PostUsersAsync("amplitude", key.Secret, id, members);
                await ManagementApi.ExpectStatusAsync(added, HttpStatusCode.Created);
            }

            using var segment = await App.Client.PostAsync(new Uri(world.Manage("segments"), UriKind.Relative), TestJson.Body(new
            {
                name = "Power, not churning",
                filter = new Dictionary<string, object>
                {
                    ["and"] = new object[]
                    {
                        new { includes = new { partner = "amplitude", cohort_id = "power" } },
                        new { excludes = new { partner = "amplitude", cohort_id = "churn" } },
                    },
                },
            }));
            await ManagementApi.ExpectStatusAsync(segment, HttpStatusCode.Created);
            SegmentId = (await segment.ReadJsonAsync()).GetRequiredString("segment_id");
            return world;
        }
    }
}
