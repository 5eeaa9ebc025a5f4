using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.ImportKeys;

/// <summary>The <c>rest_endpoint</c> an operator pastes into the partner's settings: the public base URL, or the request's own.</summary>
public sealed class RestEndpointTests
{
    [Theory]
    [InlineData("https://cohorts.example.com", "https://cohorts.example.com")]
    [InlineData("https://cohorts.example.com/", "https://cohorts.example.com")]
    [InlineData("https://example.com/cohorts/", "https://example.com/cohorts")]
    public async Task CreateKey_PublicBaseUrlSet_ReturnsItWithoutTrailingSlash(string publicBaseUrl, string expected)
    {
        // Arrange
        await using var app = await TestApp.StartAsync(o => o.Set("Api:PublicBaseUrl", publicBaseUrl));

        // Act
        var key = await app.Client.CreateKeyAsync(TestIds.Workspace(), "amplitude");

        // Assert
        Assert.Equal(expected, key.RestEndpoint);
    }

    [Fact]
    public async Task CreateKey_PublicBaseUrlEmptyAsInSampleSettings_ReturnsRequestBaseUrl()
    {
        // Arrange: local.settings.sample.json ships Api__PublicBaseUrl as "".
        await using var app = await TestApp.StartAsync(o => o.Set("Api:PublicBaseUrl", ""));

        // Act
        var key = await app.Client.CreateKeyAsync(TestIds.Workspace(), "amplitude");

        // Assert
        Assert.Equal(app.BaseAddress.ToString().TrimEnd('/'), key.RestEndpoint);
    }
}
