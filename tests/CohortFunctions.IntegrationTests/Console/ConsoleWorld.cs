using System.Net;
using System.Text.Json;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Console;

/// <summary>
/// What surrounds the console in a test: the platform's users (created through the users API), a partner's sender
/// (postbacks with a data import key, without any function key) and the management API as curl would read it, to
/// compare the page with.
/// </summary>
public sealed class ConsoleWorld(TestApp app, string workspace)
{
    private readonly HttpClient _sender = app.CreateClient(withFunctionKey: false);

    public TestApp App { get; } = app;

    public string Workspace { get; } = workspace;

    public string Manage(string path) => $"manage/workspaces/{Workspace}/{path}";

    public async Task CreateUsersAsync(params TestUser[] users)
    {
        using var response = await App.Client.PostAsync(new Uri(Manage("users"), UriKind.Relative), TestJson.Body(new
        {
            users = users.Select(u => new Dictionary<string, object?>
            {
                ["external_id"] = u.ExternalId,
                ["device_ids"] = u.DeviceIds,
                ["aliases"] = u.Aliases?.Select(a => new { alias_name = a.AliasName, alias_label = a.AliasLabel }),
            }.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value)).ToList(),
        }));
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        Assert.Equal(0, (await response.ReadJsonAsync()).GetProperty("errors").GetArrayLength());
    }

    public Task CreateUsersAsync(params string[] externalIds) => CreateUsersAsync([.. externalIds.Select(id => new TestUser(id))]);

    /// <summary>A partner's name call, as the sender makes it.</summary>
    public async Task<HttpResponseMessage> NameCohortAsync(string partner, string secret, string cohortId, string name) =>
        await _sender.PostAsync(new Uri($"partners/{partner}/cohorts", UriKind.Relative), TestJson.Body(new Dictionary<string, object?>
        {
            ["partner_api_key"] = App.PartnerApiKey(partner),
            ["client_secret"] = secret,
            ["cohort_id"] = cohortId,
            ["name"] = name,
            ["created_at"] = "2026-01-21T19:20:30+05:00",
        }));

    /// <summary>A partner's users postback adding (or removing) users by external id.</summary>
    public async Task<HttpResponseMessage> PostUsersAsync(string partner, string secret, string cohortId, IReadOnlyList<string> externalIds, bool remove = false) =>
        await _sender.PostAsync(new Uri($"partners/{partner}/cohorts/users", UriKind.Relative), TestJson.Body(new Dictionary<string, object?>
        {
            ["partner_api_key"] = App.PartnerApiKey(partner),
            ["client_secret"] = secret,
            ["cohort_id"] = cohortId,
            ["cohort_changes"] = new[] { new Dictionary<string, object?> { ["user_ids"] = externalIds, ["should_remove"] = remove } },
        }));

    /// <summary>A management GET, as curl would make it, asserting 200.</summary>
    public async Task<JsonElement> GetAsync(string path)
    {
        using var response = await App.Client.GetAsync(new Uri(path, UriKind.Relative));
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        return await response.ReadJsonAsync();
    }

    /// <summary>
    /// The workspace's sync history once it holds at least <paramref name="count"/> records (they are written just
    /// after the answers), newest first, as the API lists it.
    /// </summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForSyncHistoryAsync(int count, string query = "")
    {
        var deadline = DateTimeOffset.UtcNow + HistoryApi.WriteWait;
        while (true)
        {
            var records = (await GetAsync(Manage("sync-history") + query)).GetProperty("records").EnumerateArray().ToList();
            if (records.Count >= count)
            {
                return records;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"Expected {count} sync history records, found {records.Count}.");
            await Task.Delay(50);
        }
    }

    /// <summary>Every user of a saved segment, walking the export API.</summary>
    public async Task<IReadOnlyList<(string UserId, string? ExternalId)>> SegmentUsersAsync(string segmentId)
    {
        var users = new List<(string, string?)>();
        string? continuation = null;
        do
        {
            var page = await GetAsync(Manage($"segments/{segmentId}/users?limit=2") + (continuation is null ? "" : $"&continuation={Uri.EscapeDataString(continuation)}"));
            users.AddRange(page.GetProperty("users").EnumerateArray().Select(u => (u.GetRequiredString("user_id"), u.GetProperty("external_id").GetString())));
            continuation = page.GetProperty("continuation").GetString();
        }
        while (continuation is not null);
        return users;
    }
}
