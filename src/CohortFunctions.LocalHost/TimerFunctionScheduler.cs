using System.Globalization;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.LocalHost;

/// <summary>
/// Runs every timer function of the catalog on its schedule, one invocation at a time per function (the Functions
/// host also never overlaps runs of one timer), each in its own service scope.
/// </summary>
internal sealed partial class TimerFunctionScheduler(
    IEnumerable<ScheduledTimer> timers,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<TimerFunctionScheduler> logger) : BackgroundService
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromDays(30);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(timers.Select(timer => RunAsync(timer, stoppingToken)));

    private async Task RunAsync(ScheduledTimer timer, CancellationToken stoppingToken)
    {
        Log.Scheduled(logger, timer.Function.Name, timer.Expression);
        DateTime? last = null;
        if (timer.Function.RunOnStartup)
        {
            await InvokeAsync(timer, last, time.GetUtcNow().UtcDateTime, false, stoppingToken).ConfigureAwait(false);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var due = timer.Schedule.GetNextOccurrence(now);
            try
            {
                // Task.Delay waits at most ~49.7 days and throws beyond: a longer wait (a yearly schedule) is several.
                for (var wait = due - now; wait > TimeSpan.Zero; wait = due - time.GetUtcNow().UtcDateTime)
                {
                    await Task.Delay(wait < MaxDelay ? wait : MaxDelay, time, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var late = time.GetUtcNow().UtcDateTime - due;
            await InvokeAsync(timer, last, due, late > TimeSpan.FromSeconds(10), stoppingToken).ConfigureAwait(false);
            last = due;
        }
    }

    private async Task InvokeAsync(ScheduledTimer timer, DateTime? last, DateTime due, bool isPastDue, CancellationToken stoppingToken)
    {
        var info = new TimerInfo
        {
            IsPastDue = isPastDue,
            ScheduleStatus = new ScheduleStatus
            {
                Last = last ?? DateTime.MinValue,
                Next = timer.Schedule.GetNextOccurrence(due),
                LastUpdated = time.GetUtcNow().UtcDateTime,
            },
        };
        var scope = scopes.CreateAsyncScope();
        await using var disposeScope = scope.ConfigureAwait(false);
        try
        {
            await FunctionInvoker.InvokeTimerAsync(scope.ServiceProvider, timer.Function.Type, timer.Function.Method, info, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // As in the Functions host: a failed run is logged and the next one runs on schedule.
            Log.Failed(logger, timer.Function.Name, due.ToString("O", CultureInfo.InvariantCulture), ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Timer function {Function} scheduled at '{Schedule}'")]
        public static partial void Scheduled(ILogger logger, string function, string schedule);

        [LoggerMessage(Level = LogLevel.Error, Message = "Timer function {Function} run due at {Due} failed")]
        public static partial void Failed(ILogger logger, string function, string due, Exception exception);
    }
}
