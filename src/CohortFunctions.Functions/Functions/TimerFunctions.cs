using CohortFunctions.Maintenance;
using CohortFunctions.Resync;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace CohortFunctions.App.Functions;

/// <summary>
/// The scheduled work: resync passes of due cohorts (every minute by default) and daily maintenance. Schedules come
/// from the settings <c>ResyncSchedule</c> and <c>MaintenanceSchedule</c> (six-field NCRONTAB).
/// </summary>
internal sealed partial class TimerFunctions(ResyncService resync, MaintenanceService maintenance, ILogger<TimerFunctions> logger)
{
    [Function(nameof(ResyncDueCohorts))]
    public async Task ResyncDueCohorts(
        [TimerTrigger("%" + ResyncOptions.ScheduleSetting + "%")] TimerInfo timer,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        Log.Started(logger, nameof(ResyncDueCohorts), timer.IsPastDue);
        var summary = await resync.RunDueAsync(cancellationToken).ConfigureAwait(false);
        Log.Resynced(
            logger,
            summary.CohortsDue,
            summary.CohortsPassed,
            summary.CohortsBusy,
            summary.CohortsFailed,
            summary.Totals.Retried,
            summary.Totals.Applied,
            summary.Totals.Expired,
            summary.Totals.StillPending,
            (long)summary.Elapsed.TotalMilliseconds);
    }

    [Function(nameof(RunMaintenance))]
    public async Task RunMaintenance(
        [TimerTrigger("%" + ResyncOptions.MaintenanceScheduleSetting + "%")] TimerInfo timer,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        Log.Started(logger, nameof(RunMaintenance), timer.IsPastDue);
        await maintenance.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Timer {Function} started (past due: {IsPastDue})")]
        public static partial void Started(ILogger logger, string function, bool isPastDue);

        [LoggerMessage(Level = LogLevel.Information, Message = "Resync run: {Due} cohorts due, {Passed} passed, {Busy} busy, {Failed} failed; {Retried} retried, {Applied} applied, {Expired} expired, {StillPending} still pending; {ElapsedMs} ms")]
        public static partial void Resynced(ILogger logger, int due, int passed, int busy, int failed, int retried, int applied, int expired, int stillPending, long elapsedMs);
    }
}
