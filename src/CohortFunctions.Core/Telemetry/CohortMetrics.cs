using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using CohortFunctions.History;
using CohortFunctions.Memberships;
using CohortFunctions.Postbacks;

namespace CohortFunctions.Telemetry;

/// <summary>
/// The app's instruments: meter <see cref="MeterName"/>, exactly the metric contract of docs/operations.md, which
/// the alerts and the workbook read. Each method records one event where it happens. Dimension values come only from
/// <see cref="MetricScope"/> and from fixed lists (endpoints, status codes, Braze's fixed messages, results, storage
/// operations): never a key, a key hint, an identifier or a cohort id.
/// </summary>
internal sealed class CohortMetrics
{
    public const string MeterName = "CohortFunctions";

    public const string Postbacks = "cohortfunctions.postbacks";
    public const string PostbackIds = "cohortfunctions.postback.ids";
    public const string DataPoints = "cohortfunctions.data_points";
    public const string PostbackDuration = "cohortfunctions.postback.duration";
    public const string ResyncRuns = "cohortfunctions.resync.runs";
    public const string ResyncIdentifiers = "cohortfunctions.resync.identifiers";
    public const string CohortsStale = "cohortfunctions.cohorts.stale";
    public const string MaintenanceRuns = "cohortfunctions.maintenance.runs";
    public const string StorageRetries = "cohortfunctions.storage.retries";
    public const string StorageContention = "cohortfunctions.storage.contention";

    private readonly Counter<long> _postbacks;
    private readonly Counter<long> _postbackIds;
    private readonly Counter<long> _dataPoints;
    private readonly Histogram<double> _postbackDuration;
    private readonly Counter<long> _resyncRuns;
    private readonly Counter<long> _resyncIdentifiers;
    private readonly Gauge<int> _cohortsStale;
    private readonly Counter<long> _maintenanceRuns;
    private readonly Counter<long> _storageRetries;
    private readonly Counter<long> _storageContention;

    public CohortMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter = meterFactory.Create(MeterName);
        _postbacks = Meter.CreateCounter<long>(Postbacks, "{call}", "Partner calls, by answer.");
        _postbackIds = Meter.CreateCounter<long>(PostbackIds, "{identifier}", "Identifiers of users postbacks, by what became of them.");
        _dataPoints = Meter.CreateCounter<long>(DataPoints, "{data_point}", "Data points recorded, by source.");
        _postbackDuration = Meter.CreateHistogram<double>(PostbackDuration, "ms", "Duration of partner calls, from the request's body read to the answer.");
        _resyncRuns = Meter.CreateCounter<long>(ResyncRuns, "{pass}", "Resync passes of one cohort, by trigger and outcome.");
        _resyncIdentifiers = Meter.CreateCounter<long>(ResyncIdentifiers, "{identifier}", "Pending identifiers a resync pass retried, by result.");
        _cohortsStale = Meter.CreateGauge<int>(CohortsStale, "{cohort}", "Cohorts without a postback for more than twice their cadence.");
        _maintenanceRuns = Meter.CreateCounter<long>(MaintenanceRuns, "{run}", "Maintenance of one cohort in a run, by outcome.");
        _storageRetries = Meter.CreateCounter<long>(StorageRetries, "{retry}", "Storage requests sent again after throttling, a timeout or a server error.");
        _storageContention = Meter.CreateCounter<long>(StorageContention, "{conflict}", "Conditional writes that lost to a concurrent writer and were tried again.");
    }

    /// <summary>Every instrument of the contract, by name.</summary>
    public static IReadOnlyList<string> Instruments { get; } =
        [Postbacks, PostbackIds, DataPoints, PostbackDuration, ResyncRuns, ResyncIdentifiers, CohortsStale, MaintenanceRuns, StorageRetries, StorageContention];

    /// <summary>The meter, owned by the <see cref="IMeterFactory"/> that created it (one per service provider).</summary>
    public Meter Meter { get; }

    /// <summary>
    /// One partner call and how it was answered: <paramref name="status"/> and <paramref name="message"/> as the
    /// sender saw them (see <see cref="FixedMessage"/>), and how long the app worked on it.
    /// </summary>
    public void PartnerCall(PartnerEndpoint endpoint, MetricScope scope, int status, string message, TimeSpan? duration)
    {
        var endpointName = Endpoint(endpoint);
        var statusClass = StatusClass(status);
        _postbacks.Add(
            1,
            Scoped(scope,
                Tag("endpoint", endpointName),
                Tag("status_code", status.ToString(CultureInfo.InvariantCulture)),
                Tag("status_class", statusClass),
                Tag("message", FixedMessage(status, message))));
        if (duration is { } elapsed)
        {
            _postbackDuration.Record(elapsed.TotalMilliseconds, Scoped(scope, Tag("endpoint", endpointName), Tag("status_class", statusClass)));
        }
    }

    /// <summary>
    /// What became of the identifiers of one users postback: all six results once it applied its changes; only
    /// <c>received</c> when it failed after its body was validated; nothing for a credential test (no identifier).
    /// </summary>
    public void PostbackIdentifiers(MetricScope scope, SyncCounts counts, int matched, bool applied)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Received == 0)
        {
            return;
        }

        AddResult(_postbackIds, scope, "received", counts.Received);
        if (!applied)
        {
            return;
        }

        AddResult(_postbackIds, scope, "matched", matched);
        AddResult(_postbackIds, scope, "unmatched", counts.Unmatched);
        AddResult(_postbackIds, scope, "added", counts.Added);
        AddResult(_postbackIds, scope, "removed", counts.Removed);
        AddResult(_postbackIds, scope, "unchanged", counts.Unchanged);
    }

    /// <summary>Data points counted by committed membership batches of a postback or a resync pass.</summary>
    public void DataPointsRecorded(MetricScope scope, MembershipSource source, int count)
    {
        if (count <= 0)
        {
            return;
        }

        var sourceName = source switch
        {
            MembershipSource.Postback => "postback",
            MembershipSource.Resync => "resync",
            _ => throw new ArgumentOutOfRangeException(nameof(source), source, "Only postbacks and resync passes count data points."),
        };
        _dataPoints.Add(count, Scoped(scope, Tag("source", sourceName)));
    }

    /// <summary>One resync pass of one cohort, and what became of the pending identifiers it retried.</summary>
    public void ResyncPass(MetricScope scope, bool manual, ResyncPassEnd end, int applied, int expired, int stillPending)
    {
        var outcome = end switch
        {
            ResyncPassEnd.Completed => "completed",
            ResyncPassEnd.CutShort => "cut_short",
            ResyncPassEnd.Failed => "failed",
            _ => throw new ArgumentOutOfRangeException(nameof(end), end, "Unknown end of a resync pass."),
        };
        _resyncRuns.Add(1, Scoped(scope, Tag("trigger", manual ? "manual" : "timer"), Tag("outcome", outcome)));
        AddResult(_resyncIdentifiers, scope, "applied", applied);
        AddResult(_resyncIdentifiers, scope, "expired", expired);
        AddResult(_resyncIdentifiers, scope, "still_pending", stillPending);
    }

    /// <summary>How many cohorts of a workspace and partner are stale now (also 0, so an alert on it resolves).</summary>
    public void StaleCohorts(MetricScope scope, int count) => _cohortsStale.Record(count, Scoped(scope));

    /// <summary>The maintenance of one cohort in a run.</summary>
    public void MaintenanceOfCohort(MetricScope scope, MaintenanceEnd end)
    {
        var outcome = end switch
        {
            MaintenanceEnd.Complete => "complete",
            MaintenanceEnd.CutShort => "cut_short",
            MaintenanceEnd.Failed => "failed",
            _ => throw new ArgumentOutOfRangeException(nameof(end), end, "Unknown end of a cohort's maintenance."),
        };
        _maintenanceRuns.Add(1, Scoped(scope, Tag("outcome", outcome)));
    }

    /// <summary>
    /// A storage request sent again by the storage client (throttling, a timeout, a server error), counted under
    /// <see cref="MetricScope.Current"/>. <paramref name="operation"/> is the table without its prefix and the kind
    /// of request, e.g. <c>memberships.batch</c> or <c>identifiers.read</c>.
    /// </summary>
    public void StorageRetry(string operation) => _storageRetries.Add(1, Scoped(MetricScope.Current, Tag("operation", operation)));

    /// <summary>A conditional write that lost to a concurrent writer and is tried again (<see cref="StorageOperations"/>).</summary>
    public void StorageConflict(MetricScope scope, string operation) => _storageContention.Add(1, Scoped(scope, Tag("operation", operation)));

    /// <summary>
    /// The <c>message</c> dimension: a 4xx answer's fixed message as the sender saw it, but only its fixed part where
    /// Braze's message carries a key hint; empty for 2xx and 5xx.
    /// </summary>
    public static string FixedMessage(int status, string? message)
    {
        if (status is < 400 or >= 500 || message is null)
        {
            return "";
        }

        return message.StartsWith(PartnerMessages.PartnerNotEnabledPrefix, StringComparison.Ordinal)
            ? PartnerMessages.PartnerNotEnabledPrefix.TrimEnd(' ', ':')
            : message;
    }

    private static string StatusClass(int status) => status switch
    {
        >= 200 and < 300 => "2xx",
        >= 400 and < 500 => "4xx",
        >= 500 and < 600 => "5xx",
        _ => status.ToString(CultureInfo.InvariantCulture)[..1] + "xx",
    };

    private static string Endpoint(PartnerEndpoint endpoint) => endpoint switch
    {
        PartnerEndpoint.Name => "name",
        PartnerEndpoint.Users => "users",
        _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, "Unknown partner endpoint."),
    };

    private static void AddResult(Counter<long> counter, MetricScope scope, string result, int count) =>
        counter.Add(count, Scoped(scope, Tag("result", result)));

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);

    private static TagList Scoped(MetricScope scope, params ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var list = new TagList { { "workspace", scope.Workspace }, { "partner", scope.Partner } };
        foreach (var tag in tags)
        {
            list.Add(tag);
        }

        return list;
    }
}
