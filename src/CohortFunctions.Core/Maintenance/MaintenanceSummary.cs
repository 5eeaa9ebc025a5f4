using CohortFunctions.History;

namespace CohortFunctions.Maintenance;

/// <summary>
/// What one maintenance run did. <see cref="Complete"/>: it reached the last cohort; <see cref="FromStart"/>: it began
/// at the first one (not resuming where a run cut short by its budget stopped). Only a run that is both and had no
/// failed cohort has visited every cohort successfully: a failed cohort is passed over until the next cycle.
/// </summary>
internal sealed record MaintenanceSummary(int CohortsVisited, int DeltasFolded, int LedgerRowsRewritten, int PendingPurged, int CohortsFailed, bool Complete, bool FromStart, TimeSpan Elapsed)
{
    /// <summary>What the sync history's retention sweep did in this run.</summary>
    public HistorySweep History { get; init; } = HistorySweep.Nothing;

    /// <summary>Every cohort was visited, from the first to the last, without a failure.</summary>
    public bool CoveredEveryCohort => Complete && FromStart && CohortsFailed == 0;
}
