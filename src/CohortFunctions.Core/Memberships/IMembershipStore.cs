using CohortFunctions.Cohorts;
using CohortFunctions.DataPoints;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Memberships;

/// <summary>Cohort memberships (port; <c>AzureTableMembershipStore</c> is the adapter).</summary>
internal interface IMembershipStore
{
    /// <summary>
    /// Applies the changes of users that all live in one shard, exactly: adds of non-members and removes of members
    /// are committed together with a count delta in one transaction per chunk; everything else is unchanged.
    /// </summary>
    /// <returns>The counts and, for postbacks, the ledger entries of the committed batches.</returns>
    Task<(MembershipResult Result, IReadOnlyList<DataPointEntry> DataPoints)> ApplyAsync(
        WorkspaceId workspace,
        CohortRef cohort,
        char shard,
        IReadOnlyList<MembershipChange> changes,
        ChangeOrigin origin,
        CancellationToken cancellationToken);

    Task<bool> IsMemberAsync(WorkspaceId workspace, CohortRef cohort, UserId user, CancellationToken cancellationToken);

    /// <summary>The user's membership of the cohort (since when, added by what), or null when not a member.</summary>
    Task<Membership?> GetAsync(WorkspaceId workspace, CohortRef cohort, UserId user, CancellationToken cancellationToken);

    /// <summary>The exact member count: compacted counts plus every committed delta.</summary>
    Task<long> CountAsync(WorkspaceId workspace, CohortRef cohort, CancellationToken cancellationToken);

    /// <summary>A page of members; <paramref name="continuation"/> comes from the previous page.</summary>
    Task<MemberPage> ListAsync(WorkspaceId workspace, CohortRef cohort, int limit, string? continuation, CancellationToken cancellationToken);
}
