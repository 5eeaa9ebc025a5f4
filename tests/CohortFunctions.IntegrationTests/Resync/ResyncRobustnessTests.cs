using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace CohortFunctions.IntegrationTests.Resync;

/// <summary>
/// Passes that overlap, crash half-way or resume, and the maintenance run, with small steps (7 identifiers) and a
/// three-day retention: whatever happens, members, member_count and data points end exact.
/// </summary>
public sealed class ResyncRobustnessTests(SmallStepsResyncFixture fixture) : IClassFixture<SmallStepsResyncFixture>
{
    private readonly TestApp _app = fixture.App;
    private readonly FakeTimeProvider _clock = fixture.Clock;
    private readonly PendingFaults _faults = fixture.Faults;

    [Fact]
    public async Task OverlappingRuns_TwoManualResyncsAndTheTimerAtOnce_NothingCountedTwice()
    {
        // Arrange: 150 identifiers pending, 120 of whose users now exist.
        var (api, ids) = await PendingAsync(count: 150, existing: 120);
        _clock.Advance(TimeSpan.FromMinutes(61));

        // Act
        var first = api.ResyncRawAsync("c");
        var second = api.ResyncRawAsync("c");
        var timer = _app.RunResyncTimerAsync();
        await Task.WhenAll(first, second, timer);
        using var firstResponse = await first;
        using var secondResponse = await second;

        // Assert: each request either ran (possibly finding the work done) or was told another run holds the cohort.
        var applied = 0;
        foreach (var response in new[] { firstResponse, secondResponse })
        {
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict });
            if (response.StatusCode == HttpStatusCode.OK)
            {
                applied += ResyncApi.Counts(await response.ReadJsonAsync()).Applied;
            }
            else
            {
                Assert.Equal("A resync of this cohort is already running; try again when it has finished.", await response.ReadErrorMessageAsync());
            }
        }

        Assert.InRange(applied, 0, 120);
        Assert.Equal(ids[..120], await api.MemberExternalIdsAsync("c"));
        Assert.Equal(120, await api.MemberCountAsync("c"));
        Assert.Equal(120, await api.DataPointsTotalAsync());
        Assert.Equal(new ResyncCounts(Retried: 30, Applied: 0, Expired: 0, StillPending: 30, Complete: true), await api.ResyncAsync("c"));
    }

    [Fact]
    public async Task OverlappingRuns_ManyManualResyncsAtOnce_AppliedSumsToTheMatchedCount()
    {
        // Arrange
        var (api, _) = await PendingAsync(count: 60, existing: 45);

        // Act
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => api.ResyncRawAsync("c")));

        // Assert: passes that ran one after another apply each identifier once between them.
        var applied = 0;
        foreach (var response in responses)
        {
            using (response)
            {
                Assert.Contains(response.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict });
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    applied += ResyncApi.Counts(await response.ReadJsonAsync()).Applied;
                }
            }
        }

        Assert.Equal(45, applied);
        Assert.Equal(45, await api.MemberCountAsync("c"));
        Assert.Equal(45, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task CrashAfterAStepCommittedBeforeItsPendingRowsWentAway_NextRunCompletesWithoutCountingTwice()
    {
        // Arrange: the second step's changes commit, then the process "dies" before its pending rows are deleted
        // (each step deletes twice: expired rows first, then the applied ones; the 4th delete is step 2's).
        var (api, ids) = await PendingAsync(count: 60, existing: 50);
        _clock.Advance(TimeSpan.FromMinutes(61));
        _faults.Arm(FaultyPendingStore.Delete, api.Workspace, call: 4);

        // Act: the run logs the failed cohort and goes on (one failing cohort must not stop the others).
        await _app.RunResyncTimerAsync();
        var membersAfterCrash = await api.MembersAsync("c");
        var countAfterCrash = await api.MemberCountAsync("c");
        var dataPointsAfterCrash = await api.DataPointsTotalAsync();
        await _app.RunResyncTimerAsync();

        // Assert: the half-done pass left exact counts, and the next run resumed and finished it.
        Assert.InRange(membersAfterCrash.Count, 1, 14);
        Assert.Equal(membersAfterCrash.Count, countAfterCrash);
        Assert.Equal(membersAfterCrash.Count, dataPointsAfterCrash);
        Assert.Equal(ids[..50], await api.MemberExternalIdsAsync("c"));
        Assert.Equal(50, await api.MemberCountAsync("c"));
        Assert.Equal(50, await api.DataPointsTotalAsync());
        Assert.Equal(new ResyncCounts(Retried: 10, Applied: 0, Expired: 0, StillPending: 10, Complete: true), await api.ResyncAsync("c"));
    }

    [Fact]
    public async Task CrashWhileReading_ManualResyncAnswers500ThenTheNextOneFinishes()
    {
        // Arrange
        var (api, ids) = await PendingAsync(count: 40, existing: 30);
        _faults.Arm(FaultyPendingStore.Read, api.Workspace, call: 3);

        // Act
        using var crashed = await api.ResyncRawAsync("c");
        var resumed = await api.ResyncAsync("c");

        // Assert: the second request resumes after the two steps the first one saved.
        Assert.Equal(HttpStatusCode.InternalServerError, crashed.StatusCode);
        Assert.DoesNotContain("Injected", await crashed.ReadErrorMessageAsync(), StringComparison.Ordinal);
        Assert.True(resumed.Complete);
        Assert.Equal(40 - (2 * SmallStepsResyncFixture.StepSize), resumed.Retried);
        Assert.Equal(ids[..30], await api.MemberExternalIdsAsync("c"));
        Assert.Equal(30, await api.MemberCountAsync("c"));
        Assert.Equal(30, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task CrashedPass_LeaseGivenBack_AnotherRequestMayRunAtOnce()
    {
        // Arrange
        var (api, _) = await PendingAsync(count: 20, existing: 20);
        _faults.Arm(FaultyPendingStore.Read, api.Workspace, call: 1);

        // Act
        using var crashed = await api.ResyncRawAsync("c");
        using var next = await api.ResyncRawAsync("c");

        // Assert: not 409 — a failed pass must not keep the cohort locked until its lease expires.
        Assert.Equal(HttpStatusCode.InternalServerError, crashed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(new ResyncCounts(20, 20, 0, 0, true), ResyncApi.Counts(await next.ReadJsonAsync()));
    }

    [Fact]
    public async Task Maintenance_FoldsCountDeltas_MemberCountStaysExact()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        var ids = Enumerable.Range(0, 40).Select(i => $"m{i:D2}").ToArray();
        await api.CreateUsersAsync(ids);
        await api.SendChangesAsync("c", TestChange.Add(ids[..30]));
        await api.SendChangesAsync("c", TestChange.Remove(ids[..10]));
        var deltasBefore = await _app.CountDeltaRowsAsync(api.Workspace);

        // Act
        await _app.RunMaintenanceTimerAsync();
        var afterFirst = await api.MemberCountAsync("c");
        var deltasAfter = await _app.CountDeltaRowsAsync(api.Workspace);
        await api.SendChangesAsync("c", TestChange.Add(ids[30..35]), TestChange.Remove(ids[10..12]));
        await _app.RunMaintenanceTimerAsync();
        await _app.RunMaintenanceTimerAsync();

        // Assert
        Assert.True(deltasBefore > 0);
        Assert.Equal(0, deltasAfter);
        Assert.Equal(20, afterFirst);
        Assert.Equal(23, await api.MemberCountAsync("c"));
        Assert.Equal(23, (await api.MembersAsync("c")).Count);
        Assert.Equal(0, await _app.CountDeltaRowsAsync(api.Workspace));
        Assert.Equal(30 + 10 + 5 + 2, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task Maintenance_LedgerRowLostAfterItsBatchCommitted_RestoresTheDataPoints()
    {
        // Arrange: a crash between a batch's commit and its ledger write is simulated by deleting a ledger row.
        var api = await CohortApi.StartAsync(_app);
        var ids = Enumerable.Range(0, 25).Select(i => $"l{i:D2}").ToArray();
        await api.CreateUsersAsync(ids);
        await api.SendChangesAsync("c", TestChange.Add(ids));
        var rows = await _app.LedgerRowsAsync(api.Workspace);
        var lost = rows.OrderByDescending(r => r.GetInt32("Count")).First();
        await _app.LedgerTable().DeleteEntityAsync(lost.PartitionKey, lost.RowKey);
        var withRowLost = await api.DataPointsTotalAsync();

        // Act
        await _app.RunMaintenanceTimerAsync();
        var restored = await api.DataPointsTotalAsync();
        await _app.RunMaintenanceTimerAsync();

        // Assert
        Assert.True(rows.Count > 1, "the postback should have been committed in several shard batches");
        Assert.Equal(25 - lost.GetInt32("Count")!.Value, withRowLost);
        Assert.Equal(25, restored);
        Assert.Equal(25, await api.DataPointsTotalAsync());
        Assert.Equal(rows.Count, (await _app.LedgerRowsAsync(api.Workspace)).Count);
        Assert.Equal(25, await api.MemberCountAsync("c"));
    }

    [Fact]
    public async Task Maintenance_LedgerOfAResyncPassLost_RestoresItsDataPoints()
    {
        // Arrange
        var (api, _) = await PendingAsync(count: 12, existing: 12);
        await api.ResyncAsync("c");
        foreach (var row in await _app.LedgerRowsAsync(api.Workspace))
        {
            await _app.LedgerTable().DeleteEntityAsync(row.PartitionKey, row.RowKey);
        }

        var withLedgerLost = await api.DataPointsTotalAsync();

        // Act
        await _app.RunMaintenanceTimerAsync();

        // Assert
        Assert.Equal(0, withLedgerLost);
        Assert.Equal(12, await api.DataPointsTotalAsync());
        Assert.Equal(12, await api.MemberCountAsync("c"));
    }

    [Fact]
    public async Task Maintenance_PendingPastRetention_PurgedFreshOnesKept()
    {
        // Arrange: retention is three days here; "old" is sent on day 0, "fresh" on day 2.
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("c", TestChange.Add("old"));
        _clock.Advance(TimeSpan.FromDays(2));
        await api.SendChangesAsync("c", TestChange.Add("fresh"));
        _clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        // Act
        await _app.RunMaintenanceTimerAsync();
        await api.CreateUsersAsync("old", "fresh");
        var counts = await api.ResyncAsync("c");

        // Assert: "old" was already gone (not even counted as expired by the pass); "fresh" was applied.
        Assert.Equal(new ResyncCounts(Retried: 1, Applied: 1, Expired: 0, StillPending: 0, Complete: true), counts);
        Assert.Equal(["fresh"], await api.MemberExternalIdsAsync("c"));
    }

    [Fact]
    public async Task Retention_SettingOfThreeDays_ExpiresAfterThreeDays()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("c", TestChange.Add("a"));
        _clock.Advance(TimeSpan.FromDays(SmallStepsResyncFixture.RetentionDays) + TimeSpan.FromSeconds(1));
        await api.CreateUsersAsync("a");

        // Act
        var counts = await api.ResyncAsync("c");

        // Assert
        Assert.Equal(new ResyncCounts(0, 0, 1, 0, true), counts);
        Assert.False(await api.IsMemberAsync("a", "c"));
    }

    /// <summary>A workspace whose cohort "c" has <paramref name="count"/> pending adds; the first <paramref name="existing"/> users then exist.</summary>
    private async Task<(CohortApi Api, string[] Ids)> PendingAsync(int count, int existing)
    {
        var api = await CohortApi.StartAsync(_app);
        var ids = Enumerable.Range(0, count).Select(i => $"p{i:D3}").ToArray();
        var sent = await api.SendChangesAsync("c", TestChange.Add(ids));
        Assert.Equal(count, sent.Unmatched);
        await api.CreateUsersAsync(ids[..existing]);
        return (api, ids);
    }
}
