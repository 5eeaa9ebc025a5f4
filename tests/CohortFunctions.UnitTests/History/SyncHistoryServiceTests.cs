using CohortFunctions.Cohorts;
using CohortFunctions.History;
using CohortFunctions.Results;
using CohortFunctions.UnitTests.TestSupport;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace CohortFunctions.UnitTests.History;

/// <summary>
/// The history API's rules: what limit, continuation, partner and since may be, which partners and cohorts it
/// answers for, and the window it reads (the retention, narrowed by since; from the day of now plus a clock margin).
/// </summary>
public sealed class SyncHistoryServiceTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 23, 58, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly Mock<ISyncHistoryStore> _store = new();
    private readonly List<HistoryQuery> _queries = [];
    private readonly SyncHistoryService _service;

    public SyncHistoryServiceTests()
    {
        _store.Setup(s => s.ReadCohortAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<HistoryQuery>(), It.IsAny<CancellationToken>()))
            .Callback<WorkspaceId, CohortRef, HistoryQuery, CancellationToken>((_, _, q, _) => _queries.Add(q))
            .ReturnsAsync(new HistoryPage([], null));
        _store.Setup(s => s.ReadWorkspaceAsync(It.IsAny<WorkspaceId>(), It.IsAny<HistoryQuery>(), It.IsAny<CancellationToken>()))
            .Callback<WorkspaceId, HistoryQuery, CancellationToken>((_, q, _) => _queries.Add(q))
            .ReturnsAsync(new HistoryPage([], null));
        _service = new SyncHistoryService(_store.Object, TestPartners.Catalog(), _time, Options.Create(new HistoryOptions { RetentionDays = 14 }));
    }

    [Fact]
    public async Task CohortHistoryAsync_NoParameters_ReadsAHundredOfTheLastFourteenDaysFromTheDayOfNowPlusTheMargin()
    {
        // Act
        var result = await _service.CohortHistoryAsync("acme", "amplitude", "power users", null, null, CancellationToken.None);

        // Assert: 23:58 plus five minutes is the next day.
        Assert.True(result.IsSuccess);
        _store.Verify(s => s.ReadCohortAsync(TestKeys.Workspace("acme"), new CohortRef("amplitude", "power users"), It.IsAny<HistoryQuery>(), It.IsAny<CancellationToken>()));
        Assert.Equal(new HistoryQuery(100, null, Now.AddDays(-14), new DateOnly(2026, 12, 8), null), Assert.Single(_queries));
    }

    [Fact]
    public async Task CohortHistoryAsync_UnknownPartner_NotFoundAndNothingRead()
    {
        // Act
        var result = await _service.CohortHistoryAsync("acme", "segment", "c1", null, null, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.NotFound, result.Failure?.Kind);
        Assert.Empty(_queries);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    [InlineData(-5)]
    public async Task BothReads_LimitOutOfRange_Invalid(int limit)
    {
        // Act
        var cohort = await _service.CohortHistoryAsync("acme", "amplitude", "c1", limit, null, CancellationToken.None);
        var feed = await _service.WorkspaceHistoryAsync("acme", null, null, limit, null, CancellationToken.None);

        // Assert
        Assert.Equal("limit must be between 1 and 1000.", cohort.Failure?.Message);
        Assert.Equal("limit must be between 1 and 1000.", feed.Failure?.Message);
        Assert.Empty(_queries);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("MjAyNjEyMDc6eA")]
    public async Task BothReads_ContinuationNotFromAPage_Invalid(string continuation)
    {
        // Act
        var cohort = await _service.CohortHistoryAsync("acme", "amplitude", "c1", null, continuation, CancellationToken.None);
        var feed = await _service.WorkspaceHistoryAsync("acme", null, null, null, continuation, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, cohort.Failure?.Kind);
        Assert.Equal("continuation is not a token from a previous page.", feed.Failure?.Message);
    }

    [Fact]
    public async Task BothReads_InvalidWorkspace_Invalid()
    {
        // Act
        var cohort = await _service.CohortHistoryAsync("Not A Workspace", "amplitude", "c1", null, null, CancellationToken.None);
        var feed = await _service.WorkspaceHistoryAsync("Not A Workspace", null, null, null, null, CancellationToken.None);

        // Assert
        Assert.Equal(WorkspaceId.InvalidMessage, cohort.Failure?.Message);
        Assert.Equal(WorkspaceId.InvalidMessage, feed.Failure?.Message);
    }

    [Fact]
    public async Task WorkspaceHistoryAsync_ContinuationFromAPage_ReadsFromItsCursor()
    {
        // Arrange
        var cursor = new HistoryCursor(new DateOnly(2026, 12, 6), HistoryCursor.TimeKey(Now.AddDays(-1), new string('a', 32)));

        // Act
        await _service.WorkspaceHistoryAsync("acme", "amplitude", null, 20, cursor.Encode(), CancellationToken.None);

        // Assert
        var query = Assert.Single(_queries);
        Assert.Equal((20, cursor, "amplitude"), (query.Limit, query.Cursor, query.Partner));
    }

    [Theory]
    [InlineData("2026-12-05", "2026-12-05T00:00:00Z")]
    [InlineData("2026-12-05T09:30Z", "2026-12-05T09:30:00Z")]
    [InlineData("2026-12-05T09:30:15+02:00", "2026-12-05T07:30:15Z")]
    [InlineData("2026-12-05T09:30:15.250Z", "2026-12-05T09:30:15.25Z")]
    public async Task WorkspaceHistoryAsync_SinceWithinRetention_ReadsFromSince(string since, string expected)
    {
        // Act
        await _service.WorkspaceHistoryAsync("acme", null, since, null, null, CancellationToken.None);

        // Assert
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Assert.Single(_queries).Oldest);
    }

    [Fact]
    public async Task WorkspaceHistoryAsync_SinceBeforeRetention_ReadsTheRetentionOnly()
    {
        // Act
        await _service.WorkspaceHistoryAsync("acme", null, "2020-01-01", null, null, CancellationToken.None);

        // Assert
        Assert.Equal(Now.AddDays(-14), Assert.Single(_queries).Oldest);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-13-01")]
    [InlineData("07/12/2026")]
    [InlineData("2026-12-05 09:30")]
    public async Task WorkspaceHistoryAsync_SinceNotAnIsoTime_Invalid(string since)
    {
        // Act
        var result = await _service.WorkspaceHistoryAsync("acme", null, since, null, null, CancellationToken.None);

        // Assert
        Assert.Equal("since must be an ISO-8601 date or time, such as 2026-12-07 or 2026-12-07T09:30:00Z.", result.Failure?.Message);
    }

    [Theory]
    [InlineData("segment")]
    [InlineData("Amplitude")]
    public async Task WorkspaceHistoryAsync_PartnerNotConfigured_InvalidNamingTheConfiguredOnes(string partner)
    {
        // Act
        var result = await _service.WorkspaceHistoryAsync("acme", partner, null, null, null, CancellationToken.None);

        // Assert
        Assert.Equal("partner must be a configured partner: amplitude, mixpanel.", result.Failure?.Message);
    }
}
