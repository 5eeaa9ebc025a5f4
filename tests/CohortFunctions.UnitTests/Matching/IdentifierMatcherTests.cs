using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Memberships;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;
using Moq;

namespace CohortFunctions.UnitTests.Matching;

/// <summary>
/// Braze's matching rules: external ids and aliases match their owner, device ids only
/// users who are anonymous now; per user the last change of the request wins, whichever identifier it used.
/// </summary>
public sealed class IdentifierMatcherTests
{
    private static readonly UserId AliceValue = UserId.Parse("1aaaaaaaaaaaaaaaaaaa");
    private static readonly UserId Bob = UserId.Parse("2bbbbbbbbbbbbbbbbbbb");
    private static readonly UserId Carol = UserId.Parse("3ccccccccccccccccccc");
    private static readonly UserAlias AliceAlias = new("amp-alice", "amplitude_id");

    private readonly WorkspaceId _workspace = WorkspaceId.Parse("acme").TryGetValue(out var ws, out _) ? ws : default;
    private readonly Mock<IIdentifierIndex> _index = new();
    private readonly IdentifierMatcher _matcher;

    public IdentifierMatcherTests()
    {
        _matcher = new IdentifierMatcher(_index.Object);
        Owns(AliceValue, Identifier.External("alice"));
        Owns(AliceValue, Identifier.Alias(AliceAlias));
        Owns(Bob, Identifier.Device("bob-device"));
        Owns(Carol, Identifier.External("carol"));
        Owns(Carol, Identifier.Device("carol-old-device"), matchable: false);
    }

    [Fact]
    public void Matches_ExternalIdWithOwner_Owner()
    {
        // Act
        var user = IdentifierMatcher.Matches(Identifier.External("alice"), new IdentifierOwner(AliceValue, Matchable: true));

        // Assert
        Assert.Equal(AliceValue, user);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Matches_AliasOfAnyOwner_Owner(bool matchable)
    {
        // Act
        var user = IdentifierMatcher.Matches(Identifier.Alias(AliceAlias), new IdentifierOwner(AliceValue, matchable));

        // Assert
        Assert.Equal(AliceValue, user);
    }

    [Fact]
    public void Matches_DeviceIdOfAnonymousUser_Owner()
    {
        // Act
        var user = IdentifierMatcher.Matches(Identifier.Device("bob-device"), new IdentifierOwner(Bob, Matchable: true));

        // Assert
        Assert.Equal(Bob, user);
    }

    [Fact]
    public void Matches_DeviceIdOfUserIdentifiedSince_Unmatched()
    {
        // Act
        var user = IdentifierMatcher.Matches(Identifier.Device("carol-old-device"), new IdentifierOwner(Carol, Matchable: false));

        // Assert
        Assert.Null(user);
    }

    [Theory]
    [InlineData((int)IdentifierKind.ExternalId)]
    [InlineData((int)IdentifierKind.DeviceId)]
    [InlineData((int)IdentifierKind.Alias)]
    public void Matches_NoOwner_Unmatched(int kindValue)
    {
        // Arrange
        var kind = (IdentifierKind)kindValue;

        // Act
        var user = IdentifierMatcher.Matches(new Identifier(kind, "nobody", kind == IdentifierKind.Alias ? "label" : null), owner: null);

        // Assert
        Assert.Null(user);
    }

    [Fact]
    public async Task MatchAsync_EachKindOfIdentifier_MatchesByBrazeRules()
    {
        // Arrange
        var changes = new[]
        {
            Add(userIds: ["alice"]),
            Add(deviceIds: ["bob-device", "carol-old-device"]),
            Add(userIds: ["ghost"]),
        };

        // Act
        var result = await MatchAsync(_workspace, changes);

        // Assert
        Assert.Equal([new MembershipChange(AliceValue, true), new MembershipChange(Bob, true)], result.Changes);
        Assert.Equal(
            [new IdentifierIntent(Identifier.Device("carol-old-device"), false), new IdentifierIntent(Identifier.External("ghost"), false)],
            result.Unmatched.OrderBy(u => u.Identifier.Value, StringComparer.Ordinal));
    }

    [Fact]
    public async Task MatchAsync_AliasOfIdentifiedUser_Matches()
    {
        // Arrange
        var changes = new[] { Remove(aliases: [AliceAlias]) };

        // Act
        var result = await MatchAsync(_workspace, changes);

        // Assert
        Assert.Equal([new MembershipChange(AliceValue, Add: false)], result.Changes);
        Assert.Empty(result.Unmatched);
    }

    [Fact]
    public async Task MatchAsync_IdentifiedUsersFormerDeviceIdOnly_NotRemoved()
    {
        // Arrange: Braze does not add or remove an identified user by device id.
        var changes = new[] { Remove(deviceIds: ["carol-old-device"]) };

        // Act
        var result = await MatchAsync(_workspace, changes);

        // Assert
        Assert.Empty(result.Changes);
        Assert.Equal([new IdentifierIntent(Identifier.Device("carol-old-device"), Remove: true)], result.Unmatched);
    }

    public static TheoryData<string> UnusableIds => new()
    {
        "a\u0000b",
        "a\u001fb",
        "tab\there",
        "line\n",
        "a\u007f",
        "a\u0085b",
        "\ud800",
        "x\udc00",
        new string('x', IdentifierRules.MaxLength + 1),
    };

    [Theory]
    // Not enumerated at discovery: serializing the data there would turn lone surrogates into U+FFFD.
    [MemberData(nameof(UnusableIds), DisableDiscoveryEnumeration = true)]
    public async Task MatchAsync_IdNoUserCanHave_UnmatchedWithoutIndexRead(string id)
    {
        // Arrange
        var changes = new[] { Add(userIds: [id], deviceIds: [id], aliases: [new UserAlias(id, "label"), new UserAlias("name", id)]) };

        // Act
        var result = await MatchAsync(_workspace, changes);

        // Assert
        Assert.Empty(result.Changes);
        Assert.Equal(4, result.Unmatched.Count);
        _index.Verify(i => i.FindAsync(It.IsAny<WorkspaceId>(), It.IsAny<Identifier>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task MatchAsync_UnusableIdNextToAValidOne_OnlyTheValidOneRead()
    {
        // Arrange
        var changes = new[] { Add(userIds: ["alice", "bad\u0001id", new string('x', 1025)]) };

        // Act
        var result = await MatchAsync(_workspace, changes);

        // Assert
        Assert.Equal([new MembershipChange(AliceValue, true)], result.Changes);
        Assert.Equal(2, result.Unmatched.Count);
        _index.Verify(i => i.FindAsync(_workspace, Identifier.External("alice"), It.IsAny<CancellationToken>()), Times.Once);
        _index.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task MatchAsync_IdOf1024Chars_Read()
    {
        // Arrange
        var id = new string('x', IdentifierRules.MaxLength);
        Owns(Bob, Identifier.External(id));

        // Act
        var result = await MatchAsync(_workspace, [Add(userIds: [id])]);

        // Assert
        Assert.Equal([new MembershipChange(Bob, true)], result.Changes);
    }

    [Fact]
    public async Task MatchAsync_SeveralIdentifiersOfOneUser_OneChange()
    {
        // Arrange
        var changes = new[]
        {
            Add(userIds: ["alice"], aliases: [AliceAlias]),
            Add(aliases: [AliceAlias]),
        };

        // Act
        var result = await MatchAsync(_workspace, changes);

        // Assert
        Assert.Equal([new MembershipChange(AliceValue, Add: true)], result.Changes);
    }

    [Fact]
    public async Task MatchAsync_AddThenRemove_Remove()
    {
        // Act
        var result = await MatchAsync(_workspace, [Add(userIds: ["alice"]), Remove(userIds: ["alice"])]);

        // Assert
        Assert.Equal([new MembershipChange(AliceValue, Add: false)], result.Changes);
    }

    [Fact]
    public async Task MatchAsync_RemoveThenAdd_Add()
    {
        // Act
        var result = await MatchAsync(_workspace, [Remove(userIds: ["alice"]), Add(userIds: ["alice"])]);

        // Assert
        Assert.Equal([new MembershipChange(AliceValue, Add: true)], result.Changes);
    }

    [Fact]
    public async Task MatchAsync_AddByExternalIdThenRemoveByAlias_Remove()
    {
        // Act
        var result = await MatchAsync(_workspace, [Add(userIds: ["alice"]), Remove(aliases: [AliceAlias])]);

        // Assert
        Assert.Equal([new MembershipChange(AliceValue, Add: false)], result.Changes);
    }

    [Fact]
    public async Task MatchAsync_RemoveByAliasThenAddByExternalId_Add()
    {
        // Act
        var result = await MatchAsync(_workspace, [Remove(aliases: [AliceAlias]), Add(userIds: ["alice"])]);

        // Assert
        Assert.Equal([new MembershipChange(AliceValue, Add: true)], result.Changes);
    }

    [Fact]
    public async Task MatchAsync_LastChangeWinsPerUser_OtherUsersKeepTheirOwn()
    {
        // Arrange
        var changes = new[]
        {
            Add(userIds: ["alice", "carol"], deviceIds: ["bob-device"]),
            Remove(aliases: [AliceAlias]),
            Remove(deviceIds: ["bob-device"]),
            Add(deviceIds: ["bob-device"]),
        };

        // Act
        var result = await MatchAsync(_workspace, changes);

        // Assert
        Assert.Equal(
            [new MembershipChange(AliceValue, false), new MembershipChange(Carol, true), new MembershipChange(Bob, true)],
            result.Changes);
    }

    [Fact]
    public async Task MatchAsync_UnmatchedAddedThenRemoved_KeepsLastIntent()
    {
        // Act
        var result = await MatchAsync(_workspace, [Add(userIds: ["ghost"]), Remove(userIds: ["ghost"])]);

        // Assert
        Assert.Equal([new IdentifierIntent(Identifier.External("ghost"), Remove: true)], result.Unmatched);
    }

    [Fact]
    public async Task MatchAsync_UnmatchedRemovedThenAdded_KeepsLastIntent()
    {
        // Act
        var result = await MatchAsync(_workspace, [Remove(deviceIds: ["ghost"]), Add(deviceIds: ["ghost"])]);

        // Assert
        Assert.Equal([new IdentifierIntent(Identifier.Device("ghost"), Remove: false)], result.Unmatched);
    }

    [Fact]
    public async Task MatchAsync_SameStringAsExternalIdAndDeviceId_DistinctIdentifiers()
    {
        // Arrange: "alice" is Alice's external id; as a device id nobody has it.
        var changes = new[] { Add(userIds: ["alice"], deviceIds: ["alice"]) };

        // Act
        var result = await MatchAsync(_workspace, changes);

        // Assert
        Assert.Equal([new MembershipChange(AliceValue, true)], result.Changes);
        Assert.Equal([new IdentifierIntent(Identifier.Device("alice"), false)], result.Unmatched);
    }

    [Fact]
    public async Task MatchAsync_RepeatedIdentifiers_EachLookedUpOnce()
    {
        // Arrange
        var changes = new[]
        {
            Add(userIds: ["alice", "alice", "ghost"], aliases: [AliceAlias]),
            Remove(userIds: ["alice", "ghost"], aliases: [new UserAlias(AliceAlias.AliasName, AliceAlias.AliasLabel)]),
            Add(userIds: ["ghost"], deviceIds: ["bob-device", "bob-device"]),
        };

        // Act
        await MatchAsync(_workspace, changes);

        // Assert
        _index.Verify(i => i.FindAsync(_workspace, Identifier.External("alice"), It.IsAny<CancellationToken>()), Times.Once);
        _index.Verify(i => i.FindAsync(_workspace, Identifier.External("ghost"), It.IsAny<CancellationToken>()), Times.Once);
        _index.Verify(i => i.FindAsync(_workspace, Identifier.Alias(AliceAlias), It.IsAny<CancellationToken>()), Times.Once);
        _index.Verify(i => i.FindAsync(_workspace, Identifier.Device("bob-device"), It.IsAny<CancellationToken>()), Times.Once);
        _index.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task MatchAsync_NoChanges_NoReads()
    {
        // Act
        var result = await MatchAsync(_workspace, []);

        // Assert
        Assert.Empty(result.Changes);
        Assert.Empty(result.Unmatched);
        _index.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task MatchAsync_LooksUpInTheGivenWorkspace()
    {
        // Arrange
        var other = WorkspaceId.Parse("other").TryGetValue(out var ws, out _) ? ws : default;

        // Act
        var result = await MatchAsync(other, [Add(userIds: ["alice"])]);

        // Assert
        Assert.Empty(result.Changes);
        _index.Verify(i => i.FindAsync(other, Identifier.External("alice"), It.IsAny<CancellationToken>()), Times.Once);
    }

    /// <summary>What one change object of a postback asks: these identifiers in (external ids, device ids, aliases).</summary>
    private static IdentifierIntent[] Add(string[]? userIds = null, string[]? deviceIds = null, UserAlias[]? aliases = null) =>
        Intents(userIds, deviceIds, aliases, remove: false);

    /// <summary>What a change object with <c>should_remove</c> asks: these identifiers out.</summary>
    private static IdentifierIntent[] Remove(string[]? userIds = null, string[]? deviceIds = null, UserAlias[]? aliases = null) =>
        Intents(userIds, deviceIds, aliases, remove: true);

    private static IdentifierIntent[] Intents(string[]? userIds, string[]? deviceIds, UserAlias[]? aliases, bool remove) =>
        [.. (userIds ?? []).Select(Identifier.External)
            .Concat((deviceIds ?? []).Select(Identifier.Device))
            .Concat((aliases ?? []).Select(Identifier.Alias))
            .Select(i => new IdentifierIntent(i, remove))];

    /// <summary>Matches the intents of several change objects, in order.</summary>
    private Task<MatchResult> MatchAsync(WorkspaceId workspace, IReadOnlyList<IdentifierIntent[]> changes) =>
        _matcher.MatchAsync(workspace, [.. changes.SelectMany(c => c)], CancellationToken.None);

    private void Owns(UserId user, Identifier identifier, bool matchable = true) =>
        _index.Setup(i => i.FindAsync(_workspace, identifier, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new IdentifierOwner(user, matchable));
}
