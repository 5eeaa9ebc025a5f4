using System.Diagnostics;
using CohortFunctions.History;
using CohortFunctions.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace CohortFunctions.IntegrationTests.Faults;

/// <summary>
/// The sync history never fails or slows a postback: its write comes after the answer, so a postback whose history
/// write fails still answers 201 and applies its changes, and the record is restored once storage takes it (the
/// writer retries it; nothing is lost or counted as lost).
/// </summary>
public sealed class HistoryWriteFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Postback_HistoryWritesFail_Answers201AppliesItsChangesAndTheRecordIsRestored()
    {
        // Arrange: every request naming the history table is answered 503 by the proxy.
        await using var faulty = await FaultyApp.StartAsync(seed: 8701, output);
        var api = await CohortApi.StartAsync(faulty.App);
        var ids = Enumerable.Range(0, 120).Select(i => $"u{i:D3}").ToArray();
        await api.CreateUsersAsync(ids);
        var historyTable = faulty.App.TablePrefix + "synchistory";
        faulty.Proxy.Plan = FaultPlan.Always(FaultKind.Error503, request => request.Addresses(historyTable));

        // Act: one attempt; SendChangesAsync asserts the 201.
        var counts = await api.SendChangesAsync("c1", TestChange.Add(ids), TestChange.Add("ghost"));
        await WaitForLogAsync(faulty.App, "Sync history could not be written");
        var duringTheFault = await (await ReaderAsync(faulty, api)).FeedAsync();
        faulty.Proxy.Plan = FaultPlan.None;
        var restored = Assert.Single(await (await ReaderAsync(faulty, api)).WaitForFeedAsync(1));

        // Assert
        Assert.Equal(new PostbackCounts(120, 0, 0, 1, 120), counts);
        await faulty.Invariants.AssertMembersAsync(api.Workspace, api.Partner, "c1", await faulty.Invariants.UserIdsOfAsync(api.Workspace, ids));
        await faulty.Invariants.AssertDataPointsAsync(api.Workspace, 120);
        Assert.Empty(duringTheFault.Records);
        Assert.Equal(("changes", 201, (121, 120, 0, 0, 1, 120), api.KeyId), (restored.Kind, restored.Status, restored.Counts, restored.KeyId));
        Assert.Equal(0, faulty.App.GetRequiredService<SyncHistoryWriter>().Lost);
        Assert.True(faulty.Proxy.Counts().Of(FaultKind.Error503) > 0);
        faulty.Report("history writes fail");
    }

    [Fact]
    public async Task Postbacks_HistoryWritesHang_AnsweredAsFastAsWithoutThemAndRestoredAfterwards()
    {
        // Arrange: history writes get no answer until the storage client gives up (3 s a try, three tries).
        await using var faulty = await FaultyApp.StartAsync(seed: 8702, output);
        var api = await CohortApi.StartAsync(faulty.App);
        await api.CreateUsersAsync("a", "b", "c");
        await api.SendChangesAsync("warm-up", TestChange.Add("a"));
        var historyTable = faulty.App.TablePrefix + "synchistory";
        faulty.Proxy.Plan = FaultPlan.Always(FaultKind.Stall, request => request.Addresses(historyTable));

        // Act
        var stopwatch = Stopwatch.StartNew();
        foreach (var user in new[] { "a", "b", "c" })
        {
            await api.SendChangesAsync("c1", TestChange.Add(user));
        }

        var threePostbacks = stopwatch.Elapsed;
        await WaitForStallAsync(faulty);
        faulty.Proxy.Plan = FaultPlan.None;
        var restored = await (await ReaderAsync(faulty, api)).WaitForHistoryAsync("c1", 3);

        // Assert: one stalled history write alone takes at least 3 s.
        Assert.True(threePostbacks < TimeSpan.FromSeconds(FaultyApp.NetworkTimeoutSeconds), $"Three postbacks took {threePostbacks} while history writes hung.");
        Assert.Equal([1, 1, 1], restored.Select(r => r.Added));
        Assert.Equal(0, faulty.App.GetRequiredService<SyncHistoryWriter>().Lost);
        output.WriteLine($"[history writes hang] three postbacks answered in {threePostbacks.TotalMilliseconds:0} ms");
    }

    /// <summary>Waits until the proxy holds a history write, so the test knows the writes did hang.</summary>
    private static async Task WaitForStallAsync(FaultyApp faulty)
    {
        var deadline = DateTimeOffset.UtcNow + HistoryApi.WriteWait;
        while (faulty.Proxy.Counts().Of(FaultKind.Stall) == 0)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "No history write reached storage.");
            await Task.Delay(20);
        }
    }

    /// <summary>An operator reading on the healthy instance, in the same workspace.</summary>
    private static Task<CohortApi> ReaderAsync(FaultyApp faulty, CohortApi api) =>
        CohortApi.StartAsync(faulty.Direct, api.Partner, api.Workspace);

    private static async Task WaitForLogAsync(TestApp app, string text)
    {
        var deadline = DateTimeOffset.UtcNow + HistoryApi.WriteWait;
        while (!app.LogText().Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"The app never logged '{text}'.");
            await Task.Delay(50);
        }
    }
}
