namespace CohortFunctions.DataPoints;

/// <summary>Data points of a workspace over a range of UTC days.</summary>
internal sealed record DataPointReport(long Total, IReadOnlyList<DataPointDay> Days);
