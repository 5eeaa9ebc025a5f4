using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Segments;

/// <summary><c>POST /manage/workspaces/{ws}/segment-size</c>: an unsaved filter's size, checked as a saved one is.</summary>
public sealed class SegmentSizePreviewTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task PreviewSize_Filter_EqualsTheSizeOfTheSameSegmentSavedAndSavesNothing()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("a", "b", "c", "d");
        await api.SendChangesAsync("power", TestChange.Add("a", "b", "c"));
        await api.SendChangesAsync("churn", TestChange.Add("c", "d"));
        var filter = new Dictionary<string, object>
        {
            ["and"] = new object[]
            {
                new { includes = new { partner = "amplitude", cohort_id = "power" } },
                new { excludes = new { partner = "amplitude", cohort_id = "churn" } },
            },
        };

        // Act
        using var preview = await _app.Client.PostAsync(new Uri($"manage/workspaces/{api.Workspace}/segment-size", UriKind.Relative), TestJson.Body(new { filter }));
        using var saved = await _app.Client.PostAsync(new Uri($"manage/workspaces/{api.Workspace}/segments", UriKind.Relative), TestJson.Body(new { name = "s", filter }));

        // Assert
        await ManagementApi.ExpectStatusAsync(preview, HttpStatusCode.OK);
        await ManagementApi.ExpectStatusAsync(saved, HttpStatusCode.Created);
        Assert.Equal("""{"size":2}""", await preview.Content.ReadAsStringAsync());
        Assert.Equal(2, (await saved.ReadJsonAsync()).GetProperty("size").GetInt64());
        using var listed = await _app.Client.GetAsync(new Uri($"manage/workspaces/{api.Workspace}/segments", UriKind.Relative));
        Assert.Equal(1, (await listed.ReadJsonAsync()).GetProperty("segments").GetArrayLength());
    }

    public static TheoryData<string, string> Invalid() => new()
    {
        { """{}""", "filter is required." },
        { """{"filter": {"not": {}}}""", "filter: unknown operator \"not\"; use \"includes\", \"excludes\", \"and\" or \"or\"." },
        { """{"filter": {"includes": {"partner": "amplitude", "cohort_id": "nope"}}}""", "filter: cohort 'nope' of partner 'amplitude' does not exist in workspace '{ws}'." },
        { """{"filter": {"includes": {"partner": "segment", "cohort_id": "x"}}}""", "filter: partner 'segment' is not configured." },
        { """[]""", "Request body must be a JSON object." },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task PreviewSize_InvalidFilter_Returns400WithTheSegmentsApisMessage(string body, string message)
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);

        // Act
        using var response = await _app.Client.PostAsync(
            new Uri($"manage/workspaces/{api.Workspace}/segment-size", UriKind.Relative),
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(message.Replace("{ws}", api.Workspace, StringComparison.Ordinal), await response.ReadErrorMessageAsync());
    }

    [Fact]
    public async Task Cohorts_UnmatchedIdentifiers_HasPendingUntilAResyncLeavesNone()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("a");
        await api.SendChangesAsync("c1", TestChange.Add("a", "later"));
        var before = (await api.CohortAsync("c1")).GetProperty("has_pending").GetBoolean();
        await api.CreateUsersAsync("later");

        // Act
        using var resync = await _app.Client.PostAsync(new Uri($"manage/workspaces/{api.Workspace}/cohorts/amplitude/c1/resync", UriKind.Relative), content: null);

        // Assert
        await ManagementApi.ExpectStatusAsync(resync, HttpStatusCode.OK);
        Assert.True(before);
        Assert.False((await api.CohortAsync("c1")).GetProperty("has_pending").GetBoolean());
        Assert.Equal(2, await api.MemberCountAsync("c1"));
    }
}
