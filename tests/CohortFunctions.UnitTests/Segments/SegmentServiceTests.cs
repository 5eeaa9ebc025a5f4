using System.Text.Json;
using CohortFunctions.Cohorts;
using CohortFunctions.Memberships;
using CohortFunctions.Results;
using CohortFunctions.Segments;
using CohortFunctions.UnitTests.TestSupport;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace CohortFunctions.UnitTests.Segments;

public sealed class SegmentServiceTests
{
    private const string Ws = "acme";

    private static CohortRef A { get; } = new("amplitude", "a");
    private static CohortRef B { get; } = new("amplitude", "b");

    private readonly Mock<ISegmentStore> _segments = new();
    private readonly Mock<ICohortStore> _cohorts = new();
    private readonly Mock<IMembershipStore> _memberships = new();
    private readonly Mock<IUserProfileReader> _profiles = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly HashSet<string> _deleted = [];
    private InMemorySegmentSource _source = new([], new Dictionary<CohortRef, IReadOnlySet<string>>());

    public SegmentServiceTests()
    {
        _cohorts.Setup(c => c.GetAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((WorkspaceId _, CohortRef cohort, CancellationToken _) => cohort == A || cohort == B ? Cohort(cohort, "Cohort " + cohort.CohortId) : null);
        _profiles.Setup(p => p.GetSummariesAsync(It.IsAny<WorkspaceId>(), It.IsAny<IReadOnlyCollection<UserId>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((WorkspaceId _, IReadOnlyCollection<UserId> ids, CancellationToken _) =>
                ids.Where(id => !_deleted.Contains(id.Value)).ToDictionary(id => id, id => new UserSummary(id, "ext-" + id.Value, [])));
    }

    [Fact]
    public async Task CreateAsync_UnknownCohort_InvalidNamingItAndNothingStored()
    {
        // Arrange
        var body = Body("""{"name": "s", "filter": {"or": [{"includes": {"partner": "amplitude", "cohort_id": "a"}}, {"excludes": {"partner": "amplitude", "cohort_id": "nope"}}]}}""");

        // Act
        var result = await Service().CreateAsync(Ws, body, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        Assert.Equal("filter: cohort 'nope' of partner 'amplitude' does not exist in workspace 'acme'.", result.Failure!.Message);
        _segments.Verify(s => s.AddAsync(It.IsAny<WorkspaceId>(), It.IsAny<Segment>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task CreateAsync_PartnerNotConfigured_InvalidNamingIt()
    {
        // Arrange
        var body = Body("""{"name": "s", "filter": {"includes": {"partner": "segment", "cohort_id": "a"}}}""");

        // Act
        var result = await Service().CreateAsync(Ws, body, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        Assert.Equal("filter: partner 'segment' is not configured.", result.Failure!.Message);
    }

    [Theory]
    [InlineData("""{"filter": {"includes": {"partner": "amplitude", "cohort_id": "a"}}}""", "name is required.")]
    [InlineData("""{"name": "  ", "filter": {"includes": {"partner": "amplitude", "cohort_id": "a"}}}""", "name must be a non-empty string of at most 200 characters.")]
    [InlineData("""{"name": 5, "filter": {"includes": {"partner": "amplitude", "cohort_id": "a"}}}""", "name must be a non-empty string of at most 200 characters.")]
    [InlineData("""{"name": "s"}""", "filter is required.")]
    [InlineData("""{"name": "s", "filter": {"and": []}}""", "filter.and must be a non-empty array of filters.")]
    public async Task CreateAsync_InvalidBody_InvalidWithMessage(string json, string message)
    {
        // Act
        var result = await Service().CreateAsync(Ws, Body(json), CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        Assert.Equal(message, result.Failure!.Message);
    }

    [Fact]
    public async Task CreateAsync_NameOfMaximumLength_Stored()
    {
        // Arrange
        var name = new string('n', SegmentService.MaxNameLength);
        Segment? stored = null;
        _segments.Setup(s => s.AddAsync(It.IsAny<WorkspaceId>(), It.IsAny<Segment>(), It.IsAny<CancellationToken>()))
            .Callback<WorkspaceId, Segment, CancellationToken>((_, s, _) => stored = s)
            .Returns(Task.CompletedTask);
        _memberships.Setup(m => m.CountAsync(It.IsAny<WorkspaceId>(), A, It.IsAny<CancellationToken>())).ReturnsAsync(12);

        // Act
        var result = await Service().CreateAsync(Ws, NamedBody(name), CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        Assert.Equal(name, stored?.Name);
        Assert.True(Segment.IsId(stored!.SegmentId));
        Assert.Equal(_time.GetUtcNow(), stored.CreatedAt);
        Assert.Equal(12, result.Value!.Size);
    }

    [Fact]
    public async Task CreateAsync_NameOverMaximumLength_Invalid()
    {
        // Arrange
        var name = new string('n', SegmentService.MaxNameLength + 1);

        // Act
        var result = await Service().CreateAsync(Ws, NamedBody(name), CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
    }

    [Fact]
    public async Task UsersAsync_SmallLimits_WalkReturnsEveryQualifyingUserOnceInShardOrder()
    {
        // Arrange
        var random = new Random(99);
        var users = Enumerable.Range(0, 120).Select(_ => SegmentTestData.UserId(random)).Distinct().ToList();
        var a = SegmentTestData.SortedSubset(random, users, 0.6).ToHashSet();
        var b = SegmentTestData.SortedSubset(random, users, 0.4).ToHashSet();
        _source = new InMemorySegmentSource(users, new Dictionary<CohortRef, IReadOnlySet<string>> { [A] = a, [B] = b });
        StoreSegment(new AndFilter([new IncludesFilter(A), new ExcludesFilter(B)]));
        var expected = a.Except(b).Order(StringComparer.Ordinal).ToList();

        foreach (var limit in new[] { 1, 2, 7, expected.Count, expected.Count + 1, 1000 })
        {
            // Act
            var walked = await WalkAsync(limit);

            // Assert
            Assert.Equal(expected, walked);
        }
    }

    [Fact]
    public async Task UsersAsync_UserDeletedBeforeItsProfileIsRead_LeftOutOfThePage()
    {
        // Arrange
        var users = new[] { "0aaaaaaaaaaaaaaaaaaa", "0bbbbbbbbbbbbbbbbbbb", "5ccccccccccccccccccc" };
        _source = new InMemorySegmentSource(users, new Dictionary<CohortRef, IReadOnlySet<string>> { [A] = users.ToHashSet() });
        StoreSegment(new IncludesFilter(A));
        _deleted.Add("0bbbbbbbbbbbbbbbbbbb");

        // Act
        var walked = await WalkAsync(limit: 1000);

        // Assert
        Assert.Equal(["0aaaaaaaaaaaaaaaaaaa", "5ccccccccccccccccccc"], walked);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task UsersAsync_LimitOutOfRange_Invalid(int limit)
    {
        // Act
        var result = await Service().UsersAsync(Ws, StoreSegment(new IncludesFilter(A)), limit, null, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        Assert.Equal("limit must be between 1 and 1000.", result.Failure!.Message);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("MTY6")]
    public async Task UsersAsync_ForeignContinuation_Invalid(string continuation)
    {
        // Act
        var result = await Service().UsersAsync(Ws, StoreSegment(new IncludesFilter(A)), 10, continuation, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        Assert.Equal("continuation is not a token from a previous page.", result.Failure!.Message);
    }

    [Theory]
    [InlineData("0123456789abcdef")]
    [InlineData("not-an-id")]
    [InlineData(null)]
    public async Task GetAsync_UnknownSegment_NotFound(string? segmentId)
    {
        // Act
        var result = await Service().GetAsync(Ws, segmentId, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.NotFound, result.Failure?.Kind);
    }

    [Fact]
    public async Task SizeAsync_SingleIncludes_ExactMemberCountWithoutAWalk()
    {
        // Arrange
        _memberships.Setup(m => m.CountAsync(It.IsAny<WorkspaceId>(), A, It.IsAny<CancellationToken>())).ReturnsAsync(4242);
        var ws = TestKeys.Workspace(Ws);

        // Act
        var size = await Service().SizeAsync(ws, new IncludesFilter(A), CancellationToken.None);

        // Assert
        Assert.Equal(4242, size);
        Assert.Empty(_source.PageSizes);
    }

    [Fact]
    public async Task SizeAsync_CompoundFilter_CountOfTheEvaluatedUsers()
    {
        // Arrange
        var random = new Random(3);
        var users = Enumerable.Range(0, 200).Select(_ => SegmentTestData.UserId(random)).Distinct().ToList();
        var a = SegmentTestData.SortedSubset(random, users, 0.5).ToHashSet();
        var b = SegmentTestData.SortedSubset(random, users, 0.5).ToHashSet();
        _source = new InMemorySegmentSource(users, new Dictionary<CohortRef, IReadOnlySet<string>> { [A] = a, [B] = b });
        var ws = TestKeys.Workspace(Ws);

        // Act
        var size = await Service().SizeAsync(ws, new OrFilter([new ExcludesFilter(A), new IncludesFilter(B)]), CancellationToken.None);

        // Assert
        Assert.Equal(users.Count(u => !a.Contains(u) || b.Contains(u)), size);
    }

    [Fact]
    public async Task CohortFiltersAsync_CohortsOfOnePartner_OneGroupSortedByNameWithDisplayNames()
    {
        // Arrange
        _cohorts.Setup(c => c.ListAsync(It.IsAny<WorkspaceId>(), It.IsAny<CancellationToken>())).ReturnsAsync(
        [
            Cohort(new CohortRef("amplitude", "z1"), "power users"),
            Cohort(new CohortRef("amplitude", "abc123"), "Churn risk"),
            Cohort(new CohortRef("amplitude", "a0"), "Power users"),
        ]);

        // Act
        var result = await Service().CohortFiltersAsync(Ws, CancellationToken.None);

        // Assert
        var group = Assert.Single(result.Value!);
        Assert.Equal("amplitude", group.Partner);
        Assert.Equal("Amplitude Cohorts", group.FilterName);
        Assert.Equal(
            [("abc123", "[Amplitude] Churn risk: abc123"), ("a0", "[Amplitude] Power users: a0"), ("z1", "[Amplitude] power users: z1")],
            group.Cohorts);
    }

    private static Cohort Cohort(CohortRef cohort, string name) =>
        new(cohort, name, Named: true, new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), LastSyncedAt: null);

    private static JsonElement Body(string json) => SegmentTestData.Json(json);

    private static JsonElement NamedBody(string name) =>
        Body(JsonSerializer.Serialize(new { name, filter = new { includes = new { partner = "amplitude", cohort_id = "a" } } }));

    private string StoreSegment(SegmentFilter filter)
    {
        var segment = new Segment("0123456789abcdee", "s", filter, _time.GetUtcNow(), _time.GetUtcNow());
        _segments.Setup(s => s.GetAsync(It.IsAny<WorkspaceId>(), segment.SegmentId, It.IsAny<CancellationToken>())).ReturnsAsync(segment);
        return segment.SegmentId;
    }

    private async Task<List<string>> WalkAsync(int limit)
    {
        var service = Service();
        var walked = new List<string>();
        string? continuation = null;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 1000, "the walk does not end");
            var page = await service.UsersAsync(Ws, "0123456789abcdee", limit, continuation, CancellationToken.None);
            Assert.True(page.IsSuccess, page.Failure?.Message);
            Assert.True(page.Value!.Users.Count <= limit);
            walked.AddRange(page.Value.Users.Select(u => u.UserId.Value));
            continuation = page.Value.Continuation;
            if (continuation is null)
            {
                return walked;
            }
        }
    }

    private SegmentService Service() => new(
        _segments.Object,
        _cohorts.Object,
        _memberships.Object,
        new SegmentEvaluator(_source),
        _profiles.Object,
        TestPartners.Catalog(),
        _time);
}
