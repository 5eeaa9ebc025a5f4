using System.Net;
using CohortFunctions.IntegrationTests.Fuzz;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Security;

/// <summary>
/// Two workspaces with colliding ids everywhere (the same external ids, device ids, aliases, cohort ids of both
/// partners, segment names): a data import key of workspace A opens A and nothing else, whatever its requests name;
/// management reads of B never show anything of A; management calls naming B with A's ids never reach A.
/// </summary>
public sealed class TenantIsolationTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task EveryPartnerEndpoint_KeysOfWorkspaceA_NeverChangeWorkspaceB()
    {
        // Arrange
        var a = await FuzzWorkspace.StartAsync(_app);
        var b = await FuzzWorkspace.StartAsync(_app);
        await b.Amplitude.CreateUsersAsync("b-only-user");
        await b.Amplitude.SendChangesAsync("b-only", TestChange.Add("b-only-user"));
        var bBefore = await b.ObservableStateAsync();
        var aBefore = await a.ObservableStateAsync();
        var rowsBefore = await TableRows.CaptureAsync(_app);

        // Act: A's keys, aimed at everything B has, by every identifier kind, through both endpoints of both partners.
        var aliases = new[] { new TestAlias("a1", "email"), new TestAlias("a2", "email"), new TestAlias("anon-a", "amplitude_id") };
        foreach (var cohort in (string[])[FuzzWorkspace.CohortOne, FuzzWorkspace.CohortTwo, "b-only"])
        {
            await a.Amplitude.NameCohortAsync(cohort, "Renamed by A");
            await a.Amplitude.SendChangesAsync(
                cohort,
                new TestChange(UserIds: ["u1", "u2", "u3", "b-only-user"], DeviceIds: [FuzzWorkspace.AnonymousDevice], Aliases: aliases),
                TestChange.Remove("u2"));
            await a.Amplitude.SendChangesAsync(cohort);
        }

        await a.Mixpanel.NameCohortAsync(FuzzWorkspace.MixpanelCohort, "Renamed by A");
        await a.Mixpanel.SendChangesAsync(FuzzWorkspace.MixpanelCohort, TestChange.Remove("u3"), TestChange.Add("u1"));
        var naming = a.Amplitude.ChangesBody(FuzzWorkspace.CohortOne, TestChange.Remove("u1"));
        naming["workspace"] = b.Workspace;
        naming["workspace_id"] = b.Workspace;
        naming["app_group_id"] = b.Workspace;
        using var namingB = await a.Amplitude.PostChangesRawAsync(naming);

        // Assert: B is exactly as it was, not one of its rows was written; A's requests did take effect in A.
        await ManagementApi.ExpectStatusAsync(namingB, HttpStatusCode.Created);
        Assert.Equal(bBefore, await b.ObservableStateAsync());
        var changed = (await TableRows.CaptureAsync(_app)).ChangesSince(rowsBefore);
        Assert.NotEmpty(changed);
        var rowsAfter = await TableRows.CaptureAsync(_app);
        Assert.All(changed, change => Assert.True(
            BelongsTo(change, rowsBefore, rowsAfter, a.Workspace),
            $"A's requests changed a row that is not A's: {change}"));
        Assert.NotEqual(aBefore, await a.ObservableStateAsync());
        Assert.Equal("Renamed by A", (await a.Amplitude.CohortAsync("b-only")).GetRequiredString("name"));
        Assert.Equal(["", "u1", "u3"], await a.Amplitude.MemberExternalIdsAsync("b-only"));
    }

    [Fact]
    public async Task ManagementReadsOfB_NeverShowAnythingOfA()
    {
        // Arrange: A has what B has under the same names, and more.
        var a = await FuzzWorkspace.StartAsync(_app);
        var b = await FuzzWorkspace.StartAsync(_app);
        await a.Amplitude.CreateUsersAsync([new TestUser("a-only-user", ["a-only-device"], [new TestAlias("a-only-alias", "email2")])]);
        await a.Amplitude.SendChangesAsync("a-only", TestChange.Add("a-only-user", "u3"));
        await a.Amplitude.SendChangesAsync(FuzzWorkspace.CohortOne, TestChange.Add("a-only-user", "u3"));
        var aUsers = await UserIdsAsync(a);
        var bUsers = await UserIdsAsync(b);
        var ws = $"manage/workspaces/{b.Workspace}";

        // Act
        var reads = new Dictionary<string, string>();
        foreach (var path in (string[])[
            $"{ws}/cohorts", $"{ws}/cohorts/amplitude/{FuzzWorkspace.CohortOne}/members", $"{ws}/cohort-filters", $"{ws}/segments",
            $"{ws}/segments/{b.SegmentId}/users", $"{ws}/data-points", $"{ws}/partners/amplitude/keys", $"{ws}/partners/mixpanel/keys",
            $"{ws}/users/lookup?external_id=u1"])
        {
            using var response = await _app.Client.GetAsync(new Uri(path, UriKind.Relative));
            await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
            reads[path] = await response.Content.ReadAsStringAsync();
        }

        // Assert: none of A's user ids, its own cohort, its segment id or its key hints appear in B's answers.
        var aKeys = (await _app.Client.ListKeysAsync(a.Workspace, "amplitude")).Concat(await _app.Client.ListKeysAsync(a.Workspace, "mixpanel")).ToList();
        string[] aOnly = [.. aUsers.Values, "a-only", a.SegmentId, a.Workspace, .. aKeys.Select(k => k.KeyId)];
        foreach (var (path, text) in reads)
        {
            foreach (var value in aOnly)
            {
                Assert.False(text.Contains(value, StringComparison.Ordinal), $"{path} shows '{value}' of workspace A: {text}");
            }
        }

        Assert.Contains(bUsers["u1"], reads[$"{ws}/users/lookup?external_id=u1"], StringComparison.Ordinal);
        foreach (var query in (string[])["external_id=a-only-user", "device_id=a-only-device", "alias_name=a-only-alias&alias_label=email2"])
        {
            Assert.Null(await b.Amplitude.LookupAsync(query));
        }
    }

    [Fact]
    public async Task ManagementCallsNamingB_WithIdsOfA_NeverReachA()
    {
        // Arrange
        var a = await FuzzWorkspace.StartAsync(_app);
        var b = await FuzzWorkspace.StartAsync(_app);
        await a.Amplitude.CreateUsersAsync([new TestUser("a-only-user", ["a-only-device"])]);
        await a.Amplitude.CreateUsersAsync([new TestUser(DeviceIds: ["a-anon-device"])]);
        await a.Amplitude.SendChangesAsync("a-only", TestChange.Add("a-only-user"));
        var aUser = (await UserIdsAsync(a))["u1"];
        var aKey = (await _app.Client.ListKeysAsync(a.Workspace, "amplitude")).First(k => k.InvalidatedAt is null);
        var aBefore = await a.ObservableStateAsync();
        var ws = $"manage/workspaces/{b.Workspace}";

        // Act
        using var deleteUser = await _app.Client.DeleteAsync(new Uri($"{ws}/users/{aUser}", UriKind.Relative));
        using var deleteSegment = await _app.Client.DeleteAsync(new Uri($"{ws}/segments/{a.SegmentId}", UriKind.Relative));
        using var getSegment = await _app.Client.GetAsync(new Uri($"{ws}/segments/{a.SegmentId}", UriKind.Relative));
        using var invalidate = await _app.Client.DeleteAsync(new Uri($"{ws}/partners/amplitude/keys/{aKey.KeyId}", UriKind.Relative));
        using var members = await _app.Client.GetAsync(new Uri($"{ws}/cohorts/amplitude/a-only/members", UriKind.Relative));
        using var schedule = await _app.Client.PutAsync(new Uri($"{ws}/cohorts/amplitude/a-only/schedule", UriKind.Relative), TestJson.Body(new { cadence = "realtime" }));
        using var resync = await _app.Client.PostAsync(new Uri($"{ws}/cohorts/amplitude/a-only/resync", UriKind.Relative), content: null);
        using var segment = await _app.Client.PostAsync(
            new Uri($"{ws}/segments", UriKind.Relative),
            TestJson.Body(new { name = "steal", filter = new { includes = new { partner = "amplitude", cohort_id = "a-only" } } }));
        var identified = await b.Amplitude.IdentifyAsync(new[] { new { external_id = "b-claims", device_id = "a-anon-device" } });

        // Assert
        Assert.Equal(
            [HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.BadRequest],
            new[] { deleteUser, deleteSegment, getSegment, invalidate, members, schedule, resync, segment }.Select(r => r.StatusCode));
        Assert.Equal("no user has this device_id.", Assert.Single(identified.GetProperty("errors").EnumerateArray()).GetRequiredString("message"));
        Assert.Equal(aBefore, await a.ObservableStateAsync());
        Assert.True((await a.Amplitude.LookupAsync("device_id=a-anon-device"))!.Value.GetProperty("anonymous").GetBoolean());
    }

    [Theory]
    [InlineData("amplitude", "mixpanel", "partners/mixpanel/cohorts")]
    [InlineData("amplitude", "mixpanel", "partners/mixpanel/cohorts/users")]
    [InlineData("mixpanel", "amplitude", "partners/amplitude/cohorts")]
    [InlineData("mixpanel", "amplitude", "partners/amplitude/cohorts/users")]
    public async Task PartnerEndpoint_KeyOfAnotherPartner_Returns401WithTheKeyHintOnly(string keyPartner, string urlPartner, string path)
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app, keyPartner);
        await api.CreateUsersAsync("ada");
        var body = api.ChangesBody("c1", TestChange.Add("ada"));
        body["partner_api_key"] = _app.PartnerApiKey(urlPartner);
        body["name"] = "n";
        body["created_at"] = "2021-01-21";

        // Act
        using var response = await _app.Client.PostAsync(new Uri(path, UriKind.Relative), TestJson.Body(body));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.Unauthorized);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal($"Partner not enabled for client with client secret: {api.Secret[..4]}...", await response.ReadErrorMessageAsync());
        Assert.DoesNotContain(api.Secret[..5], text, StringComparison.Ordinal);
        Assert.Empty(await api.CohortsAsync());
    }

    /// <summary>Whether a changed row is workspace <paramref name="workspace"/>'s: in one of its partitions, or a row that names it.</summary>
    private static bool BelongsTo(string change, TableRows before, TableRows after, string workspace)
    {
        var key = change[(change.IndexOf(':', StringComparison.Ordinal) + 2)..];
        var row = after.Rows.GetValueOrDefault(key) ?? before.Rows[key];
        return row.PartitionKey == workspace
            || row.PartitionKey.StartsWith(workspace + "|", StringComparison.Ordinal)
            || row.PartitionKey.StartsWith($"keys|{workspace}|", StringComparison.Ordinal)
            || row.Properties.GetValueOrDefault("Workspace") == workspace;
    }

    /// <summary>The platform user ids of u1, u2, u3 and the anonymous user of a fuzz workspace.</summary>
    private static async Task<Dictionary<string, string>> UserIdsAsync(FuzzWorkspace workspace)
    {
        var ids = new Dictionary<string, string>();
        foreach (var (name, query) in (IEnumerable<(string, string)>)[("u1", "external_id=u1"), ("u2", "external_id=u2"), ("u3", "external_id=u3"), ("anon", $"device_id={FuzzWorkspace.AnonymousDevice}")])
        {
            ids[name] = (await workspace.Amplitude.LookupAsync(query))!.Value.GetRequiredString("user_id");
        }

        return ids;
    }
}
