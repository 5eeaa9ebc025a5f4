using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CohortFunctions.IntegrationTests.Console;

/// <summary>The usage chart draws the API's data points, day by day and partner by partner, and its CSV holds the same rows.</summary>
public sealed class ConsoleUsageTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task Usage_TwoPartners_ChartTotalAndCsvEqualTheApi()
    {
        // Arrange: Amplitude adds 3 users and removes 1, Mixpanel adds 2: 4 + 2 data points today.
        var world = new ConsoleWorld(_app, TestIds.Workspace());
        var amplitude = await _app.Client.CreateKeyAsync(world.Workspace, "amplitude");
        var mixpanel = await _app.Client.CreateKeyAsync(world.Workspace, "mixpanel");
        await world.CreateUsersAsync("u1", "u2", "u3");
        foreach (var (partner, secret, ids, remove) in new[]
        {
            ("amplitude", amplitude.Secret, new[] { "u1", "u2", "u3" }, false),
            ("amplitude", amplitude.Secret, new[] { "u3" }, true),
            ("mixpanel", mixpanel.Secret, new[] { "u1", "u2" }, false),
        })
        {
            using var response = await world.PostUsersAsync(partner, secret, "c1", ids, remove);
            await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.Created);
        }

        await using var console = await ConsoleSession.OpenAsync(_app);
        var page = console.Page;
        await console.SignInAsync(world.Workspace);

        // Act
        await page.GetByRole(AriaRole.Link, new() { Name = "Usage" }).ClickAsync();
        await Expect(page.Locator("rect.bar")).ToHaveCountAsync(2);
        var from = await page.GetByLabel("From (UTC)").InputValueAsync();
        var to = await page.GetByLabel("To (UTC)").InputValueAsync();
        var drawn = (await page.Locator("rect.bar").EvaluateAllAsync<string[][]>("bars => bars.map(b => [b.dataset.date, b.dataset.partner, b.dataset.count])"))
            .Select(b => new Bar(b[0], b[1], long.Parse(b[2], System.Globalization.CultureInfo.InvariantCulture)));
        var total = await page.Locator("[data-total]").GetAttributeAsync("data-total");
        await console.ScreenshotAsync("desktop-usage");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download CSV" }).ClickAsync());
        var file = Path.Combine(Path.GetTempPath(), $"console-usage-{Guid.NewGuid():N}.csv");
        await download.SaveAsAsync(file);
        var csv = Csv.Parse(await File.ReadAllTextAsync(file));
        File.Delete(file);

        // Assert: the same numbers as GET .../data-points for the page's range.
        var report = await world.GetAsync(world.Manage($"data-points?from={from}&to={to}"));
        var days = report.GetProperty("days").EnumerateArray()
            .Select(d => new Bar(d.GetRequiredString("date"), d.GetRequiredString("partner"), d.GetProperty("count").GetInt64()))
            .OrderBy(b => b.Date, StringComparer.Ordinal).ThenBy(b => b.Partner, StringComparer.Ordinal).ToList();
        Assert.Equal(days, drawn.OrderBy(b => b.Date, StringComparer.Ordinal).ThenBy(b => b.Partner, StringComparer.Ordinal));
        Assert.Equal([4L, 2L], days.OrderBy(d => d.Partner, StringComparer.Ordinal).Select(d => d.Count));
        Assert.Equal(report.GetProperty("total").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), total);
        await Expect(page.Locator("[data-total]")).ToHaveTextAsync("6");
        Assert.Equal(["date", "partner", "count"], csv[0]);
        Assert.Equal(days.Select(d => $"{d.Date},{d.Partner},{d.Count}").Order(StringComparer.Ordinal), csv.Skip(1).Select(r => string.Join(',', r)).Order(StringComparer.Ordinal));
        Assert.Empty(console.Problems);
    }

    /// <summary>One stacked segment: a day's count for a partner.</summary>
    public sealed record Bar(string Date, string Partner, long Count);
}
