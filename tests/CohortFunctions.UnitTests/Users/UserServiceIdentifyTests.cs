using CohortFunctions.Cohorts;
using CohortFunctions.Identifiers;
using CohortFunctions.Results;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;
using static CohortFunctions.UnitTests.Users.UserBodies;

namespace CohortFunctions.UnitTests.Users;

public sealed class UserServiceIdentifyTests
{
    private readonly CohortRef _cohort = new("amplitude", "c1");

    private UserServiceHarness _harness = new();

    private Task<Result<IdentifyUsersOutcome>> IdentifyAsync(params Dictionary<string, object?>[] entries) =>
        _harness.Service.IdentifyAsync(_harness.Workspace.Value, IdentifyBody(entries), CancellationToken.None);

    [Fact]
    public async Task IdentifyAsync_NewExternalId_IdentifiesInPlaceAndDevicesStopMatching()
    {
        // Arrange
        var anonymous = _harness.Seed(deviceIds: ["d1", "d2"], aliases: [new UserAlias("amp-1", "amplitude_id")]);
        _harness.AddToCohort(anonymous.UserId, _cohort);

        // Act
        var result = await IdentifyAsync(ByDevice("u1", "d1"));

        // Assert
        Assert.Equal(new IdentifyUsersOutcome(1, 0, []), result.Value! with { Errors = [] });
        Assert.Empty(result.Value!.Errors);
        var profile = _harness.Profile(anonymous.UserId)!;
        Assert.Equal("u1", profile.ExternalId);
        Assert.True(profile.WasAnonymous);
        Assert.Equal((anonymous.UserId, true), _harness.Row(Identifier.External("u1")));
        Assert.Equal((anonymous.UserId, false), _harness.Row(Identifier.Device("d1")));
        Assert.Equal((anonymous.UserId, false), _harness.Row(Identifier.Device("d2")));
        Assert.Equal((anonymous.UserId, true), _harness.Row(Identifier.Alias(new UserAlias("amp-1", "amplitude_id"))));
        Assert.Equal([_cohort], _harness.CohortsOf(anonymous.UserId));
    }

    [Fact]
    public async Task IdentifyAsync_NewExternalId_DevicesStopMatchingBeforeExternalIdIsClaimed()
    {
        // Arrange
        _harness.Seed(deviceIds: ["d1"]);

        // Act
        await IdentifyAsync(ByDevice("u1", "d1"));

        // Assert
        Assert.True(_harness.IndexOfCall("ReplaceIdentifier device_id d1") < _harness.IndexOfCall("AddIdentifier external_id u1"));
        Assert.True(_harness.IndexOfCall("AddIdentifier external_id u1") < _harness.IndexOfCall("Replace "));
    }

    [Fact]
    public async Task IdentifyAsync_ExistingExternalId_MergesAnonymousUserIntoIt()
    {
        // Arrange
        var target = _harness.Seed("u1", deviceIds: ["t-d"], aliases: [new UserAlias("t-amp", "amplitude_id")]);
        var anonymous = _harness.Seed(deviceIds: ["d1"], aliases: [new UserAlias("a-amp", "amplitude_id"), new UserAlias("a-mp", "mixpanel_id")]);
        _harness.AddToCohort(anonymous.UserId, _cohort);

        // Act
        var result = await IdentifyAsync(ByDevice("u1", "d1"));

        // Assert
        Assert.Equal((0, 1), (result.Value!.Identified, result.Value.Merged));
        Assert.Null(_harness.Profile(anonymous.UserId));
        var merged = _harness.Profile(target.UserId)!;
        Assert.Equal("u1", merged.ExternalId);
        Assert.Equal([new UserAlias("t-amp", "amplitude_id"), new UserAlias("a-mp", "mixpanel_id")], merged.Aliases);
        Assert.Equal(["t-d", "d1"], merged.DeviceIds);
        Assert.False(merged.WasAnonymous);
        Assert.Equal((target.UserId, true), _harness.Row(Identifier.Alias(new UserAlias("a-mp", "mixpanel_id"))));
        Assert.Null(_harness.Row(Identifier.Alias(new UserAlias("a-amp", "amplitude_id"))));
        Assert.Equal((target.UserId, true), _harness.Row(Identifier.Alias(new UserAlias("t-amp", "amplitude_id"))));
        Assert.Equal((target.UserId, false), _harness.Row(Identifier.Device("d1")));
        Assert.Equal([_cohort], _harness.CohortsOf(target.UserId));
        Assert.Empty(_harness.CohortsOf(anonymous.UserId));
    }

    [Fact]
    public async Task IdentifyAsync_Merge_KeepsTheOrderThatMakesItRepeatable()
    {
        // Arrange
        var target = _harness.Seed("u1");
        var anonymous = _harness.Seed(deviceIds: ["d1"], aliases: [new UserAlias("a-mp", "mixpanel_id")]);

        // Act
        await IdentifyAsync(ByDevice("u1", "d1"));

        // Assert: target profile, other rows, memberships, the row the request named, and the source profile last.
        var targetProfile = _harness.IndexOfCall("Replace " + target.UserId);
        var aliasMoved = _harness.IndexOfCall($"ReplaceIdentifier alias mixpanel_id=a-mp -> {target.UserId}");
        var memberships = _harness.IndexOfCall($"MoveAll {anonymous.UserId} -> {target.UserId}");
        var lookupMoved = _harness.IndexOfCall($"ReplaceIdentifier device_id d1 -> {target.UserId}");
        var sourceDeleted = _harness.IndexOfCall("Delete " + anonymous.UserId);
        Assert.True(targetProfile < aliasMoved && aliasMoved < memberships && memberships < lookupMoved && lookupMoved < sourceDeleted, string.Join('\n', _harness.Calls));
    }

    [Fact]
    public async Task IdentifyAsync_ByAliasWhoseLabelTheTargetHas_MergesAndDropsThatAlias()
    {
        // Arrange
        var target = _harness.Seed("u1", aliases: [new UserAlias("t-amp", "amplitude_id")]);
        var anonymous = _harness.Seed(aliases: [new UserAlias("a-amp", "amplitude_id")]);

        // Act
        var result = await IdentifyAsync(ByAlias("u1", new UserAlias("a-amp", "amplitude_id")));

        // Assert
        Assert.Equal(1, result.Value!.Merged);
        Assert.Null(_harness.Profile(anonymous.UserId));
        Assert.Null(_harness.Row(Identifier.Alias(new UserAlias("a-amp", "amplitude_id"))));
        Assert.Equal([new UserAlias("t-amp", "amplitude_id")], _harness.Profile(target.UserId)!.Aliases);
    }

    [Fact]
    public async Task IdentifyAsync_CrashDuringMerge_RepeatingCompletesIt()
    {
        // Arrange: the first membership move fails, as if storage went away mid-merge.
        _harness = new UserServiceHarness(memberships: calls => new MembershipsFailingFirstMove(calls));
        var target = _harness.Seed("u1");
        var anonymous = _harness.Seed(deviceIds: ["d1"], aliases: [new UserAlias("a-mp", "mixpanel_id")]);
        _harness.AddToCohort(anonymous.UserId, _cohort);
        await Assert.ThrowsAsync<TimeoutException>(() => IdentifyAsync(ByDevice("u1", "d1")));
        Assert.NotNull(_harness.Profile(anonymous.UserId));
        Assert.Equal((anonymous.UserId, false), _harness.Row(Identifier.Device("d1")));

        // Act
        var result = await IdentifyAsync(ByDevice("u1", "d1"));

        // Assert
        Assert.Equal(1, result.Value!.Merged);
        Assert.Null(_harness.Profile(anonymous.UserId));
        Assert.Equal((target.UserId, false), _harness.Row(Identifier.Device("d1")));
        Assert.Equal((target.UserId, true), _harness.Row(Identifier.Alias(new UserAlias("a-mp", "mixpanel_id"))));
        Assert.Equal([new UserAlias("a-mp", "mixpanel_id")], _harness.Profile(target.UserId)!.Aliases);
        Assert.Equal(["d1"], _harness.Profile(target.UserId)!.DeviceIds);
    }

    [Fact]
    public async Task IdentifyAsync_CrashAfterDevicesStoppedMatching_RepeatingCompletesIt()
    {
        // Arrange: the first claim of the external id fails, as if storage went away right after step 1.
        _harness = new UserServiceHarness(store: (time, calls) => new StoreFailingFirstClaim(Identifier.External("u1"), time, calls));
        var anonymous = _harness.Seed(deviceIds: ["d1"]);
        await Assert.ThrowsAsync<TimeoutException>(() => IdentifyAsync(ByDevice("u1", "d1")));
        Assert.True(_harness.Profile(anonymous.UserId)!.IsAnonymous);
        Assert.Equal((anonymous.UserId, false), _harness.Row(Identifier.Device("d1")));

        // Act
        var result = await IdentifyAsync(ByDevice("u1", "d1"));

        // Assert
        Assert.Equal(1, result.Value!.Identified);
        Assert.Equal("u1", _harness.Profile(anonymous.UserId)!.ExternalId);
    }

    [Fact]
    public async Task IdentifyAsync_Repeated_ReportsIdentifiedAndChangesNothing()
    {
        // Arrange
        var anonymous = _harness.Seed(deviceIds: ["d1"]);
        await IdentifyAsync(ByDevice("u1", "d1"));

        // Act
        var result = await IdentifyAsync(ByDevice("u1", "d1"));

        // Assert
        Assert.Equal(1, result.Value!.Identified);
        Assert.Empty(result.Value.Errors);
        Assert.Equal("u1", _harness.Profile(anonymous.UserId)!.ExternalId);
    }

    [Fact]
    public async Task IdentifyAsync_UnknownDevice_ReportsEntryError()
    {
        // Act
        var result = await IdentifyAsync(ByDevice("u1", "nobody"));

        // Assert
        Assert.Equal(new UserEntryError(0, "no user has this device_id."), Assert.Single(result.Value!.Errors));
    }

    [Fact]
    public async Task IdentifyAsync_UserIdentifiedByAnotherExternalId_ReportsEntryError()
    {
        // Arrange
        _harness.Seed("u-other", aliases: [new UserAlias("a", "l")]);

        // Act
        var result = await IdentifyAsync(ByAlias("u1", new UserAlias("a", "l")));

        // Assert
        Assert.Equal("the user is already identified by another external_id.", Assert.Single(result.Value!.Errors).Message);
        Assert.Null(_harness.Row(Identifier.External("u1")));
    }

    [Theory]
    [InlineData("{\"external_id\": \"u1\"}", "give exactly one of device_id and user_alias.")]
    [InlineData("{\"external_id\": \"u1\", \"device_id\": \"d\", \"user_alias\": {\"alias_name\": \"a\", \"alias_label\": \"l\"}}", "give exactly one of device_id and user_alias.")]
    [InlineData("{\"device_id\": \"d\"}", "external_id is required and must be a string.")]
    [InlineData("{\"external_id\": \"u\\u0000\", \"device_id\": \"d\"}", "external_id must be 1-1,024 characters without control characters.")]
    [InlineData("{\"external_id\": \"u1\", \"device_id\": 7}", "device_id must be a string.")]
    [InlineData("{\"external_id\": \"u1\", \"user_alias\": {\"alias_name\": \"\", \"alias_label\": \"l\"}}", "user_alias.alias_name must be 1-1,024 characters without control characters.")]
    [InlineData("{\"external_id\": \"u1\", \"user_alias\": \"a\"}", "user_alias must be an object with string alias_name and alias_label.")]
    [InlineData("[]", "an identify entry must be a JSON object.")]
    public async Task IdentifyAsync_InvalidEntry_ReportedWhileOthersApply(string entry, string expected)
    {
        // Arrange
        _harness.Seed(deviceIds: ["d-ok"]);
        var body = Json($"{{\"identify\": [{entry}, {{\"external_id\": \"fine\", \"device_id\": \"d-ok\"}}]}}");

        // Act
        var result = await _harness.Service.IdentifyAsync(_harness.Workspace.Value, body, CancellationToken.None);

        // Assert
        Assert.Equal(new UserEntryError(0, expected), Assert.Single(result.Value!.Errors));
        Assert.Equal(1, result.Value.Identified);
    }

    [Fact]
    public async Task IdentifyAsync_MoreThan50_ReturnsInvalid()
    {
        // Act
        var result = await IdentifyAsync([.. Enumerable.Range(0, 51).Select(i => ByDevice($"u{i}", $"d{i}"))]);

        // Assert
        Assert.Equal("identify: at most 50 users per request.", result.Failure?.Message);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"identify\": {}}")]
    public async Task IdentifyAsync_IdentifyNotAnArray_ReturnsInvalid(string body)
    {
        // Act
        var result = await _harness.Service.IdentifyAsync(_harness.Workspace.Value, Json(body), CancellationToken.None);

        // Assert
        Assert.Equal("identify must be an array.", result.Failure?.Message);
    }

    /// <summary>Memberships whose first move fails.</summary>
    private sealed class MembershipsFailingFirstMove(CallLog calls) : InMemoryUserMemberships(calls)
    {
        private int _failures = 1;

        public override Task MoveAllAsync(WorkspaceId workspace, UserId source, UserId target, CancellationToken cancellationToken) =>
            _failures-- > 0 ? throw new TimeoutException("storage went away") : base.MoveAllAsync(workspace, source, target, cancellationToken);
    }

    /// <summary>A store whose first claim of <paramref name="failing"/> fails.</summary>
    private sealed class StoreFailingFirstClaim(Identifier failing, TimeProvider time, CallLog calls) : InMemoryUserStore(time, calls)
    {
        private int _failures = 1;

        public override Task<IdentifierClaim> AddIdentifierAsync(WorkspaceId workspace, Identifier identifier, UserId owner, bool matchable, CancellationToken cancellationToken) =>
            identifier == failing && _failures-- > 0
                ? throw new TimeoutException("storage went away")
                : base.AddIdentifierAsync(workspace, identifier, owner, matchable, cancellationToken);
    }
}
