using System.Text.Json;
using CohortFunctions.Postbacks;
using CohortFunctions.Results;

namespace CohortFunctions.UnitTests.Postbacks;

/// <summary>
/// Bodies that are valid JSON to <see cref="JsonDocument.Parse(string, JsonDocumentOptions)"/> (what the HTTP layer
/// accepts) but hold strings that are not well-formed text: an expected 400/401, never an exception (500).
/// </summary>
public sealed class PostbackMalformedTextTests : IDisposable
{
    private readonly PostbackServiceHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task ApplyChangesAsync_PartnerApiKeyWithLoneSurrogateEscape_InvalidPartnerApiKey()
    {
        // Arrange
        var body = Parse("{\"partner_api_key\": \"\\ud800\", \"client_secret\": \"x\", \"cohort_id\": \"c\", \"cohort_changes\": []}");

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Unauthorized, result.Failure?.Kind);
        Assert.Equal(PartnerMessages.InvalidPartnerApiKey, result.Failure?.Message);
    }

    [Fact]
    public async Task ApplyChangesAsync_CohortIdWithLoneSurrogateEscape_InvalidCohortId()
    {
        // Arrange
        var body = Parse(Credentials + "\"cohort_id\": \"\\ud800\", \"cohort_changes\": []}");

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        Assert.Equal(PartnerMessages.InvalidCohortId, result.Failure?.Message);
    }

    [Fact]
    public async Task ApplyChangesAsync_UserIdWithLoneSurrogateEscape_InvalidCohortChanges()
    {
        // Arrange: a string .NET cannot decode is not a string of the array: the change is malformed (400), not a 500.
        var body = Parse(Credentials + "\"cohort_id\": \"c\", \"cohort_changes\": [{\"user_ids\": [\"\\udc00x\"]}]}");

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        Assert.Equal(Failure.Invalid(PartnerMessages.InvalidCohortChanges), result.Failure);
        _harness.VerifyNoCohortWork();
    }

    [Fact]
    public async Task NameCohortAsync_NameWithLoneSurrogateEscape_InvalidName()
    {
        // Arrange: a name .NET cannot decode is not a string: an invalid name (400), not a 500.
        var body = Parse(Credentials + "\"cohort_id\": \"c\", \"name\": \"\\ud800\", \"created_at\": \"2021-01-21\"}");

        // Act
        var result = await _harness.Service.NameCohortAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        Assert.Equal(Failure.Invalid(PartnerMessages.InvalidName), result.Failure);
        _harness.VerifyNoCohortWork();
    }

    [Theory]
    [InlineData("2021-01-21\n")]
    [InlineData("2021-01-21T19:20:30Z\n")]
    public void Parse_CreatedAtWithTrailingNewline_InvalidCreatedAt(string createdAt)
    {
        // Arrange: the ISO-8601 pattern ends in '$', which .NET also matches before a final "\n".
        var body = PostbackBodies.Name().With("created_at", createdAt).Build();

        // Act
        var result = CohortNameRequest.Parse(body);

        // Assert
        Assert.Equal(PartnerMessages.InvalidCreatedAt, result.Failure?.Message);
    }

    private static string Credentials =>
        $"{{\"partner_api_key\": \"{PostbackServiceHarness.ApiKey}\", \"client_secret\": \"{PostbackServiceHarness.Secret}\", ";

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
