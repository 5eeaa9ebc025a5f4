using System.Collections.Concurrent;
using CohortFunctions.Cohorts;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Memberships;

/// <summary>
/// The memberships of one user, as the users feature needs them: one membership point read per cohort of the
/// workspace (cost grows with the number of cohorts, not their sizes); changes go through
/// <see cref="MembershipWriter"/> as user changes, so counts stay exact and no data point is counted.
/// </summary>
internal sealed class UserMemberships(ICohortStore cohorts, IMembershipStore memberships, MembershipWriter writer, TimeProvider time) : IUserMemberships
{
    private const int ReadParallelism = 32;

    public async Task<IReadOnlyList<CohortRef>> CohortsOfAsync(WorkspaceId workspace, UserId user, CancellationToken cancellationToken)
    {
        var all = await cohorts.ListAsync(workspace, cancellationToken).ConfigureAwait(false);
        var found = new ConcurrentBag<CohortRef>();
        await Parallel.ForEachAsync(
            all,
            new ParallelOptions { MaxDegreeOfParallelism = ReadParallelism, CancellationToken = cancellationToken },
            async (cohort, ct) =>
            {
                if (await memberships.IsMemberAsync(workspace, cohort.Ref, user, ct).ConfigureAwait(false))
                {
                    found.Add(cohort.Ref);
                }
            }).ConfigureAwait(false);
        return [.. found.OrderBy(c => c.Partner, StringComparer.Ordinal).ThenBy(c => c.CohortId, StringComparer.Ordinal)];
    }

    public async Task RemoveFromAllAsync(WorkspaceId workspace, UserId user, CancellationToken cancellationToken)
    {
        var origin = ChangeOrigin.UserChange(time.GetUtcNow());
        foreach (var cohort in await CohortsOfAsync(workspace, user, cancellationToken).ConfigureAwait(false))
        {
            await writer.ApplyAsync(workspace, cohort, [new MembershipChange(user, Add: false)], origin, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task MoveAllAsync(WorkspaceId workspace, UserId source, UserId target, CancellationToken cancellationToken)
    {
        var origin = ChangeOrigin.UserChange(time.GetUtcNow());
        foreach (var cohort in await CohortsOfAsync(workspace, source, cancellationToken).ConfigureAwait(false))
        {
            // Target first: a crash in between leaves both as members, never neither; repeating completes the move.
            await writer.ApplyAsync(workspace, cohort, [new MembershipChange(target, Add: true)], origin, cancellationToken).ConfigureAwait(false);
            await writer.ApplyAsync(workspace, cohort, [new MembershipChange(source, Add: false)], origin, cancellationToken).ConfigureAwait(false);
        }
    }
}
