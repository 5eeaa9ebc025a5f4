using System.Diagnostics;

namespace CohortFunctions.Benchmark;

/// <summary>Latencies of one phase, and its wall time.</summary>
internal sealed record Timings(IReadOnlyList<double> Milliseconds, TimeSpan Wall)
{
    public double P50 => Percentile(0.50);

    public double P95 => Percentile(0.95);

    public double P99 => Percentile(0.99);

    public double Max => Milliseconds.Count == 0 ? 0 : Milliseconds.Max();

    /// <summary>Nearest-rank percentile.</summary>
    public double Percentile(double p)
    {
        if (Milliseconds.Count == 0)
        {
            return 0;
        }

        var sorted = Milliseconds.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
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
