using CohortFunctions.Telemetry;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Logging;

namespace CohortFunctions.Cohorts;

/// <summary>
/// Counts the cohorts of every workspace and partner that are stale now (<see cref="Cohort.IsStale"/>) and records
/// the counts on the <c>cohortfunctions.cohorts.stale</c> gauge, 0 included, so an alert on it also resolves. One read
/// of the cohorts table (a row per cohort), at each resync timer run.
/// </summary>
internal sealed partial class StaleCohorts(ICohortStore cohorts, CohortMetrics metrics, TimeProvider time, ILogger<StaleCohorts> logger)
{
    /// <summary>Records the gauge; a failure is logged and left to the next run (the resync run it belongs to goes on).</summary>
    public async Task RecordAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var counts = new Dictionary<(WorkspaceId Workspace, string Partner), int>();
        try
        {
            await foreach (var (workspace, cohort) in cohorts.AllAsync(cancellationToken).ConfigureAwait(false))
            {
                var key = (workspace, cohort.Ref.Partner);
                counts[key] = counts.GetValueOrDefault(key) + (cohort.IsStale(now) ? 1 : 0);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.CountFailed(logger, ex);
            return;
        }

        foreach (var ((workspace, partner), stale) in counts)
        {
            metrics.StaleCohorts(MetricScope.Of(workspace, partner), stale);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Stale cohorts could not be counted; the next resync run tries again")]
        public static partial void CountFailed(ILogger logger, Exception exception);
    }
}
