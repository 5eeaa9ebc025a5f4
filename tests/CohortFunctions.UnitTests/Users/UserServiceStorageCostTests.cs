using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Users;
using static CohortFunctions.UnitTests.Users.UserBodies;

namespace CohortFunctions.UnitTests.Users;

/// <summary>
/// How many store calls <c>POST .../users</c> makes per new and per updated user (docs/users.md, "Storage requests per
/// user"), counted on the ports by <see cref="CountingUserStore"/>.
/// </summary>
public sealed class UserServiceStorageCostTests
{
    private const int Users = 1000;

    private readonly UserServiceHarness _harness = new();

    private CountingUserStore Counts => _harness.Counts;

    [Fact]
    public async Task UpsertAsync_1000NewIdentifiedUsers_ProfilesCreatedTogetherAndOneAddPerIdentifierNoRead()
    {
        // Act
        var result = await UpsertAsync(Identified(Users, "u", withDevice: true, withAlias: true));

        // Assert
        Assert.Equal(Users, result.Created);
        Assert.Equal((1, Users), (Counts[nameof(IUserStore.CreateAllAsync)], Counts.ProfilesCreatedTogether));
        Assert.Equal(3 * Users, Counts[nameof(IUserStore.AddIdentifierAsync)]);
        AssertNoCalls(
            nameof(IUserStore.GetAsync), nameof(IUserStore.GetIdentifierAsync), nameof(IIdentifierIndex.FindAsync), nameof(IUserStore.CreateAsync),
            nameof(IUserStore.ReplaceAsync), nameof(IUserStore.DeleteAsync), nameof(IUserStore.DeleteAllAsync), nameof(IUserStore.ReplaceIdentifierAsync));
    }

    [Fact]
    public async Task UpsertAsync_1000NewAnonymousUsers_OneAddPerIdentifierAndOneProfileReadForTheIdentifyHandOver()
    {
        // Act
        var result = await UpsertAsync(Anonymous(Users, "a"));

        // Assert
        Assert.Equal(Users, result.Created);
        Assert.Equal((1, Users), (Counts[nameof(IUserStore.CreateAllAsync)], Counts.ProfilesCreatedTogether));
        Assert.Equal(2 * Users, Counts[nameof(IUserStore.AddIdentifierAsync)]);
        Assert.Equal(Users, Counts[nameof(IUserStore.GetAsync)]);
        AssertNoCalls(
            nameof(IUserStore.GetIdentifierAsync), nameof(IIdentifierIndex.FindAsync), nameof(IUserStore.CreateAsync), nameof(IUserStore.ReplaceAsync),
            nameof(IUserStore.DeleteAsync), nameof(IUserStore.DeleteAllAsync), nameof(IUserStore.ReplaceIdentifierAsync));
    }

    [Fact]
    public async Task UpsertAsync_1000KnownIdentifiedUsersUnchanged_OneRefusedAddThenOneReadPerOtherIdentifierAndNoWrite()
    {
        // Arrange
        await UpsertAsync(Identified(Users, "u", withDevice: true, withAlias: true));
        Counts.Reset();

        // Act
        var result = await UpsertAsync(Identified(Users, "u", withDevice: true, withAlias: true));

        // Assert: the external id's add finds the user (and reads its profile); the device's and alias's rows are read.
        Assert.Equal(Users, result.Updated);
        Assert.Equal(Users, Counts[nameof(IUserStore.AddIdentifierAsync)]);
        Assert.Equal(Users, Counts[nameof(IUserStore.GetAsync)]);
        Assert.Equal(2 * Users, Counts[nameof(IUserStore.GetIdentifierAsync)]);
        Assert.Equal((Users, Users), (Counts.ProfilesCreatedTogether, Counts.ProfilesDeletedTogether));
        Assert.Equal((1, 1), (Counts[nameof(IUserStore.CreateAllAsync)], Counts[nameof(IUserStore.DeleteAllAsync)]));
        AssertNoCalls(
            nameof(IIdentifierIndex.FindAsync), nameof(IUserStore.CreateAsync), nameof(IUserStore.ReplaceAsync), nameof(IUserStore.DeleteAsync),
            nameof(IUserStore.ReplaceIdentifierAsync), nameof(IUserStore.DeleteIdentifierAsync));
        Assert.Equal(Users, _harness.Profiles.Count);
    }

    [Fact]
    public async Task UpsertAsync_1000KnownUsersWithANewDevice_ProfileReplacedOnceAndOnlyTheNewDeviceAdded()
    {
        // Arrange
        await UpsertAsync(Identified(Users, "u", withDevice: false, withAlias: false));
        Counts.Reset();

        // Act
        var result = await UpsertAsync(Identified(Users, "u", withDevice: true, withAlias: false));

        // Assert
        Assert.Equal(Users, result.Updated);
        Assert.Equal(2 * Users, Counts[nameof(IUserStore.AddIdentifierAsync)]);
        Assert.Equal(Users, Counts[nameof(IUserStore.GetAsync)]);
        Assert.Equal(Users, Counts[nameof(IUserStore.ReplaceAsync)]);
        AssertNoCalls(nameof(IUserStore.GetIdentifierAsync), nameof(IIdentifierIndex.FindAsync), nameof(IUserStore.CreateAsync), nameof(IUserStore.DeleteAsync));
    }

    [Fact]
    public async Task UpsertAsync_1000KnownAnonymousUsersUnchanged_TheRefusedClaimsRowAndHolderAreNotReadAgain()
    {
        // Arrange
        await UpsertAsync(Anonymous(Users, "a"));
        Counts.Reset();

        // Act
        var result = await UpsertAsync(Anonymous(Users, "a"));

        // Assert: the alias's add finds its holder (profile read once); only the device id is looked up besides.
        Assert.Equal(Users, result.Updated);
        Assert.Equal(Users, Counts[nameof(IUserStore.AddIdentifierAsync)]);
        Assert.Equal(Users, Counts[nameof(IUserStore.GetAsync)]);
        Assert.Equal(Users, Counts[nameof(IIdentifierIndex.FindAsync)]);
        AssertNoCalls(nameof(IUserStore.GetIdentifierAsync), nameof(IUserStore.CreateAsync), nameof(IUserStore.ReplaceAsync), nameof(IUserStore.DeleteAsync));
    }

    [Fact]
    public async Task UpsertAsync_EntryFollowingAnotherWithTheSameExternalId_LooksUpInsteadOfCreatingAhead()
    {
        // Act
        var result = await UpsertAsync([UserBuilder.Identified("u1").WithDevice("d1"), UserBuilder.Identified("u1").WithDevice("d2")]);

        // Assert: one profile created ahead (the first entry's); the second finds it by a look-up, reads it and adds d2.
        Assert.Equal((1, 1), (result.Created, result.Updated));
        Assert.Equal(1, Counts.ProfilesCreatedTogether);
        Assert.Equal(1, Counts[nameof(IIdentifierIndex.FindAsync)]);
        Assert.Equal(1, Counts[nameof(IUserStore.GetAsync)]);
        Assert.Equal(3, Counts[nameof(IUserStore.AddIdentifierAsync)]);
        AssertNoCalls(nameof(IUserStore.CreateAsync), nameof(IUserStore.DeleteAsync), nameof(IUserStore.DeleteAllAsync));
    }

    [Fact]
    public async Task UpsertAsync_NewUserRefusedAfterItsFirstClaim_ProfileDeletedAtOnceNotAtTheEnd()
    {
        // Arrange: the alias belongs to someone else; the external id is new, so it is claimed (and seen) first.
        _harness.Seed("other", aliases: [new UserAlias("a1", "amplitude_id")]);

        // Act
        var result = await _harness.Service.UpsertAsync(_harness.Workspace.Value, UsersBody(UserBuilder.Identified("u1").WithAlias("a1", "amplitude_id")), CancellationToken.None);

        // Assert
        Assert.Equal("aliases[0] belongs to another user.", Assert.Single(result.Value!.Errors).Message);
        Assert.Equal(1, Counts[nameof(IUserStore.DeleteAsync)]);
        Assert.Equal(0, Counts.ProfilesDeletedTogether);
        Assert.Single(_harness.Profiles);
    }

    [Fact]
    public async Task UpsertAsync_AnonymousEntryTakingADeviceOver_PreviousOwnerReadOnce()
    {
        // Arrange
        var identified = _harness.Seed("u1", deviceIds: ["d0", "d1"], wasAnonymous: true);

        // Act
        var result = await UpsertAsync([UserBuilder.Anonymous().WithDevice("d1")]);

        // Assert: the identified user's profile, read by the claim, is where removing d1 from it starts.
        Assert.Equal(1, result.Created);
        Assert.Equal(["d0"], _harness.Profile(identified.UserId)!.DeviceIds);
        Assert.Equal(2, Counts[nameof(IUserStore.GetAsync)]);
        Assert.Equal(2, Counts[nameof(IUserStore.ReplaceAsync)] + Counts[nameof(IUserStore.ReplaceIdentifierAsync)]);
    }

    private static UserBuilder[] Identified(int count, string prefix, bool withDevice, bool withAlias) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            var user = UserBuilder.Identified($"{prefix}{i}");
            user = withDevice ? user.WithDevice($"{prefix}-d{i}") : user;
            return withAlias ? user.WithAlias($"{prefix}-a{i}", "amplitude_id") : user;
        })];

    private static UserBuilder[] Anonymous(int count, string prefix) =>
        [.. Enumerable.Range(0, count).Select(i => UserBuilder.Anonymous().WithAlias($"{prefix}-a{i}", "amplitude_id").WithDevice($"{prefix}-d{i}"))];

    private async Task<UpsertUsersOutcome> UpsertAsync(UserBuilder[] users)
    {
        var result = await _harness.Service.UpsertAsync(_harness.Workspace.Value, UsersBody(users), CancellationToken.None);
        Assert.Empty(result.Value!.Errors);
        return result.Value;
    }

    private void AssertNoCalls(params string[] methods)
    {
        foreach (var method in methods)
        {
            Assert.True(Counts[method] == 0, $"{method} was called {Counts[method]} times ({Counts}).");
        }
    }
}
