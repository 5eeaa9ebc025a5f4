using CohortFunctions.Identifiers;
using CohortFunctions.Postbacks;
using CohortFunctions.Results;

namespace CohortFunctions.UnitTests.Postbacks;

/// <summary>What a valid <c>cohort_changes</c> body parses to: tolerant where Braze is (extra fields, nulls).</summary>
public sealed class CohortChangesRequestParseTests
{
    [Fact]
    public void Parse_AllThreeKinds_KeepsIdsInOrderPerChange()
    {
        // Arrange
        var body = PostbackBodies.Users()
            .WithChange(c => c.UserIds("u1", "u2").DeviceIds("d1").Alias("n1", "l1"))
            .WithChange(c => c.DeviceIds("d2").ShouldRemove())
            .Build();

        // Act
        var result = CohortChangesRequest.Parse(body);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        var request = result.Value!;
        Assert.Equal(PostbackBodies.DefaultCohortId, request.CohortId);
        Assert.Equal(2, request.Changes.Count);
        Assert.Equal(["u1", "u2"], request.Changes[0].UserIds);
        Assert.Equal(["d1"], request.Changes[0].DeviceIds);
        Assert.Equal([new UserAlias("n1", "l1")], request.Changes[0].Aliases);
        Assert.False(request.Changes[0].ShouldRemove);
        Assert.Empty(request.Changes[1].UserIds);
        Assert.Equal(["d2"], request.Changes[1].DeviceIds);
        Assert.True(request.Changes[1].ShouldRemove);
        Assert.Equal(5, request.IdCount);
    }

    [Fact]
    public void Identifiers_OneChange_ExternalThenDeviceThenAlias()
    {
        // Arrange
        var change = new CohortChange(["u1"], ["d1"], [new UserAlias("n1", "l1")], ShouldRemove: false);

        // Act
        var identifiers = change.Identifiers().ToList();

        // Assert
        Assert.Equal(
            [Identifier.External("u1"), Identifier.Device("d1"), new Identifier(IdentifierKind.Alias, "n1", "l1")],
            identifiers);
    }

    [Fact]
    public void Parse_UnknownFieldsEverywhere_Ignored()
    {
        // Arrange
        var body = PostbackBodies.Users()
            .WithRaw("extra", "{\"nested\": [1, 2]}")
            .WithRaw("cohort_name", "42")
            .WithRaw(
                "cohort_changes",
                "[{\"user_ids\": [\"u1\"], \"note\": \"x\", \"aliases\": [{\"alias_name\": \"n\", \"alias_label\": \"l\", \"extra\": 1}]}]")
            .Build();

        // Act
        var result = CohortChangesRequest.Parse(body);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        Assert.Equal(["u1"], result.Value!.Changes[0].UserIds);
        Assert.Equal([new UserAlias("n", "l")], result.Value.Changes[0].Aliases);
    }

    [Fact]
    public void Parse_NullArraysNextToARealOne_TreatedAsAbsent()
    {
        // Arrange
        var body = PostbackBodies.Users()
            .WithRaw("cohort_changes", "[{\"user_ids\": null, \"device_ids\": [\"d1\"], \"aliases\": null}]")
            .Build();

        // Act
        var result = CohortChangesRequest.Parse(body);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        var change = Assert.Single(result.Value!.Changes);
        Assert.Empty(change.UserIds);
        Assert.Equal(["d1"], change.DeviceIds);
        Assert.Empty(change.Aliases);
    }

    [Theory]
    [InlineData("null", false)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public void Parse_ShouldRemove_NullMeansAdd(string shouldRemoveJson, bool expected)
    {
        // Arrange
        var body = PostbackBodies.Users()
            .WithChange(c => c.UserIds("u1").Raw("should_remove", shouldRemoveJson))
            .Build();

        // Act
        var result = CohortChangesRequest.Parse(body);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        Assert.Equal(expected, Assert.Single(result.Value!.Changes).ShouldRemove);
    }

    [Fact]
    public void Parse_ShouldRemoveMissing_Add()
    {
        // Arrange
        var body = PostbackBodies.Users().WithChange(c => c.UserIds("u1")).Build();

        // Act
        var result = CohortChangesRequest.Parse(body);

        // Assert
        Assert.False(Assert.Single(result.Value!.Changes).ShouldRemove);
    }

    [Fact]
    public void Parse_ChangeWithOnlyAliases_Accepted()
    {
        // Arrange
        var body = PostbackBodies.Users().WithChange(c => c.Alias("amp-123", "amplitude_id").ShouldRemove()).Build();

        // Act
        var result = CohortChangesRequest.Parse(body);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        var change = Assert.Single(result.Value!.Changes);
        Assert.Equal([new UserAlias("amp-123", "amplitude_id")], change.Aliases);
        Assert.True(change.ShouldRemove);
    }

    [Fact]
    public void Parse_ChangeWithOnlyDeviceIds_Accepted()
    {
        // Arrange
        var body = PostbackBodies.Users().WithChange(c => c.DeviceIds("d1")).Build();

        // Act
        var result = CohortChangesRequest.Parse(body);

        // Assert
        Assert.Equal(["d1"], Assert.Single(result.Value!.Changes).DeviceIds);
    }

    [Fact]
    public void Parse_IdsWithControlCharacters_AcceptedForMatchingToIgnore()
    {
        // Arrange: well-formed strings that no user can have are a matching question (unmatched), not a 400.
        var body = PostbackBodies.Users().WithChange(c => c.UserIds("a\u0001b", new string('x', 1024))).Build();

        // Act
        var result = CohortChangesRequest.Parse(body);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        Assert.Equal(2, result.Value!.IdCount);
    }

    [Theory]
    [InlineData("user_ids")]
    [InlineData("device_ids")]
    [InlineData("alias_name")]
    [InlineData("alias_label")]
    public void Parse_IdOver1024Characters_InvalidCohortChanges(string field)
    {
        // Arrange: the id length limit is a limit of the request, answered with the malformed-change message.
        var tooLong = new string('x', 1025);
        var body = field switch
        {
            "user_ids" => PostbackBodies.Users().WithChange(c => c.UserIds(tooLong)).Build(),
            "device_ids" => PostbackBodies.Users().WithChange(c => c.DeviceIds(tooLong)).Build(),
            "alias_name" => PostbackBodies.Users().WithChange(c => c.Alias(tooLong, "email")).Build(),
            _ => PostbackBodies.Users().WithChange(c => c.Alias("name", tooLong)).Build(),
        };

        // Act
        var result = CohortChangesRequest.Parse(body);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        Assert.Equal(PartnerMessages.InvalidCohortChanges, result.Failure?.Message);
    }

    [Fact]
    public void Parse_Exactly1000Ids_Accepted()
    {
        // Arrange
        var body = PostbackBodies.Users()
            .WithChange(c => c.UserIds(Ids("u", 999)))
            .WithChange(c => c.Alias("n", "l").ShouldRemove())
            .Build();

        // Act
        var result = CohortChangesRequest.Parse(body);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        Assert.Equal(PartnerMessages.MaxIdsPerRequest, result.Value!.IdCount);
    }

    [Fact]
    public void Parse_1001IdsOverAliasesAndDevices_TooManyIds()
    {
        // Arrange
        var body = PostbackBodies.Users()
            .WithChange(c => c.DeviceIds(Ids("d", 1000)))
            .WithChange(c => c.Alias("n", "l"))
            .Build();

        // Act
        var result = CohortChangesRequest.Parse(body);

        // Assert
        Assert.Equal(PartnerMessages.TooManyIds, result.Failure?.Message);
    }

    [Fact]
    public void Parse_RepeatedIdsCountEachTime_TooManyIds()
    {
        // Arrange: the limit counts identifiers as sent, repeats included.
        var body = PostbackBodies.Users()
            .WithChange(c => c.UserIds([.. Enumerable.Repeat("same", 1001)]))
            .Build();

        // Act
        var result = CohortChangesRequest.Parse(body);

        // Assert
        Assert.Equal(PartnerMessages.TooManyIds, result.Failure?.Message);
    }

    [Fact]
    public void Parse_ManyEmptyChanges_AcceptedWithZeroIds()
    {
        // Arrange
        var body = PostbackBodies.Users()
            .WithRaw("cohort_changes", "[{\"user_ids\": []}, {\"device_ids\": [], \"should_remove\": true}, {\"aliases\": []}]")
            .Build();

        // Act
        var result = CohortChangesRequest.Parse(body);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        Assert.Equal(3, result.Value!.Changes.Count);
        Assert.Equal(0, result.Value.IdCount);
    }

    private static string[] Ids(string prefix, int count) => [.. Enumerable.Range(0, count).Select(i => $"{prefix}{i}")];
}
