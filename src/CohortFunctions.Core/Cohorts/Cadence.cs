namespace CohortFunctions.Cohorts;

/// <summary>How often a sender syncs a cohort, and so how often its pending identifiers are retried.</summary>
internal enum Cadence
{
    /// <summary>A one-time sync: one retry pass an hour after the last postback, then none.</summary>
    Once,

    /// <summary>Scheduled daily.</summary>
    Daily,

    /// <summary>Scheduled hourly (the default).</summary>
    Hourly,

    /// <summary>Real-time: every minute.</summary>
    Realtime,
}
