using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using CohortFunctions.Cohorts;
using CohortFunctions.Segments;
using CohortFunctions.Workspaces;

namespace CohortFunctions.UnitTests.Segments;

/// <summary>
/// The sorted id streams of one workspace held in memory, read a page at a time like storage is, and counting how
/// often the universe (every user) was read, so tests can tell whether a filter needed it.
/// </summary>
internal sealed class InMemorySegmentSource(IEnumerable<string> users, IReadOnlyDictionary<CohortRef, IReadOnlySet<string>> members) : ISegmentSource
{
    private readonly List<string> _users = [.. users.Order(StringComparer.Ordinal)];
    private readonly ConcurrentQueue<int> _pageSizes = new();
    private int _universeReads;

    public IReadOnlySet<string> Users => _users.ToHashSet();

    public int UniverseReads => Volatile.Read(ref _universeReads);

    /// <summary>The page size of every stream opened.</summary>
    public IReadOnlyCollection<int> PageSizes => _pageSizes;

    public IReadOnlySet<string> Members(CohortRef cohort) => members.TryGetValue(cohort, out var set) ? set : new HashSet<string>();

    public IAsyncEnumerable<string> MembersAsync(WorkspaceId workspace, CohortRef cohort, char shard, string? after, int pageSize, CancellationToken cancellationToken) =>
        PagesAsync(Members(cohort).Order(StringComparer.Ordinal), shard, after, pageSize, cancellationToken);

    public IAsyncEnumerable<string> UsersAsync(WorkspaceId workspace, char shard, string? after, int pageSize, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _universeReads);
        return PagesAsync(_users, shard, after, pageSize, cancellationToken);
    }

    private async IAsyncEnumerable<string> PagesAsync(IEnumerable<string> sorted, char shard, string? after, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _pageSizes.Enqueue(pageSize);
        var inShard = sorted.Where(id => id[0] == shard && (after is null || string.CompareOrdinal(id, after) > 0)).ToList();
        foreach (var page in inShard.Chunk(Math.Max(pageSize, 1)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            foreach (var id in page)
            {
                yield return id;
            }
        }
    }
}
