using System.Globalization;
using CohortFunctions.Cohorts;
using CohortFunctions.Partners;
using CohortFunctions.Results;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Options;

namespace CohortFunctions.History;

/// <summary>The operator's view of the sync history: one cohort's, and the workspace's feed over every cohort.</summary>
internal sealed class SyncHistoryService(ISyncHistoryStore store, PartnerCatalog partners, TimeProvider time, IOptions<HistoryOptions> options)
{
    /// <summary>The largest page.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>The page size when none is asked for.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>
    /// How far ahead of this instance's clock another instance's may be and its records still be read: a record is
    /// stored under the UTC day of its own time, so reads start at the day of now plus this.
    /// </summary>
    public static readonly TimeSpan ClockMargin = TimeSpan.FromMinutes(5);

    private static readonly string[] SinceFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    /// <summary><c>GET .../cohorts/{partner}/{cohort_id}/history</c>: the cohort's records, newest first.</summary>
    /// <remarks>
    /// Answers for any cohort id of a configured partner, also one that is not (or not yet) a cohort: credential tests
    /// and refused postbacks name cohorts that no write created.
    /// </remarks>
    public async Task<Result<HistoryPage>> CohortHistoryAsync(string? workspace, string? partner, string? cohortId, int? limit, string? continuation, CancellationToken cancellationToken)
    {
        if (!WorkspaceId.Parse(workspace).TryGetValue(out var ws, out var invalidWorkspace))
        {
            return invalidWorkspace;
        }

        if (!TryPage(limit, continuation, out var pageSize, out var cursor, out var invalidPage))
        {
            return invalidPage;
        }

        if (!partners.TryGet(partner, out var configured) || string.IsNullOrEmpty(cohortId))
        {
            return Failure.NotFound(PartnerCatalog.UnknownPartnerMessage(partner ?? ""));
        }

        var query = Query(pageSize, cursor, since: null, partner: null);
        return await store.ReadCohortAsync(ws, new CohortRef(configured.Name, cohortId), query, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET .../sync-history</c>: the records of every cohort of the workspace, newest first.</summary>
    public async Task<Result<HistoryPage>> WorkspaceHistoryAsync(string? workspace, string? partner, string? since, int? limit, string? continuation, CancellationToken cancellationToken)
    {
        if (!WorkspaceId.Parse(workspace).TryGetValue(out var ws, out var invalidWorkspace))
        {
            return invalidWorkspace;
        }

        if (!TryPage(limit, continuation, out var pageSize, out var cursor, out var invalidPage))
        {
            return invalidPage;
        }

        string? partnerName = null;
        if (!string.IsNullOrEmpty(partner))
        {
            if (!partners.TryGet(partner, out var configured))
            {
                return Failure.Invalid($"partner must be a configured partner: {string.Join(", ", partners.All.Select(p => p.Name))}.");
            }

            partnerName = configured.Name;
        }

        DateTimeOffset? sinceTime = null;
        if (!string.IsNullOrEmpty(since))
        {
            if (!DateTimeOffset.TryParseExact(since, SinceFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                return Failure.Invalid("since must be an ISO-8601 date or time, such as 2026-12-07 or 2026-12-07T09:30:00Z.");
            }

            sinceTime = parsed;
        }

        var query = Query(pageSize, cursor, sinceTime, partnerName);
        return await store.ReadWorkspaceAsync(ws, query, cancellationToken).ConfigureAwait(false);
    }

    private HistoryQuery Query(int pageSize, HistoryCursor? cursor, DateTimeOffset? since, string? partner)
    {
        var now = time.GetUtcNow();
        var oldest = now - options.Value.Retention;
        if (since is { } from && from > oldest)
        {
            oldest = from;
        }

        return new HistoryQuery(pageSize, cursor, oldest, DateOnly.FromDateTime((now + ClockMargin).UtcDateTime), partner);
    }

    private static bool TryPage(int? limit, string? continuation, out int pageSize, out HistoryCursor? cursor, out Failure failure)
    {
        (pageSize, cursor, failure) = (0, null, null!);
        if (limit is < 1 or > MaxPageSize)
        {
            failure = Failure.Invalid($"limit must be between 1 and {MaxPageSize}.");
            return false;
        }

        if (!HistoryCursor.TryParse(continuation, out cursor))
        {
            failure = Failure.Invalid("continuation is not a token from a previous page.");
            return false;
        }

        pageSize = limit ?? DefaultPageSize;
        return true;
    }
}
