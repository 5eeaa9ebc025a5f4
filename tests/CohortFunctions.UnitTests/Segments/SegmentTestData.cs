using System.Runtime.CompilerServices;
using System.Text.Json;
using CohortFunctions.Cohorts;
using CohortFunctions.Segments;

namespace CohortFunctions.UnitTests.Segments;

/// <summary>Deterministic random data for property-style segment tests: ids, sorted sets, streams and filter trees.</summary>
internal static class SegmentTestData
{
    /// <summary>A user id in the platform's shape (20 lower-case hex characters; the first is the shard).</summary>
    public static string UserId(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> bytes = stackalloc byte[10];
        random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>A random subset of <paramref name="universe"/>, sorted ordinally: each item kept with <paramref name="density"/>.</summary>
    public static List<string> SortedSubset(Random random, IReadOnlyList<string> universe, double density)
    {
        ArgumentNullException.ThrowIfNull(random);
        return [.. universe.Where(_ => random.NextDouble() < density).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// A sorted stream over <paramref name="items"/> that yields to the scheduler now and then, as a storage page
    /// boundary would, and counts what was read from it.
    /// </summary>
    public static async IAsyncEnumerable<string> Stream(
        IEnumerable<string> items,
        StreamProbe? probe = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var index = 0;
        try
        {
            foreach (var item in items)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (index++ % 3 == 0)
                {
                    await Task.Yield();
                }

                probe?.Read();
                yield return item;
            }
        }
        finally
        {
            probe?.Disposed();
        }
    }

    public static async Task<List<string>> ToListAsync(IAsyncEnumerable<string> stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var items = new List<string>();
        await foreach (var item in stream)
        {
            items.Add(item);
        }

        return items;
    }

    /// <summary>A random filter tree over <paramref name="cohorts"/>, at most <paramref name="maxDepth"/> levels deep.</summary>
    public static SegmentFilter RandomFilter(Random random, IReadOnlyList<CohortRef> cohorts, int maxDepth)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(cohorts);
        var roll = random.Next(maxDepth <= 1 ? 2 : 6);
        var cohort = cohorts[random.Next(cohorts.Count)];
        return roll switch
        {
            0 => new IncludesFilter(cohort),
            1 => new ExcludesFilter(cohort),
            2 or 3 => new AndFilter([.. Enumerable.Range(0, random.Next(1, 5)).Select(_ => RandomFilter(random, cohorts, maxDepth - 1))]),
            _ => new OrFilter([.. Enumerable.Range(0, random.Next(1, 5)).Select(_ => RandomFilter(random, cohorts, maxDepth - 1))]),
        };
    }

    /// <summary>What a filter selects, computed the obvious way over whole sets.</summary>
    public static HashSet<string> Expected(SegmentFilter filter, IReadOnlySet<string> universe, Func<CohortRef, IReadOnlySet<string>> members) => filter switch
    {
        IncludesFilter i => [.. members(i.Cohort)],
        ExcludesFilter e => [.. universe.Where(u => !members(e.Cohort).Contains(u))],
        AndFilter a => a.Filters.Select(f => Expected(f, universe, members)).Aggregate((x, y) => [.. x.Intersect(y)]),
        OrFilter o => o.Filters.Select(f => Expected(f, universe, members)).Aggregate((x, y) => [.. x.Union(y)]),
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "Unknown filter."),
    };

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

/// <summary>Counts what a test stream handed out and whether it was disposed.</summary>
internal sealed class StreamProbe
{
    private int _read;
    private int _disposed;

    public int ItemsRead => Volatile.Read(ref _read);

    public bool WasDisposed => Volatile.Read(ref _disposed) > 0;

    public void Read() => Interlocked.Increment(ref _read);

    public void Disposed() => Interlocked.Increment(ref _disposed);
}
