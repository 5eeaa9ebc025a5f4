using System.Diagnostics;

namespace CohortFunctions.Benchmark;

/// <summary>Latencies of one phase, and its wall time.</summary>
internal sealed record Timings(IReadOnlyList<double> Milliseconds, TimeSpan Wall)
{
    public double P50 => Percentile(0.50);

    /// <summary>The 95th percentile; null where there are too few samples for it to be anything but the maximum.</summary>
    public double? P95 => Tail(0.95);

    /// <summary>The 99th percentile; null where there are too few samples (fewer than 100) for it to be anything but the maximum.</summary>
    public double? P99 => Tail(0.99);

    public double Max => Milliseconds.Count == 0 ? 0 : Milliseconds.Max();

    /// <summary>Nearest-rank percentile.</summary>
    public double Percentile(double p)
    {
        if (Milliseconds.Count == 0)
        {
            return 0;
        }

        var sorted = Milliseconds.Order().ToArray();
        return sorted[Rank(p)];
    }

    /// <summary>
    /// A tail percentile, or null when its nearest rank is the last sample: then it is the maximum by definition and
    /// says nothing more, so reports show "max" instead of a figure that only looks like a percentile.
    /// </summary>
    private double? Tail(double p) => Milliseconds.Count > 0 && Rank(p) < Milliseconds.Count - 1 ? Percentile(p) : null;

    private int Rank(double p) => Math.Clamp((int)Math.Ceiling(p * Milliseconds.Count) - 1, 0, Math.Max(Milliseconds.Count - 1, 0));
}

internal static class Measure
{
    /// <summary>Runs <paramref name="work"/> for every item with <paramref name="concurrency"/> workers, timing each item.</summary>
    public static async Task<Timings> EachAsync<T>(IReadOnlyList<T> items, int concurrency, Func<T, Task> work)
    {
        var latencies = new double[items.Count];
        var next = -1;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < items.Count)
            {
                var started = Stopwatch.GetTimestamp();
                await work(items[index]).ConfigureAwait(false);
                latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        })).ConfigureAwait(false);
        return new Timings(latencies, wall.Elapsed);
    }
}
