using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.IntegrationTests.RealHost;

namespace CohortFunctions.IntegrationTests.HostContract;

/// <summary>
/// Routes answer the same on both hosts: a known path with a method no function takes is a JSON 405 with
/// <c>Allow</c>, an unknown path a JSON 404, the root the host's own 204, and paths match whatever their case or a
/// trailing slash. Under the real host this holds only because the route table is unambiguous (RouteTableTests).
/// </summary>
public abstract class RoutingContract(HostFixture fixture)
{
    private readonly IAppUnderTest _app = fixture.App;

    public static TheoryData<string, string, int, string?> UnmatchedRequests() => new()
    {
        { "GET", "nothing-here", 404, null },
        { "POST", "manage/workspaces/acme", 404, null },
        { "GET", "manage/workspaces/acme/partners/amplitude/keys/k1/extra", 404, null },
        { "PUT", "partners/amplitude", 404, null },
        { "DELETE", "health", 405, "GET" },
        { "GET", "partners/amplitude/cohorts", 405, "POST" },
        { "PUT", "partners/amplitude/cohorts/users", 405, "POST" },
        { "PUT", "manage/workspaces/acme/cohorts", 405, "GET" },
        { "POST", "manage/workspaces/acme/users/lookup", 405, "DELETE, GET" },
        { "GET", "manage/workspaces/acme/users/identify", 405, "DELETE, POST" },
        { "GET", "manage/workspaces/acme/users/0123456789abcdef0123", 405, "DELETE" },
        { "PATCH", "manage/workspaces/acme/segments/s1", 405, "DELETE, GET, PUT" },
        { "OPTIONS", "manage/workspaces/acme/partners/amplitude/keys", 405, "GET, POST" },
        { "DELETE", "manage/workspaces/acme/cohorts/amplitude/c1/members", 405, "GET" },
        { "GET", "manage/workspaces/acme/cohorts/amplitude/c1/resync", 405, "POST" },
        { "POST", "console", 405, "GET" },
        { "DELETE", "console/app.js", 405, "GET" },
        { "PUT", "manage/workspaces", 405, "GET" },
        { "GET", "manage/workspaces/acme/segment-size", 405, "POST" },
    };

    [Theory]
    [MemberData(nameof(UnmatchedRequests))]
    public async Task Request_NoFunctionTakesIt_AnswersTheAppsJson404Or405(string method, string path, int status, string? allow)
    {
        // Act
        using var response = await SendAsync(method, path, withFunctionKey: false);

        // Assert
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(status == 404 ? "Not found." : $"Method {method} is not allowed here.", await response.ReadErrorMessageAsync());
        Assert.Equal(allow, response.Content.Headers.Allow.Count == 0 ? null : string.Join(", ", response.Content.Headers.Allow));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Head_KnownPath_Answers405WithAllowAndNoBody()
    {
        // Act
        using var response = await SendAsync("HEAD", "health", withFunctionKey: false);

        // Assert
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET"], response.Content.Headers.Allow);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task Root_AnyMethod_AnswersTheHostsEmpty204(string method)
    {
        // Act: the host's home page, turned off as the app is deployed (AzureWebJobsDisableHomepage).
        using var response = await SendAsync(method, "", withFunctionKey: false);

        // Assert
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("health")]
    [InlineData("health/")]
    [InlineData("HEALTH")]
    [InlineData("Health/")]
    public async Task Health_AnyCaseOrTrailingSlash_IsServedByHealth(string path)
    {
        // Act
        using var response = await SendAsync("GET", path, withFunctionKey: false);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", (await response.ReadJsonAsync()).GetRequiredString("status"));
    }

    [Theory]
    [InlineData("partners/amplitude/cohorts")]
    [InlineData("partners/amplitude/cohorts/users")]
    [InlineData("PARTNERS/amplitude/COHORTS/users/")]
    public async Task PartnerEndpoint_PostWithoutPartnerKey_ReachesItsFunction(string path)
    {
        // Act: the first check of both partner functions answers Braze's message; neither 404 nor 405 would.
        using var response = await _app.CreateClient(withFunctionKey: false).PostAsync(new Uri(path, UriKind.Relative), TestJson.Body(new { cohort_id = "c1" }));

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Invalid Partner API key", await response.ReadErrorMessageAsync());
    }

    [Theory]
    [InlineData("console", "text/html")]
    [InlineData("console/", "text/html")]
    [InlineData("console/app.js", "text/javascript")]
    [InlineData("console/console.css", "text/css")]
    public async Task Console_PageAndFiles_ServedAnonymouslyWithTheirPolicy(string path, string mediaType)
    {
        // Act
        using var response = await SendAsync("GET", path, withFunctionKey: false);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", string.Join(";", response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.NotNull(response.Headers.ETag);
    }

    [Fact]
    public async Task OpenApi_Document_ServedAnonymously()
    {
        // Act
        using var response = await SendAsync("GET", "openapi.json", withFunctionKey: false);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("3.1.0", (await response.ReadJsonAsync()).GetRequiredString("openapi"));
    }

    [Fact]
    public async Task Console_UnknownFile_AppsJson404()
    {
        // Act
        using var response = await SendAsync("GET", "console/no-such-file.js", withFunctionKey: false);

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Not found.", await response.ReadErrorMessageAsync());
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string path, bool withFunctionKey)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        return await _app.CreateClient(withFunctionKey).SendAsync(request);
    }
}

public sealed class RoutingContractOnLocalHost(LocalHostFixture fixture) : RoutingContract(fixture), IClassFixture<LocalHostFixture>;

[Trait("Host", "Real")]
public sealed class RoutingContractOnRealHost(RealHostFixture fixture) : RoutingContract(fixture), IClassFixture<RealHostFixture>;
