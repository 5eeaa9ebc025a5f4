using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Segments;

/// <summary>
/// Exports walked while postbacks change the cohorts underneath: a user changing membership mid-walk may appear or
/// not, but never twice, and every user who qualified for the whole walk appears.
/// </summary>
public sealed class SegmentExportDuringPostbacksTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const int Users = 200;

    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task Walk_IncludesWhilePostbacksAddAndRemoveBetweenPages_NoDuplicatesAndSteadyMembersAllThere()
    {
        // Arrange
        var (api, ids) = await WorkspaceAsync();
        var initial = ids[..120];
        await api.SendChangesAsync("live", TestChange.Add(initial));
        var segments = new SegmentApi(api);
        var segment = await segments.CreateAsync("live", Filter.Includes("live"));
        var random = new Random(11);
        var current = initial.ToHashSet();
        var ever = initial.ToHashSet();
        var removedAtSomePoint = new HashSet<string>();

        // Act: after every page, 4 members leave, 4 users join and 1 who left comes back.
        var exported = await segments.WalkAsync(segment.SegmentId, limit: 10, betweenPages: async _ =>
        {
            var leaving = Shuffled(current, random).Take(4).ToArray();
            var joining = Shuffled(ids.Except(current), random).Take(4).ToArray();
            var back = Shuffled(removedAtSomePoint.Except(current).Except(leaving), random).Take(1).ToArray();
            await api.SendChangesAsync("live", TestChange.Remove(leaving), TestChange.Add([.. joining, .. back]));
            current.ExceptWith(leaving);
            current.UnionWith(joining.Concat(back));
            ever.UnionWith(joining.Concat(back));
            removedAtSomePoint.UnionWith(leaving);
        });

        // Assert
        SegmentApi.AssertNoDuplicates(exported);
        var keys = exported.Select(u => u.ExternalId!).ToHashSet();
        var steady = initial.Except(removedAtSomePoint).ToList();
        Assert.True(removedAtSomePoint.Count >= 25, $"only {removedAtSomePoint.Count} users changed during the walk");
        Assert.All(steady, id => Assert.Contains(id, keys));
        Assert.All(keys, id => Assert.Contains(id, ever));
        Assert.Equal(current.Order(StringComparer.Ordinal), await api.MemberExternalIdsAsync("live"));
    }

    [Fact]
    public async Task Walk_CompoundFilterWhilePostbacksChangeBothCohorts_NoDuplicatesAndSteadyQualifiersAllThere()
    {
        // Arrange: segment = live and not blocked; between pages users move in and out of both cohorts.
        var (api, ids) = await WorkspaceAsync();
        var live = ids[..150].ToHashSet();
        var blocked = ids[100..170].ToHashSet();
        await api.SendChangesAsync("live", TestChange.Add([.. live]));
        await api.SendChangesAsync("blocked", TestChange.Add([.. blocked]));
        var segments = new SegmentApi(api);
        var segment = await segments.CreateAsync("live, not blocked", Filter.And(Filter.Includes("live"), Filter.Excludes("blocked")));
        var random = new Random(12);
        var steady = live.Except(blocked).ToHashSet();
        var everLive = live.ToHashSet();
        var alwaysBlocked = blocked.ToHashSet();

        // Act
        var exported = await segments.WalkAsync(segment.SegmentId, limit: 10, betweenPages: async _ =>
        {
            var leaveLive = Shuffled(live, random).Take(3).ToArray();
            var joinLive = Shuffled(ids.Except(live), random).Take(3).ToArray();
            var block = Shuffled(ids.Except(blocked), random).Take(3).ToArray();
            var unblock = Shuffled(blocked, random).Take(3).ToArray();
            await Task.WhenAll(
                api.SendChangesAsync("live", TestChange.Remove(leaveLive), TestChange.Add(joinLive)),
                api.SendChangesAsync("blocked", TestChange.Remove(unblock), TestChange.Add(block)));
            live.ExceptWith(leaveLive);
            live.UnionWith(joinLive);
            blocked.ExceptWith(unblock);
            blocked.UnionWith(block);
            steady.ExceptWith(leaveLive.Concat(block));
            everLive.UnionWith(joinLive);
            alwaysBlocked.ExceptWith(unblock);
        });

        // Assert: anyone exported was in "live" at some point and not blocked throughout.
        SegmentApi.AssertNoDuplicates(exported);
        var keys = exported.Select(u => u.ExternalId!).ToHashSet();
        Assert.True(steady.Count >= 20, $"only {steady.Count} users qualified throughout");
        Assert.All(steady, id => Assert.Contains(id, keys));
        Assert.All(keys, id => Assert.True(everLive.Contains(id) && !alwaysBlocked.Contains(id), $"{id} never qualified"));
        var settled = await segments.WalkAsync(segment.SegmentId);
        Assert.Equal(live.Except(blocked).Order(StringComparer.Ordinal), settled.Select(u => u.ExternalId!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Walk_WhileConcurrentSendersChangeTheCohort_NoDuplicatesAndSteadyMembersAllThere()
    {
        // Arrange: the changes are planned up front, then sent by a second sender while the walk runs, in any interleaving.
        var (api, ids) = await WorkspaceAsync();
        var initial = ids[..100];
        await api.SendChangesAsync("live", TestChange.Add(initial));
        var segments = new SegmentApi(api);
        var segment = await segments.CreateAsync("live", Filter.Includes("live"));
        var random = new Random(13);
        var plan = Enumerable.Range(0, 15).Select(_ => (
            Leave: Shuffled(initial, random).Take(3).ToArray(),
            Join: Shuffled(ids[100..], random).Take(3).ToArray())).ToList();

        // Act
        var sender = Task.Run(async () =>
        {
            foreach (var (leave, join) in plan)
            {
                await api.SendChangesAsync("live", TestChange.Remove(leave), TestChange.Add(join));
            }
        });
        var exported = await segments.WalkAsync(segment.SegmentId, limit: 10, betweenPages: _ => Task.Delay(5));
        await sender;

        // Assert
        SegmentApi.AssertNoDuplicates(exported);
        var keys = exported.Select(u => u.ExternalId!).ToHashSet();
        var everLeaving = plan.SelectMany(p => p.Leave).ToHashSet();
        var everJoining = plan.SelectMany(p => p.Join).ToHashSet();
        Assert.All(initial.Except(everLeaving), id => Assert.Contains(id, keys));
        Assert.All(keys, id => Assert.True(initial.Contains(id) || everJoining.Contains(id), $"{id} was never a member"));
    }

    private static IEnumerable<string> Shuffled(IEnumerable<string> ids, Random random) =>
        ids.Order(StringComparer.Ordinal).OrderBy(_ => random.Next());

    private async Task<(CohortApi Api, string[] Ids)> WorkspaceAsync()
    {
        var api = await CohortApi.StartAsync(_app);
        var ids = Enumerable.Range(0, Users).Select(i => $"u{i:D3}").ToArray();
        await api.CreateUsersAsync(ids);
        return (api, ids);
    }
}
