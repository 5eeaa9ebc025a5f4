using System.Diagnostics;
using CohortFunctions.History;
using CohortFunctions.Resync;
using CohortFunctions.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CohortFunctions.Maintenance;

/// <summary>
/// The daily maintenance: removes sync history past its retention (<see cref="HistoryRetention"/>), compacts member
/// count deltas (restoring any data point ledger row a crash lost) and purges pending identifiers past retention.
/// Bounded by the run budget, of which the history gets at most half; stored cursors let the next run go on from the
/// workspace and the cohort where this one stopped.
/// </summary>
internal sealed partial class MaintenanceService(
    IMaintenanceStore store,
    HistoryRetention history,
    CohortMetrics metrics,
    TimeProvider time,
    IOptions<ResyncOptions> options,
    ILogger<MaintenanceService> logger)
{
    public async Task<MaintenanceSummary> RunAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var budget = TimeSpan.FromSeconds(options.Value.RunBudgetSeconds);
        var deadline = time.GetUtcNow() + budget;

        // First, so that cohorts that take the whole budget cannot keep history from expiring; bounded by half of it
        // (in a day each workspace has about one day of history to delete), so compaction always gets the rest.
        HistorySweep swept;
        try
        {
            swept = await history.SweepAsync(time.GetUtcNow() + budget / 2, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.HistorySweepFailed(logger, ex);
            swept = HistorySweep.Nothing with { Complete = false, Failed = 1 };
        }

        var cutoff = time.GetUtcNow() - options.Value.Retention;
        var cursor = await store.LoadCursorAsync(cancellationToken).ConfigureAwait(false);
        var fromStart = cursor is null;
        int visited = 0, folded = 0, rewritten = 0, purged = 0, failed = 0;
        var complete = true;
        await foreach (var (workspace, cohort, key) in store.CohortsAsync(cursor, cancellationToken).ConfigureAwait(false))
        {
            if (time.GetUtcNow() >= deadline)
            {
                complete = false;
                break;
            }

            var scope = MetricScope.Of(workspace, cohort.Ref.Partner);
            using var ambient = MetricScope.Enter(scope);
            try
            {
                var compaction = await store.CompactAsync(workspace, cohort.Ref, cancellationToken).ConfigureAwait(false);
                folded += compaction.DeltasFolded;
                rewritten += compaction.LedgerRowsRewritten;
                if (cohort.HasPending)
                {
                    var (count, done) = await store.PurgeExpiredAsync(workspace, cohort.Ref, cutoff, deadline, time, cancellationToken).ConfigureAwait(false);
                    purged += count;
                    if (!done)
                    {
                        metrics.MaintenanceOfCohort(scope, MaintenanceEnd.CutShort);
                        complete = false;
                        break;
                    }
                }

                metrics.MaintenanceOfCohort(scope, MaintenanceEnd.Complete);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // A cohort that keeps failing is logged and passed over until the next cycle, not retried forever.
                Log.CohortFailed(logger, workspace.Value, cohort.Ref.Partner, ex);
                metrics.MaintenanceOfCohort(scope, MaintenanceEnd.Failed);
                failed++;
            }

            visited++;
            cursor = key;
            await store.SaveCursorAsync(cursor, cancellationToken).ConfigureAwait(false);
        }

        if (complete)
        {
            await store.SaveCursorAsync(null, cancellationToken).ConfigureAwait(false);
        }

        var summary = new MaintenanceSummary(visited, folded, rewritten, purged, failed, complete, fromStart, stopwatch.Elapsed) { History = swept };
        Log.Ran(logger, visited, folded, rewritten, purged, failed, complete, fromStart, (long)summary.Elapsed.TotalMilliseconds);
        Log.HistorySwept(logger, swept.Workspaces, swept.RowsDeleted, swept.Failed, swept.Complete);
        return summary;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Maintenance visited {Cohorts} cohorts: {Folded} count deltas folded, {Rewritten} ledger rows rewritten, {Purged} expired pending identifiers purged, {Failed} cohorts failed; complete: {Complete}; from the start: {FromStart}; {ElapsedMs} ms")]
        public static partial void Ran(ILogger logger, int cohorts, int folded, int rewritten, int purged, int failed, bool complete, bool fromStart, long elapsedMs);

        [LoggerMessage(Level = LogLevel.Error, Message = "Maintenance of a cohort in workspace {Workspace} ({Partner}) failed; going on with the next cohort")]
        public static partial void CohortFailed(ILogger logger, string workspace, string partner, Exception exception);

        [LoggerMessage(Level = LogLevel.Information, Message = "Sync history retention: {Workspaces} workspaces swept, {Rows} expired rows deleted, {Failed} workspaces failed; complete: {Complete}")]
        public static partial void HistorySwept(ILogger logger, int workspaces, int rows, int failed, bool complete);

        [LoggerMessage(Level = LogLevel.Error, Message = "Sync history retention failed; the next maintenance run tries again")]
        public static partial void HistorySweepFailed(ILogger logger, Exception exception);
    }
}
