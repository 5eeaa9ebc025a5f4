using System.Globalization;
using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.Storage;
using Xunit.Abstractions;

namespace CohortFunctions.IntegrationTests.Users;

/// <summary>
/// Counts every storage request <c>POST .../users</c> makes on Azurite, through the <see cref="FaultProxy"/> (which
/// sees them all), per new and per updated user, against the counts docs/users.md gives ("Storage requests per
/// user"). Each test sends one request of <see cref="Users"/> users in a workspace of its own; the tests of this class
/// share one proxy and run one after another, so each recording holds only its own request.
/// </summary>
public sealed class UserStorageCostTests(CountedApp counted, ITestOutputHelper output) : IClassFixture<CountedApp>
{
    private const int Users = 40;

    /// <summary>Profiles of one request's new users are created a transaction per user shard, and at most 16 shards exist.</summary>
    private const int Shards = 16;

    [Fact]
    public async Task Upsert_NewIdentifiedUsers_NoReadsOneInsertPerIdentifierOneTransactionPerShard()
    {
        // Arrange
        var users = Identified("new", withDevice: true, withAlias: true);

        // Act
        var cost = await MeasureAsync(TestIds.Workspace(), users, expectCreated: Users);

        // Assert
        Assert.Equal(0, cost.ProfileReads + cost.IndexReads);
        Assert.Equal((3 * Users, 0), (cost.IndexInserts, cost.IndexInsertsRefused));
        Assert.InRange(cost.ProfileTransactions, 1, Shards);
        Assert.Equal(0, cost.ProfileWrites + cost.IndexWrites);
    }

    [Fact]
    public async Task Upsert_SameIdentifiedUsersAgain_OneRefusedInsertAndOneReadPerIdentifierAndProfileNoWrite()
    {
        // Arrange
        var workspace = TestIds.Workspace();
        var users = Identified("again", withDevice: true, withAlias: true);
        await MeasureAsync(workspace, users, expectCreated: Users);

        // Act
        var cost = await MeasureAsync(workspace, users, expectUpdated: Users);

        // Assert: the external id's refused insert answers who the user is; its row, the profile and the other two rows are read.
        Assert.Equal((0, Users), (cost.IndexInserts, cost.IndexInsertsRefused));
        Assert.Equal(3 * Users, cost.IndexReads);
        Assert.Equal(Users, cost.ProfileReads);
        Assert.InRange(cost.ProfileTransactions, 2, 2 * Shards);
        Assert.Equal(0, cost.ProfileWrites + cost.IndexWrites);
    }

    [Fact]
    public async Task Upsert_KnownUsersWithANewDevice_ProfileReplacedAndOnlyTheNewRowInserted()
    {
        // Arrange
        var workspace = TestIds.Workspace();
        await MeasureAsync(workspace, Identified("grow", withDevice: false, withAlias: false), expectCreated: Users);
        var users = Identified("grow", withDevice: true, withAlias: false);

        // Act
        var cost = await MeasureAsync(workspace, users, expectUpdated: Users);

        // Assert
        Assert.Equal((Users, Users), (cost.IndexInserts, cost.IndexInsertsRefused));
        Assert.Equal(Users, cost.IndexReads);
        Assert.Equal(Users, cost.ProfileReads);
        Assert.Equal(Users, cost.ProfileWrites);
        Assert.InRange(cost.ProfileTransactions, 2, 2 * Shards);
        Assert.Equal(0, cost.IndexWrites);
    }

    [Fact]
    public async Task Upsert_NewAnonymousUsers_InsertsAndOneProfileReadForTheIdentifyHandOver()
    {
        // Arrange
        var users = Anonymous("anon-new");

        // Act
        var cost = await MeasureAsync(TestIds.Workspace(), users, expectCreated: Users);

        // Assert
        Assert.Equal(0, cost.IndexReads);
        Assert.Equal((2 * Users, 0), (cost.IndexInserts, cost.IndexInsertsRefused));
        Assert.Equal(Users, cost.ProfileReads);
        Assert.InRange(cost.ProfileTransactions, 1, Shards);
        Assert.Equal(0, cost.ProfileWrites + cost.IndexWrites);
    }

    [Fact]
    public async Task Upsert_SameAnonymousUsersAgain_RefusedInsertThenTheOtherRowLookedUp()
    {
        // Arrange
        var workspace = TestIds.Workspace();
        var users = Anonymous("anon-again");
        await MeasureAsync(workspace, users, expectCreated: Users);

        // Act
        var cost = await MeasureAsync(workspace, users, expectUpdated: Users);

        // Assert: the alias's refused insert and its row and holder (read once), then the device id's row.
        Assert.Equal((0, Users), (cost.IndexInserts, cost.IndexInsertsRefused));
        Assert.Equal(2 * Users, cost.IndexReads);
        Assert.Equal(Users, cost.ProfileReads);
        Assert.InRange(cost.ProfileTransactions, 2, 2 * Shards);
        Assert.Equal(0, cost.ProfileWrites + cost.IndexWrites);
    }

    private static List<Dictionary<string, object?>> Identified(string prefix, bool withDevice, bool withAlias) =>
        [.. Enumerable.Range(0, Users).Select(i => new Dictionary<string, object?>
        {
            ["external_id"] = $"{prefix}-{i}",
            ["device_ids"] = withDevice ? new[] { $"{prefix}-device-{i}" } : null,
            ["aliases"] = withAlias ? new[] { new Dictionary<string, string> { ["alias_name"] = $"{prefix}-amp-{i}", ["alias_label"] = "amplitude_id" } } : null,
        })];

    private static List<Dictionary<string, object?>> Anonymous(string prefix) =>
        [.. Enumerable.Range(0, Users).Select(i => new Dictionary<string, object?>
        {
            ["device_ids"] = new[] { $"{prefix}-device-{i}" },
            ["aliases"] = new[] { new Dictionary<string, string> { ["alias_name"] = $"{prefix}-amp-{i}", ["alias_label"] = "amplitude_id" } },
        })];

    /// <summary>Sends one upsert request and counts the storage requests it made.</summary>
    private async Task<Cost> MeasureAsync(string workspace, List<Dictionary<string, object?>> users, int expectCreated = 0, int expectUpdated = 0)
    {
        counted.Proxy.StartRecording();
        using var response = await counted.App.Client.PostAsync(new Uri($"manage/workspaces/{workspace}/users", UriKind.Relative), TestJson.Body(new { users }));
        var requests = counted.Proxy.StopRecording();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal((expectCreated, expectUpdated, 0), (body.GetProperty("created").GetInt32(), body.GetProperty("updated").GetInt32(), body.GetProperty("errors").GetArrayLength()));
        var cost = Cost.Of(requests, counted.Names);
        output.WriteLine(cost.Describe(users.Count));
        return cost;
    }

    /// <summary>The storage requests of one upsert request, by table and kind (a refused insert is a 409).</summary>
    private sealed record Cost(int ProfileReads, int ProfileTransactions, int ProfileWrites, int IndexReads, int IndexInserts, int IndexInsertsRefused, int IndexWrites, int Other)
    {
        public static Cost Of(IReadOnlyList<RecordedRequest> requests, TableNames names)
        {
            var users = requests.Where(r => r.Addresses(names.Users)).ToList();
            var index = requests.Where(r => r.Addresses(names.Identifiers)).ToList();
            var inserts = index.Where(r => r.Method == "POST" && !r.IsTransaction).ToList();
            return new Cost(
                users.Count(r => r.IsRead),
                users.Count(r => r.IsTransaction),
                users.Count(r => !r.IsRead && !r.IsTransaction),
                index.Count(r => r.IsRead),
                inserts.Count(r => r.Status < 300),
                inserts.Count(r => r.Status == 409),
                index.Count(r => !r.IsRead && !(r.Method == "POST" && !r.IsTransaction)),
                requests.Count - users.Count - index.Count);
        }

        public string Describe(int perUsers) => string.Create(
            CultureInfo.InvariantCulture,
            $"{perUsers} users: profile reads {ProfileReads}, profile transactions {ProfileTransactions}, other profile writes {ProfileWrites}; "
            + $"index reads {IndexReads}, inserts {IndexInserts} (+{IndexInsertsRefused} refused), other index writes {IndexWrites}; other requests {Other}");
    }
}
