using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Time.Testing;

namespace CohortFunctions.Contracts;

/// <summary>
/// What every <see cref="IUserStore"/> (with the <see cref="IIdentifierIndex"/> that reads its rows) must do. The
/// unit tests run it on their in-memory fake, the integration tests on the Table Storage adapter on Azurite, so the
/// fake the users feature is tested with cannot drift from the real store. This file is compiled into both test
/// projects. Each test works in a workspace of its own.
/// </summary>
public abstract class UserStoreContract
{
    private readonly IUserStore _store;
    private readonly IIdentifierIndex _index;

    /// <param name="create">Makes the store under test on the given clock.</param>
    private protected UserStoreContract(Func<TimeProvider, (IUserStore Store, IIdentifierIndex Index)> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        (_store, _index) = create(Time);
    }

    private protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    private protected WorkspaceId Workspace { get; } = NewWorkspace();

    [Fact]
    public async Task GetAsync_NoSuchUser_Null()
    {
        // Act
        var found = await _store.GetAsync(Workspace, UserId.New(), CancellationToken.None);

        // Assert
        Assert.Null(found);
    }

    [Fact]
    public async Task CreateAsync_NewProfile_ReadBackAsWrittenAtTheReturnedVersion()
    {
        // Arrange
        var profile = Profile("ext/1 😀", ["d#1", "d2"], [new UserAlias("a b", "label?")], wasAnonymous: true);

        // Act
        var version = await _store.CreateAsync(profile, CancellationToken.None);

        // Assert
        var stored = await _store.GetAsync(Workspace, profile.UserId, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(version, stored.Version);
        AssertSameProfile(profile, stored.Profile);
    }

    [Fact]
    public async Task ReplaceAsync_AtTheCurrentVersion_ReplacesAndReturnsANewVersion()
    {
        // Arrange
        var profile = Profile(externalId: null, ["d1"], []);
        var version = await _store.CreateAsync(profile, CancellationToken.None);
        var changed = profile with { ExternalId = "u1", DeviceIds = ["d1", "d2"], WasAnonymous = true };

        // Act
        var newVersion = await _store.ReplaceAsync(changed, version, CancellationToken.None);

        // Assert
        Assert.NotNull(newVersion);
        Assert.NotEqual(version, newVersion);
        var stored = await _store.GetAsync(Workspace, profile.UserId, CancellationToken.None);
        Assert.Equal(newVersion, stored!.Version);
        AssertSameProfile(changed, stored.Profile);
    }

    [Fact]
    public async Task ReplaceAsync_AtAnOlderVersion_NullAndUnchanged()
    {
        // Arrange
        var profile = Profile("u1", [], []);
        var first = await _store.CreateAsync(profile, CancellationToken.None);
        var second = await _store.ReplaceAsync(profile with { DeviceIds = ["d1"] }, first, CancellationToken.None);

        // Act
        var replaced = await _store.ReplaceAsync(profile with { DeviceIds = ["d2"] }, first, CancellationToken.None);

        // Assert
        Assert.Null(replaced);
        var stored = await _store.GetAsync(Workspace, profile.UserId, CancellationToken.None);
        Assert.Equal(second, stored!.Version);
        Assert.Equal(["d1"], stored.Profile.DeviceIds);
    }

    [Fact]
    public async Task ReplaceAsync_UserDeleted_Null()
    {
        // Arrange: versions are the store's own; this one is of a profile that is gone.
        var profile = Profile("u1", [], []);
        var version = await _store.CreateAsync(profile, CancellationToken.None);
        await _store.DeleteAsync(Workspace, profile.UserId, version, CancellationToken.None);

        // Act
        var replaced = await _store.ReplaceAsync(profile, version, CancellationToken.None);

        // Assert
        Assert.Null(replaced);
    }

    [Fact]
    public async Task DeleteAsync_AtAnOlderVersion_FalseAndKept()
    {
        // Arrange
        var profile = Profile("u1", [], []);
        var first = await _store.CreateAsync(profile, CancellationToken.None);
        await _store.ReplaceAsync(profile with { DeviceIds = ["d1"] }, first, CancellationToken.None);

        // Act
        var deleted = await _store.DeleteAsync(Workspace, profile.UserId, first, CancellationToken.None);

        // Assert
        Assert.False(deleted);
        Assert.NotNull(await _store.GetAsync(Workspace, profile.UserId, CancellationToken.None));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DeleteAsync_AtTheCurrentOrAnyVersion_TrueAndGone(bool anyVersion)
    {
        // Arrange
        var profile = Profile("u1", [], []);
        var version = await _store.CreateAsync(profile, CancellationToken.None);

        // Act
        var deleted = await _store.DeleteAsync(Workspace, profile.UserId, anyVersion ? null : version, CancellationToken.None);

        // Assert
        Assert.True(deleted);
        Assert.Null(await _store.GetAsync(Workspace, profile.UserId, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_AlreadyDeleted_True()
    {
        // Arrange
        var profile = Profile("u1", [], []);
        var version = await _store.CreateAsync(profile, CancellationToken.None);
        await _store.DeleteAsync(Workspace, profile.UserId, version, CancellationToken.None);

        // Act
        var deleted = await _store.DeleteAsync(Workspace, profile.UserId, version, CancellationToken.None);

        // Assert
        Assert.True(deleted);
    }

    [Fact]
    public async Task GetIdentifierAsync_NoRow_NullAndNoOwner()
    {
        // Act
        var row = await _store.GetIdentifierAsync(Workspace, Identifier.External("nobody"), CancellationToken.None);
        var owner = await _index.FindAsync(Workspace, Identifier.External("nobody"), CancellationToken.None);

        // Assert
        Assert.Null(row);
        Assert.Null(owner);
    }

    [Fact]
    public async Task AddIdentifierAsync_NoRow_AddedAndFoundWithItsWriteTime()
    {
        // Arrange
        var user = UserId.New();
        var identifier = Identifier.Alias(new UserAlias("a/b#c?d%e \"q\" 😀", "email"));

        // Act
        var claim = await _store.AddIdentifierAsync(Workspace, identifier, user, matchable: true, CancellationToken.None);

        // Assert
        Assert.Equal(ClaimStatus.Added, claim.Status);
        Assert.Equal((user, true), (claim.Row!.Owner, claim.Row.Matchable));
        Assert.Equal(claim.Row, await _store.GetIdentifierAsync(Workspace, identifier, CancellationToken.None));
        Assert.Equal(new IdentifierOwner(user, true) { IndexedAt = Time.GetUtcNow() }, await _index.FindAsync(Workspace, identifier, CancellationToken.None));
    }

    [Fact]
    public async Task AddIdentifierAsync_RowExists_HeldAsItIsAndUnchanged()
    {
        // Arrange
        var owner = UserId.New();
        var identifier = Identifier.Device("d1");
        var first = await _store.AddIdentifierAsync(Workspace, identifier, owner, matchable: false, CancellationToken.None);

        // Act
        var second = await _store.AddIdentifierAsync(Workspace, identifier, UserId.New(), matchable: true, CancellationToken.None);

        // Assert
        Assert.Equal(ClaimStatus.Held, second.Status);
        Assert.Equal(first.Row, second.Row);
        Assert.Equal(first.Row, await _store.GetIdentifierAsync(Workspace, identifier, CancellationToken.None));
    }

    [Fact]
    public async Task AddIdentifierAsync_SameValueAsAnotherKind_ADistinctIdentifier()
    {
        // Arrange
        var external = UserId.New();
        var device = UserId.New();
        var alias = UserId.New();

        // Act
        var claims = new[]
        {
            await _store.AddIdentifierAsync(Workspace, Identifier.External("x"), external, matchable: true, CancellationToken.None),
            await _store.AddIdentifierAsync(Workspace, Identifier.Device("x"), device, matchable: true, CancellationToken.None),
            await _store.AddIdentifierAsync(Workspace, Identifier.Alias(new UserAlias("x", "x")), alias, matchable: true, CancellationToken.None),
        };

        // Assert
        Assert.All(claims, c => Assert.Equal(ClaimStatus.Added, c.Status));
        Assert.Equal(external, (await _index.FindAsync(Workspace, Identifier.External("x"), CancellationToken.None))!.UserId);
        Assert.Equal(device, (await _index.FindAsync(Workspace, Identifier.Device("x"), CancellationToken.None))!.UserId);
        Assert.Equal(alias, (await _index.FindAsync(Workspace, Identifier.Alias(new UserAlias("x", "x")), CancellationToken.None))!.UserId);
    }

    [Fact]
    public async Task AddIdentifierAsync_InAnotherWorkspace_NeitherSeesTheOther()
    {
        // Arrange
        var other = NewWorkspace();
        var profile = Profile("u1", [], []);
        await _store.CreateAsync(profile, CancellationToken.None);
        await _store.AddIdentifierAsync(Workspace, Identifier.External("u1"), profile.UserId, matchable: true, CancellationToken.None);

        // Act
        var claim = await _store.AddIdentifierAsync(other, Identifier.External("u1"), UserId.New(), matchable: true, CancellationToken.None);

        // Assert
        Assert.Equal(ClaimStatus.Added, claim.Status);
        Assert.Null(await _store.GetAsync(other, profile.UserId, CancellationToken.None));
        Assert.Equal(profile.UserId, (await _index.FindAsync(Workspace, Identifier.External("u1"), CancellationToken.None))!.UserId);
    }

    [Fact]
    public async Task ReplaceIdentifierAsync_AtTheCurrentVersion_PointsAtTheNewOwnerWithANewWriteTime()
    {
        // Arrange
        var identifier = Identifier.Device("d1");
        var added = await _store.AddIdentifierAsync(Workspace, identifier, UserId.New(), matchable: true, CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(5));
        var owner = UserId.New();

        // Act
        var version = await _store.ReplaceIdentifierAsync(Workspace, identifier, owner, matchable: false, added.Row!.Version, CancellationToken.None);

        // Assert
        Assert.NotNull(version);
        Assert.NotEqual(added.Row.Version, version);
        Assert.Equal(new IndexedIdentifier(owner, false, version), await _store.GetIdentifierAsync(Workspace, identifier, CancellationToken.None));
        Assert.Equal(new IdentifierOwner(owner, false) { IndexedAt = Time.GetUtcNow() }, await _index.FindAsync(Workspace, identifier, CancellationToken.None));
    }

    [Fact]
    public async Task ReplaceIdentifierAsync_AtAnOlderVersionOrWithoutRow_Null()
    {
        // Arrange
        var identifier = Identifier.External("u1");
        var owner = UserId.New();
        var added = await _store.AddIdentifierAsync(Workspace, identifier, owner, matchable: true, CancellationToken.None);
        var current = await _store.ReplaceIdentifierAsync(Workspace, identifier, owner, matchable: true, added.Row!.Version, CancellationToken.None);

        // Act
        var stale = await _store.ReplaceIdentifierAsync(Workspace, identifier, UserId.New(), matchable: true, added.Row.Version, CancellationToken.None);
        var missing = await _store.ReplaceIdentifierAsync(Workspace, Identifier.External("nobody"), owner, matchable: true, current!, CancellationToken.None);

        // Assert
        Assert.Null(stale);
        Assert.Null(missing);
        Assert.Equal(owner, (await _store.GetIdentifierAsync(Workspace, identifier, CancellationToken.None))!.Owner);
    }

    [Fact]
    public async Task DeleteIdentifierAsync_AtAnOlderVersion_FalseAndKept()
    {
        // Arrange
        var identifier = Identifier.External("u1");
        var owner = UserId.New();
        var added = await _store.AddIdentifierAsync(Workspace, identifier, owner, matchable: true, CancellationToken.None);
        await _store.ReplaceIdentifierAsync(Workspace, identifier, owner, matchable: true, added.Row!.Version, CancellationToken.None);

        // Act
        var deleted = await _store.DeleteIdentifierAsync(Workspace, identifier, added.Row.Version, CancellationToken.None);

        // Assert
        Assert.False(deleted);
        Assert.NotNull(await _index.FindAsync(Workspace, identifier, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteIdentifierAsync_AtTheCurrentVersion_TrueAndGone()
    {
        // Arrange
        var identifier = Identifier.Alias(new UserAlias("n", "l"));
        var added = await _store.AddIdentifierAsync(Workspace, identifier, UserId.New(), matchable: true, CancellationToken.None);

        // Act
        var deleted = await _store.DeleteIdentifierAsync(Workspace, identifier, added.Row!.Version, CancellationToken.None);

        // Assert
        Assert.True(deleted);
        Assert.Null(await _store.GetIdentifierAsync(Workspace, identifier, CancellationToken.None));
        Assert.Null(await _index.FindAsync(Workspace, identifier, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteIdentifierAsync_RowAlreadyDeleted_True()
    {
        // Arrange
        var identifier = Identifier.Device("d1");
        var added = await _store.AddIdentifierAsync(Workspace, identifier, UserId.New(), matchable: true, CancellationToken.None);
        await _store.DeleteIdentifierAsync(Workspace, identifier, added.Row!.Version, CancellationToken.None);

        // Act
        var deleted = await _store.DeleteIdentifierAsync(Workspace, identifier, added.Row.Version, CancellationToken.None);

        // Assert
        Assert.True(deleted);
    }

    private static WorkspaceId NewWorkspace() => WorkspaceId.Parse("ws-" + Guid.NewGuid().ToString("N")[..16]).Value;

    private static void AssertSameProfile(UserProfile expected, UserProfile actual)
    {
        Assert.Equal(expected.UserId, actual.UserId);
        Assert.Equal(expected.Workspace, actual.Workspace);
        Assert.Equal(expected.ExternalId, actual.ExternalId);
        Assert.Equal(expected.DeviceIds, actual.DeviceIds);
        Assert.Equal(expected.Aliases, actual.Aliases);
        Assert.Equal(expected.WasAnonymous, actual.WasAnonymous);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
    }

    private UserProfile Profile(string? externalId, string[] deviceIds, UserAlias[] aliases, bool wasAnonymous = false) =>
        new(UserId.New(), Workspace, externalId, deviceIds, aliases, wasAnonymous, Time.GetUtcNow());
}
