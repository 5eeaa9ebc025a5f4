using CohortFunctions.Cohorts;
using CohortFunctions.Postbacks;
using CohortFunctions.Results;
using Moq;

namespace CohortFunctions.UnitTests.Postbacks;

/// <summary><c>POST /partners/{partner}/cohorts</c> through the service: validated after credentials, then one upsert.</summary>
public sealed class PostbackServiceNameCohortTests : IDisposable
{
    private readonly PostbackServiceHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task NameCohortAsync_ValidBody_UpsertsNameUnderPartnerAndCohortId()
    {
        // Arrange
        var body = PostbackBodies.Name().With("cohort_id", "abc123").With("name", "Power users").Build();
        var expected = new CohortRef(PostbackServiceHarness.Partner, "abc123");

        // Act
        var result = await _harness.Service.NameCohortAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        Assert.Equal(expected, result.Value);
        _harness.Cohorts.Verify(
            c => c.UpsertNameAsync(
                PostbackServiceHarness.Workspace,
                expected,
                "Power users",
                new DateTimeOffset(2021, 1, 21, 14, 20, 30, TimeSpan.Zero),
                It.IsAny<CancellationToken>()),
            Times.Once);
        _harness.VerifyNoCohortWork();
    }

    [Theory]
    [InlineData("name", "", PartnerMessages.InvalidName)]
    [InlineData("created_at", "21/01/2021", PartnerMessages.InvalidCreatedAt)]
    [InlineData("cohort_id", "", PartnerMessages.InvalidCohortId)]
    public async Task NameCohortAsync_InvalidField_InvalidAndNothingStored(string field, string value, string expectedMessage)
    {
        // Arrange
        var body = PostbackBodies.Name().With(field, value).Build();

        // Act
        var result = await _harness.Service.NameCohortAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        Assert.Equal(expectedMessage, result.Failure?.Message);
        _harness.VerifyNoCohortWork();
    }
}
