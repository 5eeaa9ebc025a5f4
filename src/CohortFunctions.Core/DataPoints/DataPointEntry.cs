namespace CohortFunctions.DataPoints;

/// <summary>A data point ledger entry: the effective changes of one committed membership batch.</summary>
internal sealed record DataPointEntry(string BatchId, string PostbackId, int Count);
