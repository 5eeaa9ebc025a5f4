namespace CohortFunctions.Cohorts;

/// <summary>Where cohorts are kept (port; <c>AzureTableCohortStore</c> is the adapter).</summary>
internal interface ICohortStore
{
    /// <summary>Creates the cohort with this name, or renames it; the first <c>created_at</c> is kept.</summary>
    Task UpsertNameAsync(Workspaces.WorkspaceId workspace, CohortRef cohort, string name, DateTimeOffset createdAt, CancellationToken cancellationToken);

    /// <summary>Creates the cohort if missing (named after its id) and records that a postback arrived now.</summary>
    /// <returns>The cohort as it is after the postback was recorded.</returns>
    Task<Cohort> TouchAsync(Workspaces.WorkspaceId workspace, CohortRef cohort, DateTimeOffset now, CancellationToken cancellationToken);

    Task<Cohort?> GetAsync(Workspaces.WorkspaceId workspace, CohortRef cohort, CancellationToken cancellationToken);

    Task<IReadOnlyList<Cohort>> ListAsync(Workspaces.WorkspaceId workspace, CancellationToken cancellationToken);

    /// <summary>Every cohort of every workspace, in key order (for <see cref="StaleCohorts"/>).</summary>
    IAsyncEnumerable<(Workspaces.WorkspaceId Workspace, Cohort Cohort)> AllAsync(CancellationToken cancellationToken);
}
