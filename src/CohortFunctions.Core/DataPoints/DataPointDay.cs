namespace CohortFunctions.DataPoints;

/// <summary>Data points of one partner on one UTC day.</summary>
internal sealed record DataPointDay(DateOnly Date, string Partner, long Count);
