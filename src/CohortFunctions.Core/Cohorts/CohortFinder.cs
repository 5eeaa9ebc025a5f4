using CohortFunctions.Partners;
using CohortFunctions.Results;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Cohorts;

/// <summary>Finds a cohort of a workspace by what an operator names it by: the partner slug and the cohort id.</summary>
internal sealed class CohortFinder(ICohortStore cohorts, PartnerCatalog partners)
{
    /// <summary>The cohort; not found when the partner is not configured or the workspace has no such cohort.</summary>
    public async Task<Result<Cohort>> FindAsync(WorkspaceId workspace, string? partner, string? cohortId, CancellationToken cancellationToken)
    {
        if (partners.TryGet(partner, out var configured)
            && !string.IsNullOrEmpty(cohortId)
            && await cohorts.GetAsync(workspace, new CohortRef(configured.Name, cohortId), cancellationToken).ConfigureAwait(false) is { } cohort)
        {
            return cohort;
        }

        return Failure.NotFound($"No cohort '{cohortId}' of partner '{partner}' in workspace '{workspace}'.");
    }
}
