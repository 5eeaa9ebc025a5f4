namespace CohortFunctions.History;

/// <summary>What one retention sweep did: workspaces looked at, rows deleted, and whether it reached the last workspace.</summary>
internal sealed record HistorySweep(int Workspaces, int RowsDeleted, int Failed, bool Complete)
{
    public static HistorySweep Nothing { get; } = new(0, 0, 0, true);
}
