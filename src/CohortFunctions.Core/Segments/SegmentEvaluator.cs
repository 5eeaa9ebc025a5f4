using CohortFunctions.Cohorts;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Segments;

/// <summary>
/// Turns a filter into a stream of the qualifying user ids of one shard. <c>excludes</c> inside an <c>and</c> with a
/// positive condition is a difference against that condition, so "A and not B" reads A and B, never every user.
/// </summary>
internal sealed class SegmentEvaluator(ISegmentSource source)
{
    public IAsyncEnumerable<string> Evaluate(
        WorkspaceId workspace,
        SegmentFilter filter,
        char shard,
        string? after,
        int pageSize,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        IAsyncEnumerable<string> Members(CohortRef cohort) => source.MembersAsync(workspace, cohort, shard, after, pageSize, cancellationToken);
        IAsyncEnumerable<string> Universe() => source.UsersAsync(workspace, shard, after, pageSize, cancellationToken);

        IAsyncEnumerable<string> Compile(SegmentFilter node) => node switch
        {
            IncludesFilter includes => Members(includes.Cohort),
            ExcludesFilter excludes => SortedStreams.Except(Universe(), Members(excludes.Cohort), cancellationToken),
            OrFilter or => or.Filters.Count == 1 ? Compile(or.Filters[0]) : SortedStreams.Union([.. or.Filters.Select(Compile)], cancellationToken),
            AndFilter and => CompileAnd(and),
            _ => throw new ArgumentOutOfRangeException(nameof(node), node, "Unknown filter."),
        };

        IAsyncEnumerable<string> CompileAnd(AndFilter and)
        {
            var positives = and.Filters.Where(f => f is not ExcludesFilter).Select(Compile).ToList();
            var negatives = and.Filters.OfType<ExcludesFilter>().Select(e => Members(e.Cohort)).ToList();
            var kept = positives.Count switch
            {
                0 => Universe(),
                1 => positives[0],
                _ => SortedStreams.Intersect(positives, cancellationToken),
            };
            return negatives.Count switch
            {
                0 => kept,
                1 => SortedStreams.Except(kept, negatives[0], cancellationToken),
                _ => SortedStreams.Except(kept, SortedStreams.Union(negatives, cancellationToken), cancellationToken),
            };
        }

        return Compile(filter);
    }
}
