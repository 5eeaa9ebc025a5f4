using System.Threading.Channels;
using CohortFunctions.App.Hosting;
using CohortFunctions.LocalHost;
using CohortFunctions.UnitTests.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CohortFunctions.UnitTests.LocalHost;

public sealed class TimerFunctionSchedulerTests : IAsyncDisposable
{
    // Half a minute before the every-minute schedule is next due, at 12:01:00.
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 30, TimeSpan.Zero);
    private static readonly DateTime FirstDue = new(2025, 3, 1, 12, 1, 0, DateTimeKind.Utc);

    private readonly WaitableFakeTimeProvider _time = new(Start);
    private readonly ServiceProvider _services = new ServiceCollection().AddSingleton<TimerRuns>().BuildServiceProvider();
    private TimerFunctionScheduler? _scheduler;

    private TimerRuns Runs => _services.GetRequiredService<TimerRuns>();

    public async ValueTask DisposeAsync()
    {
        if (_scheduler is not null)
        {
            await _scheduler.StopAsync(CancellationToken.None);
            _scheduler.Dispose();
        }

        await _services.DisposeAsync();
    }

    [Fact]
    public async Task Execute_TimeReachesSchedule_RunsOnceNotPastDue()
    {
        // Arrange
        await StartAsync("SampleEveryMinute");

        // Act
        _time.Advance(FirstDue - Start.UtcDateTime);
        var run = await Runs.NextAsync();
        await _time.WaitForTimersAsync(2);

        // Assert: the scheduler is waiting for 12:02 again, and ran exactly once.
        Assert.Equal(1, Runs.Count);
        Assert.False(run.IsPastDue);
        Assert.Equal(FirstDue.AddMinutes(1), run.ScheduleStatus!.Next);
        Assert.Equal(DateTime.MinValue, run.ScheduleStatus.Last);
    }

    [Fact]
    public async Task Execute_BeforeSchedule_DoesNotRun()
    {
        // Arrange
        await StartAsync("SampleEveryMinute");

        // Act
        _time.Advance(TimeSpan.FromSeconds(29));

        // Assert
        Assert.Equal(0, Runs.Count);
    }

    [Fact]
    public async Task Execute_TwoOccurrences_SecondRunKnowsTheFirst()
    {
        // Arrange
        await StartAsync("SampleEveryMinute");
        _time.Advance(FirstDue - Start.UtcDateTime);
        await Runs.NextAsync();
        await _time.WaitForTimersAsync(2);

        // Act
        _time.Advance(TimeSpan.FromMinutes(1));
        var second = await Runs.NextAsync();

        // Assert
        Assert.Equal(2, Runs.Count);
        Assert.Equal(FirstDue, second.ScheduleStatus!.Last);
        Assert.False(second.IsPastDue);
    }

    [Fact]
    public async Task Execute_ClockJumpsPastSchedule_RunsOnceMarkedPastDue()
    {
        // Arrange
        await StartAsync("SampleEveryMinute");

        // Act: the process was suspended and wakes up more than a minute late.
        _time.Advance(FirstDue - Start.UtcDateTime + TimeSpan.FromSeconds(75));
        var run = await Runs.NextAsync();
        await _time.WaitForTimersAsync(2);

        // Assert
        Assert.True(run.IsPastDue);
        Assert.Equal(1, Runs.Count);
    }

    [Fact]
    public async Task Execute_RunOnStartup_RunsAtOnce()
    {
        // Act
        await StartAsync("SampleOnStartup");
        var run = await Runs.NextAsync();

        // Assert
        Assert.False(run.IsPastDue);
        Assert.Equal(1, Runs.Count);
    }

    [Fact]
    public async Task Execute_RunThrows_NextRunStillHappens()
    {
        // Arrange
        await StartAsync("SampleFailing");
        _time.Advance(FirstDue - Start.UtcDateTime);
        await Runs.NextAsync();
        await _time.WaitForTimersAsync(2);

        // Act
        _time.Advance(TimeSpan.FromMinutes(1));
        await Runs.NextAsync();

        // Assert
        Assert.Equal(2, Runs.Count);
    }

    [Fact]
    public async Task Execute_NextOccurrenceMonthsAway_RunsWhenDue()
    {
        // Arrange: Task.Delay takes at most ~49.7 days, a yearly schedule waits ten months from here.
        await StartAsync("SampleYearly");
        var due = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        // Act
        while (Runs.Count == 0 && _time.GetUtcNow() < due)
        {
            _time.Advance(TimeSpan.FromDays(10));
            await Task.Yield();
        }

        var run = await Runs.NextAsync();

        // Assert
        Assert.Equal(1, Runs.Count);
        Assert.Equal(due.UtcDateTime.AddYears(1), run.ScheduleStatus!.Next);
    }

    private async Task StartAsync(string functionName)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>("SampleTimers:EveryMinute", "0 * * * * *")])
            .Build();
        var function = FunctionCatalog.For(typeof(SampleTimerFunctions).Assembly).Timers.Single(t => t.Name == functionName);
        _scheduler = new TimerFunctionScheduler(
            [ScheduledTimer.Resolve(function, configuration)],
            _services.GetRequiredService<IServiceScopeFactory>(),
            _time,
            NullLogger<TimerFunctionScheduler>.Instance);
        await _scheduler.StartAsync(CancellationToken.None);
        if (!function.RunOnStartup)
        {
            // ExecuteAsync runs in the background: advancing time before it waits would skip the occurrence.
            await _time.WaitForTimersAsync(1);
        }
    }

    /// <summary>A fake clock that tells when code under test has started waiting on it.</summary>
    private sealed class WaitableFakeTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private readonly Channel<bool> _created = Channel.CreateUnbounded<bool>();
        private int _count;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _count);
            _created.Writer.TryWrite(true);
            return timer;
        }

        /// <summary>Waits until <paramref name="count"/> timers were created in all.</summary>
        public async Task WaitForTimersAsync(int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (Volatile.Read(ref _count) < count)
            {
                await _created.Reader.ReadAsync(timeout.Token);
            }
        }
    }
}
