using System.Net;
using System.Text.Json;

namespace CohortFunctions.IntegrationTests.Infrastructure;

/// <summary>A data import key as <c>POST .../keys</c> returned it.</summary>
public sealed record CreatedKey(string KeyId, string Secret, string Partner, string Workspace, string RestEndpoint, DateTimeOffset CreatedAt);

/// <summary>A key as <c>GET .../keys</c> lists it.</summary>
public sealed record ListedKey(string KeyId, DateTimeOffset CreatedAt, DateTimeOffset? InvalidatedAt, DateTimeOffset? LastUsedAt, string KeyHint);

/// <summary>The management API calls tests make to set up state, each asserting the status the API promises.</summary>
public static class ManagementApi
{
    public static async Task<CreatedKey> CreateKeyAsync(this HttpClient client, string workspace, string partner)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.PostAsync(new Uri(ManageRoutes.Keys(workspace, partner), UriKind.Relative), content: null);
        await ExpectStatusAsync(response, HttpStatusCode.Created);
        var body = await response.ReadJsonAsync();
        return new CreatedKey(
            body.GetRequiredString("key_id"),
            body.GetRequiredString("data_import_key"),
            body.GetRequiredString("partner"),
            body.GetRequiredString("workspace"),
            body.GetRequiredString("rest_endpoint"),
            body.GetProperty("created_at").GetDateTimeOffset());
    }

    public static async Task<IReadOnlyList<ListedKey>> ListKeysAsync(this HttpClient client, string workspace, string partner)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.GetAsync(new Uri(ManageRoutes.Keys(workspace, partner), UriKind.Relative));
        await ExpectStatusAsync(response, HttpStatusCode.OK);
        var body = await response.ReadJsonAsync();
        return [.. body.GetProperty("keys").EnumerateArray().Select(k => new ListedKey(
            k.GetRequiredString("key_id"),
            k.GetProperty("created_at").GetDateTimeOffset(),
            NullableTime(k.GetProperty("invalidated_at")),
            NullableTime(k.GetProperty("last_used_at")),
            k.GetRequiredString("key_hint")))];
    }

    public static async Task InvalidateKeyAsync(this HttpClient client, string workspace, string partner, string keyId)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.DeleteAsync(new Uri(ManageRoutes.Key(workspace, partner, keyId), UriKind.Relative));
        await ExpectStatusAsync(response, HttpStatusCode.NoContent);
    }

    /// <summary>Asserts a status and shows the body when it differs, so a failure says why.</summary>
    public static async Task ExpectStatusAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"Expected {(int)expected} {expected} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}, got {(int)response.StatusCode}: {body}");
        }
    }

    private static DateTimeOffset? NullableTime(JsonElement value) =>
        value.ValueKind == JsonValueKind.Null ? null : value.GetDateTimeOffset();
}
