using System.Runtime.CompilerServices;
using CohortFunctions.Cohorts;
using CohortFunctions.History;
using CohortFunctions.ImportKeys;
using CohortFunctions.Maintenance;
using CohortFunctions.Resync;
using CohortFunctions.Telemetry;
using CohortFunctions.TestSupport;
using CohortFunctions.UnitTests.History;
using CohortFunctions.UnitTests.TestSupport;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace CohortFunctions.UnitTests.Maintenance;

/// <summary>
/// The maintenance run over every cohort: a failing cohort is passed over and the run goes on; a run says whether it
/// covered every cohort, which a run resuming after one cut short never did.
/// </summary>
public sealed class MaintenanceServiceTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 3, 0, 0, TimeSpan.Zero));
    private readonly DeadlineRecordingStore _history = new();
    private readonly Mock<IImportKeyStore> _keys = new();
    private readonly HistoryRetention _retention;
    private readonly TestMeterFactory _meters = new();
    private readonly CohortMetrics _metrics;
    private readonly RecordedMetrics _recorded;

    public MaintenanceServiceTests()
    {
        _metrics = new CohortMetrics(_meters);
        _recorded = new RecordedMetrics(_metrics.Meter);
        _keys.Setup(k => k.ListWorkspacesAsync(It.IsAny<CancellationToken>())).ReturnsAsync([TestKeys.Workspace("acme"), TestKeys.Workspace("zeta")]);
        _retention = new HistoryRetention(_history, _keys.Object, _time, Options.Create(new HistoryOptions()), NullLogger<HistoryRetention>.Instance);
    }

    [Fact]
    public async Task Run_FromTheStartWithoutFailures_CompactsEveryCohortAndCoversThemAll()
    {
        // Arrange
        var store = new FakeMaintenanceStore("a", "b", "c");

        // Act
        var summary = await Service(store).RunAsync(CancellationToken.None);

        // Assert
        Assert.Equal(["a", "b", "c"], store.Compacted);
        Assert.Equal((3, 0, true, true, true), (summary.CohortsVisited, summary.CohortsFailed, summary.Complete, summary.FromStart, summary.CoveredEveryCohort));
        Assert.Null(store.Cursor);
    }

    [Fact]
    public async Task Run_OneCohortFails_GoesOnWithTheOthersButDoesNotCoverEveryCohort()
    {
        // Arrange
        var store = new FakeMaintenanceStore("a", "b", "c") { Failing = "b" };

        // Act
        var summary = await Service(store).RunAsync(CancellationToken.None);

        // Assert
        Assert.Equal(["a", "c"], store.Compacted);
        Assert.Equal((1, true, false), (summary.CohortsFailed, summary.Complete, summary.CoveredEveryCohort));
    }

    [Fact]
    public async Task Run_ResumingAfterARunCutShort_VisitsOnlyTheRestAndDoesNotCoverEveryCohort()
    {
        // Arrange: the last run stopped after "a".
        var store = new FakeMaintenanceStore("a", "b", "c") { Cursor = "a" };

        // Act
        var resumed = await Service(store).RunAsync(CancellationToken.None);
        var next = await Service(store).RunAsync(CancellationToken.None);

        // Assert
        Assert.Equal((true, false, 0, false), (resumed.Complete, resumed.FromStart, resumed.CohortsFailed, resumed.CoveredEveryCohort));
        Assert.True(next.CoveredEveryCohort);
        Assert.Equal(["b", "c", "a", "b", "c"], store.Compacted);
    }

    [Fact]
    public async Task Run_SyncHistory_SweptFirstWithHalfTheBudgetThenEveryCohort()
    {
        // Arrange
        var store = new FakeMaintenanceStore("a", "b");

        // Act
        var summary = await Service(store).RunAsync(CancellationToken.None);

        // Assert: the default budget is 45 s.
        Assert.Equal(["acme", "zeta"], _history.Purged);
        Assert.All(_history.Deadlines, d => Assert.Equal(_time.GetUtcNow().AddSeconds(22.5), d));
        Assert.Equal(new HistorySweep(2, 0, 0, true), summary.History);
        Assert.Equal(["a", "b"], store.Compacted);
    }

    [Fact]
    public async Task Run_HistorySweepFails_CohortsStillMaintainedAndTheSweepReportedIncomplete()
    {
        // Arrange
        _keys.Setup(k => k.ListWorkspacesAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("storage trouble"));
        var store = new FakeMaintenanceStore("a", "b");

        // Act
        var summary = await Service(store).RunAsync(CancellationToken.None);

        // Assert
        Assert.Equal((false, 1), (summary.History.Complete, summary.History.Failed));
        Assert.Equal(["a", "b"], store.Compacted);
        Assert.True(summary.CoveredEveryCohort);
    }

    [Fact]
    public async Task Run_OneCohortFails_CountsEachCohortsMaintenanceByOutcome()
    {
        // Arrange
        var store = new FakeMaintenanceStore("a", "b", "c") { Failing = "b" };

        // Act
        await Service(store).RunAsync(CancellationToken.None);

        // Assert
        Assert.Equal(
            [("complete", "acme", "amplitude"), ("failed", "acme", "amplitude"), ("complete", "acme", "amplitude")],
            _recorded.Of(CohortMetrics.MaintenanceRuns).Select(m => (m.Tags["outcome"], m.Tags["workspace"], m.Tags["partner"])).ToList());
    }

    public void Dispose()
    {
        _recorded.Dispose();
        _meters.Dispose();
    }

    private MaintenanceService Service(IMaintenanceStore store) =>
        new(store, _retention, _metrics, _time, Options.Create(new ResyncOptions()), NullLogger<MaintenanceService>.Instance);

    private sealed class FakeMaintenanceStore(params string[] cohorts) : IMaintenanceStore
    {
        private static readonly WorkspaceId Workspace = WorkspaceId.Parse("acme").TryGetValue(out var ws, out _) ? ws : throw new InvalidOperationException();

        public string? Failing { get; init; }

        public string? Cursor { get; set; }

        public List<string> Compacted { get; } = [];

        public async IAsyncEnumerable<(WorkspaceId Workspace, Cohort Cohort, string Key)> CohortsAsync(string? after, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var id in cohorts.Where(c => after is null || string.CompareOrdinal(c, after) > 0))
            {
                await Task.Yield();
                yield return (Workspace, new Cohort(new CohortRef("amplitude", id), id, true, DateTimeOffset.UnixEpoch, null), id);
            }
        }

        public Task<CompactionResult> CompactAsync(WorkspaceId workspace, CohortRef cohort, CancellationToken cancellationToken)
        {
            if (cohort.CohortId == Failing)
            {
                throw new InvalidOperationException("storage trouble");
            }

            Compacted.Add(cohort.CohortId);
            return Task.FromResult(new CompactionResult(1, 0));
        }

        public Task<(int Purged, bool Complete)> PurgeExpiredAsync(WorkspaceId workspace, CohortRef cohort, DateTimeOffset cutoff, DateTimeOffset deadline, TimeProvider time, CancellationToken cancellationToken) =>
            Task.FromResult((0, true));

        public Task<string?> LoadCursorAsync(CancellationToken cancellationToken) => Task.FromResult(Cursor);

        public Task SaveCursorAsync(string? cursor, CancellationToken cancellationToken)
        {
            Cursor = cursor;
            return Task.CompletedTask;
        }
    }

    private sealed class DeadlineRecordingStore : InMemorySyncHistoryStore
    {
        public List<DateTimeOffset> Deadlines { get; } = [];

        public override Task<(int Deleted, bool Complete)> PurgeAsync(WorkspaceId workspace, DateOnly firstDayKept, DateTimeOffset deadline, TimeProvider time, CancellationToken cancellationToken)
        {
            Deadlines.Add(deadline);
            return base.PurgeAsync(workspace, firstDayKept, deadline, time, cancellationToken);
        }
    }
}
