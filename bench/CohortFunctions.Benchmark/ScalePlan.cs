namespace CohortFunctions.Benchmark;

/// <summary>
/// How big a scale run is (<c>bench/run.sh --scale</c>): a user base of <see cref="CohortSize"/> users who all belong
/// to one cohort, plus two pools outside it (the users who enter in the churn rounds, and those the postbacks of the
/// size comparison add and remove).
/// </summary>
internal sealed record ScalePlan(int CohortSize, int BatchIds, int SizeSamples, int ChurnRounds, double ChurnFraction, int AzuriteHeapMegabytes)
{
    /// <summary>Distinct 1,000-id batches the size comparison cycles through (each added, then removed again).</summary>
    public const int SizeBatches = 10;

    /// <summary>
    /// The full run: a 1,000,000-member cohort, 200 postbacks into it and into an empty cohort (enough that the p99 is
    /// not the maximum), 10 rounds of 1 % churn. Azurite holds some 3.1 million rows at the peak, in memory.
    /// </summary>
    public static ScalePlan Full { get; } = new(1_000_000, 1000, 200, 10, 0.01, 18_432);

    /// <summary>Seconds, for CI: that every phase of the scale run still works (batches of 100 so that there are several).</summary>
    public static ScalePlan Smoke { get; } = new(2_000, 100, 3, 2, 0.01, 1024);

    /// <summary>Users who enter and leave in each churn round.</summary>
    public int ChurnSize => Math.Max(1, (int)Math.Round(CohortSize * ChurnFraction));

    /// <summary>Users outside the cohort that the size comparison's postbacks add and remove.</summary>
    public int SizePoolSize => SizeBatches * BatchIds;

    /// <summary>Every user the run imports.</summary>
    public int Users => CohortSize + ChurnSize + SizePoolSize;
}
