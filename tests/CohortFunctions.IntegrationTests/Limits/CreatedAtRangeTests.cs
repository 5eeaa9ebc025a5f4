using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Limits;

/// <summary>
/// A cohort's <c>created_at</c> must be a time the app can store and compute with: Azure Table Storage keeps times
/// from 1601-01-01 UTC on, and a cohort's next resync (a day later at most) must still be a time. Before this limit a
/// name call with <c>9999-12-31T23:59:59Z</c> was accepted and every later cohorts listing of the workspace answered
/// 500; one before 1601 is refused by Azure's table service (Azurite accepts it), which made the name call a 500.
/// </summary>
public sealed class CreatedAtRangeTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly TestApp _app = fixture.App;

    [Theory]
    [InlineData("1600-12-31T23:59:59Z")]
    [InlineData("0001-01-01")]
    [InlineData("0001-01-01T00:00:00-05:00")]
    [InlineData("1601-01-01T00:00:00+00:01")]
    [InlineData("9999-01-01")]
    [InlineData("9999-12-31T23:59:59Z")]
    [InlineData("9998-12-31T23:00:00-14:00")]
    public async Task NameCohort_CreatedAtOutsideStorableRange_Returns400AndCreatesNothing(string createdAt)
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);

        // Act
        using var response = await api.PostNameRawAsync(Body(api, createdAt));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("`created_at` must be a valid time as an ISO-8601 string", await response.ReadErrorMessageAsync());
        Assert.Empty(await api.CohortsAsync());
    }

    [Theory]
    [InlineData("1601-01-01T00:00:00Z", "1601-01-01T00:00:00+00:00")]
    [InlineData("1601-01-01T05:00:00+05:00", "1601-01-01T00:00:00+00:00")]
    [InlineData("9998-12-31T23:59:59Z", "9998-12-31T23:59:59+00:00")]
    public async Task NameCohort_CreatedAtAtTheEdges_IsKeptAndListed(string createdAt, string listed)
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);

        // Act
        using var response = await api.PostNameRawAsync(Body(api, createdAt));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.Created);
        var cohort = await api.CohortAsync("c1");
        Assert.Equal(listed, cohort.GetProperty("created_at").GetString());
    }

    private Dictionary<string, object?> Body(CohortApi api, string createdAt) => new()
    {
        ["partner_api_key"] = _app.PartnerApiKey("amplitude"),
        ["client_secret"] = api.Secret,
        ["cohort_id"] = "c1",
        ["name"] = "Edge",
        ["created_at"] = createdAt,
    };
}
