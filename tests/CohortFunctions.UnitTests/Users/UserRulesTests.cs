using System.Globalization;
using CohortFunctions.Identifiers;
using CohortFunctions.Users;

namespace CohortFunctions.UnitTests.Users;

public sealed class UserRulesTests
{
    [Fact]
    public void Of_EntriesSharingIdentifiers_GroupedTransitivelyInRequestOrder()
    {
        // Arrange: 0 and 2 share a device, 2 and 3 an alias; 1 and 4 share nothing with anyone.
        Identifier[][] entries =
        [
            [Identifier.External("u0"), Identifier.Device("d")],
            [Identifier.External("u1")],
            [Identifier.Device("d"), Identifier.Alias(new UserAlias("a", "l"))],
            [Identifier.Alias(new UserAlias("a", "l"))],
            [Identifier.Alias(new UserAlias("a", "other-label"))],
        ];

        // Act
        var groups = EntryGroups.Of(entries, e => e);

        // Assert
        Assert.Equal(3, groups.Count);
        Assert.Equal([entries[0], entries[2], entries[3]], groups[0]);
        Assert.Equal([entries[1]], groups[1]);
        Assert.Equal([entries[4]], groups[2]);
    }

    [Fact]
    public void Of_SameValueDifferentKinds_NotGrouped()
    {
        // Act
        var groups = EntryGroups.Of<Identifier[]>([[Identifier.External("x")], [Identifier.Device("x")]], e => e);

        // Assert
        Assert.Equal(2, groups.Count);
    }

    [Fact]
    public void Check_WithinLimits_ReturnsNull()
    {
        // Arrange: 100 device ids and 100 aliases of 100 characters fit.
        var devices = Enumerable.Range(0, 100).Select(i => i.ToString("D3", CultureInfo.InvariantCulture) + new string('d', 97)).ToList();
        var aliases = Enumerable.Range(0, 100).Select(i => new UserAlias(new string('n', 100), i.ToString("D3", CultureInfo.InvariantCulture) + new string('l', 97))).ToList();

        // Act & Assert
        Assert.Null(UserLimits.Check(devices, aliases));
    }

    [Fact]
    public void Check_101DeviceIds_Rejected() =>
        Assert.Equal("a user has at most 100 device ids.", UserLimits.Check([.. Enumerable.Range(0, 101).Select(i => $"d{i}")], []));

    [Fact]
    public void Check_101Aliases_Rejected() =>
        Assert.Equal("a user has at most 100 aliases.", UserLimits.Check([], [.. Enumerable.Range(0, 101).Select(i => new UserAlias("n", $"l{i}"))]));

    [Fact]
    public void Check_EmojiEscapingPastTheStringPropertyLimit_Rejected()
    {
        // Arrange: 10 ids of 512 emoji are 10,240 UTF-16 characters, but 61,000 once escaped as JSON.
        var emoji = string.Concat(Enumerable.Repeat("😀", 512));
        var aliases = Enumerable.Range(0, 10).Select(i => new UserAlias(emoji, $"l{i}")).ToList();

        // Act & Assert
        Assert.StartsWith("the user's aliases are too long together", UserLimits.Check([], aliases), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NullMembers_MeanNotGiven()
    {
        // Arrange
        var body = UserBodies.Json("{\"users\": [{\"external_id\": \"u1\", \"device_ids\": null, \"aliases\": null}]}");

        // Act
        var parsed = UpsertUsersRequest.Parse(body);

        // Assert
        var user = Assert.Single(parsed.Value!).Value!;
        Assert.Equal("u1", user.ExternalId);
        Assert.Empty(user.DeviceIds);
        Assert.Empty(user.Aliases);
    }

    [Fact]
    public void Parse_UnknownMembers_Ignored()
    {
        // Act
        var parsed = UpsertUsersRequest.Parse(UserBodies.Json("{\"users\": [{\"device_ids\": [\"d1\"], \"email\": \"x@example.com\"}], \"extra\": 1}"));

        // Assert
        Assert.Equal(["d1"], Assert.Single(parsed.Value!).Value!.DeviceIds);
    }
}
