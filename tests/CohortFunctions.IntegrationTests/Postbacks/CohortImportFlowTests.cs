using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Postbacks;

/// <summary>The whole import flow through HTTP on real storage: key → name → add → remove → counts → data points.</summary>
public sealed class CohortImportFlowTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task Postbacks_AddThenRemove_MembersCountsAndDataPointsFollow()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("ada", "bob", "cy");
        await api.NameCohortAsync("abc123", "Power users");

        // Act
        var added = await api.SendChangesAsync("abc123", TestChange.Add("ada", "bob", "cy"));
        var removed = await api.SendChangesAsync("abc123", TestChange.Remove("bob"));

        // Assert
        Assert.Equal(new PostbackCounts(3, 0, 0, 0, 3), added);
        Assert.Equal(new PostbackCounts(0, 1, 0, 0, 1), removed);
        Assert.Equal(["ada", "cy"], await api.MemberExternalIdsAsync("abc123"));
        var cohort = await api.CohortAsync("abc123");
        Assert.Equal(2, cohort.GetProperty("member_count").GetInt64());
        Assert.Equal("Power users", cohort.GetRequiredString("name"));
        Assert.Equal("[Amplitude] Power users: abc123", cohort.GetRequiredString("display_name"));
        Assert.Equal(4, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task Postback_RetriedAsIs_CountsNothingTheSecondTime()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("ada", "bob");
        var first = await api.SendChangesAsync("c1", TestChange.Add("ada", "bob"), TestChange.Remove("nobody"));

        // Act
        var retry = await api.SendChangesAsync("c1", TestChange.Add("ada", "bob"), TestChange.Remove("nobody"));
        var removeTwice = await api.SendChangesAsync("c1", TestChange.Remove("ada"));
        var removeAgain = await api.SendChangesAsync("c1", TestChange.Remove("ada"));

        // Assert
        Assert.Equal(new PostbackCounts(2, 0, 0, 1, 2), first);
        Assert.Equal(new PostbackCounts(0, 0, 2, 1, 0), retry);
        Assert.Equal(new PostbackCounts(0, 1, 0, 0, 1), removeTwice);
        Assert.Equal(new PostbackCounts(0, 0, 1, 0, 0), removeAgain);
        Assert.Equal(1, await api.MemberCountAsync("c1"));
        Assert.Equal(3, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task CredentialTest_EmptyChangesForUnknownCohort_Answers201AndCreatesNothing()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);

        // Act
        var counts = await api.SendChangesAsync("will_add_in_constant");
        var emptyArrays = await api.SendChangesAsync("will_add_in_constant", new TestChange([], [], []));

        // Assert
        Assert.Equal(new PostbackCounts(0, 0, 0, 0, 0), counts);
        Assert.Equal(new PostbackCounts(0, 0, 0, 0, 0), emptyArrays);
        Assert.Empty(await api.CohortsAsync());
    }

    [Fact]
    public async Task Postback_UnknownCohort_CreatesItNamedAfterItsIdUntilNamed()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("ada");

        // Act
        await api.SendChangesAsync("late-name", TestChange.Add("ada"));
        var before = await api.CohortAsync("late-name");
        await api.NameCohortAsync("late-name", "Named later", "2020-05-01T00:00:00Z");
        await api.NameCohortAsync("late-name", "Renamed", "2024-01-01T00:00:00Z");
        var after = await api.CohortAsync("late-name");

        // Assert
        Assert.Equal("late-name", before.GetRequiredString("name"));
        Assert.Equal("Renamed", after.GetRequiredString("name"));
        Assert.Equal(DateTimeOffset.Parse("2020-05-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), after.GetProperty("created_at").GetDateTimeOffset());
        Assert.Equal(1, after.GetProperty("member_count").GetInt64());
    }

    [Fact]
    public async Task Postback_1001Ids_RejectedWithBrazeMessageAndNothingApplied()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("ada");
        var ids = Enumerable.Range(0, 1000).Select(i => $"u{i}").Append("ada").ToArray();

        // Act
        using var response = await api.PostChangesRawAsync(api.ChangesBody("c", new TestChange(UserIds: ids[..500]), new TestChange(UserIds: ids[500..])));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Only 1,000 `user_ids`, `device_ids`, and `aliases` are allowed per request", await response.ReadErrorMessageAsync());
        Assert.Empty(await api.CohortsAsync());
    }

    [Fact]
    public async Task Postback_ExactlyOneThousandIds_IsAccepted()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        var ids = Enumerable.Range(0, 1000).Select(i => $"user-{i}").ToArray();
        await api.CreateUsersAsync(ids[..600]);

        // Act
        var counts = await api.SendChangesAsync("big", TestChange.Add(ids));

        // Assert
        Assert.Equal(new PostbackCounts(600, 0, 0, 400, 600), counts);
        Assert.Equal(600, await api.MemberCountAsync("big"));
        Assert.Equal(600, (await api.MembersAsync("big", limit: 7)).Select(m => m.UserId).Distinct().Count());
    }

    [Fact]
    public async Task Postback_SameUserByTwoIdentifiers_LastChangeWinsAndCountsOnce()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync([new TestUser("ada", Aliases: [new TestAlias("ada@example.com", "email")])]);

        // Act
        var addThenRemove = await api.SendChangesAsync(
            "c",
            new TestChange(UserIds: ["ada"], Aliases: [new TestAlias("ada@example.com", "email")]),
            new TestChange(Aliases: [new TestAlias("ada@example.com", "email")], ShouldRemove: true));
        var removeThenAdd = await api.SendChangesAsync(
            "c",
            new TestChange(UserIds: ["ada"], ShouldRemove: true),
            new TestChange(Aliases: [new TestAlias("ada@example.com", "email")]));

        // Assert
        Assert.Equal(new PostbackCounts(0, 0, 1, 0, 0), addThenRemove);
        Assert.Equal(new PostbackCounts(1, 0, 0, 0, 1), removeThenAdd);
        Assert.Equal(["ada"], await api.MemberExternalIdsAsync("c"));
    }

    [Fact]
    public async Task DeviceIds_MatchOnlyAnonymousUsers_NotOnceIdentified()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync([new TestUser(DeviceIds: ["dev-1"]), new TestUser("known", DeviceIds: ["dev-2"])]);

        // Act
        var anonymous = await api.SendChangesAsync("c", new TestChange(DeviceIds: ["dev-1", "dev-2"]));
        await api.IdentifyAsync(new[] { new { external_id = "now-known", device_id = "dev-1" } });
        var afterIdentify = await api.SendChangesAsync("c", new TestChange(DeviceIds: ["dev-1"], ShouldRemove: true));
        var byExternalId = await api.SendChangesAsync("c", TestChange.Remove("now-known"));

        // Assert
        Assert.Equal(new PostbackCounts(1, 0, 0, 1, 1), anonymous);
        Assert.Equal(new PostbackCounts(0, 0, 0, 1, 0), afterIdentify);
        Assert.Equal(new PostbackCounts(0, 1, 0, 0, 1), byExternalId);
        Assert.Equal(0, await api.MemberCountAsync("c"));
    }

    [Fact]
    public async Task Aliases_MatchIdentifiedAndAnonymousUsers()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync(
        [
            new TestUser("known", Aliases: [new TestAlias("k@example.com", "email")]),
            new TestUser(Aliases: [new TestAlias("anon-amp-1", "amplitude_id")]),
        ]);

        // Act
        var counts = await api.SendChangesAsync("c", new TestChange(Aliases: [new TestAlias("k@example.com", "email"), new TestAlias("anon-amp-1", "amplitude_id"), new TestAlias("k@example.com", "other_label")]));

        // Assert
        Assert.Equal(new PostbackCounts(2, 0, 0, 1, 2), counts);
    }

    [Fact]
    public async Task AwkwardIdentifiersAndCohortIds_RoundTripExactly()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        string[] ids = ["a/b\\c#d?e%f", "  spaced  \"quoted\" 'single' ", "emoji 🧪🚀 ünïcödé", "%2F literally", "~41|pipe", new string('x', 1024), new string('é', 1024)];
        await api.CreateUsersAsync(ids);
        const string cohortId = "cohort/with%2Fslash #1?";

        // Act
        var counts = await api.SendChangesAsync(cohortId, TestChange.Add(ids));
        var members = await api.MemberExternalIdsAsync(cohortId);

        // Assert
        Assert.Equal(new PostbackCounts(ids.Length, 0, 0, 0, ids.Length), counts);
        Assert.Equal(ids.Order(StringComparer.Ordinal), members);
        Assert.Equal(cohortId, (await api.CohortAsync(cohortId)).GetRequiredString("cohort_id"));
    }

    [Fact]
    public async Task DeletedUser_LeavesEveryCohortAndCountsStayExact()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("ada", "bob");
        await api.SendChangesAsync("c1", TestChange.Add("ada", "bob"));
        await api.SendChangesAsync("c2", TestChange.Add("ada"));
        var ada = (await api.LookupAsync("external_id=ada"))!.Value.GetRequiredString("user_id");

        // Act
        await api.DeleteUserAsync(ada);

        // Assert
        Assert.Equal(["bob"], await api.MemberExternalIdsAsync("c1"));
        Assert.Equal(1, await api.MemberCountAsync("c1"));
        Assert.Equal(0, await api.MemberCountAsync("c2"));
        Assert.Null(await api.LookupAsync("external_id=ada"));
        Assert.Equal(new PostbackCounts(0, 0, 0, 1, 0), await api.SendChangesAsync("c2", TestChange.Add("ada")));
    }

    [Fact]
    public async Task Identify_MergingAnonymousIntoExisting_MovesMembershipsWithExactCounts()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync([new TestUser("ada"), new TestUser(DeviceIds: ["dev-9"])]);
        await api.SendChangesAsync("both", TestChange.Add("ada"), new TestChange(DeviceIds: ["dev-9"]));
        await api.SendChangesAsync("anon-only", new TestChange(DeviceIds: ["dev-9"]));

        // Act
        var identified = await api.IdentifyAsync(new[] { new { external_id = "ada", device_id = "dev-9" } });

        // Assert
        Assert.Equal(1, identified.GetProperty("merged").GetInt32());
        Assert.Equal(["ada"], await api.MemberExternalIdsAsync("both"));
        Assert.Equal(1, await api.MemberCountAsync("both"));
        Assert.Equal(["ada"], await api.MemberExternalIdsAsync("anon-only"));
        Assert.Equal(1, await api.MemberCountAsync("anon-only"));
    }

    [Fact]
    public async Task Postback_IsolatedByWorkspace_SameIdsInAnotherWorkspaceUntouched()
    {
        // Arrange
        var a = await CohortApi.StartAsync(_app);
        var b = await CohortApi.StartAsync(_app);
        await a.CreateUsersAsync("shared-id");
        await b.CreateUsersAsync("shared-id");

        // Act
        await a.SendChangesAsync("same-cohort", TestChange.Add("shared-id"));

        // Assert
        Assert.Equal(1, await a.MemberCountAsync("same-cohort"));
        Assert.Empty(await b.CohortsAsync());
        Assert.Equal(0, await b.DataPointsTotalAsync());
    }
}
