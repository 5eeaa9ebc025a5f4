using CohortFunctions.Cohorts;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Segments;

/// <summary>
/// Sorted id streams a segment is evaluated over, one user shard at a time: a cohort's members, and every user of
/// the workspace (the universe of <c>excludes</c>). Both stream in user id order, a storage page at a time.
/// </summary>
internal interface ISegmentSource
{
    /// <summary>Member user ids of <paramref name="cohort"/> in <paramref name="shard"/>, after <paramref name="after"/>.</summary>
    IAsyncEnumerable<string> MembersAsync(WorkspaceId workspace, CohortRef cohort, char shard, string? after, int pageSize, CancellationToken cancellationToken);

    /// <summary>Every user id of the workspace in <paramref name="shard"/>, after <paramref name="after"/>.</summary>
    IAsyncEnumerable<string> UsersAsync(WorkspaceId workspace, char shard, string? after, int pageSize, CancellationToken cancellationToken);
}
