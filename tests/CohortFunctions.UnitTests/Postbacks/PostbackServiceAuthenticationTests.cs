using CohortFunctions.ImportKeys;
using CohortFunctions.Postbacks;
using CohortFunctions.Results;
using Moq;

namespace CohortFunctions.UnitTests.Postbacks;

/// <summary>
/// The 401s of both partner endpoints, word for word as Braze gives them, and their order: partner API key, then
/// client secret, then whether the key was issued for this partner, and all of them before any 400.
/// </summary>
public sealed class PostbackServiceAuthenticationTests : IDisposable
{
    private readonly PostbackServiceHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task ApplyChangesAsync_ValidCredentials_Succeeds()
    {
        // Arrange
        var body = PostbackBodies.Users().Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
    }

    [Fact]
    public async Task ApplyChangesAsync_SecondConfiguredApiKey_Succeeds()
    {
        // Arrange
        var body = PostbackBodies.Users()
            .WithCredentials(PostbackServiceHarness.SecondApiKey, PostbackServiceHarness.Secret)
            .Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
    }

    [Theory]
    [InlineData("not-a-configured-key")]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("AMPLITUDE-PARTNER-KEY-US")]
    [InlineData("amplitude-partner-key-us ")]
    [InlineData(PostbackServiceHarness.OtherPartnerApiKey)]
    public async Task ApplyChangesAsync_PartnerApiKeyNotOneOfThePartners_InvalidPartnerApiKey(string apiKey)
    {
        // Arrange
        var body = PostbackBodies.Users().With("partner_api_key", apiKey).Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertUnauthorized(PartnerMessages.InvalidPartnerApiKey, result.Failure);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("123")]
    [InlineData("true")]
    [InlineData("{}")]
    [InlineData("[\"amplitude-partner-key-us\"]")]
    [InlineData("{\"key\": \"amplitude-partner-key-us\"}")]
    public async Task ApplyChangesAsync_PartnerApiKeyNotAString_InvalidPartnerApiKey(string json)
    {
        // Arrange
        var body = PostbackBodies.Users().WithRaw("partner_api_key", json).Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertUnauthorized(PartnerMessages.InvalidPartnerApiKey, result.Failure);
    }

    [Fact]
    public async Task ApplyChangesAsync_PartnerApiKeyMissing_InvalidPartnerApiKey()
    {
        // Arrange
        var body = PostbackBodies.Users().Without("partner_api_key").Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertUnauthorized(PartnerMessages.InvalidPartnerApiKey, result.Failure);
    }

    [Theory]
    [InlineData("braze")]
    [InlineData("Amplitude")]
    [InlineData("")]
    [InlineData(null)]
    public async Task ApplyChangesAsync_PartnerNotConfigured_InvalidPartnerApiKey(string? partner)
    {
        // Arrange: the Amplitude key is valid, but not for a partner this installation does not know.
        var body = PostbackBodies.Users().Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(partner, body), CancellationToken.None);

        // Assert
        AssertUnauthorized(PartnerMessages.InvalidPartnerApiKey, result.Failure);
    }

    [Theory]
    [InlineData("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")]
    [InlineData("A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90")]
    [InlineData("")]
    public async Task ApplyChangesAsync_UnknownClientSecret_InvalidClientSecret(string secret)
    {
        // Arrange
        var body = PostbackBodies.Users().With("client_secret", secret).Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertUnauthorized(PartnerMessages.InvalidClientSecret, result.Failure);
    }

    [Fact]
    public async Task ApplyChangesAsync_OverlongClientSecret_InvalidClientSecretWithoutStoreRead()
    {
        // Arrange
        var body = PostbackBodies.Users().With("client_secret", new string('a', 257)).Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertUnauthorized(PartnerMessages.InvalidClientSecret, result.Failure);
        _harness.Keys.Verify(k => k.FindByHashAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("[\"a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90\"]")]
    public async Task ApplyChangesAsync_ClientSecretNotAString_InvalidClientSecret(string json)
    {
        // Arrange
        var body = PostbackBodies.Users().WithRaw("client_secret", json).Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertUnauthorized(PartnerMessages.InvalidClientSecret, result.Failure);
    }

    [Fact]
    public async Task ApplyChangesAsync_ClientSecretMissing_InvalidClientSecret()
    {
        // Arrange
        var body = PostbackBodies.Users().Without("client_secret").Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertUnauthorized(PartnerMessages.InvalidClientSecret, result.Failure);
    }

    [Fact]
    public async Task ApplyChangesAsync_InvalidatedClientSecret_InvalidClientSecret()
    {
        // Arrange
        var body = PostbackBodies.Users().With("client_secret", PostbackServiceHarness.InvalidatedSecret).Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertUnauthorized(PartnerMessages.InvalidClientSecret, result.Failure);
    }

    [Fact]
    public async Task ApplyChangesAsync_ClientSecretOfAnotherPartner_PartnerNotEnabledWithHintOnly()
    {
        // Arrange
        var body = PostbackBodies.Users().With("client_secret", PostbackServiceHarness.OtherPartnerSecret).Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertUnauthorized("Partner not enabled for client with client secret: f00d...", result.Failure);
        Assert.DoesNotContain(PostbackServiceHarness.OtherPartnerSecret, result.Failure!.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(PostbackServiceHarness.OtherPartnerSecret[..5], result.Failure.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ApplyChangesAsync_ClientSecretOfThisPartnerSentToTheOther_PartnerNotEnabled()
    {
        // Arrange: Segment's own partner key, but a key the customer generated for Amplitude.
        var body = PostbackBodies.Users()
            .WithCredentials(PostbackServiceHarness.OtherPartnerApiKey, PostbackServiceHarness.Secret)
            .Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.OtherPartner, body), CancellationToken.None);

        // Assert
        AssertUnauthorized(PartnerMessages.PartnerNotEnabledPrefix + "a1b2...", result.Failure);
        Assert.DoesNotContain(PostbackServiceHarness.Secret, result.Failure!.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ApplyChangesAsync_BadPartnerApiKeyAndUnknownSecret_InvalidPartnerApiKeyWithoutKeyLookup()
    {
        // Arrange
        var body = PostbackBodies.Users().WithCredentials("wrong", "also-wrong").Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertUnauthorized(PartnerMessages.InvalidPartnerApiKey, result.Failure);
        _harness.Keys.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ApplyChangesAsync_BadPartnerApiKeyAndOtherPartnersSecret_InvalidPartnerApiKey()
    {
        // Arrange
        var body = PostbackBodies.Users().WithCredentials("wrong", PostbackServiceHarness.OtherPartnerSecret).Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertUnauthorized(PartnerMessages.InvalidPartnerApiKey, result.Failure);
    }

    [Fact]
    public async Task ApplyChangesAsync_BadPartnerApiKeyAndInvalidBody_UnauthorizedBeforeValidation()
    {
        // Arrange
        var body = PostbackBodies.Users()
            .With("partner_api_key", "wrong")
            .WithRaw("cohort_id", "123")
            .WithRaw("cohort_changes", "\"not an array\"")
            .Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertUnauthorized(PartnerMessages.InvalidPartnerApiKey, result.Failure);
    }

    [Fact]
    public async Task ApplyChangesAsync_UnknownSecretAndInvalidBody_InvalidClientSecretBeforeValidation()
    {
        // Arrange
        var body = PostbackBodies.Users()
            .With("client_secret", "unknown")
            .Without("cohort_id")
            .Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertUnauthorized(PartnerMessages.InvalidClientSecret, result.Failure);
    }

    [Fact]
    public async Task ApplyChangesAsync_OtherPartnersSecretAndTooManyIds_PartnerNotEnabledBeforeValidation()
    {
        // Arrange
        var body = PostbackBodies.Users()
            .With("client_secret", PostbackServiceHarness.OtherPartnerSecret)
            .WithChange(c => c.UserIds([.. Enumerable.Range(0, 1001).Select(i => $"u{i}")]))
            .Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertUnauthorized(PartnerMessages.PartnerNotEnabled("f00d"), result.Failure);
    }

    [Fact]
    public async Task ApplyChangesAsync_Unauthorized_TouchesNoCohortData()
    {
        // Arrange
        var body = PostbackBodies.Users()
            .With("client_secret", PostbackServiceHarness.InvalidatedSecret)
            .WithChange(c => c.UserIds("u1"))
            .Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertUnauthorized(PartnerMessages.InvalidClientSecret, result.Failure);
        _harness.VerifyNoCohortWork();
    }

    [Fact]
    public async Task NameCohortAsync_BadPartnerApiKeyAndMissingName_InvalidPartnerApiKey()
    {
        // Arrange
        var body = PostbackBodies.Name().With("partner_api_key", "wrong").Without("name").Build();

        // Act
        var result = await _harness.Service.NameCohortAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertUnauthorized(PartnerMessages.InvalidPartnerApiKey, result.Failure);
        _harness.VerifyNoCohortWork();
    }

    [Fact]
    public async Task NameCohortAsync_InvalidatedSecretAndBadCreatedAt_InvalidClientSecret()
    {
        // Arrange
        var body = PostbackBodies.Name()
            .With("client_secret", PostbackServiceHarness.InvalidatedSecret)
            .With("created_at", "yesterday")
            .Build();

        // Act
        var result = await _harness.Service.NameCohortAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertUnauthorized(PartnerMessages.InvalidClientSecret, result.Failure);
    }

    [Fact]
    public async Task NameCohortAsync_ClientSecretOfAnotherPartner_PartnerNotEnabledWithHintOnly()
    {
        // Arrange
        var body = PostbackBodies.Name().With("client_secret", PostbackServiceHarness.OtherPartnerSecret).Build();

        // Act
        var result = await _harness.Service.NameCohortAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertUnauthorized("Partner not enabled for client with client secret: f00d...", result.Failure);
        Assert.DoesNotContain(PostbackServiceHarness.OtherPartnerSecret, result.Failure!.Message, StringComparison.OrdinalIgnoreCase);
        _harness.Cohorts.VerifyNoOtherCalls();
    }

    [Fact]
    public void PartnerNotEnabled_Hint_NeverMoreThanTheHint()
    {
        // Arrange
        var hint = ImportKeySecrets.Hint(PostbackServiceHarness.Secret);

        // Act
        var message = PartnerMessages.PartnerNotEnabled(hint);

        // Assert
        Assert.Equal(ImportKeySecrets.HintLength, hint.Length);
        Assert.Equal("Partner not enabled for client with client secret: a1b2...", message);
    }

    private static void AssertUnauthorized(string expectedMessage, Failure? failure)
    {
        Assert.NotNull(failure);
        Assert.Equal(FailureKind.Unauthorized, failure.Kind);
        Assert.Equal(expectedMessage, failure.Message);
    }
}
