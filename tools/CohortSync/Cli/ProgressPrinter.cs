using System.Globalization;
using CohortFunctions.CohortSync.Sync;

namespace CohortFunctions.CohortSync.Cli;

/// <summary>Progress lines on stderr, at most one per interval, so long syncs show they are alive.</summary>
internal sealed class ProgressPrinter(TextWriter error, TimeSpan interval, TimeProvider time)
{
    private readonly Lock _lock = new();
    private long _last = time.GetTimestamp();

    public void Restart()
    {
        lock (_lock)
        {
            _last = time.GetTimestamp();
        }
    }

    public void Report(SyncProgress progress)
    {
        // The plan line comes before and the summary after: only the batches in between need progress.
        if (progress.BatchesDone == 0 || progress.BatchesDone == progress.BatchesTotal)
        {
            return;
        }

        lock (_lock)
        {
            if (time.GetElapsedTime(_last) < interval)
            {
                return;
            }

            _last = time.GetTimestamp();
            error.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"progress: {progress.BatchesDone:N0}/{progress.BatchesTotal:N0} batches, {progress.IdsDone:N0}/{progress.IdsTotal:N0} ids, {progress.IdsPerSecond:N0} ids/s, {progress.Retries:N0} retries, {progress.FailedBatches:N0} failed"));
        }
    }
}
