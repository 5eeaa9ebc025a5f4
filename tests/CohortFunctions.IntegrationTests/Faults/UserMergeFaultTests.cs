using System.Net;
using CohortFunctions.Identifiers;
using CohortFunctions.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace CohortFunctions.IntegrationTests.Faults;

/// <summary>
/// Identify (merges and identification in place) and user deletion while storage misbehaves, with postbacks to
/// another cohort running alongside: memberships move to the user that absorbed them, deleted and merged-away users
/// leave nothing behind, counts stay exact and merges count no data points.
/// </summary>
public sealed class UserMergeFaultTests(ITestOutputHelper output)
{
    private const int Merged = 30;
    private const int Anonymous = 50;
    private const int Deleted = 10;

    [Fact]
    public async Task IdentifyAndDelete_StorageFaultStorm_MembershipsMoveExactlyAndNothingIsLeftBehind()
    {
        // Arrange: anonymous users on devices, identified users that 30 of them will merge into, users to delete;
        // cohort m1 has every anonymous user and the users to delete, m2 some anonymous and some identified users.
        const int Seed = 8501;
        await using var faulty = await FaultyApp.StartAsync(Seed, output);
        var api = await CohortApi.StartAsync(faulty.App);
        var devices = Enumerable.Range(0, Anonymous).Select(i => $"dev-{i:D2}").ToArray();
        var targets = Enumerable.Range(0, Merged).Select(i => $"ext-{i:D2}").ToArray();
        var doomed = Enumerable.Range(0, Deleted).Select(i => $"gone-{i:D2}").ToArray();
        await api.CreateUsersAsync([.. devices.Select(d => new TestUser(DeviceIds: [d])), .. targets.Select(t => new TestUser(t)), .. doomed.Select(g => new TestUser(g))]);
        await api.SendChangesAsync("m1", new TestChange(DeviceIds: devices), TestChange.Add(doomed));
        await api.SendChangesAsync("m2", new TestChange(DeviceIds: devices[..Merged]), TestChange.Add(targets[..20]));
        var anonymousIds = await Task.WhenAll(devices.Select(async d => (await faulty.Invariants.UserIdOfAsync(api.Workspace, Identifier.Device(d)))!));
        var targetIds = await faulty.Invariants.UserIdsOfAsync(api.Workspace, targets);
        var doomedIds = await faulty.Invariants.UserIdsOfAsync(api.Workspace, doomed);
        var m3 = Enumerable.Range(0, 4).Select(k => api.ChangesBody("m3", TestChange.Add(targets[(k * 5)..]), TestChange.Remove(targets[..(k * 5)]))).ToList();

        // Act: merges, identifications in place, deletions and postbacks at once, each retried until it gets through.
        faulty.Proxy.Plan = FaultPlan.Storm(0.12);
        var storm = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(
            IdentifyAllAsync(faulty, api, [.. Enumerable.Range(0, Merged).Select(i => (targets[i], devices[i]))]),
            IdentifyAllAsync(faulty, api, [.. Enumerable.Range(Merged, Anonymous - Merged).Select(i => ($"new-{i:D2}", devices[i]))]),
            DeleteAllAsync(faulty, api, doomedIds),
            Task.Run(async () =>
            {
                foreach (var body in m3)
                {
                    await faulty.Callers.PostJsonAsync("postback", $"partners/{api.Partner}/cohorts/users", body, HttpStatusCode.Created);
                }
            }));
        var maintenanceRuns = await FaultyApp.RunMaintenanceAsync(faulty.App);
        storm.Stop();
        var stormCounts = faulty.Proxy.Counts();
        faulty.Proxy.Plan = FaultPlan.None;

        // Assert: memberships went to the targets; identified-in-place users kept theirs; deleted and merged-away users are gone.
        Assert.True(stormCounts.Injected > 0);
        await faulty.Invariants.AssertMembersAsync(api.Workspace, api.Partner, "m1", [.. targetIds, .. anonymousIds[Merged..]]);
        await faulty.Invariants.AssertMembersAsync(api.Workspace, api.Partner, "m2", targetIds);
        await faulty.Invariants.AssertMembersAsync(api.Workspace, api.Partner, "m3", targetIds.Skip(15));
        foreach (var user in doomedIds)
        {
            await faulty.Invariants.AssertUserGoneAsync(api.Workspace, user);
        }

        // A merged-away user's profile goes last, after the row the request named moved; if only that delete failed,
        // a repeated request finds the target and the profile stays behind, pointed at by nothing: counted, not failed.
        var leftOver = 0;
        foreach (var user in anonymousIds[..Merged])
        {
            await faulty.Invariants.AssertNoMembershipsAsync(api.Workspace, user);
            leftOver += await faulty.Invariants.ProfileExistsAsync(api.Workspace, user) ? 1 : 0;
        }

        for (var i = 0; i < Anonymous; i++)
        {
            var expectedOwner = i < Merged ? targetIds[i] : anonymousIds[i];
            Assert.Equal(expectedOwner, await faulty.Invariants.UserIdOfAsync(api.Workspace, Identifier.Device(devices[i])));
            Assert.Null(await faulty.Invariants.UserIdOfAsync(api.Workspace, Identifier.Device(devices[i]), matchable: true));
        }

        // Data points: the setup postbacks and m3's; merges and deletions count none.
        var expectedDataPoints = (Anonymous + Deleted) + (Merged + 20) + (Merged + 15);
        await faulty.Invariants.AssertDataPointsAsync(api.Workspace, expectedDataPoints);
        var direct = await CohortApi.StartAsync(faulty.Direct, workspace: api.Workspace);
        Assert.Equal(Merged + (Anonymous - Merged), await direct.MemberCountAsync("m1"));

        faulty.Report("identify and delete");
        output.WriteLine($"[identify and delete] {Merged} merges, {Anonymous - Merged} identified in place, {Deleted} deletions, {m3.Count} postbacks alongside; maintenance runs {maintenanceRuns}; merged-away profiles left over {leftOver}; storm {storm.Elapsed.TotalSeconds:0} s");
    }

    /// <summary>Identifies in requests of 5, again after a 503 or for entries told to retry, until each entry is identified or merged.</summary>
    private static async Task IdentifyAllAsync(FaultyApp faulty, CohortApi api, IReadOnlyList<(string ExternalId, string DeviceId)> entries)
    {
        foreach (var chunk in entries.Chunk(5))
        {
            var left = chunk.ToList();
            for (var round = 0; left.Count > 0; round++)
            {
                Assert.True(round < 10, $"Identify entries kept failing: {string.Join(", ", left)}");
                var body = await faulty.Callers.PostJsonAsync(
                    "identify",
                    $"manage/workspaces/{api.Workspace}/users/identify",
                    new { identify = left.Select(e => new { external_id = e.ExternalId, device_id = e.DeviceId }).ToList() },
                    HttpStatusCode.OK);
                var retry = new List<(string, string)>();
                foreach (var error in body.GetProperty("errors").EnumerateArray())
                {
                    var message = error.GetProperty("message").GetString() ?? "";
                    Assert.True(message.EndsWith("retry.", StringComparison.Ordinal), $"Identify entry failed for good: {error}");
                    retry.Add(left[error.GetProperty("index").GetInt32()]);
                }

                left = retry;
            }
        }
    }

    /// <summary>Deletes each user, again after a 503; a 404 after a failed attempt means that attempt did delete it.</summary>
    private static async Task DeleteAllAsync(FaultyApp faulty, CohortApi api, IReadOnlyList<string> userIds)
    {
        foreach (var user in userIds)
        {
            await faulty.Callers.SendAsync(
                "delete user",
                () => new HttpRequestMessage(HttpMethod.Delete, new Uri($"manage/workspaces/{api.Workspace}/users/{user}", UriKind.Relative)),
                HttpStatusCode.NoContent,
                acceptAfterRetry: [HttpStatusCode.NotFound]);
        }
    }
}
