using CohortFunctions.Cohorts;
using CohortFunctions.Workspaces;

namespace CohortFunctions.History;

/// <summary>
/// The sync history in storage (port; <c>AzureTableSyncHistoryStore</c> is the adapter): each record is kept once in
/// time order for its workspace's feed and once in its cohort's order, both written by one transaction.
/// </summary>
internal interface ISyncHistoryStore
{
    /// <summary>Writes the records; writing one again (a retry) changes nothing.</summary>
    Task AppendAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken);

    /// <summary>A page of one cohort's records, newest first.</summary>
    Task<HistoryPage> ReadCohortAsync(WorkspaceId workspace, CohortRef cohort, HistoryQuery query, CancellationToken cancellationToken);

    /// <summary>A page of the records of every cohort of a workspace, newest first, optionally of one partner only.</summary>
    Task<HistoryPage> ReadWorkspaceAsync(WorkspaceId workspace, HistoryQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the workspace's records of the days before <paramref name="firstDayKept"/> (UTC), reading only that
    /// workspace's rows; stops at <paramref name="deadline"/>.
    /// </summary>
    /// <returns>The rows deleted, and whether none is left.</returns>
    Task<(int Deleted, bool Complete)> PurgeAsync(WorkspaceId workspace, DateOnly firstDayKept, DateTimeOffset deadline, TimeProvider time, CancellationToken cancellationToken);

    /// <summary>The workspace the retention sweep stopped at (its budget ran out), or null.</summary>
    Task<string?> LoadSweepCursorAsync(CancellationToken cancellationToken);

    Task SaveSweepCursorAsync(string? cursor, CancellationToken cancellationToken);
}
