using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Health;

public sealed class HealthTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Health_StorageAnswers_Returns200Healthy()
    {
        // Act
        using var response = await fixture.App.Client.GetAsync(new Uri("health", UriKind.Relative));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        var body = await response.ReadJsonAsync();
        Assert.Equal(["status"], body.PropertyNames());
        Assert.Equal("healthy", body.GetRequiredString("status"));
    }
}

/// <summary>An app whose storage is a closed port on this machine: it must still start, and say so.</summary>
public sealed class UnreachableStorageAppFixture : AppFixture
{
    protected override void Configure(TestAppBuilder builder) => builder.UseUnreachableStorage();
}

/// <summary>Storage down: the app starts anyway, health says 503, and requests that need storage answer 503 with Retry-After.</summary>
public sealed class StorageUnavailableTests(UnreachableStorageAppFixture fixture) : IClassFixture<UnreachableStorageAppFixture>
{
    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task Health_StorageUnreachable_Returns503Unhealthy()
    {
        // Act
        using var response = await _app.Client.GetAsync(new Uri("health", UriKind.Relative));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(response.Headers.RetryAfter);
        var body = await response.ReadJsonAsync();
        Assert.Equal("unhealthy", body.GetRequiredString("status"));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task KeyRoutes_StorageUnreachable_Return503WithRetryAfter(string method)
    {
        // Arrange
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(ManageRoutes.Keys(TestIds.Workspace(), "amplitude"), UriKind.Relative));

        // Act
        using var response = await _app.Client.SendAsync(request);

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {response.Headers.RetryAfter}");
        var body = await response.ReadJsonAsync();
        Assert.Equal(["message", "request_id"], body.PropertyNames());
    }
}
