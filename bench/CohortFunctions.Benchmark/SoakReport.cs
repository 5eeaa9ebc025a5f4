namespace CohortFunctions.Benchmark;

/// <summary>One postback of the soak: its latency from when it was due, and whether it got the exact answer.</summary>
internal readonly record struct Sample(double Milliseconds, bool Succeeded);

/// <summary>The app's resources at the end of a window.</summary>
internal sealed record WindowResources(long WorkingSetBytes, long PeakWorkingSetBytes, double CpuPercent, long AzuriteWorkingSetBytes, double AzuriteCpuPercent);

/// <summary>One window of the soak: the postbacks due in it, and the app's memory and CPU over it.</summary>
internal sealed record SoakWindow(
    int Index,
    double FromSeconds,
    int Postbacks,
    int Errors,
    double P50Ms,
    double? P95Ms,
    double? P99Ms,
    double MaxMs,
    long WorkingSetBytes,
    long PeakWorkingSetBytes,
    double CpuPercent,
    long AzuriteWorkingSetBytes,
    double AzuriteCpuPercent)
{
    /// <summary>The p99, or the maximum where there are too few postbacks for a p99.</summary>
    public double TailMs => P99Ms ?? MaxMs;

    public static SoakWindow From(int index, double fromSeconds, IReadOnlyList<Sample> samples, WindowResources resources)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(resources);
        var timings = new Timings([.. samples.Select(s => s.Milliseconds)], TimeSpan.Zero);
        return new SoakWindow(
            index,
            fromSeconds,
            samples.Count,
            samples.Count(s => !s.Succeeded),
            timings.P50,
            timings.P95,
            timings.P99,
            timings.Max,
            resources.WorkingSetBytes,
            resources.PeakWorkingSetBytes,
            resources.CpuPercent,
            resources.AzuriteWorkingSetBytes,
            resources.AzuriteCpuPercent);
    }
}

/// <summary>A soak's result and its pass/fail criteria.</summary>
internal sealed record SoakReport(
    DateTimeOffset StartedAt,
    string Machine,
    double Seconds,
    double Rate,
    double WindowSeconds,
    int Users,
    double SeedSeconds,
    IReadOnlyList<SoakWindow> Windows,
    IReadOnlyList<string> ErrorSamples,
    long ExpectedMemberCount,
    long MemberCount,
    long ExpectedDataPoints,
    long DataPoints)
{
    /// <summary>How much the app's working set may grow from the first window to the last.</summary>
    public const long WorkingSetGrowthBound = 100L * 1024 * 1024;

    /// <summary>How much the last window's p99 may exceed the first's.</summary>
    public const double LatencyDriftBound = 1.5;

    public int Postbacks => Windows.Sum(w => w.Postbacks);

    public int Errors => Windows.Sum(w => w.Errors);

    /// <summary>Every postback answered 201 with exactly its delta's counts.</summary>
    public bool NoErrors => Errors == 0 && ErrorSamples.Count == 0;

    /// <summary>The last window's peak working set is at most <see cref="WorkingSetGrowthBound"/> above the first's.</summary>
    public bool MemoryBounded => Windows.Count > 0 && Windows[^1].PeakWorkingSetBytes <= Windows[0].PeakWorkingSetBytes + WorkingSetGrowthBound;

    /// <summary>
    /// The last window's p99 latency is at most <see cref="LatencyDriftBound"/> times the first's (the maximum where a
    /// window has too few postbacks for a p99).
    /// </summary>
    public bool LatencyStable => Windows.Count > 0 && Windows[^1].TailMs <= Windows[0].TailMs * LatencyDriftBound;

    /// <summary>member_count and the data points equal what the deltas sent must leave.</summary>
    public bool CountsExact => MemberCount == ExpectedMemberCount && DataPoints == ExpectedDataPoints;

    public bool Passed => NoErrors && MemoryBounded && LatencyStable && CountsExact;
}
