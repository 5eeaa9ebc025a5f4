using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace CohortFunctions.IntegrationTests.Resync;

/// <summary>Cadences on a fake clock: the schedule endpoint, the listing's resync fields, staleness, and when the timer retries.</summary>
public sealed class ResyncScheduleTests(ResyncFixture fixture) : IClassFixture<ResyncFixture>
{
    private readonly TestApp _app = fixture.App;
    private readonly FakeTimeProvider _clock = fixture.Clock;

    public static TheoryData<string, TimeSpan> Cadences => new()
    {
        { "realtime", TimeSpan.FromMinutes(1) },
        { "hourly", TimeSpan.FromHours(1) },
        { "daily", TimeSpan.FromDays(1) },
        { "once", TimeSpan.FromHours(1) },
    };

    [Theory]
    [MemberData(nameof(Cadences))]
    public async Task PutSchedule_Cadence_200AndTheListingShowsItWithTheNextResync(string cadence, TimeSpan interval)
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("c", TestChange.Add("nobody-yet"));
        var synced = _clock.GetUtcNow();

        // Act
        var body = await api.SetCadenceAsync("c", cadence);

        // Assert
        Assert.Equal(["cadence", "cohort_id", "last_resync_at", "next_resync_at", "partner"], body.PropertyNames());
        Assert.Equal(cadence, body.GetRequiredString("cadence"));
        Assert.Equal("c", body.GetRequiredString("cohort_id"));
        Assert.Equal("amplitude", body.GetRequiredString("partner"));
        Assert.Equal(synced + interval, body.GetProperty("next_resync_at").GetDateTimeOffset());
        var listed = await api.ScheduleAsync("c");
        Assert.Equal(cadence, listed.Cadence);
        Assert.Equal(synced, listed.LastSyncedAt);
        Assert.Null(listed.LastResyncAt);
        Assert.Equal(synced + interval, listed.NextResyncAt);
    }

    [Theory]
    [InlineData("""{"cadence": "weekly"}""")]
    [InlineData("""{"cadence": "Hourly"}""")]
    [InlineData("""{"cadence": ""}""")]
    [InlineData("""{"cadence": 60}""")]
    [InlineData("""{"cadence": null}""")]
    [InlineData("""{}""")]
    public async Task PutSchedule_AnythingButAKnownCadence_400AndCadenceUnchanged(string body)
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.NameCohortAsync("c", "Cohort");
        await api.SetCadenceAsync("c", "daily");

        // Act
        using var response = await api.PutScheduleRawAsync("c", body);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("cadence must be one of: once, daily, hourly, realtime.", await response.ReadErrorMessageAsync());
        Assert.Equal("daily", (await api.ScheduleAsync("c")).Cadence);
    }

    [Fact]
    public async Task PutSchedule_BodyNotAnObject_400()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.NameCohortAsync("c", "Cohort");

        // Act
        using var response = await api.PutScheduleRawAsync("c", "\"hourly\"");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await response.ReadErrorMessageAsync();
    }

    [Fact]
    public async Task PutScheduleAndResync_UnknownCohortOrPartner_404()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.NameCohortAsync("known", "Cohort");
        var unknownPartner = $"manage/workspaces/{api.Workspace}/cohorts/segment/known";

        // Act
        using var schedule = await api.PutScheduleRawAsync("unknown", """{"cadence": "daily"}""");
        using var resync = await api.ResyncRawAsync("unknown");
        using var partnerSchedule = await api.Client.PutAsync(new Uri(unknownPartner + "/schedule", UriKind.Relative), TestJson.Body(new { cadence = "daily" }));
        using var partnerResync = await api.Client.PostAsync(new Uri(unknownPartner + "/resync", UriKind.Relative), content: null);

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, schedule.StatusCode);
        Assert.Contains("unknown", await schedule.ReadErrorMessageAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, resync.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, partnerSchedule.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, partnerResync.StatusCode);
        Assert.Single(await api.CohortsAsync());
    }

    [Fact]
    public async Task Listing_NewCohort_HourlyNeverResyncedAndStaleAfterTwoSilentHours()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("c", TestChange.Add("nobody"));
        var synced = _clock.GetUtcNow();

        // Act
        var fresh = await api.ScheduleAsync("c");
        _clock.Advance(TimeSpan.FromHours(2));
        var atTwoHours = await api.ScheduleAsync("c");
        _clock.Advance(TimeSpan.FromSeconds(1));
        var pastTwoHours = await api.ScheduleAsync("c");
        await api.SendChangesAsync("c", TestChange.Add("nobody"));
        var afterPostback = await api.ScheduleAsync("c");

        // Assert
        Assert.Equal(new ListedSchedule("hourly", synced, null, synced.AddHours(1), Stale: false, 0), fresh);
        Assert.False(atTwoHours.Stale);
        Assert.True(pastTwoHours.Stale);
        Assert.False(afterPostback.Stale);
    }

    [Fact]
    public async Task Listing_DailyAndOnce_DailyStaleAfterTwoDaysOnceNever()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("daily", TestChange.Add("nobody"));
        await api.SendChangesAsync("once", TestChange.Add("nobody"));
        await api.SetCadenceAsync("daily", "daily");
        await api.SetCadenceAsync("once", "once");

        // Act
        _clock.Advance(TimeSpan.FromHours(47));
        var daily47 = await api.ScheduleAsync("daily");
        _clock.Advance(TimeSpan.FromHours(2));
        var daily49 = await api.ScheduleAsync("daily");
        var once49 = await api.ScheduleAsync("once");

        // Assert
        Assert.False(daily47.Stale);
        Assert.True(daily49.Stale);
        Assert.False(once49.Stale);
    }

    /// <summary>A cadence, a time after the postback when it is not due yet, one when it is, and the interval to the pass after.</summary>
    public static TheoryData<string, TimeSpan, TimeSpan, TimeSpan?> DueTimes => new()
    {
        { "realtime", TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(61), TimeSpan.FromMinutes(1) },
        { "hourly", TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61), TimeSpan.FromHours(1) },
        { "daily", TimeSpan.FromHours(23), TimeSpan.FromHours(25), TimeSpan.FromDays(1) },
        { "once", TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61), null },
    };

    [Theory]
    [MemberData(nameof(DueTimes))]
    public async Task ResyncTimer_BeforeAndAfterTheCadence_RetriesOnlyOnceDue(string cadence, TimeSpan notYet, TimeSpan due, TimeSpan? interval)
    {
        // Arrange: the user a postback named is created after it.
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("c", TestChange.Add("late"));
        var synced = _clock.GetUtcNow();
        await api.SetCadenceAsync("c", cadence);
        await api.CreateUsersAsync("late");

        // Act
        _clock.Advance(notYet);
        await _app.RunResyncTimerAsync();
        var memberBefore = await api.IsMemberAsync("late", "c");
        _clock.Advance(due - notYet);
        await _app.RunResyncTimerAsync();
        var resynced = _clock.GetUtcNow();

        // Assert
        Assert.False(memberBefore);
        Assert.True(await api.IsMemberAsync("late", "c"));
        var listed = await api.ScheduleAsync("c");
        Assert.Equal(1, listed.MemberCount);
        Assert.Equal(resynced, listed.LastResyncAt);
        Assert.Equal(synced, listed.LastSyncedAt);
        Assert.Equal(resynced + interval, listed.NextResyncAt);
        Assert.Equal(1, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task ResyncTimer_RealtimeAndHourlyCohorts_TwoMinutesLaterOnlyTheRealtimeOneRetried()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("rt", TestChange.Add("ada"));
        await api.SendChangesAsync("hr", TestChange.Add("ada"));
        await api.SetCadenceAsync("rt", "realtime");
        await api.CreateUsersAsync("ada");

        // Act
        _clock.Advance(TimeSpan.FromMinutes(2));
        await _app.RunResyncTimerAsync();

        // Assert
        Assert.True(await api.IsMemberAsync("ada", "rt"));
        Assert.False(await api.IsMemberAsync("ada", "hr"));
        Assert.Equal(1, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task ResyncTimer_OnceCohort_OneRetryPassAfterAnHourThenNoneUntilTheNextPostback()
    {
        // Arrange: two users named by a one-time sync; only the first exists when its single retry runs.
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("c", TestChange.Add("first", "second"));
        await api.SetCadenceAsync("c", "once");
        await api.CreateUsersAsync("first");
        _clock.Advance(TimeSpan.FromMinutes(61));
        await _app.RunResyncTimerAsync();
        var afterRetry = await api.ScheduleAsync("c");

        // Act: the second user appears; days pass with the timer running.
        await api.CreateUsersAsync("second");
        for (var day = 0; day < 3; day++)
        {
            _clock.Advance(TimeSpan.FromDays(1));
            await _app.RunResyncTimerAsync();
        }

        var secondWithoutPostback = await api.IsMemberAsync("second", "c");
        await api.SendChangesAsync("c", TestChange.Add("first"));
        _clock.Advance(TimeSpan.FromMinutes(30));
        await _app.RunResyncTimerAsync();
        var secondHalfAnHourAfterPostback = await api.IsMemberAsync("second", "c");
        _clock.Advance(TimeSpan.FromMinutes(31));
        await _app.RunResyncTimerAsync();

        // Assert
        Assert.True(await api.IsMemberAsync("first", "c"));
        Assert.Null(afterRetry.NextResyncAt);
        Assert.NotNull(afterRetry.LastResyncAt);
        Assert.False(secondWithoutPostback);
        Assert.False(secondHalfAnHourAfterPostback);
        Assert.True(await api.IsMemberAsync("second", "c"));
        Assert.Equal(2, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task ResyncTimer_HourlyAfterAPass_NextPassAnHourAfterThePass()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.SendChangesAsync("c", TestChange.Add("a", "b"));
        await api.CreateUsersAsync("a");
        _clock.Advance(TimeSpan.FromMinutes(61));
        await _app.RunResyncTimerAsync();
        var pass = _clock.GetUtcNow();
        await api.CreateUsersAsync("b");

        // Act
        _clock.Advance(TimeSpan.FromMinutes(59));
        await _app.RunResyncTimerAsync();
        var bBefore = await api.IsMemberAsync("b", "c");
        _clock.Advance(TimeSpan.FromMinutes(2));
        await _app.RunResyncTimerAsync();

        // Assert
        Assert.True(await api.IsMemberAsync("a", "c"));
        Assert.False(bBefore);
        Assert.True(await api.IsMemberAsync("b", "c"));
        Assert.True((await api.ScheduleAsync("c")).LastResyncAt > pass);
    }
}
