using CohortFunctions.Memberships;
using CohortFunctions.Partners;
using CohortFunctions.Results;
using CohortFunctions.Resync;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Cohorts;

/// <summary>
/// A cohort as the management API shows it. <see cref="HasPending"/>: identifiers that matched no user are waiting for
/// a resync pass (the cohort row's flag; counting them would read every pending row).
/// </summary>
public sealed record CohortView(
    string Partner,
    string CohortId,
    string Name,
    string DisplayName,
    DateTimeOffset CreatedAt,
    long MemberCount,
    DateTimeOffset? LastSyncedAt,
    string Cadence,
    DateTimeOffset? LastResyncAt,
    DateTimeOffset? NextResyncAt,
    bool Stale,
    bool HasPending);

/// <summary>A page of a cohort's members with what an operator recognises them by.</summary>
public sealed record MembersView(IReadOnlyList<UserSummary> Members, string? Continuation);

/// <summary>The operator's view of imported cohorts: listing with exact member counts, and member pages.</summary>
public sealed class CohortService(ICohortStore cohorts, IMembershipStore memberships, IUserProfileReader profiles, PartnerCatalog partners, TimeProvider time)
{
    public const int MaxPageSize = 1000;

    private const int CountParallelism = 8;

    public async Task<Result<IReadOnlyList<CohortView>>> ListAsync(string? workspace, CancellationToken cancellationToken)
    {
        if (!WorkspaceId.TryParse(workspace, out var ws))
        {
            return InvalidWorkspace();
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
        if (!WorkspaceId.TryParse(workspace, out var ws))
        {
            return InvalidWorkspace();
        }

        if (limit is < 1 or > MaxPageSize)
        {
            return Failure.Invalid($"limit must be between 1 and {MaxPageSize}.");
        }

        if (!MemberCursor.TryParse(continuation, out _))
        {
            return Failure.Invalid("continuation is not a token from a previous page.");
        }

        if (await FindAsync(ws, partner, cohortId, cancellationToken).ConfigureAwait(false) is not { } cohort)
        {
            return Failure.NotFound($"No cohort '{cohortId}' of partner '{partner}' in workspace '{ws}'.");
        }

        var page = await memberships.ListAsync(ws, cohort.Ref, limit ?? MaxPageSize, continuation, cancellationToken).ConfigureAwait(false);
        var summaries = await profiles.GetSummariesAsync(ws, page.Members, cancellationToken).ConfigureAwait(false);

        // A member whose profile is gone (deleted mid-walk) is still listed by id: the page stays a true page.
        return new MembersView(
            [.. page.Members.Select(u => summaries.TryGetValue(u, out var s) ? s : new UserSummary(u, null, []))],
            page.Continuation);
    }

    /// <summary>Finds a cohort by partner and id; null when the partner is not configured or the cohort unknown.</summary>
    public async Task<Cohort?> FindAsync(WorkspaceId workspace, string? partner, string? cohortId, CancellationToken cancellationToken)
    {
        if (!partners.TryGet(partner, out var configured) || string.IsNullOrEmpty(cohortId))
        {
            return null;
        }

        return await cohorts.GetAsync(workspace, new CohortRef(configured.Name, cohortId), cancellationToken).ConfigureAwait(false);
    }

    private async Task<CohortView> ViewAsync(WorkspaceId workspace, Cohort cohort, CancellationToken cancellationToken)
    {
        var count = await memberships.CountAsync(workspace, cohort.Ref, cancellationToken).ConfigureAwait(false);
        var displayName = partners.TryGet(cohort.Ref.Partner, out var partner)
            ? cohort.DisplayName(partner)
            : $"[{cohort.Ref.Partner}] {cohort.Name}: {cohort.Ref.CohortId}";
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

    private static Failure InvalidWorkspace() => Failure.Invalid($"Invalid workspace id: {WorkspaceId.Rule}.");
}
