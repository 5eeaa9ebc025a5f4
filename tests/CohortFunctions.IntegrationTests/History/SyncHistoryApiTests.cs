using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.IntegrationTests.Resync;

namespace CohortFunctions.IntegrationTests.History;

/// <summary>
/// The sync history through HTTP on Azurite: every partner call that passed authentication is recorded with its
/// answer, what it did, its key's id and its request's id, newest first, a cohort's and the workspace's, a page at a
/// time; calls refused at authentication are not; the API's own rules answer 400 and 404.
/// </summary>
public sealed class SyncHistoryApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task PartnerCalls_EveryKindAndRefusal_RecordedNewestFirstAsAnswered()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("ada", "bob");
        var other = await CohortApi.StartAsync(_app);

        // Act: a credential test, a name call, a users postback, a refused postback; then calls refused at authentication.
        await api.SendChangesAsync("c1");
        await api.NameCohortAsync("c1", "Power users");
        var counts = await api.SendChangesAsync("c1", TestChange.Add("ada", "bob", "ghost"), TestChange.Remove("nobody"));
        using var refused = await api.PostChangesRawAsync(new Dictionary<string, object?>(api.ChangesBody("c1")) { ["cohort_changes"] = "not an array" });
        using var wrongKey = await api.PostChangesRawAsync(new Dictionary<string, object?>(api.ChangesBody("c1", TestChange.Add("ada"))) { ["client_secret"] = other.Secret + "0" });
        using var wrongPartnerKey = await api.PostChangesRawAsync(new Dictionary<string, object?>(api.ChangesBody("c1", TestChange.Add("ada"))) { ["partner_api_key"] = "nope" });
        var history = await api.WaitForHistoryAsync("c1", 4);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (wrongKey.StatusCode, wrongPartnerKey.StatusCode));
        Assert.Equal(["changes", "changes", "name", "credential_test"], history.Select(r => r.Kind));
        Assert.Equal([400, 201, 201, 201], history.Select(r => r.Status));
        Assert.Equal(await refused.ReadErrorMessageAsync(), history[0].Message);
        Assert.Equal(["success", "success", "success"], history.Skip(1).Select(r => r.Message));
        Assert.Equal((4, 2, 0, 0, 2, 2), history[1].Counts);
        Assert.Equal(new PostbackCounts(2, 0, 0, 2, 2), counts);
        Assert.All(history, r => Assert.Equal((api.Partner, "c1", api.KeyId), (r.Partner, r.CohortId, r.KeyId)));
        Assert.All(history, r => Assert.False(string.IsNullOrEmpty(r.RequestId)));
        Assert.Equal(4, history.Select(r => r.RequestId).Distinct().Count());
        Assert.Equal(history.OrderByDescending(r => r.At).Select(r => r.Id), history.Select(r => r.Id));
        Assert.All(history, r => Assert.InRange(r.DurationMs, 0, 30_000));
        Assert.Equal(history.Select(r => r.Id), (await api.FeedAsync()).Records.Select(r => r.Id));
        Assert.Empty((await other.FeedAsync()).Records);
    }

    [Fact]
    public async Task PostbackWithoutAValidCohortId_RecordedInTheFeedOnly()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);

        // Act
        using var refused = await api.PostChangesRawAsync(new Dictionary<string, object?>(api.ChangesBody("c1")) { ["cohort_id"] = "" });
        var feed = await api.WaitForFeedAsync(1);

        // Assert
        var record = Assert.Single(feed);
        Assert.Equal((null, 400, "`cohort_id` must be a valid string"), (record.CohortId, record.Status, record.Message));
    }

    [Fact]
    public async Task CohortHistory_SevenRecordsInPagesOfThree_EachOnceNewestFirst()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        for (var i = 0; i < 7; i++)
        {
            await api.SendChangesAsync("paged", TestChange.Add($"u{i}"));
        }

        await api.WaitForHistoryAsync("paged", 7);

        // Act
        var (records, pages) = await HistoryApi.AllPagesAsync(c => api.CohortHistoryAsync("paged", limit: 3, continuation: c));

        // Assert
        Assert.Equal(7, records.Select(r => r.Id).Distinct().Count());
        Assert.Equal(records.OrderByDescending(r => r.At).Select(r => r.Id), records.Select(r => r.Id));
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Feed_TwoPartnersAndSince_OnlyWhatIsAskedFor()
    {
        // Arrange: Amplitude's key and Mixpanel's key of the same workspace.
        var amplitude = await CohortApi.StartAsync(_app);
        var mixpanel = await CohortApi.StartAsync(_app, "mixpanel", amplitude.Workspace);
        await amplitude.SendChangesAsync("a1", TestChange.Add("x"));
        await mixpanel.SendChangesAsync("m1", TestChange.Add("x"));
        var early = await amplitude.WaitForFeedAsync(2);
        await Task.Delay(20);
        await amplitude.SendChangesAsync("a2", TestChange.Add("x"));
        var all = await amplitude.WaitForFeedAsync(3);
        var since = early.Max(r => r.At).AddTicks(1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

        // Act
        var amplitudeOnly = await amplitude.FeedAsync(partner: "amplitude");
        var mixpanelOnly = await amplitude.FeedAsync(partner: "mixpanel");
        var sinceThen = await amplitude.FeedAsync(since: since);

        // Assert
        Assert.Equal(["a2", "m1", "a1"], all.Select(r => r.CohortId));
        Assert.Equal(["a2", "a1"], amplitudeOnly.Records.Select(r => r.CohortId));
        Assert.Equal(["m1"], mixpanelOnly.Records.Select(r => r.CohortId));
        Assert.Equal(mixpanel.KeyId, mixpanelOnly.Records[0].KeyId);
        Assert.Equal(["a2"], sinceThen.Records.Select(r => r.CohortId));
    }

    [Fact]
    public async Task CohortHistory_CohortIdWithSlashPercentPlusAndUnicode_ReachesItsRecords()
    {
        // Arrange
        const string CohortId = "a/b é+x 100%";
        var api = await CohortApi.StartAsync(_app);
        await api.NameCohortAsync(CohortId, "Odd");
        await api.SendChangesAsync("a", TestChange.Add("x"));

        // Act
        var history = await api.WaitForHistoryAsync(CohortId, 1);

        // Assert
        Assert.Equal((CohortId, "name"), (Assert.Single(history).CohortId, history[0].Kind));
    }

    [Fact]
    public async Task ManualResyncThatApplied_RecordedAsAResyncWithItsCounts()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("late", TestChange.Add("later", "never"));
        await api.CreateUsersAsync("later");

        // Act
        var resync = await api.ResyncAsync("late");
        var history = await api.WaitForHistoryAsync("late", 2);

        // Assert
        Assert.Equal(1, resync.Applied);
        var record = history[0];
        Assert.Equal(("resync", 200, "Manual pass completed", (2, 1, 0, 0, 1, 1)), (record.Kind, record.Status, record.Message, record.Counts));
        Assert.Null(record.KeyId);
        Assert.False(string.IsNullOrEmpty(record.RequestId));
    }

    [Theory]
    [InlineData("?limit=0", "limit must be between 1 and 1000.")]
    [InlineData("?limit=1001", "limit must be between 1 and 1000.")]
    [InlineData("?limit=ten", "limit must be a whole number.")]
    [InlineData("?continuation=abc", "continuation is not a token from a previous page.")]
    [InlineData("?since=yesterday", "since must be an ISO-8601 date or time, such as 2026-12-07 or 2026-12-07T09:30:00Z.")]
    [InlineData("?partner=segment", "partner must be a configured partner: amplitude, mixpanel.")]
    public async Task Feed_InvalidQuery_400WithTheRule(string query, string message)
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);

        // Act
        using var response = await api.Client.GetAsync(new Uri(api.FeedRoute(query), UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, await response.ReadErrorMessageAsync());
    }

    [Fact]
    public async Task CohortHistory_InvalidLimitUnknownPartnerOrWorkspace_400Or404()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);

        // Act
        using var limit = await api.Client.GetAsync(new Uri(api.CohortHistoryRoute("c1", "?limit=0"), UriKind.Relative));
        using var partner = await api.Client.GetAsync(new Uri($"manage/workspaces/{api.Workspace}/cohorts/segment/c1/history", UriKind.Relative));
        using var workspace = await api.Client.GetAsync(new Uri("manage/workspaces/NOT_A_WS/cohorts/amplitude/c1/history", UriKind.Relative));
        using var unknownCohort = await api.Client.GetAsync(new Uri(api.CohortHistoryRoute("never-sent"), UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, limit.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, partner.StatusCode);
        Assert.Equal("Partner 'segment' is not configured.", await partner.ReadErrorMessageAsync());
        Assert.Equal(HttpStatusCode.BadRequest, workspace.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unknownCohort.StatusCode);
    }

    [Fact]
    public async Task HistoryEndpoints_WithoutTheFunctionKey_Refused()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        using var client = _app.CreateClient(withFunctionKey: false);

        // Act
        using var feed = await client.GetAsync(new Uri(api.FeedRoute(), UriKind.Relative));
        using var cohort = await client.GetAsync(new Uri(api.CohortHistoryRoute("c1"), UriKind.Relative));

        // Assert
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (feed.StatusCode, cohort.StatusCode));
    }
}
