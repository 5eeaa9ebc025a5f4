using CohortFunctions.Cohorts;
using CohortFunctions.Resync;

namespace CohortFunctions.UnitTests.Resync;

/// <summary>When a cohort's next resync pass is due, whether a pass is due now, and when a cohort is stale.</summary>
public sealed class CohortScheduleTests
{
    private static DateTimeOffset Created { get; } = new(2025, 4, 1, 8, 0, 0, TimeSpan.Zero);
    private static DateTimeOffset Synced { get; } = Created.AddMinutes(30);

    [Theory]
    [InlineData((int)Cadence.Realtime, 1)]
    [InlineData((int)Cadence.Hourly, 60)]
    [InlineData((int)Cadence.Daily, 1440)]
    public void NextResyncAt_NeverResynced_OneIntervalAfterTheLastPostback(int cadenceValue, int minutes)
    {
        // Arrange
        var cadence = (Cadence)cadenceValue;
        var cohort = Cohort(cadence, lastSynced: Synced);

        // Act + Assert
        Assert.Equal(Synced.AddMinutes(minutes), cohort.NextResyncAt);
    }

    [Theory]
    [InlineData((int)Cadence.Realtime, 1)]
    [InlineData((int)Cadence.Hourly, 60)]
    [InlineData((int)Cadence.Daily, 1440)]
    public void NextResyncAt_Resynced_OneIntervalAfterTheLastPass(int cadenceValue, int minutes)
    {
        // Arrange: the pass ran after the last postback.
        var cadence = (Cadence)cadenceValue;
        var resynced = Synced.AddHours(5);
        var cohort = Cohort(cadence, lastSynced: Synced) with { LastResyncAt = resynced };

        // Act + Assert
        Assert.Equal(resynced.AddMinutes(minutes), cohort.NextResyncAt);
    }

    [Fact]
    public void NextResyncAt_NoPostbackYet_OneIntervalAfterCreation()
    {
        // Arrange: created by the name call only.
        var cohort = Cohort(Cadence.Hourly, lastSynced: null);

        // Act + Assert
        Assert.Equal(Created.AddHours(1), cohort.NextResyncAt);
    }

    [Fact]
    public void NextResyncAt_OnceBeforeItsRetry_AnHourAfterTheLastPostback()
    {
        // Arrange
        var cohort = Cohort(Cadence.Once, lastSynced: Synced);

        // Act + Assert
        Assert.Equal(Synced + Cadences.OnceRetryDelay, cohort.NextResyncAt);
        Assert.Equal(TimeSpan.FromHours(1), Cadences.OnceRetryDelay);
    }

    [Fact]
    public void NextResyncAt_OnceAfterItsRetry_Never()
    {
        // Arrange
        var cohort = Cohort(Cadence.Once, lastSynced: Synced) with { OnceRetryDone = true, LastResyncAt = Synced.AddHours(1) };

        // Act + Assert
        Assert.Null(cohort.NextResyncAt);
    }

    [Fact]
    public void NextResyncAt_OnceRetriedThenNewPostback_IgnoresTheEarlierPass()
    {
        // Arrange: a postback after the retry clears OnceRetryDone; the next retry is an hour after that postback.
        var later = Synced.AddDays(3);
        var cohort = Cohort(Cadence.Once, lastSynced: later) with { OnceRetryDone = false, LastResyncAt = Synced.AddHours(1) };

        // Act + Assert
        Assert.Equal(later.AddHours(1), cohort.NextResyncAt);
    }

    [Theory]
    [InlineData((int)Cadence.Realtime, 59, false)]
    [InlineData((int)Cadence.Realtime, 60, true)]
    [InlineData((int)Cadence.Hourly, 3599, false)]
    [InlineData((int)Cadence.Hourly, 3600, true)]
    [InlineData((int)Cadence.Daily, 86399, false)]
    [InlineData((int)Cadence.Daily, 86400, true)]
    [InlineData((int)Cadence.Once, 3599, false)]
    [InlineData((int)Cadence.Once, 3600, true)]
    public void IsDue_WithPending_DueFromNextResyncAtOn(int cadenceValue, int secondsAfterPostback, bool due)
    {
        // Arrange
        var cadence = (Cadence)cadenceValue;
        var cohort = Cohort(cadence, lastSynced: Synced) with { HasPending = true };

        // Act + Assert
        Assert.Equal(due, ResyncService.IsDue(cohort, Synced.AddSeconds(secondsAfterPostback)));
    }

    [Theory]
    [InlineData((int)Cadence.Realtime)]
    [InlineData((int)Cadence.Hourly)]
    [InlineData((int)Cadence.Daily)]
    [InlineData((int)Cadence.Once)]
    public void IsDue_NothingPending_NeverDue(int cadenceValue)
    {
        // Arrange
        var cadence = (Cadence)cadenceValue;
        var cohort = Cohort(cadence, lastSynced: Synced);

        // Act + Assert
        Assert.False(ResyncService.IsDue(cohort, Synced.AddDays(30)));
    }

    [Fact]
    public void IsDue_OnceAfterItsRetry_NeverDueAgain()
    {
        // Arrange
        var cohort = Cohort(Cadence.Once, lastSynced: Synced) with { HasPending = true, OnceRetryDone = true, LastResyncAt = Synced.AddHours(1) };

        // Act + Assert
        Assert.False(ResyncService.IsDue(cohort, Synced.AddDays(365)));
    }

    [Theory]
    [InlineData((int)Cadence.Realtime)]
    [InlineData((int)Cadence.Daily)]
    [InlineData((int)Cadence.Once)]
    public void IsDue_PassInProgress_DueAtOnceWhateverTheCadence(int cadenceValue)
    {
        // Arrange: a pass that stopped at its budget resumes on the next run, even right after a postback.
        var cadence = (Cadence)cadenceValue;
        var cohort = Cohort(cadence, lastSynced: Synced) with { PassInProgress = true, LastResyncAt = Synced, OnceRetryDone = true };

        // Act + Assert
        Assert.True(ResyncService.IsDue(cohort, Synced));
    }

    [Fact]
    public void IsDue_HourlyRecentPass_NotDueUntilAnHourAfterIt()
    {
        // Arrange
        var pass = Synced.AddMinutes(90);
        var cohort = Cohort(Cadence.Hourly, lastSynced: Synced) with { HasPending = true, LastResyncAt = pass };

        // Act + Assert
        Assert.False(ResyncService.IsDue(cohort, pass.AddMinutes(59)));
        Assert.True(ResyncService.IsDue(cohort, pass.AddMinutes(60)));
    }

    [Fact]
    public void IsDue_NullCohort_Throws()
    {
        // Act + Assert
        Assert.Throws<ArgumentNullException>(() => ResyncService.IsDue(null!, Synced));
    }

    [Theory]
    [InlineData((int)Cadence.Realtime, 120, false)]
    [InlineData((int)Cadence.Realtime, 121, true)]
    [InlineData((int)Cadence.Hourly, 7200, false)]
    [InlineData((int)Cadence.Hourly, 7201, true)]
    [InlineData((int)Cadence.Daily, 172800, false)]
    [InlineData((int)Cadence.Daily, 172801, true)]
    public void IsStale_MoreThanTwiceTheCadenceSinceTheLastPostback_Stale(int cadenceValue, int secondsAfterPostback, bool stale)
    {
        // Arrange
        var cadence = (Cadence)cadenceValue;
        var cohort = Cohort(cadence, lastSynced: Synced);

        // Act + Assert
        Assert.Equal(stale, cohort.IsStale(Synced.AddSeconds(secondsAfterPostback)));
    }

    [Fact]
    public void IsStale_Once_Never()
    {
        // Arrange
        var cohort = Cohort(Cadence.Once, lastSynced: Synced);

        // Act + Assert
        Assert.False(cohort.IsStale(Synced.AddYears(1)));
    }

    [Fact]
    public void IsStale_NoPostbackYet_CountsFromCreation()
    {
        // Arrange
        var cohort = Cohort(Cadence.Hourly, lastSynced: null);

        // Act + Assert
        Assert.False(cohort.IsStale(Created.AddHours(2)));
        Assert.True(cohort.IsStale(Created.AddHours(2).AddTicks(1)));
    }

    [Fact]
    public void IsStale_ResyncPasses_DoNotCountAsPostbacks()
    {
        // Arrange: a pass ran recently, but the sender has been silent for three hours.
        var cohort = Cohort(Cadence.Hourly, lastSynced: Synced) with { LastResyncAt = Synced.AddHours(3) };

        // Act + Assert
        Assert.True(cohort.IsStale(Synced.AddHours(3)));
    }

    [Fact]
    public void Cohort_New_HourlyWithNothingPendingAndNoPass()
    {
        // Act
        var cohort = new Cohort(new CohortRef("amplitude", "abc123"), "abc123", Named: false, Created, Created);

        // Assert
        Assert.Equal(Cadence.Hourly, cohort.Cadence);
        Assert.False(cohort.HasPending);
        Assert.False(cohort.PassInProgress);
        Assert.False(cohort.OnceRetryDone);
        Assert.Null(cohort.LastResyncAt);
    }

    private static Cohort Cohort(Cadence cadence, DateTimeOffset? lastSynced) =>
        new(new CohortRef("amplitude", "abc123"), "Power users", Named: true, Created, lastSynced) { Cadence = cadence };
}
