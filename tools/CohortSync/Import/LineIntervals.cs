namespace CohortFunctions.CohortSync.Import;

/// <summary>
/// A set of lines kept as sorted, disjoint, non-adjacent intervals. The lines of acknowledged batches: since batches
/// tile the file, it stays a handful of intervals (the acknowledged prefix, and the batches acknowledged out of order
/// beyond the first one still in flight) however large the file.
/// </summary>
internal sealed class LineIntervals
{
    private readonly List<LineInterval> _intervals = [];

    public LineIntervals(IEnumerable<LineInterval> intervals)
    {
        ArgumentNullException.ThrowIfNull(intervals);
        foreach (var interval in intervals)
        {
            Add(interval.First, interval.Last);
        }
    }

    /// <summary>The number of lines in the set.</summary>
    public long Count { get; private set; }

    public IReadOnlyList<LineInterval> Intervals => [.. _intervals];

    public bool Contains(long line)
    {
        var index = IndexAfter(line) - 1;
        return index >= 0 && _intervals[index].Last >= line;
    }

    public void Add(long first, long last)
    {
        if (last < first)
        {
            return;
        }

        // Merge with every interval that overlaps or touches [first, last].
        var start = IndexAfter(first - 1);
        if (start > 0 && _intervals[start - 1].Last >= first - 1)
        {
            start--;
        }

        var end = start;
        while (end < _intervals.Count && _intervals[end].First <= last + 1)
        {
            first = Math.Min(first, _intervals[end].First);
            last = Math.Max(last, _intervals[end].Last);
            Count -= _intervals[end].Count;
            end++;
        }

        _intervals.RemoveRange(start, end - start);
        _intervals.Insert(start, new LineInterval(first, last));
        Count += last - first + 1;
    }

    /// <summary>The index of the first interval that starts after <paramref name="line"/>.</summary>
    private int IndexAfter(long line)
    {
        int low = 0, high = _intervals.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_intervals[middle].First <= line)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
