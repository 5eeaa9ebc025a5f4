using CohortFunctions.Cohorts;
using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Postbacks;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;
using Moq;

namespace CohortFunctions.UnitTests.Postbacks;

/// <summary>
/// What a users postback leaves for the resync: unmatched identifiers recorded and the cohort marked pending with the
/// postback's start time; in a cohort with pending identifiers, supersede marks for the matched identifiers that can
/// have a pending row.
/// </summary>
public sealed class PostbackServicePendingTests : IDisposable
{
    private static readonly UserId Old = UserId.Parse("0aaaaaaaaaaaaaaaaaaa");
    private static readonly UserId Recent = UserId.Parse("a0000000000000000001");

    private readonly PostbackServiceHarness _harness = new();

    public PostbackServicePendingTests()
    {
        _harness.AppliesEveryChange();
        _harness.Owns(Old, Identifier.External("old"), indexedAt: PostbackServiceHarness.Now.AddDays(-3));
        _harness.Owns(Recent, Identifier.External("recent"), indexedAt: PostbackServiceHarness.Now.AddMinutes(-5));
    }

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task ApplyChangesAsync_UnmatchedIntoACohortWithoutPending_LowersPendingSinceThenRecordsThenMarks()
    {
        // Arrange
        CohortIs(new Cohort(PostbackServiceHarness.Cohort, "c", true, PostbackServiceHarness.Now, null));
        var calls = new List<string>();
        _harness.ResyncState.Setup(r => r.LowerPendingSinceAsync(It.IsAny<WorkspaceId>(), PostbackServiceHarness.Cohort, PostbackServiceHarness.Now, It.IsAny<CancellationToken>()))
            .Callback(() => calls.Add("lower")).Returns(Task.CompletedTask);
        _harness.Pending.Setup(p => p.RecordAsync(It.IsAny<WorkspaceId>(), PostbackServiceHarness.Cohort, It.Is<IReadOnlyList<IdentifierIntent>>(u => u.Single().Identifier == Identifier.External("nobody")), PostbackServiceHarness.Now, It.IsAny<CancellationToken>()))
            .Callback(() => calls.Add("record")).Returns(Task.CompletedTask);
        _harness.ResyncState.Setup(r => r.MarkPendingAsync(It.IsAny<WorkspaceId>(), PostbackServiceHarness.Cohort, It.IsAny<CancellationToken>()))
            .Callback(() => calls.Add("mark")).Returns(Task.CompletedTask);
        var body = PostbackBodies.Users().WithChange(c => c.UserIds("old", "nobody")).Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert: a row never exists before the cohort's PendingSince covers it, even if the request dies after it.
        Assert.True(result.IsSuccess, result.Failure?.Message);
        Assert.Equal(["lower", "record", "mark"], calls);
        _harness.Pending.Verify(p => p.SupersedeAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<IReadOnlyList<Identifier>>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData(false, -60)]
    [InlineData(true, -60)]
    [InlineData(true, null)]
    public async Task ApplyChangesAsync_UnmatchedWhilePendingSinceIsEarlierOrUnknownForAPendingCohort_DoesNotLowerIt(bool hasPending, int? pendingSinceMinutes)
    {
        // Arrange: PendingSince already at or before this postback's start, or unknown on a cohort that was pending
        // before it was kept (then it must stay unknown).
        CohortIs(new Cohort(PostbackServiceHarness.Cohort, "c", true, PostbackServiceHarness.Now, null)
        {
            HasPending = hasPending,
            PendingSince = pendingSinceMinutes is { } minutes ? PostbackServiceHarness.Now.AddMinutes(minutes) : null,
        });
        var body = PostbackBodies.Users().WithChange(c => c.UserIds("nobody")).Build();

        // Act
        await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        _harness.Pending.Verify(p => p.RecordAsync(It.IsAny<WorkspaceId>(), PostbackServiceHarness.Cohort, It.IsAny<IReadOnlyList<IdentifierIntent>>(), PostbackServiceHarness.Now, It.IsAny<CancellationToken>()));
        _harness.ResyncState.Verify(r => r.LowerPendingSinceAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task ApplyChangesAsync_UnmatchedWhilePendingSinceIsLater_LowersItToThisStart()
    {
        // Arrange: a postback that started before the one that set PendingSince records its rows after it.
        CohortIs(new Cohort(PostbackServiceHarness.Cohort, "c", true, PostbackServiceHarness.Now, null)
        {
            HasPending = true,
            PendingSince = PostbackServiceHarness.Now.AddSeconds(3),
        });
        var body = PostbackBodies.Users().WithChange(c => c.UserIds("nobody")).Build();

        // Act
        await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        _harness.ResyncState.Verify(r => r.LowerPendingSinceAsync(It.IsAny<WorkspaceId>(), PostbackServiceHarness.Cohort, PostbackServiceHarness.Now, It.IsAny<CancellationToken>()));
        _harness.ResyncState.Verify(r => r.MarkPendingAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task ApplyChangesAsync_CohortPendingSinceAnHourAgo_MarksOnlyIdentifiersIndexedSinceShortlyBefore()
    {
        // Arrange: "old" was indexed days before the cohort's first pending identifier, "recent" after it.
        CohortIs(new Cohort(PostbackServiceHarness.Cohort, "c", true, PostbackServiceHarness.Now, null)
        {
            HasPending = true,
            PendingSince = PostbackServiceHarness.Now.AddHours(-1),
        });
        var body = PostbackBodies.Users().WithChange(c => c.UserIds("old", "recent").ShouldRemove()).Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        _harness.Pending.Verify(p => p.SupersedeAsync(
            It.IsAny<WorkspaceId>(), PostbackServiceHarness.Cohort, It.Is<IReadOnlyList<Identifier>>(i => i.SequenceEqual(new[] { Identifier.External("recent") })), PostbackServiceHarness.Now, It.IsAny<CancellationToken>()));
        _harness.ResyncState.Verify(r => r.MarkPendingAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task ApplyChangesAsync_CohortPendingSinceUnknown_MarksEveryMatchedIdentifier()
    {
        // Arrange
        CohortIs(new Cohort(PostbackServiceHarness.Cohort, "c", true, PostbackServiceHarness.Now, null) { HasPending = true });
        var body = PostbackBodies.Users().WithChange(c => c.UserIds("old", "recent")).Build();

        // Act
        await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        _harness.Pending.Verify(p => p.SupersedeAsync(
            It.IsAny<WorkspaceId>(), PostbackServiceHarness.Cohort, It.Is<IReadOnlyList<Identifier>>(i => i.Count == 2), PostbackServiceHarness.Now, It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task ApplyChangesAsync_OnlyOldIdentifiersMatched_NoSupersedeWrite()
    {
        // Arrange
        CohortIs(new Cohort(PostbackServiceHarness.Cohort, "c", true, PostbackServiceHarness.Now, null)
        {
            HasPending = true,
            PendingSince = PostbackServiceHarness.Now.AddHours(-2),
        });
        var body = PostbackBodies.Users().WithChange(c => c.UserIds("old")).Build();

        // Act
        await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        _harness.Pending.Verify(p => p.SupersedeAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<IReadOnlyList<Identifier>>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    private void CohortIs(Cohort cohort) =>
        _harness.Cohorts.Setup(c => c.TouchAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(cohort);
}
