using CohortFunctions.Cohorts;
using CohortFunctions.Memberships;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.UnitTests.Users;

/// <summary>
/// The memberships of users as plain sets, for the users feature's tests; removals and moves are recorded in the
/// <see cref="CallLog"/>, <see cref="Add"/> sets up state without being recorded.
/// </summary>
internal class InMemoryUserMemberships(CallLog calls) : IUserMemberships
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(WorkspaceId, UserId), HashSet<CohortRef>> _cohorts = [];

    public virtual Task<IReadOnlyList<CohortRef>> CohortsOfAsync(WorkspaceId workspace, UserId user, CancellationToken cancellationToken) =>
        Task.FromResult(CohortsOf(workspace, user));

    public virtual Task RemoveFromAllAsync(WorkspaceId workspace, UserId user, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            calls.Add("RemoveFromAll " + user);
            _cohorts.Remove((workspace, user));
        }

        return Task.CompletedTask;
    }

    public virtual Task MoveAllAsync(WorkspaceId workspace, UserId source, UserId target, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            calls.Add($"MoveAll {source} -> {target}");
            if (_cohorts.Remove((workspace, source), out var moved))
            {
                if (!_cohorts.TryGetValue((workspace, target), out var set))
                {
                    _cohorts[(workspace, target)] = set = [];
                }

                set.UnionWith(moved);
            }
        }

        return Task.CompletedTask;
    }

    public void Add(WorkspaceId workspace, UserId user, CohortRef cohort)
    {
        lock (_gate)
        {
            if (!_cohorts.TryGetValue((workspace, user), out var set))
            {
                _cohorts[(workspace, user)] = set = [];
            }

            set.Add(cohort);
        }
    }

    public IReadOnlyList<CohortRef> CohortsOf(WorkspaceId workspace, UserId user)
    {
        lock (_gate)
        {
            return _cohorts.TryGetValue((workspace, user), out var set)
                ? [.. set.OrderBy(c => c.Partner, StringComparer.Ordinal).ThenBy(c => c.CohortId, StringComparer.Ordinal)]
                : [];
        }
    }
}
