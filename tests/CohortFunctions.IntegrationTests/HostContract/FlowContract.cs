using System.Net;
using System.Text.Json;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.IntegrationTests.RealHost;
using CohortFunctions.IntegrationTests.Resync;
using CohortFunctions.IntegrationTests.Segments;

namespace CohortFunctions.IntegrationTests.HostContract;

/// <summary>
/// What an installation does, end to end over HTTP, the same on both hosts: a data import key's whole life, postbacks
/// with their counts and data points, cohorts and their members page by page, cadences and a manual resync, segments
/// and their export, users, and cohort ids that only survive the trip through the raw request path.
/// </summary>
public abstract class FlowContract(HostFixture fixture)
{
    private readonly IAppUnderTest _app = fixture.App;

    [Fact]
    public async Task ImportKey_WholeLife_WorksUntilInvalidated()
    {
        // Arrange
        var workspace = TestIds.Workspace();

        // Act: generate, list, use (credential test, name call, users postback), invalidate, use again.
        var key = await _app.Client.CreateKeyAsync(workspace, "amplitude");
        var listed = Assert.Single(await _app.Client.ListKeysAsync(workspace, "amplitude"));
        var api = new KeyedSender(_app, key.Secret);
        using var credentialTest = await api.PostChangesAsync("c1");
        using var named = await api.PostNameAsync("c1", "Cohort one");
        await _app.Client.InvalidateKeyAsync(workspace, "amplitude", key.KeyId);
        using var afterInvalidation = await api.PostChangesAsync("c1");

        // Assert
        Assert.Equal(_app.BaseAddress.ToString().TrimEnd('/'), key.RestEndpoint);
        Assert.Equal(key.KeyId, listed.KeyId);
        Assert.DoesNotContain(key.Secret, listed.KeyHint, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, credentialTest.StatusCode);
        Assert.Equal(HttpStatusCode.Created, named.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterInvalidation.StatusCode);
        Assert.Equal("Invalid client secret", await afterInvalidation.ReadErrorMessageAsync());
        Assert.NotNull(Assert.Single(await _app.Client.ListKeysAsync(workspace, "amplitude")).InvalidatedAt);
    }

    [Fact]
    public async Task Postbacks_AddsAndRemoves_CountsMembersAndDataPointsExact()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("u1", "u2", "u3", "u4");
        await api.NameCohortAsync("c1", "Power users");

        // Act
        var added = await api.SendChangesAsync("c1", TestChange.Add("u1", "u2", "u3", "ghost"));
        var again = await api.SendChangesAsync("c1", TestChange.Add("u1"), TestChange.Remove("u2"));

        // Assert
        Assert.Equal(new PostbackCounts(Added: 3, Removed: 0, Unchanged: 0, Unmatched: 1, DataPoints: 3), added);
        Assert.Equal(new PostbackCounts(Added: 0, Removed: 1, Unchanged: 1, Unmatched: 0, DataPoints: 1), again);
        var cohort = await api.CohortAsync("c1");
        Assert.Equal("Power users", cohort.GetRequiredString("name"));
        Assert.Equal("[Amplitude] Power users: c1", cohort.GetRequiredString("display_name"));
        Assert.Equal(2, cohort.GetProperty("member_count").GetInt64());
        Assert.Equal(["u1", "u3"], await api.MemberExternalIdsAsync("c1"));
        Assert.Equal(4, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task Members_PageByPage_EveryMemberOnce()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        string[] users = [.. Enumerable.Range(1, 7).Select(i => $"m{i}")];
        await api.CreateUsersAsync(users);
        await api.SendChangesAsync("c1", TestChange.Add(users));

        // Act
        var members = await api.MembersAsync("c1", limit: 3);

        // Assert
        Assert.Equal(users.Order(StringComparer.Ordinal), members.Select(m => m.ExternalId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CohortIdWithSlashPercentPlusAndUnicode_ReachesItsCohortInThePath()
    {
        // Arrange: ids come from partners; an escaped '/' is not decoded by the servers (docs/decisions.md).
        const string CohortId = "a/b é+x 100%";
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("u1");
        await api.NameCohortAsync(CohortId, "Odd");
        await api.SendChangesAsync(CohortId, TestChange.Add("u1", "later"));

        // Act
        var members = await api.MemberExternalIdsAsync(CohortId);
        var schedule = await api.SetCadenceAsync(CohortId, "daily");
        var resync = await api.ResyncAsync(CohortId);

        // Assert
        Assert.Equal(["u1"], members);
        Assert.Equal(CohortId, schedule.GetRequiredString("cohort_id"));
        Assert.Equal("daily", schedule.GetRequiredString("cadence"));
        Assert.Equal(1, resync.StillPending);
    }

    [Fact]
    public async Task Resync_UserCreatedAfterThePostback_JoinsOnManualResync()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("c1", TestChange.Add("late"));
        await api.CreateUsersAsync("late");

        // Act
        var resync = await api.ResyncAsync("c1");

        // Assert
        Assert.Equal(1, resync.Applied);
        Assert.Equal(["late"], await api.MemberExternalIdsAsync("c1"));
    }

    [Fact]
    public async Task Segments_CreateSizeExportRenameDelete()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("s1", "s2", "s3");
        await api.NameCohortAsync("big", "Big");
        await api.SendChangesAsync("big", TestChange.Add("s1", "s2", "s3"));
        await api.SendChangesAsync("small", TestChange.Add("s2"));
        var segments = new SegmentApi(api);

        // Act
        var filters = await segments.CohortFiltersAsync();
        var created = await segments.CreateAsync("Big not small", Filter.And(Filter.Includes("big"), Filter.Excludes("small")));
        var exported = await segments.ExportedExternalIdsAsync(created.SegmentId, limit: 1);
        var renamed = await segments.UpdateAsync(created.SegmentId, new { name = "Renamed", filter = JsonSerializer.Deserialize<JsonElement>(created.Filter.GetRawText()) });
        var listed = await segments.ListAsync();
        using var deleted = await segments.DeleteRawAsync(created.SegmentId);
        using var gone = await segments.GetRawAsync(created.SegmentId);

        // Assert
        Assert.Contains("Big", filters.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, created.Size);
        Assert.Equal(["s1", "s3"], exported);
        Assert.Equal("Renamed", renamed.Name);
        Assert.Equal(["Renamed"], listed.Select(s => s.Name));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Users_UpsertIdentifyLookupDelete()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync([new TestUser(DeviceIds: ["dev-1"], Aliases: [new TestAlias("anon", "amplitude_id")]), new TestUser("known")]);
        await api.SendChangesAsync("c1", new TestChange(DeviceIds: ["dev-1"]));

        // Act
        var identified = await api.IdentifyAsync(new[] { new { external_id = "now-known", device_id = "dev-1" } });
        var byExternalId = await api.LookupAsync("external_id=now-known");
        var byAlias = await api.LookupAsync("alias_name=anon&alias_label=amplitude_id");
        await api.DeleteUserAsync(byExternalId!.Value.GetRequiredString("user_id"));
        var afterDelete = await api.LookupAsync("external_id=now-known");

        // Assert
        Assert.Equal(1, identified.GetProperty("identified").GetInt32());
        Assert.True(byExternalId.Value.GetProperty("was_anonymous").GetBoolean());
        Assert.Equal(byExternalId.Value.GetRequiredString("user_id"), byAlias!.Value.GetRequiredString("user_id"));
        Assert.Single(byExternalId.Value.GetProperty("cohorts").EnumerateArray());
        Assert.Null(afterDelete);
        Assert.Empty(await api.MembersAsync("c1"));
    }

    /// <summary>A sender holding one data import key, whose answers the test reads itself.</summary>
    private sealed class KeyedSender(IAppUnderTest app, string secret)
    {
        public async Task<HttpResponseMessage> PostChangesAsync(string cohortId) =>
            await app.CreateClient(withFunctionKey: false).PostAsync(new Uri("partners/amplitude/cohorts/users", UriKind.Relative), TestJson.Body(new Dictionary<string, object?>
            {
                ["partner_api_key"] = app.PartnerApiKey("amplitude"),
                ["client_secret"] = secret,
                ["cohort_id"] = cohortId,
                ["cohort_changes"] = Array.Empty<object>(),
            }));

        public async Task<HttpResponseMessage> PostNameAsync(string cohortId, string name) =>
            await app.CreateClient(withFunctionKey: false).PostAsync(new Uri("partners/amplitude/cohorts", UriKind.Relative), TestJson.Body(new Dictionary<string, object?>
            {
                ["partner_api_key"] = app.PartnerApiKey("amplitude"),
                ["client_secret"] = secret,
                ["cohort_id"] = cohortId,
                ["name"] = name,
                ["created_at"] = "2021-01-21T19:20:30+05:00",
            }));
    }
}

public sealed class FlowContractOnLocalHost(LocalHostFixture fixture) : FlowContract(fixture), IClassFixture<LocalHostFixture>;

[Trait("Host", "Real")]
public sealed class FlowContractOnRealHost(RealHostFixture fixture) : FlowContract(fixture), IClassFixture<RealHostFixture>;
