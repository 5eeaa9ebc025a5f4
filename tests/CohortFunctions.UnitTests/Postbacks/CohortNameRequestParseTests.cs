using CohortFunctions.Postbacks;
using CohortFunctions.Results;

namespace CohortFunctions.UnitTests.Postbacks;

/// <summary>
/// The 400s of <c>POST /partners/{partner}/cohorts</c>, in Braze's order (<c>cohort_id</c>, <c>name</c>,
/// <c>created_at</c>), and which ISO-8601 forms <c>created_at</c> accepts.
/// </summary>
public sealed class CohortNameRequestParseTests
{
    public static TheoryData<string, DateTimeOffset> ValidCreatedAt => new()
    {
        { "2021-01-21T19:20:30+05:00", new DateTimeOffset(2021, 1, 21, 14, 20, 30, TimeSpan.Zero) },
        { "2021-01-21T19:20:30.123Z", new DateTimeOffset(2021, 1, 21, 19, 20, 30, 123, TimeSpan.Zero) },
        { "2021-01-21", new DateTimeOffset(2021, 1, 21, 0, 0, 0, TimeSpan.Zero) },
        { "2021-01-21T19:20:30Z", new DateTimeOffset(2021, 1, 21, 19, 20, 30, TimeSpan.Zero) },
        { "2021-01-21T19:20:30-08:00", new DateTimeOffset(2021, 1, 22, 3, 20, 30, TimeSpan.Zero) },
        { "2021-01-21T19:20:30", new DateTimeOffset(2021, 1, 21, 19, 20, 30, TimeSpan.Zero) },
    };

    [Fact]
    public void Parse_ValidBody_AllFields()
    {
        // Arrange
        var body = PostbackBodies.Name().Build();

        // Act
        var result = CohortNameRequest.Parse(body);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        Assert.Equal(PostbackBodies.DefaultCohortId, result.Value!.CohortId);
        Assert.Equal(PostbackBodies.DefaultName, result.Value.Name);
        Assert.Equal(new DateTimeOffset(2021, 1, 21, 19, 20, 30, TimeSpan.FromHours(5)), result.Value.CreatedAt);
    }

    [Theory]
    [MemberData(nameof(ValidCreatedAt))]
    public void Parse_Iso8601CreatedAt_AcceptedAsThatInstant(string createdAt, DateTimeOffset expected)
    {
        // Arrange
        var body = PostbackBodies.Name().With("created_at", createdAt).Build();

        // Act
        var result = CohortNameRequest.Parse(body);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        Assert.Equal(expected, result.Value!.CreatedAt);
        Assert.Equal(TimeSpan.Zero, result.Value.CreatedAt.Offset);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("21/01/2021")]
    [InlineData("01/21/2021")]
    [InlineData("1611256830")]
    [InlineData("2021-13-01")]
    [InlineData("2021-02-30")]
    [InlineData("2021-01-21T25:00:00Z")]
    [InlineData("2021-1-21")]
    [InlineData("Thu, 21 Jan 2021 19:20:30 GMT")]
    [InlineData("2021-01-21T19:20:30+05:00 trailing")]
    [InlineData(" 2021-01-21")]
    [InlineData("")]
    public void Parse_CreatedAtNotIso8601_InvalidCreatedAt(string createdAt)
    {
        // Arrange
        var body = PostbackBodies.Name().With("created_at", createdAt).Build();

        // Act
        var result = CohortNameRequest.Parse(body);

        // Assert
        AssertInvalid(PartnerMessages.InvalidCreatedAt, result.Failure);
    }

    [Theory]
    [InlineData("1611256830")]
    [InlineData("1611256830.5")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("{\"date\": \"2021-01-21\"}")]
    [InlineData("[\"2021-01-21\"]")]
    public void Parse_CreatedAtNotAString_InvalidCreatedAt(string createdAtJson)
    {
        // Arrange
        var body = PostbackBodies.Name().WithRaw("created_at", createdAtJson).Build();

        // Act
        var result = CohortNameRequest.Parse(body);

        // Assert
        AssertInvalid(PartnerMessages.InvalidCreatedAt, result.Failure);
    }

    [Fact]
    public void Parse_CreatedAtMissing_InvalidCreatedAt()
    {
        // Arrange
        var body = PostbackBodies.Name().Without("created_at").Build();

        // Act
        var result = CohortNameRequest.Parse(body);

        // Assert
        AssertInvalid(PartnerMessages.InvalidCreatedAt, result.Failure);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("[\"Power users\"]")]
    public void Parse_NameNotANonEmptyString_InvalidName(string nameJson)
    {
        // Arrange
        var body = PostbackBodies.Name().WithRaw("name", nameJson).Build();

        // Act
        var result = CohortNameRequest.Parse(body);

        // Assert
        AssertInvalid(PartnerMessages.InvalidName, result.Failure);
    }

    [Fact]
    public void Parse_NameMissing_InvalidName()
    {
        // Arrange
        var body = PostbackBodies.Name().Without("name").Build();

        // Act
        var result = CohortNameRequest.Parse(body);

        // Assert
        AssertInvalid(PartnerMessages.InvalidName, result.Failure);
    }

    [Fact]
    public void Parse_NameLongerThanMax_InvalidName()
    {
        // Arrange
        var body = PostbackBodies.Name().With("name", new string('n', CohortNameRequest.MaxNameLength + 1)).Build();

        // Act
        var result = CohortNameRequest.Parse(body);

        // Assert
        AssertInvalid(PartnerMessages.InvalidName, result.Failure);
    }

    [Fact]
    public void Parse_NameOfMaxLength_Accepted()
    {
        // Arrange
        var name = new string('n', CohortNameRequest.MaxNameLength);
        var body = PostbackBodies.Name().With("name", name).Build();

        // Act
        var result = CohortNameRequest.Parse(body);

        // Assert
        Assert.Equal(name, result.Value?.Name);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("7")]
    [InlineData("\"a\\u0000b\"")]
    public void Parse_BadCohortIdAndBadNameAndBadCreatedAt_InvalidCohortIdFirst(string cohortIdJson)
    {
        // Arrange
        var body = PostbackBodies.Name()
            .WithRaw("cohort_id", cohortIdJson)
            .With("name", "")
            .With("created_at", "yesterday")
            .Build();

        // Act
        var result = CohortNameRequest.Parse(body);

        // Assert
        AssertInvalid(PartnerMessages.InvalidCohortId, result.Failure);
    }

    [Fact]
    public void Parse_BadNameAndBadCreatedAt_InvalidNameFirst()
    {
        // Arrange
        var body = PostbackBodies.Name().Without("name").With("created_at", "yesterday").Build();

        // Act
        var result = CohortNameRequest.Parse(body);

        // Assert
        AssertInvalid(PartnerMessages.InvalidName, result.Failure);
    }

    [Fact]
    public void Parse_UnknownFields_Ignored()
    {
        // Arrange
        var body = PostbackBodies.Name().WithRaw("description", "{\"a\": 1}").WithRaw("size", "12").Build();

        // Act
        var result = CohortNameRequest.Parse(body);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
    }

    private static void AssertInvalid(string expectedMessage, Failure? failure)
    {
        Assert.NotNull(failure);
        Assert.Equal(FailureKind.Invalid, failure.Kind);
        Assert.Equal(expectedMessage, failure.Message);
    }
}
