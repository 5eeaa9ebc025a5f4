using CohortFunctions.Cohorts;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Memberships;

/// <summary>One user's wanted state in a cohort: in (<see cref="Add"/>) or out.</summary>
internal sealed record MembershipChange(UserId User, bool Add);

/// <summary>What applying changes did: only effective changes count as added or removed.</summary>
internal sealed record MembershipResult(int Added, int Removed, int Unchanged)
{
    public static MembershipResult None { get; } = new(0, 0, 0);

    public MembershipResult Plus(MembershipResult other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Added + other.Added, Removed + other.Removed, Unchanged + other.Unchanged);
    }
}

/// <summary>
/// Why a batch of changes is being applied: a partner postback counts one data point per effective change;
/// merges and deletions count none.
/// </summary>
internal sealed record ChangeOrigin(string? PostbackId, DateOnly Day, bool CountsDataPoints)
{
    public static ChangeOrigin Maintenance(DateOnly day) => new(null, day, false);
}

/// <summary>A data point ledger entry: the effective changes of one committed membership batch.</summary>
internal sealed record DataPointEntry(string BatchId, string PostbackId, int Count);

/// <summary>A page of a cohort's members, in shard then user id order.</summary>
internal sealed record MemberPage(IReadOnlyList<UserId> Members, string? Continuation);

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

    /// <summary>The exact member count: compacted counts plus every committed delta.</summary>
    Task<long> CountAsync(WorkspaceId workspace, CohortRef cohort, CancellationToken cancellationToken);

    /// <summary>A page of members; <paramref name="continuation"/> comes from the previous page.</summary>
    Task<MemberPage> ListAsync(WorkspaceId workspace, CohortRef cohort, int limit, string? continuation, CancellationToken cancellationToken);
}
