namespace CohortFunctions.CohortSync.Import;

/// <summary>
/// Progress of an import, reported at its start and after every acknowledged or failed batch. The counts are those
/// of the whole import, earlier runs of a resumed one included; <see cref="UsersThisRun"/> and
/// <see cref="LinesThisRun"/> are this run's, for its rate.
/// </summary>
public sealed record UserImportProgress(
    long LinesDone,
    long LinesTotal,
    long Created,
    long Updated,
    long Rejected,
    long Malformed,
    long UsersThisRun,
    long LinesThisRun,
    int Retries,
    int FailedBatches,
    TimeSpan Elapsed)
{
    public double UsersPerSecond => Elapsed > TimeSpan.Zero ? UsersThisRun / Elapsed.TotalSeconds : 0;

    /// <summary>The time left at this run's pace, or <c>null</c> before there is a pace.</summary>
    public TimeSpan? Remaining => LinesThisRun > 0 && Elapsed > TimeSpan.Zero
        ? TimeSpan.FromSeconds(Math.Max(0, LinesTotal - LinesDone) * Elapsed.TotalSeconds / LinesThisRun)
        : null;
}
