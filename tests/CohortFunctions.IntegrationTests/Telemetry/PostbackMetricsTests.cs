using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.Telemetry;
using CohortFunctions.TestSupport;

namespace CohortFunctions.IntegrationTests.Telemetry;

/// <summary>
/// The metric contract end to end: real postbacks through HTTP on the local host, on Azurite, and the exact figures
/// the app's meter recorded for them (what the exporters would send), with no key, key hint, identifier or cohort id
/// in any dimension.
/// </summary>
public sealed class PostbackMetricsTests
{
    private static readonly string[] Names = ["ada", "bob", "cy", "dee", "ghost", "phantom"];

    [Fact]
    public async Task Postback_AppliedThenRefused_RecordsTheExactFiguresOfEachAndNoSecretOrIdentifierInAnyDimension()
    {
        // Arrange: four users; dee is already a member of the cohort.
        // The workspace id has no hexadecimal run a key hint (four hex digits) could be found in by chance.
        await using var app = await TestApp.StartAsync();
        var api = await CohortApi.StartAsync(app, workspace: "ws-metrics-" + new string([.. Enumerable.Range(0, 12).Select(_ => (char)('g' + Random.Shared.Next(20)))]));
        var otherPartnerKey = await app.Client.CreateKeyAsync(api.Workspace, "mixpanel");
        var id = Guid.NewGuid().ToString("N");
        string Ext(string name) => $"{name}-{id}";
        var cohortId = "cohort-" + id;
        await api.CreateUsersAsync(Ext("ada"), Ext("bob"), Ext("cy"), Ext("dee"));
        await api.SendChangesAsync(cohortId, TestChange.Add(Ext("dee")));
        using var recorded = new RecordedMetrics(app.GetRequiredService<CohortMetrics>().Meter);

        // Act: ada and bob added, dee removed, cy removed though not a member, two identifiers of nobody.
        var counts = await api.SendChangesAsync(
            cohortId,
            TestChange.Add(Ext("ada"), Ext("bob"), Ext("ghost")),
            TestChange.Remove(Ext("dee"), Ext("cy"), Ext("phantom")));
        var wrongSecret = api.ChangesBody(cohortId, TestChange.Add(Ext("ada")));
        wrongSecret["client_secret"] = new string('e', 64);
        using var unauthorized = await api.PostChangesRawAsync(wrongSecret);
        var otherPartner = api.ChangesBody(cohortId, TestChange.Add(Ext("ada")));
        otherPartner["client_secret"] = otherPartnerKey.Secret;
        using var notEnabled = await api.PostChangesRawAsync(otherPartner);

        // Assert: the answers.
        Assert.Equal(new PostbackCounts(Added: 2, Removed: 1, Unchanged: 1, Unmatched: 2, DataPoints: 3), counts);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, notEnabled.StatusCode);

        // The calls: one 201 in the workspace, two 401s under workspace unknown, each with its fixed message.
        (string, string)[] ws = [("workspace", api.Workspace), ("partner", "amplitude")];
        var created = Assert.Single(recorded.Of(CohortMetrics.Postbacks, [.. ws, ("status_code", "201")]));
        Assert.Equal((1.0, "users", "2xx", ""), (created.Value, created.Tags["endpoint"], created.Tags["status_class"], created.Tags["message"]));
        Assert.Equal(1, recorded.Sum(CohortMetrics.Postbacks, ("workspace", "unknown"), ("partner", "amplitude"), ("status_code", "401"), ("message", "Invalid client secret")));
        Assert.Equal(1, recorded.Sum(CohortMetrics.Postbacks, ("workspace", "unknown"), ("partner", "amplitude"), ("status_code", "401"), ("message", "Partner not enabled for client with client secret")));
        Assert.Equal(3, recorded.Of(CohortMetrics.Postbacks).Count);

        // Its duration, its identifiers by result, its data points.
        var duration = Assert.Single(recorded.Of(CohortMetrics.PostbackDuration, [.. ws, ("endpoint", "users"), ("status_class", "2xx")]));
        Assert.InRange(duration.Value, 0.001, 30_000);
        Assert.Equal(
            [("received", 6.0), ("matched", 4.0), ("unmatched", 2.0), ("added", 2.0), ("removed", 1.0), ("unchanged", 1.0)],
            recorded.Of(CohortMetrics.PostbackIds, ws).Select(m => (m.Tags["result"]!, m.Value)).ToList());
        Assert.Equal(recorded.Of(CohortMetrics.PostbackIds).Count, recorded.Of(CohortMetrics.PostbackIds, ws).Count);
        var dataPoints = Assert.Single(recorded.Of(CohortMetrics.DataPoints));
        Assert.Equal((3.0, "postback", api.Workspace, "amplitude"), (dataPoints.Value, dataPoints.Tags["source"], dataPoints.Tags["workspace"], dataPoints.Tags["partner"]));

        // No dimension anywhere is or contains a key, a key hint, an identifier or the cohort id.
        var hints = (await app.Client.ListKeysAsync(api.Workspace, "amplitude")).Select(k => k.KeyHint)
            .Concat((await app.Client.ListKeysAsync(api.Workspace, "mixpanel")).Select(k => k.KeyHint));
        string[] forbidden =
        [
            api.Secret, otherPartnerKey.Secret, new string('e', 64), app.PartnerApiKey("amplitude"), app.PartnerApiKey("mixpanel"), api.KeyId, otherPartnerKey.KeyId,
            cohortId, id, .. hints, .. Names.Select(Ext),
        ];
        Assert.All(recorded.All, m =>
        {
            Assert.Contains("workspace", m.Tags.Keys);
            Assert.Contains("partner", m.Tags.Keys);
            Assert.All(m.Tags.Values.Where(v => !string.IsNullOrEmpty(v)), v => Assert.All(forbidden, f => Assert.DoesNotContain(f, v!, StringComparison.Ordinal)));
        });
    }
}
