using System.Net;
using System.Text.Json;

namespace CohortFunctions.IntegrationTests.Infrastructure;

/// <summary>An alias as the APIs take it.</summary>
public sealed record TestAlias(string AliasName, string AliasLabel);

/// <summary>A user to create through <c>POST .../users</c>.</summary>
public sealed record TestUser(string? ExternalId = null, IReadOnlyList<string>? DeviceIds = null, IReadOnlyList<TestAlias>? Aliases = null);

/// <summary>One element of <c>cohort_changes</c>.</summary>
public sealed record TestChange(
    IReadOnlyList<string>? UserIds = null,
    IReadOnlyList<string>? DeviceIds = null,
    IReadOnlyList<TestAlias>? Aliases = null,
    bool? ShouldRemove = null)
{
    public static TestChange Add(params string[] externalIds) => new(UserIds: externalIds);

    public static TestChange Remove(params string[] externalIds) => new(UserIds: externalIds, ShouldRemove: true);
}

/// <summary>The counts a users postback answers with.</summary>
public sealed record PostbackCounts(int Added, int Removed, int Unchanged, int Unmatched, int DataPoints)
{
    /// <summary>The counts of a users postback's 201 answer.</summary>
    public static PostbackCounts From(JsonElement body) => new(
        body.GetProperty("added").GetInt32(),
        body.GetProperty("removed").GetInt32(),
        body.GetProperty("unchanged").GetInt32(),
        body.GetProperty("unmatched").GetInt32(),
        body.GetProperty("data_points").GetInt32());
}

/// <summary>A member as the members listing shows it.</summary>
public sealed record ListedMember(string UserId, string? ExternalId);

/// <summary>
/// A sender and an operator of one workspace: the partner endpoints called with a real data import key, and the
/// management calls around them. Every call asserts the status the API promises unless the test asks for the response.
/// </summary>
public sealed class CohortApi
{
    private CohortApi(IAppUnderTest app, string workspace, string partner, string secret, string keyId)
    {
        App = app;
        Workspace = workspace;
        Partner = partner;
        Secret = secret;
        KeyId = keyId;
    }

    public IAppUnderTest App { get; }

    public string Workspace { get; }

    public string Partner { get; }

    /// <summary>The data import key (<c>client_secret</c>).</summary>
    public string Secret { get; }

    /// <summary>The id of the data import key, as listings and the sync history show it.</summary>
    public string KeyId { get; }

    public HttpClient Client => App.Client;

    /// <summary>A new workspace with a data import key for <paramref name="partner"/>.</summary>
    public static async Task<CohortApi> StartAsync(IAppUnderTest app, string partner = "amplitude", string? workspace = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        workspace ??= TestIds.Workspace();
        var key = await app.Client.CreateKeyAsync(workspace, partner);
        return new CohortApi(app, workspace, partner, key.Secret, key.KeyId);
    }

    /// <summary>The body of a users postback, as senders write it.</summary>
    public Dictionary<string, object?> ChangesBody(string cohortId, params TestChange[] changes) => new()
    {
        ["partner_api_key"] = App.PartnerApiKey(Partner),
        ["client_secret"] = Secret,
        ["cohort_id"] = cohortId,
        ["cohort_changes"] = changes.Select(ChangeJson).ToList(),
    };

    public async Task<HttpResponseMessage> PostChangesRawAsync(object body) =>
        await Client.PostAsync(new Uri($"partners/{Partner}/cohorts/users", UriKind.Relative), TestJson.Body(body));

    public async Task<PostbackCounts> SendChangesAsync(string cohortId, params TestChange[] changes)
    {
        using var response = await PostChangesRawAsync(ChangesBody(cohortId, changes));
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.Created);
        var body = await response.ReadJsonAsync();
        Assert.Equal("success", body.GetRequiredString("message"));
        return PostbackCounts.From(body);
    }

    public async Task<HttpResponseMessage> PostNameRawAsync(object body) =>
        await Client.PostAsync(new Uri($"partners/{Partner}/cohorts", UriKind.Relative), TestJson.Body(body));

    public async Task NameCohortAsync(string cohortId, string name, string createdAt = "2021-01-21T19:20:30+05:00")
    {
        using var response = await PostNameRawAsync(new Dictionary<string, object?>
        {
            ["partner_api_key"] = App.PartnerApiKey(Partner),
            ["client_secret"] = Secret,
            ["cohort_id"] = cohortId,
            ["name"] = name,
            ["created_at"] = createdAt,
        });
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.Created);
        Assert.Equal("success", (await response.ReadJsonAsync()).GetRequiredString("message"));
    }

    /// <summary>Creates users (≤ 1,000 a call), asserting none was rejected.</summary>
    public async Task CreateUsersAsync(IEnumerable<TestUser> users)
    {
        ArgumentNullException.ThrowIfNull(users);
        foreach (var chunk in users.Chunk(1000))
        {
            using var response = await Client.PostAsync(
                new Uri($"manage/workspaces/{Workspace}/users", UriKind.Relative),
                TestJson.Body(new { users = chunk.Select(UserJson).ToList() }));
            await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
            var body = await response.ReadJsonAsync();
            Assert.True(body.GetProperty("errors").GetArrayLength() == 0, $"Users were rejected: {body}");
        }
    }

    /// <summary>Creates identified users with these external ids.</summary>
    public Task CreateUsersAsync(params string[] externalIds) => CreateUsersAsync(externalIds.Select(id => new TestUser(id)));

    public async Task<JsonElement> IdentifyAsync(object identifyEntries)
    {
        using var response = await Client.PostAsync(
            new Uri($"manage/workspaces/{Workspace}/users/identify", UriKind.Relative),
            TestJson.Body(new { identify = identifyEntries }));
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        return await response.ReadJsonAsync();
    }

    public async Task<JsonElement?> LookupAsync(string query)
    {
        using var response = await Client.GetAsync(new Uri($"manage/workspaces/{Workspace}/users/lookup?{query}", UriKind.Relative));
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        return await response.ReadJsonAsync();
    }

    public async Task DeleteUserAsync(string userId)
    {
        using var response = await Client.DeleteAsync(new Uri($"manage/workspaces/{Workspace}/users/{userId}", UriKind.Relative));
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.NoContent);
    }

    /// <summary>The cohort as the listing shows it; fails if it is not listed.</summary>
    public async Task<JsonElement> CohortAsync(string cohortId)
    {
        var cohorts = await CohortsAsync();
        return cohorts.Single(c => c.GetRequiredString("cohort_id") == cohortId && c.GetRequiredString("partner") == Partner);
    }

    public async Task<IReadOnlyList<JsonElement>> CohortsAsync()
    {
        using var response = await Client.GetAsync(new Uri($"manage/workspaces/{Workspace}/cohorts", UriKind.Relative));
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        return [.. (await response.ReadJsonAsync()).GetProperty("cohorts").EnumerateArray()];
    }

    public async Task<long> MemberCountAsync(string cohortId) => (await CohortAsync(cohortId)).GetProperty("member_count").GetInt64();

    /// <summary>Every member, walking the pages of the members listing.</summary>
    public async Task<IReadOnlyList<ListedMember>> MembersAsync(string cohortId, int limit = 1000)
    {
        var members = new List<ListedMember>();
        string? continuation = null;
        do
        {
            var uri = $"manage/workspaces/{Workspace}/cohorts/{Partner}/{Uri.EscapeDataString(cohortId)}/members?limit={limit}"
                + (continuation is null ? "" : $"&continuation={Uri.EscapeDataString(continuation)}");
            using var response = await Client.GetAsync(new Uri(uri, UriKind.Relative));
            await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
            var body = await response.ReadJsonAsync();
            members.AddRange(body.GetProperty("members").EnumerateArray().Select(m => new ListedMember(
                m.GetRequiredString("user_id"),
                m.GetProperty("external_id").ValueKind == JsonValueKind.Null ? null : m.GetProperty("external_id").GetString())));
            continuation = body.GetProperty("continuation").ValueKind == JsonValueKind.Null ? null : body.GetProperty("continuation").GetString();
        }
        while (continuation is not null);
        return members;
    }

    /// <summary>The external ids of the members, sorted.</summary>
    public async Task<IReadOnlyList<string>> MemberExternalIdsAsync(string cohortId) =>
        [.. (await MembersAsync(cohortId)).Select(m => m.ExternalId ?? "").Order(StringComparer.Ordinal)];

    /// <summary>
    /// Data points of this workspace (all partners) in the report's default range: the 30 days ending today by the
    /// app's clock, or ending on <paramref name="to"/> when given (for an app whose clock is not the one that wrote them).
    /// </summary>
    public async Task<long> DataPointsTotalAsync(DateOnly? to = null)
    {
        var query = to is { } day ? "?to=" + day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "";
        using var response = await Client.GetAsync(new Uri($"manage/workspaces/{Workspace}/data-points{query}", UriKind.Relative));
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        return (await response.ReadJsonAsync()).GetProperty("total").GetInt64();
    }

    private static Dictionary<string, object?> ChangeJson(TestChange change)
    {
        var json = new Dictionary<string, object?>();
        if (change.UserIds is not null)
        {
            json["user_ids"] = change.UserIds;
        }

        if (change.DeviceIds is not null)
        {
            json["device_ids"] = change.DeviceIds;
        }

        if (change.Aliases is not null)
        {
            json["aliases"] = change.Aliases.Select(a => new Dictionary<string, string> { ["alias_name"] = a.AliasName, ["alias_label"] = a.AliasLabel }).ToList();
        }

        if (change.ShouldRemove is { } remove)
        {
            json["should_remove"] = remove;
        }

        return json;
    }

    private static Dictionary<string, object?> UserJson(TestUser user)
    {
        var json = new Dictionary<string, object?>();
        if (user.ExternalId is not null)
        {
            json["external_id"] = user.ExternalId;
        }

        if (user.DeviceIds is not null)
        {
            json["device_ids"] = user.DeviceIds;
        }

        if (user.Aliases is not null)
        {
            json["aliases"] = user.Aliases.Select(a => new Dictionary<string, string> { ["alias_name"] = a.AliasName, ["alias_label"] = a.AliasLabel }).ToList();
        }

        return json;
    }
}
