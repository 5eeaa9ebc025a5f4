using System.Globalization;
using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.IntegrationTests.Resync;
using Microsoft.Extensions.Time.Testing;

namespace CohortFunctions.IntegrationTests.DataPoints;

/// <summary>
/// The data-points report over several UTC days and partners: each day and partner counted apart, and a range holds
/// exactly its days (the ledger is read with one key range per partner).
/// </summary>
public sealed class DataPointReportTests(ResyncFixture fixture) : IClassFixture<ResyncFixture>
{
    private readonly TestApp _app = fixture.App;
    private readonly FakeTimeProvider _clock = fixture.Clock;

    [Fact]
    public async Task Report_PostbacksOnSeveralDaysAndPartners_CountsEachDayAndPartnerWithinTheRangeOnly()
    {
        // Arrange: day 1 amplitude 3 and mixpanel 2; day 2 amplitude 1; day 4 amplitude 2 (day 3 nothing).
        var amplitude = await CohortApi.StartAsync(_app);
        var mixpanel = await CohortApi.StartAsync(_app, "mixpanel", amplitude.Workspace);
        await amplitude.CreateUsersAsync("a", "b", "c", "d", "e");
        var day1 = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
        await amplitude.SendChangesAsync("c1", TestChange.Add("a", "b", "c"));
        await mixpanel.SendChangesAsync("m1", TestChange.Add("a", "b"));
        AdvanceTo(day1.AddDays(1));
        await amplitude.SendChangesAsync("c1", TestChange.Remove("c"), TestChange.Add("a"));
        AdvanceTo(day1.AddDays(3));
        await amplitude.SendChangesAsync("c1", TestChange.Add("d", "e"));

        // Act
        var first2 = await ReportAsync(amplitude, day1, day1.AddDays(1));
        var last3 = await ReportAsync(amplitude, day1.AddDays(1), day1.AddDays(3));
        var quietDay = await ReportAsync(amplitude, day1.AddDays(2), day1.AddDays(2));
        var wide = await ReportAsync(amplitude, day1.AddDays(-200), day1.AddDays(165));

        // Assert
        Assert.Equal(6, first2.Total);
        Assert.Equal([(day1, "amplitude", 3L), (day1, "mixpanel", 2L), (day1.AddDays(1), "amplitude", 1L)], first2.Days);
        Assert.Equal(3, last3.Total);
        Assert.Equal([(day1.AddDays(1), "amplitude", 1L), (day1.AddDays(3), "amplitude", 2L)], last3.Days);
        Assert.Equal(0, quietDay.Total);
        Assert.Empty(quietDay.Days);
        Assert.Equal(8L, wide.Total);
        Assert.Equal(4, wide.Days.Length);
    }

    private void AdvanceTo(DateOnly day) =>
        _clock.Advance(new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero) - _clock.GetUtcNow());

    private static async Task<(long Total, (DateOnly Date, string Partner, long Count)[] Days)> ReportAsync(CohortApi api, DateOnly from, DateOnly to)
    {
        var query = $"manage/workspaces/{api.Workspace}/data-points?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}";
        using var response = await api.Client.GetAsync(new Uri(query, UriKind.Relative));
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        var json = await response.ReadJsonAsync();
        var days = json.GetProperty("days").EnumerateArray()
            .Select(d => (
                DateOnly.ParseExact(d.GetProperty("date").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                d.GetProperty("partner").GetString()!,
                d.GetProperty("count").GetInt64()))
            .ToArray();
        return (json.GetProperty("total").GetInt64(), days);
    }
}
