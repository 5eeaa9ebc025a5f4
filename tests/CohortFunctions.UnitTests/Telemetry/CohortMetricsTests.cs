using System.Diagnostics.Metrics;
using CohortFunctions.History;
using CohortFunctions.Memberships;
using CohortFunctions.Postbacks;
using CohortFunctions.Telemetry;
using CohortFunctions.TestSupport;
using CohortFunctions.UnitTests.TestSupport;

namespace CohortFunctions.UnitTests.Telemetry;

/// <summary>The instruments are the metric contract's (docs/operations.md), and record the dimensions it names.</summary>
public sealed class CohortMetricsTests : IDisposable
{
    private readonly TestMeterFactory _meters = new();
    private readonly CohortMetrics _metrics;
    private readonly RecordedMetrics _recorded;

    public CohortMetricsTests()
    {
        _metrics = new CohortMetrics(_meters);
        _recorded = new RecordedMetrics(_metrics.Meter);
    }

    public void Dispose()
    {
        _recorded.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public void Meter_Created_HasExactlyTheContractsInstrumentsWithTheirKindsAndUnits()
    {
        // Arrange
        var published = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (ReferenceEquals(instrument.Meter, _metrics.Meter))
                {
                    published.Add(instrument);
                }
            },
        };

        // Act
        listener.Start();

        // Assert
        Assert.Equal("CohortFunctions", _metrics.Meter.Name);
        Assert.Equal(
            [
                ("cohortfunctions.cohorts.stale", "Gauge`1", "{cohort}"),
                ("cohortfunctions.data_points", "Counter`1", "{data_point}"),
                ("cohortfunctions.maintenance.runs", "Counter`1", "{run}"),
                ("cohortfunctions.postback.duration", "Histogram`1", "ms"),
                ("cohortfunctions.postback.ids", "Counter`1", "{identifier}"),
                ("cohortfunctions.postbacks", "Counter`1", "{call}"),
                ("cohortfunctions.resync.identifiers", "Counter`1", "{identifier}"),
                ("cohortfunctions.resync.runs", "Counter`1", "{pass}"),
                ("cohortfunctions.storage.contention", "Counter`1", "{conflict}"),
                ("cohortfunctions.storage.retries", "Counter`1", "{retry}"),
            ],
            published.Select(i => (Name: i.Name, Kind: i.GetType().Name, i.Unit)).OrderBy(i => i.Name, StringComparer.Ordinal).ToList());
        Assert.Equal(published.Select(i => i.Name).Order(StringComparer.Ordinal), CohortMetrics.Instruments.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(401, "Partner not enabled for client with client secret: 5d2a...", "Partner not enabled for client with client secret")]
    [InlineData(401, PartnerMessages.InvalidClientSecret, PartnerMessages.InvalidClientSecret)]
    [InlineData(400, PartnerMessages.InvalidCohortId, PartnerMessages.InvalidCohortId)]
    [InlineData(201, "success", "")]
    [InlineData(503, "Storage is unavailable; retry later.", "")]
    [InlineData(500, "internal error", "")]
    public void FixedMessage_StatusAndMessage_KeepsOnlyA4xxsFixedWords(int status, string message, string expected) =>
        Assert.Equal(expected, CohortMetrics.FixedMessage(status, message));

    [Fact]
    public void PostbackIdentifiers_NotApplied_CountsOnlyWhatWasReceived()
    {
        // Act
        _metrics.PostbackIdentifiers(Scope, SyncCounts.ReceivedOnly(7), matched: 0, applied: false);

        // Assert
        var received = Assert.Single(_recorded.All);
        Assert.Equal(("received", 7.0), (received.Tags["result"], received.Value));
    }

    [Fact]
    public void DataPointsRecorded_ByPostbackAndResync_CountsEachUnderItsSource()
    {
        // Act
        _metrics.DataPointsRecorded(Scope, MembershipSource.Postback, 3);
        _metrics.DataPointsRecorded(Scope, MembershipSource.Resync, 2);
        _metrics.DataPointsRecorded(Scope, MembershipSource.Postback, 0);

        // Assert
        Assert.Equal([("postback", 3.0), ("resync", 2.0)], _recorded.Of(CohortMetrics.DataPoints).Select(m => (m.Tags["source"], m.Value)).ToList());
    }

    [Fact]
    public void ResyncPass_CutShortManualPass_CountsThePassAndEachResultOfItsIdentifiers()
    {
        // Act
        _metrics.ResyncPass(Scope, manual: true, ResyncPassEnd.CutShort, applied: 4, expired: 1, stillPending: 9);

        // Assert
        var pass = Assert.Single(_recorded.Of(CohortMetrics.ResyncRuns));
        Assert.Equal(("manual", "cut_short", "acme", "amplitude"), (pass.Tags["trigger"], pass.Tags["outcome"], pass.Tags["workspace"], pass.Tags["partner"]));
        Assert.Equal([("applied", 4.0), ("expired", 1.0), ("still_pending", 9.0)], _recorded.Of(CohortMetrics.ResyncIdentifiers).Select(m => (m.Tags["result"], m.Value)).ToList());
    }

    [Fact]
    public void StorageRetry_InsideAScope_CountsUnderTheScopesWorkspaceAndPartner()
    {
        // Act
        using (MetricScope.Enter(Scope))
        {
            _metrics.StorageRetry("memberships.batch");
        }

        _metrics.StorageRetry("importkeys.read");

        // Assert
        Assert.Equal(
            [("memberships.batch", "acme", "amplitude"), ("importkeys.read", "unknown", "unknown")],
            _recorded.Of(CohortMetrics.StorageRetries).Select(m => (m.Tags["operation"], m.Tags["workspace"], m.Tags["partner"])).ToList());
    }

    private static MetricScope Scope => MetricScope.Of(TestKeys.Workspace("acme"), "amplitude");
}
