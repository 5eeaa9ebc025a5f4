using System.Net;
using System.Text.Json.Nodes;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Segments;

/// <summary>The segment endpoints through HTTP: the filter dropdown, create/read/update/delete, errors, and how segments follow cohorts and users.</summary>
public sealed class SegmentApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task CohortFilters_CohortsOfTwoPartners_OneGroupPerPartnerWithDisplayNames()
    {
        // Arrange
        var amplitude = await CohortApi.StartAsync(_app);
        var mixpanel = await CohortApi.StartAsync(_app, "mixpanel", amplitude.Workspace);
        await amplitude.CreateUsersAsync("ada");
        await amplitude.NameCohortAsync("abc123", "Power users");
        await amplitude.SendChangesAsync("unnamed-1", TestChange.Add("ada"));
        await mixpanel.NameCohortAsync("m-7", "Whales");

        // Act
        var body = await new SegmentApi(amplitude).CohortFiltersAsync();

        // Assert
        Assert.Equal(["filters"], body.PropertyNames());
        var groups = body.GetProperty("filters").EnumerateArray().ToList();
        Assert.Equal(["amplitude", "mixpanel"], groups.Select(g => g.GetRequiredString("partner")));
        Assert.Equal(["cohorts", "filter_name", "partner"], groups[0].PropertyNames());
        Assert.Equal("Amplitude Cohorts", groups[0].GetRequiredString("filter_name"));
        Assert.Equal("Mixpanel Cohorts", groups[1].GetRequiredString("filter_name"));
        Assert.Equal(
            [("abc123", "[Amplitude] Power users: abc123"), ("unnamed-1", "[Amplitude] unnamed-1: unnamed-1")],
            groups[0].GetProperty("cohorts").EnumerateArray().Select(c => (c.GetRequiredString("cohort_id"), c.GetRequiredString("display_name"))));
        Assert.Equal(["cohort_id", "display_name"], groups[0].GetProperty("cohorts")[0].PropertyNames());
        Assert.Equal(
            [("m-7", "[Mixpanel] Whales: m-7")],
            groups[1].GetProperty("cohorts").EnumerateArray().Select(c => (c.GetRequiredString("cohort_id"), c.GetRequiredString("display_name"))));
    }

    [Fact]
    public async Task CohortFilters_OnlyOnePartnerHasCohorts_OnlyItsGroup()
    {
        // Arrange
        var mixpanel = await CohortApi.StartAsync(_app, "mixpanel");
        await mixpanel.NameCohortAsync("m-1", "Churned");

        // Act
        var body = await new SegmentApi(mixpanel).CohortFiltersAsync();

        // Assert
        var group = Assert.Single(body.GetProperty("filters").EnumerateArray());
        Assert.Equal("mixpanel", group.GetRequiredString("partner"));
    }

    [Fact]
    public async Task CohortFilters_NoCohorts_EmptyList()
    {
        // Arrange
        var segments = new SegmentApi(_app.Client, TestIds.Workspace());

        // Act
        var body = await segments.CohortFiltersAsync();

        // Assert
        Assert.Equal(0, body.GetProperty("filters").GetArrayLength());
    }

    [Fact]
    public async Task Create_ValidFilter_201WithDefinitionAndSize()
    {
        // Arrange
        var (_, segments) = await WorkspaceAsync(("c1", ["ada", "bob"]), ("c2", ["bob"]));
        var filter = Filter.And(Filter.Includes("c1"), Filter.Excludes("c2"));

        // Act
        using var response = await segments.CreateRawAsync(new JsonObject { ["name"] = "Power but not churned", ["filter"] = filter.DeepClone() });

        // Assert
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(["created_at", "filter", "name", "segment_id", "size", "updated_at"], body.PropertyNames());
        Assert.Matches("^[0-9a-f]{16}$", body.GetRequiredString("segment_id"));
        Assert.Equal("Power but not churned", body.GetRequiredString("name"));
        Assert.True(JsonNode.DeepEquals(filter, JsonNode.Parse(body.GetProperty("filter").GetRawText())));
        Assert.Equal(1, body.GetProperty("size").GetInt64());
        Assert.Equal(body.GetProperty("created_at").GetDateTimeOffset(), body.GetProperty("updated_at").GetDateTimeOffset());
        Assert.Equal(["ada"], await segments.ExportedExternalIdsAsync(body.GetRequiredString("segment_id")));
    }

    public static TheoryData<string, string> InvalidFilters => new()
    {
        { """{"includes": {"partner": "amplitude", "cohort_id": "nope"}}""", "filter: cohort 'nope' of partner 'amplitude' does not exist in workspace" },
        { """{"or": [{"includes": {"partner": "amplitude", "cohort_id": "c1"}}, {"excludes": {"partner": "mixpanel", "cohort_id": "c1"}}]}""", "filter: cohort 'c1' of partner 'mixpanel' does not exist" },
        { """{"includes": {"partner": "segment", "cohort_id": "c1"}}""", "filter: partner 'segment' is not configured." },
        { """{"and": []}""", "filter.and must be a non-empty array of filters." },
        { """{"or": [{"includes": {"partner": "amplitude", "cohort_id": "c1"}}, {"or": []}]}""", "filter.or[1].or must be a non-empty array of filters." },
        { """{"not": {"partner": "amplitude", "cohort_id": "c1"}}""", "filter: unknown operator \"not\"" },
        { """{"includes": {"cohort_id": "c1"}}""", "filter.includes must be an object with string \"partner\" and \"cohort_id\"." },
        { """[]""", "filter must be an object" },
        { Nested(9), "filter.and[0].and[0].and[0].and[0].and[0].and[0].and[0].and[0]: filter is nested deeper than 8 levels." },
        { Conditions(51), "filter has 51 cohort conditions; at most 50 are allowed." },
    };

    [Theory]
    [MemberData(nameof(InvalidFilters))]
    public async Task Create_InvalidFilter_400NamingTheProblemAndNothingCreated(string filterJson, string message)
    {
        // Arrange
        var (_, segments) = await WorkspaceAsync(("c1", ["ada"]));

        // Act
        using var response = await segments.CreateRawAsync($$"""{"name": "bad", "filter": {{filterJson}}}""");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(message, await response.ReadErrorMessageAsync(), StringComparison.Ordinal);
        Assert.Empty(await segments.ListAsync());
    }

    [Fact]
    public async Task Create_DepthEightAndFiftyConditions_Accepted()
    {
        // Arrange
        var (_, segments) = await WorkspaceAsync(("c1", ["ada"]));

        // Act
        using var deep = await segments.CreateRawAsync($$"""{"name": "deep", "filter": {{Nested(8)}}}""");
        using var wide = await segments.CreateRawAsync($$"""{"name": "wide", "filter": {{Conditions(50)}}}""");

        // Assert
        Assert.Equal(HttpStatusCode.Created, deep.StatusCode);
        Assert.Equal(1, (await deep.ReadJsonAsync()).GetProperty("size").GetInt64());
        Assert.Equal(HttpStatusCode.Created, wide.StatusCode);
        Assert.Equal(1, (await wide.ReadJsonAsync()).GetProperty("size").GetInt64());
    }

    [Theory]
    [InlineData("""{"filter": {"includes": {"partner": "amplitude", "cohort_id": "c1"}}}""", "name is required.")]
    [InlineData("""{"name": "", "filter": {"includes": {"partner": "amplitude", "cohort_id": "c1"}}}""", "name must be a non-empty string of at most 200 characters.")]
    [InlineData("""{"name": "no filter"}""", "filter is required.")]
    public async Task Create_MissingOrBadFields_400(string body, string message)
    {
        // Arrange
        var (_, segments) = await WorkspaceAsync(("c1", ["ada"]));

        // Act
        using var response = await segments.CreateRawAsync(body);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, await response.ReadErrorMessageAsync());
    }

    [Fact]
    public async Task Create_BodyNotJson_400()
    {
        // Arrange
        var (_, segments) = await WorkspaceAsync(("c1", ["ada"]));

        // Act
        using var response = await segments.CreateRawAsync("{\"name\": ");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await response.ReadErrorMessageAsync();
    }

    [Fact]
    public async Task GetAndList_Segments_DefinitionWithCurrentSize()
    {
        // Arrange
        var (api, segments) = await WorkspaceAsync(("c1", ["ada", "bob"]), ("c2", ["bob"]));
        var first = await segments.CreateAsync("first", Filter.Includes("c1"));
        var second = await segments.CreateAsync("second", Filter.Or(Filter.Includes("c2"), Filter.Excludes("c1")));
        await api.CreateUsersAsync("cy");

        // Act
        var got = await segments.GetAsync(first.SegmentId);
        var listed = await segments.ListAsync();

        // Assert: sizes are computed now, so cy (in no cohort) counts for "not c1".
        Assert.Equal("first", got.Name);
        Assert.Equal(2, got.Size);
        Assert.True(JsonNode.DeepEquals(Filter.Includes("c1"), JsonNode.Parse(got.Filter.GetRawText())));
        Assert.Equal([first.SegmentId, second.SegmentId], listed.Select(s => s.SegmentId));
        Assert.Equal([2L, 2L], listed.Select(s => s.Size));
    }

    [Theory]
    [InlineData("0123456789abcdef")]
    [InlineData("not-a-segment-id")]
    public async Task Get_UnknownSegment_404(string segmentId)
    {
        // Arrange
        var (_, segments) = await WorkspaceAsync(("c1", ["ada"]));

        // Act
        using var get = await segments.GetRawAsync(segmentId);
        using var users = await segments.UsersRawAsync(segmentId, "?limit=10");
        using var put = await segments.UpdateRawAsync(segmentId, new { name = "x" });
        using var delete = await segments.DeleteRawAsync(segmentId);

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        await get.ReadErrorMessageAsync();
        Assert.Equal(HttpStatusCode.NotFound, users.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
    }

    [Fact]
    public async Task Get_SegmentOfAnotherWorkspace_404()
    {
        // Arrange
        var (_, segments) = await WorkspaceAsync(("c1", ["ada"]));
        var segment = await segments.CreateAsync("mine", Filter.Includes("c1"));
        var other = new SegmentApi(_app.Client, TestIds.Workspace());

        // Act
        using var response = await other.GetRawAsync(segment.SegmentId);

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await other.ListAsync());
    }

    [Fact]
    public async Task Put_NameOnly_RenamesAndKeepsTheFilter()
    {
        // Arrange
        var (_, segments) = await WorkspaceAsync(("c1", ["ada", "bob"]));
        var segment = await segments.CreateAsync("old", Filter.Includes("c1"));

        // Act
        var updated = await segments.UpdateAsync(segment.SegmentId, new { name = "new" });

        // Assert
        Assert.Equal("new", updated.Name);
        Assert.Equal(2, updated.Size);
        Assert.Equal(segment.Filter.GetRawText(), updated.Filter.GetRawText());
        Assert.Equal("new", (await segments.GetAsync(segment.SegmentId)).Name);
    }

    [Fact]
    public async Task Put_Filter_ChangesWhoIsInItAndKeepsTheName()
    {
        // Arrange
        var (_, segments) = await WorkspaceAsync(("c1", ["ada", "bob"]), ("c2", ["bob", "cy"]));
        var segment = await segments.CreateAsync("kept", Filter.Includes("c1"));

        // Act
        var updated = await segments.UpdateAsync(segment.SegmentId, new JsonObject { ["filter"] = Filter.And(Filter.Includes("c2"), Filter.Excludes("c1")) });

        // Assert
        Assert.Equal("kept", updated.Name);
        Assert.Equal(1, updated.Size);
        Assert.Equal(["cy"], await segments.ExportedExternalIdsAsync(segment.SegmentId));
    }

    [Theory]
    [InlineData("""{"filter": {"includes": {"partner": "amplitude", "cohort_id": "nope"}}}""")]
    [InlineData("""{"filter": {"or": []}}""")]
    [InlineData("""{"name": ""}""")]
    [InlineData("""{"name": 7}""")]
    public async Task Put_Invalid_400AndTheSegmentUnchanged(string body)
    {
        // Arrange
        var (_, segments) = await WorkspaceAsync(("c1", ["ada"]));
        var segment = await segments.CreateAsync("stays", Filter.Includes("c1"));

        // Act
        using var response = await segments.UpdateRawAsync(segment.SegmentId, body);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await response.ReadErrorMessageAsync();
        var after = await segments.GetAsync(segment.SegmentId);
        Assert.Equal("stays", after.Name);
        Assert.Equal(segment.Filter.GetRawText(), after.Filter.GetRawText());
    }

    [Fact]
    public async Task Delete_Segment_204ThenGone()
    {
        // Arrange
        var (_, segments) = await WorkspaceAsync(("c1", ["ada"]));
        var segment = await segments.CreateAsync("short-lived", Filter.Includes("c1"));
        var kept = await segments.CreateAsync("kept", Filter.Includes("c1"));

        // Act
        using var deleted = await segments.DeleteRawAsync(segment.SegmentId);
        using var again = await segments.DeleteRawAsync(segment.SegmentId);

        // Assert
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        using var get = await segments.GetRawAsync(segment.SegmentId);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal([kept.SegmentId], (await segments.ListAsync()).Select(s => s.SegmentId));
    }

    [Theory]
    [InlineData("?limit=0", "limit must be between 1 and 1000.")]
    [InlineData("?limit=1001", "limit must be between 1 and 1000.")]
    [InlineData("?limit=ten", "limit must be a whole number.")]
    [InlineData("?continuation=bm90IGEgdG9rZW4", "continuation is not a token from a previous page.")]
    public async Task Export_BadPaging_400(string query, string message)
    {
        // Arrange
        var (_, segments) = await WorkspaceAsync(("c1", ["ada"]));
        var segment = await segments.CreateAsync("s", Filter.Includes("c1"));

        // Act
        using var response = await segments.UsersRawAsync(segment.SegmentId, query);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, await response.ReadErrorMessageAsync());
    }

    [Fact]
    public async Task RenamedCohort_SegmentOverIt_KeepsWorkingAndTheDropdownShowsTheNewName()
    {
        // Arrange
        var (api, segments) = await WorkspaceAsync(("c1", ["ada", "bob"]), ("c2", ["bob"]));
        var segment = await segments.CreateAsync("s", Filter.And(Filter.Includes("c1"), Filter.Excludes("c2")));

        // Act
        await api.NameCohortAsync("c1", "Renamed power users");
        await api.NameCohortAsync("c2", "Renamed churn");

        // Assert
        Assert.Equal(1, (await segments.GetAsync(segment.SegmentId)).Size);
        Assert.Equal(["ada"], await segments.ExportedExternalIdsAsync(segment.SegmentId));
        var cohorts = (await segments.CohortFiltersAsync()).GetProperty("filters")[0].GetProperty("cohorts").EnumerateArray()
            .Select(c => c.GetRequiredString("display_name"));
        Assert.Equal(["[Amplitude] Renamed churn: c2", "[Amplitude] Renamed power users: c1"], cohorts);
    }

    [Fact]
    public async Task DeletedUser_InIncludesAndExcludesSegments_GoneFromEveryOne()
    {
        // Arrange
        var (api, segments) = await WorkspaceAsync(("c1", ["ada", "bob"]), ("c2", ["cy"]));
        var included = await segments.CreateAsync("in c1", Filter.Includes("c1"));
        var excluded = await segments.CreateAsync("not in c2", Filter.Excludes("c2"));
        var compound = await segments.CreateAsync("c1 and not c2", Filter.And(Filter.Includes("c1"), Filter.Excludes("c2")));
        var ada = (await api.LookupAsync("external_id=ada"))!.Value.GetRequiredString("user_id");

        // Act
        await api.DeleteUserAsync(ada);

        // Assert
        Assert.Equal(["bob"], await segments.ExportedExternalIdsAsync(included.SegmentId));
        Assert.Equal(["bob"], await segments.ExportedExternalIdsAsync(excluded.SegmentId));
        Assert.Equal(["bob"], await segments.ExportedExternalIdsAsync(compound.SegmentId));
        Assert.Equal([1L, 1L, 1L], (await segments.ListAsync()).Select(s => s.Size));
    }

    [Fact]
    public async Task Excludes_UserCreatedLater_InTheSegmentWithoutAnyPostback()
    {
        // Arrange: excludes is over every user of the workspace, not only those a partner ever named.
        var (api, segments) = await WorkspaceAsync(("c1", ["ada"]));
        var segment = await segments.CreateAsync("not c1", Filter.Excludes("c1"));
        Assert.Equal(0, segment.Size);

        // Act
        await api.CreateUsersAsync([new TestUser(DeviceIds: ["anonymous-device"]), new TestUser("bob")]);

        // Assert
        var exported = await segments.WalkAsync(segment.SegmentId);
        Assert.Equal(2, exported.Count);
        Assert.Contains(exported, u => u.ExternalId is null);
        Assert.Contains(exported, u => u.ExternalId == "bob");
        Assert.Equal(2, (await segments.GetAsync(segment.SegmentId)).Size);
    }

    /// <summary>A workspace whose users are the named external ids, with Amplitude cohorts of those members.</summary>
    private async Task<(CohortApi Api, SegmentApi Segments)> WorkspaceAsync(params (string Cohort, string[] Members)[] cohorts)
    {
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync([.. cohorts.SelectMany(c => c.Members).Distinct()]);
        foreach (var (cohort, members) in cohorts)
        {
            await api.NameCohortAsync(cohort, "Cohort " + cohort);
            await api.SendChangesAsync(cohort, TestChange.Add(members));
        }

        return (api, new SegmentApi(api));
    }

    private static string Nested(int levels)
    {
        var node = Filter.Includes("c1");
        for (var level = 1; level < levels; level++)
        {
            node = Filter.And(node);
        }

        return node.ToJsonString();
    }

    private static string Conditions(int count) =>
        Filter.Or([.. Enumerable.Range(0, count).Select(i => i % 2 == 0 ? Filter.Includes("c1") : Filter.Excludes("c1"))]).ToJsonString();
}
