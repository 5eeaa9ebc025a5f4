using CohortFunctions.App.Http;
using CohortFunctions.Cohorts;
using CohortFunctions.Identifiers;
using CohortFunctions.Results;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Primitives;

namespace CohortFunctions.UnitTests.Users;

public sealed class UserServiceLookupDeleteTests
{
    private readonly CohortRef _cohort = new("amplitude", "c1");

    private readonly UserServiceHarness _harness = new();

    private static Dictionary<string, StringValues> Query(params (string Name, string Value)[] values) =>
        values.GroupBy(v => v.Name).ToDictionary(g => g.Key, g => new StringValues([.. g.Select(v => v.Value)]));

    /// <summary>A look-up as the function does it: the query read by <see cref="UserLookupQuery"/>, then the service.</summary>
    private Task<Result<UserDetails>> LookupAsync(params (string Name, string Value)[] query) =>
        LookupAsync(_harness.Workspace.Value, query);

    private async Task<Result<UserDetails>> LookupAsync(string workspace, params (string Name, string Value)[] query) =>
        UserLookupQuery.Parse(Query(query)).TryGetValue(out var identifier, out var invalid)
            ? await _harness.Service.LookupAsync(workspace, identifier, CancellationToken.None)
            : invalid;

    [Theory]
    [InlineData("external_id", "u1")]
    [InlineData("device_id", "d1")]
    [InlineData("alias", "amp-1")]
    public async Task LookupAsync_EachKindOfIdentifier_ReturnsUserWithCohorts(string kind, string value)
    {
        // Arrange
        var user = _harness.Seed("u1", deviceIds: ["d1"], aliases: [new UserAlias("amp-1", "amplitude_id")], wasAnonymous: true);
        _harness.AddToCohort(user.UserId, _cohort);
        (string, string)[] query = kind == "alias" ? [("alias_name", value), ("alias_label", "amplitude_id")] : [(kind, value)];

        // Act
        var result = await LookupAsync(query);

        // Assert
        Assert.Equal(user, result.Value!.Profile);
        Assert.Equal([_cohort], result.Value.Cohorts);
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
