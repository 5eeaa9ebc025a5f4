using System.Net;
using System.Text.Json;
using CohortFunctions.ImportKeys;
using CohortFunctions.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CohortFunctions.IntegrationTests.ImportKeys;

/// <summary>The operator's data import key API over HTTP, on real storage.</summary>
public sealed class ImportKeyApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task CreateKey_ConfiguredPartner_Returns201WithSecretOnce()
    {
        // Arrange
        var workspace = TestIds.Workspace();

        // Act
        using var response = await _app.Client.PostAsync(new Uri(ManageRoutes.Keys(workspace, "amplitude"), UriKind.Relative), content: null);

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.Created);
        var body = await response.ReadJsonAsync();
        Assert.Equal(["created_at", "data_import_key", "key_id", "partner", "rest_endpoint", "workspace"], body.PropertyNames());
        Assert.Matches("^[0-9a-f]{64}$", body.GetRequiredString("data_import_key"));
        Assert.False(string.IsNullOrEmpty(body.GetRequiredString("key_id")));
        Assert.Equal("amplitude", body.GetRequiredString("partner"));
        Assert.Equal(workspace, body.GetRequiredString("workspace"));
        Assert.Equal(_app.BaseAddress.ToString().TrimEnd('/'), body.GetRequiredString("rest_endpoint"));
        Assert.InRange(body.GetProperty("created_at").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("{\"note\": \"for the growth team\"}")]
    public async Task CreateKey_EmptyOrObjectBody_Returns201(string body)
    {
        // Arrange
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        // Act
        using var response = await _app.Client.PostAsync(new Uri(ManageRoutes.Keys(TestIds.Workspace(), "amplitude"), UriKind.Relative), content);

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.Created);
    }

    [Fact]
    public async Task ListKeys_AfterCreate_ShowsHintButNeverSecret()
    {
        // Arrange
        var workspace = TestIds.Workspace();
        var created = await _app.Client.CreateKeyAsync(workspace, "amplitude");

        // Act
        using var response = await _app.Client.GetAsync(new Uri(ManageRoutes.Keys(workspace, "amplitude"), UriKind.Relative));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(created.Secret, text, StringComparison.Ordinal);
        var body = await response.ReadJsonAsync();
        Assert.Equal(["keys"], body.PropertyNames());
        var key = Assert.Single(body.GetProperty("keys").EnumerateArray());
        Assert.Equal(["created_at", "invalidated_at", "key_hint", "key_id", "last_used_at"], key.PropertyNames());
        Assert.Equal(created.KeyId, key.GetRequiredString("key_id"));
        Assert.Equal(created.Secret[..4], key.GetRequiredString("key_hint"));
        Assert.Equal(created.CreatedAt, key.GetProperty("created_at").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, key.GetProperty("invalidated_at").ValueKind);
        Assert.Equal(JsonValueKind.Null, key.GetProperty("last_used_at").ValueKind);
    }

    [Fact]
    public async Task ListKeys_NoKeys_ReturnsEmptyList()
    {
        // Act
        var keys = await _app.Client.ListKeysAsync(TestIds.Workspace(), "amplitude");

        // Assert
        Assert.Empty(keys);
    }

    [Fact]
    public async Task ListKeys_KeysOfOtherPartnerAndWorkspace_AreNotListed()
    {
        // Arrange
        var workspace = TestIds.Workspace();
        var mine = await _app.Client.CreateKeyAsync(workspace, "amplitude");
        await _app.Client.CreateKeyAsync(workspace, "mixpanel");
        await _app.Client.CreateKeyAsync(TestIds.Workspace(), "amplitude");

        // Act
        var keys = await _app.Client.ListKeysAsync(workspace, "amplitude");

        // Assert
        Assert.Equal([mine.KeyId], keys.Select(k => k.KeyId));
    }

    [Fact]
    public async Task CreateKey_Twice_BothKeysValidAtOnce()
    {
        // Arrange
        var workspace = TestIds.Workspace();
        var resolver = _app.GetRequiredService<ImportKeyResolver>();

        // Act
        var first = await _app.Client.CreateKeyAsync(workspace, "amplitude");
        var second = await _app.Client.CreateKeyAsync(workspace, "amplitude");

        // Assert
        Assert.NotEqual(first.Secret, second.Secret);
        Assert.NotEqual(first.KeyId, second.KeyId);
        Assert.Equal(ImportKeyStatus.Valid, (await resolver.ResolveAsync(first.Secret, "amplitude", CancellationToken.None)).Status);
        Assert.Equal(ImportKeyStatus.Valid, (await resolver.ResolveAsync(second.Secret, "amplitude", CancellationToken.None)).Status);
        var listed = await _app.Client.ListKeysAsync(workspace, "amplitude");
        Assert.Equal(new[] { first.KeyId, second.KeyId }.Order(), listed.Select(k => k.KeyId).Order());
    }

    [Fact]
    public async Task InvalidateKey_ValidKey_Returns204AndListShowsInvalidatedAt()
    {
        // Arrange
        var workspace = TestIds.Workspace();
        var created = await _app.Client.CreateKeyAsync(workspace, "amplitude");
        var other = await _app.Client.CreateKeyAsync(workspace, "amplitude");

        // Act
        using var response = await _app.Client.DeleteAsync(new Uri(ManageRoutes.Key(workspace, "amplitude", created.KeyId), UriKind.Relative));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.NoContent);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        var listed = await _app.Client.ListKeysAsync(workspace, "amplitude");
        var invalidated = Assert.Single(listed, k => k.KeyId == created.KeyId);
        Assert.NotNull(invalidated.InvalidatedAt);
        Assert.True(invalidated.InvalidatedAt >= created.CreatedAt);
        Assert.Null(Assert.Single(listed, k => k.KeyId == other.KeyId).InvalidatedAt);
        var resolver = _app.GetRequiredService<ImportKeyResolver>();
        Assert.Equal(ImportKeyStatus.Invalidated, (await resolver.ResolveAsync(created.Secret, "amplitude", CancellationToken.None)).Status);
        Assert.Equal(ImportKeyStatus.Valid, (await resolver.ResolveAsync(other.Secret, "amplitude", CancellationToken.None)).Status);
    }

    [Fact]
    public async Task InvalidateKey_Twice_Returns204AndKeepsFirstInvalidationTime()
    {
        // Arrange
        var workspace = TestIds.Workspace();
        var created = await _app.Client.CreateKeyAsync(workspace, "amplitude");
        await _app.Client.InvalidateKeyAsync(workspace, "amplitude", created.KeyId);
        var firstTime = (await _app.Client.ListKeysAsync(workspace, "amplitude")).Single().InvalidatedAt;

        // Act
        using var response = await _app.Client.DeleteAsync(new Uri(ManageRoutes.Key(workspace, "amplitude", created.KeyId), UriKind.Relative));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.NoContent);
        Assert.NotNull(firstTime);
        Assert.Equal(firstTime, (await _app.Client.ListKeysAsync(workspace, "amplitude")).Single().InvalidatedAt);
    }

    [Theory]
    [InlineData("0123456789abcdef")]
    [InlineData("not-a-key-id")]
    public async Task InvalidateKey_UnknownKey_Returns404WithMessage(string keyId)
    {
        // Arrange
        var workspace = TestIds.Workspace();
        await _app.Client.CreateKeyAsync(workspace, "amplitude");

        // Act
        using var response = await _app.Client.DeleteAsync(new Uri(ManageRoutes.Key(workspace, "amplitude", keyId), UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await response.ReadErrorMessageAsync();
    }

    [Fact]
    public async Task InvalidateKey_KeyOfOtherWorkspace_Returns404AndKeyStaysValid()
    {
        // Arrange
        var owner = TestIds.Workspace();
        var created = await _app.Client.CreateKeyAsync(owner, "amplitude");

        // Act
        using var response = await _app.Client.DeleteAsync(new Uri(ManageRoutes.Key(TestIds.Workspace(), "amplitude", created.KeyId), UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await response.ReadErrorMessageAsync();
        Assert.Null((await _app.Client.ListKeysAsync(owner, "amplitude")).Single().InvalidatedAt);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("GET")]
    [InlineData("DELETE")]
    public async Task AnyKeyRoute_UnknownPartner_Returns404WithMessage(string method)
    {
        // Arrange
        var workspace = TestIds.Workspace();
        var path = method == "DELETE" ? ManageRoutes.Key(workspace, "nosuchpartner", "0123456789abcdef") : ManageRoutes.Keys(workspace, "nosuchpartner");
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));

        // Act
        using var response = await _app.Client.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("nosuchpartner", await response.ReadErrorMessageAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "Acme")]
    [InlineData("POST", "acme_corp")]
    [InlineData("POST", "-acme")]
    [InlineData("POST", "acme%0A")]
    [InlineData("POST", "acme%20corp")]
    [InlineData("GET", "Acme")]
    [InlineData("DELETE", "Acme")]
    public async Task AnyKeyRoute_BadWorkspaceId_Returns400WithMessage(string method, string workspace)
    {
        // Arrange
        var path = method == "DELETE" ? ManageRoutes.Key(workspace, "amplitude", "0123456789abcdef") : ManageRoutes.Keys(workspace, "amplitude");
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));

        // Act
        using var response = await _app.Client.SendAsync(request);

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("workspace", await response.ReadErrorMessageAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ResolveAsync_KeyUsed_ListingShowsLastUsedAt()
    {
        // Arrange
        var workspace = TestIds.Workspace();
        var created = await _app.Client.CreateKeyAsync(workspace, "amplitude");
        var resolver = _app.GetRequiredService<ImportKeyResolver>();

        // Act
        var resolution = await resolver.ResolveAsync(created.Secret, "amplitude", CancellationToken.None);

        // Assert
        Assert.Equal(ImportKeyStatus.Valid, resolution.Status);
        Assert.Equal(workspace, resolution.Workspace.Value);
        var listed = (await _app.Client.ListKeysAsync(workspace, "amplitude")).Single();
        Assert.NotNull(listed.LastUsedAt);
        Assert.True(listed.LastUsedAt >= created.CreatedAt);
    }

    [Fact]
    public async Task ResolveAsync_KeyOfOtherPartner_ReturnsOtherPartner()
    {
        // Arrange
        var created = await _app.Client.CreateKeyAsync(TestIds.Workspace(), "amplitude");
        var resolver = _app.GetRequiredService<ImportKeyResolver>();

        // Act
        var resolution = await resolver.ResolveAsync(created.Secret, "mixpanel", CancellationToken.None);

        // Assert
        Assert.Equal(ImportKeyStatus.OtherPartner, resolution.Status);
    }

    [Fact]
    public async Task ResolveAsync_UnknownSecret_ReturnsUnknown()
    {
        // Arrange
        var resolver = _app.GetRequiredService<ImportKeyResolver>();

        // Act
        var resolution = await resolver.ResolveAsync(ImportKeySecrets.NewSecret(), "amplitude", CancellationToken.None);

        // Assert
        Assert.Equal(ImportKeyStatus.Unknown, resolution.Status);
    }
}
