using CohortFunctions.Cohorts;
using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Resync;

/// <summary>
/// Pending identifiers per cohort (port; <c>AzureTablePendingStore</c> is the adapter), spread over
/// <see cref="PendingCursor.Buckets"/> partitions by a stable hash of the identifier. A later postback about the same
/// identifier replaces its row: unmatched again, with its new intent; matched, with a tombstone.
/// </summary>
internal interface IPendingStore
{
    Task RecordAsync(WorkspaceId workspace, CohortRef cohort, IReadOnlyList<IdentifierIntent> unmatched, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Marks identifiers a postback has just applied, so an older pending intent for them is never applied.</summary>
    Task SupersedeAsync(WorkspaceId workspace, CohortRef cohort, IReadOnlyList<Identifier> applied, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> rows from <paramref name="cursor"/>, and where to continue.</summary>
    Task<(IReadOnlyList<PendingIdentifier> Rows, PendingCursor Next)> ReadAsync(WorkspaceId workspace, CohortRef cohort, PendingCursor cursor, int max, CancellationToken cancellationToken);

    /// <summary>Deletes rows unless they changed since read (a newer intent survives). Returns how many went.</summary>
    Task<int> DeleteAsync(WorkspaceId workspace, CohortRef cohort, IReadOnlyList<PendingIdentifier> rows, CancellationToken cancellationToken);

    Task<bool> AnyAsync(WorkspaceId workspace, CohortRef cohort, CancellationToken cancellationToken);

    /// <summary>The rows of these identifiers in the cohort (tombstones too), by point reads.</summary>
    Task<IReadOnlyList<PendingIdentifier>> FindAsync(WorkspaceId workspace, CohortRef cohort, IReadOnlyList<Identifier> identifiers, CancellationToken cancellationToken);
}
