using CohortFunctions.Cohorts;
using CohortFunctions.DataPoints;
using CohortFunctions.Memberships;
using CohortFunctions.Telemetry;
using CohortFunctions.TestSupport;
using CohortFunctions.UnitTests.TestSupport;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;
using Moq;

namespace CohortFunctions.UnitTests.Memberships;

/// <summary>
/// The one membership write path: one store call per user shard, then one ledger write with the data points of every
/// batch that committed, also when another shard failed.
/// </summary>
public sealed class MembershipWriterTests : IDisposable
{
    private static readonly WorkspaceId Workspace = TestKeys.Workspace();
    private static readonly CohortRef Cohort = new("amplitude", "abc123");
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 23, 30, 0, TimeSpan.Zero);
    private static readonly UserId Shard0 = UserId.Parse("0aaaaaaaaaaaaaaaaaaa");
    private static readonly UserId ShardA = UserId.Parse("a0000000000000000001");

    private readonly Mock<IMembershipStore> _memberships = new();
    private readonly Mock<IDataPointLedger> _ledger = new();
    private readonly TestMeterFactory _meters = new();
    private readonly CohortMetrics _metrics;
    private readonly RecordedMetrics _recorded;

    public MembershipWriterTests()
    {
        _metrics = new CohortMetrics(_meters);
        _recorded = new RecordedMetrics(_metrics.Meter);
    }

    [Fact]
    public async Task ApplyAsync_OneShardFailsAfterAnotherCommitted_RecordsTheCommittedDataPointsThenThrows()
    {
        // Arrange: shard 0 commits one batch; shard a fails once shard 0 is done.
        var committed = new DataPointEntry("batch-0", "postback", 1);
        var shard0Done = new TaskCompletionSource();
        StoreApplies('0', () =>
        {
            shard0Done.SetResult();
            return Task.FromResult<(MembershipResult, IReadOnlyList<DataPointEntry>)>((new MembershipResult(1, 0, 0), [committed]));
        });
        StoreApplies('a', async () =>
        {
            await shard0Done.Task;
            throw new TimeoutException("storage went away");
        });
        var origin = ChangeOrigin.Postback(Now);

        // Act
        var thrown = await Record.ExceptionAsync(() => Writer().ApplyAsync(
            Workspace, Cohort, [new MembershipChange(Shard0, Add: true), new MembershipChange(ShardA, Add: true)], origin, CancellationToken.None));

        // Assert
        Assert.IsType<TimeoutException>(thrown);
        _ledger.Verify(
            l => l.RecordAsync(Workspace, Cohort.Partner, origin.Day, It.Is<IReadOnlyList<DataPointEntry>>(e => e.SequenceEqual(new[] { committed })), It.IsAny<CancellationToken>()),
            Times.Once);
        _ledger.VerifyNoOtherCalls();
    }

    [Fact]
    public void ChangeOrigin_EachWayMembersAreAdded_KeepsItsSourceForTheMemberRows()
    {
        // Act
        var postback = ChangeOrigin.Postback(Now);
        var resync = ChangeOrigin.Resync(Now);
        var merge = ChangeOrigin.UserChange(Now);

        // Assert: a resync counts data points as the postback it completes would have.
        Assert.Equal((MembershipSource.Postback, true), (postback.Source, postback.CountsDataPoints));
        Assert.Equal((MembershipSource.Resync, true), (resync.Source, resync.CountsDataPoints));
        Assert.Equal((MembershipSource.Merge, false), (merge.Source, merge.CountsDataPoints));
        Assert.NotNull(resync.PostbackId);
    }

    [Fact]
    public async Task ApplyAsync_UserChange_SumsTheShardsAndWritesNoLedgerRow()
    {
        // Arrange: a merge's changes count no data points, so the store commits no ledger entries.
        StoreApplies('0', () => Task.FromResult<(MembershipResult, IReadOnlyList<DataPointEntry>)>((new MembershipResult(1, 0, 0), [])));
        StoreApplies('a', () => Task.FromResult<(MembershipResult, IReadOnlyList<DataPointEntry>)>((new MembershipResult(0, 1, 0), [])));

        // Act
        var result = await Writer().ApplyAsync(
            Workspace, Cohort, [new MembershipChange(Shard0, Add: true), new MembershipChange(ShardA, Add: false)], ChangeOrigin.UserChange(Now), CancellationToken.None);

        // Assert
        Assert.Equal(new MembershipResult(1, 1, 0), result);
        _ledger.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ApplyAsync_PostbackBatchesCommitted_CountsTheirDataPointsUnderThePostbackSource()
    {
        // Arrange
        StoreApplies('0', () => Task.FromResult<(MembershipResult, IReadOnlyList<DataPointEntry>)>((new MembershipResult(2, 0, 0), [new DataPointEntry("b0", "p", 2)])));
        StoreApplies('a', () => Task.FromResult<(MembershipResult, IReadOnlyList<DataPointEntry>)>((new MembershipResult(0, 1, 0), [new DataPointEntry("ba", "p", 1)])));

        // Act
        await Writer().ApplyAsync(
            Workspace, Cohort, [new MembershipChange(Shard0, Add: true), new MembershipChange(ShardA, Add: false)], ChangeOrigin.Postback(Now), CancellationToken.None);

        // Assert
        var counted = Assert.Single(_recorded.Of(CohortMetrics.DataPoints));
        Assert.Equal((3.0, "postback", Workspace.Value, "amplitude"), (counted.Value, counted.Tags["source"], counted.Tags["workspace"], counted.Tags["partner"]));
    }

    [Fact]
    public async Task ApplyAsync_UserChange_CountsNoDataPoints()
    {
        // Arrange
        StoreApplies('0', () => Task.FromResult<(MembershipResult, IReadOnlyList<DataPointEntry>)>((new MembershipResult(1, 0, 0), [])));

        // Act
        await Writer().ApplyAsync(Workspace, Cohort, [new MembershipChange(Shard0, Add: true)], ChangeOrigin.UserChange(Now), CancellationToken.None);

        // Assert
        Assert.Empty(_recorded.Of(CohortMetrics.DataPoints));
    }

    public void Dispose()
    {
        _recorded.Dispose();
        _meters.Dispose();
    }

    private MembershipWriter Writer() => new(_memberships.Object, _ledger.Object, _metrics);

    private void StoreApplies(char shard, Func<Task<(MembershipResult, IReadOnlyList<DataPointEntry>)>> apply) =>
        _memberships
            .Setup(m => m.ApplyAsync(Workspace, Cohort, shard, It.IsAny<IReadOnlyList<MembershipChange>>(), It.IsAny<ChangeOrigin>(), It.IsAny<CancellationToken>()))
            .Returns(apply);
}
