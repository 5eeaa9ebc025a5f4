using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace CohortFunctions.IntegrationTests.Faults;

/// <summary>
/// The write landed, its answer did not: the SDK sends it again and storage answers as if someone else had written
/// first (409 for an insert, 412 for a guarded update, 404 for a delete). Every write path of the main flow must take
/// that for what it is — its own write — and carry on, with nothing counted twice or lost.
/// </summary>
public sealed class LostAnswerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("importkeys")]
    [InlineData("users")]
    [InlineData("identifiers")]
    [InlineData("cohorts")]
    [InlineData("memberships")]
    [InlineData("datapoints")]
    [InlineData("pending")]
    [InlineData("synchistory")]
    public async Task Flow_AnswerOfFirstWriteToTableLost_EveryCallSucceedsAndStorageStaysExact(string table)
    {
        // Arrange: the answer of the first write to the table is lost, after storage did it.
        await using var faulty = await FaultyApp.StartAsync(seed: 8401, output);
        var tableName = faulty.App.TablePrefix + table;
        var writes = 0;
        faulty.Proxy.Plan = FaultPlan.Always(
            FaultKind.LoseResponse,
            request => request.Method != "GET" && request.Addresses(tableName) && Interlocked.Increment(ref writes) == 1);

        // Act: a key, two users, a postback naming them and one unknown user, the unknown user, a resync. Each call
        // must succeed at once (the helpers fail on any other status).
        var api = await CohortApi.StartAsync(faulty.App);
        await api.CreateUsersAsync("ada", "bob");
        await api.SendChangesAsync("c1", TestChange.Add("ada", "bob", "late"));
        await api.CreateUsersAsync("late");
        var resync = await faulty.Callers.PostJsonAsync("resync", $"manage/workspaces/{api.Workspace}/cohorts/{api.Partner}/c1/resync", new { }, HttpStatusCode.OK);
        faulty.Proxy.Plan = FaultPlan.None;
        await FaultyApp.RunMaintenanceAsync(faulty.Direct);

        // Assert
        Assert.Equal(1, faulty.Proxy.Counts().Of(FaultKind.LoseResponse));
        Assert.Equal((1, 1, 0), (faulty.Callers.Of("resync").Calls, faulty.Callers.Of("resync").Attempts, faulty.Callers.Of("resync").Retried));
        Assert.True(resync.GetProperty("complete").GetBoolean());
        var members = await faulty.Invariants.UserIdsOfAsync(api.Workspace, ["ada", "bob", "late"]);
        await faulty.Invariants.AssertMembersAsync(api.Workspace, api.Partner, "c1", members);
        await faulty.Invariants.AssertNothingPendingMatchesAsync(api.Workspace, api.Partner, "c1");
        await faulty.Invariants.AssertDataPointsAsync(api.Workspace, 3);

        // The sync history holds the postback and the pass once each, however its writes were answered.
        var history = await (await CohortApi.StartAsync(faulty.Direct, api.Partner, api.Workspace)).WaitForFeedAsync(2);
        Assert.Equal(["resync", "changes"], history.Select(r => r.Kind));
        output.WriteLine($"[lost answer: {table}] {faulty.Proxy.Counts()}");
    }
}
