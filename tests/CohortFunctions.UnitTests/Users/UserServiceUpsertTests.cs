using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Results;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;
using static CohortFunctions.UnitTests.Users.UserBodies;

namespace CohortFunctions.UnitTests.Users;

public sealed class UserServiceUpsertTests
{
    private UserServiceHarness _harness = new();

    private Task<Result<UpsertUsersOutcome>> UpsertAsync(params UserBuilder[] users) =>
        _harness.Service.UpsertAsync(_harness.Workspace.Value, UsersBody(users), CancellationToken.None);

    [Fact]
    public async Task UpsertAsync_InvalidWorkspace_ReturnsInvalidWithRule()
    {
        // Act
        var result = await _harness.Service.UpsertAsync("Not A Workspace", UsersBody(UserBuilder.Identified("u1")), CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        Assert.Contains(CohortFunctions.Workspaces.WorkspaceId.Rule, result.Failure!.Message, StringComparison.Ordinal);
        Assert.Empty(_harness.Calls);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"users\": {}}")]
    [InlineData("{\"users\": \"u1\"}")]
    [InlineData("{\"users\": null}")]
    public async Task UpsertAsync_UsersNotAnArray_ReturnsInvalid(string body)
    {
        // Act
        var result = await _harness.Service.UpsertAsync(_harness.Workspace.Value, Json(body), CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        Assert.Equal("users must be an array.", result.Failure!.Message);
    }

    [Fact]
    public async Task UpsertAsync_MoreThan1000Users_ReturnsInvalidAndWritesNothing()
    {
        // Arrange
        var users = Enumerable.Range(0, 1001).Select(i => UserBuilder.Identified($"u{i}")).ToArray();

        // Act
        var result = await UpsertAsync(users);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        Assert.Equal("users: at most 1,000 users per request.", result.Failure!.Message);
        Assert.Empty(_harness.Calls);
    }

    [Fact]
    public async Task UpsertAsync_1000NewUsers_CreatesAll()
    {
        // Arrange
        var users = Enumerable.Range(0, 1000).Select(i => UserBuilder.Identified($"u{i}").WithDevice($"d{i}")).ToArray();

        // Act
        var result = await UpsertAsync(users);

        // Assert
        Assert.Equal(new UpsertUsersOutcome(1000, 0, []), result.Value! with { Errors = [] });
        Assert.Empty(result.Value!.Errors);
        Assert.Equal(1000, _harness.Profiles.Count);
        Assert.Equal(2000, _harness.RowCount);
    }

    [Fact]
    public async Task UpsertAsync_NewIdentifiedUser_WritesProfileBeforeIndexRowsAndDevicesDoNotMatch()
    {
        // Act
        var result = await UpsertAsync(UserBuilder.Identified("u1").WithDevice("d1").WithAlias("amp-1", "amplitude_id"));

        // Assert
        Assert.Equal(1, result.Value!.Created);
        var profile = _harness.ProfileByExternalId("u1");
        Assert.Equal(["d1"], profile.DeviceIds);
        Assert.Equal([new UserAlias("amp-1", "amplitude_id")], profile.Aliases);
        Assert.False(profile.WasAnonymous);
        Assert.Equal(_harness.Time.GetUtcNow(), profile.CreatedAt);
        Assert.Equal((profile.UserId, true), _harness.Row(Identifier.External("u1")));
        Assert.Equal((profile.UserId, true), _harness.Row(Identifier.Alias(new UserAlias("amp-1", "amplitude_id"))));
        Assert.Equal((profile.UserId, false), _harness.Row(Identifier.Device("d1")));
        Assert.True(_harness.IndexOfCall("Create ") < _harness.IndexOfCall("AddIdentifier "));
    }

    [Fact]
    public async Task UpsertAsync_NewAnonymousUser_DeviceRowsMatch()
    {
        // Act
        var result = await UpsertAsync(UserBuilder.Anonymous().WithDevice("d1", "d2"));

        // Assert
        Assert.Equal(1, result.Value!.Created);
        var profile = Assert.Single(_harness.Profiles);
        Assert.True(profile.IsAnonymous);
        Assert.Equal((profile.UserId, true), _harness.Row(Identifier.Device("d1")));
        Assert.Equal((profile.UserId, true), _harness.Row(Identifier.Device("d2")));
    }

    [Fact]
    public async Task UpsertAsync_KnownExternalId_AddsIdentifiersToThatUser()
    {
        // Arrange
        var existing = _harness.Seed("u1", aliases: [new UserAlias("amp-1", "amplitude_id")]);

        // Act
        var result = await UpsertAsync(UserBuilder.Identified("u1").WithDevice("d1").WithAlias("mp-1", "mixpanel_id"));

        // Assert
        Assert.Equal((0, 1), (result.Value!.Created, result.Value.Updated));
        var profile = Assert.Single(_harness.Profiles);
        Assert.Equal(existing.UserId, profile.UserId);
        Assert.Equal([new UserAlias("amp-1", "amplitude_id"), new UserAlias("mp-1", "mixpanel_id")], profile.Aliases);
        Assert.Equal((existing.UserId, false), _harness.Row(Identifier.Device("d1")));
        Assert.Equal((existing.UserId, true), _harness.Row(Identifier.Alias(new UserAlias("mp-1", "mixpanel_id"))));
    }

    [Fact]
    public async Task UpsertAsync_SameUserAgain_CountsUpdatedAndWritesNoProfile()
    {
        // Arrange
        _harness.Seed("u1", deviceIds: ["d1"]);

        // Act
        var result = await UpsertAsync(UserBuilder.Identified("u1").WithDevice("d1"));

        // Assert
        Assert.Equal(1, result.Value!.Updated);
        Assert.DoesNotContain(_harness.Calls, c => c.StartsWith("Replace ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpsertAsync_AnonymousEntryWithKnownAlias_UpdatesThatUser()
    {
        // Arrange
        var alias = new UserAlias("amp-1", "amplitude_id");
        var existing = _harness.Seed(deviceIds: ["d1"], aliases: [alias]);

        // Act
        var result = await UpsertAsync(UserBuilder.Anonymous().WithAlias("amp-1", "amplitude_id").WithDevice("d2"));

        // Assert
        Assert.Equal(1, result.Value!.Updated);
        Assert.Equal(["d1", "d2"], _harness.Profile(existing.UserId)!.DeviceIds);
        Assert.Equal((existing.UserId, true), _harness.Row(Identifier.Device("d2")));
    }

    [Fact]
    public async Task UpsertAsync_AliasOfAnotherUser_ReportsEntryErrorAndLeavesNothingBehind()
    {
        // Arrange
        var other = _harness.Seed("u-other", aliases: [new UserAlias("amp-1", "amplitude_id")]);
        var rowsBefore = _harness.RowCount;

        // Act
        var result = await UpsertAsync(UserBuilder.Identified("u1").WithAlias("amp-1", "amplitude_id"));

        // Assert
        Assert.Equal(new UserEntryError(0, "aliases[0] belongs to another user."), Assert.Single(result.Value!.Errors));
        Assert.Equal(0, result.Value.Created);
        Assert.Equal([other.UserId], _harness.Profiles.Select(p => p.UserId));
        Assert.Null(_harness.Row(Identifier.External("u1")));
        Assert.Equal(rowsBefore, _harness.RowCount);
    }

    [Fact]
    public async Task UpsertAsync_UpdateConflicts_RemovesTheEntrysAdditionsFromProfile()
    {
        // Arrange
        var target = _harness.Seed("u1", deviceIds: ["d0"]);
        _harness.Seed("u-other", aliases: [new UserAlias("amp-1", "amplitude_id")]);

        // Act
        var result = await UpsertAsync(UserBuilder.Identified("u1").WithDevice("d1").WithAlias("amp-1", "amplitude_id"));

        // Assert
        Assert.Equal("aliases[0] belongs to another user.", Assert.Single(result.Value!.Errors).Message);
        var profile = _harness.Profile(target.UserId)!;
        Assert.Equal(["d0"], profile.DeviceIds);
        Assert.Empty(profile.Aliases);
        Assert.Null(_harness.Row(Identifier.Device("d1")));
    }

    [Fact]
    public async Task UpsertAsync_DeviceOfAnotherAnonymousUser_ReportsEntryError()
    {
        // Arrange
        var anonymous = _harness.Seed(deviceIds: ["d1"]);

        // Act
        var result = await UpsertAsync(UserBuilder.Identified("u1").WithDevice("d1"));

        // Assert
        Assert.Equal("device_ids[0] belongs to another anonymous user.", Assert.Single(result.Value!.Errors).Message);
        Assert.Equal((anonymous.UserId, true), _harness.Row(Identifier.Device("d1")));
        Assert.Single(_harness.Profiles);
    }

    [Fact]
    public async Task UpsertAsync_AnonymousEntryWithDeviceOfIdentifiedUser_TakesTheDeviceOver()
    {
        // Arrange
        var identified = _harness.Seed("u1", deviceIds: ["d0", "d1"], wasAnonymous: true);

        // Act
        var result = await UpsertAsync(UserBuilder.Anonymous().WithDevice("d1"));

        // Assert
        Assert.Equal(1, result.Value!.Created);
        var created = Assert.Single(_harness.Profiles, p => p.UserId != identified.UserId);
        Assert.Equal((created.UserId, true), _harness.Row(Identifier.Device("d1")));
        Assert.Equal(["d0"], _harness.Profile(identified.UserId)!.DeviceIds);
    }

    [Fact]
    public async Task UpsertAsync_IdentifiedEntryWithDeviceOfIdentifiedUser_ReportsEntryError()
    {
        // Arrange
        var identified = _harness.Seed("u1", deviceIds: ["d1"]);

        // Act
        var result = await UpsertAsync(UserBuilder.Identified("u2").WithDevice("d1"));

        // Assert
        Assert.Equal("device_ids[0] belongs to another user.", Assert.Single(result.Value!.Errors).Message);
        Assert.Equal((identified.UserId, false), _harness.Row(Identifier.Device("d1")));
    }

    [Fact]
    public async Task UpsertAsync_LosesRaceToCreateExternalId_DeletesItsProfileAndUpdatesWinner()
    {
        // Arrange: the winner's row lands between this entry's look-up and its claim.
        _harness = new UserServiceHarness(store: (time, calls) => new StoreMissingFirstLookup(Identifier.External("u1"), time, calls));
        var winner = _harness.Seed("u1");

        // Act
        var result = await UpsertAsync(UserBuilder.Identified("u1").WithDevice("d1"));

        // Assert
        Assert.Equal((0, 1), (result.Value!.Created, result.Value.Updated));
        Assert.Empty(result.Value.Errors);
        var profile = Assert.Single(_harness.Profiles);
        Assert.Equal(winner.UserId, profile.UserId);
        Assert.Equal(["d1"], profile.DeviceIds);
        Assert.Single(_harness.Calls, c => c.StartsWith("Create ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpsertAsync_SameExternalIdTwiceInRequest_SecondUpdatesFirst()
    {
        // Act
        var result = await UpsertAsync(UserBuilder.Identified("u1").WithDevice("d1"), UserBuilder.Identified("u1").WithDevice("d2"));

        // Assert
        Assert.Equal((1, 1), (result.Value!.Created, result.Value.Updated));
        Assert.Equal(["d1", "d2"], Assert.Single(_harness.Profiles).DeviceIds);
    }

    [Fact]
    public async Task UpsertAsync_AnonymousEntriesSharingAnAlias_AppliedInOrderToOneUser()
    {
        // Act
        var result = await UpsertAsync(
            UserBuilder.Anonymous().WithAlias("a", "l").WithDevice("d1"),
            UserBuilder.Identified("other").WithDevice("x1"),
            UserBuilder.Anonymous().WithAlias("a", "l").WithDevice("d2"));

        // Assert
        Assert.Equal((2, 1), (result.Value!.Created, result.Value.Updated));
        var anonymous = Assert.Single(_harness.Profiles, p => p.IsAnonymous);
        Assert.Equal(["d1", "d2"], anonymous.DeviceIds);
    }

    [Theory]
    [InlineData("{\"external_id\": \"a\\u0001b\"}", "external_id must be 1-1,024 characters without control characters.")]
    [InlineData("{\"external_id\": \"\"}", "external_id must be 1-1,024 characters without control characters.")]
    [InlineData("{\"external_id\": \"\\ud800x\"}", "external_id must be 1-1,024 characters without control characters.")]
    [InlineData("{\"device_ids\": [\"ok\", \"tab\\there\"]}", "device_ids[1] must be 1-1,024 characters without control characters.")]
    [InlineData("{\"aliases\": [{\"alias_name\": \"n\", \"alias_label\": \"\\u007f\"}]}", "aliases[0].alias_label must be 1-1,024 characters without control characters.")]
    [InlineData("{\"aliases\": [{\"alias_name\": \"n1\", \"alias_label\": \"l\"}, {\"alias_name\": \"n2\", \"alias_label\": \"l\"}]}", "aliases[1] has the same alias_label as aliases[0]: a user has one alias per label.")]
    [InlineData("{}", "a user needs an external_id, a device id or an alias.")]
    [InlineData("{\"device_ids\": []}", "a user needs an external_id, a device id or an alias.")]
    [InlineData("{\"external_id\": 42}", "external_id must be a string.")]
    [InlineData("{\"device_ids\": \"d1\"}", "device_ids must be an array of strings.")]
    [InlineData("{\"device_ids\": [1]}", "device_ids must be an array of strings.")]
    [InlineData("{\"aliases\": [{\"alias_name\": \"n\"}]}", "aliases[0] must be an object with string alias_name and alias_label.")]
    [InlineData("\"u1\"", "a user must be a JSON object.")]
    public async Task UpsertAsync_InvalidEntry_ReportedWhileOthersApply(string invalidUser, string expected)
    {
        // Arrange
        var body = Json($"{{\"users\": [{invalidUser}, {{\"external_id\": \"fine\"}}]}}");

        // Act
        var result = await _harness.Service.UpsertAsync(_harness.Workspace.Value, body, CancellationToken.None);

        // Assert
        Assert.Equal(new UserEntryError(0, expected), Assert.Single(result.Value!.Errors));
        Assert.Equal(1, result.Value.Created);
        Assert.Equal("fine", Assert.Single(_harness.Profiles).ExternalId);
    }

    [Fact]
    public async Task UpsertAsync_OverlongIdentifier_Rejected()
    {
        // Act
        var result = await UpsertAsync(UserBuilder.Identified(new string('x', 1025)), UserBuilder.Identified(new string('x', 1024)));

        // Assert
        Assert.Equal(0, Assert.Single(result.Value!.Errors).Index);
        Assert.Equal(1024, Assert.Single(_harness.Profiles).ExternalId!.Length);
    }

    [Fact]
    public async Task UpsertAsync_AwkwardIdentifiers_StoredExactlyAsSent()
    {
        // Arrange
        var awkward = "a/b\\c#d?e%f \"quoted\" 'single' 😀 é +&=";

        // Act
        var result = await UpsertAsync(UserBuilder.Identified(awkward).WithDevice(awkward + "-d").WithAlias(awkward, awkward + "-label"));

        // Assert
        Assert.Equal(1, result.Value!.Created);
        var profile = Assert.Single(_harness.Profiles);
        Assert.Equal(awkward, profile.ExternalId);
        Assert.Equal([awkward + "-d"], profile.DeviceIds);
        Assert.Equal([new UserAlias(awkward, awkward + "-label")], profile.Aliases);
    }

    [Fact]
    public async Task UpsertAsync_RepeatedIdentifiersInEntry_Deduplicated()
    {
        // Act
        var result = await UpsertAsync(UserBuilder.Identified("u1").WithDevice("d1", "d1").WithAlias("a", "l").WithAlias("a", "l"));

        // Assert
        Assert.Empty(result.Value!.Errors);
        var profile = Assert.Single(_harness.Profiles);
        Assert.Equal(["d1"], profile.DeviceIds);
        Assert.Single(profile.Aliases);
    }

    [Fact]
    public async Task UpsertAsync_MoreThan100DeviceIds_ReportsEntryError()
    {
        // Act
        var result = await UpsertAsync(UserBuilder.Identified("u1").WithDevice([.. Enumerable.Range(0, 101).Select(i => $"d{i}")]));

        // Assert
        Assert.Equal("a user has at most 100 device ids.", Assert.Single(result.Value!.Errors).Message);
        Assert.Empty(_harness.Profiles);
    }

    [Fact]
    public async Task UpsertAsync_UpdateBeyond100DeviceIds_ReportsEntryErrorAndKeepsProfile()
    {
        // Arrange
        var existing = _harness.Seed("u1", deviceIds: [.. Enumerable.Range(0, 100).Select(i => $"d{i}")]);

        // Act
        var result = await UpsertAsync(UserBuilder.Identified("u1").WithDevice("one-more"));

        // Assert
        Assert.Equal("a user has at most 100 device ids.", Assert.Single(result.Value!.Errors).Message);
        Assert.Equal(100, _harness.Profile(existing.UserId)!.DeviceIds.Count);
        Assert.Null(_harness.Row(Identifier.Device("one-more")));
    }

    [Fact]
    public async Task UpsertAsync_DeviceIdsTooLongTogether_ReportsEntryError()
    {
        // Arrange: 40 ids of 1,024 characters are 41,000 characters of JSON, over a 64 KiB string property.
        var devices = Enumerable.Range(0, 40).Select(i => i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture) + new string('d', 1020)).ToArray();

        // Act
        var result = await UpsertAsync(UserBuilder.Anonymous().WithDevice(devices));

        // Assert
        Assert.StartsWith("the user's device ids are too long together", Assert.Single(result.Value!.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpsertAsync_RowLeftByDeletedUser_IsTakenOver()
    {
        // Arrange
        var gone = UserId.New();
        _harness.SeedRow(Identifier.External("u1"), gone, matchable: true);

        // Act
        var result = await UpsertAsync(UserBuilder.Identified("u1"));

        // Assert
        Assert.Equal(1, result.Value!.Created);
        Assert.Equal(_harness.ProfileByExternalId("u1").UserId, _harness.Row(Identifier.External("u1"))!.Value.Owner);
    }

    [Fact]
    public async Task UpsertAsync_IdentifiersOfTwoUsers_ReportsEntryError()
    {
        // Arrange
        _harness.Seed(aliases: [new UserAlias("a", "l")]);
        _harness.Seed(deviceIds: ["d1"]);

        // Act
        var result = await UpsertAsync(UserBuilder.Anonymous().WithAlias("a", "l").WithDevice("d1"));

        // Assert
        Assert.Equal("aliases[0] and device_ids[0] belong to different users.", Assert.Single(result.Value!.Errors).Message);
    }

    [Fact]
    public async Task UpsertAsync_OtherAliasWithLabelTheUserHas_ReportsEntryError()
    {
        // Arrange
        var existing = _harness.Seed("u1", aliases: [new UserAlias("n1", "l")]);

        // Act
        var result = await UpsertAsync(UserBuilder.Identified("u1").WithAlias("n2", "l"));

        // Assert
        Assert.Equal("aliases[0]: the user already has another alias with this alias_label.", Assert.Single(result.Value!.Errors).Message);
        Assert.Equal([new UserAlias("n1", "l")], _harness.Profile(existing.UserId)!.Aliases);
        Assert.Null(_harness.Row(Identifier.Alias(new UserAlias("n2", "l"))));
    }

    [Fact]
    public async Task UpsertAsync_ProfileChangedByOthersSeveralTimes_RetriesUntilItsWriteLands()
    {
        // Arrange: eight other writers get in first, as when nine requests update one user at once.
        _harness = new UserServiceHarness(store: (time, calls) => new StoreLosingReplaces(losses: 8, time, calls));
        var existing = _harness.Seed("u1");

        // Act
        var result = await UpsertAsync(UserBuilder.Identified("u1").WithDevice("d1"));

        // Assert
        Assert.Equal(1, result.Value!.Updated);
        Assert.Equal(["d1"], _harness.Profile(existing.UserId)!.DeviceIds);
        Assert.Equal((existing.UserId, false), _harness.Row(Identifier.Device("d1")));
    }

    [Fact]
    public async Task UpsertAsync_ProfileChangedByOthersEveryTime_ReportsBusyAndClaimsNothing()
    {
        // Arrange: another writer gets in first every time.
        _harness = new UserServiceHarness(store: (time, calls) => new StoreLosingReplaces(losses: int.MaxValue, time, calls));
        var existing = _harness.Seed("u1");

        // Act
        var result = await UpsertAsync(UserBuilder.Identified("u1").WithDevice("d1"));

        // Assert
        Assert.Equal(new UserEntryError(0, "the user is being changed by another request; retry."), Assert.Single(result.Value!.Errors));
        Assert.Null(_harness.Row(Identifier.Device("d1")));
    }

    /// <summary>A store whose first look-up of <paramref name="identifier"/> finds nothing, as if it ran just before another request's claim.</summary>
    private sealed class StoreMissingFirstLookup(Identifier identifier, TimeProvider time, CallLog calls) : InMemoryUserStore(time, calls)
    {
        private int _misses = 1;

        public override Task<IdentifierOwner?> FindAsync(WorkspaceId workspace, Identifier found, CancellationToken cancellationToken) =>
            found == identifier && _misses-- > 0 ? Task.FromResult<IdentifierOwner?>(null) : base.FindAsync(workspace, found, cancellationToken);
    }

    /// <summary>A store where the first <paramref name="losses"/> profile replaces lose to another writer.</summary>
    private sealed class StoreLosingReplaces(int losses, TimeProvider time, CallLog calls) : InMemoryUserStore(time, calls)
    {
        private int _lost;

        public override Task<string?> ReplaceAsync(UserProfile profile, string version, CancellationToken cancellationToken) =>
            _lost++ < losses ? Task.FromResult<string?>(null) : base.ReplaceAsync(profile, version, cancellationToken);
    }
}
