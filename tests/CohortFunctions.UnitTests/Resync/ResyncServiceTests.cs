using CohortFunctions.Cohorts;
using CohortFunctions.DataPoints;
using CohortFunctions.History;
using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Memberships;
using CohortFunctions.Results;
using CohortFunctions.Resync;
using CohortFunctions.Telemetry;
using CohortFunctions.TestSupport;
using CohortFunctions.UnitTests.History;
using CohortFunctions.UnitTests.TestSupport;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace CohortFunctions.UnitTests.Resync;

public sealed class ResyncServiceTests : IDisposable
{
    private const string Ws = "acme";

    private static CohortRef Ref { get; } = new("amplitude", "abc123");
    private static DateTimeOffset Start { get; } = new(2025, 5, 5, 10, 0, 0, TimeSpan.Zero);
    private static UserId Ada { get; } = UserId.Parse("0aaaaaaaaaaaaaaaaaaa");
    private static UserId Bob { get; } = UserId.Parse("bbbbbbbbbbbbbbbbbbbb");

    private readonly Mock<ICohortStore> _cohorts = new();
    private readonly Mock<IResyncStateStore> _state = new();
    private readonly Mock<IPendingStore> _pending = new();
    private readonly Mock<IIdentifierIndex> _index = new();
    private readonly Mock<IMembershipStore> _memberships = new();
    private readonly Mock<IDataPointLedger> _ledger = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly ResyncOptions _options = new() { StepSize = 10 };
    private readonly List<string> _calls = [];
    private readonly List<MembershipChange> _applied = [];
    private readonly RecordingHistory _history = new();
    private readonly TestMeterFactory _meters = new();
    private readonly CohortMetrics _metrics;
    private readonly RecordedMetrics _recorded;

    public ResyncServiceTests()
    {
        _metrics = new CohortMetrics(_meters);
        _recorded = new RecordedMetrics(_metrics.Meter);
        _cohorts.Setup(c => c.AllAsync(It.IsAny<CancellationToken>())).Returns(AsyncEnumerable.Empty<(WorkspaceId, Cohort)>());
        _cohorts.Setup(c => c.GetAsync(It.IsAny<WorkspaceId>(), Ref, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Cohort(Ref, "Power users", true, Start, Start));
        _state.Setup(s => s.TryAcquireAsync(It.IsAny<WorkspaceId>(), Ref, It.IsAny<DateTimeOffset>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ResyncLease("owner", PendingCursor.Start));
        _state.Setup(s => s.SaveProgressAsync(It.IsAny<WorkspaceId>(), Ref, It.IsAny<ResyncLease>(), It.IsAny<PendingCursor>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Callback(() => _calls.Add("save"))
            .ReturnsAsync(true);
        _state.Setup(s => s.CompleteAsync(It.IsAny<WorkspaceId>(), Ref, It.IsAny<ResyncLease>(), It.IsAny<DateTimeOffset>(), It.IsAny<Func<CancellationToken, Task<bool>>>(), It.IsAny<CancellationToken>()))
            .Callback(() => _calls.Add("complete"))
            .Returns(Task.CompletedTask);
        _state.Setup(s => s.ReleaseAsync(It.IsAny<WorkspaceId>(), Ref, It.IsAny<ResyncLease>(), It.IsAny<CancellationToken>()))
            .Callback(() => _calls.Add("release"))
            .Returns(Task.CompletedTask);
        _pending.Setup(p => p.DeleteAsync(It.IsAny<WorkspaceId>(), Ref, It.IsAny<IReadOnlyList<PendingIdentifier>>(), It.IsAny<CancellationToken>()))
            .Callback<WorkspaceId, CohortRef, IReadOnlyList<PendingIdentifier>, CancellationToken>((_, _, rows, _) =>
                _calls.Add("delete " + string.Join(",", rows.Select(r => r.Identifier.Value))))
            .ReturnsAsync((WorkspaceId _, CohortRef _, IReadOnlyList<PendingIdentifier> rows, CancellationToken _) => rows.Count);
        _memberships.Setup(m => m.ApplyAsync(It.IsAny<WorkspaceId>(), Ref, It.IsAny<char>(), It.IsAny<IReadOnlyList<MembershipChange>>(), It.IsAny<ChangeOrigin>(), It.IsAny<CancellationToken>()))
            .Callback<WorkspaceId, CohortRef, char, IReadOnlyList<MembershipChange>, ChangeOrigin, CancellationToken>((_, _, _, changes, _, _) =>
            {
                lock (_applied)
                {
                    _applied.AddRange(changes);
                    _calls.Add("apply");
                }
            })
            .ReturnsAsync((WorkspaceId _, CohortRef _, char shard, IReadOnlyList<MembershipChange> changes, ChangeOrigin origin, CancellationToken _) =>
                (new MembershipResult(changes.Count, 0, 0), (IReadOnlyList<DataPointEntry>)[new DataPointEntry("batch-" + shard, origin.PostbackId!, changes.Count)]));
        _ledger.Setup(l => l.RecordAsync(It.IsAny<WorkspaceId>(), It.IsAny<string>(), It.IsAny<DateOnly>(), It.IsAny<IReadOnlyList<DataPointEntry>>(), It.IsAny<CancellationToken>()))
            .Callback(() => _calls.Add("ledger"))
            .Returns(Task.CompletedTask);
        Owns(Identifier.External("ada"), Ada);
        Owns(Identifier.Alias(new UserAlias("bob@example.com", "email")), Bob);
    }

    [Fact]
    public async Task ResyncNowAsync_MixedRows_DropsExpiredAndSupersededAppliesMatchedKeepsTheRest()
    {
        // Arrange
        _time.Advance(TimeSpan.FromDays(10));
        var now = _time.GetUtcNow();
        PendingPages([
            Row(Identifier.External("expired"), at: now.AddDays(-7).AddTicks(-1)),
            Row(Identifier.External("tombstone"), at: now.AddDays(-1), superseded: true),
            Row(Identifier.External("ada"), at: now.AddDays(-7)),
            Row(Identifier.Alias(new UserAlias("bob@example.com", "email")), at: now.AddHours(-1), remove: true),
            Row(Identifier.Device("nobody"), at: now.AddHours(-2)),
        ]);

        // Act
        var result = await Service().ResyncNowAsync(Ws, "amplitude", "abc123", "request-1", CancellationToken.None);

        // Assert
        Assert.Equal(new ResyncOutcome(Retried: 3, Applied: 2, Expired: 1, StillPending: 1, Complete: true) { Changes = new MembershipResult(2, 0, 0) }, result.Value);
        Assert.Equal([new MembershipChange(Ada, true), new MembershipChange(Bob, false)], _applied.OrderBy(c => c.User.Value, StringComparer.Ordinal));
        Assert.Equal("delete expired,tombstone", _calls[0]);
        Assert.Equal(["apply", "apply", "ledger", "delete ada,bob@example.com", "save", "complete"], _calls.Skip(1));
    }

    [Fact]
    public async Task ResyncNowAsync_OneUserUnderTwoPendingIdentifiers_NewestIntentWins()
    {
        // Arrange: added by external id, then removed by an alias of the same user an hour later.
        Owns(Identifier.Alias(new UserAlias("ada@example.com", "email")), Ada);
        PendingPages([
            Row(Identifier.Alias(new UserAlias("ada@example.com", "email")), at: Start.AddHours(-1), remove: true),
            Row(Identifier.External("ada"), at: Start.AddHours(-2)),
        ]);

        // Act
        var result = await Service().ResyncNowAsync(Ws, "amplitude", "abc123", "request-1", CancellationToken.None);

        // Assert
        Assert.Equal([new MembershipChange(Ada, false)], _applied);
        Assert.Equal(2, result.Value!.Applied);
    }

    [Fact]
    public async Task ResyncNowAsync_ApplyFails_MatchedRowsKeptLeaseReleasedNothingCompleted()
    {
        // Arrange
        PendingPages([Row(Identifier.External("ada"), at: Start)]);
        _memberships.Setup(m => m.ApplyAsync(It.IsAny<WorkspaceId>(), Ref, It.IsAny<char>(), It.IsAny<IReadOnlyList<MembershipChange>>(), It.IsAny<ChangeOrigin>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("storage fell over"));

        // Act
        var thrown = await Record.ExceptionAsync(() => Service().ResyncNowAsync(Ws, "amplitude", "abc123", "request-1", CancellationToken.None));

        // Assert
        Assert.IsType<InvalidOperationException>(thrown);
        Assert.DoesNotContain("delete ada", _calls);
        Assert.DoesNotContain("complete", _calls);
        Assert.Equal("release", _calls[^1]);
    }

    [Fact]
    public async Task ResyncNowAsync_BudgetSpentAfterAStep_PausesWithProgressSavedAndLeaseReleased()
    {
        // Arrange: reading the first page takes longer than the whole request budget.
        _options.RequestBudgetSeconds = 5;
        var cursors = PendingPages([Row(Identifier.External("ada"), at: Start)], [Row(Identifier.External("nobody"), at: Start)]);
        _pending.Setup(p => p.ReadAsync(It.IsAny<WorkspaceId>(), Ref, PendingCursor.Start, 10, It.IsAny<CancellationToken>()))
            .Callback(() => _time.Advance(TimeSpan.FromSeconds(6)))
            .ReturnsAsync(([Row(Identifier.External("ada"), at: Start)], cursors[0]));

        // Act
        var result = await Service().ResyncNowAsync(Ws, "amplitude", "abc123", "request-1", CancellationToken.None);

        // Assert
        Assert.Equal(new ResyncOutcome(1, 1, 0, 0, Complete: false) { Changes = new MembershipResult(1, 0, 0) }, result.Value);
        _state.Verify(s => s.SaveProgressAsync(It.IsAny<WorkspaceId>(), Ref, It.IsAny<ResyncLease>(), cursors[0], It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal("release", _calls[^1]);
        Assert.DoesNotContain("complete", _calls);
    }

    [Fact]
    public async Task ResyncNowAsync_ResumedLease_ContinuesFromTheStoredCursor()
    {
        // Arrange
        var stored = new PendingCursor(7, "x|abc");
        _state.Setup(s => s.TryAcquireAsync(It.IsAny<WorkspaceId>(), Ref, It.IsAny<DateTimeOffset>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ResyncLease("owner", stored));
        _pending.Setup(p => p.ReadAsync(It.IsAny<WorkspaceId>(), Ref, stored, 10, It.IsAny<CancellationToken>()))
            .ReturnsAsync(([], new PendingCursor(PendingCursor.Buckets, null)));

        // Act
        var result = await Service().ResyncNowAsync(Ws, "amplitude", "abc123", "request-1", CancellationToken.None);

        // Assert
        Assert.Equal(ResyncOutcome.Nothing, result.Value);
        _pending.Verify(p => p.ReadAsync(It.IsAny<WorkspaceId>(), Ref, PendingCursor.Start, It.IsAny<int>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task ResyncNowAsync_LeaseLostWhileSaving_StopsIncompleteWithoutCompleting()
    {
        // Arrange
        PendingPages([Row(Identifier.External("ada"), at: Start)], [Row(Identifier.External("nobody"), at: Start)]);
        _state.Setup(s => s.SaveProgressAsync(It.IsAny<WorkspaceId>(), Ref, It.IsAny<ResyncLease>(), It.IsAny<PendingCursor>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(false);

        // Act
        var result = await Service().ResyncNowAsync(Ws, "amplitude", "abc123", "request-1", CancellationToken.None);

        // Assert
        Assert.False(result.Value!.Complete);
        Assert.Equal(1, result.Value.Retried);
        Assert.DoesNotContain("complete", _calls);
        _pending.Verify(p => p.ReadAsync(It.IsAny<WorkspaceId>(), Ref, It.IsAny<PendingCursor>(), It.IsAny<int>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task ResyncNowAsync_AnotherRunHoldsTheCohort_ConflictAndNothingRead()
    {
        // Arrange
        _state.Setup(s => s.TryAcquireAsync(It.IsAny<WorkspaceId>(), Ref, It.IsAny<DateTimeOffset>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ResyncLease?)null);

        // Act
        var result = await Service().ResyncNowAsync(Ws, "amplitude", "abc123", "request-1", CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Conflict, result.Failure?.Kind);
        _pending.Verify(p => p.ReadAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<PendingCursor>(), It.IsAny<int>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData("amplitude", "unknown")]
    [InlineData("segment", "abc123")]
    [InlineData("Amplitude", "")]
    public async Task ResyncNowAsync_UnknownCohortOrPartner_NotFound(string partner, string cohortId)
    {
        // Act
        var result = await Service().ResyncNowAsync(Ws, partner, cohortId, "request-1", CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.NotFound, result.Failure?.Kind);
    }

    [Fact]
    public async Task ResyncNowAsync_InvalidWorkspace_Invalid()
    {
        // Act
        var result = await Service().ResyncNowAsync("Not A Workspace", "amplitude", "abc123", "request-1", CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("weekly")]
    [InlineData("Hourly")]
    public async Task SetCadenceAsync_UnknownCadence_InvalidListingTheAllowedOnes(string? cadence)
    {
        // Act
        var result = await Service().SetCadenceAsync(Ws, "amplitude", "abc123", cadence, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        Assert.Equal("cadence must be one of: once, daily, hourly, realtime.", result.Failure!.Message);
        _state.Verify(s => s.SetCadenceAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<Cadence>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task SetCadenceAsync_UnknownCohort_NotFound()
    {
        // Arrange
        _state.Setup(s => s.SetCadenceAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<Cadence>(), It.IsAny<CancellationToken>())).ReturnsAsync(false);

        // Act
        var result = await Service().SetCadenceAsync(Ws, "amplitude", "nope", "daily", CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.NotFound, result.Failure?.Kind);
    }

    [Fact]
    public async Task RunDueAsync_MixOfDueAndNotDueCohorts_PassesOnlyTheDueOnes()
    {
        // Arrange
        var due = new CohortRef("amplitude", "due");
        var notYet = new CohortRef("amplitude", "not-yet");
        var resuming = new CohortRef("mixpanel", "resuming");
        var ws = TestKeys.Workspace(Ws);
        _state.Setup(s => s.WithPendingAsync(It.IsAny<CancellationToken>())).Returns(Cohorts(
            (ws, new Cohort(due, "d", true, Start, Start.AddHours(-2)) { HasPending = true }),
            (ws, new Cohort(notYet, "n", true, Start, Start.AddMinutes(-30)) { HasPending = true }),
            (ws, new Cohort(resuming, "r", true, Start, Start) { PassInProgress = true, Cadence = Cadence.Daily })));
        _state.Setup(s => s.TryAcquireAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<DateTimeOffset>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ResyncLease?)null);

        // Act
        var summary = await Service().RunDueAsync(CancellationToken.None);

        // Assert
        Assert.Equal(2, summary.CohortsDue);
        Assert.Equal(2, summary.CohortsBusy);
        Assert.Equal(0, summary.CohortsPassed);
        _state.Verify(s => s.TryAcquireAsync(It.IsAny<WorkspaceId>(), due, It.IsAny<DateTimeOffset>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()), Times.Once);
        _state.Verify(s => s.TryAcquireAsync(It.IsAny<WorkspaceId>(), resuming, It.IsAny<DateTimeOffset>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()), Times.Once);
        _state.Verify(s => s.TryAcquireAsync(It.IsAny<WorkspaceId>(), notYet, It.IsAny<DateTimeOffset>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task ResyncNowAsync_AppliedSomething_RecordsAManualResyncWithItsCountsAndRequest()
    {
        // Arrange: as in the mixed case, the store reports both changes as adds; the pass takes 3 s.
        _time.Advance(TimeSpan.FromDays(10));
        var started = _time.GetUtcNow();
        PendingPages([
            Row(Identifier.External("expired"), at: started.AddDays(-8)),
            Row(Identifier.External("ada"), at: started.AddDays(-1)),
            Row(Identifier.Alias(new UserAlias("bob@example.com", "email")), at: started.AddHours(-1), remove: true),
            Row(Identifier.Device("nobody"), at: started.AddHours(-2)),
        ]);
        _ledger.Setup(l => l.RecordAsync(It.IsAny<WorkspaceId>(), It.IsAny<string>(), It.IsAny<DateOnly>(), It.IsAny<IReadOnlyList<DataPointEntry>>(), It.IsAny<CancellationToken>()))
            .Callback(() => _time.Advance(TimeSpan.FromSeconds(3)))
            .Returns(Task.CompletedTask);

        // Act
        await Service().ResyncNowAsync(Ws, "amplitude", "abc123", "request-1", CancellationToken.None);

        // Assert
        var record = Assert.Single(_history.Records);
        Assert.Equal((started, TestKeys.Workspace(Ws), Ref.Partner, Ref.CohortId, SyncKind.Resync), (record.At, record.Workspace, record.Partner, record.CohortId, record.Kind));
        Assert.Equal(new SyncOutcome(200, "Manual pass completed"), record.Outcome);
        Assert.Equal(new SyncCounts(Received: 3, Added: 2, Removed: 0, Unchanged: 0, Unmatched: 1, DataPoints: 2), record.Counts);
        Assert.Equal((TimeSpan.FromSeconds(3), null, "request-1"), (record.Duration, record.KeyId, record.RequestId));
    }

    [Fact]
    public async Task ResyncNowAsync_NothingMatched_RecordsNothing()
    {
        // Arrange
        PendingPages([Row(Identifier.Device("nobody"), at: Start), Row(Identifier.External("tombstone"), at: Start, superseded: true)]);

        // Act
        var result = await Service().ResyncNowAsync(Ws, "amplitude", "abc123", "request-1", CancellationToken.None);

        // Assert
        Assert.Equal(0, result.Value!.Applied);
        Assert.Empty(_history.Records);
    }

    [Fact]
    public async Task ResyncNowAsync_PausedAtItsBudget_RecordsWhatItAppliedAndThatItPaused()
    {
        // Arrange: reading the first page takes longer than the whole request budget.
        _options.RequestBudgetSeconds = 5;
        var cursors = PendingPages([Row(Identifier.External("ada"), at: Start)], [Row(Identifier.External("nobody"), at: Start)]);
        _pending.Setup(p => p.ReadAsync(It.IsAny<WorkspaceId>(), Ref, PendingCursor.Start, 10, It.IsAny<CancellationToken>()))
            .Callback(() => _time.Advance(TimeSpan.FromSeconds(6)))
            .ReturnsAsync(([Row(Identifier.External("ada"), at: Start)], cursors[0]));

        // Act
        await Service().ResyncNowAsync(Ws, "amplitude", "abc123", "request-1", CancellationToken.None);

        // Assert
        var record = Assert.Single(_history.Records);
        Assert.Equal(new SyncOutcome(200, "Manual pass paused at its time budget; the next pass goes on from here"), record.Outcome);
        Assert.Equal(new SyncCounts(1, 1, 0, 0, 0, 1), record.Counts);
    }

    [Fact]
    public async Task ResyncNowAsync_FailsAfterAStepApplied_RecordsTheFailureWithWhatWasApplied()
    {
        // Arrange: the first page applies ada; applying the second page fails.
        PendingPages([Row(Identifier.External("ada"), at: Start)], [Row(Identifier.Alias(new UserAlias("bob@example.com", "email")), at: Start)]);
        var applies = 0;
        _memberships.Setup(m => m.ApplyAsync(It.IsAny<WorkspaceId>(), Ref, It.IsAny<char>(), It.IsAny<IReadOnlyList<MembershipChange>>(), It.IsAny<ChangeOrigin>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((WorkspaceId _, CohortRef _, char _, IReadOnlyList<MembershipChange> changes, ChangeOrigin _, CancellationToken _) =>
                Interlocked.Increment(ref applies) == 1
                    ? (new MembershipResult(changes.Count, 0, 0), [])
                    : throw new InvalidOperationException("a bug"));

        // Act
        var thrown = await Record.ExceptionAsync(() => Service().ResyncNowAsync(Ws, "amplitude", "abc123", "request-1", CancellationToken.None));

        // Assert
        Assert.IsType<InvalidOperationException>(thrown);
        var record = Assert.Single(_history.Records);
        Assert.Equal(new SyncOutcome(500, ErrorMessages.InternalError), record.Outcome);
        Assert.Equal(new SyncCounts(1, 1, 0, 0, 0, 1), record.Counts);
    }

    [Fact]
    public async Task ResyncNowAsync_FailsBeforeApplyingAnything_RecordsNothing()
    {
        // Arrange
        PendingPages([Row(Identifier.External("ada"), at: Start)]);
        _memberships.Setup(m => m.ApplyAsync(It.IsAny<WorkspaceId>(), Ref, It.IsAny<char>(), It.IsAny<IReadOnlyList<MembershipChange>>(), It.IsAny<ChangeOrigin>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("storage fell over"));

        // Act
        await Record.ExceptionAsync(() => Service().ResyncNowAsync(Ws, "amplitude", "abc123", "request-1", CancellationToken.None));

        // Assert
        Assert.Empty(_history.Records);
    }

    [Fact]
    public async Task RunDueAsync_DueCohortApplied_RecordsAScheduledPassWithoutARequest()
    {
        // Arrange
        var ws = TestKeys.Workspace(Ws);
        _state.Setup(s => s.WithPendingAsync(It.IsAny<CancellationToken>())).Returns(Cohorts(
            (ws, new Cohort(Ref, "p", true, Start, Start.AddHours(-2)) { HasPending = true })));
        PendingPages([Row(Identifier.External("ada"), at: Start.AddHours(-2))]);

        // Act
        await Service().RunDueAsync(CancellationToken.None);

        // Assert
        var record = Assert.Single(_history.Records);
        Assert.Equal((SyncKind.Resync, new SyncOutcome(200, "Scheduled pass completed"), null), (record.Kind, record.Outcome, record.RequestId));
    }

    [Fact]
    public async Task ResyncNowAsync_MixedRows_CountsAManualCompletedPassItsIdentifiersAndItsDataPoints()
    {
        // Arrange: as in the mixed case; the store reports both changes as adds, one data point each.
        _time.Advance(TimeSpan.FromDays(10));
        var now = _time.GetUtcNow();
        PendingPages([
            Row(Identifier.External("expired"), at: now.AddDays(-7).AddTicks(-1)),
            Row(Identifier.External("ada"), at: now.AddDays(-7)),
            Row(Identifier.Alias(new UserAlias("bob@example.com", "email")), at: now.AddHours(-1), remove: true),
            Row(Identifier.Device("nobody"), at: now.AddHours(-2)),
        ]);

        // Act
        await Service().ResyncNowAsync(Ws, "amplitude", "abc123", "request-1", CancellationToken.None);

        // Assert
        var pass = Assert.Single(_recorded.Of(CohortMetrics.ResyncRuns));
        Assert.Equal(("manual", "completed", Ws, "amplitude"), (pass.Tags["trigger"], pass.Tags["outcome"], pass.Tags["workspace"], pass.Tags["partner"]));
        Assert.Equal(
            [("applied", 2.0), ("expired", 1.0), ("still_pending", 1.0)],
            _recorded.Of(CohortMetrics.ResyncIdentifiers).Select(m => (m.Tags["result"], m.Value)).ToList());
        Assert.Equal(2, _recorded.Sum(CohortMetrics.DataPoints, ("source", "resync"), ("workspace", Ws)));
        Assert.All(_recorded.All.SelectMany(m => m.Tags.Values), v => Assert.DoesNotContain("abc123", v ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunDueAsync_PassFails_CountsAFailedTimerPass()
    {
        // Arrange
        var ws = TestKeys.Workspace(Ws);
        _state.Setup(s => s.WithPendingAsync(It.IsAny<CancellationToken>())).Returns(Cohorts(
            (ws, new Cohort(Ref, "p", true, Start, Start.AddHours(-2)) { HasPending = true })));
        _pending.Setup(p => p.ReadAsync(It.IsAny<WorkspaceId>(), Ref, It.IsAny<PendingCursor>(), It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("a bug"));

        // Act
        await Service().RunDueAsync(CancellationToken.None);

        // Assert
        var pass = Assert.Single(_recorded.Of(CohortMetrics.ResyncRuns));
        Assert.Equal(("timer", "failed"), (pass.Tags["trigger"], pass.Tags["outcome"]));
    }

    [Fact]
    public async Task RunDueAsync_CohortsOfTwoWorkspaces_RecordsTheStaleCountOfEachWorkspaceAndPartnerZeroIncluded()
    {
        // Arrange: daily cohorts; stale after two days without a postback.
        var acme = TestKeys.Workspace(Ws);
        var zeta = TestKeys.Workspace("zeta");
        _state.Setup(s => s.WithPendingAsync(It.IsAny<CancellationToken>())).Returns(Cohorts());
        _cohorts.Setup(c => c.AllAsync(It.IsAny<CancellationToken>())).Returns(Cohorts(
            (acme, new Cohort(new CohortRef("amplitude", "old-1"), "a", true, Start.AddDays(-9), Start.AddDays(-3)) { Cadence = Cadence.Daily }),
            (acme, new Cohort(new CohortRef("amplitude", "old-2"), "b", true, Start.AddDays(-9), Start.AddDays(-5)) { Cadence = Cadence.Daily }),
            (acme, new Cohort(new CohortRef("amplitude", "fresh"), "c", true, Start.AddDays(-9), Start.AddHours(-1)) { Cadence = Cadence.Daily }),
            (acme, new Cohort(new CohortRef("mixpanel", "old-3"), "d", true, Start.AddDays(-9), Start.AddDays(-3)) { Cadence = Cadence.Daily }),
            (zeta, new Cohort(new CohortRef("amplitude", "fresh-2"), "e", true, Start.AddDays(-9), Start.AddHours(-1)) { Cadence = Cadence.Daily })));

        // Act
        await Service().RunDueAsync(CancellationToken.None);

        // Assert
        Assert.Equal(
            [("acme", "amplitude", 2.0), ("acme", "mixpanel", 1.0), ("zeta", "amplitude", 0.0)],
            _recorded.Of(CohortMetrics.CohortsStale).Select(m => (m.Tags["workspace"]!, m.Tags["partner"]!, m.Value)).Order().ToList());
    }

    [Fact]
    public async Task ResyncNowAsync_MembersAdded_WrittenAsAddedByAResync()
    {
        // Arrange
        PendingPages([Row(Identifier.External("ada"), at: Start)]);

        // Act
        await Service().ResyncNowAsync(Ws, "amplitude", "abc123", "request-1", CancellationToken.None);

        // Assert
        _memberships.Verify(m => m.ApplyAsync(
            It.IsAny<WorkspaceId>(), Ref, It.IsAny<char>(), It.IsAny<IReadOnlyList<MembershipChange>>(),
            It.Is<ChangeOrigin>(o => o.Source == MembershipSource.Resync && o.CountsDataPoints),
            It.IsAny<CancellationToken>()));
    }

    [Fact]
    public void Plus_TwoOutcomes_SumsCountsAndCompleteOnlyIfBoth()
    {
        // Act
        var sum = new ResyncOutcome(1, 2, 3, 4, true).Plus(new ResyncOutcome(10, 20, 30, 40, false));

        // Assert
        Assert.Equal(new ResyncOutcome(11, 22, 33, 44, false), sum);
    }

    private static PendingIdentifier Row(Identifier identifier, DateTimeOffset at, bool remove = false, bool superseded = false) =>
        new(identifier, remove, at, superseded, Version: "etag-" + identifier.Value);

    private static async IAsyncEnumerable<(WorkspaceId, Cohort)> Cohorts(params (WorkspaceId, Cohort)[] cohorts)
    {
        foreach (var cohort in cohorts)
        {
            await Task.Yield();
            yield return cohort;
        }
    }

    private void Owns(Identifier identifier, UserId user) =>
        _index.Setup(i => i.FindAsync(It.IsAny<WorkspaceId>(), identifier, It.IsAny<CancellationToken>())).ReturnsAsync(new IdentifierOwner(user, true));

    /// <summary>Serves the pages from the start of a pass; returns the cursor after each page.</summary>
    private List<PendingCursor> PendingPages(params IReadOnlyList<PendingIdentifier>[] pages)
    {
        var cursors = new List<PendingCursor>();
        var cursor = PendingCursor.Start;
        for (var i = 0; i < pages.Length; i++)
        {
            var next = i == pages.Length - 1 ? new PendingCursor(PendingCursor.Buckets, null) : new PendingCursor(i, $"row{i}");
            var (from, rows) = (cursor, pages[i]);
            _pending.Setup(p => p.ReadAsync(It.IsAny<WorkspaceId>(), Ref, from, It.IsAny<int>(), It.IsAny<CancellationToken>()))
                .ReturnsAsync((rows, next));
            cursors.Add(next);
            cursor = next;
        }

        return cursors;
    }

    public void Dispose()
    {
        _recorded.Dispose();
        _meters.Dispose();
    }

    private ResyncService Service() => new(
        _cohorts.Object,
        new CohortFinder(_cohorts.Object, TestPartners.Catalog()),
        _state.Object,
        _pending.Object,
        new IdentifierMatcher(_index.Object),
        new MembershipWriter(_memberships.Object, _ledger.Object, _metrics),
        _history,
        new StaleCohorts(_cohorts.Object, _metrics, _time, NullLogger<StaleCohorts>.Instance),
        _metrics,
        _time,
        Options.Create(_options),
        NullLogger<ResyncService>.Instance);
}
