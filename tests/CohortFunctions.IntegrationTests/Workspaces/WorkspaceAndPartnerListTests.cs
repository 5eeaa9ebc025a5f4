using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Workspaces;

/// <summary><c>GET /manage/workspaces</c> and <c>GET /manage/partners</c>: what the console's sign-in and partner pages list.</summary>
public sealed class WorkspaceAndPartnerListTests
{
    [Fact]
    public async Task ListWorkspaces_KeysInSomeWorkspaces_ListsExactlyThoseSortedOnce()
    {
        // Arrange: an app with its own tables; keys for two workspaces (one invalidated, one with two partners),
        // and a third workspace that has users but no key.
        await using var app = await TestApp.StartAsync();
        var first = await app.Client.CreateKeyAsync("zeta-ws", "amplitude");
        await app.Client.CreateKeyAsync("zeta-ws", "mixpanel");
        await app.Client.InvalidateKeyAsync("zeta-ws", "amplitude", first.KeyId);
        await app.Client.CreateKeyAsync("alpha-ws", "amplitude");
        using var users = await app.Client.PostAsync(new Uri("manage/workspaces/users-only/users", UriKind.Relative), TestJson.Body(new { users = new[] { new { external_id = "u1" } } }));
        await ManagementApi.ExpectStatusAsync(users, HttpStatusCode.OK);

        // Act
        using var response = await app.Client.GetAsync(new Uri("manage/workspaces", UriKind.Relative));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        var body = await response.ReadJsonAsync();
        Assert.Equal(["workspaces"], body.PropertyNames());
        Assert.Equal(["alpha-ws", "zeta-ws"], body.GetProperty("workspaces").EnumerateArray().Select(w => w.GetRequiredString("workspace")));
    }

    [Fact]
    public async Task ListWorkspaces_NoKeyAnywhere_ReturnsEmptyList()
    {
        // Arrange
        await using var app = await TestApp.StartAsync();

        // Act
        using var response = await app.Client.GetAsync(new Uri("manage/workspaces", UriKind.Relative));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("""{"workspaces":[]}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ListPartners_ConfiguredPartners_DisplayNamesFilterNamesAndTheRestEndpoint()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(o => o.Set("Api:PublicBaseUrl", "https://cohorts.example.com/"));

        // Act
        using var response = await app.Client.GetAsync(new Uri("manage/partners", UriKind.Relative));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        var body = await response.ReadJsonAsync();
        Assert.Equal("https://cohorts.example.com", body.GetRequiredString("rest_endpoint"));
        Assert.Equal(
            ["amplitude|Amplitude|Amplitude Cohorts", "mixpanel|Mixpanel|Mixpanel Cohorts"],
            body.GetProperty("partners").EnumerateArray().Select(p => $"{p.GetRequiredString("partner")}|{p.GetRequiredString("display_name")}|{p.GetRequiredString("filter_name")}"));
        Assert.DoesNotContain(app.PartnerApiKey("amplitude"), body.GetRawText(), StringComparison.Ordinal);
    }
}
