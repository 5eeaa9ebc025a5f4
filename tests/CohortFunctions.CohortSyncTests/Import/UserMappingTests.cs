using CohortFunctions.CohortSync.Import;

namespace CohortFunctions.CohortSyncTests.Import;

public sealed class UserMappingTests
{
    [Fact]
    public void Parse_EveryKind_KeepsTheOrderAndTheColumns()
    {
        // Act
        var mapping = UserMapping.Parse("external_id:user_id, device_id:device, alias:email, alias:amp=amplitude_id, external_id, device_id");

        // Assert
        Assert.Equal(
            [
                new UserMappingRule(UserField.ExternalId, "user_id"),
                new UserMappingRule(UserField.DeviceId, "device"),
                new UserMappingRule(UserField.Alias, "email", "email"),
                new UserMappingRule(UserField.Alias, "amp", "amplitude_id"),
                new UserMappingRule(UserField.ExternalId, "external_id"),
                new UserMappingRule(UserField.DeviceId, "device_id"),
            ],
            mapping.Rules);
        Assert.Equal("external_id:user_id,device_id:device,alias:email,alias:amp=amplitude_id,external_id,device_id", mapping.ToString());
        Assert.Equal(["user_id", "device", "email", "amp", "external_id", "device_id"], mapping.Columns);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("email", "not a user mapping entry")]
    [InlineData("alias", "not a user mapping entry")]
    [InlineData("alias:email=", "not a user mapping entry")]
    [InlineData("external_id:", "not a user mapping entry")]
    [InlineData("device_id,device_id", "appears twice")]
    [InlineData("user_id", "write external_id:user_id")]
    [InlineData("user_id:uid", "write external_id:uid")]
    [InlineData("alias:email=bad\u0007label", "alias label")]
    public void TryParse_InvalidSpecification_SaysWhy(string specification, string expected)
    {
        // Act
        var parsed = UserMapping.TryParse(specification, out var mapping, out var error);

        // Assert
        Assert.False(parsed);
        Assert.Null(mapping);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryResolve_EveryIdentifier_TakesTheExternalIdAndEachAliasLabelByPriorityAndEveryDeviceId()
    {
        // Arrange: two external id columns and two columns for the label "email", in priority order.
        var mapping = UserMapping.Parse("external_id:user_id,external_id:email,device_id:idfa,device_id:gaid,alias:email,alias:work_email=email,alias:amp=amplitude_id");
        var row = Row(("user_id", "u1"), ("email", "a@example.com"), ("idfa", "I-1"), ("gaid", "G-1"), ("work_email", "a@work.example"), ("amp", "123"));

        // Act
        var resolved = mapping.TryResolve(row, "column", out var entry, out var problem);

        // Assert
        Assert.True(resolved, problem);
        Assert.Equal("u1", entry!.ExternalId);
        Assert.Equal(["I-1", "G-1"], entry.DeviceIds);
        Assert.Equal([new UserAliasValue("a@example.com", "email"), new UserAliasValue("123", "amplitude_id")], entry.Aliases);
    }

    [Fact]
    public void TryResolve_PrimaryBlank_FallsBackToTheNextColumnOfTheSameKind()
    {
        // Arrange
        var mapping = UserMapping.Parse("external_id:user_id,external_id:email,alias:email,alias:work_email=email");
        var row = Row(("user_id", "  "), ("email", ""), ("work_email", "a@work.example"));

        // Act
        var resolved = mapping.TryResolve(row, "column", out var entry, out _);

        // Assert
        Assert.True(resolved);
        Assert.Null(entry!.ExternalId);
        Assert.Empty(entry.DeviceIds);
        Assert.Equal([new UserAliasValue("a@work.example", "email")], entry.Aliases);
    }

    [Fact]
    public void TryResolve_SameDeviceIdTwice_SendsItOnce()
    {
        // Arrange
        var mapping = UserMapping.Parse("device_id:idfa,device_id:device_ids");
        string[] Values(string column) => column == "idfa" ? ["D-1"] : ["D-2", "D-1", " "];

        // Act
        var resolved = mapping.TryResolve(Values, "field", out var entry, out _);

        // Assert
        Assert.True(resolved);
        Assert.Equal(["D-1", "D-2"], entry!.DeviceIds);
    }

    [Fact]
    public void TryResolve_NoValue_IsMalformedNamingTheColumns()
    {
        // Arrange
        var mapping = UserMapping.Parse("external_id:user_id,device_id,alias:email");

        // Act
        var resolved = mapping.TryResolve(Row(("user_id", ""), ("device_id", " "), ("email", "")), "column", out var entry, out var problem);

        // Assert
        Assert.False(resolved);
        Assert.Null(entry);
        Assert.Equal("no identifier: columns 'user_id', 'device_id', 'email' are all empty.", problem);
    }

    [Fact]
    public void TryResolve_ValueOver1024Characters_IsMalformedWithoutTheValue()
    {
        // Arrange: the long value is in a column of lower priority; it is still a broken line.
        var mapping = UserMapping.Parse("external_id,alias:email");
        var longValue = new string('x', 1025);

        // Act
        var resolved = mapping.TryResolve(Row(("external_id", "u1"), ("email", longValue)), "field", out _, out var problem);
        var atLimit = mapping.TryResolve(Row(("external_id", new string('y', 1024)), ("email", "")), "field", out var entry, out _);

        // Assert
        Assert.False(resolved);
        Assert.Equal("field 'email' is longer than 1,024 characters.", problem);
        Assert.True(atLimit);
        Assert.Equal(1024, entry!.ExternalId!.Length);
    }

    [Fact]
    public void AllowsManyValues_OnlyColumnsReadAsDeviceIdsAlone()
    {
        // Arrange
        var mapping = UserMapping.Parse("external_id,device_id:devices,device_id:email,alias:email");

        // Act & Assert
        Assert.True(mapping.AllowsManyValues("devices"));
        Assert.False(mapping.AllowsManyValues("email"));
        Assert.False(mapping.AllowsManyValues("external_id"));
    }

    private static Func<string, IReadOnlyList<string>> Row(params (string Column, string Value)[] values) =>
        column => values.Where(v => v.Column == column).Select(v => v.Value).ToArray();
}
