using CohortFunctions.Cohorts;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Memberships;

/// <summary>
/// Membership operations the users feature needs when a user is looked up, merged or deleted. They keep member
/// counts exact and count no data points (only partner postbacks do). Cost grows with the number of cohorts in the
/// workspace, not with their sizes.
/// </summary>
internal interface IUserMemberships
{
    /// <summary>The cohorts <paramref name="user"/> is a member of.</summary>
    Task<IReadOnlyList<CohortRef>> CohortsOfAsync(WorkspaceId workspace, UserId user, CancellationToken cancellationToken);

    /// <summary>Removes <paramref name="user"/> from every cohort (idempotent).</summary>
    Task RemoveFromAllAsync(WorkspaceId workspace, UserId user, CancellationToken cancellationToken);

    /// <summary>
    /// Moves every membership of <paramref name="source"/> to <paramref name="target"/>: <paramref name="target"/> is added
    /// where it was not a member, then <paramref name="source"/> is removed (idempotent; safe to repeat after a crash).
    /// </summary>
    Task MoveAllAsync(WorkspaceId workspace, UserId source, UserId target, CancellationToken cancellationToken);
}
