using System.Diagnostics.Metrics;

namespace CohortFunctions.TestSupport;

/// <summary>
/// Every measurement of one <see cref="Meter"/> object, as recorded, with its instrument and dimensions. Listens to
/// that meter instance only, so apps and services running in parallel in the same test process (each with its own
/// meter of the same name) never mix into one test's figures. Compiled into both test projects.
/// </summary>
internal sealed class RecordedMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<RecordedMeasurement> _measurements = [];
    private readonly Lock _gate = new();

    public RecordedMetrics(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Everything recorded so far, in order.</summary>
    public IReadOnlyList<RecordedMeasurement> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _measurements];
            }
        }
    }

    /// <summary>The measurements of one instrument whose dimensions include every one of <paramref name="tags"/>.</summary>
    public IReadOnlyList<RecordedMeasurement> Of(string instrument, params (string Name, string Value)[] tags) =>
        [.. All.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.TryGetValue(t.Name, out var v) && v == t.Value))];

    /// <summary>The sum of <see cref="Of"/>'s values: what a counter counted for those dimensions.</summary>
    public double Sum(string instrument, params (string Name, string Value)[] tags) => Of(instrument, tags).Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dimensions = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            dimensions[tag.Key] = tag.Value?.ToString();
        }

        lock (_gate)
        {
            _measurements.Add(new RecordedMeasurement(instrument.Name, value, dimensions));
        }
    }
}
