using CohortFunctions.Results;
using CohortFunctions.Workspaces;

namespace CohortFunctions.UnitTests.Workspaces;

public sealed class WorkspaceIdTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("acme")]
    [InlineData("0acme")]
    [InlineData("acme-corp-42")]
    [InlineData("a123456789012345678901234567890123456789012345678901234567890ab")]
    public void Parse_ValidId_ReturnsTheIdWithSameValue(string value)
    {
        // Act
        var parsed = WorkspaceId.Parse(value).TryGetValue(out var id, out _);

        // Assert
        Assert.True(parsed);
        Assert.Equal(value, id.Value);
        Assert.Equal(value, id.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-acme")]
    [InlineData("Acme")]
    [InlineData("acme_corp")]
    [InlineData("acme corp")]
    [InlineData("acme/corp")]
    [InlineData("acme\n")]
    [InlineData("acme\r\n")]
    [InlineData("\nacme")]
    [InlineData("acmé")]
    [InlineData("a1234567890123456789012345678901234567890123456789012345678901ab")]
    public void Parse_InvalidId_ReturnsTheInvalidWorkspaceFailure(string? value)
    {
        // Act
        var parsed = WorkspaceId.Parse(value).TryGetValue(out var id, out _);

        // Assert
        Assert.False(parsed);
        Assert.Equal(default, id);
        Assert.Equal(Failure.Invalid(WorkspaceId.InvalidMessage), WorkspaceId.Parse(value).Failure);
    }
}
