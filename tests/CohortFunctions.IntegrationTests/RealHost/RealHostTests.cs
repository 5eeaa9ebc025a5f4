using System.Diagnostics;
using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.IntegrationTests.Resync;

namespace CohortFunctions.IntegrationTests.RealHost;

/// <summary>
/// What only the real Functions host does, and what the app must get right under it: its master key and admin API,
/// timers that catch up a run missed while no instance was up (past due) and run on one instance of several (the
/// listener's blob lease), and a worker that cannot start because its options are invalid. The local host serves one
/// instance, has no admin API and no schedule memory (docs/decisions.md).
/// </summary>
[Trait("Host", "Real")]
public sealed class RealHostTests(RealHostFixture fixture) : IClassFixture<RealHostFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private RealHostApp Host => (RealHostApp)fixture.App;

    [Fact]
    public async Task ManagementRoute_MasterKey_IsServedLikeTheFunctionKey()
    {
        // Arrange
        var client = Host.CreateClient(withFunctionKey: false);
        client.DefaultRequestHeaders.Add("x-functions-key", Host.MasterKey);

        // Act
        using var response = await client.GetAsync(new Uri($"manage/workspaces/{TestIds.Workspace()}/cohorts", UriKind.Relative));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task AdminApi_FunctionKey_Refused403_MasterKeyServed()
    {
        // Act
        using var withFunctionKey = await Host.Client.GetAsync(new Uri("admin/host/status", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, "admin/host/status");
        request.Headers.Add("x-functions-key", Host.MasterKey);
        using var withMasterKey = await Host.CreateClient(withFunctionKey: false).SendAsync(request);

        // Assert: the function key the operator hands to the console and to scripts cannot drive the host.
        Assert.Equal(HttpStatusCode.Forbidden, withFunctionKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withMasterKey.StatusCode);
    }

    [Fact]
    public async Task CohortIdHoldingTheTextPercent2F_ReadAsASlashInPaths()
    {
        // Arrange: the host decodes the path and encodes it again for the worker, so an escaped '/' and an escaped
        // "%2F" arrive alike; the app reads both as '/' (docs/decisions.md). The listing still shows the true id.
        var api = await CohortApi.StartAsync(Host);
        await api.CreateUsersAsync("u1");
        await api.SendChangesAsync("x%2Fy", TestChange.Add("u1"));
        await api.SendChangesAsync("x/y", TestChange.Add("u1"));

        // Act
        using var response = await Host.Client.GetAsync(new Uri($"manage/workspaces/{api.Workspace}/cohorts/amplitude/{Uri.EscapeDataString("x%2Fy")}/members", UriKind.Relative));

        // Assert: the members of "x/y", not of "x%2Fy" (both have u1; the schedule call tells them apart).
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        var schedule = await api.SetCadenceAsync("x%2Fy", "daily");
        Assert.Equal("x/y", schedule.GetRequiredString("cohort_id"));
        Assert.Contains(await api.CohortsAsync(), c => c.GetRequiredString("cohort_id") == "x%2Fy");
    }

    [Fact]
    public async Task Timer_RunMissedWhileNoInstanceWasUp_RunsPastDueAtStart()
    {
        // Arrange: the host keeps a timer's schedule status (Azure: a blob per host id; the host built from source:
        // a file under its home folder), so a run due while no instance was up runs as soon as one is up again. A first
        // instance records the schedule when its timer starts.
        var home = Directory.CreateTempSubdirectory("cohort-past-due-home-").FullName;
        var hostId = "cohort-past-due-" + Guid.NewGuid().ToString("N")[..8];
        void Settings(Dictionary<string, string> s)
        {
            s["MaintenanceSchedule"] = "0 * * * * *";
            s["AzureFunctionsWebHost:hostid"] = hostId;
            s[RealHostApp.HomeSetting] = home;
        }

        await using (var first = await RealHostApp.StartAsync(Settings))
        {
            Assert.True(await WaitForScheduleStatusAsync(home), "the first instance never recorded the timer's schedule");
            await first.StopAsync();
        }

        await Task.Delay(NextMinute(DateTime.UtcNow) - DateTime.UtcNow + TimeSpan.FromSeconds(2));

        // Act
        await using var second = await RealHostApp.StartAsync(Settings);
        var pastDue = await WaitForLogAsync(second, "Timer RunMaintenance started (past due: True)");

        // Assert
        Assert.True(pastDue, "no past-due run at start:\n" + string.Join('\n', second.LogLines("RunMaintenance")));
    }

    [Fact]
    public async Task Timer_TwoInstancesOfOneApp_OnlyOneRunsIt()
    {
        // Arrange: two instances of one app (one host id, one storage), the resync timer every two seconds.
        var hostId = "cohort-pair-" + Guid.NewGuid().ToString("N")[..8];
        var prefix = TestAppBuilder.NewTablePrefix();
        void Settings(Dictionary<string, string> s)
        {
            s["ResyncSchedule"] = "*/2 * * * * *";
            s["AzureFunctionsWebHost:hostid"] = hostId;
            s[TestAppBuilder.TablePrefixKey] = prefix;
        }

        await using var one = await RealHostApp.StartAsync(Settings);
        await using var two = await RealHostApp.StartAsync(Settings);

        // Act
        await WaitForLogAsync(one, "Timer ResyncDueCohorts started", minimum: 1);
        var before = (one.LogLines("Timer ResyncDueCohorts started").Count, two.LogLines("Timer ResyncDueCohorts started").Count);
        await Task.Delay(TimeSpan.FromSeconds(12));
        var runs = (One: one.LogLines("Timer ResyncDueCohorts started").Count - before.Item1, Two: two.LogLines("Timer ResyncDueCohorts started").Count - before.Item2);

        // Assert: the timer listener holds a blob lease; the other instance's listener waits for it.
        Assert.True(runs.One + runs.Two >= 3, $"the timer ran {runs.One} + {runs.Two} times in 12 s");
        Assert.True(runs.One == 0 || runs.Two == 0, $"both instances ran the timer: {runs.One} and {runs.Two} times");
    }

    [Fact]
    public async Task Start_InvalidOptions_WorkerStopsNamingTheSettingAndNothingIsServed()
    {
        // Arrange
        await using var host = await RealHostApp.StartAsync(s => s.Remove("Partners:mixpanel:ApiKeys:0"), waitUntilHealthy: false);

        // Act
        var named = await WaitForLogAsync(host, "Partners__mixpanel__ApiKeys");
        var served = await AnswersHealthyAsync(host);

        // Assert: the validation message reaches the host's log, and no function answers as if all were well (the
        // host gives up on the worker and stops).
        Assert.True(named, "the option validation failure never reached the host's log:\n" + string.Join('\n', host.LogText().Split('\n').TakeLast(60)));
        Assert.False(served);
    }

    private static async Task<bool> AnswersHealthyAsync(RealHostApp host)
    {
        try
        {
            using var health = await host.CreateClient(withFunctionKey: false).GetAsync(new Uri("health", UriKind.Relative));
            return health.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task<bool> WaitForLogAsync(RealHostApp host, string text, int minimum = 1)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Patience)
        {
            if (host.LogLines(text).Count >= minimum)
            {
                return true;
            }

            await Task.Delay(250);
        }

        return false;
    }

    /// <summary>Whether the host recorded the maintenance timer's schedule status in <paramref name="home"/>.</summary>
    private static async Task<bool> WaitForScheduleStatusAsync(string home)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Patience)
        {
            if (Directory.Exists(home) && Directory.EnumerateFiles(home, "*RunMaintenance.status", SearchOption.AllDirectories).Any())
            {
                return true;
            }

            await Task.Delay(250);
        }

        return false;
    }

    private static DateTime NextMinute(DateTime now) => new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, DateTimeKind.Utc).AddMinutes(1);
}
