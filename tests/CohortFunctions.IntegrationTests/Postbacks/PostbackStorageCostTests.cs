using System.Globalization;
using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.Storage;
using Xunit.Abstractions;

namespace CohortFunctions.IntegrationTests.Postbacks;

/// <summary>
/// Counts every storage request one users postback of 1,000 ids makes on Azurite, through the <see cref="FaultProxy"/>
/// (which sees them all), into a cohort of 5,000 members in a workspace of 6,000 users and into a cohort of at most
/// 1,000 in a workspace of 2,000: the same requests, table by table and kind by kind, and only point reads — the cost
/// of a postback depends on its size, not on the cohort's or the user base's (docs/architecture.md, "A postback's
/// path"). The tests of this class share one app and run one after another, so each recording holds only its own
/// postback (and the background writes named in <see cref="Cost"/>).
/// </summary>
public sealed class PostbackStorageCostTests(PostbackStorageCostTests.Workspaces workspaces, ITestOutputHelper output)
    : IClassFixture<PostbackStorageCostTests.Workspaces>
{
    private const int Ids = 1000;

    /// <summary>
    /// Memberships are sharded by user, ≤ 99 changes a transaction. 1,000 random users fill every shard, almost always
    /// with fewer than 99 (one transaction each); about one run in 3,000 a shard gets more and takes two.
    /// </summary>
    private const int UserShards = 16;

    [Fact]
    public async Task Add_ThousandUsers_SameRequestsIntoACohortOfFiveThousandAsIntoAnEmptyOne()
    {
        // Arrange
        var small = await workspaces.NewSmallCohortAsync();

        // Act
        var intoEmpty = await MeasureAsync(workspaces.Small, small, TestChange.Add(Workspaces.SmallIds(0, Ids)), new PostbackCounts(Ids, 0, 0, 0, Ids));
        var intoLarge = await MeasureAsync(workspaces.Large, Workspaces.LargeCohort, TestChange.Add(Workspaces.LargeIds(Workspaces.LargeMembers, Ids)), new PostbackCounts(Ids, 0, 0, 0, Ids));

        // Assert
        AssertOneIndexReadPerIdOneTransactionPerShard(intoEmpty);
        AssertSameCost(intoEmpty, intoLarge);
    }

    [Fact]
    public async Task Remove_ThousandMembers_SameRequestsFromACohortOfFiveThousandAsFromOneOfAThousand()
    {
        // Arrange
        var small = await workspaces.NewSmallCohortAsync();
        var members = Workspaces.SmallIds(Ids, Ids);
        await workspaces.Small.SendChangesAsync(small, TestChange.Add(members));

        // Act
        var fromSmall = await MeasureAsync(workspaces.Small, small, TestChange.Remove(members), new PostbackCounts(0, Ids, 0, 0, Ids));
        var fromLarge = await MeasureAsync(workspaces.Large, Workspaces.LargeCohort, TestChange.Remove(Workspaces.LargeIds(0, Ids)), new PostbackCounts(0, Ids, 0, 0, Ids));

        // Assert
        AssertOneIndexReadPerIdOneTransactionPerShard(fromSmall);
        AssertSameCost(fromSmall, fromLarge);
    }

    [Fact]
    public async Task Resend_ThousandAddsAlreadyApplied_ReadsOnlyTheNamedMembersWhateverTheCohortsSize()
    {
        // Arrange: the small cohort holds the 1,000 already; the large one holds them among 5,000.
        var small = await workspaces.NewSmallCohortAsync();
        var members = Workspaces.SmallIds(0, Ids);
        await workspaces.Small.SendChangesAsync(small, TestChange.Add(members));

        // Act
        var again = await MeasureAsync(workspaces.Small, small, TestChange.Add(members), new PostbackCounts(0, 0, Ids, 0, 0));
        var againLarge = await MeasureAsync(workspaces.Large, Workspaces.LargeCohort, TestChange.Add(Workspaces.LargeIds(Ids, Ids)), new PostbackCounts(0, 0, Ids, 0, 0));

        // Assert: the optimistic transactions fail without effect, then only the named members' rows are read.
        Assert.Equal(Ids, again.Of("identifiers", Kind.PointRead));
        Assert.Equal(Ids, again.Of("memberships", Kind.PointRead));
        Assert.Equal(UserShards, again.Of("memberships", Kind.Transaction));
        Assert.Equal(0, again.Of("datapoints", Kind.Transaction));
        AssertSameCost(again, againLarge);
    }

    private static void AssertOneIndexReadPerIdOneTransactionPerShard(Cost cost)
    {
        Assert.Equal(Ids, cost.Of("identifiers", Kind.PointRead));
        Assert.InRange(cost.Of("memberships", Kind.Transaction), UserShards, UserShards + 2);
        Assert.Equal(1, cost.Of("datapoints", Kind.Transaction));
        Assert.Equal((1, 1), (cost.Of("cohorts", Kind.Write), cost.Of("cohorts", Kind.PointRead)));
        Assert.Equal(Ids + 1 + 2, cost.ApartFromMembershipTransactions.Values.Sum());
    }

    /// <summary>
    /// The same requests table by table and kind by kind, but for the membership transactions' count, which depends on
    /// how the two postbacks' users fall on shards (<see cref="UserShards"/>), not on the cohorts.
    /// </summary>
    private static void AssertSameCost(Cost small, Cost large)
    {
        Assert.Equal(small.ApartFromMembershipTransactions, large.ApartFromMembershipTransactions);
        Assert.InRange(small.Of("memberships", Kind.Transaction), UserShards, UserShards + 2);
        Assert.InRange(large.Of("memberships", Kind.Transaction), UserShards, UserShards + 2);
    }

    /// <summary>Sends one postback and counts the storage requests made while it ran.</summary>
    private async Task<Cost> MeasureAsync(CohortApi api, string cohort, TestChange change, PostbackCounts expected)
    {
        var proxy = workspaces.Counted.Proxy;
        proxy.StartRecording();
        using var response = await api.PostChangesRawAsync(api.ChangesBody(cohort, change));
        var requests = proxy.StopRecording();
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.Created);
        Assert.Equal(expected, PostbackCounts.From(await response.ReadJsonAsync()));
        var cost = Cost.Of(requests, workspaces.Counted.Names);
        output.WriteLine($"{cohort} in {api.Workspace}: {cost}");
        Assert.Empty(cost.Queries);
        return cost;
    }

    public enum Kind
    {
        PointRead,
        Query,
        Transaction,
        Write,
    }

    /// <summary>
    /// One postback's storage requests by table (without the app's prefix) and kind. <see cref="OfThePostback"/> leaves
    /// out what does not belong to the postback's size: the import key's read and its last-used write (at most once per
    /// cache period and instance) and the sync history's background write (shared by the records queued at the time).
    /// </summary>
    private sealed record Cost(IReadOnlyDictionary<(string Table, Kind Kind), int> Requests, IReadOnlyList<RecordedRequest> Queries)
    {
        private static readonly string[] Background = ["importkeys", "synchistory"];

        public SortedDictionary<string, int> OfThePostback => new(
            Requests.Where(r => !Background.Contains(r.Key.Table)).ToDictionary(r => $"{r.Key.Table} {r.Key.Kind}", r => r.Value),
            StringComparer.Ordinal);

        /// <summary><see cref="OfThePostback"/> without the membership transactions' count (see <see cref="AssertSameCost"/>).</summary>
        public SortedDictionary<string, int> ApartFromMembershipTransactions => new(
            OfThePostback.Where(r => r.Key != $"memberships {Kind.Transaction}").ToDictionary(), StringComparer.Ordinal);

        public int Of(string table, Kind kind) => Requests.GetValueOrDefault((table, kind));

        public static Cost Of(IReadOnlyList<RecordedRequest> requests, TableNames names)
        {
            string[] tables = [names.ImportKeys, names.Users, names.Identifiers, names.Cohorts, names.Memberships, names.DataPoints, names.Segments, names.Pending, names.SyncHistory];
            var counts = new Dictionary<(string, Kind), int>();
            foreach (var request in requests)
            {
                var table = tables.FirstOrDefault(request.Addresses) is { } name ? names.Unprefixed(name) : "?";
                var key = (table, KindOf(request));
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }

            return new Cost(counts, [.. requests.Where(r => KindOf(r) == Kind.Query)]);
        }

        public override string ToString() => string.Join(", ", Requests.OrderBy(r => r.Key.Table, StringComparer.Ordinal).ThenBy(r => r.Key.Kind)
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Key.Table} {r.Key.Kind} {r.Value}")));

        private static Kind KindOf(RecordedRequest request) => request switch
        {
            { IsTransaction: true } => Kind.Transaction,
            { IsRead: true } when request.Target.Contains("RowKey=", StringComparison.Ordinal) => Kind.PointRead,
            { IsRead: true } => Kind.Query,
            _ => Kind.Write,
        };
    }

    /// <summary>
    /// The counted app with two workspaces: a large one (6,000 users, the cohort <see cref="LargeCohort"/> holding the
    /// first 5,000) and a small one (2,000 users, a cohort of its own per test).
    /// </summary>
    public sealed class Workspaces : IAsyncLifetime
    {
        public const string LargeCohort = "large";
        public const int LargeMembers = 5000;
        private const int LargeUsers = 6000;
        private const int SmallUsers = 2000;

        public CountedApp Counted { get; } = new();

        public CohortApi Large { get; private set; } = null!;

        public CohortApi Small { get; private set; } = null!;

        public static string[] LargeIds(int from, int count) => [.. Enumerable.Range(from, count).Select(i => $"large-{i:D5}")];

        public static string[] SmallIds(int from, int count) => [.. Enumerable.Range(from, count).Select(i => $"small-{i:D5}")];

        /// <summary>A named, empty cohort in the small workspace.</summary>
        public async Task<string> NewSmallCohortAsync()
        {
            var cohort = "small-" + Guid.NewGuid().ToString("N")[..12];
            await Small.NameCohortAsync(cohort, "Small");
            return cohort;
        }

        public async Task InitializeAsync()
        {
            await Counted.InitializeAsync();
            Large = await CohortApi.StartAsync(Counted.App);
            Small = await CohortApi.StartAsync(Counted.App);
            await Large.CreateUsersAsync(LargeIds(0, LargeUsers));
            await Small.CreateUsersAsync(SmallIds(0, SmallUsers));
            await Large.NameCohortAsync(LargeCohort, "Large");
            foreach (var chunk in LargeIds(0, LargeMembers).Chunk(Ids))
            {
                await Large.SendChangesAsync(LargeCohort, TestChange.Add(chunk));
            }
        }

        public Task DisposeAsync() => Counted.DisposeAsync();
    }
}
