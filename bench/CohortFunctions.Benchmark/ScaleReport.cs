namespace CohortFunctions.Benchmark;

/// <summary>The users import through the users API with <c>cohort-sync users</c>, against its storage floor.</summary>
internal sealed record ImportResult(long Users, long Created, long Rejected, double Seconds, double FloorSeconds, long PeakWorkingSetBytes)
{
    public double UsersPerSecond => Seconds > 0 ? Users / Seconds : 0;

    public double AppOverFloor => FloorSeconds > 0 ? Seconds / FloorSeconds : 0;
}

/// <summary>Postbacks into the large cohort against the same into an empty one, interleaved; tails null where the sample count makes them the maximum.</summary>
internal sealed record ScaleSizeResult(int Samples, double EmptyP50Ms, double LargeP50Ms, double? EmptyP99Ms, double? LargeP99Ms, double EmptyMaxMs, double LargeMaxMs)
{
    public double Ratio => EmptyP50Ms > 0 ? LargeP50Ms / EmptyP50Ms : 0;
}

/// <summary>One round of churn sent by cohort-sync as a delta.</summary>
internal sealed record ChurnRound(int Round, int Entered, int Left, double Seconds, bool Succeeded);

/// <summary>
/// A segment "includes big": its size, the export walk, and the export's storage floor: the fewest requests that
/// return each page's members with their external ids (one range read of rows that carry the external id).
/// </summary>
internal sealed record ScaleExportResult(
    long Size,
    double SizeSeconds,
    double CreateSeconds,
    long Exported,
    double ExportSeconds,
    long ExportPeakWorkingSetBytes,
    int Pages,
    double FloorSeconds,
    double MemberPagesSeconds)
{
    public double AppOverFloor => FloorSeconds > 0 ? ExportSeconds / FloorSeconds : 0;
}

/// <summary>
/// Where Azurite, not the design, sets a figure: it answers a query by scanning the whole table. The same queries on a
/// large table and on a small one, in the same run.
/// </summary>
internal sealed record AzuriteScanResult(
    long MembershipRows,
    double CountQueryLargeMs,
    double CountQuerySmallMs,
    double PageQueryLargeMs,
    double PageQuerySmallMs);

internal sealed record ScaleReport(
    string Mode,
    DateTimeOffset StartedAt,
    string Machine,
    ScalePlan Plan,
    ImportResult Import,
    SyncResult InitialSync,
    ScaleSizeResult SizeIndependence,
    IReadOnlyList<ChurnRound> Churn,
    ScaleExportResult Segment,
    AzuriteScanResult Scans,
    long AppPeakWorkingSetBytes,
    long AzuritePeakWorkingSetBytes,
    long AzuriteFinalWorkingSetBytes,
    double TotalSeconds);
