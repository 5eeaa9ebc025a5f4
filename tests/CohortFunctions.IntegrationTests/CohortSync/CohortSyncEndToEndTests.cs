using CohortFunctions.CohortSync.Members;
using CohortFunctions.CohortSync.State;
using CohortFunctions.CohortSync.Sync;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.CohortSync;

/// <summary>
/// The cohort-sync engine against the real app over HTTP, as docs/cohort-sync.md describes it: the first sync names the
/// cohort and adds everyone, later syncs send only the difference, and the state moves only when a sync succeeded.
/// </summary>
public sealed class CohortSyncEndToEndTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string CohortName = "Power users";

    /// <summary>The mapping of docs/cohort-sync.md's quick start.</summary>
    private static readonly IdentifierMapping SampleMapping = IdentifierMapping.Parse("user_id,alias:email,device_id");

    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task SyncAsync_SampleFilesInTurn_FirstSyncAddsTheResolvedUsersThenOnlyTheDeltaIsSent()
    {
        // Arrange: the people of samples/cohort*.csv, except dave, whom no user is.
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync(
        [
            new TestUser("alice"),
            new TestUser("bob"),
            new TestUser("erin"),
            new TestUser("frank"),
            new TestUser(DeviceIds: ["D-ANON-1"]),
            new TestUser("carol", Aliases: [new TestAlias("carol@example.com", "email")]),
        ]);
        var alice = await UserIdAsync(api, "external_id=alice");
        var bob = await UserIdAsync(api, "external_id=bob");
        var erin = await UserIdAsync(api, "external_id=erin");
        var frank = await UserIdAsync(api, "external_id=frank");
        var anonymous = await UserIdAsync(api, "device_id=D-ANON-1");
        var carol = await UserIdAsync(api, "external_id=carol");
        using var recorder = new RecordingHandler();
        using var http = new HttpClient(recorder) { Timeout = Timeout.InfiniteTimeSpan };
        var state = new InMemorySyncStateStore();
        var engine = Engine(api, "power-users", http, state);

        // Act: the first file; then the anonymous user is identified as gina and the second file is synced.
        var first = await engine.SyncAsync(await SampleAsync("cohort.csv"));
        var firstRequests = recorder.Requests;
        var membersAfterFirst = await MemberUserIdsAsync(api, "power-users");
        recorder.Clear();
        var identified = await api.IdentifyAsync(new[] { new { external_id = "gina", device_id = "D-ANON-1" } });
        var nextSnapshot = await SampleAsync("cohort-next.csv");
        var second = await engine.SyncAsync(nextSnapshot);
        var secondRequests = recorder.Requests;

        // Assert: the first sync named the cohort, then added its six identifiers, of which dave's matched no one.
        Assert.True(first.Succeeded, Describe(first));
        Assert.Equal((true, true, 7, 6, 1), (first.FirstSync, first.NameSent, first.Rows, first.Members, first.Skipped));
        Assert.Equal((6, 0, 6L), (first.ToAdd, first.ToRemove, first.Sent));
        Assert.Equal<long?>([5, 0, 0, 1], [first.Added, first.Removed, first.Unchanged, first.Unmatched]);
        Assert.Equal(["/partners/amplitude/cohorts", "/partners/amplitude/cohorts/users"], firstRequests.Select(r => r.Path));
        Assert.Equal(CohortName, firstRequests[0].Body.GetRequiredString("name"));
        Assert.Equal(["alice", "bob", "erin"], firstRequests[1].Identifiers(remove: false, "user_ids"));
        Assert.Equal(["D-ANON-1"], firstRequests[1].Identifiers(remove: false, "device_ids"));
        Assert.Equal(["email=carol@example.com", "email=dave@example.com"], firstRequests[1].Identifiers(remove: false, "aliases"));
        Assert.Equal(Sorted(alice, bob, erin, anonymous, carol), membersAfterFirst);

        // The second sent one request, only the difference: gina and frank in; bob and the old device id out. Gina is
        // the user who was anonymous (already a member, unchanged); the device id no longer matches her (unmatched).
        Assert.True(second.Succeeded, Describe(second));
        Assert.Equal((false, false), (second.FirstSync, second.NameSent));
        Assert.Equal((2, 2, 4L), (second.ToAdd, second.ToRemove, second.Sent));
        Assert.Equal<long?>([1, 1, 1, 1], [second.Added, second.Removed, second.Unchanged, second.Unmatched]);
        var delta = Assert.Single(secondRequests);
        Assert.Equal("/partners/amplitude/cohorts/users", delta.Path);
        Assert.Equal(["frank", "gina"], delta.Identifiers(remove: false, "user_ids"));
        Assert.Equal(["bob"], delta.Identifiers(remove: true, "user_ids"));
        Assert.Equal(["D-ANON-1"], delta.Identifiers(remove: true, "device_ids"));
        Assert.Equal(1, identified.GetProperty("identified").GetInt32());
        Assert.Equal(anonymous, await UserIdAsync(api, "external_id=gina"));
        Assert.Equal(Sorted(alice, erin, anonymous, carol, frank), await MemberUserIdsAsync(api, "power-users"));
        var cohort = await api.CohortAsync("power-users");
        Assert.Equal((CohortName, 5L), (cohort.GetRequiredString("name"), cohort.GetProperty("member_count").GetInt64()));
        Assert.Equal(5 + 2, await api.DataPointsTotalAsync());
        Assert.Equal(2, state.Saves);
        Assert.True(nextSnapshot.Members.SetEquals(state.Current!.Members));
    }

    [Fact]
    public async Task SyncAsync_OneBatchRejected_SavesNoStateAndTheNextSyncSendsTheSameDeltaAgain()
    {
        // Arrange: batches of 2, so one bad identifier fails one request while the others succeed.
        var api = await CohortApi.StartAsync(_app);
        var users = Enumerable.Range(0, 8).Select(i => $"ext-{i}").ToArray();
        await api.CreateUsersAsync(users);
        var state = new InMemorySyncStateStore();
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var engine = Engine(api, "partial", http, state, batchSize: 2);
        var initial = Snapshot(users[..5]);
        var tooLong = new string('x', 1025);
        var fixedFile = Snapshot(users[2..]);

        // Act: ext-0..4 in; then ext-0 and ext-1 out and ext-5..7 in, with an id the app rejects in ext-7's batch;
        // then the same change without the bad id.
        var first = await engine.SyncAsync(initial);
        var failed = await engine.SyncAsync(Snapshot([.. users[2..], tooLong]));
        var (stateAfterFailure, savesAfterFailure) = (state.Current, state.Saves);
        var membersAfterFailure = await api.MemberExternalIdsAsync("partial");
        var retried = await engine.SyncAsync(fixedFile);

        // Assert: the failed sync applied what it could and kept the old state, so the next one sent it all again;
        // the app counted the repeated changes as unchanged.
        Assert.True(first.Succeeded, Describe(first));
        Assert.False(failed.Succeeded);
        Assert.Equal((3, 1, 2L, 4L), (failed.Batches, failed.FailedBatches, failed.FailedIds, failed.Sent));
        var failure = Assert.Single(failed.Failures);
        Assert.Equal((400, 1), (failure.StatusCode, failure.Attempts));
        Assert.Equal(1, savesAfterFailure);
        Assert.True(initial.Members.SetEquals(stateAfterFailure!.Members));
        Assert.Equal(["ext-2", "ext-3", "ext-4", "ext-5", "ext-6"], membersAfterFailure);

        Assert.True(retried.Succeeded, Describe(retried));
        Assert.Equal((3, 2), (retried.ToAdd, retried.ToRemove));
        Assert.Equal<long?>([1, 0, 4, 0], [retried.Added, retried.Removed, retried.Unchanged, retried.Unmatched]);
        Assert.True(fixedFile.Members.SetEquals(state.Current!.Members));
        Assert.Equal(users[2..], await api.MemberExternalIdsAsync("partial"));
        Assert.Equal(6, await api.MemberCountAsync("partial"));
        Assert.Equal(5 + 4 + 1, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task SyncAsync_ThousandsOfMembersInParallelBatches_MembersFollowAndUnknownIdsAreUnmatched()
    {
        // Arrange: 2,000 users; the cohort also names 150 ids no user has.
        var api = await CohortApi.StartAsync(_app);
        var users = Enumerable.Range(0, 2000).Select(i => $"user-{i:D4}").ToArray();
        await Task.WhenAll(users.Chunk(1000).Select(chunk => api.CreateUsersAsync(chunk)));
        var unknown = Enumerable.Range(0, 150).Select(i => $"nobody-{i}").ToArray();
        var state = new InMemorySyncStateStore();
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var engine = Engine(api, "big", http, state, batchSize: 500);

        // Act: everyone but the last 300 users; then the first 400 leave and the last 300 join.
        var first = await engine.SyncAsync(Snapshot([.. users[..1700], .. unknown]));
        var membersAfterFirst = await api.MemberExternalIdsAsync("big");
        var second = await engine.SyncAsync(Snapshot([.. users[400..], .. unknown]));

        // Assert
        Assert.True(first.Succeeded, Describe(first));
        Assert.Equal((4, 1850L), (first.Batches, first.Sent));
        Assert.Equal<long?>([1700, 0, 0, 150], [first.Added, first.Removed, first.Unchanged, first.Unmatched]);
        Assert.Equal(users[..1700], membersAfterFirst);
        Assert.True(second.Succeeded, Describe(second));
        Assert.Equal((300, 400, 700L), (second.ToAdd, second.ToRemove, second.Sent));
        Assert.Equal<long?>([300, 400, 0, 0], [second.Added, second.Removed, second.Unchanged, second.Unmatched]);
        Assert.Equal(users[400..], await api.MemberExternalIdsAsync("big"));
        Assert.Equal(1600, await api.MemberCountAsync("big"));
        Assert.Equal(1700 + 700, await api.DataPointsTotalAsync());
    }

    private CohortSyncEngine Engine(CohortApi api, string cohortId, HttpClient http, ISyncStateStore state, int batchSize = CohortSyncOptions.MaxBatchSize) => new(
        new CohortSyncOptions
        {
            Endpoint = _app.BaseAddress,
            PartnerApiKey = _app.PartnerApiKey(api.Partner),
            DataImportKey = api.Secret,
            CohortId = cohortId,
            CohortName = CohortName,
            BatchSize = batchSize,
            Parallelism = 4,

            // A failure here is a finding, not bad luck: retry once, quickly, so a failing test fails fast.
            MaxRetries = 1,
            RetryBaseDelay = TimeSpan.FromMilliseconds(200),
        },
        http,
        state);

    private static async Task<CohortSnapshot> SampleAsync(string file) =>
        await CohortFile.ReadAsync(Path.Combine(RepositoryRoot.Path, "samples", file), SampleMapping, CancellationToken.None);

    private static CohortSnapshot Snapshot(IEnumerable<string> externalIds) => CohortSnapshot.FromIdentifiers(externalIds.Select(MemberIdentifier.UserId));

    private static async Task<string> UserIdAsync(CohortApi api, string query) =>
        (await api.LookupAsync(query))?.GetRequiredString("user_id") ?? throw new InvalidOperationException($"No user found by {query}.");

    private static async Task<IReadOnlyList<string>> MemberUserIdsAsync(CohortApi api, string cohortId) =>
        [.. (await api.MembersAsync(cohortId)).Select(m => m.UserId).Order(StringComparer.Ordinal)];

    private static IReadOnlyList<string> Sorted(params string[] userIds) => [.. userIds.Order(StringComparer.Ordinal)];

    private static string Describe(SyncSummary summary) =>
        $"sync failed: {string.Join("; ", summary.Failures.Select(f => $"{f.Request}: {f.StatusCode} {f.Message}"))}";
}
