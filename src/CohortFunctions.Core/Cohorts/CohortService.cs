using CohortFunctions.Memberships;
using CohortFunctions.Partners;
using CohortFunctions.Results;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Cohorts;

/// <summary>The operator's view of imported cohorts: listing with exact member counts, and member pages.</summary>
internal sealed class CohortService(
    ICohortStore cohorts,
    CohortFinder finder,
    IMembershipStore memberships,
    IUserProfileReader profiles,
    PartnerCatalog partners,
    TimeProvider time)
{
    private const int CountParallelism = 8;

    public async Task<Result<IReadOnlyList<CohortView>>> ListAsync(string? workspace, CancellationToken cancellationToken)
    {
        if (!WorkspaceId.Parse(workspace).TryGetValue(out var ws, out var invalidWorkspace))
        {
            return invalidWorkspace;
        }

        var all = await cohorts.ListAsync(ws, cancellationToken).ConfigureAwait(false);
        var views = new CohortView[all.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, all.Count),
            new ParallelOptions { MaxDegreeOfParallelism = CountParallelism, CancellationToken = cancellationToken },
            async (i, ct) => views[i] = await ViewAsync(ws, all[i], ct).ConfigureAwait(false)).ConfigureAwait(false);
        return Result.Success<IReadOnlyList<CohortView>>(
            [.. views.OrderBy(v => v.Partner, StringComparer.Ordinal).ThenBy(v => v.CohortId, StringComparer.Ordinal)]);
    }

    public async Task<Result<MembersView>> MembersAsync(string? workspace, string? partner, string? cohortId, int? limit, string? continuation, CancellationToken cancellationToken)
    {
        if (!WorkspaceId.Parse(workspace).TryGetValue(out var ws, out var invalidWorkspace))
        {
            return invalidWorkspace;
        }

        if (!MemberPageRequest.Parse(limit, continuation).TryGetValue(out var request, out var invalid))
        {
            return invalid;
        }

        if (!(await finder.FindAsync(ws, partner, cohortId, cancellationToken).ConfigureAwait(false)).TryGetValue(out var cohort, out var notFound))
        {
            return notFound;
        }

        var page = await memberships.ListAsync(ws, cohort.Ref, request.PageSize, continuation, cancellationToken).ConfigureAwait(false);
        var summaries = await profiles.GetSummariesAsync(ws, page.Members, cancellationToken).ConfigureAwait(false);

        // A member whose profile is gone (deleted mid-walk) is still listed by id: the page stays a true page.
        return new MembersView(
            [.. page.Members.Select(u => summaries.TryGetValue(u, out var s) ? s : new UserSummary(u, null, []))],
            page.Continuation);
    }

    private async Task<CohortView> ViewAsync(WorkspaceId workspace, Cohort cohort, CancellationToken cancellationToken)
    {
        var count = await memberships.CountAsync(workspace, cohort.Ref, cancellationToken).ConfigureAwait(false);
        var displayName = cohort.DisplayName(partners.TryGet(cohort.Ref.Partner, out var partner) ? partner.DisplayName : cohort.Ref.Partner);
        return new CohortView(
            cohort.Ref.Partner,
            cohort.Ref.CohortId,
            cohort.Name,
            displayName,
            cohort.CreatedAt,
            count,
            cohort.LastSyncedAt,
            Cadences.Name(cohort.Cadence),
            cohort.LastResyncAt,
            cohort.NextResyncAt,
            cohort.IsStale(time.GetUtcNow()),
            cohort.HasPending);
    }
}
