using CohortFunctions.Cohorts;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Maintenance;

/// <summary>Storage work of the maintenance timer (port).</summary>
internal interface IMaintenanceStore
{
    /// <summary>Every cohort of every workspace after <paramref name="after"/>, in key order, with its resumable key.</summary>
    IAsyncEnumerable<(WorkspaceId Workspace, Cohort Cohort, string Key)> CohortsAsync(string? after, CancellationToken cancellationToken);

    /// <summary>
    /// Folds a cohort's member count deltas into each shard's count row, first rewriting the data point ledger rows
    /// the deltas carry (idempotent), so a ledger write lost to a crash is restored before its delta goes.
    /// </summary>
    Task<CompactionResult> CompactAsync(WorkspaceId workspace, CohortRef cohort, CancellationToken cancellationToken);

    /// <summary>Deletes pending identifiers older than <paramref name="cutoff"/>; stops at <paramref name="deadline"/>.</summary>
    Task<(int Purged, bool Complete)> PurgeExpiredAsync(WorkspaceId workspace, CohortRef cohort, DateTimeOffset cutoff, DateTimeOffset deadline, TimeProvider time, CancellationToken cancellationToken);

    Task<string?> LoadCursorAsync(CancellationToken cancellationToken);

    Task SaveCursorAsync(string? cursor, CancellationToken cancellationToken);
}
