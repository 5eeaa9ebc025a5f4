namespace CohortFunctions.Telemetry;

/// <summary>How the maintenance of one cohort in a run ended (the <c>outcome</c> dimension of <c>cohortfunctions.maintenance.runs</c>).</summary>
internal enum MaintenanceEnd
{
    /// <summary>Count deltas folded and expired pending identifiers purged.</summary>
    Complete,

    /// <summary>The run's time budget ended while expired identifiers were being purged; the next run goes on.</summary>
    CutShort,

    /// <summary>Ended by an exception; the cohort is passed over until the next run.</summary>
    Failed,
}
