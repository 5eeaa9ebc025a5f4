using CohortFunctions.History;
using CohortFunctions.ImportKeys;
using CohortFunctions.UnitTests.TestSupport;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace CohortFunctions.UnitTests.History;

/// <summary>
/// The retention sweep: every workspace with a data import key, whole UTC days before today minus the retention,
/// each workspace on its own (a failing one passed over), resumable at the workspace a deadline stopped it at.
/// </summary>
public sealed class HistoryRetentionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 3, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly Mock<IImportKeyStore> _keys = new();

    public HistoryRetentionTests() =>
        _keys.Setup(k => k.ListWorkspacesAsync(It.IsAny<CancellationToken>()))
            .ReturnsAsync([TestKeys.Workspace("zeta"), TestKeys.Workspace("acme"), TestKeys.Workspace("beta")]);

    [Fact]
    public async Task SweepAsync_RecordsOfSeveralWorkspacesAndDays_RemovesTheDaysBeforeTheRetentionInEveryWorkspace()
    {
        // Arrange: retention 14 days, so 2026-11-23 is the first day kept.
        var store = new InMemorySyncHistoryStore();
        await store.AppendAsync(
        [
            Record("acme", new DateTimeOffset(2026, 11, 22, 23, 59, 59, TimeSpan.Zero)),
            Record("acme", new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero)),
            Record("zeta", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero)),
            Record("zeta", Now),
            Record("nokey", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero)),
        ], CancellationToken.None);

        // Act
        var sweep = await Retention(store, days: 14).SweepAsync(Now.AddSeconds(20), CancellationToken.None);

        // Assert
        Assert.Equal(new HistorySweep(Workspaces: 3, RowsDeleted: 4, Failed: 0, Complete: true), sweep);
        Assert.Equal(["acme", "beta", "zeta"], store.Purged);
        Assert.Equal(
            [("acme", new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero)), ("nokey", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero)), ("zeta", Now)],
            store.Records.Select(r => (r.Workspace.Value, r.At)).Order());
    }

    [Fact]
    public async Task SweepAsync_DeadlinePassesAfterTheFirstWorkspace_SavesWhereItStoppedAndTheNextSweepResumesThere()
    {
        // Arrange: purging a workspace takes 10 s; the deadline is 5 s away.
        var store = new SlowStore(_time, TimeSpan.FromSeconds(10));

        // Act
        var first = await Retention(store).SweepAsync(Now.AddSeconds(5), CancellationToken.None);
        var cursor = await store.LoadSweepCursorAsync(CancellationToken.None);
        var second = await Retention(store).SweepAsync(_time.GetUtcNow().AddMinutes(1), CancellationToken.None);

        // Assert
        Assert.Equal((1, false), (first.Workspaces, first.Complete));
        Assert.Equal("beta", cursor);
        Assert.Equal((2, true), (second.Workspaces, second.Complete));
        Assert.Equal(["acme", "beta", "zeta"], store.Purged);
        Assert.Null(await store.LoadSweepCursorAsync(CancellationToken.None));
    }

    [Fact]
    public async Task SweepAsync_OneWorkspaceFails_TheOthersSweptAndTheFailureCounted()
    {
        // Arrange
        var store = new FailingStore("beta");

        // Act
        var sweep = await Retention(store).SweepAsync(Now.AddSeconds(20), CancellationToken.None);

        // Assert
        Assert.Equal((2, 1, true), (sweep.Workspaces, sweep.Failed, sweep.Complete));
        Assert.Equal(["acme", "beta", "zeta"], store.Purged);
    }

    private static SyncRecord Record(string workspace, DateTimeOffset at) => new(
        SyncRecord.NewId(), at, TestKeys.Workspace(workspace), "amplitude", "c1", SyncKind.Changes, new SyncOutcome(201, "success"), SyncCounts.None, TimeSpan.Zero, "key", "request");

    private HistoryRetention Retention(ISyncHistoryStore store, int days = 14) =>
        new(store, _keys.Object, _time, Options.Create(new HistoryOptions { RetentionDays = days }), NullLogger<HistoryRetention>.Instance);

    private sealed class SlowStore(FakeTimeProvider time, TimeSpan perWorkspace) : InMemorySyncHistoryStore
    {
        public override Task<(int Deleted, bool Complete)> PurgeAsync(WorkspaceId workspace, DateOnly firstDayKept, DateTimeOffset deadline, TimeProvider clock, CancellationToken cancellationToken)
        {
            time.Advance(perWorkspace);
            return base.PurgeAsync(workspace, firstDayKept, deadline, clock, cancellationToken);
        }
    }

    private sealed class FailingStore(string failing) : InMemorySyncHistoryStore
    {
        public override Task<(int Deleted, bool Complete)> PurgeAsync(WorkspaceId workspace, DateOnly firstDayKept, DateTimeOffset deadline, TimeProvider clock, CancellationToken cancellationToken)
        {
            var purged = base.PurgeAsync(workspace, firstDayKept, deadline, clock, cancellationToken);
            return workspace.Value == failing ? throw new InvalidOperationException("storage trouble") : purged;
        }
    }
}
