namespace CohortFunctions.InfraTests.Bicep;

/// <summary>
/// The metric contract of docs/operations.md: the instruments of meter <c>CohortFunctions</c> that the alerts, the
/// workbook and the documented queries read (as <c>customMetrics.name</c> in Application Insights).
/// </summary>
public static class MetricContract
{
    public const string MeterName = "CohortFunctions";

    public static IReadOnlyList<string> Instruments { get; } =
    [
        "cohortfunctions.postbacks",
        "cohortfunctions.postback.ids",
        "cohortfunctions.data_points",
        "cohortfunctions.postback.duration",
        "cohortfunctions.resync.runs",
        "cohortfunctions.resync.identifiers",
        "cohortfunctions.cohorts.stale",
        "cohortfunctions.maintenance.runs",
        "cohortfunctions.storage.retries",
        "cohortfunctions.storage.contention",
    ];
}
