using CohortFunctions.Partners;

namespace CohortFunctions.Cohorts;

/// <summary>
/// A partner cohort known to a workspace. Created by the name call or by the first postback that changes its
/// members (then named after its id until the name call arrives).
/// </summary>
public sealed record Cohort(
    CohortRef Ref,
    string Name,
    bool Named,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSyncedAt)
{
    /// <summary>How the cohort is shown in segment filters: <c>[Amplitude] Power users: abc123</c>.</summary>
    public string DisplayName(Partner partner)
    {
        ArgumentNullException.ThrowIfNull(partner);
        return $"[{partner.DisplayName}] {Name}: {Ref.CohortId}";
    }
}

/// <summary>Where cohorts are kept (port; <c>AzureTableCohortStore</c> is the adapter).</summary>
public interface ICohortStore
{
    /// <summary>Creates the cohort with this name, or renames it; the first <c>created_at</c> is kept.</summary>
    Task UpsertNameAsync(Workspaces.WorkspaceId workspace, CohortRef cohort, string name, DateTimeOffset createdAt, CancellationToken cancellationToken);

    /// <summary>Creates the cohort if missing (named after its id) and records that a postback arrived now.</summary>
    Task TouchAsync(Workspaces.WorkspaceId workspace, CohortRef cohort, DateTimeOffset now, CancellationToken cancellationToken);

    Task<Cohort?> GetAsync(Workspaces.WorkspaceId workspace, CohortRef cohort, CancellationToken cancellationToken);

    Task<IReadOnlyList<Cohort>> ListAsync(Workspaces.WorkspaceId workspace, CancellationToken cancellationToken);
}
