using Azure.Data.Tables;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.IntegrationTests.Resync;
using Microsoft.Extensions.Time.Testing;

namespace CohortFunctions.IntegrationTests.History;

/// <summary>
/// Sync history is kept 14 days: reads stop showing a record once it is older, and the maintenance timer removes
/// whole expired days of every workspace with a data import key, each from its own partitions.
/// </summary>
public sealed class SyncHistoryRetentionTests(ResyncFixture fixture) : IClassFixture<ResyncFixture>
{
    private readonly TestApp _app = fixture.App;
    private readonly FakeTimeProvider _clock = fixture.Clock;

    [Fact]
    public async Task Maintenance_RecordsPastFourteenDays_HiddenAtOnceAndRemovedInEveryWorkspaceByTheNextRun()
    {
        // Arrange: two workspaces sync today; fifteen days later one syncs again.
        var a = await CohortApi.StartAsync(_app);
        var b = await CohortApi.StartAsync(_app);
        await a.SendChangesAsync("c1", TestChange.Add("x"));
        await a.SendChangesAsync("c2", TestChange.Add("x"));
        await b.SendChangesAsync("c1", TestChange.Add("x"));
        await a.WaitForFeedAsync(2);
        await b.WaitForFeedAsync(1);
        _clock.Advance(TimeSpan.FromDays(15));
        await a.SendChangesAsync("c1", TestChange.Add("y"));
        var fresh = Assert.Single(await a.WaitForFeedAsync(1));
        var rowsBefore = (await RowsAsync(a.Workspace), await RowsAsync(b.Workspace));

        // Act
        await _app.RunMaintenanceTimerAsync();
        var rowsAfter = (await RowsAsync(a.Workspace), await RowsAsync(b.Workspace));

        // Assert: two rows a record (the feed's and the cohort's).
        Assert.Equal((6, 2), rowsBefore);
        Assert.Equal((2, 0), rowsAfter);
        Assert.Equal([fresh.Id], (await a.FeedAsync()).Records.Select(r => r.Id));
        Assert.Equal([fresh.Id], (await a.CohortHistoryAsync("c1")).Records.Select(r => r.Id));
        Assert.Empty((await b.FeedAsync()).Records);
    }

    [Fact]
    public async Task Reads_RecordOlderThanFourteenDaysNotYetSwept_NotShown()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("c1", TestChange.Add("x"));
        await api.WaitForFeedAsync(1);

        // Act
        _clock.Advance(TimeSpan.FromDays(14).Add(TimeSpan.FromSeconds(1)));

        // Assert
        Assert.Empty((await api.FeedAsync()).Records);
        Assert.Empty((await api.CohortHistoryAsync("c1")).Records);
        Assert.Equal(2, await RowsAsync(api.Workspace));
    }

    /// <summary>The workspace's rows in the history table, read with the Azure SDK (its partitions start with the id and '|').</summary>
    private async Task<int> RowsAsync(string workspace)
    {
        var table = new TableClient(_app.StorageConnectionString, _app.TablePrefix + "synchistory");
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {workspace + "|"} and PartitionKey lt {workspace + "}"}");
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, select: ["RowKey"]))
        {
            count++;
        }

        return count;
    }
}
