namespace CohortFunctions.Maintenance;

/// <summary>What compacting one cohort's member counts did.</summary>
internal sealed record CompactionResult(int DeltasFolded, int LedgerRowsRewritten);
