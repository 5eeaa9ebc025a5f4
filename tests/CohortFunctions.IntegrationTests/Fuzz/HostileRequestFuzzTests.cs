using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace CohortFunctions.IntegrationTests.Fuzz;

/// <summary>
/// Thousands of hostile requests over every partner and management endpoint (see <see cref="HostileRequests"/>):
/// malformed, truncated and non-UTF-8 bodies, wrong types, huge numbers, deep nesting, duplicate keys, escaped lone
/// surrogates, 10,000-element arrays, 1 MB strings, ids with every forbidden key character, hostile route values and
/// query parameters. Whatever arrives, the app answers like itself: no 5xx, no internals, its error shape, its headers.
/// </summary>
public sealed class HostileRequestFuzzTests(AppFixture fixture, ITestOutputHelper output) : IClassFixture<AppFixture>
{
    /// <summary>Cases per run (times <see cref="FuzzRunner.ScaleVariable"/>).</summary>
    public const int Cases = 3000;

    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task AnyEndpoint_HostileRequests_NeverServerErrorInternalsOrOtherErrorShape()
    {
        // Arrange
        var workspace = await FuzzWorkspace.StartAsync(_app);

        // Act
        var summary = await FuzzRunner.RunAsync(
            "hostile requests", 1, FuzzRunner.Scaled(Cases), _app, output, pcg => HostileRequests.NextGeneral(pcg, workspace));

        // Assert: the run happened, and the app still serves the workspace afterwards.
        Assert.True(summary.Cases >= Cases);
        using var health = await _app.Client.GetAsync(new Uri("health", UriKind.Relative));
        await ManagementApi.ExpectStatusAsync(health, HttpStatusCode.OK);
        Assert.Contains("\"cohort_id\":\"c1\"", await workspace.ObservableStateAsync(), StringComparison.Ordinal);
    }
}
