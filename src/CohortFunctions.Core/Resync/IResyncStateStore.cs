using CohortFunctions.Cohorts;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Resync;

/// <summary>
/// The resync state kept on a cohort's row (port): cadence, whether identifiers are pending, the lease that keeps
/// runs from overlapping on one cohort (across instances too), and the cursor of an unfinished pass.
/// </summary>
internal interface IResyncStateStore
{
    /// <summary>Sets the cadence; false when the cohort does not exist.</summary>
    Task<bool> SetCadenceAsync(WorkspaceId workspace, CohortRef cohort, Cadence cadence, CancellationToken cancellationToken);

    /// <summary>
    /// Before a postback that started at <paramref name="since"/> records pending identifiers: makes
    /// <see cref="Cohort.PendingSince"/> at most <paramref name="since"/> (left unknown on a cohort that had pending
    /// identifiers before the time was kept).
    /// </summary>
    Task LowerPendingSinceAsync(WorkspaceId workspace, CohortRef cohort, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Records that the cohort has pending identifiers (after they were written).</summary>
    Task MarkPendingAsync(WorkspaceId workspace, CohortRef cohort, CancellationToken cancellationToken);

    /// <summary>Every cohort, in every workspace, that has pending identifiers or an unfinished pass.</summary>
    IAsyncEnumerable<(WorkspaceId Workspace, Cohort Cohort)> WithPendingAsync(CancellationToken cancellationToken);

    /// <summary>Takes the lease unless another run holds an unexpired one.</summary>
    Task<ResyncLease?> TryAcquireAsync(WorkspaceId workspace, CohortRef cohort, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Saves a pass's progress and extends the lease; false when the lease was lost.</summary>
    Task<bool> SaveProgressAsync(WorkspaceId workspace, CohortRef cohort, ResyncLease lease, PendingCursor cursor, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>
    /// Ends a complete pass: records its time, clears the cursor and the lease, and sets whether identifiers are still
    /// pending — asking <paramref name="anyPending"/> again if a postback changed the row meanwhile.
    /// </summary>
    Task CompleteAsync(WorkspaceId workspace, CohortRef cohort, ResyncLease lease, DateTimeOffset now, Func<CancellationToken, Task<bool>> anyPending, CancellationToken cancellationToken);

    /// <summary>Gives the lease up, keeping the cursor so the next run resumes the pass.</summary>
    Task ReleaseAsync(WorkspaceId workspace, CohortRef cohort, ResyncLease lease, CancellationToken cancellationToken);
}
