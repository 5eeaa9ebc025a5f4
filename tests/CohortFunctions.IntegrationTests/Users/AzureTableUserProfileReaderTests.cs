using CohortFunctions.Identifiers;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.Storage;
using CohortFunctions.Telemetry;
using CohortFunctions.TestSupport;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CohortFunctions.IntegrationTests.Users;

/// <summary>
/// The profile reader behind member listings and segment exports, on Azurite, every storage request counted through
/// the test proxy: a page dense in its shard is read as ranges of the users partition, a sparse one mostly by point
/// reads, and the answer is the same either way.
/// </summary>
public sealed class AzureTableUserProfileReaderTests : IAsyncLifetime, IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly WorkspaceId _workspace = WorkspaceId.Parse(TestIds.Workspace()).Value;
    private readonly TestMeterFactory _meters = new();
    private FaultProxy _proxy = null!;
    private AzureTableUserStore _store = null!;
    private AzureTableUserProfileReader _reader = null!;

    public async Task InitializeAsync()
    {
        _proxy = await FaultProxy.StartAsync(FaultPlan.None, seed: 7);
        var options = new StorageOptions { ConnectionString = _proxy.ConnectionString, TablePrefix = TestAppBuilder.NewTablePrefix() };
        var tables = new StorageTables(Options.Create(options), new CohortMetrics(_meters), NullLogger<StorageTables>.Instance);
        await tables.EnsureCreatedAsync(CancellationToken.None);
        (_store, _reader) = (new AzureTableUserStore(tables, _time), new AzureTableUserProfileReader(tables));
    }

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    public void Dispose() => _meters.Dispose();

    [Fact]
    public async Task GetSummariesAsync_PageDenseInItsShard_RangeReadsOnlyAndDeletedUserLeftOut()
    {
        // Arrange: 300 users of shard 3; the page asks for 250 of them, one of which was deleted since.
        var profiles = await CreateAsync('3', 300);
        var page = profiles.Take(250).Select(p => p.UserId).ToList();
        await _store.DeleteAsync(_workspace, page[100], version: null, CancellationToken.None);

        // Act
        var (summaries, requests) = await ReadAsync(page);

        // Assert
        Assert.Equal(249, summaries.Count);
        Assert.DoesNotContain(page[100], summaries.Keys);
        AssertSummaries(profiles.Where(p => p.UserId != page[100]).Take(249), summaries);
        Assert.Equal((1, 0), (Queries(requests), PointReads(requests)));
    }

    [Fact]
    public async Task GetSummariesAsync_PageSparseInItsShard_RestArePointReads()
    {
        // Arrange: 2,500 users of shard a; the page asks for every 50th (50 users spread over the whole partition).
        var profiles = await CreateAsync('a', 2500);
        var wanted = profiles.Where((_, i) => i % 50 == 0).ToList();

        // Act
        var (summaries, requests) = await ReadAsync([.. wanted.Select(p => p.UserId)]);

        // Assert: one range page shows the range is sparse; the users past it are point-read.
        AssertSummaries(wanted, summaries);
        Assert.Equal(1, Queries(requests));
        Assert.InRange(PointReads(requests), 1, wanted.Count - 1);
    }

    [Fact]
    public async Task GetSummariesAsync_FewUsersOfSeveralShards_PointReadsOnly()
    {
        // Arrange
        var profiles = (await CreateAsync('0', 5)).Concat(await CreateAsync('f', 5)).ToList();

        // Act
        var (summaries, requests) = await ReadAsync([.. profiles.Select(p => p.UserId), UserId.New()]);

        // Assert
        AssertSummaries(profiles, summaries);
        Assert.Equal((0, 11), (Queries(requests), PointReads(requests)));
    }

    private async Task<(IReadOnlyDictionary<UserId, UserSummary> Summaries, IReadOnlyList<RecordedRequest> Requests)> ReadAsync(IReadOnlyCollection<UserId> users)
    {
        _proxy.StartRecording();
        var summaries = await _reader.GetSummariesAsync(_workspace, users, CancellationToken.None);
        return (summaries, _proxy.StopRecording());
    }

    /// <summary>Profiles of users of one shard, in user id order, each with an external id and an alias.</summary>
    private async Task<List<UserProfile>> CreateAsync(char shard, int count)
    {
        var profiles = new List<UserProfile>();
        while (profiles.Count < count)
        {
            var id = UserId.New();
            if (id.Shard == shard)
            {
                profiles.Add(new UserProfile(id, _workspace, $"ext-{id}", [], [new UserAlias($"amp-{id}", "amplitude_id")], false, _time.GetUtcNow()));
            }
        }

        await _store.CreateAllAsync(profiles, CancellationToken.None);
        return [.. profiles.OrderBy(p => p.UserId.Value, StringComparer.Ordinal)];
    }

    private static void AssertSummaries(IEnumerable<UserProfile> expected, IReadOnlyDictionary<UserId, UserSummary> summaries)
    {
        foreach (var profile in expected)
        {
            Assert.Equal(new UserSummary(profile.UserId, profile.ExternalId, profile.Aliases), summaries[profile.UserId], SummaryComparer.Instance);
        }
    }

    private static int Queries(IReadOnlyList<RecordedRequest> requests) => requests.Count(r => r.IsRead && r.Target.Contains("$filter", StringComparison.Ordinal));

    private static int PointReads(IReadOnlyList<RecordedRequest> requests) => requests.Count(r => r.IsRead && r.Target.Contains("RowKey=", StringComparison.Ordinal));

    /// <summary>Summaries by value (their alias lists are lists, which records compare by reference).</summary>
    private sealed class SummaryComparer : IEqualityComparer<UserSummary>
    {
        public static SummaryComparer Instance { get; } = new();

        public bool Equals(UserSummary? x, UserSummary? y) =>
            x is not null && y is not null && x.UserId == y.UserId && x.ExternalId == y.ExternalId && x.Aliases.SequenceEqual(y.Aliases);

        public int GetHashCode(UserSummary obj) => obj.UserId.GetHashCode();
    }
}
