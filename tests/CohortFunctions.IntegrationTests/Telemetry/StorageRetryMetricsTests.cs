using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.Telemetry;
using CohortFunctions.TestSupport;

namespace CohortFunctions.IntegrationTests.Telemetry;

/// <summary>
/// Storage retries are counted per request the storage client sends again, under the table and kind of request and
/// the workspace and partner of the postback that made it: real Azurite behind a proxy that answers 503 to every
/// membership transaction.
/// </summary>
public sealed class StorageRetryMetricsTests
{
    [Fact]
    public async Task Postback_MembershipTransactionsAnswered503_CountsEachRetryUnderItsTableAndPostbackAndThe503Answer()
    {
        // Arrange: the storage client retries twice; the proxy lets everything through until the postback.
        await using var proxy = await FaultProxy.StartAsync(FaultPlan.None, seed: 16);
        await using var app = await TestApp.StartAsync(b => b
            .Set(TestAppBuilder.ConnectionStringKey, proxy.ConnectionString)
            .Set("Storage:MaxRetries", "2"));
        var api = await CohortApi.StartAsync(app);
        await api.CreateUsersAsync("ada");
        using var recorded = new RecordedMetrics(app.GetRequiredService<CohortMetrics>().Meter);
        proxy.Plan = FaultPlan.Always(FaultKind.Error503, r => r.Addresses(app.TablePrefix + "memberships"));

        // Act: one user, one shard, one transaction: sent three times.
        using var response = await api.PostChangesRawAsync(api.ChangesBody("c1", TestChange.Add("ada")));

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var retries = recorded.Of(CohortMetrics.StorageRetries, ("operation", "memberships.batch"));
        Assert.Equal(2, retries.Count);
        Assert.All(retries, r => Assert.Equal((api.Workspace, "amplitude"), (r.Tags["workspace"], r.Tags["partner"])));
        Assert.Equal(2, recorded.Sum(CohortMetrics.StorageRetries));
        Assert.Equal(1, recorded.Sum(CohortMetrics.Postbacks, ("workspace", api.Workspace), ("status_code", "503"), ("status_class", "5xx"), ("message", "")));
    }
}
