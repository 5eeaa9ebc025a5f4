using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CohortFunctions.IntegrationTests.Console;

/// <summary>
/// The import's steps 1 and 4 through the console in a real browser, against the app on Azurite: a key generated on
/// the partner page is used by a sender, the cohort appears, a segment is built, sized and exported, and the key is
/// invalidated. Only the page and a sender's HTTP calls act; the management API is read to compare.
/// </summary>
public sealed class ConsoleEndToEndTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task Console_KeyCohortSegmentExportInvalidate_MatchesTheApiAtEveryStep()
    {
        // Arrange: users of the platform, and a browser signed in to a new workspace.
        var world = new ConsoleWorld(_app, TestIds.Workspace());
        await world.CreateUsersAsync("ada", "bob", "cy", "dee", "eve");
        await using var console = await ConsoleSession.OpenAsync(_app);
        var page = console.Page;
        await console.SignInAsync(world.Workspace);

        // Act 1: Technology Partners > Amplitude > Generate new key.
        await page.GetByRole(AriaRole.Link, new() { Name = "Amplitude" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "REST endpoint", Exact = true })).ToHaveValueAsync(_app.BaseAddress.ToString().TrimEnd('/'));
        await Expect(page.GetByText("No data import keys yet.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate new key" }).ClickAsync();
        await Expect(page.GetByText("Copy the new key now: it will not be shown again.")).ToBeVisibleAsync();
        var secret = await page.GetByRole(AriaRole.Textbox, new() { Name = "Data import key", Exact = true }).InputValueAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Data import keys" }).GetByText(secret[..4] + "…")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy data import key" }).ClickAsync();
        Assert.Equal(secret, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await console.ScreenshotAsync("desktop-partner-key-generated");

        // Act 2: the sender uses it (name calls and users postbacks).
        using (var named = await world.NameCohortAsync("amplitude", secret, "power", "Power users"))
        {
            await ManagementApi.ExpectStatusAsync(named, HttpStatusCode.Created);
        }

        using (var added = await world.PostUsersAsync("amplitude", secret, "power", ["ada", "bob", "cy", "dee", "nobody-yet"]))
        {
            await ManagementApi.ExpectStatusAsync(added, HttpStatusCode.Created);
        }

        using (var named = await world.NameCohortAsync("amplitude", secret, "churn", "Churn risk"))
        {
            await ManagementApi.ExpectStatusAsync(named, HttpStatusCode.Created);
        }

        using (var added = await world.PostUsersAsync("amplitude", secret, "churn", ["cy", "eve"]))
        {
            await ManagementApi.ExpectStatusAsync(added, HttpStatusCode.Created);
        }

        // Assert 2: the cohorts page shows the API's count and state.
        var listed = (await world.GetAsync(world.Manage("cohorts"))).GetProperty("cohorts").EnumerateArray().Single(c => c.GetRequiredString("cohort_id") == "power");
        Assert.Equal(4, listed.GetProperty("member_count").GetInt64());
        await page.GetByRole(AriaRole.Link, new() { Name = "Cohorts" }).ClickAsync();
        var row = page.Locator("tr[data-key='amplitude|power']");
        await Expect(row.Locator("td[data-label=Members]")).ToHaveTextAsync("4");
        await Expect(row.GetByText("Waiting for resync")).ToBeVisibleAsync();
        await console.ScreenshotAsync("desktop-cohorts");
        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Power users");
        await Expect(page.Locator("[data-member-count]")).ToHaveTextAsync("4");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Members" }).Locator("tbody tr")).ToHaveCountAsync(4);
        await console.ScreenshotAsync("desktop-cohort");

        // Act 3: Segments > New segment: includes Power users, does not include Churn risk.
        await page.GetByRole(AriaRole.Link, new() { Name = "Segments", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "New segment" }).First.ClickAsync();
        await page.GetByLabel("Segment name").FillAsync("Power, not churning");
        var firstRow = page.Locator(".filter-row").Nth(0);
        await Expect(firstRow.GetByLabel("Filter", new() { Exact = true })).ToHaveValueAsync("amplitude");
        await Expect(firstRow.GetByLabel("Filter", new() { Exact = true }).Locator("option:checked")).ToHaveTextAsync("Amplitude Cohorts");
        await firstRow.GetByLabel("Cohort", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "[Amplitude] Power users: power" });
        await Expect(page.Locator(".size-value")).ToHaveTextAsync("4 users");
        await page.GetByRole(AriaRole.Button, new() { Name = "+ Add filter" }).ClickAsync();
        var secondRow = page.Locator(".filter-row").Nth(1);
        await secondRow.GetByLabel("Operator", new() { Exact = true }).SelectOptionAsync("does not include");
        await secondRow.GetByLabel("Cohort", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "[Amplitude] Churn risk: churn" });
        await Expect(page.Locator(".size-value")).ToHaveTextAsync("3 users");
        await console.ScreenshotAsync("desktop-segment-builder");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save segment" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Power, not churning");

        // Assert 3: the saved segment, as the API sizes it, is what the page showed.
        var segments = (await world.GetAsync(world.Manage("segments"))).GetProperty("segments").EnumerateArray().ToList();
        var saved = Assert.Single(segments);
        var segmentId = saved.GetRequiredString("segment_id");
        Assert.Equal(3, saved.GetProperty("size").GetInt64());
        Assert.Equal(
            """{"and":[{"includes":{"partner":"amplitude","cohort_id":"power"}},{"excludes":{"partner":"amplitude","cohort_id":"churn"}}]}""",
            saved.GetProperty("filter").GetRawText());
        await Expect(page.Locator(".size-value")).ToHaveAttributeAsync("data-size", "3");

        // Act 4: Export CSV, streamed through the export API.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export CSV" }).ClickAsync());
        var file = Path.Combine(Path.GetTempPath(), $"console-export-{Guid.NewGuid():N}.csv");
        await download.SaveAsAsync(file);
        await Expect(page.GetByText("Exported 3 users.")).ToBeVisibleAsync();
        await console.ScreenshotAsync("desktop-segment-exported");

        // Assert 4: the CSV holds exactly the API's users of the segment.
        var exported = ReadExport(file);
        File.Delete(file);
        var expected = await world.SegmentUsersAsync(segmentId);
        Assert.Equal(expected.OrderBy(u => u.UserId, StringComparer.Ordinal), exported.OrderBy(u => u.UserId, StringComparer.Ordinal));
        Assert.Equal(["ada", "bob", "dee"], exported.Select(u => u.ExternalId).Order(StringComparer.Ordinal));

        // Act 5: invalidate the key on the partner page, with the confirmation.
        await page.GetByRole(AriaRole.Link, new() { Name = "Technology Partners" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Amplitude" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Invalidate key {secret[..4]}…" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("Invalidate key");
        await console.ScreenshotAsync("desktop-partner-invalidate-confirm");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Invalidate key" }).ClickAsync();
        await Expect(page.GetByText($"Key {secret[..4]}… is invalidated.")).ToBeVisibleAsync();
        await Expect(page.Locator(".badge", new() { HasText = "Invalidated" })).ToBeVisibleAsync();

        // Assert 5: the sender's next postback is refused.
        using var refused = await world.PostUsersAsync("amplitude", secret, "power", ["eve"]);
        await ManagementApi.ExpectStatusAsync(refused, HttpStatusCode.Unauthorized);
        Assert.Equal("Invalid client secret", await refused.ReadErrorMessageAsync());
        Assert.Empty(console.Problems);
    }

    private static List<(string UserId, string? ExternalId)> ReadExport(string file)
    {
        var records = Csv.Parse(File.ReadAllText(file));
        Assert.Equal(["user_id", "external_id", "aliases"], records[0]);
        return [.. records.Skip(1).Select(r =>
        {
            Assert.Equal("[]", r[2]);
            return (r[0], r[1].Length == 0 ? null : r[1]);
        })];
    }
}
