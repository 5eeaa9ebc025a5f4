using CohortFunctions.CohortSync.Members;

namespace CohortFunctions.CohortSyncTests;

public sealed class IdentifierMappingTests
{
    private static readonly IdentifierMapping UserEmailDevice = IdentifierMapping.Parse("user_id, alias:email, device_id");

    [Fact]
    public void Parse_PriorityList_KeepsTheOrderAndMapsEachKind()
    {
        // Act
        var mapping = IdentifierMapping.Parse("user_id, alias:email, device_id, alias:amplitude_id=amp, user_id:external, device_id:idfa");

        // Assert
        Assert.Equal(
            [
                new MappingRule(IdentifierKind.UserId, "user_id"),
                new MappingRule(IdentifierKind.Alias, "email", "email"),
                new MappingRule(IdentifierKind.DeviceId, "device_id"),
                new MappingRule(IdentifierKind.Alias, "amplitude_id", "amp"),
                new MappingRule(IdentifierKind.UserId, "external"),
                new MappingRule(IdentifierKind.DeviceId, "idfa"),
            ],
            mapping.Rules);
        Assert.Equal("user_id,alias:email,device_id,alias:amplitude_id=amp,user_id:external,device_id:idfa", mapping.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("email")]
    [InlineData("alias")]
    [InlineData("alias:")]
    [InlineData("alias:email=")]
    [InlineData("user_id:")]
    [InlineData("user_id,user_id")]
    public void TryParse_InvalidSpecification_ReturnsAnError(string specification)
    {
        // Act
        var parsed = IdentifierMapping.TryParse(specification, out var mapping, out var error);

        // Assert
        Assert.False(parsed);
        Assert.Null(mapping);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Resolve_AllPresent_UsesThePrimaryIdentifier()
    {
        // Arrange
        var row = Row(("user_id", "u1"), ("email", "a@example.com"), ("device_id", "D1"));

        // Act
        var identifier = UserEmailDevice.Resolve(row);

        // Assert
        Assert.Equal(MemberIdentifier.UserId("u1"), identifier);
    }

    [Fact]
    public void Resolve_PrimaryMissing_FallsBackToTheSecondary()
    {
        // Arrange
        var row = Row(("user_id", "  "), ("email", "a@example.com"), ("device_id", "D1"));

        // Act
        var identifier = UserEmailDevice.Resolve(row);

        // Assert
        Assert.Equal(MemberIdentifier.Alias("email", "a@example.com"), identifier);
    }

    [Fact]
    public void Resolve_OnlyTertiaryPresent_UsesTheTertiary()
    {
        // Arrange
        var row = Row(("device_id", "D1"));

        // Act
        var identifier = UserEmailDevice.Resolve(row);

        // Assert
        Assert.Equal(MemberIdentifier.DeviceId("D1"), identifier);
    }

    [Fact]
    public void Resolve_NoIdentifierPresent_ReturnsNullAsUnresolved()
    {
        // Arrange
        var row = Row(("user_id", string.Empty), ("amplitude_id", "1006"));

        // Act
        var identifier = UserEmailDevice.Resolve(row);

        // Assert
        Assert.Null(identifier);
    }

    [Fact]
    public void Resolve_AliasWithOwnLabel_SendsTheLabelNotTheColumn()
    {
        // Arrange
        var mapping = IdentifierMapping.Parse("alias:amplitude_id=amplitude");

        // Act
        var identifier = mapping.Resolve(Row(("amplitude_id", "1001")));

        // Assert
        Assert.Equal(MemberIdentifier.Alias("amplitude", "1001"), identifier);
    }

    private static Func<string, string?> Row(params (string Column, string Value)[] values) =>
        column => values.FirstOrDefault(v => v.Column == column).Value;
}
