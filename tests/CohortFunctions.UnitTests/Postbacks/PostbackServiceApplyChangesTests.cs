using CohortFunctions.Cohorts;
using CohortFunctions.DataPoints;
using CohortFunctions.Identifiers;
using CohortFunctions.Memberships;
using CohortFunctions.Postbacks;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;
using Moq;

namespace CohortFunctions.UnitTests.Postbacks;

/// <summary>
/// What an accepted users postback does: touches the cohort, matches identifiers, applies the changes once per user
/// shard, records the ledger entries the store returns and sums the results.
/// </summary>
public sealed class PostbackServiceApplyChangesTests : IDisposable
{
    private static readonly UserId Shard0First = UserId.Parse("0aaaaaaaaaaaaaaaaaaa");
    private static readonly UserId Shard0Second = UserId.Parse("0bbbbbbbbbbbbbbbbbbb");
    private static readonly UserId ShardA = UserId.Parse("a0000000000000000001");
    private static readonly UserId ShardF = UserId.Parse("f0000000000000000002");

    private readonly PostbackServiceHarness _harness = new();

    public PostbackServiceApplyChangesTests()
    {
        // By default the store reports every change as effective and commits no ledger entries.
        _harness.AppliesEveryChange();
    }

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task ApplyChangesAsync_EmptyCohortChanges_SuccessWithZeroCountsAndNoStoreCall()
    {
        // Arrange
        var body = PostbackBodies.Users().WithRaw("cohort_changes", "[]").Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        Assert.Equal(new PostbackSummary(0, 0, 0, 0, 0), result.Value);
        _harness.Cohorts.Verify(
            c => c.TouchAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()),
            Times.Never);
        _harness.VerifyNoCohortWork();
    }

    [Theory]
    [InlineData("[{\"user_ids\": []}]")]
    [InlineData("[{\"user_ids\": [], \"device_ids\": [], \"aliases\": []}, {\"device_ids\": [], \"should_remove\": true}]")]
    [InlineData("[{\"aliases\": []}, {\"user_ids\": null, \"device_ids\": []}]")]
    public async Task ApplyChangesAsync_OnlyEmptyArrays_SuccessWithZeroCountsAndNoStoreCall(string changesJson)
    {
        // Arrange
        var body = PostbackBodies.Users().WithRaw("cohort_changes", changesJson).Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        Assert.Equal(PostbackSummary.Empty, result.Value);
        _harness.Memberships.Verify(
            m => m.ApplyAsync(
                It.IsAny<WorkspaceId>(),
                It.IsAny<CohortRef>(),
                It.IsAny<char>(),
                It.IsAny<IReadOnlyList<MembershipChange>>(),
                It.IsAny<ChangeOrigin>(),
                It.IsAny<CancellationToken>()),
            Times.Never);
        _harness.VerifyNoCohortWork();
    }

    [Fact]
    public async Task ApplyChangesAsync_AnyIdentifier_TouchesCohortOfPartnerAndCohortIdAtNow()
    {
        // Arrange
        var body = PostbackBodies.Users().With("cohort_id", "abc123").WithChange(c => c.UserIds("nobody")).Build();

        // Act
        await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        _harness.Cohorts.Verify(
            c => c.TouchAsync(
                PostbackServiceHarness.Workspace,
                new CohortRef(PostbackServiceHarness.Partner, "abc123"),
                PostbackServiceHarness.Now,
                It.IsAny<CancellationToken>()),
            Times.Once);
        _harness.Cohorts.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ApplyChangesAsync_UsersInTwoShards_OneApplyPerShardWithThatShardsChanges()
    {
        // Arrange
        _harness.Owns(Shard0First, Identifier.External("x-0a"));
        _harness.Owns(Shard0Second, Identifier.Device("d-0b"));
        _harness.Owns(ShardA, Identifier.Alias(new UserAlias("amp-a", "amplitude_id")));
        var body = PostbackBodies.Users()
            .WithChange(c => c.UserIds("x-0a").DeviceIds("d-0b"))
            .WithChange(c => c.Alias("amp-a", "amplitude_id").ShouldRemove())
            .Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        var calls = ApplyCalls();
        Assert.Equal(2, calls.Count);
        var shard0 = Assert.Single(calls, c => c.Shard == '0');
        Assert.Equal([new MembershipChange(Shard0First, Add: true), new MembershipChange(Shard0Second, Add: true)], shard0.Changes);
        var shardA = Assert.Single(calls, c => c.Shard == 'a');
        Assert.Equal([new MembershipChange(ShardA, Add: false)], shardA.Changes);
        Assert.All(calls, c =>
        {
            Assert.Equal(PostbackServiceHarness.Workspace, c.Workspace);
            Assert.Equal(PostbackServiceHarness.Cohort, c.Cohort);
        });
    }

    [Fact]
    public async Task ApplyChangesAsync_SeveralShards_OneOriginCountingDataPointsForToday()
    {
        // Arrange
        _harness.Owns(Shard0First, Identifier.External("x-0a"));
        _harness.Owns(ShardA, Identifier.External("x-a"));
        _harness.Owns(ShardF, Identifier.External("x-f"));
        var body = PostbackBodies.Users().WithChange(c => c.UserIds("x-0a", "x-a", "x-f")).Build();

        // Act
        await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        var calls = ApplyCalls();
        Assert.Equal(['0', 'a', 'f'], calls.Select(c => c.Shard).Order());
        var origin = calls[0].Origin;
        Assert.All(calls, c => Assert.Same(origin, c.Origin));
        Assert.True(origin.CountsDataPoints);
        Assert.Equal(PostbackServiceHarness.Today, origin.Day);
        Assert.False(string.IsNullOrEmpty(origin.PostbackId));
    }

    [Fact]
    public async Task ApplyChangesAsync_TwoPostbacks_DifferentPostbackIds()
    {
        // Arrange
        _harness.Owns(Shard0First, Identifier.External("x-0a"));
        var body = PostbackBodies.Users().WithChange(c => c.UserIds("x-0a")).Build();

        // Act
        await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);
        await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        var calls = ApplyCalls();
        Assert.Equal(2, calls.Count);
        Assert.NotEqual(calls[0].Origin.PostbackId, calls[1].Origin.PostbackId);
    }

    [Fact]
    public async Task ApplyChangesAsync_StoreResultsPerShard_SummedWithUnmatchedAndDataPoints()
    {
        // Arrange
        _harness.Owns(Shard0First, Identifier.External("x-0a"));
        _harness.Owns(Shard0Second, Identifier.External("x-0b"));
        _harness.Owns(ShardA, Identifier.External("x-a"));
        _harness.Owns(ShardF, Identifier.Device("d-identified"), matchable: false);
        SetupShard('0', new MembershipResult(Added: 1, Removed: 0, Unchanged: 1), new DataPointEntry("batch-0", "p", 1));
        SetupShard('a', new MembershipResult(Added: 0, Removed: 1, Unchanged: 0), new DataPointEntry("batch-a", "p", 1));
        var body = PostbackBodies.Users()
            .WithChange(c => c.UserIds("x-0a", "x-0b", "ghost"))
            .WithChange(c => c.UserIds("x-a").DeviceIds("d-identified").ShouldRemove())
            .Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        Assert.Equal(new PostbackSummary(Added: 1, Removed: 1, Unchanged: 1, Unmatched: 2, DataPoints: 2), result.Value);
    }

    [Fact]
    public async Task ApplyChangesAsync_UnchangedMemberships_CountNoDataPoints()
    {
        // Arrange
        _harness.Owns(Shard0First, Identifier.External("x-0a"));
        _harness.Owns(Shard0Second, Identifier.External("x-0b"));
        SetupShard('0', new MembershipResult(Added: 0, Removed: 0, Unchanged: 2));
        var body = PostbackBodies.Users().WithChange(c => c.UserIds("x-0a", "x-0b")).Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        Assert.Equal(new PostbackSummary(0, 0, 2, 0, 0), result.Value);
    }

    [Fact]
    public async Task ApplyChangesAsync_StoreReturnsLedgerEntries_RecordsThemAllOnceForPartnerAndDay()
    {
        // Arrange
        _harness.Owns(Shard0First, Identifier.External("x-0a"));
        _harness.Owns(ShardA, Identifier.External("x-a"));
        var entry0 = new DataPointEntry("batch-0", "postback", 1);
        var entryA1 = new DataPointEntry("batch-a1", "postback", 99);
        var entryA2 = new DataPointEntry("batch-a2", "postback", 3);
        SetupShard('0', new MembershipResult(1, 0, 0), entry0);
        SetupShard('a', new MembershipResult(102, 0, 0), entryA1, entryA2);
        IReadOnlyList<DataPointEntry>? recorded = null;
        _harness.Ledger
            .Setup(l => l.RecordAsync(
                PostbackServiceHarness.Workspace,
                PostbackServiceHarness.Partner,
                PostbackServiceHarness.Today,
                It.IsAny<IReadOnlyList<DataPointEntry>>(),
                It.IsAny<CancellationToken>()))
            .Callback((WorkspaceId _, string _, DateOnly _, IReadOnlyList<DataPointEntry> entries, CancellationToken _) => recorded = entries)
            .Returns(Task.CompletedTask);
        var body = PostbackBodies.Users().WithChange(c => c.UserIds("x-0a", "x-a")).Build();

        // Act
        await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        Assert.NotNull(recorded);
        Assert.Equal([entry0, entryA1, entryA2], recorded.OrderBy(e => e.BatchId, StringComparer.Ordinal));
        _harness.Ledger.Verify(
            l => l.RecordAsync(
                It.IsAny<WorkspaceId>(), It.IsAny<string>(), It.IsAny<DateOnly>(), It.IsAny<IReadOnlyList<DataPointEntry>>(), It.IsAny<CancellationToken>()),
            Times.Once);
    }

    [Fact]
    public async Task ApplyChangesAsync_NothingMatched_NoMembershipWritesAndAllUnmatched()
    {
        // Arrange
        _harness.Owns(ShardA, Identifier.Device("d-identified"), matchable: false);
        var body = PostbackBodies.Users()
            .WithChange(c => c.UserIds("ghost-1", "ghost-2").DeviceIds("d-identified"))
            .WithChange(c => c.Alias("n", "l").ShouldRemove())
            .Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        Assert.Equal(new PostbackSummary(0, 0, 0, 4, 0), result.Value);
        Assert.Empty(ApplyCalls());
    }

    [Fact]
    public async Task ApplyChangesAsync_SameUserAddedThenRemovedByAnotherIdentifier_OneRemoveApplied()
    {
        // Arrange
        _harness.Owns(ShardA, Identifier.External("x-a"));
        _harness.Owns(ShardA, Identifier.Alias(new UserAlias("amp-a", "amplitude_id")));
        var body = PostbackBodies.Users()
            .WithChange(c => c.UserIds("x-a"))
            .WithChange(c => c.Alias("amp-a", "amplitude_id").ShouldRemove())
            .Build();

        // Act
        await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        var call = Assert.Single(ApplyCalls());
        Assert.Equal([new MembershipChange(ShardA, Add: false)], call.Changes);
    }

    private void SetupShard(char shard, MembershipResult result, params DataPointEntry[] entries) =>
        _harness.Memberships
            .Setup(m => m.ApplyAsync(
                It.IsAny<WorkspaceId>(),
                It.IsAny<CohortRef>(),
                shard,
                It.IsAny<IReadOnlyList<MembershipChange>>(),
                It.IsAny<ChangeOrigin>(),
                It.IsAny<CancellationToken>()))
            .ReturnsAsync((result, (IReadOnlyList<DataPointEntry>)entries));

    private List<ApplyCall> ApplyCalls() =>
        [.. _harness.Memberships.Invocations
            .Where(i => i.Method.Name == nameof(IMembershipStore.ApplyAsync))
            .Select(i => new ApplyCall(
                (WorkspaceId)i.Arguments[0]!,
                (CohortRef)i.Arguments[1]!,
                (char)i.Arguments[2]!,
                (IReadOnlyList<MembershipChange>)i.Arguments[3]!,
                (ChangeOrigin)i.Arguments[4]!))];

    private sealed record ApplyCall(WorkspaceId Workspace, CohortRef Cohort, char Shard, IReadOnlyList<MembershipChange> Changes, ChangeOrigin Origin);
}
