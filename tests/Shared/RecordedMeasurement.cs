namespace CohortFunctions.TestSupport;

/// <summary>One measurement: the instrument's name, the value, and its dimensions as text.</summary>
internal sealed record RecordedMeasurement(string Instrument, double Value, IReadOnlyDictionary<string, string?> Tags);
