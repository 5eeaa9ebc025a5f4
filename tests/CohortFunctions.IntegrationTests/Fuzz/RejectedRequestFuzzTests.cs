using CohortFunctions.History;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.IntegrationTests.Security;
using Xunit.Abstractions;

namespace CohortFunctions.IntegrationTests.Fuzz;

/// <summary>
/// Requests that must be refused (see <see cref="RejectedRequests"/>), each a valid write of a workspace's real users,
/// cohorts, segment and keys with one thing broken. Every one gets a 4xx (or, for batches, every entry an error), and
/// together they change nothing: not what the operator sees, not one row in storage — but the sync history, which
/// records by design each partner call refused after its credentials were accepted (docs/history.md), and only such
/// calls, as new rows of this workspace.
/// </summary>
public sealed class RejectedRequestFuzzTests(RejectedRequestFuzzTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<RejectedRequestFuzzTests.Fixture>
{
    /// <summary>Cases per run (times <see cref="FuzzRunner.ScaleVariable"/>).</summary>
    public const int Cases = 1500;

    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task AnyEndpoint_RequestsThatMustBeRefused_AreRefusedAndChangeNothing()
    {
        // Arrange: one accepted postback first, so the key's last use is recorded before the snapshot.
        var workspace = await FuzzWorkspace.StartAsync(_app);
        await workspace.Amplitude.SendChangesAsync(FuzzWorkspace.CohortOne, TestChange.Add("u1"));
        var observed = await workspace.ObservableStateAsync();
        await HistoryWrittenAsync();
        var stored = await TableRows.CaptureAsync(_app);

        // Act
        var summary = await FuzzRunner.RunAsync(
            "refused requests", 2, FuzzRunner.Scaled(Cases), _app, output, pcg => RejectedRequests.Next(pcg, workspace));

        // Assert
        Assert.True(summary.Cases >= Cases);
        Assert.Equal(observed, await workspace.ObservableStateAsync());
        await HistoryWrittenAsync();
        var after = await TableRows.CaptureAsync(_app);
        var changes = after.ChangesSince(stored);
        Assert.DoesNotContain(changes, c => !IsHistory(c));
        Assert.All(changes.Where(IsHistory), change =>
        {
            Assert.StartsWith("added: ", change, StringComparison.Ordinal);
            var row = after.Rows[change["added: ".Length..]];
            Assert.StartsWith(workspace.Workspace + "|", row.PartitionKey, StringComparison.Ordinal);
            Assert.Equal("4", row.Properties["Status"][..1]);
        });

        // The oracle sees one accepted write, so the emptiness above means something.
        await workspace.Amplitude.SendChangesAsync(FuzzWorkspace.CohortOne, TestChange.Add("u3"));
        Assert.NotEqual(observed, await workspace.ObservableStateAsync());
        Assert.Contains((await TableRows.CaptureAsync(_app)).ChangesSince(after), c => !IsHistory(c));
    }

    private bool IsHistory(string change) => change.Contains($": {_app.TablePrefix}synchistory | ", StringComparison.Ordinal);

    /// <summary>Waits until the sync history has written every record the app has given it.</summary>
    private async Task HistoryWrittenAsync()
    {
        var writer = _app.GetRequiredService<SyncHistoryWriter>();
        var deadline = DateTimeOffset.UtcNow + HistoryApi.WriteWait;
        while (writer.Waiting > 0)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"{writer.Waiting} sync history records still waiting.");
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Writes a key's last use at most once a day, so that the one accepted postback before the snapshot is the only
    /// write of it: a refused postback with a valid key may otherwise record the key's use (by design).
    /// </summary>
    public sealed class Fixture : AppFixture
    {
        protected override void Configure(TestAppBuilder builder) =>
            builder.Set("ImportKeys:LastUsedWriteIntervalSeconds", "86400");
    }
}
