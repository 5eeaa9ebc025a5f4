using System.Text.Json;
using CohortFunctions.Cohorts;
using CohortFunctions.Memberships;
using CohortFunctions.Partners;
using CohortFunctions.Requests;
using CohortFunctions.Results;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Segments;

/// <summary>
/// Segments over partner cohorts: the filter dropdown, saved segments, their size and their export. Evaluation
/// streams shard by shard in user id order, so memory is bounded by the page size and a walk returns each user once.
/// </summary>
internal sealed class SegmentService(
    ISegmentStore segments,
    ICohortStore cohorts,
    IMembershipStore memberships,
    SegmentEvaluator evaluator,
    IUserProfileReader profiles,
    PartnerCatalog partners,
    TimeProvider time)
{
    public const int MaxNameLength = 200;

    private const int StreamPageSize = 1000;

    private const int SizeParallelism = 4;

    public async Task<Result<IReadOnlyList<CohortFilterGroup>>> CohortFiltersAsync(string? workspace, CancellationToken cancellationToken)
    {
        if (!WorkspaceId.Parse(workspace).TryGetValue(out var ws, out var invalidWorkspace))
        {
            return invalidWorkspace;
        }

        var all = await cohorts.ListAsync(ws, cancellationToken).ConfigureAwait(false);
        var groups = partners.All
            .Select(p => new CohortFilterGroup(
                p.Name,
                p.FilterName,
                [.. all.Where(c => c.Ref.Partner == p.Name)
                    .OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
                    .ThenBy(c => c.Ref.CohortId, StringComparer.Ordinal)
                    .Select(c => (c.Ref.CohortId, c.DisplayName(p)))]))
            .Where(g => g.Cohorts.Count > 0)
            .ToList();
        return Result.Success<IReadOnlyList<CohortFilterGroup>>(groups);
    }

    public async Task<Result<SegmentView>> CreateAsync(string? workspace, JsonElement body, CancellationToken cancellationToken)
    {
        if (!WorkspaceId.Parse(workspace).TryGetValue(out var ws, out var invalidWorkspace))
        {
            return invalidWorkspace;
        }

        if (Name(body, required: true) is { Failure: { } badName })
        {
            return badName;
        }

        var filter = await RequiredFilterAsync(ws, body, cancellationToken).ConfigureAwait(false);
        if (filter.Failure is { } badFilter)
        {
            return badFilter;
        }

        var now = time.GetUtcNow();
        var segment = new Segment(Segment.NewId(), Name(body, required: true).Value!, filter.Value!, now, now);
        await segments.AddAsync(ws, segment, cancellationToken).ConfigureAwait(false);
        return await ViewAsync(ws, segment, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Result<SegmentView>> GetAsync(string? workspace, string? segmentId, CancellationToken cancellationToken)
    {
        var found = await FindAsync(workspace, segmentId, cancellationToken).ConfigureAwait(false);
        if (found.Failure is { } failure)
        {
            return failure;
        }

        return await ViewAsync(found.Value.Workspace, found.Value.Segment, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Result<IReadOnlyList<SegmentView>>> ListAsync(string? workspace, CancellationToken cancellationToken)
    {
        if (!WorkspaceId.Parse(workspace).TryGetValue(out var ws, out var invalidWorkspace))
        {
            return invalidWorkspace;
        }

        var all = await segments.ListAsync(ws, cancellationToken).ConfigureAwait(false);
        var views = new SegmentView[all.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, all.Count),
            new ParallelOptions { MaxDegreeOfParallelism = SizeParallelism, CancellationToken = cancellationToken },
            async (i, ct) => views[i] = await ViewAsync(ws, all[i], ct).ConfigureAwait(false)).ConfigureAwait(false);
        return Result.Success<IReadOnlyList<SegmentView>>([.. views.OrderBy(v => v.Segment.CreatedAt).ThenBy(v => v.Segment.SegmentId, StringComparer.Ordinal)]);
    }

    /// <summary>Changes the name and/or the filter; fields left out keep their value.</summary>
    public async Task<Result<SegmentView>> UpdateAsync(string? workspace, string? segmentId, JsonElement body, CancellationToken cancellationToken)
    {
        var found = await FindAsync(workspace, segmentId, cancellationToken).ConfigureAwait(false);
        if (found.Failure is { } failure)
        {
            return failure;
        }

        var (ws, segment) = found.Value;
        var name = Name(body, required: false);
        if (name.Failure is { } badName)
        {
            return badName;
        }

        var filter = segment.Filter;
        if (body.TryGetProperty("filter", out var filterElement))
        {
            var parsed = await FilterAsync(ws, filterElement, cancellationToken).ConfigureAwait(false);
            if (parsed.Failure is { } badFilter)
            {
                return badFilter;
            }

            filter = parsed.Value!;
        }

        var updated = segment with { Name = name.Value ?? segment.Name, Filter = filter, UpdatedAt = time.GetUtcNow() };
        if (!await segments.ReplaceAsync(ws, updated, cancellationToken).ConfigureAwait(false))
        {
            return NotFound(segment.SegmentId);
        }

        return await ViewAsync(ws, updated, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Result<bool>> DeleteAsync(string? workspace, string? segmentId, CancellationToken cancellationToken)
    {
        if (!WorkspaceId.Parse(workspace).TryGetValue(out var ws, out var invalidWorkspace))
        {
            return invalidWorkspace;
        }

        if (!Segment.IsId(segmentId) || !await segments.DeleteAsync(ws, segmentId, cancellationToken).ConfigureAwait(false))
        {
            return NotFound(segmentId);
        }

        return true;
    }

    /// <summary>A page of the segment's users, from <paramref name="continuation"/> on.</summary>
    public async Task<Result<SegmentUsersPage>> UsersAsync(string? workspace, string? segmentId, int? limit, string? continuation, CancellationToken cancellationToken)
    {
        if (!MemberPageRequest.Parse(limit, continuation).TryGetValue(out var page, out var invalid))
        {
            return invalid;
        }

        var found = await FindAsync(workspace, segmentId, cancellationToken).ConfigureAwait(false);
        if (found.Failure is { } failure)
        {
            return failure;
        }

        var (ws, segment) = found.Value;
        var pageSize = page.PageSize;
        var ids = new List<UserId>(pageSize);
        var cursor = page.Cursor;
        string? next = null;
        while (cursor.ShardIndex < UserId.ShardCount && next is null)
        {
            await foreach (var id in evaluator.Evaluate(ws, segment.Filter, UserId.Shards[cursor.ShardIndex], cursor.After, Math.Min(pageSize + 1, StreamPageSize), cancellationToken).ConfigureAwait(false))
            {
                ids.Add(UserId.Parse(id));
                if (ids.Count == pageSize)
                {
                    next = new MemberCursor(cursor.ShardIndex, id).Encode();
                    break;
                }
            }

            cursor = new MemberCursor(cursor.ShardIndex + 1, null);
        }

        var summaries = await profiles.GetSummariesAsync(ws, ids, cancellationToken).ConfigureAwait(false);

        // A user deleted after the ids were read is left out: deleted users are in no segment.
        return new SegmentUsersPage([.. ids.Where(summaries.ContainsKey).Select(id => summaries[id])], next);
    }

    /// <summary>
    /// The size of a filter that is not saved (<c>{"filter": ...}</c>), checked exactly as a saved one: what a segment
    /// builder shows while the operator edits.
    /// </summary>
    public async Task<Result<long>> PreviewSizeAsync(string? workspace, JsonElement body, CancellationToken cancellationToken)
    {
        if (!WorkspaceId.Parse(workspace).TryGetValue(out var ws, out var invalidWorkspace))
        {
            return invalidWorkspace;
        }

        var filter = await RequiredFilterAsync(ws, body, cancellationToken).ConfigureAwait(false);
        if (filter.Failure is { } badFilter)
        {
            return badFilter;
        }

        return await SizeAsync(ws, filter.Value!, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The current number of users the filter selects.</summary>
    public async Task<long> SizeAsync(WorkspaceId workspace, SegmentFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter is IncludesFilter includes)
        {
            // The exact member count needs 16 small reads, not a walk over the members.
            return await memberships.CountAsync(workspace, includes.Cohort, cancellationToken).ConfigureAwait(false);
        }

        var counts = new long[UserId.ShardCount];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, UserId.ShardCount),
            new ParallelOptions { MaxDegreeOfParallelism = SizeParallelism, CancellationToken = cancellationToken },
            async (shard, ct) =>
            {
                await foreach (var _ in evaluator.Evaluate(workspace, filter, UserId.Shards[shard], null, StreamPageSize, ct).ConfigureAwait(false))
                {
                    counts[shard]++;
                }
            }).ConfigureAwait(false);
        return counts.Sum();
    }

    private async Task<SegmentView> ViewAsync(WorkspaceId workspace, Segment segment, CancellationToken cancellationToken) =>
        new(segment, await SizeAsync(workspace, segment.Filter, cancellationToken).ConfigureAwait(false));

    private async Task<Result<(WorkspaceId Workspace, Segment Segment)>> FindAsync(string? workspace, string? segmentId, CancellationToken cancellationToken)
    {
        if (!WorkspaceId.Parse(workspace).TryGetValue(out var ws, out var invalidWorkspace))
        {
            return invalidWorkspace;
        }

        var segment = Segment.IsId(segmentId) ? await segments.GetAsync(ws, segmentId, cancellationToken).ConfigureAwait(false) : null;
        return segment is null ? NotFound(segmentId) : (ws, segment);
    }

    /// <summary>Parses a filter and checks that every cohort it names exists in the workspace.</summary>
    /// <summary>The body's required <c>filter</c>, checked as <see cref="FilterAsync"/> checks it.</summary>
    private async Task<Result<SegmentFilter>> RequiredFilterAsync(WorkspaceId workspace, JsonElement body, CancellationToken cancellationToken) =>
        body.TryGetProperty("filter", out var element)
            ? await FilterAsync(workspace, element, cancellationToken).ConfigureAwait(false)
            : Failure.Invalid("filter is required.");

    private async Task<Result<SegmentFilter>> FilterAsync(WorkspaceId workspace, JsonElement element, CancellationToken cancellationToken)
    {
        var parsed = SegmentFilterJson.Parse(element);
        if (parsed.Failure is not null)
        {
            return parsed;
        }

        foreach (var cohort in parsed.Value!.Cohorts().Distinct())
        {
            if (!partners.TryGet(cohort.Partner, out _))
            {
                return Failure.Invalid($"filter: partner '{cohort.Partner}' is not configured.");
            }

            if (await cohorts.GetAsync(workspace, cohort, cancellationToken).ConfigureAwait(false) is null)
            {
                return Failure.Invalid($"filter: cohort '{cohort.CohortId}' of partner '{cohort.Partner}' does not exist in workspace '{workspace}'.");
            }
        }

        return parsed;
    }

    private static Result<string?> Name(JsonElement body, bool required)
    {
        if (!body.TryGetProperty("name", out var element))
        {
            return required ? Failure.Invalid("name is required.") : Result.Success<string?>(null);
        }

        return JsonText.TryGetString(element, out var name) && !string.IsNullOrWhiteSpace(name) && name.Length <= MaxNameLength
            ? Result.Success<string?>(name)
            : Failure.Invalid($"name must be a non-empty string of at most {MaxNameLength} characters.");
    }

    private static Failure NotFound(string? segmentId) => Failure.NotFound($"No segment '{segmentId}'.");
}
