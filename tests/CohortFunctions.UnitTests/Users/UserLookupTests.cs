using CohortFunctions.App.Http;
using CohortFunctions.Cohorts;
using CohortFunctions.Identifiers;
using CohortFunctions.Memberships;
using CohortFunctions.Results;
using CohortFunctions.Resync;
using CohortFunctions.UnitTests.TestSupport;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Moq;

namespace CohortFunctions.UnitTests.Users;

/// <summary>
/// Looking a user up: by each kind of identifier, and where it stands in every cohort of the workspace — a member
/// since when and added by what, waiting for a resync pass, or neither — read from member rows and pending rows.
/// </summary>
public sealed class UserLookupTests
{
    private static readonly CohortRef Power = new("amplitude", "power");
    private static readonly CohortRef Churned = new("amplitude", "churned");
    private static readonly CohortRef Trial = new("mixpanel", "trial");

    private readonly UserServiceHarness _harness = new();
    private readonly Mock<ICohortStore> _cohorts = new();
    private readonly Mock<IMembershipStore> _memberships = new();
    private readonly Mock<IPendingStore> _pending = new();
    private readonly List<(CohortRef Cohort, IReadOnlyList<Identifier> Identifiers)> _pendingReads = [];
    private readonly UserLookup _lookup;

    public UserLookupTests()
    {
        HasCohorts((Power, false), (Churned, false), (Trial, false));
        _memberships.Setup(m => m.GetAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<UserId>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((Membership?)null);
        _pending.Setup(p => p.FindAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<IReadOnlyList<Identifier>>(), It.IsAny<CancellationToken>()))
            .Callback<WorkspaceId, CohortRef, IReadOnlyList<Identifier>, CancellationToken>((_, cohort, identifiers, _) =>
            {
                lock (_pendingReads)
                {
                    _pendingReads.Add((cohort, identifiers));
                }
            })
            .ReturnsAsync([]);
        _lookup = new UserLookup(
            _harness.Store,
            _harness.Store,
            _cohorts.Object,
            _memberships.Object,
            _pending.Object,
            TestPartners.Catalog(),
            _harness.Time,
            Options.Create(new ResyncOptions { RetentionDays = 7 }));
    }

    private DateTimeOffset Now => _harness.Time.GetUtcNow();

    [Theory]
    [InlineData("external_id", "u1")]
    [InlineData("device_id", "d1")]
    [InlineData("alias", "amp-1")]
    public async Task LookupAsync_EachKindOfIdentifier_ReturnsUserWithCohorts(string kind, string value)
    {
        // Arrange
        var user = _harness.Seed("u1", deviceIds: ["d1"], aliases: [new UserAlias("amp-1", "amplitude_id")], wasAnonymous: true);
        IsMember(user, Power, Now.AddDays(-1), MembershipSource.Postback);
        (string, string)[] query = kind == "alias" ? [("alias_name", value), ("alias_label", "amplitude_id")] : [(kind, value)];

        // Act
        var result = await LookupAsync(query);

        // Assert
        Assert.Equal(user, result.Value!.Profile);
        Assert.Equal([Power], result.Value.Cohorts);
    }

    [Fact]
    public async Task LookupAsync_FunctionKeyParameter_Ignored()
    {
        // Arrange
        var user = _harness.Seed("u1");

        // Act
        var result = await LookupAsync(("code", "function-key"), ("external_id", "u1"));

        // Assert
        Assert.Equal(user.UserId, result.Value!.Profile.UserId);
    }

    [Theory]
    [InlineData]
    [InlineData("external_id", "u1", "device_id", "d1")]
    [InlineData("alias_name", "a")]
    [InlineData("alias_label", "l")]
    [InlineData("external_id", "u1", "external_id", "u2")]
    [InlineData("external_id", "")]
    [InlineData("device_id", "d\n1")]
    public async Task LookupAsync_NotExactlyOneValidIdentifier_ReturnsInvalid(params string[] pairs)
    {
        // Arrange
        var query = pairs.Chunk(2).Select(p => (p[0], p[1])).ToArray();

        // Act
        var result = await LookupAsync(query);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
    }

    [Fact]
    public async Task LookupAsync_UnknownIdentifier_ReturnsNotFound()
    {
        // Act
        var result = await LookupAsync(("external_id", "nobody"));

        // Assert
        Assert.Equal(FailureKind.NotFound, result.Failure?.Kind);
    }

    [Fact]
    public async Task LookupAsync_RowWhoseProfileIsGone_ReturnsNotFound()
    {
        // Arrange
        _harness.SeedRow(Identifier.External("u1"), UserId.New(), matchable: true);

        // Act
        var result = await LookupAsync(("external_id", "u1"));

        // Assert
        Assert.Equal(FailureKind.NotFound, result.Failure?.Kind);
    }

    [Fact]
    public async Task LookupAsync_InvalidWorkspace_ReturnsInvalid()
    {
        // Act
        var result = await LookupAsync("UPPER", ("external_id", "u1"));

        // Assert
        Assert.Equal(WorkspaceId.InvalidMessage, result.Failure?.Message);
    }

    [Fact]
    public async Task LookupAsync_EveryCohortOfTheWorkspace_OneStandingEachByPartnerThenIdWithDisplayNames()
    {
        // Arrange
        _harness.Seed("u1");

        // Act
        var standings = (await LookupAsync(("external_id", "u1"))).Value!.Standings;

        // Assert
        Assert.Equal([Churned, Power, Trial], standings.Select(s => s.Cohort));
        Assert.Equal(["[Amplitude] churned: churned", "[Amplitude] power: power", "[Mixpanel] trial: trial"], standings.Select(s => s.DisplayName));
        Assert.All(standings, s => Assert.Equal((CohortState.NotMember, null, null), (s.State, s.Membership, s.Pending)));
    }

    [Theory]
    [InlineData((int)MembershipSource.Postback)]
    [InlineData((int)MembershipSource.Resync)]
    [InlineData((int)MembershipSource.Merge)]
    [InlineData(null)]
    public async Task LookupAsync_Member_MemberSinceTheRowsTimeAddedByItsSource(int? sourceValue)
    {
        // Arrange
        var source = (MembershipSource?)sourceValue;
        var user = _harness.Seed("u1");
        var since = Now.AddDays(-3);
        IsMember(user, Power, since, source);

        // Act
        var result = (await LookupAsync(("external_id", "u1"))).Value!;

        // Assert
        var standing = result.Standings.Single(s => s.Cohort == Power);
        Assert.Equal(CohortState.Member, standing.State);
        Assert.Equal(new Membership(since, source), standing.Membership);
        Assert.Null(standing.Pending);
        Assert.Equal([Power], result.Cohorts);
    }

    [Fact]
    public async Task LookupAsync_NotMemberWithPendingAdds_PendingSinceTheNewestLiveIntent()
    {
        // Arrange: an alias sent two days ago and the external id yesterday, neither matching then.
        var user = _harness.Seed("u1", aliases: [new UserAlias("a@x", "email")]);
        HasCohorts((Power, true));
        HasPending(Power, Pending(Identifier.Alias(new UserAlias("a@x", "email")), remove: false, Now.AddDays(-2)), Pending(Identifier.External("u1"), remove: false, Now.AddDays(-1)));

        // Act
        var standing = Assert.Single((await LookupAsync(("external_id", "u1"))).Value!.Standings);

        // Assert
        Assert.Equal(CohortState.Pending, standing.State);
        Assert.Null(standing.Membership);
        Assert.Equal(new PendingChange(IdentifierKind.ExternalId, Remove: false, Now.AddDays(-1)), standing.Pending);
        Assert.Equal(user.UserId, (await LookupAsync(("external_id", "u1"))).Value!.Profile.UserId);
    }

    [Fact]
    public async Task LookupAsync_PendingRowsSupersededOrPastRetention_NotMemberWithNothingPending()
    {
        // Arrange
        _harness.Seed("u1", aliases: [new UserAlias("a@x", "email")]);
        HasCohorts((Power, true));
        HasPending(
            Power,
            Pending(Identifier.External("u1"), remove: false, Now.AddHours(-1), superseded: true),
            Pending(Identifier.Alias(new UserAlias("a@x", "email")), remove: false, Now.AddDays(-8)));

        // Act
        var standing = Assert.Single((await LookupAsync(("external_id", "u1"))).Value!.Standings);

        // Assert
        Assert.Equal((CohortState.NotMember, null), (standing.State, standing.Pending));
    }

    [Fact]
    public async Task LookupAsync_MemberWithAPendingRemoval_MemberAndTheRemovalShown()
    {
        // Arrange
        var user = _harness.Seed("u1");
        HasCohorts((Power, true));
        IsMember(user, Power, Now.AddDays(-5), MembershipSource.Postback);
        HasPending(Power, Pending(Identifier.External("u1"), remove: true, Now.AddMinutes(-10)));

        // Act
        var standing = Assert.Single((await LookupAsync(("external_id", "u1"))).Value!.Standings);

        // Assert
        Assert.Equal(CohortState.Member, standing.State);
        Assert.Equal(new PendingChange(IdentifierKind.ExternalId, Remove: true, Now.AddMinutes(-10)), standing.Pending);
    }

    [Fact]
    public async Task LookupAsync_NotMemberWithOnlyAPendingRemoval_NotMember()
    {
        // Arrange
        _harness.Seed("u1");
        HasCohorts((Power, true));
        HasPending(Power, Pending(Identifier.External("u1"), remove: true, Now.AddMinutes(-10)));

        // Act
        var standing = Assert.Single((await LookupAsync(("external_id", "u1"))).Value!.Standings);

        // Assert
        Assert.Equal(CohortState.NotMember, standing.State);
        Assert.True(standing.Pending!.Remove);
    }

    [Fact]
    public async Task LookupAsync_IdentifiedUser_AsksPendingRowsOfItsExternalIdAndAliasesNotItsDevices()
    {
        // Arrange: identified users' device ids match no postback (Braze's rule), so no pending device id can apply.
        _harness.Seed("u1", deviceIds: ["d1"], aliases: [new UserAlias("a@x", "email")], wasAnonymous: true);
        HasCohorts((Power, true), (Churned, false));

        // Act
        await LookupAsync(("device_id", "d1"));

        // Assert: only the cohort with pending identifiers is asked.
        var (cohort, identifiers) = Assert.Single(_pendingReads);
        Assert.Equal(Power, cohort);
        Assert.Equal([Identifier.External("u1"), Identifier.Alias(new UserAlias("a@x", "email"))], identifiers);
    }

    [Fact]
    public async Task LookupAsync_AnonymousUser_AsksPendingRowsOfItsDevicesAndAliases()
    {
        // Arrange
        _harness.Seed(deviceIds: ["d1", "d2"], aliases: [new UserAlias("anon", "amplitude_id")]);
        HasCohorts((Power, true));

        // Act
        await LookupAsync(("device_id", "d2"));

        // Assert
        var (_, identifiers) = Assert.Single(_pendingReads);
        Assert.Equal([Identifier.Device("d1"), Identifier.Device("d2"), Identifier.Alias(new UserAlias("anon", "amplitude_id"))], identifiers);
    }

    private static Dictionary<string, StringValues> Query(params (string Name, string Value)[] values) =>
        values.GroupBy(v => v.Name).ToDictionary(g => g.Key, g => new StringValues([.. g.Select(v => v.Value)]));

    private static PendingIdentifier Pending(Identifier identifier, bool remove, DateTimeOffset at, bool superseded = false) =>
        new(identifier, remove, at, superseded, new object());

    /// <summary>A look-up as the function does it: the query read by <see cref="UserLookupQuery"/>, then the lookup.</summary>
    private Task<Result<UserDetails>> LookupAsync(params (string Name, string Value)[] query) =>
        LookupAsync(_harness.Workspace.Value, query);

    private async Task<Result<UserDetails>> LookupAsync(string workspace, params (string Name, string Value)[] query) =>
        UserLookupQuery.Parse(Query(query)).TryGetValue(out var identifier, out var invalid)
            ? await _lookup.LookupAsync(workspace, identifier, CancellationToken.None)
            : invalid;

    private void HasCohorts(params (CohortRef Ref, bool HasPending)[] cohorts) =>
        _cohorts.Setup(c => c.ListAsync(It.IsAny<WorkspaceId>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([.. cohorts.Select(c => new Cohort(c.Ref, c.Ref.CohortId, true, Now.AddDays(-30), Now) { HasPending = c.HasPending })]);

    private void IsMember(UserProfile user, CohortRef cohort, DateTimeOffset since, MembershipSource? source) =>
        _memberships.Setup(m => m.GetAsync(_harness.Workspace, cohort, user.UserId, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Membership(since, source));

    private void HasPending(CohortRef cohort, params PendingIdentifier[] rows) =>
        _pending.Setup(p => p.FindAsync(_harness.Workspace, cohort, It.IsAny<IReadOnlyList<Identifier>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(rows);
}
