using CohortFunctions.Cohorts;
using CohortFunctions.Identifiers;
using CohortFunctions.Memberships;
using CohortFunctions.Partners;
using CohortFunctions.Results;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Options;
using Moq;

namespace CohortFunctions.UnitTests.Cohorts;

/// <summary>The management view of cohorts: input checks before any read, not-found for what does not exist.</summary>
public sealed class CohortServiceTests
{
    private static readonly UserId Alice = UserId.Parse("1aaaaaaaaaaaaaaaaaaa");
    private static readonly UserId Gone = UserId.Parse("2bbbbbbbbbbbbbbbbbbb");

    private readonly WorkspaceId _workspace = WorkspaceId.Parse("acme").TryGetValue(out var ws, out _) ? ws : default;
    private readonly Mock<ICohortStore> _cohorts = new();
    private readonly Mock<IMembershipStore> _memberships = new();
    private readonly Mock<IUserProfileReader> _profiles = new();
    private readonly CohortService _service;

    public CohortServiceTests()
    {
        var partners = new PartnerCatalog(Options.Create(new PartnersOptions
        {
            ["amplitude"] = new PartnerOptions { DisplayName = "Amplitude", ApiKeys = { "k1" } },
            ["segment"] = new PartnerOptions { DisplayName = "Segment", ApiKeys = { "k2" } },
        }));
        _service = new CohortService(_cohorts.Object, new CohortFinder(_cohorts.Object, partners), _memberships.Object, _profiles.Object, partners, TimeProvider.System);
        _cohorts.Setup(c => c.GetAsync(_workspace, new CohortRef("amplitude", "abc123"), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Cohort(new CohortRef("amplitude", "abc123"), "Power users", true, DateTimeOffset.UnixEpoch, null));
        _memberships.Setup(m => m.ListAsync(_workspace, It.IsAny<CohortRef>(), It.IsAny<int>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new MemberPage([Alice, Gone], "next-token"));
        _profiles.Setup(p => p.GetSummariesAsync(_workspace, It.IsAny<IReadOnlyCollection<UserId>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<UserId, UserSummary> { [Alice] = new(Alice, "alice", [new UserAlias("amp-1", "amplitude_id")]) });
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Acme")]
    [InlineData("acme_corp")]
    [InlineData("-acme")]
    [InlineData("acme/other")]
    public async Task MembersAsync_BadWorkspace_InvalidWithoutReads(string? workspace)
    {
        // Act
        var result = await _service.MembersAsync(workspace, "amplitude", "abc123", 10, null, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        Assert.StartsWith("Invalid workspace id", result.Failure?.Message, StringComparison.Ordinal);
        VerifyNoReads();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Acme")]
    public async Task ListAsync_BadWorkspace_InvalidWithoutReads(string? workspace)
    {
        // Act
        var result = await _service.ListAsync(workspace, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        VerifyNoReads();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1001)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public async Task MembersAsync_LimitOutside1To1000_InvalidWithoutReads(int limit)
    {
        // Act
        var result = await _service.MembersAsync("acme", "amplitude", "abc123", limit, null, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        Assert.Equal("limit must be between 1 and 1000.", result.Failure?.Message);
        VerifyNoReads();
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1000, 1000)]
    [InlineData(null, 1000)]
    public async Task MembersAsync_LimitWithinRangeOrAbsent_PassedToStore(int? limit, int expected)
    {
        // Act
        var result = await _service.MembersAsync("acme", "amplitude", "abc123", limit, null, CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        _memberships.Verify(
            m => m.ListAsync(_workspace, new CohortRef("amplitude", "abc123"), expected, null, It.IsAny<CancellationToken>()),
            Times.Once);
    }

    [Theory]
    [InlineData("garbage!!")]
    [InlineData("MTY6")]
    [InlineData("next-token-from-somewhere-else")]
    public async Task MembersAsync_BadContinuation_InvalidWithoutReads(string continuation)
    {
        // Act
        var result = await _service.MembersAsync("acme", "amplitude", "abc123", 10, continuation, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        Assert.Equal("continuation is not a token from a previous page.", result.Failure?.Message);
        VerifyNoReads();
    }

    [Fact]
    public async Task MembersAsync_ContinuationFromAPreviousPage_PassedToStore()
    {
        // Arrange
        var token = new MemberCursor(4, "4aaaaaaaaaaaaaaaaaaa").Encode();

        // Act
        var result = await _service.MembersAsync("acme", "amplitude", "abc123", 10, token, CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        _memberships.Verify(m => m.ListAsync(_workspace, It.IsAny<CohortRef>(), 10, token, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task MembersAsync_UnknownCohort_NotFound()
    {
        // Act
        var result = await _service.MembersAsync("acme", "amplitude", "nope", 10, null, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.NotFound, result.Failure?.Kind);
        _memberships.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("braze")]
    [InlineData("Amplitude")]
    [InlineData("")]
    [InlineData(null)]
    public async Task MembersAsync_UnknownPartner_NotFoundWithoutCohortRead(string? partner)
    {
        // Act
        var result = await _service.MembersAsync("acme", partner, "abc123", 10, null, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.NotFound, result.Failure?.Kind);
        VerifyNoReads();
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public async Task MembersAsync_NoCohortId_NotFound(string? cohortId)
    {
        // Act
        var result = await _service.MembersAsync("acme", "amplitude", cohortId, 10, null, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.NotFound, result.Failure?.Kind);
        VerifyNoReads();
    }

    [Fact]
    public async Task MembersAsync_MemberWithoutProfile_StillListedById()
    {
        // Act
        var result = await _service.MembersAsync("acme", "amplitude", "abc123", 10, null, CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        var members = result.Value!.Members;
        Assert.Equal([Alice, Gone], members.Select(m => m.UserId));
        Assert.Equal("alice", members[0].ExternalId);
        Assert.Equal([new UserAlias("amp-1", "amplitude_id")], members[0].Aliases);
        Assert.Null(members[1].ExternalId);
        Assert.Empty(members[1].Aliases);
        Assert.Equal("next-token", result.Value.Continuation);
    }

    [Fact]
    public async Task ListAsync_Cohorts_OrderedWithDisplayNamesAndExactCounts()
    {
        // Arrange
        var created = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
        _cohorts.Setup(c => c.ListAsync(_workspace, It.IsAny<CancellationToken>())).ReturnsAsync(
        [
            new Cohort(new CohortRef("segment", "s1"), "Trial", true, created, null),
            new Cohort(new CohortRef("amplitude", "b"), "Second", true, created, created),
            new Cohort(new CohortRef("retired", "r1"), "Old", true, created, null),
            new Cohort(new CohortRef("amplitude", "a"), "First", true, created, null),
        ]);
        _memberships.Setup(m => m.CountAsync(_workspace, It.IsAny<CohortRef>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((WorkspaceId _, CohortRef cohort, CancellationToken _) => cohort.CohortId.Length * 10L);

        // Act
        var result = await _service.ListAsync("acme", CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        Assert.Equal(
            ["[Amplitude] First: a", "[Amplitude] Second: b", "[retired] Old: r1", "[Segment] Trial: s1"],
            result.Value!.Select(v => v.DisplayName));
        Assert.Equal([10L, 10L, 20L, 20L], result.Value!.Select(v => v.MemberCount));
        Assert.Equal(created, result.Value![1].LastSyncedAt);
    }

    private void VerifyNoReads()
    {
        _cohorts.VerifyNoOtherCalls();
        _memberships.VerifyNoOtherCalls();
        _profiles.VerifyNoOtherCalls();
    }
}
