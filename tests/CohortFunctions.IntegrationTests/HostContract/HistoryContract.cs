using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.IntegrationTests.RealHost;

namespace CohortFunctions.IntegrationTests.HostContract;

/// <summary>
/// The sync history and the lookup's explanation, the same on both hosts: a cohort's history and the workspace feed,
/// newest first and a page at a time, with each call's answer, key id and request id; their 400s and 404s; cohort ids
/// that only survive the raw path; a user's standing per cohort.
/// </summary>
public abstract class HistoryContract(HostFixture fixture)
{
    private readonly IAppUnderTest _app = fixture.App;

    [Fact]
    public async Task History_PartnerCallsOfEachKind_ListedNewestFirstPageByPageInTheCohortAndTheFeed()
    {
        // Arrange
        const string CohortId = "a/b é+x 100%";
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("ada");
        await api.SendChangesAsync(CohortId);
        await api.NameCohortAsync(CohortId, "Odd");
        await api.SendChangesAsync(CohortId, TestChange.Add("ada"));
        using var refused = await api.PostChangesRawAsync(new Dictionary<string, object?>(api.ChangesBody(CohortId)) { ["cohort_changes"] = 5 });
        await api.SendChangesAsync("other", TestChange.Add("ada"));

        // Act
        await api.WaitForFeedAsync(5);
        var (cohort, cohortPages) = await HistoryApi.AllPagesAsync(c => api.CohortHistoryAsync(CohortId, limit: 2, continuation: c));
        var (feed, _) = await HistoryApi.AllPagesAsync(c => api.FeedAsync(limit: 3, continuation: c, partner: "amplitude"));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(["changes", "changes", "name", "credential_test"], cohort.Select(r => r.Kind));
        Assert.Equal([400, 201, 201, 201], cohort.Select(r => r.Status));
        Assert.Equal(3, cohortPages); // two full pages, then an empty one: a full page always has a continuation
        Assert.All(cohort, r => Assert.Equal((CohortId, api.KeyId), (r.CohortId, r.KeyId)));
        Assert.All(cohort, r => Assert.False(string.IsNullOrEmpty(r.RequestId)));
        Assert.Equal(["other", CohortId, CohortId, CohortId, CohortId], feed.Select(r => r.CohortId));
        Assert.Equal(feed.OrderByDescending(r => r.At).Select(r => r.Id), feed.Select(r => r.Id));
    }

    [Fact]
    public async Task History_QueryTheApiRefusesOrAPartnerItDoesNotKnow_400Or404()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);

        // Act
        using var since = await api.Client.GetAsync(new Uri(api.FeedRoute("?since=soon"), UriKind.Relative));
        using var continuation = await api.Client.GetAsync(new Uri(api.CohortHistoryRoute("c1", "?continuation=forged"), UriKind.Relative));
        using var partner = await api.Client.GetAsync(new Uri($"manage/workspaces/{api.Workspace}/cohorts/segment/c1/history", UriKind.Relative));
        using var withoutKey = await _app.CreateClient(withFunctionKey: false).GetAsync(new Uri(api.FeedRoute(), UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, since.StatusCode);
        Assert.Equal("continuation is not a token from a previous page.", await continuation.ReadErrorMessageAsync());
        Assert.Equal(HttpStatusCode.NotFound, partner.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
    }

    [Fact]
    public async Task Lookup_UserMemberOfOneCohortAndNotOfAnother_EachStandingWithHowItGotThere()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("ada");
        await api.SendChangesAsync("in", TestChange.Add("ada"));
        await api.SendChangesAsync("out", TestChange.Add("bob"));

        // Act
        var user = (await api.LookupAsync("external_id=ada"))!.Value;

        // Assert
        var states = user.GetProperty("cohort_states").EnumerateArray().ToDictionary(s => s.GetRequiredString("cohort_id"));
        Assert.Equal(("member", "postback"), (states["in"].GetRequiredString("state"), states["in"].GetRequiredString("added_by")));
        Assert.Equal("not_member", states["out"].GetRequiredString("state"));
    }
}

public sealed class HistoryContractOnLocalHost(LocalHostFixture fixture) : HistoryContract(fixture), IClassFixture<LocalHostFixture>;

[Trait("Host", "Real")]
public sealed class HistoryContractOnRealHost(RealHostFixture fixture) : HistoryContract(fixture), IClassFixture<RealHostFixture>;
