namespace CohortFunctions.Telemetry;

/// <summary>How one resync pass of one cohort ended (the <c>outcome</c> dimension of <c>cohortfunctions.resync.runs</c>).</summary>
internal enum ResyncPassEnd
{
    /// <summary>Every pending identifier of the cohort was retried.</summary>
    Completed,

    /// <summary>Stopped at its time budget (or its lease was taken over); the next pass goes on from there.</summary>
    CutShort,

    /// <summary>Ended by an exception; what it applied before stays applied.</summary>
    Failed,
}
