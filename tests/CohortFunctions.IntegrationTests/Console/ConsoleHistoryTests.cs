using System.Net;
using System.Text.Json;
using CohortFunctions.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CohortFunctions.IntegrationTests.Console;

/// <summary>
/// The sync history in the browser: a cohort's history table and its chart of added and removed users per sync, the
/// workspace's Syncs page with failures highlighted, and the user page's explanation per cohort — each compared with
/// what the API answers.
/// </summary>
public sealed class ConsoleHistoryTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task CohortPage_SyncHistory_TableAndChartAreTheApis()
    {
        // Arrange: a name call, three syncs (adds, then a removal and an add), one refused postback, one resync pass.
        var (world, secret) = await WorldAsync("amplitude");
        await world.CreateUsersAsync("ada", "bob", "cy");
        await ExpectAsync(world.NameCohortAsync("amplitude", secret, "power", "Power users"), HttpStatusCode.Created);
        await ExpectAsync(world.PostUsersAsync("amplitude", secret, "power", ["ada", "bob", "late"]), HttpStatusCode.Created);
        await ExpectAsync(world.PostUsersAsync("amplitude", secret, "power", ["bob"], remove: true), HttpStatusCode.Created);
        await ExpectAsync(world.PostUsersAsync("amplitude", secret, "power", ["cy"]), HttpStatusCode.Created);
        await ExpectAsync(world.PostUsersAsync("amplitude", secret, "power", [""]), HttpStatusCode.BadRequest);
        await world.CreateUsersAsync("late");
        using (var resync = await _app.Client.PostAsync(new Uri(world.Manage("cohorts/amplitude/power/resync"), UriKind.Relative), null))
        {
            await ManagementApi.ExpectStatusAsync(resync, HttpStatusCode.OK);
        }

        var records = await world.WaitForSyncHistoryAsync(6);
        await using var console = await ConsoleSession.OpenAsync(_app);
        var page = console.Page;
        await console.SignInAsync(world.Workspace);

        // Act
        await console.GoAsync("#/cohorts/amplitude/power", "Power users");
        var history = page.GetByRole(AriaRole.Table, new() { Name = "Sync history" });
        await Expect(history.Locator("tbody tr")).ToHaveCountAsync(6);
        var rows = await history.Locator("tbody tr").EvaluateAllAsync<string[][]>("rows => rows.map(r => [r.dataset.key, r.className])");
        var bars = await page.Locator("rect.bar").EvaluateAllAsync<string[][]>("bars => bars.map(b => [b.dataset.record, b.dataset.change, b.dataset.count])");
        await console.ScreenshotAsync("desktop-cohort-history");

        // Assert: the rows are the API's records in its order, the refused one highlighted.
        Assert.Equal(records.Select(Id), rows.Select(r => r[0]));
        Assert.Equal(records.Select(r => r.GetProperty("status").GetInt32() >= 400 ? "is-failed" : ""), rows.Select(r => r[1]));
        Assert.Equal(["resync", "changes", "changes", "changes", "changes", "name"], records.Select(r => r.GetRequiredString("kind")));
        var expected = records
            .Where(r => r.GetRequiredString("kind") is "changes" or "resync")
            .Reverse()
            .SelectMany(r => new[] { (Id(r), "added", r.GetProperty("added").GetInt32()), (Id(r), "removed", r.GetProperty("removed").GetInt32()) })
            .Where(b => b.Item3 > 0)
            .Select(b => $"{b.Item1} {b.Item2} {b.Item3}");
        Assert.Equal(expected, bars.Select(b => string.Join(' ', b)));
        Assert.Empty(console.Problems);
    }

    [Fact]
    public async Task SyncsPage_EveryCohortNewestFirst_FailuresHighlightedAndThePartnerFilterTheApis()
    {
        // Arrange: two partners; a credential test, refused calls, changes in two cohorts.
        var (world, amplitude) = await WorldAsync("amplitude");
        var mixpanel = (await _app.Client.CreateKeyAsync(world.Workspace, "mixpanel")).Secret;
        await world.CreateUsersAsync("ada");
        await ExpectAsync(world.PostUsersAsync("amplitude", amplitude, "power", []), HttpStatusCode.Created);
        await ExpectAsync(world.NameCohortAsync("amplitude", amplitude, "power", "Power users"), HttpStatusCode.Created);
        await ExpectAsync(world.PostUsersAsync("amplitude", amplitude, "power", ["ada"]), HttpStatusCode.Created);
        await ExpectAsync(world.NameCohortAsync("amplitude", amplitude, "churn", ""), HttpStatusCode.BadRequest);
        await ExpectAsync(world.PostUsersAsync("mixpanel", mixpanel, "trial", ["ada", "ghost"]), HttpStatusCode.Created);
        var all = await world.WaitForSyncHistoryAsync(5);
        await using var console = await ConsoleSession.OpenAsync(_app);
        var page = console.Page;
        await console.SignInAsync(world.Workspace);

        // Act
        await page.GetByRole(AriaRole.Link, new() { Name = "Syncs", Exact = true }).ClickAsync();
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Syncs" });
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(5);
        var shown = await RowsAsync(table);
        await console.ScreenshotAsync("desktop-syncs-feed");
        await page.GetByLabel("Partner").SelectOptionAsync(new SelectOptionValue { Label = "Mixpanel" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(ConsoleSession.HashRoute("syncs"));
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(1);
        var filtered = await RowsAsync(table);

        // Assert
        Assert.Equal(all.Select(r => (Id(r), r.GetProperty("status").GetInt32() >= 400)), shown);
        Assert.Single(shown, r => r.Failed);
        var mixpanelOnly = await world.GetAsync(world.Manage("sync-history?partner=mixpanel"));
        Assert.Equal(mixpanelOnly.GetProperty("records").EnumerateArray().Select(r => (Id(r), false)), filtered);
        await Expect(table.GetByRole(AriaRole.Link, new() { Name = "[Mixpanel] trial: trial" })).ToBeVisibleAsync();
        Assert.Empty(console.Problems);
    }

    [Fact]
    public async Task UserPage_EveryCohort_SaysWhetherTheUserIsInItAndWhy()
    {
        // Arrange: ada added by a postback to one cohort, sent to another before she existed, never sent to a third.
        var (world, secret) = await WorldAsync("amplitude");
        await world.CreateUsersAsync("bob");
        await ExpectAsync(world.NameCohortAsync("amplitude", secret, "power", "Power users"), HttpStatusCode.Created);
        await ExpectAsync(world.PostUsersAsync("amplitude", secret, "waiting", ["ada"]), HttpStatusCode.Created);
        await world.CreateUsersAsync("ada");
        await ExpectAsync(world.PostUsersAsync("amplitude", secret, "power", ["ada"]), HttpStatusCode.Created);
        await ExpectAsync(world.PostUsersAsync("amplitude", secret, "other", ["bob"]), HttpStatusCode.Created);
        var lookup = await world.GetAsync(world.Manage("users/lookup?external_id=ada"));
        await using var console = await ConsoleSession.OpenAsync(_app);
        await console.SignInAsync(world.Workspace);

        // Act
        await console.GoAsync("#/users?external_id=ada", "Users");
        var table = console.Page.GetByRole(AriaRole.Table, new() { Name = "Cohorts and why" });
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(3);
        var rows = await table.Locator("tbody tr").EvaluateAllAsync<string[][]>("rows => rows.map(r => [r.dataset.key, ...[...r.cells].slice(2).map(c => c.textContent)])");
        await console.ScreenshotAsync("desktop-user-states");

        // Assert: member first, then waiting, then not a member; each explained from the API's fields.
        var states = lookup.GetProperty("cohort_states").EnumerateArray().ToDictionary(s => s.GetRequiredString("cohort_id"));
        Assert.Equal(("member", "postback"), (states["power"].GetRequiredString("state"), states["power"].GetRequiredString("added_by")));
        Assert.Equal(["amplitude|power", "amplitude|waiting", "amplitude|other"], rows.Select(r => r[0]));
        Assert.Equal(["Member", "Waiting for resync", "Not a member"], rows.Select(r => r[1]));
        Assert.StartsWith("Member since ", rows[0][2], StringComparison.Ordinal);
        Assert.Contains("added by a postback", rows[0][2], StringComparison.Ordinal);
        Assert.StartsWith("The partner sent its external id to add it on ", rows[1][2], StringComparison.Ordinal);
        Assert.StartsWith("Never sent by the partner, or removed since", rows[2][2], StringComparison.Ordinal);
        await Expect(console.Page.GetByRole(AriaRole.Heading, new() { Name = "Cohorts (member of 1 of 3)" })).ToBeVisibleAsync();
        Assert.Empty(console.Problems);
    }

    private static string Id(JsonElement record) => record.GetRequiredString("id");

    private static async Task ExpectAsync(Task<HttpResponseMessage> call, HttpStatusCode status)
    {
        using var response = await call;
        await ManagementApi.ExpectStatusAsync(response, status);
    }

    private static async Task<List<(string Id, bool Failed)>> RowsAsync(ILocator table) =>
        [.. (await table.Locator("tbody tr").EvaluateAllAsync<string[][]>("rows => rows.map(r => [r.dataset.key, r.className])"))
            .Select(r => (r[0], r[1] == "is-failed"))];

    private async Task<(ConsoleWorld World, string Secret)> WorldAsync(string partner)
    {
        var world = new ConsoleWorld(_app, TestIds.Workspace());
        var key = await _app.Client.CreateKeyAsync(world.Workspace, partner);
        return (world, key.Secret);
    }
}
