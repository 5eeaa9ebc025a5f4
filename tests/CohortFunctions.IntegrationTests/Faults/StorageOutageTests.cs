using System.Diagnostics;
using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace CohortFunctions.IntegrationTests.Faults;

/// <summary>
/// Storage goes away while the app runs and comes back empty (Azurite in memory, restarted): the app stays up, says
/// 503 with Retry-After meanwhile, and works again once storage is back — tables included — without a restart.
/// </summary>
public sealed class StorageOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(FaultyApp.DefaultRequestTimeoutSeconds);

    [Fact]
    public async Task Azurite_StoppedThenRestartedEmpty_AppAnswers503MeanwhileAndRecoversWithoutRestart()
    {
        // Arrange: the app on a private Azurite, working.
        await using var azurite = await AzuriteFixture.StartPrivateAsync();
        await using var app = await TestApp.StartAsync(b => b
            .Set(TestAppBuilder.ConnectionStringKey, azurite.ConnectionString)
            .Set("Storage:NetworkTimeoutSeconds", FaultyApp.NetworkTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Set("Storage:MaxRetries", "1")
            .Set("Api:RequestTimeoutSeconds", FaultyApp.DefaultRequestTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var before = await CohortApi.StartAsync(app);
        await before.CreateUsersAsync("ada", "bob");
        await before.SendChangesAsync("c1", TestChange.Add("ada", "bob"));
        Assert.Equal(HttpStatusCode.OK, await HealthAsync(app));

        // Act 1: storage goes away.
        await azurite.StopAsync();
        var healthDown = await HealthAsync(app);
        var (postbackDown, retryAfter, postbackTime) = await TimedPostbackAsync(before, "c1", TestChange.Add("ada"));
        var stillUp = await HealthAsync(app);

        // Assert: down, the app says so, quickly, and stays up.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, healthDown);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, postbackDown);
        Assert.True(retryAfter > TimeSpan.Zero, "The 503 of a postback while storage is down has no Retry-After.");
        Assert.True(postbackTime < RequestTimeout + FaultyApp.DeadlineSlack, $"The postback took {postbackTime.TotalSeconds:0.0} s while storage was down.");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stillUp);

        // Act 2: storage comes back, empty. The first request finds the tables gone: 503, and they are created again.
        await azurite.StartAsync();
        using var firstRequest = await app.Client.PostAsync(new Uri(ManageRoutes.Keys(TestIds.Workspace(), "amplitude"), UriKind.Relative), content: null);
        var (healthBack, probes) = await WaitForHealthAsync(app);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, firstRequest.StatusCode);
        Assert.True(firstRequest.Headers.RetryAfter?.Delta > TimeSpan.Zero, "The 503 for lost tables has no Retry-After.");
        Assert.Equal(HttpStatusCode.OK, healthBack);
        var after = await CohortApi.StartAsync(app);
        await after.CreateUsersAsync("cy", "dee");
        var counts = await after.SendChangesAsync("c2", TestChange.Add("cy", "dee"));

        // Assert: back, with its tables, as if nothing had happened (but the data that was only in memory).
        Assert.Equal(new PostbackCounts(2, 0, 0, 0, 2), counts);
        Assert.Equal(2, await after.MemberCountAsync("c2"));
        Assert.Equal(2, await after.DataPointsTotalAsync());
        output.WriteLine($"[outage] storage down: health {(int)healthDown}, postback {(int)postbackDown} in {postbackTime.TotalSeconds:0.0} s (Retry-After {retryAfter.TotalSeconds:0} s); "
            + $"storage back empty: first request {(int)firstRequest.StatusCode} (tables gone), health {(int)healthBack} after {probes} probe(s); a new key, users and a postback work again");
    }

    private static async Task<HttpStatusCode> HealthAsync(TestApp app)
    {
        using var response = await app.Client.GetAsync(new Uri("health", UriKind.Relative));
        return response.StatusCode;
    }

    /// <summary>Health probes, as a load balancer would send them, until 200 or 30 tries.</summary>
    private static async Task<(HttpStatusCode Status, int Probes)> WaitForHealthAsync(TestApp app)
    {
        var status = HttpStatusCode.ServiceUnavailable;
        var probes = 0;
        while (status != HttpStatusCode.OK && probes < 30)
        {
            if (probes > 0)
            {
                await Task.Delay(500);
            }

            probes++;
            status = await HealthAsync(app);
        }

        return (status, probes);
    }

    private static async Task<(HttpStatusCode Status, TimeSpan RetryAfter, TimeSpan Elapsed)> TimedPostbackAsync(CohortApi api, string cohortId, params TestChange[] changes)
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await api.PostChangesRawAsync(api.ChangesBody(cohortId, changes));
        stopwatch.Stop();
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            Assert.Equal(["message", "request_id"], (await response.ReadJsonAsync()).PropertyNames());
        }

        return (response.StatusCode, response.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, stopwatch.Elapsed);
    }
}
