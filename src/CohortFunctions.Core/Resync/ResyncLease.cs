namespace CohortFunctions.Resync;

/// <summary>A cohort's resync lease: held by one run at a time, with where that run's pass stands.</summary>
internal sealed record ResyncLease(string Owner, PendingCursor Cursor);
