using CohortFunctions.Cohorts;
using CohortFunctions.Identifiers;
using CohortFunctions.Results;

namespace CohortFunctions.UnitTests.Users;

/// <summary>Deleting users: memberships, then identifier rows, then the profile. Look-ups are <see cref="UserLookupTests"/>.</summary>
public sealed class UserServiceDeleteTests
{
    private readonly CohortRef _cohort = new("amplitude", "c1");

    private readonly UserServiceHarness _harness = new();

    [Fact]
    public async Task DeleteAsync_KnownUser_RemovesMembershipsThenIdentifiersThenProfile()
    {
        // Arrange
        var user = _harness.Seed("u1", deviceIds: ["d1"], aliases: [new UserAlias("a", "l")]);
        var other = _harness.Seed("u2");
        _harness.AddToCohort(user.UserId, _cohort);

        // Act
        var result = await _harness.Service.DeleteAsync(_harness.Workspace.Value, user.UserId.Value, CancellationToken.None);

        // Assert
        Assert.Equal(user.UserId, result.Value);
        Assert.Null(_harness.Profile(user.UserId));
        Assert.Empty(_harness.CohortsOf(user.UserId));
        Assert.Null(_harness.Row(Identifier.External("u1")));
        Assert.Null(_harness.Row(Identifier.Device("d1")));
        Assert.Null(_harness.Row(Identifier.Alias(new UserAlias("a", "l"))));
        Assert.NotNull(_harness.Profile(other.UserId));
        Assert.Equal(1, _harness.RowCount);
        var memberships = _harness.IndexOfCall("RemoveFromAll " + user.UserId);
        var rows = _harness.IndexOfCall("DeleteIdentifier ");
        var profile = _harness.IndexOfCall("Delete " + user.UserId);
        Assert.True(memberships < rows && rows < profile, string.Join('\n', _harness.Calls));
    }

    [Fact]
    public async Task DeleteAsync_DeviceTakenOverByAnotherUser_LeavesItsRow()
    {
        // Arrange
        var user = _harness.Seed("u1", deviceIds: ["d1"]);
        var newOwner = _harness.Seed(aliases: [new UserAlias("a", "l")]);
        _harness.SeedRow(Identifier.Device("d1"), newOwner.UserId, matchable: true);

        // Act
        await _harness.Service.DeleteAsync(_harness.Workspace.Value, user.UserId.Value, CancellationToken.None);

        // Assert
        Assert.Equal((newOwner.UserId, true), _harness.Row(Identifier.Device("d1")));
    }

    [Theory]
    [InlineData("0123456789abcdef0123")]
    [InlineData("not-a-user-id")]
    [InlineData("")]
    public async Task DeleteAsync_UnknownUser_ReturnsNotFound(string userId)
    {
        // Act
        var result = await _harness.Service.DeleteAsync(_harness.Workspace.Value, userId, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.NotFound, result.Failure?.Kind);
        Assert.DoesNotContain(_harness.Calls, c => c.StartsWith("RemoveFromAll", StringComparison.Ordinal));
    }
}
