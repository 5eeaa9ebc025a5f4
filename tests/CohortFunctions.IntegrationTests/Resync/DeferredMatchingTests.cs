using CohortFunctions.Cohorts;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.Resync;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Time.Testing;

namespace CohortFunctions.IntegrationTests.Resync;

/// <summary>
/// Identifiers that matched no user, kept per cohort with their intent and retried later: applied exactly as a
/// postback once their user exists, replaced by later postbacks, dropped after the retention period.
/// </summary>
public sealed class DeferredMatchingTests(ResyncFixture fixture) : IClassFixture<ResyncFixture>
{
    private static TimeSpan PastHourlyCadence { get; } = TimeSpan.FromMinutes(61);

    private readonly TestApp _app = fixture.App;
    private readonly FakeTimeProvider _clock = fixture.Clock;

    [Fact]
    public async Task UserCreatedAfterThePostback_AddedByTheNextDueRunAndNotBefore()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        var counts = await api.SendChangesAsync("c", TestChange.Add("late"));

        // Act: creating the user applies nothing by itself; a run before the cadence neither.
        await api.CreateUsersAsync("late");
        var afterCreate = await api.IsMemberAsync("late", "c");
        _clock.Advance(TimeSpan.FromMinutes(40));
        await _app.RunResyncTimerAsync();
        var afterEarlyRun = await api.IsMemberAsync("late", "c");
        var dataPointsBefore = await api.DataPointsTotalAsync();
        _clock.Advance(TimeSpan.FromMinutes(21));
        await _app.RunResyncTimerAsync();

        // Assert
        Assert.Equal(new PostbackCounts(0, 0, 0, 1, 0), counts);
        Assert.False(afterCreate);
        Assert.False(afterEarlyRun);
        Assert.Equal(0, dataPointsBefore);
        Assert.True(await api.IsMemberAsync("late", "c"));
        Assert.Equal(["late"], await api.MemberExternalIdsAsync("c"));
        Assert.Equal(1, await api.MemberCountAsync("c"));
        Assert.Equal(1, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task ManualResync_SomeUsersNowExist_AppliesThoseAndKeepsTheRest()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("known");
        await api.SendChangesAsync("c", TestChange.Add("known", "a", "b", "c", "d"));
        await api.CreateUsersAsync("a", "b");

        // Act: the manual pass runs whatever the cadence, right after the postback.
        var first = await api.ResyncAsync("c");
        var second = await api.ResyncAsync("c");

        // Assert
        Assert.Equal(new ResyncCounts(Retried: 4, Applied: 2, Expired: 0, StillPending: 2, Complete: true), first);
        Assert.Equal(new ResyncCounts(Retried: 2, Applied: 0, Expired: 0, StillPending: 2, Complete: true), second);
        Assert.Equal(["a", "b", "known"], await api.MemberExternalIdsAsync("c"));
        Assert.Equal(3, await api.MemberCountAsync("c"));
        Assert.Equal(3, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task ManualResync_NothingPending_AllZeroAndComplete()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.NameCohortAsync("c", "Named only");

        // Act
        var counts = await api.ResyncAsync("c");

        // Assert
        Assert.Equal(new ResyncCounts(0, 0, 0, 0, true), counts);
    }

    [Fact]
    public async Task Retention_SevenDaysByDefault_KeptUntilThenDroppedAfter()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("c", TestChange.Add("kept", "dropped"));

        // Act: just under seven days later one user exists; just over, the other.
        _clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        await api.CreateUsersAsync("kept");
        var beforeRetention = await api.ResyncAsync("c");
        _clock.Advance(TimeSpan.FromMinutes(2));
        await api.CreateUsersAsync("dropped");
        var afterRetention = await api.ResyncAsync("c");
        var afterwards = await api.ResyncAsync("c");

        // Assert
        Assert.Equal(new ResyncCounts(Retried: 2, Applied: 1, Expired: 0, StillPending: 1, Complete: true), beforeRetention);
        Assert.Equal(new ResyncCounts(Retried: 0, Applied: 0, Expired: 1, StillPending: 0, Complete: true), afterRetention);
        Assert.Equal(new ResyncCounts(0, 0, 0, 0, true), afterwards);
        Assert.Equal(["kept"], await api.MemberExternalIdsAsync("c"));
        Assert.Equal(1, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task Retention_ExpiredWhenTheTimerGetsToIt_NeverApplied()
    {
        // Arrange: nothing runs for eight days, then the user exists and the timer runs.
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("c", TestChange.Add("too-late"));
        _clock.Advance(TimeSpan.FromDays(8));
        await api.CreateUsersAsync("too-late");

        // Act
        await _app.RunResyncTimerAsync();

        // Assert
        Assert.False(await api.IsMemberAsync("too-late", "c"));
        Assert.Equal(new ResyncCounts(0, 0, 0, 0, true), await api.ResyncAsync("c"));
        Assert.Equal(0, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task SupersededIntent_PendingAddThenAMatchedRemove_ResyncMustNotAdd()
    {
        // Arrange: "x" is added while unknown; once the user exists the sender removes it (a no-op, it is not a member).
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("c", TestChange.Add("x"));
        await api.CreateUsersAsync("x");
        var remove = await api.SendChangesAsync("c", TestChange.Remove("x"));

        // Act
        _clock.Advance(PastHourlyCadence);
        await _app.RunResyncTimerAsync();

        // Assert: the newer removal wins; the old pending add is never applied.
        Assert.Equal(new PostbackCounts(0, 0, 1, 0, 0), remove);
        Assert.False(await api.IsMemberAsync("x", "c"));
        Assert.Equal(0, await api.MemberCountAsync("c"));
        Assert.Equal(0, await api.DataPointsTotalAsync());
        Assert.Equal(new ResyncCounts(0, 0, 0, 0, true), await api.ResyncAsync("c"));
    }

    [Fact]
    public async Task SupersedeMarks_UserIndexedLongBeforeTheFirstPending_NotMarkedWhileANewerUserIs()
    {
        // Arrange: "veteran" exists hours before the cohort first keeps a pending identifier ("late").
        var api = await CohortApi.StartAsync(_app);
        var storage = await StorageInvariants.ForAsync(_app);
        await api.CreateUsersAsync("veteran");
        _clock.Advance(SupersedeMarks.Margin + TimeSpan.FromMinutes(5));
        await api.SendChangesAsync("c", TestChange.Add("veteran", "late"));
        await api.CreateUsersAsync("late");

        // Act: both are now matched and removed.
        var remove = await api.SendChangesAsync("c", TestChange.Remove("veteran", "late"));
        var pendingRows = await storage.PendingRowsAsync(api.Workspace, api.Partner, "c");
        _clock.Advance(PastHourlyCadence);
        await _app.RunResyncTimerAsync();

        // Assert: only "late" could have a pending intent, so only it is marked; the old add of "late" is never applied.
        Assert.Equal(new PostbackCounts(0, 1, 1, 0, 1), remove);
        Assert.Equal(new Dictionary<string, bool> { ["late"] = true }, pendingRows);
        Assert.Empty(await api.MemberExternalIdsAsync("c"));
        Assert.Equal(0, await api.MemberCountAsync("c"));
        Assert.Equal(2, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task PendingSince_SetByTheFirstUnmatchedPostbackAndNeverMovedLater()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        var store = _app.GetRequiredService<IResyncStateStore>();
        var cohorts = _app.GetRequiredService<ICohortStore>();
        var workspace = WorkspaceId.Parse(api.Workspace).TryGetValue(out var ws, out _) ? ws : throw new InvalidOperationException();
        var cohort = new CohortRef(api.Partner, "c");
        await api.SendChangesAsync("c", TestChange.Add("known-to-no-one"));
        var first = (await cohorts.GetAsync(workspace, cohort, CancellationToken.None))!.PendingSince;

        // Act: a later postback, and a late writer that claims an earlier start.
        _clock.Advance(TimeSpan.FromMinutes(30));
        await api.SendChangesAsync("c", TestChange.Add("also-unknown"));
        var afterLater = (await cohorts.GetAsync(workspace, cohort, CancellationToken.None))!.PendingSince;
        await store.LowerPendingSinceAsync(workspace, cohort, first!.Value.AddMinutes(-2), CancellationToken.None);
        await store.LowerPendingSinceAsync(workspace, cohort, first.Value.AddMinutes(10), CancellationToken.None);
        var lowered = (await cohorts.GetAsync(workspace, cohort, CancellationToken.None))!;

        // Assert
        Assert.NotNull(first);
        Assert.Equal(first, afterLater);
        Assert.Equal(first.Value.AddMinutes(-2), lowered.PendingSince);
        Assert.True(lowered.HasPending);
    }

    [Fact]
    public async Task SupersededIntent_PendingAddThenAMatchedAdd_CountedOnceByThePostback()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("c", TestChange.Add("x"));
        await api.CreateUsersAsync("x");
        var add = await api.SendChangesAsync("c", TestChange.Add("x"));

        // Act
        _clock.Advance(PastHourlyCadence);
        await _app.RunResyncTimerAsync();
        var manual = await api.ResyncAsync("c");

        // Assert
        Assert.Equal(new PostbackCounts(1, 0, 0, 0, 1), add);
        Assert.Equal(new ResyncCounts(0, 0, 0, 0, true), manual);
        Assert.Equal(1, await api.MemberCountAsync("c"));
        Assert.Equal(1, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task SupersededIntent_RemovedByAnotherIdentifierOfTheSameUser_OlderAliasIntentStillApplied()
    {
        // Arrange: a member is added by an alias the platform does not know yet (pending add), then removed by
        // external id; later the alias is added to the user. Intents are kept per identifier, not per user.
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("ada");
        await api.SendChangesAsync("c", TestChange.Add("ada"));
        await api.SendChangesAsync("c", new TestChange(Aliases: [new TestAlias("ada@example.com", "email")]));
        var removed = await api.SendChangesAsync("c", TestChange.Remove("ada"));
        await api.CreateUsersAsync([new TestUser("ada", Aliases: [new TestAlias("ada@example.com", "email")])]);

        // Act
        _clock.Advance(PastHourlyCadence);
        await _app.RunResyncTimerAsync();

        // Assert: the tombstone only covers "ada" (the identifier the removal used), so the alias's older intent
        // is still applied once the alias matches: it was the sender's last word about that alias.
        Assert.Equal(new PostbackCounts(0, 1, 0, 0, 1), removed);
        Assert.True(await api.IsMemberAsync("ada", "c"));
        Assert.Equal(3, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task UnmatchedAgain_LaterIntentReplacesTheEarlierOne()
    {
        // Arrange: "gone" is added then removed and "back" removed then added, all before the users exist.
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("c", TestChange.Add("gone"), TestChange.Remove("back"));
        _clock.Advance(TimeSpan.FromMinutes(5));
        await api.SendChangesAsync("c", TestChange.Remove("gone"), TestChange.Add("back"));
        await api.CreateUsersAsync("gone", "back");

        // Act
        var counts = await api.ResyncAsync("c");

        // Assert: one pending row per identifier, holding the newer intent.
        Assert.Equal(new ResyncCounts(Retried: 2, Applied: 2, Expired: 0, StillPending: 0, Complete: true), counts);
        Assert.Equal(["back"], await api.MemberExternalIdsAsync("c"));
        Assert.Equal(1, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task UnmatchedAgain_RetentionRestartsFromTheLatestPostback()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("c", TestChange.Add("slow"));
        _clock.Advance(TimeSpan.FromDays(5));
        await api.SendChangesAsync("c", TestChange.Add("slow"));
        _clock.Advance(TimeSpan.FromDays(5));
        await api.CreateUsersAsync("slow");

        // Act: ten days after the first postback, five after the second.
        var counts = await api.ResyncAsync("c");

        // Assert
        Assert.Equal(new ResyncCounts(1, 1, 0, 0, true), counts);
        Assert.True(await api.IsMemberAsync("slow", "c"));
    }

    [Fact]
    public async Task PendingRemoval_ByAnAliasAddedToTheMemberLater_RemovesItWithADataPoint()
    {
        // Arrange: ada is a member; the sender removes her by an alias the platform learns only afterwards.
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("ada");
        await api.SendChangesAsync("c", TestChange.Add("ada"));
        var remove = await api.SendChangesAsync("c", new TestChange(Aliases: [new TestAlias("ada@example.com", "email")], ShouldRemove: true));
        await api.CreateUsersAsync([new TestUser("ada", Aliases: [new TestAlias("ada@example.com", "email")])]);
        var stillMemberAfterAliasAdded = await api.IsMemberAsync("ada", "c");

        // Act
        _clock.Advance(PastHourlyCadence);
        await _app.RunResyncTimerAsync();

        // Assert
        Assert.Equal(new PostbackCounts(0, 0, 0, 1, 0), remove);
        Assert.True(stillMemberAfterAliasAdded);
        Assert.False(await api.IsMemberAsync("ada", "c"));
        Assert.Equal(0, await api.MemberCountAsync("c"));
        Assert.Equal(2, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task DeviceId_OfAnAnonymousUserCreatedLater_AddedByTheNextRun()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("c", new TestChange(DeviceIds: ["device-1"]));
        await api.CreateUsersAsync([new TestUser(DeviceIds: ["device-1"], Aliases: [new TestAlias("anon-1", "anon")])]);

        // Act
        _clock.Advance(PastHourlyCadence);
        await _app.RunResyncTimerAsync();

        // Assert
        var user = (await api.LookupAsync("device_id=device-1"))!.Value;
        Assert.Equal("c", Assert.Single(user.GetProperty("cohorts").EnumerateArray()).GetRequiredString("cohort_id"));
        Assert.Equal(1, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task DeviceId_UserIdentifiedBeforeTheRun_NotAddedAndStaysPending()
    {
        // Arrange: the device's user was anonymous when created, but identified before the retry. Device ids match
        // only anonymous users (Braze's rule), so the pending add no longer matches anyone: it is not applied.
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("c", new TestChange(DeviceIds: ["device-2"]));
        await api.CreateUsersAsync([new TestUser(DeviceIds: ["device-2"])]);
        await api.IdentifyAsync(new[] { new { external_id = "ida", device_id = "device-2" } });

        // Act
        _clock.Advance(PastHourlyCadence);
        await _app.RunResyncTimerAsync();

        // Assert
        Assert.False(await api.IsMemberAsync("ida", "c"));
        Assert.Equal(0, await api.DataPointsTotalAsync());
        Assert.Equal(new ResyncCounts(Retried: 1, Applied: 0, Expired: 0, StillPending: 1, Complete: true), await api.ResyncAsync("c"));
    }

    [Fact]
    public async Task IdentifyOrCreate_WithoutARun_NeverAppliesPendingMemberships()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("c", TestChange.Add("new-user"), new TestChange(DeviceIds: ["device-3"]));

        // Act: a day passes without a resync run, while users are created and identified.
        await api.CreateUsersAsync([new TestUser("new-user"), new TestUser(DeviceIds: ["device-3"])]);
        await api.IdentifyAsync(new[] { new { external_id = "identified", device_id = "device-3" } });
        _clock.Advance(TimeSpan.FromDays(1));

        // Assert
        Assert.False(await api.IsMemberAsync("new-user", "c"));
        Assert.False(await api.IsMemberAsync("identified", "c"));
        Assert.Equal(0, await api.MemberCountAsync("c"));
    }

    [Fact]
    public async Task Pending_SameIdentifierInTwoCohorts_KeptAndAppliedPerCohort()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("in", TestChange.Add("x"));
        await api.SendChangesAsync("out", TestChange.Add("x"));
        await api.SendChangesAsync("out", TestChange.Remove("x"));
        await api.CreateUsersAsync("x");

        // Act
        _clock.Advance(PastHourlyCadence);
        await _app.RunResyncTimerAsync();

        // Assert
        Assert.True(await api.IsMemberAsync("x", "in"));
        Assert.False(await api.IsMemberAsync("x", "out"));
        Assert.Equal(1, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task Pending_AppliedByResync_SameRulesAsAPostbackForOneUserUnderTwoIdentifiers()
    {
        // Arrange: a user named twice while unknown — added by alias, later removed by external id.
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("c", new TestChange(Aliases: [new TestAlias("bo@example.com", "email")]));
        _clock.Advance(TimeSpan.FromMinutes(1));
        await api.SendChangesAsync("c", TestChange.Remove("bo"));
        await api.CreateUsersAsync([new TestUser("bo", Aliases: [new TestAlias("bo@example.com", "email")])]);

        // Act
        var counts = await api.ResyncAsync("c");

        // Assert: applied oldest first, so the newer removal is the user's final state.
        Assert.Equal(2, counts.Applied);
        Assert.False(await api.IsMemberAsync("bo", "c"));
        Assert.Equal(0, await api.DataPointsTotalAsync());
    }
}
